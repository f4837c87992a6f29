import Foundation
import EVMCore
import EVMState

/// A location in multi-version memory. Code is not versioned: it is keyed by hash and
/// immutable, so it lives in `CodeStore`.
public enum Location: Hashable, Sendable, CustomStringConvertible {
    /// Nonce, balance, code hash and existence of an account.
    case account(Address)
    case storage(Address, UInt256)
    /// "All storage of this account was dropped" (the account was destroyed or re-created).
    case storageClear(Address)

    public var description: String {
        switch self {
        case .account(let a): return "account \(a)"
        case .storage(let a, let k): return "storage \(a):\(k.hexString)"
        case .storageClear(let a): return "storage-clear \(a)"
        }
    }

    /// A cheap 64-bit mix of the location's words (multiply–xorshift). It picks the shard and
    /// is the only thing fed to `Hasher`, so a dictionary probe hashes one word instead of nine.
    /// Equality is still the full, synthesized comparison.
    @inline(__always)
    var mixed: UInt64 {
        @inline(__always) func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
            let x = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
            return x ^ (x >> 29)
        }
        switch self {
        case .account(let a):
            return mix(mix(mix(1, a.word.w0), a.word.w1), a.word.w2)
        case .storageClear(let a):
            return mix(mix(mix(2, a.word.w0), a.word.w1), a.word.w2)
        case .storage(let a, let k):
            let h = mix(mix(mix(3, a.word.w0), a.word.w1), a.word.w2)
            return mix(mix(mix(mix(h, k.w0), k.w1), k.w2), k.w3)
        }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(mixed) }

    /// What `Dictionary` and `Set` use: `mixed` keyed by the table's seed through one
    /// `UInt256.mixHash` (multiplications), instead of a `Hasher` (SipHash) — every read of an
    /// incarnation probes two of these tables. Consistent with `==`.
    @inline(__always)
    public func _rawHashValue(seed: Int) -> Int {
        Int(truncatingIfNeeded: UInt256.mixHash(mixed, 0x6C62_272E_07BB_0142, 0, 0, seed: UInt64(UInt(bitPattern: seed))))
    }
}

/// A value written to a location.
public enum MVValue: Sendable, Equatable {
    /// The account record; nil means it does not exist (deleted).
    case account(Account?)
    case storage(UInt256)
    case storageCleared
    /// A lazy balance credit (the beneficiary's fee, a plain transfer's value): adds to
    /// whatever is below it. Only ever written at `.account` locations.
    case balanceDelta(UInt256)
}

/// (transaction index, incarnation).
public struct Version: Hashable, Sendable, CustomStringConvertible {
    public var tx: Int
    public var incarnation: Int
    public init(tx: Int, incarnation: Int) { self.tx = tx; self.incarnation = incarnation }
    public var description: String { "T\(tx).\(incarnation)" }
}

/// Where a read's value came from; validation re-reads and compares these.
public enum ReadOrigin: Equatable, Sendable {
    /// The pre-block state.
    case base
    /// A write by an earlier transaction.
    case version(Version)
    /// A value resolved from several entries (balance deltas over a full value); validated by value.
    case resolved(MVValue?)
    /// Only the code hash of the account was relied on (the recipient of a plain value transfer
    /// whose credit is a delta): valid while whatever resolves there has this code hash
    /// (`Keccak256.emptyHash` for a missing account).
    case codeHash(Bytes32)
}

/// The multi-version data structure of Block-STM: for every location, the values written by
/// each transaction (latest incarnation only), or an ESTIMATE marker left by an aborted one.
///
/// Invariants:
/// - A transaction's entries are replaced as a whole by `record` (stale locations of a
///   previous incarnation are removed), so readers see at most one entry per (location, tx).
/// - A read by transaction j sees the entry of the highest index below j; balance deltas are
///   summed down to the first full value (or the base).
/// - Per location, entries are kept sorted by transaction index in a `Cell` (a class, so an
///   update mutates in place instead of copying the array out of the dictionary and back).
/// - Thread-safe: locations are sharded by `Location.mixed`, one lock per shard; a shard's
///   lock guards its map and every cell in it. Per-transaction read and write sets live in
///   arrays indexed by transaction, each behind its own lock.
public final class MVMemory: @unchecked Sendable {
    struct Entry { var tx: Int; var incarnation: Int; var value: MVValue; var estimate: Bool }

    /// The entries of one location, sorted by transaction index. A struct stored in its shard's
    /// map and updated in place through the map's subscript (one heap buffer per location).
    struct Cell {
        var entries: [Entry] = []

        /// Number of entries with a transaction index below `tx` (binary search).
        @inline(__always)
        func countBelow(_ tx: Int) -> Int {
            var lo = 0, hi = entries.count
            // Writers usually arrive in index order: check the end first.
            if hi == 0 || entries[hi - 1].tx < tx { return hi }
            while lo < hi {
                let mid = (lo + hi) >> 1
                if entries[mid].tx < tx { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        /// The index of `tx`'s entry, if it has one.
        @inline(__always)
        func index(of tx: Int) -> Int? {
            let pos = countBelow(tx)
            return pos < entries.count && entries[pos].tx == tx ? pos : nil
        }
    }

    final class Shard: @unchecked Sendable {
        let lock = NSLock()
        var map: [Location: Cell] = [:]
    }

    static let shardCount = 64
    let shards: [Shard]
    /// Per transaction: the locations its latest recorded incarnation wrote, and what it read.
    /// (The write set is kept as recorded — its locations are the first elements — so recording
    /// shares the caller's array instead of building one.)
    let perTx: PerTransaction<(written: [(Location, MVValue)], read: [(Location, ReadOrigin)])>
    /// False but under a planted fault that answers `estimateBlocksReader` with false (readers
    /// then take ESTIMATE markers for values); asked once here, not on every read.
    let ignoreEstimates: Bool

    public init(transactionCount: Int, faults: (any FaultHook)? = nil) {
        // Most blocks write a few locations per transaction: sized so that a shard rarely grows.
        let perShard = min(1 << 16, transactionCount * 4 / MVMemory.shardCount)
        shards = (0..<MVMemory.shardCount).map { _ in
            let s = Shard()
            s.map.reserveCapacity(perShard)
            return s
        }
        perTx = PerTransaction(count: transactionCount, initial: (written: [], read: []))
        self.ignoreEstimates = !faults.value(at: .estimateBlocksReader, real: true)
    }

    @inline(__always)
    func shard(_ l: Location) -> Shard { shards[Int(truncatingIfNeeded: l.mixed >> 58) & (MVMemory.shardCount - 1)] }

    public enum ReadResult: Sendable {
        case value(MVValue, ReadOrigin)
        case base
        case blocked(by: Int)
    }

    /// The value transaction `tx` sees at `location`. Balance deltas are summed over the first
    /// full value below them (or the base value, which the caller supplies lazily, outside
    /// the shard's lock).
    public func read(_ location: Location, tx: Int, base: () -> MVValue?) -> ReadResult {
        let s = shard(location)
        s.lock.lock()
        guard let cell = s.map[location] else { s.lock.unlock(); return .base }
        var i = cell.countBelow(tx) - 1
        if i < 0 { s.lock.unlock(); return .base }
        var delta = UInt256.zero
        var sawDelta = false
        while i >= 0 {
            let e = cell.entries[i]
            if e.estimate && !ignoreEstimates { s.lock.unlock(); return .blocked(by: e.tx) }
            if case .balanceDelta(let d) = e.value {
                delta = delta &+ d
                sawDelta = true
                i -= 1
                continue
            }
            s.lock.unlock()
            if !sawDelta { return .value(e.value, .version(Version(tx: e.tx, incarnation: e.incarnation))) }
            let resolved = MVMemory.applyDelta(delta, to: e.value)
            return .value(resolved, .resolved(resolved))
        }
        s.lock.unlock()
        // Only deltas down to the base.
        let resolved = MVMemory.applyDelta(delta, to: base() ?? .account(nil))
        return .value(resolved, .resolved(resolved))
    }

    /// Adds a credit to an account value: a missing account with a non-zero credit comes into
    /// existence (as `addBalance` does); a zero credit leaves it missing.
    public static func applyDelta(_ delta: UInt256, to value: MVValue) -> MVValue {
        guard case .account(let acct) = value else { return value }
        if let a = acct {
            var n = a
            n.balance = n.balance &+ delta
            return .account(n)
        }
        return delta.isZero ? .account(nil) : .account(Account(nonce: 0, balance: delta))
    }

    /// Stores an incarnation's writes and read set. Returns true when it wrote a location the
    /// previous incarnation did not (so later transactions must be re-validated).
    /// `writes` holds each location at most once.
    public func record(_ version: Version, reads: [(Location, ReadOrigin)], writes: [(Location, MVValue)]) -> Bool {
        let previous = perTx.withLock(version.tx) { $0.written }
        var wroteNew = false
        for (l, v) in writes {
            let e = Entry(tx: version.tx, incarnation: version.incarnation, value: v, estimate: false)
            let s = shard(l)
            s.lock.lock()
            s.map[l, default: Cell()].upsert(e, wroteNew: &wroteNew)
            s.lock.unlock()
        }
        if !previous.isEmpty {
            // Usually the same locations as before: only build a set when they differ.
            if !previous.elementsEqual(writes, by: { $0.0 == $1.0 }) {
                let now = Set(writes.lazy.map(\.0))
                for (l, _) in previous where !now.contains(l) { remove(l, tx: version.tx) }
            }
        }
        perTx.withLock(version.tx) { $0 = (written: writes, read: reads) }
        return wroteNew
    }

    private func remove(_ l: Location, tx: Int) {
        let s = shard(l)
        s.lock.lock()
        if let pos = s.map[l]?.index(of: tx) { s.map[l]!.entries.remove(at: pos) }
        s.lock.unlock()
    }

    /// Marks every write of `tx` as an ESTIMATE (on abort): readers wait for its re-execution.
    public func convertWritesToEstimates(_ tx: Int) {
        for (l, _) in perTx.withLock(tx, { $0.written }) {
            let s = shard(l)
            s.lock.lock()
            if let pos = s.map[l]?.index(of: tx) { s.map[l]!.entries[pos].estimate = true }
            s.lock.unlock()
        }
    }

    /// Re-reads every location `tx` read; valid when each still comes from the same place
    /// (same version, or the base, or the same resolved value, or — for a code-hash-only
    /// read — a value with the same code hash).
    public func validateReadSet(_ tx: Int, base: (Location) -> MVValue?) -> Bool {
        var linked = false
        return validateReadSet(tx, linked: &linked, base: base)
    }

    /// `validateReadSet`, also telling whether the read set holds a read of a value written by
    /// transaction `tx − 1` (`linked`, for the dependency guard; meaningful when valid).
    public func validateReadSet(_ tx: Int, linked: inout Bool, base: (Location) -> MVValue?) -> Bool {
        for (l, origin) in readSet(tx) {
            if case .version(let w) = origin, w.tx == tx - 1 { linked = true }
            let now = read(l, tx: tx, base: { base(l) })
            if case .codeHash(let h) = origin {
                let value: MVValue?
                switch now {
                case .blocked: return false
                case .base: value = base(l)
                case .value(let v, _): value = v
                }
                if MVMemory.codeHash(of: value) != h { return false }
                continue
            }
            switch now {
            case .blocked: return false
            case .base: if origin != .base { return false }
            case .value(_, let o): if o != origin { return false }
            }
        }
        return true
    }

    /// The code hash an account value has (`Keccak256.emptyHash` for a missing account).
    static func codeHash(of value: MVValue?) -> Bytes32 {
        if case .account(let a?)? = value { return a.codeHash }
        return Keccak256.emptyHash
    }

    /// Drops the shards and per-transaction sets of one of `parts` parts (shard or transaction
    /// index ≡ `part` mod `parts`), so that several threads can free a finished run's memory
    /// side by side. Only after the run, when nothing reads this memory any more.
    func release(part: Int, of parts: Int) {
        for k in stride(from: part, to: shards.count, by: parts) {
            shards[k].lock.lock()
            shards[k].map = [:]
            shards[k].lock.unlock()
        }
        for tx in stride(from: part, to: perTx.count, by: parts) { perTx.withLock(tx) { $0 = (written: [], read: []) } }
    }

    /// The last recorded write set of `tx`'s latest incarnation (for the final assembly).
    public func writtenLocations(_ tx: Int) -> [Location] { perTx.withLock(tx) { $0.written.map(\.0) } }
    public func readSet(_ tx: Int) -> [(Location, ReadOrigin)] { perTx.withLock(tx) { $0.read } }
}

extension MVMemory.Cell {
    /// Stores `e` as its transaction's entry (replacing an older incarnation's); sets
    /// `wroteNew` when the transaction had no entry here.
    @inline(__always)
    mutating func upsert(_ e: MVMemory.Entry, wroteNew: inout Bool) {
        let pos = countBelow(e.tx)
        if pos < entries.count && entries[pos].tx == e.tx {
            entries[pos] = e
        } else {
            entries.insert(e, at: pos)
            wroteNew = true
        }
    }
}

/// One value per transaction, behind striped locks (`stripes` locks for the whole block rather
/// than one lock object per transaction: a block's set-up and tear-down allocate O(1) objects).
/// Two transactions share a lock when their indices are equal modulo `stripes`; the critical
/// sections are tiny, so the sharing costs nothing measurable.
public final class PerTransaction<T>: @unchecked Sendable {
    static var stripes: Int { 64 }
    private let locks: [NSLock]
    /// Allocated once; slot i is only touched under lock i mod `stripes`.
    private let values: UnsafeMutableBufferPointer<T>

    public var count: Int { values.count }

    public init(count: Int, initial: T) {
        locks = (0..<Swift.min(count, PerTransaction.stripes)).map { _ in NSLock() }
        values = .allocate(capacity: count)
        values.initialize(repeating: initial)
    }

    deinit {
        values.deinitialize()
        values.deallocate()
    }

    @inline(__always)
    public func withLock<R>(_ tx: Int, _ body: (inout T) throws -> R) rethrows -> R {
        precondition(tx >= 0 && tx < values.count, "transaction index out of range")
        let lock = locks[tx & (PerTransaction.stripes - 1)]
        lock.lock(); defer { lock.unlock() }
        return try body(&values[tx])
    }
}

/// A value behind a lock.
public final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    public init(_ value: T) { self.value = value }
    @inline(__always)
    public func withLock<R>(_ body: (inout T) throws -> R) rethrows -> R {
        lock.lock(); defer { lock.unlock() }
        return try body(&value)
    }
}

/// Code by hash, shared by all workers (code never changes for a hash).
public final class CodeStore: @unchecked Sendable {
    private let lock = NSLock()
    private var codes: [Bytes32: Bytecode] = [:]
    public init() {}
    public func get(_ hash: Bytes32) -> Bytecode? { lock.lock(); defer { lock.unlock() }; return codes[hash] }
    public func put(_ code: Bytecode) { lock.lock(); codes[code.hash] = code; lock.unlock() }
}
