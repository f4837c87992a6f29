import EVMCore

/// The root hash of a secure trie (every key a 32-byte hash) computed in one pass over its
/// leaves sorted by key, without building `Trie` nodes one insertion at a time.
///
/// With the leaves sorted, the node over a key range `lo..<hi` at nibble depth `d` is:
/// a leaf when the range holds one key; otherwise an extension over the range's common
/// prefix beyond `d` (the common prefix of its first and last key) when that prefix is
/// non-empty, then a branch splitting the range by the nibble at the next depth. Every key has
/// 64 nibbles, so no key is a prefix of another and branches never carry a value. Children
/// shorter than 32 bytes are embedded, longer ones referenced by hash — exactly as
/// `Trie.reference` does, so the root equals `SecureTrie`'s for the same pairs (tested on
/// random sets and through every state test).
///
/// With `concurrently`, the 16 subtries under the root branch (leaves bucketed by their first
/// nibble, then each bucket sorted) are built on the caller's workers; the result does not
/// depend on how they are spread.
public enum TrieBuilder {
    /// Runs `body(i)` for every `i` in `0..<count`, possibly on several threads at once, and
    /// returns when all have finished.
    public typealias ForEach = (_ count: Int, _ body: (Int) -> Void) -> Void

    /// Root of the trie holding `leaves` (keys already hashed; values non-empty). Duplicate
    /// keys: the later leaf wins. No leaves: `Keccak256.emptyTrieRoot`.
    public static func root(_ leaves: [(key: Bytes32, value: [UInt8])], concurrently forEach: ForEach? = nil) -> Bytes32 {
        if leaves.isEmpty { return Keccak256.emptyTrieRoot }
        if let forEach, leaves.count >= 64 {
            // Bucket by the first nibble (keeping input order, so duplicates still resolve to
            // the later leaf); with two or more buckets the root is a branch whose children
            // are the buckets' subtries, each sorted and built on its own.
            var buckets = [[Int]](repeating: [], count: 16)
            for i in leaves.indices { buckets[Int(nibble(leaves[i].key, 0))].append(i) }
            if buckets.lazy.filter({ !$0.isEmpty }).count >= 2 {
                let refs = RefSlots()
                forEach(16) { n in
                    guard !buckets[n].isEmpty else { return }
                    var b = Builder(sortedUnique: buckets[n], of: leaves)
                    refs.set(n, b.reference(0..<b.keys.count, depth: 1))
                }
                return Builder.branchHash(refs.buffer)
            }
        }
        var b = Builder(sortedUnique: Array(leaves.indices), of: leaves)
        return b.hash(0..<b.keys.count, depth: 0)
    }

    /// Nibble `i` (0 = most significant) of a 32-byte key.
    @inline(__always)
    static func nibble(_ key: Bytes32, _ i: Int) -> UInt8 {
        let w = key.word
        let limb: UInt64
        switch i >> 4 {
        case 0: limb = w.w3
        case 1: limb = w.w2
        case 2: limb = w.w1
        default: limb = w.w0
        }
        return UInt8(truncatingIfNeeded: limb >> UInt64((15 - (i & 15)) * 4)) & 0x0f
    }

    /// Each slot written by exactly one `ForEach` body (group nibbles are distinct), read
    /// only after `ForEach` returned.
    private final class RefSlots: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Builder.Ref>
        init() { buffer = .allocate(capacity: 16); buffer.initialize(repeating: .empty) }
        deinit { buffer.deinitialize(); buffer.deallocate() }
        func set(_ i: Int, _ ref: Builder.Ref) { buffer[i] = ref }
    }

    /// Encodes nodes straight into one growing byte buffer (`scratch`, used as a stack: a node
    /// is written at its end, hashed or copied out, and the buffer cut back), so building a
    /// trie allocates O(1) buffers instead of several arrays per node.
    fileprivate struct Builder {
        /// How a parent refers to a child: nothing, the child's hash, or (RLP under 32 bytes,
        /// only for very deep leaves) the child's encoding itself.
        enum Ref {
            case empty
            case hash(Bytes32)
            case inline([UInt8])

            /// Bytes this reference takes inside its parent's RLP.
            var encodedCount: Int {
                switch self {
                case .empty: return 1
                case .hash: return 33
                case .inline(let bytes): return bytes.count
                }
            }
        }

        let keys: [Bytes32]
        let values: [[UInt8]]
        private var scratch: [UInt8] = []
        /// Child references of the branches being built, 16 per open branch.
        private var refs: [Ref] = []

        /// The leaves at `indices`, sorted by key; of equal keys the one at the later index wins.
        init(sortedUnique indices: [Int], of leaves: [(key: Bytes32, value: [UInt8])]) {
            var order = indices.map { (key: leaves[$0].key, index: $0) }
            order.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
            var keys: [Bytes32] = [], values: [[UInt8]] = []
            keys.reserveCapacity(order.count); values.reserveCapacity(order.count)
            for (key, i) in order {
                if let last = keys.last, last == key {
                    values[values.count - 1] = leaves[i].value
                } else {
                    keys.append(key); values.append(leaves[i].value)
                }
            }
            self.keys = keys; self.values = values
            scratch.reserveCapacity(4096)
            refs.reserveCapacity(16 * 8)
        }

        /// keccak-256 of the node over `range` at `depth` (the root: hashed whatever its size).
        mutating func hash(_ range: Range<Int>, depth: Int) -> Bytes32 {
            let start = scratch.count
            encode(range, depth: depth)
            let h = hashScratch(from: start)
            scratch.removeSubrange(start...)
            return h
        }

        /// The reference to the node over `range` at `depth`.
        mutating func reference(_ range: Range<Int>, depth: Int) -> Ref {
            let start = scratch.count
            encode(range, depth: depth)
            return takeReference(from: start)
        }

        /// The reference to the encoding at `scratch[start...]`, which is removed.
        private mutating func takeReference(from start: Int) -> Ref {
            let ref: Ref = scratch.count - start < 32 ? .inline(Array(scratch[start...])) : .hash(hashScratch(from: start))
            scratch.removeSubrange(start...)
            return ref
        }

        private func hashScratch(from start: Int) -> Bytes32 {
            scratch.withUnsafeBytes { Keccak256.hash(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        }

        /// Appends the RLP of the node over `range` (≥ 1 key) whose path so far has `depth` nibbles.
        private mutating func encode(_ range: Range<Int>, depth: Int) {
            let first = keys[range.lowerBound]
            if range.count == 1 {
                let value = values[range.lowerBound]
                let payload = Builder.hexPrefixStringCount(nibbles: 64 - depth) + Builder.stringCount(value)
                appendListHeader(payload)
                appendHexPrefix(first, from: depth, to: 64, leaf: true)
                appendString(value)
                return
            }
            let last = keys[range.upperBound - 1]
            var common = depth
            while common < 63 && TrieBuilder.nibble(first, common) == TrieBuilder.nibble(last, common) { common += 1 }
            let base = refs.count
            for _ in 0..<16 { refs.append(.empty) }
            var lo = range.lowerBound
            while lo < range.upperBound {
                let n = TrieBuilder.nibble(keys[lo], common)
                var hi = lo + 1
                while hi < range.upperBound && TrieBuilder.nibble(keys[hi], common) == n { hi += 1 }
                refs[base + Int(n)] = reference(lo..<hi, depth: common + 1)
                lo = hi
            }
            let branchStart = scratch.count
            appendBranch(refsFrom: base)
            refs.removeSubrange(base...)
            if common == depth { return }
            // An extension over the shared nibbles, pointing at the branch.
            let child = takeReference(from: branchStart)
            appendListHeader(Builder.hexPrefixStringCount(nibbles: common - depth) + child.encodedCount)
            appendHexPrefix(first, from: depth, to: common, leaf: false)
            append(child)
        }

        /// Appends a branch with the 16 references at `refs[base...]` and no value.
        mutating func appendBranch(refsFrom base: Int) {
            var payload = 1   // the empty value
            for i in base..<base + 16 { payload += refs[i].encodedCount }
            appendListHeader(payload)
            for i in base..<base + 16 { append(refs[i]) }
            scratch.append(0x80)
        }

        /// keccak-256 of a branch over these 16 references (the parallel root).
        static func branchHash(_ children: UnsafeMutableBufferPointer<Ref>) -> Bytes32 {
            var b = Builder(keys: [], values: [])
            for c in children { b.refs.append(c) }
            b.appendBranch(refsFrom: 0)
            return b.hashScratch(from: 0)
        }

        private init(keys: [Bytes32], values: [[UInt8]]) { self.keys = keys; self.values = values }

        private mutating func append(_ ref: Ref) {
            switch ref {
            case .empty: scratch.append(0x80)
            case .hash(let h):
                scratch.append(0xa0)
                appendWord(h.word)
            case .inline(let bytes): scratch.append(contentsOf: bytes)
            }
        }

        private mutating func appendWord(_ w: UInt256) {
            for limb in [w.w3, w.w2, w.w1, w.w0] {
                var be = limb.bigEndian
                withUnsafeBytes(of: &be) { scratch.append(contentsOf: $0) }
            }
        }

        /// Bytes of the RLP string holding a hex-prefix path of `nibbles` nibbles (its first byte
        /// is always below 0x80, so a one-byte path is its own encoding).
        static func hexPrefixStringCount(nibbles: Int) -> Int {
            let n = nibbles / 2 + 1
            return n == 1 ? 1 : 1 + n
        }

        /// Bytes of the RLP string holding `bytes`.
        static func stringCount(_ bytes: [UInt8]) -> Int {
            if bytes.count == 1 && bytes[0] < 0x80 { return 1 }
            return headerCount(bytes.count) + bytes.count
        }

        static func headerCount(_ payload: Int) -> Int {
            if payload <= 55 { return 1 }
            var n = payload, k = 0
            while n > 0 { k += 1; n >>= 8 }
            return 1 + k
        }

        private mutating func appendHeader(_ payload: Int, shortBase: UInt8) {
            if payload <= 55 { scratch.append(shortBase + UInt8(payload)); return }
            var k = 0, n = payload
            while n > 0 { k += 1; n >>= 8 }
            scratch.append(shortBase + 55 + UInt8(k))
            for i in stride(from: k - 1, through: 0, by: -1) { scratch.append(UInt8(truncatingIfNeeded: payload >> (8 * i))) }
        }

        private mutating func appendListHeader(_ payload: Int) { appendHeader(payload, shortBase: 0xc0) }

        private mutating func appendString(_ bytes: [UInt8]) {
            if bytes.count == 1 && bytes[0] < 0x80 { scratch.append(bytes[0]); return }
            appendHeader(bytes.count, shortBase: 0x80)
            scratch.append(contentsOf: bytes)
        }

        /// Appends the RLP string of the hex-prefix encoding (Yellow Paper appendix C) of
        /// nibbles `from..<to` of `key`.
        private mutating func appendHexPrefix(_ key: Bytes32, from: Int, to: Int, leaf: Bool) {
            let count = to - from
            let n = count / 2 + 1
            if n > 1 { scratch.append(0x80 + UInt8(n)) }
            let flag: UInt8 = leaf ? 2 : 0
            var i = from
            if count % 2 == 1 {
                scratch.append((flag + 1) << 4 | TrieBuilder.nibble(key, i))
                i += 1
            } else {
                scratch.append(flag << 4)
            }
            while i + 1 < to {
                scratch.append(TrieBuilder.nibble(key, i) << 4 | TrieBuilder.nibble(key, i + 1))
                i += 2
            }
        }
    }
}
