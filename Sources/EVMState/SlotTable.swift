import EVMCore

/// The slots one account's record in `JournaledState` has cached: an open-addressing hash table
/// whose entries hold the key and the slot together (linear probing, power-of-two capacity, at
/// most ¾ full), with value semantics (copy on write).
///
/// Why not `[UInt256: StorageSlot]`: a first SLOAD of a slot is a failed lookup and an insert,
/// and `Dictionary` keeps its occupancy bitmap, keys and values in three arrays — in a table of
/// thousands of slots, each of those is a cache miss of its own. Here a probe reads one entry
/// (key and slot side by side) and an insert writes the entry the failed probe stopped at.
///
/// Invariants: `count` entries are used; `capacity` is 0 (no buffer) or a power of two ≥ 8 with
/// `count * 4 <= capacity * 3`; every used entry sits at or after its home index `hash & mask`
/// with no unused entry between (linear probing without deletion — slots are never removed
/// one by one, only the whole table replaced).
public struct SlotTable {
    public typealias Slot = JournaledState.StorageSlot

    @usableFromInline
    struct Entry {
        /// First, next to the key: a probe reads the flag and the key from one cache line.
        var used: Bool
        var key: UInt256
        var slot: Slot
        init(key: UInt256, slot: Slot, used: Bool) { self.used = used; self.key = key; self.slot = slot }
    }

    /// Entries are plain data (no references), so the buffer is copied and freed without
    /// per-entry work.
    @usableFromInline
    final class Buffer {
        let entries: UnsafeMutablePointer<Entry>
        let capacity: Int
        var count = 0

        init(capacity: Int) {
            self.capacity = capacity
            entries = .allocate(capacity: capacity)
            entries.initialize(repeating: Entry(key: .zero, slot: Slot(original: .zero, current: .zero), used: false),
                               count: capacity)
        }

        func copy() -> Buffer {
            let b = Buffer(capacity: capacity)
            b.entries.update(from: entries, count: capacity)
            b.count = count
            return b
        }

        deinit { entries.deallocate() }
    }

    @usableFromInline var buffer: Buffer?

    public init() {}

    /// Per-process key for the slot hash: storage keys are chosen by contracts (and their
    /// callers), so the table's layout must not be predictable from outside. It only decides
    /// where entries sit and the iteration order, never a result.
    static let seed = UInt64.random(in: .min ... .max)

    public var count: Int { buffer?.count ?? 0 }
    public var isEmpty: Bool { count == 0 }

    @inline(__always)
    static func home(_ key: UInt256, mask: Int) -> Int {
        Int(truncatingIfNeeded: UInt256.mixHash(key.w0, key.w1, key.w2, key.w3, seed: seed)) & mask
    }

    /// The entry index of `key`, or nil.
    @inline(__always)
    func index(of key: UInt256) -> Int? {
        guard let b = buffer else { return nil }
        let mask = b.capacity - 1
        var i = SlotTable.home(key, mask: mask)
        while b.entries[i].used {
            if b.entries[i].key == key { return i }
            i = (i + 1) & mask
        }
        return nil
    }

    public subscript(key: UInt256) -> Slot? {
        guard let i = index(of: key) else { return nil }
        return buffer!.entries[i].slot
    }

    /// A buffer of our own with room for one more entry. (Uniqueness is checked before any
    /// local reference to the buffer exists: a bound copy would make it look shared.)
    @inline(__always)
    mutating func prepareForInsert() -> Buffer {
        let unique = isKnownUniquelyReferenced(&buffer)
        guard let b = buffer else {
            let n = Buffer(capacity: 8)
            buffer = n
            return n
        }
        if (b.count + 1) * 4 > b.capacity * 3 { return grow(b) }
        if unique { return b }
        let c = b.copy()
        buffer = c
        return c
    }

    private mutating func grow(_ old: Buffer) -> Buffer {
        let n = Buffer(capacity: old.capacity * 2)
        let mask = n.capacity - 1
        for j in 0..<old.capacity where old.entries[j].used {
            var i = SlotTable.home(old.entries[j].key, mask: mask)
            while n.entries[i].used { i = (i + 1) & mask }
            n.entries[i] = old.entries[j]
        }
        n.count = old.count
        buffer = n
        return n
    }

    /// Runs `body` on `key`'s slot in place, inserting `missing()` first when the key is not in
    /// the table (one probe either way). `missing` must not touch this table.
    @inline(__always)
    public mutating func withSlot<R>(_ key: UInt256, missing: () -> Slot, _ body: (inout Slot) -> R) -> R {
        if isKnownUniquelyReferenced(&buffer) {
            let b = buffer.unsafelyUnwrapped
            let mask = b.capacity - 1
            var i = SlotTable.home(key, mask: mask)
            while b.entries[i].used {
                if b.entries[i].key == key { return body(&b.entries[i].slot) }
                i = (i + 1) & mask
            }
            if (b.count + 1) * 4 <= b.capacity * 3 {
                b.entries[i] = Entry(key: key, slot: missing(), used: true)
                b.count += 1
                return body(&b.entries[i].slot)
            }
        } else if let i = index(of: key) {
            // Shared buffer: copy it, then update in place.
            let b = buffer.unsafelyUnwrapped.copy()
            buffer = b
            return body(&b.entries[i].slot)
        }
        let slot = missing()
        let b = prepareForInsert()
        let mask = b.capacity - 1
        var i = SlotTable.home(key, mask: mask)
        while b.entries[i].used { i = (i + 1) & mask }
        b.entries[i] = Entry(key: key, slot: slot, used: true)
        b.count += 1
        return body(&b.entries[i].slot)
    }

    /// Runs `body` on `key`'s slot in place when the key is in the table; nil otherwise.
    @discardableResult
    public mutating func modify<R>(_ key: UInt256, _ body: (inout Slot) -> R) -> R? {
        guard let i = index(of: key) else { return nil }
        if !isKnownUniquelyReferenced(&buffer) { buffer = buffer!.copy() }
        return body(&buffer!.entries[i].slot)
    }

    /// Runs `body` on every slot in place.
    public mutating func modifyAll(_ body: (inout Slot) -> Void) {
        guard buffer != nil else { return }
        if !isKnownUniquelyReferenced(&buffer) { buffer = buffer!.copy() }
        let b = buffer!
        for j in 0..<b.capacity where b.entries[j].used { body(&b.entries[j].slot) }
    }

    /// Every (key, slot), in table order.
    public func forEach(_ body: (UInt256, Slot) -> Void) {
        guard let b = buffer else { return }
        for j in 0..<b.capacity where b.entries[j].used { body(b.entries[j].key, b.entries[j].slot) }
    }

    public func contains(where predicate: (Slot) -> Bool) -> Bool {
        guard let b = buffer else { return false }
        for j in 0..<b.capacity where b.entries[j].used && predicate(b.entries[j].slot) { return true }
        return false
    }

    /// The table of `transform`'s non-nil results, keys kept.
    public func compactMapSlots(_ transform: (Slot) -> Slot?) -> SlotTable {
        var out = SlotTable()
        forEach { k, s in
            if let t = transform(s) { out.withSlot(k, missing: { t }) { _ in } }
        }
        return out
    }
}

extension SlotTable: Sequence {
    /// Iterates (key, slot) pairs in table order, like a dictionary's elements.
    public struct Iterator: IteratorProtocol {
        let buffer: Buffer?
        var position = 0
        public mutating func next() -> (key: UInt256, value: Slot)? {
            guard let b = buffer else { return nil }
            while position < b.capacity {
                defer { position += 1 }
                if b.entries[position].used { return (b.entries[position].key, b.entries[position].slot) }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(buffer: buffer) }
    public var underestimatedCount: Int { count }
}
