import Foundation
import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import ParallelExecutor
import SequencerModel
import Generators
import PropertyKit
import PlantedFaults

/// Why a counterexample file could not be read. Every case names the field (as a JSON path).
public enum CounterexampleError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notJSON(reason: String)
    case missingField(String)
    case wrongType(field: String, expected: String)
    case invalidValue(field: String, value: String, reason: String)
    case unsupportedSchema(Int)
    case unknownProperty(String)
    case unknownVariant(String)
    /// The file does not hold together: its name is not the digest of its content, a schedule
    /// step does not happen when the schedule is replayed, or the stored expected result is not
    /// what the reference computes on the stored input. An edited file (or one this version
    /// computes differently: stale) is refused, never replayed.
    case doesNotHold(field: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let p, let r): return "cannot read \(p): \(r)"
        case .notJSON(let r): return "not a JSON document: \(r)"
        case .missingField(let f): return "missing field \(f)"
        case .wrongType(let f, let e): return "field \(f) has the wrong type (expected \(e))"
        case .invalidValue(let f, let v, let r): return "field \(f) has an invalid value \(v.prefix(80)): \(r)"
        case .unsupportedSchema(let v): return "schemaVersion \(v) is not supported (this version reads \(CounterexampleFile.currentSchema))"
        case .unknownProperty(let p): return "field property: unknown property \(p)"
        case .unknownVariant(let v): return "field variant: unknown executor variant \(v)"
        case .doesNotHold(let f, let r): return "field \(f) does not hold: \(r) (the file was edited, or this version computes it differently)"
        }
    }
}

/// A counterexample as stored in `Counterexamples/<property>/<hash>.json`: the concrete shrunk
/// input (nothing needs regenerating), the seeds it came from, the schedule trace for parallel
/// properties, and what was expected and observed.
public struct CounterexampleFile: Codable, Equatable, Sendable {
    public static let currentSchema = 1

    public struct Seeds: Codable, Equatable, Sendable {
        public var run: String
        public var block: String
        public var schedule: String?
    }
    public struct Env: Codable, Equatable, Sendable {
        public var coinbase: String
        public var number: String
        public var timestamp: String
        public var gasLimit: String
        public var difficulty: String
        public var prevRandao: String
        public var baseFee: String
        public var excessBlobGas: String?
        public var chainId: String
    }
    public struct AccountEntry: Codable, Equatable, Sendable {
        public var address: String
        public var nonce: String
        public var balance: String
        public var code: String
        public var storage: [String: String]
    }
    public struct AccessEntry: Codable, Equatable, Sendable {
        public var address: String
        public var storageKeys: [String]
    }
    public struct AuthorizationEntry: Codable, Equatable, Sendable {
        public var chainId: String
        public var address: String
        public var nonce: String
        public var yParity: String
        public var r: String
        public var s: String
    }
    public struct Tx: Codable, Equatable, Sendable {
        public var sender: String
        public var type: String
        public var chainId: String?
        public var nonce: String
        public var gasPrice: String
        public var maxPriorityFeePerGas: String
        public var maxFeePerGas: String
        public var gasLimit: String
        public var to: String?
        public var value: String
        public var data: String
        public var accessList: [AccessEntry]
        public var maxFeePerBlobGas: String
        public var blobVersionedHashes: [String]
        public var authorizationList: [AuthorizationEntry]
        public var v: String
        public var r: String
        public var s: String
    }
    public struct Input: Codable, Equatable, Sendable {
        public var block: Env
        public var pre: [AccountEntry]
        public var transactions: [Tx]
    }
    public struct Schedule: Codable, Equatable, Sendable {
        public var seed: String
        public var workers: Int
        public var abortBias: Double
        public var steps: [ScheduleStep]
    }
    public struct Difference: Codable, Equatable, Sendable {
        public var field: String
        public var expected: String
        public var actual: String
    }

    public var schemaVersion: Int
    public var property: String
    /// `reference` for the real executor; a test-only faulty variant's name otherwise.
    public var variant: String
    /// `git describe` of the build that wrote it ("unknown" outside a checkout); not hashed.
    public var toolVersion: String
    public var fork: String
    public var seeds: Seeds
    public var input: Input
    public var schedule: Schedule?
    public var unshrunkTransactions: Int
    public var shrinkSteps: Int
    public var casesRun: Int
    public var expected: ResultSide
    public var actual: ResultSide
    public var firstDifference: Difference
    /// Present only for sequencer-rule counterexamples (`property` = `sequencer_rules`): the
    /// stream, the offending batches and the verifier's violations. Absent (and not encoded)
    /// for every other property, so older files keep their bytes and hashes.
    public var sequencer: SequencerCase?
    /// Present only for double-spend counterexamples (`property` = `no_double_spend`): the
    /// parallel group and the Z3 model it came from. Absent (not encoded) otherwise.
    public var doubleSpend: DoubleSpendCase?

    // MARK: Building

    public init(failure: PropertyFailure, toolVersion: String = ToolVersion.current) {
        schemaVersion = Self.currentSchema
        property = failure.property
        variant = failure.variant.name
        self.toolVersion = toolVersion
        fork = failure.input.fork.fixtureName
        seeds = Seeds(run: Self.hex64(failure.runSeed), block: Self.hex64(failure.blockSeed),
                      schedule: failure.violation.trace.map { Self.hex64($0.seed) })
        input = Self.encode(failure.input)
        schedule = failure.violation.trace.map { Schedule(seed: Self.hex64($0.seed), workers: $0.workers, abortBias: $0.abortBias, steps: $0.steps) }
        unshrunkTransactions = failure.originalSize
        shrinkSteps = failure.shrinkSteps
        casesRun = failure.casesRun
        expected = failure.violation.expected
        actual = failure.violation.actual
        let d = failure.violation.difference
        firstDifference = Difference(field: d.field, expected: d.expected, actual: d.actual)
    }

    static func hex64(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
    static func hex(_ v: UInt256) -> String { v.hexString }

    static func encode(_ b: BlockInput) -> Input {
        let e = b.block
        let env = Env(coinbase: e.coinbase.hexString, number: hex64(e.number), timestamp: hex64(e.timestamp), gasLimit: hex64(e.gasLimit),
                      difficulty: hex(e.difficulty), prevRandao: hex(e.prevRandao), baseFee: hex(e.baseFee),
                      excessBlobGas: e.excessBlobGas.map(hex64), chainId: hex(e.chainId))
        let pre = b.pre.accounts.keys.sorted().map { a -> AccountEntry in
            let acct = b.pre.accounts[a]!
            var storage: [String: String] = [:]
            for (k, v) in b.pre.storage[a] ?? [:] { storage[hex(k)] = hex(v) }
            return AccountEntry(address: a.hexString, nonce: hex64(acct.nonce), balance: hex(acct.balance),
                                code: Hex.encodePrefixed(b.pre.code(hash: acct.codeHash).bytes), storage: storage)
        }
        let txs = b.transactions.map { rtx -> Tx in
            let t = rtx.transaction
            return Tx(sender: rtx.sender.hexString, type: hex64(UInt64(t.type.rawValue)), chainId: t.chainId.map(hex), nonce: hex64(t.nonce),
                      gasPrice: hex(t.gasPrice), maxPriorityFeePerGas: hex(t.maxPriorityFeePerGas), maxFeePerGas: hex(t.maxFeePerGas),
                      gasLimit: hex64(t.gasLimit), to: t.to?.hexString, value: hex(t.value), data: Hex.encodePrefixed(t.data),
                      accessList: t.accessList.map { AccessEntry(address: $0.address.hexString, storageKeys: $0.storageKeys.map(\.hexString)) },
                      maxFeePerBlobGas: hex(t.maxFeePerBlobGas), blobVersionedHashes: t.blobVersionedHashes.map(\.hexString),
                      authorizationList: t.authorizationList.map {
                          AuthorizationEntry(chainId: hex($0.chainId), address: $0.address.hexString, nonce: hex64($0.nonce),
                                             yParity: hex64(UInt64($0.yParity)), r: hex($0.r), s: hex($0.s))
                      },
                      v: hex(t.v), r: hex(t.r), s: hex(t.s))
        }
        return Input(block: env, pre: pre, transactions: txs)
    }

    // MARK: Bytes, hash, path

    /// Sorted keys, no timestamps: the same failure always gives the same bytes.
    public func encoded() -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // Every field is a string, integer, bool, double or array/dict of those: cannot fail.
        return ((try? enc.encode(self)) ?? Data()) + Data("\n".utf8)
    }

    /// First 16 hex digits of keccak256 of the encoding with `toolVersion` blanked.
    public var contentHash: String {
        var c = self
        c.toolVersion = ""
        return String(Hex.encode(Keccak256.hash(Array(c.encoded())).bytes).prefix(16))
    }

    /// `<property>/<hash>.json`, relative to the store root.
    public var relativePath: String { "\(property)/\(contentHash).json" }

    /// Writes under `root` (created as needed); returns the file's URL.
    @discardableResult
    public func write(to root: URL) throws -> URL {
        let dir = root.appendingPathComponent(property, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("\(contentHash).json")
        try encoded().write(to: url)
        return url
    }

    // MARK: Reading

    /// Reads and validates a stored file. The file is bound to its content: its name must be
    /// `<contentHash>.json` (the digest of its canonical encoding, `toolVersion` blanked), so
    /// changing any value — a digit of `expected.stateRoot`, a schedule step — without renaming
    /// is refused with `doesNotHold(field: "file name")`. Whitespace and key order are not
    /// content. (Renaming to the new digest passes this check; `replay` then checks the
    /// schedule and the expected result against a re-execution.)
    public static func load(path: String) throws(CounterexampleError) -> CounterexampleFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        let file = try decode(data)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        if name != file.contentHash {
            throw .doesNotHold(field: "file name", reason: "\(URL(fileURLWithPath: path).lastPathComponent) is not named by the digest of its content (\(file.contentHash).json)")
        }
        return file
    }

    /// Decodes and validates file contents (every field typed and in range; keys unique).
    public static func decode(_ data: Data) throws(CounterexampleError) -> CounterexampleFile {
        if let d = JSONDuplicateKeys.first(in: data) {
            throw .invalidValue(field: d.path, value: d.key, reason: "duplicate key (the file says two things about one field)")
        }
        struct Header: Decodable { var schemaVersion: Int }
        let dec = JSONDecoder()
        do {
            let h = try dec.decode(Header.self, from: data)
            if h.schemaVersion != currentSchema { throw CounterexampleError.unsupportedSchema(h.schemaVersion) }
            let file = try dec.decode(CounterexampleFile.self, from: data)
            _ = try file.blockInput()
            _ = try file.scheduleTrace()
            if file.doubleSpend != nil {
                if file.property != DoubleSpendCase.property { throw CounterexampleError.unknownProperty(file.property) }
                if file.variant != StaleBalanceGroup.name { throw CounterexampleError.unknownVariant(file.variant) }
                return file
            }
            if let seq = file.sequencer {
                if file.property != SequencerCase.property { throw CounterexampleError.unknownProperty(file.property) }
                _ = try seq.decoded()
                _ = try seq.decodedRerun()
                return file
            }
            if PropertyCatalog.property(named: file.property) == nil { throw CounterexampleError.unknownProperty(file.property) }
            if ExecutorVariant(name: file.variant) == nil { throw CounterexampleError.unknownVariant(file.variant) }
            return file
        } catch let e as CounterexampleError {
            throw e
        } catch let e as DecodingError {
            if case .dataCorrupted(let c) = e, c.codingPath.isEmpty, let tree = try? JSONSerialization.jsonObject(with: data) {
                // Foundation names no field for a number out of its integer range.
                let suspects = JSONDiagnostics.outOfRangeNumbers(tree)
                if !suspects.isEmpty {
                    throw CounterexampleError.invalidValue(field: suspects.prefix(3).joined(separator: " or "), value: "",
                                                           reason: "a number out of its field's range")
                }
            }
            throw map(e)
        } catch {
            throw .notJSON(reason: "\(error)")
        }
    }

    static func path(_ p: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
        var s = ""
        for k in p + (last.map { [$0] } ?? []) {
            if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
        }
        return s.isEmpty ? "(document)" : s
    }

    static func map(_ e: DecodingError) -> CounterexampleError {
        switch e {
        case .keyNotFound(let k, let c): return .missingField(path(c.codingPath, k))
        case .valueNotFound(_, let c): return .missingField(path(c.codingPath))
        case .typeMismatch(let t, let c): return .wrongType(field: path(c.codingPath), expected: "\(t)")
        case .dataCorrupted(let c):
            return c.codingPath.isEmpty ? .notJSON(reason: c.debugDescription) : .invalidValue(field: path(c.codingPath), value: "", reason: c.debugDescription)
        @unknown default: return .notJSON(reason: "\(e)")
        }
    }

    // Typed field parsers.
    static func u256(_ s: String, _ field: String) throws(CounterexampleError) -> UInt256 {
        guard s.hasPrefix("0x"), let v = UInt256(hex: s) else { throw .invalidValue(field: field, value: s, reason: "expected 0x-prefixed hex ≤ 256 bits") }
        return v
    }
    static func u64(_ s: String, _ field: String) throws(CounterexampleError) -> UInt64 {
        guard s.hasPrefix("0x"), s.count > 2, let v = UInt64(s.dropFirst(2), radix: 16) else {
            throw .invalidValue(field: field, value: s, reason: "expected 0x-prefixed hex ≤ 64 bits")
        }
        return v
    }
    static func address(_ s: String, _ field: String) throws(CounterexampleError) -> Address {
        guard s.count == 42, let a = Address(hex: s) else { throw .invalidValue(field: field, value: s, reason: "expected a 20-byte 0x address") }
        return a
    }
    static func bytes(_ s: String, _ field: String) throws(CounterexampleError) -> [UInt8] {
        do { return try Hex.decode(s) } catch { throw .invalidValue(field: field, value: s, reason: error.description) }
    }
    static func b32(_ s: String, _ field: String) throws(CounterexampleError) -> Bytes32 {
        guard let b = Bytes32(hex: s) else { throw .invalidValue(field: field, value: s, reason: "expected 32 bytes of hex") }
        return b
    }

    /// The concrete input, validated field by field.
    public func blockInput() throws(CounterexampleError) -> BlockInput {
        guard let fork = Hardfork(fixtureName: self.fork) else { throw .invalidValue(field: "fork", value: self.fork, reason: "unknown fork") }
        let e = input.block
        let env = BlockEnv(coinbase: try Self.address(e.coinbase, "input.block.coinbase"), number: try Self.u64(e.number, "input.block.number"),
                           timestamp: try Self.u64(e.timestamp, "input.block.timestamp"), gasLimit: try Self.u64(e.gasLimit, "input.block.gasLimit"),
                           difficulty: try Self.u256(e.difficulty, "input.block.difficulty"), prevRandao: try Self.u256(e.prevRandao, "input.block.prevRandao"),
                           baseFee: try Self.u256(e.baseFee, "input.block.baseFee"),
                           excessBlobGas: try e.excessBlobGas.map { (s) throws(CounterexampleError) in try Self.u64(s, "input.block.excessBlobGas") },
                           chainId: try Self.u256(e.chainId, "input.block.chainId"))
        let pre = InMemoryState()
        for (i, a) in input.pre.enumerated() {
            let f = "input.pre[\(i)]"
            var storage: [UInt256: UInt256] = [:]
            for (k, v) in a.storage { storage[try Self.u256(k, "\(f).storage key")] = try Self.u256(v, "\(f).storage[\(k)]") }
            pre.setAccount(try Self.address(a.address, "\(f).address"), nonce: try Self.u64(a.nonce, "\(f).nonce"),
                           balance: try Self.u256(a.balance, "\(f).balance"), code: try Self.bytes(a.code, "\(f).code"), storage: storage)
        }
        var txs: [RecoveredTransaction] = []
        for (i, t) in input.transactions.enumerated() {
            let f = "input.transactions[\(i)]"
            let typeRaw = try Self.u64(t.type, "\(f).type")
            guard typeRaw <= 255, let type = TxType(rawValue: UInt8(typeRaw)) else {
                throw .invalidValue(field: "\(f).type", value: t.type, reason: "unknown transaction type")
            }
            var access: [AccessListEntry] = []
            for (j, a) in t.accessList.enumerated() {
                var keys: [Bytes32] = []
                for (k, s) in a.storageKeys.enumerated() { keys.append(try Self.b32(s, "\(f).accessList[\(j)].storageKeys[\(k)]")) }
                access.append(AccessListEntry(address: try Self.address(a.address, "\(f).accessList[\(j)].address"), storageKeys: keys))
            }
            var hashes: [Bytes32] = []
            for (j, h) in t.blobVersionedHashes.enumerated() { hashes.append(try Self.b32(h, "\(f).blobVersionedHashes[\(j)]")) }
            var auths: [Authorization] = []
            for (j, a) in t.authorizationList.enumerated() {
                let g = "\(f).authorizationList[\(j)]"
                let y = try Self.u64(a.yParity, "\(g).yParity")
                guard y <= 255 else { throw .invalidValue(field: "\(g).yParity", value: a.yParity, reason: "expected one byte") }
                auths.append(Authorization(chainId: try Self.u256(a.chainId, "\(g).chainId"), address: try Self.address(a.address, "\(g).address"),
                                           nonce: try Self.u64(a.nonce, "\(g).nonce"), yParity: UInt8(y),
                                           r: try Self.u256(a.r, "\(g).r"), s: try Self.u256(a.s, "\(g).s")))
            }
            var tx = Transaction(type: type, chainId: try t.chainId.map { (s) throws(CounterexampleError) in try Self.u256(s, "\(f).chainId") },
                                 nonce: try Self.u64(t.nonce, "\(f).nonce"), gasPrice: try Self.u256(t.gasPrice, "\(f).gasPrice"),
                                 maxPriorityFeePerGas: try Self.u256(t.maxPriorityFeePerGas, "\(f).maxPriorityFeePerGas"),
                                 maxFeePerGas: try Self.u256(t.maxFeePerGas, "\(f).maxFeePerGas"), gasLimit: try Self.u64(t.gasLimit, "\(f).gasLimit"),
                                 to: try t.to.map { (s) throws(CounterexampleError) in try Self.address(s, "\(f).to") },
                                 value: try Self.u256(t.value, "\(f).value"), data: try Self.bytes(t.data, "\(f).data"), accessList: access,
                                 maxFeePerBlobGas: try Self.u256(t.maxFeePerBlobGas, "\(f).maxFeePerBlobGas"), blobVersionedHashes: hashes,
                                 authorizationList: auths, v: try Self.u256(t.v, "\(f).v"), r: try Self.u256(t.r, "\(f).r"), s: try Self.u256(t.s, "\(f).s"))
            // The initialiser derives gasPrice for dynamic-fee types; keep the stored value exactly.
            tx.gasPrice = try Self.u256(t.gasPrice, "\(f).gasPrice")
            txs.append(RecoveredTransaction(transaction: tx, sender: try Self.address(t.sender, "\(f).sender")))
        }
        return BlockInput(fork: fork, block: env, pre: pre, transactions: txs)
    }

    /// The stored schedule, validated (worker indices within the worker count).
    public func scheduleTrace() throws(CounterexampleError) -> ScheduleTrace? {
        guard let s = schedule else { return nil }
        let seed = try Self.u64(s.seed, "schedule.seed")
        guard s.workers >= 1 && s.workers <= 1024 else { throw .invalidValue(field: "schedule.workers", value: "\(s.workers)", reason: "expected 1…1024") }
        guard s.abortBias.isFinite, (0...1).contains(s.abortBias) else {
            throw .invalidValue(field: "schedule.abortBias", value: "\(s.abortBias)", reason: "expected 0…1")
        }
        let txCount = input.transactions.count
        for (i, st) in s.steps.enumerated() {
            if st.worker < 0 || st.worker >= s.workers {
                throw .invalidValue(field: "schedule.steps[\(i)].worker", value: "\(st.worker)", reason: "no such worker")
            }
            // -1 is "asked for work, got none", which only a fetch records.
            if !(st.tx >= 0 && st.tx < txCount) && !(st.tx == -1 && st.action == .fetch) {
                throw .invalidValue(field: "schedule.steps[\(i)].tx", value: "\(st.tx)", reason: "no such transaction (the input has \(txCount))")
            }
            if st.incarnation < 0 {
                throw .invalidValue(field: "schedule.steps[\(i)].incarnation", value: "\(st.incarnation)", reason: "negative incarnation")
            }
        }
        return ScheduleTrace(seed: seed, workers: s.workers, abortBias: s.abortBias, steps: s.steps)
    }

    // MARK: Replay

    public enum ReplayOutcome: Sendable, Equatable {
        /// Still fails; `identical` when the first difference is exactly the stored one.
        case reproduced(Violation, identical: Bool)
        /// The property holds on the stored input now.
        case fixed
    }

    /// Re-runs the stored input (with the stored schedule) against the stored property/variant.
    ///
    /// Refuses (`doesNotHold`) a file whose parts disagree with a re-execution: a schedule
    /// that is not the one replaying it produces step for step (edited, truncated or emptied
    /// steps, or steps past the end of the block), or an `expected` side that is not what the
    /// reference computes on the stored input now. `identical` ("bit for bit") means the first
    /// difference, `expected` and `actual` all equal the stored ones.
    public func replay() throws(CounterexampleError) -> ReplayOutcome {
        let outcome = try replayUnchecked()
        guard case .reproduced(let v, let identical) = outcome else { return outcome }
        try Self.checkSide(stored: expected, now: v.expected, name: "expected")
        return .reproduced(v, identical: identical && v.actual == actual)
    }

    /// `doesNotHold` naming the first field where the stored side differs from the recomputed one.
    static func checkSide(stored: ResultSide, now: ResultSide, name: String) throws(CounterexampleError) {
        func refuse(_ field: String, _ a: String, _ b: String) -> CounterexampleError {
            .doesNotHold(field: "\(name).\(field)", reason: "the file says \(a.prefix(120)), the reference computes \(b.prefix(120)) on the stored input")
        }
        if stored.stateRoot != now.stateRoot { throw refuse("stateRoot", stored.stateRoot, now.stateRoot) }
        for i in 0..<max(stored.receipts.count, now.receipts.count) {
            let a = i < stored.receipts.count ? stored.receipts[i] : "(nothing)"
            let b = i < now.receipts.count ? now.receipts[i] : "(nothing)"
            if a != b { throw refuse("receipts[\(i)]", a, b) }
        }
        for k in Set(stored.values.keys).union(now.values.keys).sorted() where stored.values[k] != now.values[k] {
            throw refuse("values.\(k)", stored.values[k] ?? "(nothing)", now.values[k] ?? "(nothing)")
        }
    }

    func replayUnchecked() throws(CounterexampleError) -> ReplayOutcome {
        if let seq = sequencer { return try seq.replay(stored: firstDifference, variant: variant) }
        if let ds = doubleSpend { return try ds.replay(try blockInput(), stored: firstDifference) }
        guard let variant = ExecutorVariant(name: variant) else { throw .unknownVariant(self.variant) }
        guard let p = PropertyCatalog.property(named: property, variant: variant) else { throw .unknownProperty(property) }
        let input = try blockInput()
        let trace = try scheduleTrace()
        if let trace { try checkSchedule(trace, input: input, variant: variant) }
        if property == ParallelMatchesSerial.name {
            // The expected side is the serial executor's result: checked even when fixed.
            let serial = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
            try Self.checkSide(stored: expected, now: ResultSide(serial), name: "expected")
        }
        guard let v = p.replay(input, trace: trace) else { return .fixed }
        let d = v.difference
        return .reproduced(v, identical: d.field == firstDifference.field && d.expected == firstDifference.expected && d.actual == firstDifference.actual)
    }

    /// The stored schedule must be exactly what replaying it does: every step taken in order,
    /// with the stored action, transaction, incarnation and abort flag, the block done when the
    /// steps end — not before (extra steps), not after (a truncated or emptied schedule).
    func checkSchedule(_ trace: ScheduleTrace, input: BlockInput, variant: ExecutorVariant) throws(CounterexampleError) {
        let (_, report) = ParallelExecutor(driver: .replay(trace), faults: variant.hook)
            .executeWithReport(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        let taken = report.trace?.steps ?? []
        for (i, step) in trace.steps.enumerated() {
            guard i < taken.count else {
                throw .doesNotHold(field: "schedule.steps[\(i)]", reason: "the block is done after \(taken.count) steps; the file has \(trace.steps.count)")
            }
            if taken[i] != step {
                func full(_ s: ScheduleStep) -> String {
                    "\(s) (worker \(s.worker), \(s.action.rawValue), tx \(s.tx), incarnation \(s.incarnation), aborted \(s.aborted))"
                }
                throw .doesNotHold(field: "schedule.steps[\(i)]", reason: "the file says \(full(step)), replaying the schedule takes \(full(taken[i]))")
            }
        }
        if report.replayRanOut {
            throw .doesNotHold(field: "schedule.steps", reason: "the schedule ends after \(trace.steps.count) steps, before the block is done (truncated)")
        }
    }
}

/// The running build's version, from `git describe` when run inside a checkout.
public enum ToolVersion {
    public static let current: String = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "describe", "--always", "--dirty", "--tags"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return "unknown" }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return "unknown" }
        let s = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return s.isEmpty ? "unknown" : s
    }()
}

/// The `Counterexamples/` folder: listing and classifying stored files.
public enum CounterexampleStore {
    public enum Classification: Sendable, Equatable {
        /// Still fails (the gate fails); carries the difference.
        case reproduced(String)
        /// Passes now.
        case fixed
        /// Cannot be read by this version (schema, property or variant unknown, bad field).
        case stale(String)
    }

    /// Every `.json` file under `root`, sorted (none when the folder is missing). The
    /// `differential/` folder is not in this format: it holds filled state tests written by
    /// `lockstep fuzz`, replayed by `lockstep statetest` (and `T8nTests/DifferentialTests`).
    public static func files(under root: URL) -> [String] {
        guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var out: [String] = []
        for case let url as URL in e where url.pathExtension == "json" && !url.path.contains("/differential/") { out.append(url.path) }
        return out.sorted()
    }

    public static func classify(path: String) -> Classification {
        do {
            let file = try CounterexampleFile.load(path: path)
            switch try file.replay() {
            case .reproduced(let v, _): return .reproduced(v.difference.description)
            case .fixed: return .fixed
            }
        } catch {
            return .stale(error.description)
        }
    }
}
