import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import ParallelExecutor
import SMT
import SequencerModel

/// One broken rule: which rule, the transactions that witness it, and why.
public struct RuleViolation: Sendable, Hashable, CustomStringConvertible {
    public var rule: String
    public var txs: [Int]
    public var explanation: String
    public init(rule: String, txs: [Int], explanation: String) { self.rule = rule; self.txs = txs; self.explanation = explanation }
    public var description: String { "\(rule) \(txs): \(explanation)" }
}

public struct BatchVerdict: Sendable {
    public var violations: [RuleViolation]
    /// The rules this run checked.
    public var rulesChecked: [String]
    public var passed: Bool { violations.isEmpty }
    public func violates(_ rule: String) -> Bool { violations.contains { $0.rule == rule } }
}

public enum BatchVerifierError: Error, CustomStringConvertible, Equatable {
    /// Z3 failed or answered unknown (never counted as a pass).
    case solver(String)
    /// R19's premise fails: the two batches files do not claim the same input and seed
    /// (`field` is the `run` field that disagrees, or is malformed), so a difference between
    /// them would prove nothing.
    case incomparableRuns(field: String, first: String, rerun: String)
    public var description: String {
        switch self {
        case .solver(let why): return "solver: \(why)"
        case .incomparableRuns(let f, let a, let b):
            return "R19 not applicable: \(f) differs (\(a) vs \(b)); the two runs do not claim the same input and seed"
        }
    }
}

/// Checks a sequencer's output against the input stream, independently of the sequencer's
/// code: it re-derives lanes, replacements, accesses and positions itself. Concrete checks
/// cover R1, R2, R3, R4, R8, R12–R18; the ordering rules (R1/R2 lane order, R5, R6, R7, R9, R10,
/// R11, R12, R18 contiguity) are encoded over Z3 bit-vector positions, the emitted order is
/// asserted as tracked facts, and each unsat core names a violated rule instance. R19 (same
/// input + seed → same output) compares a second run's output with the first, value for value.
public enum BatchVerifier {
    /// The rules one output is checked against (`SequencerRule.catalogue` holds their text);
    /// R19 needs a second run (`verify(…, rerun:)`).
    public static let rules = SequencerRule.singleRun.map(\.id)

    /// Checks `output` against `input` (R1–R18) and, given `rerun` — a second run's output on
    /// the same input and seed (`checkRerunPremise` checks that claim) — R19: the two outputs
    /// are identical. `faults` is for tests only (`PlantedFaults`): it is handed to the parallel
    /// executor to make it wrong, to show the parallel-versus-serial half of R14 can fail.
    public static func verify(input: SequencerInput, output: SequencerOutput, rerun: SequencerOutput? = nil, workers: Int = 2,
                              faults: (any FaultHook)? = nil) throws(BatchVerifierError) -> BatchVerdict {
        var c = Checker(input: input, output: output, workers: workers)
        c.faults = faults
        c.structure()
        c.lanes()
        c.replacement()
        c.execution()
        c.feeds()
        c.dependentRejections()
        c.feePolicy()
        c.express()
        c.bundles()
        try c.ordering()
        guard let rerun else { return BatchVerdict(violations: c.violations, rulesChecked: rules) }
        if let d = firstRerunDifference(output, rerun) { c.fail("R19", d.txs, "same input and seed, different output: \(d)") }
        return BatchVerdict(violations: c.violations, rulesChecked: rules + ["R19"])
    }
}

// MARK: R19: same input + seed → same output

extension BatchVerifier {
    /// The first place two runs' outputs differ: R19's witness. `batch` is the batch's `index`
    /// (of the first run, or of the only run that has a batch there), `group` and `position`
    /// count from 0 inside it; a difference outside the groups (access records, the batch
    /// access list, rejections) leaves the finer ones nil. `txs` are the transactions at the
    /// difference, first run's first.
    public struct RerunDifference: Sendable, Hashable, CustomStringConvertible {
        public var batch: Int?
        public var group: Int?
        public var position: Int?
        public var field: String
        public var first: String
        public var rerun: String
        public var txs: [Int]

        public var description: String {
            let at = [batch.map { "batch \($0)" }, group.map { "group \($0)" }, position.map { "position \($0)" }].compactMap { $0 }
            return (at.isEmpty ? "" : at.joined(separator: " ") + ": ") + "\(field): first run \(first), rerun \(rerun)"
        }
    }

    /// Compares two outputs in emission order — batch by batch (index, time, then each group
    /// member by member, then the per-transaction access records by id, then the batch access
    /// list), then the rejections — and returns the first difference; nil when identical.
    /// Nothing is re-executed: this is a pure comparison of the two values.
    public static func firstRerunDifference(_ a: SequencerOutput, _ b: SequencerOutput) -> RerunDifference? {
        func show(_ ids: [Int]) -> String { "[" + ids.map(String.init).joined(separator: ", ") + "]" }
        for i in 0..<max(a.batches.count, b.batches.count) {
            guard i < a.batches.count, i < b.batches.count else {
                let extra = i < a.batches.count ? a.batches[i] : b.batches[i]
                return RerunDifference(batch: extra.index, group: nil, position: nil, field: "batch count",
                                       first: "\(a.batches.count) batches", rerun: "\(b.batches.count) batches", txs: extra.ids)
            }
            let x = a.batches[i], y = b.batches[i]
            if x.index != y.index {
                return RerunDifference(batch: x.index, group: nil, position: nil, field: "batch index",
                                       first: "\(x.index) \(show(x.ids))", rerun: "\(y.index) \(show(y.ids))", txs: x.ids + y.ids)
            }
            if x.time != y.time {
                return RerunDifference(batch: x.index, group: nil, position: nil, field: "batch time",
                                       first: "\(x.time)", rerun: "\(y.time)", txs: [])
            }
            for g in 0..<max(x.groups.count, y.groups.count) {
                let gx = g < x.groups.count ? x.groups[g] : [], gy = g < y.groups.count ? y.groups[g] : []
                for p in 0..<max(gx.count, gy.count) {
                    let tx = p < gx.count ? gx[p] : nil, ty = p < gy.count ? gy[p] : nil
                    guard tx != ty else { continue }
                    let side = { (t: Int?, gs: [Int], n: Int) -> String in
                        g >= n ? "no group \(g)" : t.map { "tx \($0)" } ?? "end of group \(show(gs))"
                    }
                    return RerunDifference(batch: x.index, group: g, position: p, field: "transaction",
                                           first: side(tx, gx, x.groups.count), rerun: side(ty, gy, y.groups.count),
                                           txs: [tx, ty].compactMap { $0 })
                }
            }
            let ax = x.access.sorted { $0.id < $1.id }, ay = y.access.sorted { $0.id < $1.id }
            for j in 0..<max(ax.count, ay.count) {
                let rx = j < ax.count ? ax[j] : nil, ry = j < ay.count ? ay[j] : nil
                guard rx != ry else { continue }
                let side = { (r: TxAccess?) -> String in
                    r.map { "tx \($0.id) reads \($0.reads.count) writes \($0.writes.count) list \($0.accessList.count) entries" } ?? "no record"
                }
                return RerunDifference(batch: x.index, group: nil, position: nil, field: "predicted access",
                                       first: side(rx), rerun: side(ry), txs: [rx?.id, ry?.id].compactMap { $0 })
            }
            for j in 0..<max(x.blockAccessList.count, y.blockAccessList.count) {
                let ex = j < x.blockAccessList.count ? x.blockAccessList[j] : nil
                let ey = j < y.blockAccessList.count ? y.blockAccessList[j] : nil
                guard ex != ey else { continue }
                let txs = Set([ex, ey].compactMap { $0 }.flatMap { $0.writers.joined() + $0.accountChanges }).sorted()
                return RerunDifference(batch: x.index, group: nil, position: nil, field: "block access list entry \(j)",
                                       first: ex.map { "\($0.address)" } ?? "none", rerun: ey.map { "\($0.address)" } ?? "none", txs: txs)
            }
        }
        for j in 0..<max(a.rejections.count, b.rejections.count) {
            let rx = j < a.rejections.count ? a.rejections[j] : nil, ry = j < b.rejections.count ? b.rejections[j] : nil
            guard rx != ry else { continue }
            let side = { (r: Rejection?) -> String in r.map { "tx \($0.id) in batch \($0.batch): \($0.reason)" } ?? "none" }
            return RerunDifference(batch: nil, group: nil, position: nil, field: "rejection \(j)", first: side(rx), rerun: side(ry),
                                   txs: [rx?.id, ry?.id].compactMap { $0 })
        }
        return nil
    }

    /// R19's premise: both batches files claim to come from `input` and the same seed. Each
    /// recorded `run` must name this stream (`StreamFile.digest`); when both record one, the
    /// sequencer and the seed must agree too. A file without `run` (written before R19 was
    /// checked) is taken at its word. Throws `.incomparableRuns` naming the field otherwise.
    public static func checkRerunPremise(input: SequencerInput, first: SequencerRun?, rerun: SequencerRun?) throws(BatchVerifierError) {
        let digest = (first != nil || rerun != nil) ? StreamFile.digest(input) : ""
        for (label, r) in [("first run", first), ("rerun", rerun)] {
            guard let r else { continue }
            if r.stream != digest { throw .incomparableRuns(field: "\(label): run.stream", first: r.stream, rerun: "this stream \(digest)") }
            do { _ = try r.seedValue() } catch { throw .incomparableRuns(field: "\(label): run.seed", first: r.seed, rerun: "a 64-bit number") }
        }
        guard let a = first, let b = rerun else { return }
        if a.sequencer != b.sequencer { throw .incomparableRuns(field: "run.sequencer", first: a.sequencer, rerun: b.sequencer) }
        if (try? a.seedValue()) != (try? b.seedValue()) { throw .incomparableRuns(field: "run.seed", first: a.seed, rerun: b.seed) }
    }
}

struct Checker {
    let input: SequencerInput
    let output: SequencerOutput
    let workers: Int
    let policy: SequencerPolicy
    var violations: [RuleViolation] = []
    var tx: [Int: IntakeTx] = [:]
    var pos: [Int: Int] = [:]
    var batchOf: [Int: Int] = [:]
    var groupOf: [Int: [Int]] = [:]
    var actualReads: [Int: Set<AccessKey>] = [:]
    var actualWrites: [Int: Set<AccessKey>] = [:]
    var faults: (any FaultHook)?

    init(input: SequencerInput, output: SequencerOutput, workers: Int) {
        self.input = input; self.output = output; self.workers = workers; policy = input.policy
        for t in input.stream { tx[t.id] = t }
        var i = 0
        for b in output.batches {
            for g in b.groups {
                for id in g where pos[id] == nil { pos[id] = i; batchOf[id] = b.index; groupOf[id] = g; i += 1 }
            }
        }
    }

    mutating func fail(_ rule: String, _ txs: [Int], _ why: String) {
        violations.append(RuleViolation(rule: rule, txs: txs, explanation: why))
    }

    func admission(_ id: Int) -> Int { policy.admissionBatch(tx[id]?.arrival ?? 0) }

    // MARK: R16 / R17: exactly once, within K batches, nothing before it arrived

    mutating func structure() {
        var count: [Int: Int] = [:]
        for id in output.order { count[id, default: 0] += 1 }
        for r in output.rejections { count[r.id, default: 0] += 1 }
        for (id, n) in count.sorted(by: { $0.key < $1.key }) {
            if tx[id] == nil { fail("R16", [id], "output names a transaction that is not in the stream") }
            else if n > 1 { fail("R16", [id], "appears \(n) times (placed or rejected)") }
        }
        for t in input.stream.sorted(by: { $0.id < $1.id }) where count[t.id] == nil {
            fail("R16", [t.id], "silently dropped: neither included nor rejected")
        }
        var lastIndex = -1
        for b in output.batches {
            if b.index <= lastIndex { fail("R16", b.ids, "batch index \(b.index) not increasing") }
            lastIndex = b.index
            if b.time != policy.batchTime(b.index) { fail("R16", b.ids, "batch \(b.index) time \(b.time) is not its slot time") }
            for id in b.ids {
                guard let t = tx[id] else { continue }
                if t.arrival >= b.time { fail("R16", [id], "included in batch \(b.index) before it arrived") }
                if b.index - admission(id) > policy.deferralBound {
                    fail("R17", [id], "included \(b.index - admission(id)) batches after admission, bound \(policy.deferralBound)")
                }
            }
        }
        for r in output.rejections where tx[r.id] != nil && r.batch - admission(r.id) > policy.deferralBound {
            fail("R17", [r.id], "decided \(r.batch - admission(r.id)) batches after admission, bound \(policy.deferralBound)")
        }
        // Waiting is given up only once the bound is used up: deferred in every batch from its
        // admission up to this one, K + 1 times (more than K). Before that, a tx waiting for a
        // lane predecessor, a bundle member or an express number may only be dropped when the
        // stream has nothing more to come (every arrival is before this batch's close); a
        // deferral-bound rejection never. Anything else drops a tx that could still be included.
        let lastArrival = input.stream.map(\.arrival).max() ?? 0
        for r in output.rejections where tx[r.id] != nil && r.batch - admission(r.id) < policy.deferralBound {
            let waited: Bool
            switch r.reason {
            case .deferralBound: waited = false
            case .nonceGap, .bundleIncomplete, .expressGap: waited = lastArrival < policy.batchTime(r.batch)
            default: continue
            }
            if !waited {
                fail("R16", [r.id], "rejected (\(r.reason)) \(r.batch - admission(r.id)) batches after admission, before the bound \(policy.deferralBound) and while the stream still had arrivals to come")
            }
        }
    }

    // MARK: R1 / R2: lanes contiguous from the on-chain nonce

    mutating func lanes() {
        var laneExec: [Lane: Address] = [:], execLane: [Address: Lane] = [:]
        var next: [Lane: UInt64] = [:]
        var firstLane: [Address: Lane] = [:]
        for t in input.stream where firstLane[t.tx.sender] == nil { firstLane[t.tx.sender] = t.lane }
        for id in output.order {
            guard let t = tx[id] else { continue }
            let lane = Lane(actor: t.actor, key: t.nonceKey)
            let rule = t.nonceKey.isZero ? "R1" : "R2"
            if t.nonceKey >= UInt256.one.shiftedLeft(192) { fail("R2", [id], "nonce key wider than 192 bits") }
            if t.nonceKey.isZero && t.actor != t.tx.sender { fail("R1", [id], "key-0 lane executed by another account") }
            if let e = laneExec[lane], e != t.tx.sender { fail(rule, [id], "lane \(lane) executed by two accounts") }
            if let l = execLane[t.tx.sender], l != lane { fail(rule, [id], "executor serves two lanes") }
            laneExec[lane] = t.tx.sender; execLane[t.tx.sender] = lane
            let expected = next[lane] ?? (input.pre.account(t.tx.sender)?.nonce ?? 0)
            if t.tx.transaction.nonce != expected {
                fail(rule, [id], "lane \(lane) sequence \(t.tx.transaction.nonce) where \(expected) is next")
            }
            next[lane] = t.tx.transaction.nonce &+ 1
            // R3: each authorization consumes the next nonce of its authority's lane.
            for auth in t.tx.transaction.authorizationList {
                guard let authority = auth.authority() else { continue }
                if !auth.chainId.isZero && auth.chainId != input.block.chainId { continue }
                let aLane = execLane[authority] ?? firstLane[authority] ?? Lane(actor: authority, key: .zero)
                let want = next[aLane] ?? (input.pre.account(authority)?.nonce ?? 0)
                if auth.nonce != want || authority == t.tx.sender {
                    fail("R3", [id], "authorization for \(authority) carries nonce \(auth.nonce) where \(want) is next: it would be skipped")
                } else {
                    next[aLane] = want &+ 1
                }
            }
        }
    }

    // MARK: R4: one per (lane, seq); replacement only with +10% fee cap and tip

    static func bumped(_ n: Transaction, _ o: Transaction) -> Bool {
        // n ≥ 1.1·o  ⇔  10·n ≥ 11·o, compared on full 512-bit products.
        let pairs = [(n.maxFeePerGas, o.maxFeePerGas), (n.maxPriorityFeePerGas, o.maxPriorityFeePerGas)]
        return pairs.allSatisfy { new, old in
            let l = new.multipliedFullWidth(by: UInt256(10)), r = old.multipliedFullWidth(by: UInt256(11))
            return l.high > r.high || (l.high == r.high && l.low >= r.low)
        }
    }

    mutating func replacement() {
        struct Slot: Hashable { var lane: Lane; var seq: UInt64 }
        var winner: [Slot: Int] = [:]
        var placedIn: [Slot: [Int]] = [:]
        for id in output.order { if let t = tx[id] { placedIn[Slot(lane: t.lane, seq: t.seq), default: []].append(id) } }
        for (s, ids) in placedIn where ids.count > 1 { fail("R4", ids.sorted(), "several transactions for lane \(s.lane) nonce \(s.seq)") }
        for t in input.stream.sorted(by: { ($0.arrival, $0.id) < ($1.arrival, $1.id) }) where t.nonceKey < UInt256.one.shiftedLeft(192) {
            let s = Slot(lane: t.lane, seq: t.seq)
            guard let h = winner[s], let old = tx[h] else { winner[s] = t.id; continue }
            // Too late: the holder was already included when this one arrived.
            if let b = batchOf[h], policy.batchTime(b) <= t.arrival { continue }
            if Checker.bumped(t.tx.transaction, old.tx.transaction) { winner[s] = t.id }
        }
        for id in output.order {
            guard let t = tx[id] else { continue }
            if let w = winner[Slot(lane: t.lane, seq: t.seq)], w != id {
                fail("R4", [id, w], "tx \(id) included although tx \(w) holds lane \(t.lane) nonce \(t.seq) by the replacement rule")
            }
        }
    }

    // MARK: R14 / R15 / validity: re-execution, group by group

    func capture(_ rtx: RecoveredTransaction, on base: InMemoryState) -> (ok: Bool, reads: Set<AccessKey>, writes: Set<AccessKey>) {
        let j = JournaledState(base: base)
        let applied = TransactionProcessor(fork: input.fork, block: input.block)
            .apply(rtx.transaction, sender: rtx.sender, state: j, deferCoinbasePayment: true)
        guard applied.outcome.receipt != nil else { return (false, [], []) }
        var r = Set<AccessKey>(), w = Set<AccessKey>()
        for (a, s) in j.accounts {
            r.insert(.account(a))
            let before = base.account(a)
            let after: Account? = (s.exists && !s.destructed) ? s.info : nil
            if before != after { w.insert(.account(a)) }
            if s.storageWiped && before != nil { w.insert(.account(a)) }
            for (k, v) in s.storage {
                r.insert(.slot(a, k))
                if v.current != base.storage(a, k) { w.insert(.slot(a, k)) }
            }
        }
        return (true, r.union(w), w)
    }

    /// `compareParallel: false` skips the parallel re-execution (the fairness search needs only
    /// the accesses).
    mutating func execution(compareParallel: Bool = true) {
        let state = input.pre.copy()
        let predicted = Dictionary(output.batches.flatMap(\.access).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var gi = 0
        for b in output.batches {
            for g in b.groups {
                let ids = g.filter { tx[$0] != nil }
                let txs = ids.compactMap { tx[$0]?.tx }
                gi += 1
                let serial = SerialExecutor().execute(preState: state, block: input.block, transactions: txs, fork: input.fork)
                if compareParallel {
                    let parallel = ParallelExecutor(driver: .deterministic(seed: UInt64(gi), workers: max(1, workers), abortBias: 0.3), faults: faults)
                        .execute(preState: state, block: input.block, transactions: txs, fork: input.fork)
                    if let d = ResultComparison.firstDifference(expected: serial, actual: parallel) {
                        fail("R14", ids, "group executed in parallel differs from serial: \(d)")
                    }
                }
                // Per-transaction accesses on the exact state each one meets in serial order.
                let scratch = state.copy()
                for id in ids {
                    guard let t = tx[id] else { continue }
                    let (ok, r, w) = capture(t.tx, on: scratch)
                    if !ok { fail("R16", [id], "included transaction is invalid when executed") }
                    actualReads[id] = r; actualWrites[id] = w
                    let one = SerialExecutor().execute(preState: scratch, block: input.block, transactions: [t.tx], fork: input.fork)
                    scratch.apply(one.diff)
                    if let p = predicted[id] {
                        let pr = Set(p.reads).union(p.writes), pw = Set(p.writes)
                        let missR = r.subtracting(pr).sorted(), missW = w.subtracting(pw).sorted()
                        if !missR.isEmpty || !missW.isEmpty {
                            fail("R15", [id], "actual accesses not predicted: reads \(missR.prefix(3)) writes \(missW.prefix(3))")
                        }
                    } else {
                        fail("R15", [id], "no predicted access set emitted")
                    }
                }
                for (i, a) in ids.enumerated() {
                    for bId in ids[(i + 1)...] {
                        let wa = actualWrites[a] ?? [], wb = actualWrites[bId] ?? []
                        let ra = actualReads[a] ?? [], rb = actualReads[bId] ?? []
                        if let k = wa.intersection(rb.union(wb)).min() ?? wb.intersection(ra.union(wa)).min() {
                            fail("R14", [a, bId], "same parallel group, both access \(k) and one writes it")
                        }
                    }
                }
                let coinbase = input.block.coinbase
                if ids.count > 1, let r = ids.first(where: { (actualReads[$0] ?? []).contains { $0.address == coinbase } }) {
                    fail("R14", ids, "tx \(r) reads the beneficiary that every other group member pays")
                }
                state.apply(serial.diff)
            }
        }
    }

    // MARK: R8: no liquidation on a stale feed or in a grace period

    mutating func feeds() {
        var last: [UInt64: UInt64] = [:]
        for f in policy.feeds { last[f.feed] = f.initialUpdateTime }
        for id in output.order {
            guard let t = tx[id], let b = batchOf[id] else { continue }
            let now = policy.batchTime(b)
            switch t.kind {
            case .oracleUpdate(let f): last[f] = now
            case .liquidation(let f):
                guard let fp = policy.feeds.first(where: { $0.feed == f }) else { continue }
                let l = last[f] ?? fp.initialUpdateTime
                if Checker.stale(fp, now: now, last: l) { fail("R8", [id], "feed \(f) last updated at \(l), \(now - l) ms before, max age \(fp.maxAge)") }
                if Checker.inGrace(fp, now: now) {
                    fail("R8", [id], "feed \(f) is in its grace period (downtime ended \(fp.downtimeEnd ?? 0), grace \(fp.grace))")
                }
            default: break
            }
        }
        // R16: a rejection for a stale feed or a grace period must be one. At batch b the feed's
        // last update is the latest placed in an earlier batch (an update placed in batch b before
        // the liquidation was decided would have made it fresh: now − last = 0).
        for r in output.rejections {
            let f: UInt64, grace: Bool
            switch r.reason {
            case .staleFeed(let g): f = g; grace = false
            case .feedGracePeriod(let g): f = g; grace = true
            default: continue
            }
            guard let fp = policy.feeds.first(where: { $0.feed == f }) else {
                fail("R16", [r.id], "rejected for feed \(f), which the policy does not declare"); continue
            }
            let now = policy.batchTime(r.batch)
            if grace {
                if !Checker.inGrace(fp, now: now) { fail("R16", [r.id], "rejected for feed \(f)'s grace period at \(now), outside it") }
                continue
            }
            var l = fp.initialUpdateTime
            for id in output.order {
                guard let u = tx[id], case .oracleUpdate(let g) = u.kind, g == f, let b = batchOf[id], b < r.batch else { continue }
                l = max(l, policy.batchTime(b))
            }
            if !Checker.stale(fp, now: now, last: l) {
                fail("R16", [r.id], "rejected as stale although feed \(f) was updated at \(l), \(now &- l) ms before batch time \(now), max age \(fp.maxAge)")
            }
        }
    }

    /// R16: an update rejected because a dependent liquidation is placed (R6 would break) names
    /// a liquidation of its feed, received after it, placed no later than the rejection's batch.
    mutating func dependentRejections() {
        for r in output.rejections {
            guard case .dependentAlreadyPlaced(let l) = r.reason, tx[r.id] != nil else { continue }
            var holds = false
            if let u = tx[r.id], case .oracleUpdate(let f) = u.kind, let d = tx[l], case .liquidation(let g) = d.kind,
               g == f, d.arrival > u.arrival, let b = batchOf[l], b <= r.batch { holds = true }
            if !holds { fail("R16", [r.id], "rejected for liquidation \(l), which is no later-received liquidation of its feed placed by batch \(r.batch)") }
        }
    }

    /// R8's staleness: more than `maxAge` since the last update (an update "later" than now is fresh).
    static func stale(_ fp: FeedPolicy, now: UInt64, last: UInt64) -> Bool { now > last && now - last > fp.maxAge }
    /// R8's grace period: [downtimeEnd, downtimeEnd + grace).
    static func inGrace(_ fp: FeedPolicy, now: UInt64) -> Bool {
        guard let end = fp.downtimeEnd else { return false }
        return now >= end && now - end < fp.grace
    }

    // MARK: R13: the declared fee policy inside each group

    func readyTime(_ id: Int) -> UInt64 {
        guard let t = tx[id], let p = pos[id] else { return 0 }
        var r = t.arrival
        for (other, q) in pos where q < p {
            if let o = tx[other], o.lane == t.lane { r = max(r, o.arrival) }
        }
        return r
    }

    static func rank(_ k: TxKind) -> Int {
        switch k {
        case .oracleUpdate: return 0
        case .privileged, .backrun: return 2
        default: return 1
        }
    }

    mutating func feePolicy() {
        for b in output.batches {
            for g in b.groups where g.count > 1 {
                for (x, y) in zip(g, g.dropFirst()) {
                    guard let a = tx[x], let c = tx[y], !a.kind.isForced, !c.kind.isForced, a.expressSeq == nil, c.expressSeq == nil,
                          Checker.rank(a.kind) == Checker.rank(c.kind) else { continue }
                    let ra = readyTime(x), rc = readyTime(y)
                    guard ra / policy.fairnessWindow == rc / policy.fairnessWindow else { continue }
                    switch policy.ordering {
                    case .fee:
                        if a.tx.transaction.maxPriorityFeePerGas < c.tx.transaction.maxPriorityFeePerGas {
                            fail("R13", [x, y], "fee ordering: tip \(a.tx.transaction.maxPriorityFeePerGas) placed before higher tip \(c.tx.transaction.maxPriorityFeePerGas)")
                        }
                    case .arrival:
                        if ra > rc { fail("R13", [x, y], "arrival ordering: ready at \(ra) placed before one ready at \(rc)") }
                    }
                }
            }
        }
    }

    // MARK: R12 express lane, R18 bundles (concrete parts)

    mutating func express() {
        var next = policy.expressStart
        for id in output.order {
            guard let s = tx[id]?.expressSeq else { continue }
            if s != next { fail("R12", [id], "express sequence \(s) included where \(next) is next") }
            next = max(next, s &+ 1)
        }
    }

    mutating func bundles() {
        var members: [UInt64: [IntakeTx]] = [:]
        for t in input.stream { if let b = t.bundle { members[b.id, default: []].append(t) } }
        for bid in members.keys.sorted() {
            let ms = members[bid]!.sorted { $0.bundle!.index < $1.bundle!.index }
            let placed = ms.filter { pos[$0.id] != nil }
            if !placed.isEmpty && placed.count != ms.count {
                fail("R18", ms.map(\.id), "bundle \(bid) partly included (\(placed.count) of \(ms.count))")
            }
        }
    }

    // MARK: Ordering rules over Z3 positions

    enum Shape {
        case before(Int, Int)
        case notBetween(Int, Int, Int)
        case adjacent(Int, Int)
        /// R7 for update u and privileged x: x must not sit between u and u's first dependent
        /// (`deps`, of which `known` arrived no later than x), unless `backrun` and x = u + 1.
        case r7(u: Int, x: Int, deps: [Int], known: [Int], backrun: Bool)
    }

    struct Instance { var rule: String; var txs: [Int]; var shape: Shape; var why: String }

    func instances() -> [Instance] {
        var out: [Instance] = []
        let placed = output.order.compactMap { tx[$0] }
        // R1/R2 lane order.
        var byLane: [Lane: [IntakeTx]] = [:]
        for t in placed { byLane[t.lane, default: []].append(t) }
        for lane in byLane.keys.sorted() {
            let ts = byLane[lane]!.sorted { $0.seq < $1.seq }
            for (a, b) in zip(ts, ts.dropFirst()) {
                out.append(Instance(rule: lane.key.isZero ? "R1" : "R2", txs: [a.id, b.id], shape: .before(a.id, b.id),
                                    why: "lane \(lane): nonce \(a.seq) must precede \(b.seq)"))
            }
        }
        // R5 forced first, in L1 order.
        let forced = placed.compactMap { t -> (IntakeTx, UInt64)? in if case .forced(let l) = t.kind { return (t, l) } else { return nil } }
            .sorted { $0.1 < $1.1 }
        for (a, b) in zip(forced, forced.dropFirst()) {
            out.append(Instance(rule: "R5", txs: [a.0.id, b.0.id], shape: .before(a.0.id, b.0.id), why: "forced txs in L1 order \(a.1) < \(b.1)"))
        }
        for (f, _) in forced {
            for n in placed where !n.kind.isForced && batchOf[n.id] == batchOf[f.id] {
                out.append(Instance(rule: "R5", txs: [f.id, n.id], shape: .before(f.id, n.id), why: "forced tx first in its batch"))
            }
        }
        // R6 / R7.
        for u in placed {
            guard case .oracleUpdate(let f) = u.kind else { continue }
            let deps = placed.filter { if case .liquidation(let g) = $0.kind { return g == f } else { return false } }
            for d in deps where u.arrival < d.arrival {
                out.append(Instance(rule: "R6", txs: [u.id, d.id], shape: .before(u.id, d.id),
                                    why: "oracle update for feed \(f) received before its dependent"))
            }
            for x in placed where x.kind.isPrivileged {
                let known = deps.filter { $0.arrival <= x.arrival }.map(\.id)
                guard !known.isEmpty else { continue }
                var backrun = false
                if case .backrun(let g) = x.kind, g == f { backrun = true }
                out.append(Instance(rule: "R7", txs: [u.id, x.id], shape: .r7(u: u.id, x: x.id, deps: deps.map(\.id), known: known, backrun: backrun),
                                    why: "privileged tx between oracle update (feed \(f)) and its first dependent"))
            }
        }
        // R9 sandwiches within a batch.
        let swaps = placed.compactMap { t -> (IntakeTx, Address, Bool)? in
            guard let to = t.tx.transaction.to, policy.pools.contains(to) else { return nil }
            return (t, to, t.tx.transaction.data.prefix(32).contains { $0 != 0 })
        }
        for a in swaps {
            for b in swaps where b.0.actor == a.0.actor && b.1 == a.1 && b.2 != a.2 && batchOf[b.0.id] == batchOf[a.0.id] && b.0.id != a.0.id {
                for v in swaps where v.0.actor != a.0.actor && v.1 == a.1 && v.2 == a.2 && batchOf[v.0.id] == batchOf[a.0.id] {
                    out.append(Instance(rule: "R9", txs: [a.0.id, v.0.id, b.0.id], shape: .notBetween(a.0.id, v.0.id, b.0.id),
                                        why: "actor \(a.0.actor) around victim on pool \(a.1) in opposite directions"))
                }
            }
        }
        // R10 / R11.
        var ready: [Int: UInt64] = [:]
        for t in placed { ready[t.id] = readyTime(t.id) }
        let plain = placed.filter { !$0.kind.isForced && $0.expressSeq == nil && $0.bundle == nil }
        for x in placed where x.kind.isPrivileged {
            for u in placed where !u.kind.isPrivileged && !u.kind.isForced && u.bundle == nil && (ready[u.id] ?? 0) < x.arrival {
                let wx = actualWrites[x.id] ?? [], wu = actualWrites[u.id] ?? []
                let rx = actualReads[x.id] ?? [], ru = actualReads[u.id] ?? []
                guard !wx.isDisjoint(with: ru) || !wu.isDisjoint(with: rx) else { continue }
                out.append(Instance(rule: "R10", txs: [u.id, x.id], shape: .before(u.id, x.id),
                                    why: "privileged tx placed before a conflicting user tx received earlier"))
            }
        }
        for a in plain {
            for b in plain where (ready[b.id] ?? 0) >= (ready[a.id] ?? 0) && (ready[b.id] ?? 0) - (ready[a.id] ?? 0) >= policy.fairnessWindow {
                out.append(Instance(rule: "R11", txs: [a.id, b.id], shape: .before(a.id, b.id),
                                    why: "ready \(ready[a.id] ?? 0) is at least Δ=\(policy.fairnessWindow) before \(ready[b.id] ?? 0)"))
            }
        }
        // R12 express order, R18 bundle contiguity.
        let express = placed.filter { $0.expressSeq != nil }.sorted { $0.expressSeq! < $1.expressSeq! }
        for (a, b) in zip(express, express.dropFirst()) {
            out.append(Instance(rule: "R12", txs: [a.id, b.id], shape: .before(a.id, b.id), why: "express sequence order"))
        }
        var bundles: [UInt64: [IntakeTx]] = [:]
        for t in placed { if let b = t.bundle { bundles[b.id, default: []].append(t) } }
        for bid in bundles.keys.sorted() {
            let ms = bundles[bid]!.sorted { $0.bundle!.index < $1.bundle!.index }
            for (a, b) in zip(ms, ms.dropFirst()) {
                out.append(Instance(rule: "R18", txs: [a.id, b.id], shape: .adjacent(a.id, b.id), why: "bundle \(bid) members contiguous, in order"))
            }
        }
        // `a before b` with a in an earlier batch than b holds by the batch structure (batches
        // are consecutive position ranges, and the fairness search keeps each transaction in
        // its batch): not asserted, which keeps R11's all-pairs instances linear per batch.
        return out.filter { inst in
            if case .before(let a, let b) = inst.shape, let x = batchOf[a], let y = batchOf[b], x < y { return false }
            return true
        }
    }

    func term(_ s: Shape, _ p: (Int) throws -> Term, _ z: Z3Context) throws -> Term {
        switch s {
        case .before(let a, let b): return try p(a).ult(p(b))
        case .notBetween(let a, let v, let b): return try z.and([p(a).ult(p(v)), p(v).ult(p(b))]).not()
        case .adjacent(let a, let b): return try p(b).eq(p(a).add(z.numeral(1, width: 32)))
        case .r7(let u, let x, let deps, let known, let backrun):
            let pu = try p(u), px = try p(x)
            var noEarlierDep: [Term] = []
            for d in deps { noEarlierDep.append(try z.and([pu.ult(p(d)), p(d).ult(px)]).not()) }
            let someAfter = try z.or(known.map { try px.ult(p($0)) })
            let between = try z.and([pu.ult(px), z.and(noEarlierDep), someAfter])
            let allowed = backrun ? try px.eq(pu.add(z.numeral(1, width: 32))) : try z.bool(false)
            return try between.not().or(allowed)
        }
    }

    mutating func ordering() throws(BatchVerifierError) {
        let all = instances()
        var excluded = Set<Int>()
        do {
            for _ in 0..<64 {
                let z = try Z3Context()
                let solver = try Solver(context: z, timeoutMilliseconds: 20_000, kind: .simple)
                var vars: [Int: Term] = [:]
                func p(_ id: Int) throws -> Term {
                    if let v = vars[id] { return v }
                    let v = try z.bitVector("p\(id)", width: 32)
                    vars[id] = v
                    try solver.add(v.eq(z.numeral(pos[id] ?? 0, width: 32)), tracking: "pos#\(id)")
                    return v
                }
                for (i, inst) in all.enumerated() where !excluded.contains(i) {
                    try solver.add(term(inst.shape, p, z), tracking: "\(inst.rule)#\(i)")
                }
                switch try solver.check() {
                case .sat: return
                case .unknown(let reason): throw BatchVerifierError.solver("unknown: \(reason)")
                case .unsat(let core):
                    let named = core.filter { !$0.hasPrefix("pos#") }.compactMap { $0.split(separator: "#").last.flatMap { Int($0) } }
                    guard !named.isEmpty else { throw BatchVerifierError.solver("unsat core without a rule: \(core)") }
                    for i in named where !excluded.contains(i) {
                        excluded.insert(i)
                        let inst = all[i]
                        let where_ = inst.txs.map { "\($0)@\(pos[$0] ?? -1)" }.joined(separator: ", ")
                        fail(inst.rule, inst.txs, "\(inst.why) (unsat core with positions \(where_))")
                    }
                }
            }
        } catch let e as BatchVerifierError {
            throw e
        } catch {
            throw BatchVerifierError.solver("\(error)")
        }
    }
}
