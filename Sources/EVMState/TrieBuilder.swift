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
                    let b = Builder(sortedUnique: buckets[n], of: leaves)
                    refs.set(n, b.reference(b.node(0..<b.keys.count, depth: 1)))
                }
                return Keccak256.hash(Builder.branch(refs.slots))
            }
        }
        let b = Builder(sortedUnique: Array(leaves.indices), of: leaves)
        return Keccak256.hash(b.node(0..<b.keys.count, depth: 0))
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
        private let buffer: UnsafeMutableBufferPointer<[UInt8]>
        init() { buffer = .allocate(capacity: 16); buffer.initialize(repeating: [0x80]) }
        deinit { buffer.deinitialize(); buffer.deallocate() }
        func set(_ i: Int, _ ref: [UInt8]) { buffer[i] = ref }
        var slots: [[UInt8]] { Array(buffer) }
    }

    private struct Builder {
        let keys: [Bytes32]
        let values: [[UInt8]]

        /// The leaves at `indices`, sorted by key; of equal keys the one at the later index wins.
        init(sortedUnique indices: [Int], of leaves: [(key: Bytes32, value: [UInt8])]) {
            var order = indices
            order.sort { leaves[$0].key != leaves[$1].key ? leaves[$0].key < leaves[$1].key : $0 < $1 }
            var keys: [Bytes32] = [], values: [[UInt8]] = []
            keys.reserveCapacity(order.count); values.reserveCapacity(order.count)
            for i in order {
                if let last = keys.last, last == leaves[i].key {
                    values[values.count - 1] = leaves[i].value
                } else {
                    keys.append(leaves[i].key); values.append(leaves[i].value)
                }
            }
            self.keys = keys; self.values = values
        }

        func path(_ key: Bytes32, _ from: Int, _ to: Int) -> [UInt8] {
            var p = [UInt8]()
            p.reserveCapacity(to - from)
            for i in from..<to { p.append(TrieBuilder.nibble(key, i)) }
            return p
        }

        /// The ranges of `range` sharing the nibble at `depth`, in order.
        func groups(_ range: Range<Int>, depth: Int) -> [(UInt8, Range<Int>)] {
            var out: [(UInt8, Range<Int>)] = []
            var start = range.lowerBound
            while start < range.upperBound {
                let n = TrieBuilder.nibble(keys[start], depth)
                var end = start + 1
                while end < range.upperBound && TrieBuilder.nibble(keys[end], depth) == n { end += 1 }
                out.append((n, start..<end))
                start = end
            }
            return out
        }

        /// RLP of the node over `range` (≥ 1 key) whose path so far has `depth` nibbles.
        func node(_ range: Range<Int>, depth: Int) -> [UInt8] {
            let first = keys[range.lowerBound]
            if range.count == 1 {
                return RLP.encodeList([RLP.encode(bytes: Trie.hexPrefix(path(first, depth, 64), leaf: true)),
                                       RLP.encode(bytes: values[range.lowerBound])])
            }
            let last = keys[range.upperBound - 1]
            var common = depth
            while common < 63 && TrieBuilder.nibble(first, common) == TrieBuilder.nibble(last, common) { common += 1 }
            var refs = [[UInt8]](repeating: [0x80], count: 16)
            for (n, sub) in groups(range, depth: common) { refs[Int(n)] = reference(node(sub, depth: common + 1)) }
            let branchNode = Builder.branch(refs)
            if common == depth { return branchNode }
            return RLP.encodeList([RLP.encode(bytes: Trie.hexPrefix(path(first, depth, common), leaf: false)),
                                   reference(branchNode)])
        }

        /// A branch with these 16 child references and no value.
        static func branch(_ refs: [[UInt8]]) -> [UInt8] {
            RLP.encodeList(refs + [[0x80]])
        }

        func reference(_ encoded: [UInt8]) -> [UInt8] {
            encoded.count < 32 ? encoded : RLP.encode(bytes: Keccak256.hash(encoded).bytes)
        }
    }
}
