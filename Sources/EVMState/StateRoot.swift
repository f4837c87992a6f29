import EVMCore

/// The Ethereum world-state root.
///
/// State trie: a secure trie (key = keccak-256 of the 20-byte address) whose values are
/// `RLP([nonce, balance, storageRoot, codeHash])`, integers as minimal big-endian strings.
/// Storage trie: a secure trie (key = keccak-256 of the 32-byte big-endian slot) whose values
/// are `RLP(minimal big-endian bytes of the value)`; zero-valued slots are absent (storing zero
/// deletes a slot on chain, so they are skipped here).
///
/// Every account handed in is included, empty or not: removing EIP-161 empty accounts or
/// self-destructed ones is the caller's job. If an address appears twice the later entry wins.
public enum StateRoot {
    /// The state root of `accounts`. An empty sequence gives `Keccak256.emptyTrieRoot`.
    /// Built in one pass over the sorted leaves (`TrieBuilder`).
    public static func compute<S: Sequence>(_ accounts: S) -> Bytes32
    where S.Element == (address: Address, account: Account, storage: [UInt256: UInt256]) {
        let leaves = accounts.map { entry in
            (key: Keccak256.hash(entry.address.bytes),
             value: accountLeaf(entry.account, storageRoot: storageRoot(entry.storage)))
        }
        return TrieBuilder.root(leaves)
    }

    /// The storage root of one account; `Keccak256.emptyTrieRoot` when every slot is zero.
    /// With `concurrently`, the subtries under the root branch are built on several threads.
    public static func storageRoot(_ storage: [UInt256: UInt256], concurrently: TrieBuilder.ForEach? = nil) -> Bytes32 {
        guard let forEach = concurrently, storage.count >= 64 else {
            var leaves: [(key: Bytes32, value: [UInt8])] = []
            leaves.reserveCapacity(storage.count)
            for (slot, value) in storage where !value.isZero {
                leaves.append((key: Keccak256.hash(slot.bigEndianBytes), value: RLP.encode(value)))
            }
            return TrieBuilder.root(leaves)
        }
        // Hashing the slots is most of the work: spread it too.
        let slots = storage.filter { !$0.value.isZero }.map { ($0.key, $0.value) }
        let leaves = LeafSlots(slots.count)
        forEach(slots.count) { i in
            leaves.buffer[i] = (key: Keccak256.hash(slots[i].0.bigEndianBytes), value: RLP.encode(slots[i].1))
        }
        return TrieBuilder.root(Array(leaves.buffer), concurrently: forEach)
    }

    /// Slot i written by exactly one `ForEach` body; read after it returned.
    private final class LeafSlots: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<(key: Bytes32, value: [UInt8])>
        init(_ n: Int) { buffer = .allocate(capacity: n); buffer.initialize(repeating: (key: .zero, value: [])) }
        deinit { buffer.deinitialize(); buffer.deallocate() }
    }

    /// The state-trie leaf value of an account: `RLP([nonce, balance, storageRoot, codeHash])`.
    public static func accountLeaf(_ account: Account, storageRoot: Bytes32) -> [UInt8] {
        RLP.encodeList([
            RLP.encode(account.nonce),
            RLP.encode(account.balance),
            RLP.encode(bytes: storageRoot.bytes),
            RLP.encode(bytes: account.codeHash.bytes),
        ])
    }
}

/// The `logs` hash state tests compare: keccak-256 of `RLP(list of logs)`, each log encoded as
/// `[address (20 bytes), [topic (32 bytes)…], data]`.
public enum LogsHash {
    /// The logs hash; for no logs it is keccak(`0xc0`) =
    /// `0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347`.
    public static func compute(_ logs: [(address: Address, topics: [Bytes32], data: [UInt8])]) -> Bytes32 {
        Keccak256.hash(encode(logs))
    }

    /// `RLP(list of logs)`, the bytes `compute` hashes (also the logs field of a receipt).
    public static func encode(_ logs: [(address: Address, topics: [Bytes32], data: [UInt8])]) -> [UInt8] {
        RLP.encodeList(logs.map { log in
            RLP.encodeList([
                RLP.encode(bytes: log.address.bytes),
                RLP.encodeList(log.topics.map { RLP.encode(bytes: $0.bytes) }),
                RLP.encode(bytes: log.data),
            ])
        })
    }
}

/// The 2048-bit logs bloom of receipts and block headers (Yellow Paper §4.3.1, M3:2048).
///
/// Each log contributes its address and every topic (not its data). For each such byte string
/// `x`, with `h = keccak-256(x)`, three bits are set: for `i` in 0, 2, 4 the bit index is
/// `(h[i] << 8 | h[i+1]) & 2047`, counted from the least significant bit of the bloom read as a
/// 256-byte big-endian number (so bit `k` lives in byte `255 - k / 8`, mask `1 << (k % 8)`).
public enum LogsBloom {
    /// Length of a bloom in bytes.
    public static let byteCount = 256

    /// The bloom of `logs`: always exactly 256 bytes, all zero for no logs.
    public static func compute(_ logs: [(address: Address, topics: [Bytes32], data: [UInt8])]) -> [UInt8] {
        var bloom = [UInt8](repeating: 0, count: byteCount)
        for log in logs {
            add(log.address.bytes, to: &bloom)
            for topic in log.topics { add(topic.bytes, to: &bloom) }
        }
        return bloom
    }

    /// Sets the three bits of `entry` in `bloom`. A `bloom` that is not 256 bytes is left
    /// unchanged (no trap).
    public static func add(_ entry: [UInt8], to bloom: inout [UInt8]) {
        guard bloom.count == byteCount else { return }
        for bit in bits(of: entry) {
            bloom[byteCount - 1 - bit / 8] |= UInt8(1) << UInt8(bit % 8)
        }
    }

    /// True when all three bits of `entry` are set (a "maybe present"; false means absent).
    public static func mayContain(_ entry: [UInt8], in bloom: [UInt8]) -> Bool {
        guard bloom.count == byteCount else { return false }
        return bits(of: entry).allSatisfy { bloom[byteCount - 1 - $0 / 8] & (UInt8(1) << UInt8($0 % 8)) != 0 }
    }

    /// OR of two blooms (a block's bloom is the OR of its receipts'); nil when either is not
    /// 256 bytes.
    public static func union(_ a: [UInt8], _ b: [UInt8]) -> [UInt8]? {
        guard a.count == byteCount, b.count == byteCount else { return nil }
        return zip(a, b).map { $0 | $1 }
    }

    /// The three bit indices (0...2047) `entry` sets.
    static func bits(of entry: [UInt8]) -> [Int] {
        let h = Keccak256.hash(entry).bytes
        return [0, 2, 4].map { (Int(h[$0]) << 8 | Int(h[$0 + 1])) & 2047 }
    }
}
