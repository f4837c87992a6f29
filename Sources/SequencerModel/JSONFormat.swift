import Foundation
import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution

/// The JSON files of `lockstep sequence` and `lockstep verify-batch`: a stream file (fork,
/// block, pre-state, policy, transactions) and a batches file (the emitted batches and the
/// rejections). Big numbers are strings, hex with 0x or decimal.
public enum SequencerJSONError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case field(String, String)
    public var description: String {
        switch self {
        case .malformed(let m): return "malformed JSON: \(m)"
        case .field(let f, let v): return "bad value for \(f): \(v)"
        }
    }
}

enum JNum {
    static func u256(_ s: String, _ field: String) throws(SequencerJSONError) -> UInt256 {
        let v = s.hasPrefix("0x") || s.hasPrefix("0X") ? UInt256(hex: s.dropFirst(2)) : UInt256(decimal: s)
        guard let v else { throw .field(field, s) }
        return v
    }
    /// Exactly 20 bytes (40 hex digits, `0x` optional): a shorter string is not left-padded into
    /// some other address, it is an error naming the field.
    static func address(_ s: String, _ field: String) throws(SequencerJSONError) -> Address {
        let h = s.hasPrefix("0x") || s.hasPrefix("0X") ? String(s.dropFirst(2)) : s
        guard h.utf8.count == 40, let a = Address(hex: h) else {
            throw .field(field, "\(s) (an address is exactly 20 bytes, 40 hex digits)")
        }
        return a
    }

    /// Refuses a document with a key twice in one object (Foundation would keep the later one).
    static func checkDuplicateKeys(_ data: Data) throws(SequencerJSONError) {
        if let d = JSONDuplicateKeys.first(in: data) { throw .field(d.path, "duplicate key \"\(d.key)\"") }
    }

    /// Decodes `T`, turning every decoding failure into an error naming the field: the coding
    /// path of a missing key or a wrong type or range, and — where Foundation only says "not
    /// valid JSON" for a number out of its field's range (negative in an unsigned field, above
    /// 2^63 - 1 in a signed one) — the paths of the numbers that can be out of range.
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(SequencerJSONError) -> T {
        try checkDuplicateKeys(data)
        do { return try JSONDecoder().decode(type, from: data) } catch let e as DecodingError {
            func path(_ keys: [any CodingKey]) -> String {
                var s = ""
                for k in keys { if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue } }
                return s
            }
            switch e {
            case .keyNotFound(let k, let c): throw .field(path(c.codingPath + [k]), "missing")
            case .valueNotFound(_, let c): throw .field(path(c.codingPath), "null where a value is required")
            case .typeMismatch(let t, let c): throw .field(path(c.codingPath), "expected \(t)")
            case .dataCorrupted(let c) where !c.codingPath.isEmpty: throw .field(path(c.codingPath), c.debugDescription)
            case .dataCorrupted(let c):
                if let tree = try? JSONSerialization.jsonObject(with: data) {
                    let suspects = JSONDiagnostics.outOfRangeNumbers(tree)
                    if !suspects.isEmpty {
                        throw .field(suspects.prefix(3).joined(separator: " or "),
                                     "a number out of its field's range (negative where unsigned, or above 2^63 - 1 where signed)")
                    }
                }
                throw .malformed(c.debugDescription)
            @unknown default: throw .malformed("\(e)")
            }
        } catch {
            throw .malformed("\(error)")
        }
    }


    static func bytes(_ s: String, _ field: String) throws(SequencerJSONError) -> [UInt8] {
        let h = s.hasPrefix("0x") ? s.dropFirst(2) : Substring(s)
        guard h.count % 2 == 0 else { throw .field(field, s) }
        var out: [UInt8] = []
        var i = h.startIndex
        while i < h.endIndex {
            let j = h.index(i, offsetBy: 2)
            guard let b = UInt8(h[i..<j], radix: 16) else { throw .field(field, s) }
            out.append(b); i = j
        }
        return out
    }
}

public struct StreamFile: Codable, Equatable, Sendable {
    public struct Block: Codable, Equatable, Sendable {
        var coinbase: String; var number: UInt64; var timestamp: UInt64; var gasLimit: UInt64
        var baseFee: String; var chainId: String
    }
    public struct AccountJ: Codable, Equatable, Sendable {
        var address: String; var nonce: UInt64; var balance: String; var code: String?; var storage: [String: String]?
    }
    public struct FeedJ: Codable, Equatable, Sendable {
        var feed: UInt64; var maxAge: UInt64; var initialUpdateTime: UInt64?; var downtimeEnd: UInt64?; var grace: UInt64?
    }
    public struct PolicyJ: Codable, Equatable, Sendable {
        var ordering: String?; var fairnessWindow: UInt64?; var batchInterval: UInt64?; var maxGroupsPerBatch: Int?
        var maxTxsPerGroup: Int?; var deferralBound: Int?; var feeds: [FeedJ]?; var pools: [String]?; var expressStart: UInt64?
    }
    public struct AccessJ: Codable, Equatable, Sendable { var address: String; var storageKeys: [String] }
    public struct AuthJ: Codable, Equatable, Sendable { var chainId: String; var address: String; var nonce: UInt64; var yParity: UInt8; var r: String; var s: String }
    public struct TxJ: Codable, Equatable, Sendable {
        var type: UInt8; var nonce: UInt64; var maxFeePerGas: String; var maxPriorityFeePerGas: String; var gasLimit: UInt64
        var to: String?; var value: String?; var data: String?; var accessList: [AccessJ]?; var authorizationList: [AuthJ]?
    }
    public struct BundleJ: Codable, Equatable, Sendable { var id: UInt64; var index: Int; var size: Int }
    public struct EntryJ: Codable, Equatable, Sendable {
        var id: Int; var arrival: UInt64; var kind: String?; var actor: String?; var nonceKey: String?; var sender: String
        var tx: TxJ; var bundle: BundleJ?; var expressSeq: UInt64?
    }
    var fork: String; var block: Block; var pre: [AccountJ]; var policy: PolicyJ; var stream: [EntryJ]

    /// Writes an input as a stream file (pre-state accounts sorted by address).
    public static func encode(_ i: SequencerInput) -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? enc.encode(StreamFile(i))) ?? Data()
    }

    /// The file form of an input: every value concrete, so decoding gives the same input back.
    public init(_ i: SequencerInput) {
        func kind(_ k: TxKind) -> String {
            switch k {
            case .user: return "user"
            case .privileged: return "privileged"
            case .forced(let l): return "forced:\(l)"
            case .oracleUpdate(let f): return "oracle:\(f)"
            case .liquidation(let f): return "liquidation:\(f)"
            case .backrun(let f): return "backrun:\(f)"
            }
        }
        let pre = i.pre.accounts.keys.sorted().map { a -> AccountJ in
            let acct = i.pre.accounts[a] ?? .empty
            let code = i.pre.code(hash: acct.codeHash)
            var st: [String: String] = [:]
            for (k, v) in i.pre.storage[a] ?? [:] { st[k.hexString] = v.hexString }
            return AccountJ(address: a.hexString, nonce: acct.nonce, balance: acct.balance.hexString,
                            code: Hex.encodePrefixed(code.bytes), storage: st)
        }
        let p = i.policy
        let policy = PolicyJ(ordering: p.ordering.rawValue, fairnessWindow: p.fairnessWindow, batchInterval: p.batchInterval,
                             maxGroupsPerBatch: p.maxGroupsPerBatch, maxTxsPerGroup: p.maxTxsPerGroup, deferralBound: p.deferralBound,
                             feeds: p.feeds.map { FeedJ(feed: $0.feed, maxAge: $0.maxAge, initialUpdateTime: $0.initialUpdateTime,
                                                        downtimeEnd: $0.downtimeEnd, grace: $0.grace) },
                             pools: p.pools.map(\.hexString), expressStart: p.expressStart)
        let stream = i.stream.map { e -> EntryJ in
            let t = e.tx.transaction
            let tx = TxJ(type: t.type.rawValue, nonce: t.nonce, maxFeePerGas: t.maxFeePerGas.hexString,
                         maxPriorityFeePerGas: t.maxPriorityFeePerGas.hexString, gasLimit: t.gasLimit, to: t.to?.hexString,
                         value: t.value.hexString, data: Hex.encodePrefixed(t.data),
                         accessList: t.accessList.map { AccessJ(address: $0.address.hexString, storageKeys: $0.storageKeys.map { $0.word.hexString }) },
                         authorizationList: t.authorizationList.map { AuthJ(chainId: $0.chainId.hexString, address: $0.address.hexString,
                                                                             nonce: $0.nonce, yParity: $0.yParity, r: $0.r.hexString, s: $0.s.hexString) })
            return EntryJ(id: e.id, arrival: e.arrival, kind: kind(e.kind), actor: e.actor.hexString, nonceKey: e.nonceKey.hexString,
                          sender: e.tx.sender.hexString, tx: tx, bundle: e.bundle.map { BundleJ(id: $0.id, index: $0.index, size: $0.size) },
                          expressSeq: e.expressSeq)
        }
        let b = i.block
        self.init(fork: "\(i.fork)", block: Block(coinbase: b.coinbase.hexString, number: b.number, timestamp: b.timestamp,
                                                 gasLimit: b.gasLimit, baseFee: b.baseFee.hexString, chainId: b.chainId.hexString),
                  pre: pre, policy: policy, stream: stream)
    }

    init(fork: String, block: Block, pre: [AccountJ], policy: PolicyJ, stream: [EntryJ]) {
        self.fork = fork; self.block = block; self.pre = pre; self.policy = policy; self.stream = stream
    }

    public static func decode(_ data: Data) throws(SequencerJSONError) -> SequencerInput {
        let file: StreamFile
        file = try JNum.decode(StreamFile.self, data)
        return try file.input()
    }

    /// The input this file describes; a bad value is an error naming the field.
    public func input() throws(SequencerJSONError) -> SequencerInput {
        guard let fork = Hardfork.allCases.first(where: { "\($0)".lowercased() == self.fork.lowercased() }) else { throw .field("fork", self.fork) }
        let env = BlockEnv(coinbase: try JNum.address(block.coinbase, "block.coinbase"), number: block.number, timestamp: block.timestamp,
                           gasLimit: block.gasLimit, baseFee: try JNum.u256(block.baseFee, "block.baseFee"), excessBlobGas: 0,
                           chainId: try JNum.u256(block.chainId, "block.chainId"))
        let state = InMemoryState()
        for (i, a) in pre.enumerated() {
            var slots: [UInt256: UInt256] = [:]
            for (k, v) in a.storage ?? [:] {
                let key = try JNum.u256(k, "pre[\(i)].storage key")
                if slots.updateValue(try JNum.u256(v, "pre[\(i)].storage[\(k)]"), forKey: key) != nil {
                    throw .field("pre[\(i)].storage", "\(k) names a slot already given")
                }
            }
            let address = try JNum.address(a.address, "pre[\(i)].address")
            if state.accounts[address] != nil { throw .field("pre[\(i)].address", "\(a.address) appears twice in pre") }
            state.setAccount(address, nonce: a.nonce, balance: try JNum.u256(a.balance, "pre[\(i)].balance"),
                             code: try JNum.bytes(a.code ?? "0x", "pre[\(i)].code"), storage: slots)
        }
        var p = SequencerPolicy()
        if let o = policy.ordering { guard let m = OrderingMode(rawValue: o) else { throw .field("ordering", o) }; p.ordering = m }
        p.fairnessWindow = policy.fairnessWindow ?? p.fairnessWindow
        p.batchInterval = policy.batchInterval ?? p.batchInterval
        p.maxGroupsPerBatch = policy.maxGroupsPerBatch ?? p.maxGroupsPerBatch
        p.maxTxsPerGroup = policy.maxTxsPerGroup ?? p.maxTxsPerGroup
        p.deferralBound = policy.deferralBound ?? p.deferralBound
        p.expressStart = policy.expressStart ?? 0
        p.feeds = (policy.feeds ?? []).map { FeedPolicy(feed: $0.feed, maxAge: $0.maxAge, initialUpdateTime: $0.initialUpdateTime ?? 0,
                                                        downtimeEnd: $0.downtimeEnd, grace: $0.grace ?? 0) }
        var feedIds = Set<UInt64>()
        for (i, f) in p.feeds.enumerated() where !feedIds.insert(f.feed).inserted {
            throw .field("policy.feeds[\(i)].feed", "feed \(f.feed) is given twice")
        }
        var pools: [Address] = []
        for (i, s) in (policy.pools ?? []).enumerated() { pools.append(try JNum.address(s, "policy.pools[\(i)]")) }
        p.pools = pools
        var txs: [IntakeTx] = []
        for (i, e) in stream.enumerated() {
            let t: IntakeTx
            do { t = try e.intake() } catch {
                // Name the entry: `stream[3] (id 7).sender`.
                switch error {
                case .field(let f, let v): throw .field("stream[\(i)] (id \(e.id)).\(f)", v)
                case .malformed: throw error
                }
            }
            let at = "stream[\(i)] (id \(e.id))"
            switch t.kind {
            case .oracleUpdate(let f), .liquidation(let f), .backrun(let f):
                guard feedIds.contains(f) else {
                    throw .field(at + ".kind", "\(e.kind ?? "") names feed \(f), which policy.feeds does not define")
                }
            case .user, .privileged, .forced: break
            }
            if let b = t.bundle {
                guard b.size >= 1, b.index >= 0, b.index < b.size else {
                    throw .field(at + ".bundle", "index \(b.index) of size \(b.size) (size ≥ 1, 0 ≤ index < size)")
                }
            }
            txs.append(t)
        }
        return SequencerInput(fork: fork, block: env, pre: state, policy: p, stream: txs)
    }
}

extension StreamFile.EntryJ {
    func intake() throws(SequencerJSONError) -> IntakeTx {
        guard let type = TxType(rawValue: tx.type) else { throw .field("tx.type", "\(tx.type)") }
        var list: [AccessListEntry] = []
        for e in tx.accessList ?? [] {
            var keys: [Bytes32] = []
            for k in e.storageKeys { keys.append(Bytes32(try JNum.u256(k, "storageKeys"))) }
            list.append(AccessListEntry(address: try JNum.address(e.address, "accessList.address"), storageKeys: keys))
        }
        var auths: [Authorization] = []
        for a in tx.authorizationList ?? [] {
            auths.append(Authorization(chainId: try JNum.u256(a.chainId, "auth.chainId"), address: try JNum.address(a.address, "auth.address"),
                                       nonce: a.nonce, yParity: a.yParity, r: try JNum.u256(a.r, "auth.r"), s: try JNum.u256(a.s, "auth.s")))
        }
        let maxFee = try JNum.u256(tx.maxFeePerGas, "maxFeePerGas")
        let t = Transaction(type: type, chainId: 1, nonce: tx.nonce, gasPrice: maxFee,
                            maxPriorityFeePerGas: try JNum.u256(tx.maxPriorityFeePerGas, "maxPriorityFeePerGas"), maxFeePerGas: maxFee,
                            gasLimit: tx.gasLimit, to: try tx.to.map { s throws(SequencerJSONError) in try JNum.address(s, "to") },
                            value: try JNum.u256(tx.value ?? "0", "value"), data: try JNum.bytes(tx.data ?? "0x", "data"),
                            accessList: list, authorizationList: auths)
        let sender = try JNum.address(self.sender, "sender")
        let k: TxKind
        let parts = (kind ?? "user").split(separator: ":")
        let arg = parts.count == 2 ? UInt64(parts[1]) : nil
        switch (parts.first.map(String.init) ?? "user", arg) {
        case ("user", _) where parts.count == 1: k = .user
        case ("privileged", _) where parts.count == 1: k = .privileged
        case ("forced", let a?): k = .forced(l1Index: a)
        case ("oracle", let a?): k = .oracleUpdate(feed: a)
        case ("liquidation", let a?): k = .liquidation(feed: a)
        case ("backrun", let a?): k = .backrun(feed: a)
        default: throw .field("kind", kind ?? "")
        }
        return IntakeTx(id: id, arrival: arrival, kind: k, actor: try actor.map { s throws(SequencerJSONError) in try JNum.address(s, "actor") },
                        nonceKey: try JNum.u256(nonceKey ?? "0", "nonceKey"), tx: RecoveredTransaction(transaction: t, sender: sender),
                        bundle: bundle.map { BundleRef(id: $0.id, index: $0.index, size: $0.size) }, expressSeq: expressSeq)
    }
}

extension StreamFile {
    /// Keccak-256 of the input's canonical stream file (`encode`: sorted keys, every value in
    /// the writer's own notation), as `0x` + 64 hex digits. Two files that decode to the same
    /// input have the same digest whatever their whitespace, key order or number notation.
    public static func digest(_ i: SequencerInput) -> String {
        "0x" + Hex.encode(Keccak256.hash(Array(encode(i))).bytes)
    }
}

/// Which run produced a batches file (R19): the sequencer (`reference`, or a test-only
/// variant's name), the seed it ran with, and the digest of the stream it read
/// (`StreamFile.digest`). Two batches files claim "same input + seed" exactly when all three
/// agree; then R19 demands identical batches.
public struct SequencerRun: Codable, Equatable, Hashable, Sendable {
    public var sequencer: String
    /// `0x` hex.
    public var seed: String
    public var stream: String

    public init(sequencer: String, seed: UInt64, stream: String) {
        self.sequencer = sequencer; self.seed = "0x" + String(seed, radix: 16); self.stream = stream
    }

    /// The identity of a run of `sequencer` with `seed` on `input`.
    public init(sequencer: String, seed: UInt64, input: SequencerInput) {
        self.init(sequencer: sequencer, seed: seed, stream: StreamFile.digest(input))
    }

    /// The seed as a number; a malformed one is an error naming `run.seed`.
    public func seedValue() throws(SequencerJSONError) -> UInt64 {
        let v = try JNum.u256(seed, "run.seed")
        guard v.w1 == 0 && v.w2 == 0 && v.w3 == 0 else { throw .field("run.seed", seed) }
        return v.w0
    }
}

/// The batches file.
public struct BatchesFile: Codable, Equatable, Sendable {
    struct TxAccessJ: Codable, Equatable, Sendable { var id: Int; var reads: [String]; var writes: [String]; var accessList: [StreamFile.AccessJ] }
    struct BALJ: Codable, Equatable, Sendable { var address: String; var storageWrites: [String: [Int]]; var storageReads: [String]; var accountChanges: [Int] }
    struct BatchJ: Codable, Equatable, Sendable { var index: Int; var time: UInt64; var groups: [[Int]]; var access: [TxAccessJ]; var blockAccessList: [BALJ] }
    struct RejectionJ: Codable, Equatable, Sendable { var id: Int; var batch: Int; var reason: String }
    var batches: [BatchJ]
    var rejections: [RejectionJ]
    /// The run that wrote the file; absent in files written before R19 was checked (and then
    /// not encoded, so those files keep their bytes).
    public var run: SequencerRun?

    static func key(_ k: AccessKey) -> String {
        switch k {
        case .account(let a): return a.hexString
        case .slot(let a, let s): return a.hexString + ":" + s.hexString
        }
    }
    static func parseKey(_ s: String, _ field: String = "access key") throws(SequencerJSONError) -> AccessKey {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard let first = parts.first, parts.count <= 2 else { throw .field(field, s) }
        let a = try JNum.address(String(first), field)
        if parts.count == 1 { return .account(a) }
        return .slot(a, try JNum.u256(String(parts[1]), field + " (slot)"))
    }

    public static func encode(_ o: SequencerOutput, run: SequencerRun? = nil) -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? enc.encode(BatchesFile(o, run: run))) ?? Data()
    }

    init(batches: [BatchJ], rejections: [RejectionJ], run: SequencerRun? = nil) {
        self.batches = batches; self.rejections = rejections; self.run = run
    }

    /// The file form of an output (rejection reasons as text), stamped with `run` when given.
    public init(_ o: SequencerOutput, run: SequencerRun?) {
        self.init(o)
        self.run = run
    }

    /// The file form of an output (rejection reasons as text).
    public init(_ o: SequencerOutput) {
        self.init(batches: o.batches.map { b in
            BatchJ(index: b.index, time: b.time, groups: b.groups,
                   access: b.access.map { TxAccessJ(id: $0.id, reads: $0.reads.map(Self.key), writes: $0.writes.map(Self.key),
                                                     accessList: $0.accessList.map { StreamFile.AccessJ(address: $0.address.hexString, storageKeys: $0.storageKeys.map { $0.word.hexString }) }) },
                   blockAccessList: b.blockAccessList.map { e in
                       BALJ(address: e.address.hexString,
                            storageWrites: Dictionary(uniqueKeysWithValues: zip(e.writtenSlots.map(\.hexString), e.writers)),
                            storageReads: e.storageReads.map(\.hexString), accountChanges: e.accountChanges) })
        }, rejections: o.rejections.map { RejectionJ(id: $0.id, batch: $0.batch, reason: $0.reason.description) })
    }

    /// Decodes a batches file. Rejection reasons are informational text and come back as
    /// `.invalid(text)`; the verifier does not rely on them.
    public static func decode(_ data: Data) throws(SequencerJSONError) -> SequencerOutput {
        try decodeFile(data).output()
    }

    /// The file itself (with its `run` identity, if any), values not yet checked: `output()`
    /// and `run?.seedValue()` check them.
    public static func decodeFile(_ data: Data) throws(SequencerJSONError) -> BatchesFile {
        try JNum.decode(BatchesFile.self, data)
    }

    /// The output this file describes (rejection reasons come back as `.invalid(text)`).
    public func output() throws(SequencerJSONError) -> SequencerOutput {
        var batches: [Batch] = []
        for (i, b) in self.batches.enumerated() where b.index < 0 {
            throw .field("batches[\(i)].index", "\(b.index) (a batch index is not negative)")
        }
        for (i, r) in rejections.enumerated() where r.batch < 0 {
            throw .field("rejections[\(i)].batch", "\(r.batch) (a batch index is not negative)")
        }
        for (bi, b) in self.batches.enumerated() {
            var access: [TxAccess] = []
            for (ai, a) in b.access.enumerated() {
                let at = "batches[\(bi)].access[\(ai)]"
                var r: [AccessKey] = [], w: [AccessKey] = []
                for (i, s) in a.reads.enumerated() { r.append(try Self.parseKey(s, "\(at).reads[\(i)]")) }
                for (i, s) in a.writes.enumerated() { w.append(try Self.parseKey(s, "\(at).writes[\(i)]")) }
                var list: [AccessListEntry] = []
                for (li, e) in a.accessList.enumerated() {
                    var keys: [Bytes32] = []
                    for k in e.storageKeys { keys.append(Bytes32(try JNum.u256(k, "\(at).accessList[\(li)].storageKeys"))) }
                    list.append(AccessListEntry(address: try JNum.address(e.address, "\(at).accessList[\(li)].address"), storageKeys: keys))
                }
                access.append(TxAccess(id: a.id, reads: r, writes: w, accessList: list))
            }
            // The written slots come back in numeric order (the JSON object has none), the
            // order the sequencer emits them in.
            var bal: [AccountAccessEntry] = []
            for (ei, e) in b.blockAccessList.enumerated() {
                let at = "batches[\(bi)].blockAccessList[\(ei)]"
                var writes: [(UInt256, [Int])] = []
                for (k, ids) in e.storageWrites { writes.append((try JNum.u256(k, "\(at).storageWrites"), ids)) }
                writes.sort { $0.0 < $1.0 }
                if Set(writes.map(\.0)).count != writes.count { throw .field("\(at).storageWrites", "a slot is given twice") }
                var reads: [UInt256] = []
                for k in e.storageReads { reads.append(try JNum.u256(k, "\(at).storageReads")) }
                bal.append(AccountAccessEntry(address: try JNum.address(e.address, "\(at).address"), writtenSlots: writes.map(\.0),
                                              writers: writes.map(\.1), storageReads: reads, accountChanges: e.accountChanges))
            }
            batches.append(Batch(index: b.index, time: b.time, groups: b.groups, access: access, blockAccessList: bal))
        }
        return SequencerOutput(batches: batches, rejections: rejections.map { Rejection(id: $0.id, reason: .invalid($0.reason), batch: $0.batch) })
    }
}

/// Help for naming the field behind a decoding failure Foundation reports without a path.
public enum JSONDiagnostics {
    /// Paths (`a.b[2].c`) of the numbers in a parsed JSON tree that can be out of an integer
    /// field's range, in key order: those above 2^63 - 1 if there are any (too large for a
    /// signed field), else the negative ones (for an unsigned field). Where `JSONDecoder` says
    /// only "not valid JSON" for such a number, the culprit is one of these.
    public static func outOfRangeNumbers(_ node: Any) -> [String] {
        var huge: [String] = [], negative: [String] = []
        func walk(_ node: Any, _ path: String) {
            if let d = node as? [String: Any] {
                for k in d.keys.sorted() { walk(d[k]!, path.isEmpty ? k : path + "." + k) }
            } else if let a = node as? [Any] {
                for i in a.indices { walk(a[i], path + "[\(i)]") }
            } else if let n = node as? NSNumber {
                if n.doubleValue >= 9.223372036854775807e18 { huge.append(path) } else if n.doubleValue < 0 { negative.append(path) }
            }
        }
        walk(node, "")
        return huge.isEmpty ? negative : huge
    }
}
