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
        case .storage(let a, let k): return "storage \(a):\(k)"
        case .storageClear(let a): return "storage-clear \(a)"
        }
    }
}

/// A value written to a location.
public enum MVValue: Sendable, Equatable {
    /// The account record; nil means it does not exist (deleted).
    case account(Account?)
    case storage(UInt256)
    case storageCleared
    /// A lazy balance credit (the beneficiary's fee): adds to whatever is below it.
    case balanceDelta(UInt256)
}

/// (transaction index, incarnation).
public struct Version: Hashable, Sendable, CustomStringConvertible {
    public var tx: Int
    public var incarnation: Int
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
}

/// The multi-version data structure of Block-STM: for every location, the values written by
/// each transaction (latest incarnation only), or an ESTIMATE marker left by an aborted one.
///
/// Invariants:
/// - A transaction's entries are replaced as a whole by `record` (stale locations of a
///   previous incarnation are removed), so readers see at most one entry per (location, tx).
/// - A read by transaction j sees the entry of the highest index below j.
/// - Thread-safe: locations are sharded, one lock per shard.
public final class MVMemory: @unchecked Sendable {
    struct Entry { var incarnation: Int; var value: MVValue; var estimate: Bool }

    final class Shard: @unchecked Sendable {
        let lock = NSLock()
        /// location → entries sorted by tx index.
        var map: [Location: [(tx: Int, entry: Entry)]] = [:]
    }

    let shards: [Shard]
    let lastWritten: [Locked<[Location]>]
    let lastRead: [Locked<[(Location, ReadOrigin)]>]
    /// Test-only fault: readers ignore ESTIMATE markers (treat them as values).
    let ignoreEstimates: Bool

    public init(transactionCount: Int, ignoreEstimates: Bool = false) {
        shards = (0..<64).map { _ in Shard() }
        lastWritten = (0..<transactionCount).map { _ in Locked([]) }
        lastRead = (0..<transactionCount).map { _ in Locked([]) }
        self.ignoreEstimates = ignoreEstimates
    }

    @inline(__always)
    func shard(_ l: Location) -> Shard { shards[Int(UInt(bitPattern: l.hashValue) % UInt(shards.count))] }

    public enum ReadResult: Sendable {
        case value(MVValue, ReadOrigin)
        case base
        case blocked(by: Int)
    }

    /// The value transaction `tx` sees at `location`. Balance deltas are summed over the first
    /// full value below them (or the base value, which the caller supplies lazily).
    public func read(_ location: Location, tx: Int, base: () -> MVValue?) -> ReadResult {
        let s = shard(location)
        s.lock.lock()
        defer { s.lock.unlock() }
        guard let entries = s.map[location] else { return .base }
        var i = entries.count - 1
        while i >= 0 && entries[i].tx >= tx { i -= 1 }
        if i < 0 { return .base }
        var delta = UInt256.zero
        var sawDelta = false
        while i >= 0 {
            let (t, e) = entries[i]
            if e.estimate && !ignoreEstimates { return .blocked(by: t) }
            if case .balanceDelta(let d) = e.value {
                delta = delta &+ d
                sawDelta = true
                i -= 1
                continue
            }
            if !sawDelta { return .value(e.value, .version(Version(tx: t, incarnation: e.incarnation))) }
            let resolved = MVMemory.applyDelta(delta, to: e.value)
            return .value(resolved, .resolved(resolved))
        }
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
    public func record(_ version: Version, reads: [(Location, ReadOrigin)], writes: [(Location, MVValue)]) -> Bool {
        let newLocations = Set(writes.map(\.0))
        let previous = lastWritten[version.tx].withLock { $0 }
        var wroteNew = false
        for (l, v) in writes {
            let s = shard(l)
            s.lock.lock()
            var entries = s.map[l] ?? []
            let e = Entry(incarnation: version.incarnation, value: v, estimate: false)
            if let idx = entries.firstIndex(where: { $0.tx == version.tx }) {
                entries[idx].entry = e
            } else {
                let pos = entries.firstIndex(where: { $0.tx > version.tx }) ?? entries.count
                entries.insert((version.tx, e), at: pos)
                wroteNew = true
            }
            s.map[l] = entries
            s.lock.unlock()
        }
        for l in previous where !newLocations.contains(l) {
            let s = shard(l)
            s.lock.lock()
            s.map[l]?.removeAll { $0.tx == version.tx }
            s.lock.unlock()
        }
        lastWritten[version.tx].withLock { $0 = Array(newLocations) }
        lastRead[version.tx].withLock { $0 = reads }
        return wroteNew
    }

    /// Marks every write of `tx` as an ESTIMATE (on abort): readers wait for its re-execution.
    public func convertWritesToEstimates(_ tx: Int) {
        for l in lastWritten[tx].withLock({ $0 }) {
            let s = shard(l)
            s.lock.lock()
            if let idx = s.map[l]?.firstIndex(where: { $0.tx == tx }) { s.map[l]![idx].entry.estimate = true }
            s.lock.unlock()
        }
    }

    /// Re-reads every location `tx` read; valid when each still comes from the same place
    /// (same version, or the base, or the same resolved value).
    public func validateReadSet(_ tx: Int, base: (Location) -> MVValue?) -> Bool {
        for (l, origin) in lastRead[tx].withLock({ $0 }) {
            switch read(l, tx: tx, base: { base(l) }) {
            case .blocked: return false
            case .base: if origin != .base { return false }
            case .value(_, let o): if o != origin { return false }
            }
        }
        return true
    }

    /// The last recorded write set of `tx`'s latest incarnation (for the final assembly).
    public func writtenLocations(_ tx: Int) -> [Location] { lastWritten[tx].withLock { $0 } }
    public func readSet(_ tx: Int) -> [(Location, ReadOrigin)] { lastRead[tx].withLock { $0 } }
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
