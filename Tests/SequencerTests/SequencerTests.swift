import EVMCore
import EVMState
import EVMExecution
import Foundation
import Testing
import SequencerModel
import Sequencer
import BatchVerification
import Generators
import ParallelExecutor
import PlantedFaults

// MARK: A fixed scenario with one instance of every rule's situation

enum Scenario {
    static func stream() -> [IntakeTx] {
        var s: [IntakeTx] = []
        func add(_ arrival: UInt64, _ t: RecoveredTransaction, _ kind: TxKind = .user, actor: Address? = nil, key: UInt64 = 0,
                 bundle: BundleRef? = nil, express: UInt64? = nil) {
            s.append(IntakeTx(id: s.count, arrival: arrival, kind: kind, actor: actor, nonceKey: UInt256(key), tx: t,
                              bundle: bundle, expressSeq: express))
        }
        let u = World.user
        add(5, World.transfer(World.forcer, nonce: 0, to: u(6), amount: 1), .forced(l1Index: 1))          // 0
        add(6, World.transfer(World.forcer, nonce: 1, to: u(6), amount: 1), .forced(l1Index: 2))          // 1
        add(10, World.transfer(u(0), nonce: 0, to: u(1), amount: 5))                                       // 2
        add(11, World.transfer(u(0), nonce: 1, to: u(1), amount: 5))                                       // 3
        add(12, World.transfer(World.aaExecutor(0, key: 0), nonce: 0, to: u(2), amount: 1), actor: World.aaActor(0), key: 1)  // 4
        add(12, World.transfer(World.aaExecutor(0, key: 1), nonce: 0, to: u(3), amount: 1), actor: World.aaActor(0), key: 2)  // 5
        add(20, World.update(nonce: 0, feed: 1, price: 90), .oracleUpdate(feed: 1))                        // 6
        add(25, World.liquidate(u(2), nonce: 0, feed: 1, position: 1), .liquidation(feed: 1))              // 7
        add(30, World.transfer(World.privileged, nonce: 0, to: u(0), amount: 1), .privileged)              // 8
        add(40, World.swap(World.searcher(0), nonce: 0, pool: 0, buy: true))                              // 9
        add(41, World.swap(u(3), nonce: 0, pool: 0, buy: true))                                            // 10
        add(42, World.swap(World.searcher(0), nonce: 1, pool: 0, buy: false))                             // 11
        add(50, World.transfer(World.expressSender, nonce: 0, to: u(5), amount: 1), express: 0)            // 12
        add(51, World.transfer(World.expressSender, nonce: 1, to: u(5), amount: 1), express: 1)            // 13
        add(60, World.swap(World.searcher(1), nonce: 0, pool: 1, buy: true), .privileged, bundle: BundleRef(id: 1, index: 0, size: 2))  // 14
        add(60, World.swap(World.searcher(1), nonce: 1, pool: 1, buy: false), .privileged, bundle: BundleRef(id: 1, index: 1, size: 2)) // 15
        add(70, World.transfer(u(4), nonce: 0, to: u(1), amount: 1, tip: 1))                               // 16
        var r = World.transfer(u(4), nonce: 0, to: u(2), amount: 1, tip: 2)
        r.transaction.maxFeePerGas = 22; r.transaction.gasPrice = 22
        add(71, r)                                                                                         // 17 replaces 16
        add(300, World.transfer(u(5), nonce: 0, to: u(7), amount: 1))                                      // 18
        add(80, World.transfer(u(6), nonce: 0, to: u(7), amount: 1))                                       // 19
        add(13, World.transfer(World.aaExecutor(0, key: 0), nonce: 1, to: u(2), amount: 1), actor: World.aaActor(0), key: 1)  // 20
        return s
    }

    static let input = World.input(stream())
}

typealias World = SequencerWorld
typealias StreamGenerator = SequencerStreamGenerator

func sequenced(_ input: SequencerInput) throws -> SequencerOutput { try Sequencer.sequence(input) }

func verify(_ input: SequencerInput, _ output: SequencerOutput) throws -> BatchVerdict {
    try BatchVerifier.verify(input: input, output: output)
}

/// Rebuilds an output with new batch contents: `(index, groups)` per batch, keeping every
/// predicted access record and the rejections of transactions that stay out.
func rebuilt(_ out: SequencerOutput, _ batches: [(Int, [[Int]])], policy: SequencerPolicy = World.policy(),
             replaceAccess: [Int: TxAccess] = [:]) -> SequencerOutput {
    var access = Dictionary(out.batches.flatMap(\.access).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    for (k, v) in replaceAccess { access[k] = v }
    let placed = Set(batches.flatMap { $0.1.joined() })
    let bs = batches.map { (i, g) in
        Batch(index: i, time: policy.batchTime(i), groups: g, access: g.joined().compactMap { access[$0] }, blockAccessList: [])
    }
    return SequencerOutput(batches: bs, rejections: out.rejections.filter { !placed.contains($0.id) })
}

func layout(_ out: SequencerOutput) -> [(Int, [[Int]])] { out.batches.map { ($0.index, $0.groups) } }

/// Moves `id` out of wherever it is (groups emptied by the move disappear).
func removing(_ id: Int, from l: [(Int, [[Int]])]) -> [(Int, [[Int]])] {
    l.map { ($0.0, $0.1.map { $0.filter { $0 != id } }.filter { !$0.isEmpty }) }
}

func batchIndex(of id: Int, _ l: [(Int, [[Int]])]) -> Int? { l.firstIndex { $0.1.joined().contains(id) } }

@Suite(.serialized) struct SequencerScenarioTests {
    @Test func scenarioOutputPassesAndHasTheExpectedShape() throws {
        let out = try sequenced(Scenario.input)
        let verdict = try verify(Scenario.input, out)
        #expect(verdict.passed, "\(verdict.violations)")
        let groupOf: [Int: (Int, Int)] = Dictionary(uniqueKeysWithValues: out.batches.enumerated().flatMap { (bi, b) in
            b.groups.enumerated().flatMap { (gi, g) in g.map { ($0, (bi, gi)) } } })
        // Two transfers of one account in one lane: the second waits for a later group.
        let g2 = try #require(groupOf[2]), g3 = try #require(groupOf[3])
        #expect(g3 > g2 || (g3.0 > g2.0))
        // Different nonce keys of one AA account share a group.
        #expect(groupOf[4] != nil && groupOf[4]! == groupOf[5]!)
        // Replacement, sandwich rejection, bundle placed contiguously.
        let reasons = Dictionary(uniqueKeysWithValues: out.rejections.map { ($0.id, $0.reason) })
        #expect(reasons[16] == .replaced(by: 17))
        if case .sandwich(let f, let v)? = reasons[11] { #expect(f == 9 && v == 10) } else { Issue.record("11 not rejected as sandwich: \(String(describing: reasons[11]))") }
        let order = out.order
        let i14 = try #require(order.firstIndex(of: 14))
        #expect(order[i14 + 1] == 15)
        // Forced first, in L1 order.
        #expect(Array(order.prefix(2)) == [0, 1])
        // Oracle update before its liquidation, privileged tx not between them.
        let p6 = try #require(order.firstIndex(of: 6)), p7 = try #require(order.firstIndex(of: 7)), p8 = try #require(order.firstIndex(of: 8))
        #expect(p6 < p7 && !(p6 < p8 && p8 < p7))
        // Emitted EIP-2930 lists cover the token slots a transfer writes.
        let a2 = try #require(out.batches.flatMap(\.access).first { $0.id == 2 })
        let tokenEntry = try #require(a2.accessList.first { $0.address == World.token })
        #expect(tokenEntry.storageKeys.contains(Bytes32(World.user(0).word)))
        #expect(out.batches.allSatisfy { !$0.blockAccessList.isEmpty })
    }

    @Test func badPolicyIsATypedError() {
        var p = World.policy(); p.batchInterval = 0
        #expect(throws: SequencerError.invalidPolicy("batchInterval must be positive")) { try Sequencer.sequence(World.input([], policy: p)) }
        var s = Scenario.stream(); s[1].id = 0
        #expect(throws: SequencerError.duplicateId(0)) { try Sequencer.sequence(World.input(s)) }
    }
}

// MARK: Planted violations: each hand-built bad output is rejected, naming the rule

@Suite(.serialized) struct PlantedViolationTests {
    let input = Scenario.input
    let out: SequencerOutput
    init() throws { out = try Sequencer.sequence(Scenario.input) }

    func expectCaught(_ rule: String, _ bad: SequencerOutput, input: SequencerInput? = nil, txs: Set<Int> = []) throws {
        let v = try verify(input ?? self.input, bad)
        #expect(v.violates(rule), "expected \(rule), got \(v.violations)")
        if !txs.isEmpty {
            #expect(v.violations.contains { $0.rule == rule && txs.isSubset(of: Set($0.txs)) }, "\(rule) should name \(txs): \(v.violations)")
        }
        try expectCounterexample(rule, input: input ?? self.input, bad: bad)
    }

    @Test func r16SilentDrop() throws { try expectCaught("R16", rebuilt(out, removing(19, from: layout(out))), txs: [19]) }

    @Test func r16Duplicate() throws {
        var l = layout(out); l[0].1.append([19])
        try expectCaught("R16", rebuilt(out, l), txs: [19])
    }

    @Test func r1LaneOrder() throws {
        var l = removing(3, from: layout(out))
        let b = try #require(batchIndex(of: 2, l))
        l[b].1.insert([3], at: 0)
        try expectCaught("R1", rebuilt(out, l), txs: [3])
    }

    @Test func r2KeyedLaneOrder() throws {
        var l = removing(20, from: layout(out))
        let b = try #require(batchIndex(of: 4, l))
        l[b].1.insert([20], at: 0)
        try expectCaught("R2", rebuilt(out, l), txs: [20])
    }

    @Test func r4ReplacedTxIncluded() throws {
        var l = layout(out)
        let b = try #require(batchIndex(of: 17, l))
        l[b].1 = l[b].1.map { $0.map { $0 == 17 ? 16 : $0 } }
        try expectCaught("R4", rebuilt(out, l), txs: [16])
    }

    @Test func r5ForcedNotFirst() throws {
        var l = removing(19, from: layout(out))
        l[0].1.insert([19], at: 0)
        try expectCaught("R5", rebuilt(out, l), txs: [0, 19])
    }

    @Test func r6LiquidationBeforeUpdate() throws {
        var l = removing(7, from: layout(out))
        let b = try #require(batchIndex(of: 6, l))
        let g = try #require(l[b].1.firstIndex { $0.contains(6) })
        l[b].1.insert([7], at: g)
        try expectCaught("R6", rebuilt(out, l), txs: [6, 7])
    }

    @Test func r7PrivilegedBetweenUpdateAndDependent() throws {
        var l = removing(8, from: removing(7, from: removing(6, from: layout(out))))
        l[0].1 += [[6], [8], [7]]
        try expectCaught("R7", rebuilt(out, l), txs: [6, 8])
    }

    @Test func r8LiquidationInGracePeriod() throws {
        var p = World.policy()
        p.feeds = [FeedPolicy(feed: 1, maxAge: 10_000, downtimeEnd: 0, grace: 1_000_000)]
        var i = input; i.policy = p
        try expectCaught("R8", out, input: i, txs: [7])
    }

    @Test func r9Sandwich() throws {
        var l = removing(11, from: layout(out))
        let b = try #require(batchIndex(of: 10, l))
        l[b].1.append([11])
        try expectCaught("R9", rebuilt(out, l), txs: [9, 10, 11])
    }

    @Test func r10PrivilegedFrontRun() throws {
        var l = removing(8, from: layout(out))
        let b = try #require(batchIndex(of: 2, l))
        let g = try #require(l[b].1.firstIndex { $0.contains(2) })
        l[b].1.insert([8], at: g)
        try expectCaught("R10", rebuilt(out, l), txs: [2, 8])
    }

    @Test func r11Fairness() throws {
        var l = removing(19, from: layout(out))
        let b = try #require(batchIndex(of: 18, l))
        l[b].1.append([19])
        try expectCaught("R11", rebuilt(out, l), txs: [19, 18])
    }

    @Test func r12ExpressOrder() throws {
        var l = removing(13, from: layout(out))
        let b = try #require(batchIndex(of: 12, l))
        let g = try #require(l[b].1.firstIndex { $0.contains(12) })
        l[b].1.insert([13], at: g)
        try expectCaught("R12", rebuilt(out, l), txs: [12, 13])
    }

    @Test func r13FeeOrder() throws {
        var p = World.policy(.fee)
        p.maxGroupsPerBatch = 4
        let s = [IntakeTx(id: 0, arrival: 10, tx: World.transfer(World.user(0), nonce: 0, to: World.user(4), amount: 1, tip: 1)),
                 IntakeTx(id: 1, arrival: 11, tx: World.transfer(World.user(1), nonce: 0, to: World.user(5), amount: 1, tip: 5))]
        let i = World.input(s, policy: p)
        let good = try sequenced(i)
        #expect(good.order == [1, 0])
        #expect(try verify(i, good).passed)
        try expectCaught("R13", rebuilt(good, [(0, [[0, 1]])], policy: p), input: i, txs: [0, 1])
    }

    @Test func r14ConflictingTxsInOneGroup() throws {
        var l = removing(3, from: layout(out))
        let b = try #require(batchIndex(of: 2, l))
        let g = try #require(l[b].1.firstIndex { $0.contains(2) })
        l[b].1[g].append(3)
        try expectCaught("R14", rebuilt(out, l), txs: [2, 3])
    }

    @Test func r14ParallelDiffersFromSerial() throws {
        let v = try BatchVerifier.verify(input: input, output: out, faults: PlantedFault.dropBeneficiaryFees)
        #expect(v.violations.contains { $0.rule == "R14" && $0.explanation.contains("differs from serial") }, "\(v.violations)")
        try expectCounterexample("R14", input: input, bad: out, variant: "parallel:dropBeneficiaryFees")
    }

    @Test func r15UnderPredictedAccess() throws {
        let empty = TxAccess(id: 19, reads: [], writes: [], accessList: [])
        try expectCaught("R15", rebuilt(out, layout(out), replaceAccess: [19: empty]), txs: [19])
    }

    @Test func r17UnboundedDeferral() throws {
        var l = removing(19, from: layout(out))
        l.append((9, [[19]]))
        try expectCaught("R17", rebuilt(out, l), txs: [19])
    }

    @Test func r18BundleSplit() throws {
        var l = removing(19, from: layout(out))
        let b = try #require(batchIndex(of: 14, l))
        let g = try #require(l[b].1.firstIndex { $0.contains(14) })
        l[b].1.insert([19], at: g + 1)
        try expectCaught("R18", rebuilt(out, l), txs: [14, 15])
    }
}

// MARK: Properties on generated streams

@Suite(.serialized) struct SequencerPropertyTests {
    @Test(arguments: [(UInt64(1), OrderingMode.arrival), (2, .fee), (3, .arrival), (4, .fee), (5, .arrival), (6, .fee)])
    func sequencerOutputAlwaysPassesTheVerifier(seed: UInt64, mode: OrderingMode) throws {
        let stream = StreamGenerator(count: 40).generate(seed: seed)
        let input = World.input(stream, policy: World.policy(mode))
        let out = try sequenced(input)
        let verdict = try verify(input, out)
        #expect(verdict.passed, "seed \(seed) \(mode): \(verdict.violations)")
        #expect(out.order.count + out.rejections.count == stream.count)
        #expect(out.order.count > stream.count / 2, "seed \(seed): most transactions are included")
    }

    @Test func generatedStreamsExposeParallelism() throws {
        var maxGroup = 0
        for seed in UInt64(10)..<13 {
            let input = World.input(StreamGenerator(count: 40).generate(seed: seed))
            let out = try sequenced(input)
            maxGroup = max(maxGroup, out.batches.flatMap(\.groups).map(\.count).max() ?? 0)
        }
        #expect(maxGroup >= 3)
    }

    @Test func r19SameInputSameOutput() throws {
        let a = StreamGenerator(count: 40).generate(seed: 77), b = StreamGenerator(count: 40).generate(seed: 77)
        #expect(a == b)
        let o1 = try sequenced(World.input(a)), o2 = try sequenced(World.input(b))
        #expect(o1 == o2)
        let c = StreamGenerator(count: 40).generate(seed: 78)
        #expect(a != c)
    }
}

/// Wider sweep, opt-in: LOCKSTEP_SEQ_SEEDS=n runs n seeds per ordering mode with 60-tx streams;
/// LOCKSTEP_SEQ_TIGHT=1 shrinks batches so deferral across batches and the K bound are exercised.
@Suite(.serialized) struct SequencerSweepTests {
    @Test func sweep() throws {
        let n = Int(ProcessInfo.processInfo.environment["LOCKSTEP_SEQ_SEEDS"] ?? "") ?? 0
        for seed in 0..<UInt64(n) {
            for mode in [OrderingMode.arrival, .fee] {
                var policy = World.policy(mode)
                if ProcessInfo.processInfo.environment["LOCKSTEP_SEQ_TIGHT"] == "1" {
                    policy.maxGroupsPerBatch = 2; policy.maxTxsPerGroup = 3; policy.deferralBound = 2; policy.fairnessWindow = 60
                }
                let input = World.input(StreamGenerator(count: 60, gapRate: 0.05).generate(seed: 1000 + seed), policy: policy)
                let out = try sequenced(input)
                let verdict = try verify(input, out)
                #expect(verdict.passed, "seed \(1000 + seed) \(mode): \(verdict.violations)")
            }
        }
    }
}

/// Hostile input: extreme nonces, keys, express numbers and malformed bundles are decided
/// with a reason and never trap; the verifier accepts the result.
@Suite(.serialized) struct HostileInputTests {
    @Test func extremeValuesAreRejectedWithReasons() throws {
        let u = World.user
        var s: [IntakeTx] = []
        s.append(IntakeTx(id: 0, arrival: 1, tx: World.transfer(u(0), nonce: .max, to: u(1), amount: 1)))
        s.append(IntakeTx(id: 1, arrival: 2, nonceKey: .max, tx: World.transfer(u(1), nonce: 0, to: u(1), amount: 1)))
        s.append(IntakeTx(id: 2, arrival: 3, tx: World.transfer(u(2), nonce: 0, to: u(1), amount: 1), expressSeq: .max))
        s.append(IntakeTx(id: 3, arrival: 4, kind: .privileged, tx: World.swap(World.searcher(0), nonce: 0, pool: 0, buy: true),
                          bundle: BundleRef(id: 9, index: 5, size: 0)))
        s.append(IntakeTx(id: 4, arrival: 5, tx: World.transfer(u(3), nonce: 0, to: u(1), amount: 1_000_000)))  // token balance short: reverts, still valid
        s.append(IntakeTx(id: 5, arrival: 6, tx: World.call(u(4), nonce: 0, to: World.token, data: [], maxFee: 1)))  // fee cap below base fee
        s.append(IntakeTx(id: 6, arrival: 7, actor: u(5), nonceKey: 1, tx: World.transfer(u(0), nonce: 0, to: u(1), amount: 1)))  // executor serves two lanes
        let input = World.input(s)
        let out = try sequenced(input)
        #expect(out.order.count + out.rejections.count == s.count)
        let reasons = Dictionary(uniqueKeysWithValues: out.rejections.map { ($0.id, $0.reason) })
        #expect(reasons[1] == .invalidNonceKey)
        #expect(reasons[3] == .bundleIncomplete)
        #expect(reasons[2] == .expressGap(expected: 0))
        if case .invalid? = reasons[5] {} else { Issue.record("fee cap below base fee: \(String(describing: reasons[5]))") }
        #expect(out.order.contains(4))
        let v = try verify(input, out)
        #expect(v.passed, "\(v.violations)")
    }
}

/// R3: EIP-7702 authorizations consume their authority's nonce in output order.
@Suite(.serialized) struct AuthorizationNonceTests {
    static func setup(authNonce: UInt64) throws -> (SequencerInput, Address) {
        let key = Bytes32(UInt256(0xA11CE))
        var auth = Authorization(chainId: 1, address: World.token, nonce: authNonce)
        let signed = auth.sign(privateKey: key)
        #expect(signed)
        let authority = try #require(auth.authority())
        var input = World.input([])
        input.fork = .prague
        input.pre.setAccount(authority, nonce: 0, balance: UInt256(1_000_000_000_000_000_000 as UInt64), code: [], storage: [:])
        let own = World.transfer(authority, nonce: 0, to: World.user(1), amount: 0)
        var delegating = World.transfer(World.user(7), nonce: 0, to: World.user(2), amount: 1)
        delegating.transaction.type = .setCode
        delegating.transaction.authorizationList = [auth]
        input.stream = [IntakeTx(id: 0, arrival: 10, tx: own), IntakeTx(id: 1, arrival: 20, tx: delegating),
                        IntakeTx(id: 2, arrival: 30, tx: World.transfer(authority, nonce: 1, to: World.user(1), amount: 0))]
        return (input, authority)
    }

    @Test func usedAuthorizationNonceIsRejected() throws {
        let (input, authority) = try Self.setup(authNonce: 0)
        let out = try sequenced(input)
        #expect(out.rejections.contains { $0.id == 1 && $0.reason == .authorizationNonce(authority: authority) })
        #expect(try verify(input, out).passed)
    }

    @Test func authorizationConsumesTheNextNonce() throws {
        let (input, _) = try Self.setup(authNonce: 1)
        let out = try sequenced(input)
        #expect(out.order == [0, 1], "\(layout(out)) \(out.rejections)")
        #expect(out.rejections.contains { $0.id == 2 && $0.reason == .nonceTooLow })
        let v = try verify(input, out)
        #expect(v.passed, "\(v.violations)")
        // Planted: the delegation placed before the authority's own nonce-0 transaction.
        let bad = rebuilt(out, [(0, [[1], [0]])])
        let bv = try verify(input, bad)
        #expect(bv.violates("R3"), "\(bv.violations)")
        try expectCounterexample("R3", input: input, bad: bad)
    }
}

/// The CLI file formats round-trip: stream file → same output; batches file → same verdict.
@Suite(.serialized) struct FileFormatTests {
    @Test func streamAndBatchesFilesRoundTrip() throws {
        let input = World.input(StreamGenerator(count: 30).generate(seed: 5))
        if let path = ProcessInfo.processInfo.environment["LOCKSTEP_SEQ_SAMPLE"] {
            try StreamFile.encode(input).write(to: URL(fileURLWithPath: path))
        }
        let decoded = try StreamFile.decode(StreamFile.encode(input))
        #expect(decoded.stream == input.stream)
        let out = try sequenced(input)
        #expect(try sequenced(decoded) == out)
        let back = try BatchesFile.decode(BatchesFile.encode(out))
        #expect(back.order == out.order)
        #expect(try verify(decoded, back).passed)
        // A broken file is a typed error, not a trap.
        #expect(throws: SequencerJSONError.self) { try StreamFile.decode(Data("{\"fork\": 1}".utf8)) }
        #expect(throws: SequencerJSONError.self) { try BatchesFile.decode(Data("{\"batches\":[{\"index\":0,\"time\":1,\"groups\":[],\"access\":[{\"id\":0,\"reads\":[\"\"],\"writes\":[],\"accessList\":[]}],\"blockAccessList\":[]}],\"rejections\":[]}".utf8)) }
    }
}

/// Regression (issue 14): the sequencer itself broke R6 when the earlier update of a feed was
/// held back by its lane instead of by a conflict — it then had no prediction for the
/// liquidation to conflict with, and the liquidation (received later) went first. Found as
/// "R6 [28, 29]: oracle update for feed 2 received before its dependent" on a generated stream;
/// these are its two shapes, shrunk by hand to three transactions each.
@Suite(.serialized) struct R6RegressionTests {
    static func update(_ id: Int, at t: UInt64, nonce: UInt64, feed: UInt64) -> IntakeTx {
        IntakeTx(id: id, arrival: t, kind: .oracleUpdate(feed: feed), tx: World.update(nonce: nonce, feed: feed, price: 80 + feed))
    }
    static func liquidation(_ id: Int, at t: UInt64, feed: UInt64) -> IntakeTx {
        IntakeTx(id: id, arrival: t, kind: .liquidation(feed: feed), tx: World.liquidate(World.user(0), nonce: 0, feed: feed, position: 1))
    }

    func check(_ stream: [IntakeTx], mode: OrderingMode) throws -> SequencerOutput {
        let input = World.input(stream, policy: World.policy(mode))
        let out = try sequenced(input)
        let v = try verify(input, out)
        #expect(!v.violates("R6"), "\(mode): \(v.violations) in \(out.batches.map(\.groups))")
        #expect(v.passed, "\(mode): \(v.violations)")
        return out
    }

    /// Two updates of one updater in one batch: the second is a lane successor of the first,
    /// so it waits for the next group, and the liquidation of its feed (received after it)
    /// waits with it. (Before the fix: the liquidation shared the first update's group.)
    @Test(arguments: [OrderingMode.arrival, .fee])
    func secondUpdateOfTheUpdaterInOneBatch(mode: OrderingMode) throws {
        let out = try check([Self.update(0, at: 10, nonce: 0, feed: 1), Self.update(1, at: 20, nonce: 1, feed: 2),
                             Self.liquidation(2, at: 30, feed: 2)], mode: mode)
        #expect(out.order == [0, 1, 2], "\(mode): \(out.batches.map(\.groups)) \(out.rejections)")
    }

    /// The update arrives behind a nonce gap its predecessor fills a batch later, while the
    /// liquidation received after it is ready: waiting for the update would let the liquidation
    /// (ready ≥ Δ earlier) be overtaken (R11), so it goes first, and the update, which R6 now
    /// forbids after it, is rejected with that reason. (Before the fix: placed after it.)
    @Test(arguments: [OrderingMode.arrival, .fee])
    func updateBehindANonceGap(mode: OrderingMode) throws {
        let out = try check([Self.update(0, at: 10, nonce: 1, feed: 2), Self.update(1, at: 150, nonce: 0, feed: 1),
                             Self.liquidation(2, at: 20, feed: 2)], mode: mode)
        #expect(out.order == [2, 1], "\(mode): \(out.batches.map(\.groups)) \(out.rejections)")
        #expect(out.rejections.contains { $0.id == 0 && $0.reason == .dependentAlreadyPlaced(liquidation: 2) }, "\(out.rejections)")
    }
}
