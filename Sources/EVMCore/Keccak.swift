/// Keccak-256 as Ethereum uses it: Keccak-f[1600], rate 136 bytes, original padding `0x01…0x80`
/// (not SHA3-256's `0x06`). Pure Swift; no allocation beyond the 32-byte result.
public enum Keccak256 {
    @usableFromInline
    static let roundConstants: [UInt64] = [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
        0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
        0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ]

    /// keccak-256 of the bytes.
    public static func hash<C: Collection>(_ data: C) -> Bytes32 where C.Element == UInt8 {
        if let r = data.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) { return r }
        let copy = Array(data)
        return copy.withUnsafeBytes { hash($0) }
    }

    /// keccak-256 of raw memory.
    public static func hash(_ data: UnsafeRawBufferPointer) -> Bytes32 {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 25) { st in
            let s = st.baseAddress!
            s.initialize(repeating: 0, count: 25)
            let rate = 136
            var offset = 0
            let count = data.count
            while count - offset >= rate {
                for i in 0..<17 {
                    s[i] ^= UInt64(littleEndian: data.loadUnaligned(fromByteOffset: offset + i * 8, as: UInt64.self))
                }
                permute(s)
                offset += rate
            }
            // Final block with padding.
            var block = [UInt8](repeating: 0, count: rate)
            let rest = count - offset
            for i in 0..<rest { block[i] = data[offset + i] }
            block[rest] ^= 0x01
            block[rate - 1] ^= 0x80
            block.withUnsafeBytes { b in
                for i in 0..<17 { s[i] ^= UInt64(littleEndian: b.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
            }
            permute(s)
            // Output: first 32 bytes of the state, little-endian lanes → big-endian word.
            return Bytes32(UInt256(w0: s[3].byteSwapped, w1: s[2].byteSwapped, w2: s[1].byteSwapped, w3: s[0].byteSwapped))
        }
    }

    @inline(__always)
    static func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x << n) | (x >> (64 - n)) }

    /// Keccak-f[1600] on 25 lanes (index x + 5y).
    @usableFromInline
    static func permute(_ a: UnsafeMutablePointer<UInt64>) {
        var b0: UInt64, b1: UInt64, b2: UInt64, b3: UInt64, b4: UInt64
        for round in 0..<24 {
            // θ
            let c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20]
            let c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21]
            let c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22]
            let c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23]
            let c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24]
            let d0 = c4 ^ rotl(c1, 1), d1 = c0 ^ rotl(c2, 1), d2 = c1 ^ rotl(c3, 1)
            let d3 = c2 ^ rotl(c4, 1), d4 = c3 ^ rotl(c0, 1)
            for y in stride(from: 0, to: 25, by: 5) {
                a[y] ^= d0; a[y + 1] ^= d1; a[y + 2] ^= d2; a[y + 3] ^= d3; a[y + 4] ^= d4
            }
            // ρ and π
            var current = a[1]
            var x = 1, y = 0
            for t in 0..<24 {
                let nx = y, ny = (2 * x + 3 * y) % 5
                let idx = nx + 5 * ny
                let tmp = a[idx]
                a[idx] = rotl(current, UInt64(((t + 1) * (t + 2) / 2) % 64))
                current = tmp
                x = nx; y = ny
            }
            // χ
            for y in stride(from: 0, to: 25, by: 5) {
                b0 = a[y]; b1 = a[y + 1]; b2 = a[y + 2]; b3 = a[y + 3]; b4 = a[y + 4]
                a[y] = b0 ^ (~b1 & b2)
                a[y + 1] = b1 ^ (~b2 & b3)
                a[y + 2] = b2 ^ (~b3 & b4)
                a[y + 3] = b3 ^ (~b4 & b0)
                a[y + 4] = b4 ^ (~b0 & b1)
            }
            // ι
            a[0] ^= roundConstants[round]
        }
    }

    /// keccak-256 of the empty string (`c5d246…a470`): the code hash of an account without code.
    public static let emptyHash = hash([UInt8]())
    /// keccak-256 of RLP(empty list) (`1dcc4d…9347`): the logs hash of a tx without logs.
    public static let emptyListHash = hash([0xc0] as [UInt8])
    /// Root of the empty trie, keccak-256(RLP("")) (`56e81f…b421`).
    public static let emptyTrieRoot = hash([0x80] as [UInt8])
}
