import EVMCore
import EVMState

// The recorded history of one parallel run, as plain values: per transaction, the read set of
// its committed incarnation (each read with where its value came from) and its write set.
// `ParallelExecutor.recordAccessSets` fills `ParallelReport.accessSets`; the serialisability
// check (`Verification/ScheduleSerialisability.swift`) consumes it. Nothing here refers to
// `MVMemory`'s internals: readers of these types need not know how the run was executed.

/// A location of the state, as the serialisability check sees it.
public enum AccessLocation: Hashable, Sendable, CustomStringConvertible {
    /// Nonce, balance, code hash and existence of an account.
    case account(Address)
    case storage(Address, UInt256)
    /// "All storage of this account was dropped".
    case storageClear(Address)
    /// Only the code hash of an account: what the recipient of a plain value transfer relies
    /// on. Written by exactly the account writes that change the code hash.
    case codeHash(Address)

    public var description: String {
        switch self {
        case .account(let a): return "account \(a)"
        case .storage(let a, let k): return "storage \(a):\(k.hexString)"
        case .storageClear(let a): return "storage-clear \(a)"
        case .codeHash(let a): return "code-hash \(a)"
        }
    }
}

/// Where the value of one read came from.
public enum AccessOrigin: Hashable, Sendable, CustomStringConvertible {
    /// The pre-block value (no transaction's write).
    case base
    /// The full value written by `tx` in incarnation `incarnation` (exactly as recorded: a
    /// checker must verify that this incarnation is the committed one and wrote the location).
    case write(tx: Int, incarnation: Int)
    /// The combination of every committed write to the location by transactions with index
    /// below `before` (balance deltas over the last full value, or the code hash those writes
    /// leave). Established by value after the run: `before` is the largest such cut point at
    /// most the reader's index whose value equals the value read.
    case upTo(before: Int)
    /// The value read equals no combination of committed writes below the reader.
    case unexplained

    public var description: String {
        switch self {
        case .base: return "pre-block value"
        case .write(let t, let i): return "T\(t).\(i)"
        case .upTo(let b): return "all writes below T\(b)"
        case .unexplained: return "no committed value"
        }
    }
}

public struct AccessRead: Hashable, Sendable {
    public var location: AccessLocation
    public var origin: AccessOrigin
    public init(_ location: AccessLocation, _ origin: AccessOrigin) { self.location = location; self.origin = origin }
}

public struct AccessWrite: Hashable, Sendable {
    public var location: AccessLocation
    /// A balance credit added to whatever is below it (commutes with other credits), rather
    /// than a full value.
    public var isDelta: Bool
    public init(_ location: AccessLocation, delta: Bool = false) { self.location = location; self.isDelta = delta }
}

/// One transaction's committed incarnation.
public struct CommittedAccess: Hashable, Sendable {
    public var incarnation: Int
    public var reads: [AccessRead]
    public var writes: [AccessWrite]
    public init(incarnation: Int = 0, reads: [AccessRead] = [], writes: [AccessWrite] = []) {
        self.incarnation = incarnation; self.reads = reads; self.writes = writes
    }
}

/// Access sets of a whole block.
public struct AccessSets: Hashable, Sendable {
    /// Indexed by transaction.
    public var transactions: [CommittedAccess]
    /// Transactions from this index on were executed in order, each on the state the previous
    /// ones left (the dependency guard's tail, or everything after a gas-pool fallback). Their
    /// entries are empty: they read the latest preceding value of everything, i.e. they sit
    /// after every earlier transaction in any explaining order.
    public var inOrderFrom: Int

    public init(transactions: [CommittedAccess], inOrderFrom: Int? = nil) {
        self.transactions = transactions
        self.inOrderFrom = min(max(0, inOrderFrom ?? transactions.count), transactions.count)
    }
}

extension BlockSTM {
    /// The access sets of the committed incarnations of transactions `0..<inOrderFrom`
    /// (those whose recorded executions `assemble` used). Call only after the drivers have
    /// finished: it reads multi-version memory without any worker running.
    ///
    /// `.version` origins are passed on as recorded; `.resolved` and `.codeHash` origins (which
    /// MVMemory validates by value) are turned into the largest cut point whose value matches,
    /// re-reading multi-version memory at each candidate.
    func accessSets(inOrderFrom: Int) -> AccessSets {
        let m = min(max(0, inOrderFrom), txs.count)
        let outputs = (0..<m).map { t in results[t].withLock { $0 } }
        // Committed writers per location, ascending.
        var writers: [Location: [(tx: Int, delta: Bool)]] = [:]
        for (t, out) in outputs.enumerated() {
            for (l, v) in out?.writes ?? [] {
                if case .balanceDelta = v { writers[l, default: []].append((t, true)) } else { writers[l, default: []].append((t, false)) }
            }
        }
        func seen(_ l: Location, by c: Int) -> MVValue?? {
            switch mv.read(l, tx: c, base: { MVStateReader.baseValue(l, pre: self.pre) }) {
            case .value(let v, _): return .some(v)
            case .base: return .some(MVStateReader.baseValue(l, pre: pre))
            case .blocked: return nil
            }
        }
        /// Candidate cut points for a read by `b`: `b` itself, then each writer below `b`, descending.
        func cuts(_ l: Location, below b: Int, fullOnly: Bool) -> [Int] {
            [b] + (writers[l] ?? []).filter { $0.tx < b && !(fullOnly && $0.delta) }.map(\.tx).reversed()
        }
        var codeHashWriters: [Address: [Int]] = [:]
        func codeHashWrites(_ a: Address) -> [Int] {
            if let w = codeHashWriters[a] { return w }
            let l = Location.account(a)
            let w = (writers[l] ?? []).filter { !$0.delta }.map(\.tx).filter { t in
                guard let before = seen(l, by: t), let after = seen(l, by: t + 1) else { return true }
                return MVMemory.codeHash(of: before) != MVMemory.codeHash(of: after)
            }
            codeHashWriters[a] = w
            return w
        }
        var sets: [CommittedAccess] = []
        sets.reserveCapacity(txs.count)
        var facetWrites: [Int: [AccessWrite]] = [:]
        var facetAddresses = Set<Address>()
        for (b, out) in outputs.enumerated() {
            guard let out else { sets.append(CommittedAccess()); continue }
            var reads: [AccessRead] = []
            reads.reserveCapacity(out.reads.count)
            for (l, origin) in out.reads {
                switch origin {
                case .base: reads.append(AccessRead(AccessLocation(l), .base))
                case .version(let v): reads.append(AccessRead(AccessLocation(l), .write(tx: v.tx, incarnation: v.incarnation)))
                case .resolved(let value):
                    let c = cuts(l, below: b, fullOnly: false).first { seen(l, by: $0) == .some(value) }
                    reads.append(AccessRead(AccessLocation(l), c.map { .upTo(before: $0) } ?? .unexplained))
                case .codeHash(let h):
                    guard case .account(let a) = l else { reads.append(AccessRead(AccessLocation(l), .unexplained)); continue }
                    if facetAddresses.insert(a).inserted {
                        for w in codeHashWrites(a) { facetWrites[w, default: []].append(AccessWrite(.codeHash(a))) }
                    }
                    let c = cuts(l, below: b, fullOnly: true).first { c in
                        seen(l, by: c).map { MVMemory.codeHash(of: $0) == h } ?? false
                    }
                    reads.append(AccessRead(.codeHash(a), c.map { .upTo(before: $0) } ?? .unexplained))
                }
            }
            let writes = out.writes.map { l, v -> AccessWrite in
                if case .balanceDelta = v { return AccessWrite(AccessLocation(l), delta: true) }
                return AccessWrite(AccessLocation(l))
            }
            sets.append(CommittedAccess(incarnation: out.incarnation, reads: reads, writes: writes))
        }
        for (w, extra) in facetWrites { sets[w].writes += extra }
        sets += Array(repeating: CommittedAccess(), count: txs.count - m)
        return AccessSets(transactions: sets, inOrderFrom: m)
    }
}

extension AccessLocation {
    init(_ l: Location) {
        switch l {
        case .account(let a): self = .account(a)
        case .storage(let a, let k): self = .storage(a, k)
        case .storageClear(let a): self = .storageClear(a)
        }
    }
}
