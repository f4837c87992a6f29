import Foundation
import Testing
import EVMCore
import EVMState
import EVMExecution
import EVMInterpreter
import EthereumTests
import ParallelExecutor
import SequencerModel
import Sequencer
import Generators
import PropertyKit
import Counterexamples
import PlantedFaults

/// Issue 16: no trap, no hang, no silent success. Every input below once trapped, hung or was
/// accepted without a word; each now ends in a typed error naming the field (or, for the
/// extreme-but-valid ones, a bounded run).
@Suite struct TransactionGasLimitTests {
    static let block = BlockEnv(coinbase: Address(low: 0xc0ffee), number: 1, timestamp: 1, gasLimit: .max, baseFee: .zero, chainId: 1)

    /// gas limit − intrinsic gas > 2^63 − 1 used to trap converting to the frame's Int64 gas.
    @Test(arguments: [0x8000_0000_0000_5208, 0x8000_0000_0000_0000, .max] as [UInt64])
    func gasLimitAboveInt64IsRejected(gasLimit: UInt64) {
        let pre = InMemoryState()
        pre.setAccount(SequencerWorld.user(0), nonce: 0, balance: .max, code: [], storage: [:])
        let tx = Inputs.transfer(gasLimit: gasLimit)
        let serial = SerialExecutor().execute(preState: pre, block: Self.block, transactions: [tx], fork: .cancun)
        guard case .rejected(let e) = serial.outcomes[0] else { Issue.record("gas limit \(gasLimit) executed"); return }
        #expect(e == .gasAllowanceExceeded)
        let parallel = ParallelExecutor(driver: .deterministic(seed: 1, workers: 2, abortBias: 0.5))
            .execute(preState: pre, block: Self.block, transactions: [tx], fork: .cancun)
        #expect(parallel.stateRoot == serial.stateRoot)
    }

    /// 2^63 − 1 itself is a valid gas limit (when the block allows it) and executes.
    @Test func gasLimitAtInt64MaxExecutes() {
        let pre = InMemoryState()
        pre.setAccount(SequencerWorld.user(0), nonce: 0, balance: .max, code: [], storage: [:])
        var block = Self.block
        block.baseFee = .zero
        let r = SerialExecutor().execute(preState: pre, block: block, transactions: [Inputs.transfer(gasLimit: UInt64(Int64.max))], fork: .cancun)
        #expect(r.outcomes[0].receipt?.success == true, "\(r.outcomes[0])")
    }

    /// The same through the fixture loader and both executors of `statetest`.
    @Test func fixtureWithHugeGasLimitFailsWithAReason() throws {
        let file = try StateTestFile.parse(Inputs.fixture(gasLimit: "0x8000000000005208"), relativePath: "gas.json")
        let c = try #require(try file.cases().first)
        for mode in [ExecutionMode.serial, .parallel(.threaded(workers: 2)), .parallel(.deterministic(seed: 3, workers: 2, abortBias: 0.5))] {
            let outcome = StateTestExecution.run(c, trace: false, executor: mode.executor())
            #expect(!outcome.pass)
            #expect("\(outcome)".contains("gas limit exceeds"), "\(outcome)")
        }
    }

    /// Through the sequencer: the transaction is rejected with the reason, the run ends.
    @Test func sequencerRejectsHugeGasLimit() throws {
        let tx = Inputs.transfer(gasLimit: 0x8000_0000_0000_5208)
        let input = SequencerWorld.input([IntakeTx(id: 0, arrival: 10, tx: tx)])
        let out = try Sequencer.sequence(input)
        #expect(out.batches.isEmpty)
        #expect(out.rejections.map(\.id) == [0])
        #expect(out.rejections.first?.reason.description.contains("gas limit") == true, "\(out.rejections)")
    }
}

@Suite struct SequencerTimeTests {
    static func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = Date()
        let r = try body()
        return (r, Date().timeIntervalSince(start))
    }

    /// Arrivals at 2^41 with batchInterval 1 used to walk 2^41 empty batch slots one at a time.
    @Test(arguments: [1 << 41, 1 << 62, UInt64.max / 4] as [UInt64])
    func hugeArrivalSkipsEmptySlots(arrival: UInt64) throws {
        var policy = SequencerWorld.policy()
        policy.batchInterval = 1
        let stream = [IntakeTx(id: 0, arrival: 5, tx: Inputs.transfer(gasLimit: 100_000)),
                      IntakeTx(id: 1, arrival: arrival, tx: Inputs.transfer(gasLimit: 100_000, nonce: 1))]
        let (out, seconds) = try Self.timed { try Sequencer.sequence(SequencerWorld.input(stream, policy: policy)) }
        #expect(seconds < 5)
        #expect(out.order == [0, 1], "\(out.rejections)")
        #expect(out.batches.last?.index == Int(arrival))
        #expect(out.batches.last?.time == arrival + 1)
    }

    /// An arrival whose batch has no 64-bit close time is refused, naming the transaction.
    @Test(arguments: [(UInt64.max, 1), (UInt64.max - 100, 100), (UInt64.max - 2, 2)] as [(UInt64, UInt64)])
    func arrivalBeyondTheHorizonIsRefused(arrival: UInt64, interval: UInt64) {
        var policy = SequencerWorld.policy()
        policy.batchInterval = interval
        let input = SequencerWorld.input([IntakeTx(id: 4, arrival: arrival, tx: Inputs.transfer(gasLimit: 21_000))], policy: policy)
        #expect(throws: SequencerError.arrivalBeyondHorizon(id: 4, arrival: arrival)) { try Sequencer.sequence(input) }
    }

    @Test func hugeDeferralBoundIsRefused() {
        var policy = SequencerWorld.policy()
        policy.deferralBound = Int.max
        #expect(throws: SequencerError.self) { try Sequencer.sequence(Inputs.stream(policy: policy)) }
    }
}

@Suite struct StreamFileTests {
    static func expectField(_ data: Data, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try StreamFile.decode(data)
            Issue.record("accepted (expected an error naming \(fragments))", sourceLocation: sourceLocation)
        } catch {
            for f in fragments { #expect(error.description.contains(f), "\(error)", sourceLocation: sourceLocation) }
        }
    }

    @Test func validStreamLoads() throws {
        let input = Inputs.stream()
        #expect(try StreamFile.decode(StreamFile.encode(input)).stream.count == input.stream.count)
    }

    @Test func shortAddressesAreRefused() throws {
        let tree = try Inputs.streamTree(Inputs.stream())
        // A 19-byte sender would have been left-padded into another address.
        Self.expectField(try Inputs.data(Inputs.editingEntry(tree, 0) { $0["sender"] = "0x" + String(repeating: "ab", count: 19) }),
                         "stream[0] (id ", ").sender")
        var t = tree
        var policy = t["policy"] as! [String: Any]
        policy["pools"] = ["0xa100"]
        t["policy"] = policy
        Self.expectField(try Inputs.data(t), "policy.pools[0]")
    }

    @Test func bundleShapeIsChecked() throws {
        let tree = try Inputs.streamTree(Inputs.stream())
        for (index, size) in [(0, -1), (0, 0), (2, 2), (-1, 3)] {
            Self.expectField(try Inputs.data(Inputs.editingEntry(tree, 1) { $0["bundle"] = ["id": 1, "index": index, "size": size] }),
                             "stream[1] (id ", ").bundle")
        }
    }

    @Test(arguments: ["oracle:7", "liquidation:7", "backrun:7", "oracle:", "oracle:x", "user:3", "forced", "nonsense"])
    func kindsThatDoNotHoldAreRefused(kind: String) throws {
        let tree = try Inputs.streamTree(Inputs.stream())
        Self.expectField(try Inputs.data(Inputs.editingEntry(tree, 2) { $0["kind"] = kind }), "stream[2] (id ", ").kind")
    }

    @Test func duplicateKeysAreRefused() throws {
        let text = String(decoding: StreamFile.encode(Inputs.stream()), as: UTF8.self)
        let twice = text.replacingOccurrences(of: "\"fork\" : ", with: "\"fork\" : \"Cancun\", \"fork\" : ")
        Self.expectField(Data(twice.utf8), "duplicate key \"fork\"")
        let batches = String(decoding: BatchesFile.encode(try Sequencer.sequence(Inputs.stream())), as: UTF8.self)
        let dup = batches.replacingOccurrences(of: "\"rejections\" : ", with: "\"rejections\" : [], \"rejections\" : ")
        #expect(throws: SequencerJSONError.self) { try BatchesFile.decode(Data(dup.utf8)) }
    }

    @Test func negativeBatchIndexIsRefused() throws {
        let out = try Sequencer.sequence(Inputs.stream())
        var tree = try JSONSerialization.jsonObject(with: BatchesFile.encode(out)) as! [String: Any]
        var batches = tree["batches"] as! [[String: Any]]
        batches[0]["index"] = Int.min
        tree["batches"] = batches
        #expect(throws: SequencerJSONError.self) { try BatchesFile.decode(try Inputs.data(tree)) }
    }
}

@Suite struct FixtureInputTests {
    @Test func duplicateKeyIsRefusedNamingTheObject() {
        let text = String(decoding: Inputs.fixture(), as: UTF8.self)
            .replacingOccurrences(of: "\"currentNumber\" : \"0x01\"", with: "\"currentNumber\" : \"0x01\", \"currentNumber\" : \"0x02\"")
        #expect(throws: FixtureError(file: "f.json", field: "$.add11.env", problem: .duplicateKey("currentNumber"))) {
            try StateTestFile.parse(Data(text.utf8), relativePath: "f.json")
        }
    }

    @Test func emptyPostIsRefused() {
        #expect(throws: FixtureError(file: "f.json", test: "add11", field: "post", problem: .emptyList)) {
            try StateTestFile.parse(Inputs.fixture(post: "{}"), relativePath: "f.json")
        }
        #expect(throws: FixtureError(file: "f.json", test: "add11", field: "post.Cancun", problem: .emptyList)) {
            try StateTestFile.parse(Inputs.fixture(post: "{ \"Cancun\" : [] }"), relativePath: "f.json")
        }
    }

    @Test func unknownForkFilterIsAUsageError() throws {
        #expect(throws: StateTestRunnerError.unknownFork("NoSuchFork")) { try CaseFilter(fork: "NoSuchFork") }
        #expect(try CaseFilter(fork: "Cancun").matches(fork: "Cancun"))
    }

    @Test func duplicateKeyScanner() {
        func dup(_ s: String) -> JSONDuplicateKeys.Duplicate? { JSONDuplicateKeys.first(in: Array(s.utf8)) }
        #expect(dup(#"{"a":1,"b":{"c":[{"d":1,"d":2}]}}"#) == .init(path: "$.b.c[0]", key: "d"))
        #expect(dup(#"{"a":1,"\u0061":2}"#) == .init(path: "$", key: "a"))
        #expect(dup(#"{"a":{"x":1},"b":{"x":1}}"#) == nil)
        #expect(dup(#"[{"a":1},{"a":1}]"#) == nil)
        #expect(dup(#"{"a\"b":1,"a\"b":2}"#) == .init(path: "$", key: "a\"b"))
        #expect(dup(String(repeating: "[", count: 100_000)) == nil)  // no recursion to overflow
        #expect(dup(#"{"a":1,"a""#) == .init(path: "$", key: "a"))
    }
}

/// Counterexample files are bound to their content and checked against a re-execution.
@Suite(.serialized) struct CounterexampleTamperTests {
    /// A real parallel_matches_serial counterexample (from the test-only skipValidation fault), written to a
    /// temporary folder.
    static let genuine: CounterexampleFile? = {
        let p = ParallelMatchesSerialProperty(generator: BlockGenerator(minTransactions: 10, maxTransactions: 30, conflictRate: 0.8),
                                              variant: .parallelFaults([.skipValidation]))
        return PropertyRunner.run(p, cases: 20, seed: 0xfa17).failure.map { CounterexampleFile(failure: $0) }
    }()

    static let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-tamper-\(ProcessInfo.processInfo.processIdentifier)")

    /// Writes `file` under its own digest (as a forger who renames it would).
    static func written(_ file: CounterexampleFile) throws -> String { try file.write(to: dir).path }

    func expectRefused(_ file: CounterexampleFile, field: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = try Self.written(file)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let loaded = try CounterexampleFile.load(path: path)
            let outcome = try loaded.replay()
            Issue.record("replayed as \(outcome) (expected refusal naming \(field))", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.contains(field), "\(error)", sourceLocation: sourceLocation)
        }
        if case .stale(let why) = CounterexampleStore.classify(path: path) {
            #expect(why.contains(field), sourceLocation: sourceLocation)
        } else {
            Issue.record("not stale", sourceLocation: sourceLocation)
        }
    }

    @Test func genuineFileReplaysBitForBit() throws {
        let f = try #require(Self.genuine)
        let path = try Self.written(f)
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard case .reproduced(_, let identical) = try CounterexampleFile.load(path: path).replay() else {
            Issue.record("genuine file does not reproduce"); return
        }
        #expect(identical)
    }

    /// Any edit without renaming: the name is no longer the digest.
    @Test func editedFileIsRefusedByItsName() throws {
        let f = try #require(Self.genuine)
        let path = try Self.written(f)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let root = f.expected.stateRoot
        let flipped = String(root.dropLast()) + (root.last == "0" ? "1" : "0")
        try text.replacingOccurrences(of: root, with: flipped).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: CounterexampleError.self) { try CounterexampleFile.load(path: path) }
        if case .stale(let why) = CounterexampleStore.classify(path: path) { #expect(why.contains("file name")) } else { Issue.record("not stale") }
    }

    /// Edited and renamed to the new digest: the content itself is checked.
    @Test func flippedExpectedStateRootIsRefused() throws {
        var f = try #require(Self.genuine)
        let root = f.expected.stateRoot
        f.expected.stateRoot = String(root.dropLast()) + (root.last == "0" ? "1" : "0")
        try expectRefused(f, field: "expected.stateRoot")
    }

    @Test func scheduleStepNamingAMissingTransactionIsRefused() throws {
        var f = try #require(Self.genuine)
        let i = try #require(f.schedule?.steps.firstIndex { $0.action == .execute })
        f.schedule!.steps[i].tx = 99
        try expectRefused(f, field: "schedule.steps[\(i)].tx")
    }

    @Test func emptiedOrTruncatedScheduleIsRefused() throws {
        var f = try #require(Self.genuine)
        let steps = try #require(f.schedule?.steps)
        f.schedule!.steps = []
        try expectRefused(f, field: "schedule.steps")
        f.schedule!.steps = Array(steps.prefix(steps.count / 2))
        try expectRefused(f, field: "schedule.steps")
        f.schedule!.steps = steps + [steps[0]]
        try expectRefused(f, field: "schedule.steps[\(steps.count)]")
    }

    @Test func editedScheduleStepIsRefused() throws {
        var f = try #require(Self.genuine)
        let steps = try #require(f.schedule?.steps)
        let i = try #require(steps.firstIndex { $0.action == .validate })
        f.schedule!.steps[i].aborted.toggle()
        try expectRefused(f, field: "schedule.steps[\(i)]")
    }

    @Test func duplicateKeyIsRefused() throws {
        let f = try #require(Self.genuine)
        let text = String(decoding: f.encoded(), as: UTF8.self)
            .replacingOccurrences(of: "\"casesRun\" : ", with: "\"casesRun\" : 1, \"casesRun\" : ")
        #expect(throws: CounterexampleError.self) { try CounterexampleFile.decode(Data(text.utf8)) }
    }
}

/// The crash campaign's deep program really goes deep: to the 1024 call-depth limit, through
/// both executors, with the same result.
@Suite struct DeepProgramTests {
    final class Depth: Tracer {
        var max = 0
        func step(_ step: TraceStep) {}
        var gasAt: [Int: Int64] = [:]
        func frameStart(_ message: Message, code: Bytecode) {
            max = Swift.max(max, message.depth)
            if message.depth % 100 == 0 || message.depth > 960 { gasAt[message.depth] = message.gas }
        }
    }

    @Test(arguments: [1, 2] as [UInt64])
    func reachesTheCallDepthLimit(seed: UInt64) {
        let input = DeepProgram.block(seed: seed, depth: DeepProgram.maxDepth)
        let depth = Depth()
        let serial = SerialExecutor(tracer: depth).execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        #expect(serial.outcomes[0].receipt != nil, "\(serial.outcomes[0])")
        #expect(depth.max == 1024, "deepest frame \(depth.max) \(depth.gasAt.sorted { $0.key < $1.key })")
        let parallel = ParallelExecutor(driver: .deterministic(seed: seed, workers: 2, abortBias: 0.5))
            .execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        #expect(parallel.stateRoot == serial.stateRoot)
    }
}

extension DeepProgramTests {
    /// The recursion stops at the depth the calldata asks for.
    @Test(arguments: [0, 1, 5, 40] as [Int])
    func stopsAtTheRequestedDepth(depth: Int) {
        for seed in [3, 4, 5] as [UInt64] {
            let input = DeepProgram.block(seed: seed, depth: depth)
            let tracer = Depth()
            _ = SerialExecutor(tracer: tracer).execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
            #expect(tracer.max == depth, "seed \(seed)")
        }
    }
}
