import EVMCore
import EVMState

// The recorded history of one parallel run, as plain values: per transaction, the read set of
// its committed incarnation (each read with where its value came from) and its write set.
// `ParallelExecutor.recordAccessSets` fills `ParallelReport.accessSets`; the serialisability
// check (`Verification/ScheduleSerialisability.swift`) consumes it. Nothing here refers to
// `MVMemory`'s internals: readers of these types need not know how the run was executed.

/// A location of the state, as the serialisability check sees it: a multi-version memory
/// location, or only the code hash of an account — what the recipient of a plain value
/// transfer relies on, written by exactly the account writes that change the code hash.
public enum AccessLocation: Hashable, Sendable, CustomStringConvertible {
    case cell(Location)
    case codeHash(Address)

    public static func account(_ a: Address) -> AccessLocation { .cell(.account(a)) }
    public static func storage(_ a: Address, _ k: UInt256) -> AccessLocation { .cell(.storage(a, k)) }
    public static func storageClear(_ a: Address) -> AccessLocation { .cell(.storageClear(a)) }

    public var description: String {
        switch self {
        case .cell(let l): return l.description
        case .codeHash(let a): return "code-hash \(a)"
        }
    }
}

/// Where the value of one read came from.
public enum AccessOrigin: Hashable, Sendable, CustomStringConvertible {
    /// The pre-block value (no transaction's write).
    case base
    /// The full value written by `tx` in incarnation `incarnation` (exactly as recorded: a
    /// checker must verify that this incarnation is the committed one and wrote the location;
    /// a read of an aborted incarnation is a dirty read even if the committed one happened to
    /// write the same value — versions are compared, not values).
    case write(tx: Int, incarnation: Int)
    /// The full value written by `full` (nil: the pre-block value) plus the balance credits of
    /// exactly the transactions in `credits` (ascending), or — at a `.codeHash` location — the
    /// code hash `full`'s write left. Established by value after the run, for the reads that
    /// MVMemory validates by value (resolved credits, code-hash-only reads).
    case combined(full: Int?, credits: [Int])
    /// The value read equals no combination of committed writes below the reader.
    case unexplained

    public var description: String {
        switch self {
        case .base: return "pre-block value"
        case .write(let t, let i): return "T\(t).\(i)"
        case .combined(let f, let c):
            return (f.map { "T\($0)" } ?? "pre-block value") + (c.isEmpty ? "" : " + credits of " + c.map { "T\($0)" }.joined(separator: ","))
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
    /// How many (count per distinct credit amount) combinations are searched when no prefix of
    /// the credits explains a resolved value.
    static let creditCombinationLimit = 1 << 14

    /// The access sets of the committed incarnations of transactions `0..<inOrderFrom`
    /// (those whose recorded executions `assemble` used). Call only after the drivers have
    /// finished: it reads multi-version memory without any worker running.
    ///
    /// `.base` and `.version` origins are passed on as recorded. `.resolved` and `.codeHash`
    /// origins (which MVMemory validates by value) are explained by value: the latest full
    /// writer below the reader whose value, plus a set of the credits written after it (all
    /// of them first, then shorter prefixes in block order, then how many of each distinct
    /// amount, the earliest of each, within `creditCombinationLimit` combinations) equals what
    /// was read; `.unexplained` when none does. Credits of equal amount cannot be told apart by
    /// value, so the "any order" question is answered for the earliest such credits.
    func accessSets(inOrderFrom: Int) -> AccessSets {
        let m = min(max(0, inOrderFrom), txs.count)
        let outputs = (0..<m).map { t in results.withLock(t) { $0 } }
        // Committed writers per location, ascending; `credit` is the amount of a balance delta.
        var writers: [Location: [(tx: Int, credit: UInt256?)]] = [:]
        for (t, out) in outputs.enumerated() {
            for (l, v) in out?.writes ?? [] {
                if case .balanceDelta(let d) = v { writers[l, default: []].append((t, d)) } else { writers[l, default: []].append((t, nil)) }
            }
        }
        func base(_ l: Location) -> MVValue? { MVStateReader.baseValue(l, pre: pre) }
        /// The value of `l` right after full writer `w`'s write (nil `w`: the pre-block value).
        func fullValue(_ l: Location, _ w: Int?) -> MVValue?? {
            guard let w else { return .some(base(l)) }
            switch mv.read(l, tx: w + 1, base: { base(l) }) {
            case .value(let v, _): return .some(v)
            case .base: return .some(base(l))
            case .blocked: return nil
            }
        }
        /// Full writers of `l` below `b` (descending), then nil for the pre-block value, each with
        /// the credits written after it and below the next full writer (ascending).
        func candidates(_ l: Location, below b: Int) -> [(full: Int?, credits: [(tx: Int, amount: UInt256)])] {
            var out: [(Int?, [(Int, UInt256)])] = []
            var credits: [(Int, UInt256)] = []
            for w in (writers[l] ?? []).reversed() where w.tx < b {
                if let d = w.credit { credits.insert((w.tx, d), at: 0) } else { out.append((w.tx, credits)); credits = [] }
            }
            out.append((nil, credits))
            return out
        }
        func explain(_ l: Location, reader b: Int, value: MVValue?) -> AccessOrigin {
            for (full, credits) in candidates(l, below: b) {
                // A missing value under credits resolves as a missing account (as MVMemory does).
                guard let fv = fullValue(l, full) else { continue }
                let start = fv ?? .account(nil)
                func matches(_ subset: [(tx: Int, amount: UInt256)]) -> Bool {
                    MVMemory.applyDelta(subset.reduce(UInt256.zero) { $0 &+ $1.amount }, to: start) == value
                }
                for k in stride(from: credits.count, through: 0, by: -1) where matches(Array(credits.prefix(k))) {
                    return .combined(full: full, credits: credits.prefix(k).map(\.tx))
                }
                // Credits of equal amount are interchangeable for the value: search how many of
                // each amount were included (taking the earliest of each), most credits first.
                var classes: [(amount: UInt256, txs: [Int])] = []
                for c in credits {
                    if let i = classes.firstIndex(where: { $0.amount == c.amount }) { classes[i].txs.append(c.tx) } else { classes.append((c.amount, [c.tx])) }
                }
                var combinations = 1
                for c in classes { combinations = combinations.multipliedReportingOverflow(by: c.txs.count + 1).partialValue; if combinations > BlockSTM.creditCombinationLimit || combinations <= 0 { break } }
                guard combinations > 0, combinations <= BlockSTM.creditCombinationLimit else { continue }
                var best: [Int]?
                for code in 0..<combinations {
                    var rest = code, sum = UInt256.zero, taken: [Int] = []
                    for c in classes {
                        let k = rest % (c.txs.count + 1)
                        rest /= c.txs.count + 1
                        sum = sum &+ UInt256(UInt64(k)) &* c.amount
                        taken += c.txs.prefix(k)
                    }
                    if MVMemory.applyDelta(sum, to: start) == value, taken.count > best?.count ?? -1 { best = taken }
                }
                if let best { return .combined(full: full, credits: best.sorted()) }
            }
            return .unexplained
        }
        /// Full writers of `.account(a)` whose write changes the code hash, ascending.
        var codeHashWriters: [Address: [Int]] = [:]
        func codeHashWrites(_ a: Address) -> [Int] {
            if let w = codeHashWriters[a] { return w }
            let l = Location.account(a)
            var previous = MVMemory.codeHash(of: base(l))
            var out: [Int] = []
            for w in writers[l] ?? [] where w.credit == nil {
                guard let v = fullValue(l, w.tx) else { out.append(w.tx); continue }
                let h = MVMemory.codeHash(of: v)
                if h != previous { out.append(w.tx) }
                previous = h
            }
            codeHashWriters[a] = out
            return out
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
                case .base: reads.append(AccessRead(.cell(l), .base))
                case .version(let v): reads.append(AccessRead(.cell(l), .write(tx: v.tx, incarnation: v.incarnation)))
                case .resolved(let value): reads.append(AccessRead(.cell(l), explain(l, reader: b, value: value)))
                case .codeHash(let h):
                    guard case .account(let a) = l else { reads.append(AccessRead(.cell(l), .unexplained)); continue }
                    let ws = codeHashWrites(a)
                    if facetAddresses.insert(a).inserted {
                        for w in ws { facetWrites[w, default: []].append(AccessWrite(.codeHash(a))) }
                    }
                    // The latest code-hash writer below the reader that left `h` (or the base).
                    let below: [Int?] = ws.filter { $0 < b }.reversed().map { $0 } + [nil]
                    let origin = below.first { w in
                        guard let v = fullValue(l, w) else { return false }
                        return MVMemory.codeHash(of: v) == h
                    }
                    reads.append(AccessRead(.codeHash(a), origin.map { .combined(full: $0, credits: []) } ?? .unexplained))
                }
            }
            let writes = out.writes.map { l, v -> AccessWrite in
                if case .balanceDelta = v { return AccessWrite(.cell(l), delta: true) }
                return AccessWrite(.cell(l))
            }
            sets.append(CommittedAccess(incarnation: out.incarnation, reads: reads, writes: writes))
        }
        for (w, extra) in facetWrites { sets[w].writes += extra }
        sets += Array(repeating: CommittedAccess(), count: txs.count - m)
        return AccessSets(transactions: sets, inOrderFrom: m)
    }
}
