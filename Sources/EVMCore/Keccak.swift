/// Keccak-256 as Ethereum uses it: Keccak-f[1600], rate 136 bytes, original padding `0x01…0x80`
/// (not SHA3-256's `0x06`). Pure Swift; no heap allocation (the state lives in a stack buffer,
/// the final block is padded in place in the state, not in a copy of the input).
public enum Keccak256 {
    /// The 24 ι round constants, as a tuple (fixed-size, no array header or bounds checks).
    @usableFromInline
    static let roundConstants: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
        0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
        0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
        0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008)

    /// The round constants at a fixed address, read by `permute` without a closure (a closure
    /// over the 25 lane variables would make the optimiser keep them in memory).
    @usableFromInline
    nonisolated(unsafe) static let roundConstantTable: UnsafePointer<UInt64> = {
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: 24)
        withUnsafeBytes(of: roundConstants) { p.initialize(from: $0.bindMemory(to: UInt64.self).baseAddress!, count: 24) }
        return UnsafePointer(p)
    }()

    /// Bytes absorbed per permutation (1600 − 2·256 bits).
    public static let rate = 136

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
            let count = data.count
            var offset = 0
            if count >= rate, let base = data.baseAddress {
                while count - offset >= rate {
                    for i in 0..<17 {
                        s[i] ^= UInt64(littleEndian: (base + offset + i &* 8).loadUnaligned(as: UInt64.self))
                    }
                    permute(s)
                    offset &+= rate
                }
            }
            // Final block: absorb the 0…135 remaining bytes straight into the lanes (whole
            // words, then the tail bytes), then the padding bits 0x01 after them and 0x80 in the
            // last byte of the block.
            let rest = count &- offset
            if rest > 0, let base = data.baseAddress {
                let p = base + offset
                let words = rest &>> 3
                for i in 0..<words {
                    s[i] ^= UInt64(littleEndian: (p + i &* 8).loadUnaligned(as: UInt64.self))
                }
                var j = words &<< 3
                while j < rest {
                    s[j &>> 3] ^= UInt64(p.load(fromByteOffset: j, as: UInt8.self)) &<< UInt64((j & 7) &<< 3)
                    j &+= 1
                }
            }
            s[rest &>> 3] ^= UInt64(0x01) &<< UInt64((rest & 7) &<< 3)
            s[16] ^= 0x80 &<< 56
            permute(s)
            // Output: first 32 bytes of the state, little-endian lanes → big-endian word.
            return Bytes32(UInt256(w0: s[3].byteSwapped, w1: s[2].byteSwapped, w2: s[1].byteSwapped, w3: s[0].byteSwapped))
        }
    }

    /// Keccak-f[1600] on 25 lanes (index x + 5y). The lanes live in local variables for all 24
    /// rounds; ρ and π are unrolled with constant rotation offsets, and χ writes the lanes back.
    /// Generated from the ρ offset walk (t+1)(t+2)/2 mod 64 along (x, y) → (y, 2x + 3y).
    @usableFromInline
    static func permute(_ s: UnsafeMutablePointer<UInt64>) {
        var a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3], a4 = s[4]
        var a5 = s[5], a6 = s[6], a7 = s[7], a8 = s[8], a9 = s[9]
        var a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14]
        var a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19]
        var a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24]
        let rc = roundConstantTable
        for round in 0..<24 {
            // θ
            let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
            let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
            let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
            let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
            let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ ((c1 &<< 1) | (c1 &>> 63))
            let d1 = c0 ^ ((c2 &<< 1) | (c2 &>> 63))
            let d2 = c1 ^ ((c3 &<< 1) | (c3 &>> 63))
            let d3 = c2 ^ ((c4 &<< 1) | (c4 &>> 63))
            let d4 = c3 ^ ((c0 &<< 1) | (c0 &>> 63))
            // ρ and π: B[y, 2x+3y] = rotl(A[x,y] ^ D[x], r[x,y])
            let b0 = (a0 ^ d0)
            let t5 = a5 ^ d0; let b16 = (t5 &<< 36) | (t5 &>> 28)
            let t10 = a10 ^ d0; let b7 = (t10 &<< 3) | (t10 &>> 61)
            let t15 = a15 ^ d0; let b23 = (t15 &<< 41) | (t15 &>> 23)
            let t20 = a20 ^ d0; let b14 = (t20 &<< 18) | (t20 &>> 46)
            let t1 = a1 ^ d1; let b10 = (t1 &<< 1) | (t1 &>> 63)
            let t6 = a6 ^ d1; let b1 = (t6 &<< 44) | (t6 &>> 20)
            let t11 = a11 ^ d1; let b17 = (t11 &<< 10) | (t11 &>> 54)
            let t16 = a16 ^ d1; let b8 = (t16 &<< 45) | (t16 &>> 19)
            let t21 = a21 ^ d1; let b24 = (t21 &<< 2) | (t21 &>> 62)
            let t2 = a2 ^ d2; let b20 = (t2 &<< 62) | (t2 &>> 2)
            let t7 = a7 ^ d2; let b11 = (t7 &<< 6) | (t7 &>> 58)
            let t12 = a12 ^ d2; let b2 = (t12 &<< 43) | (t12 &>> 21)
            let t17 = a17 ^ d2; let b18 = (t17 &<< 15) | (t17 &>> 49)
            let t22 = a22 ^ d2; let b9 = (t22 &<< 61) | (t22 &>> 3)
            let t3 = a3 ^ d3; let b5 = (t3 &<< 28) | (t3 &>> 36)
            let t8 = a8 ^ d3; let b21 = (t8 &<< 55) | (t8 &>> 9)
            let t13 = a13 ^ d3; let b12 = (t13 &<< 25) | (t13 &>> 39)
            let t18 = a18 ^ d3; let b3 = (t18 &<< 21) | (t18 &>> 43)
            let t23 = a23 ^ d3; let b19 = (t23 &<< 56) | (t23 &>> 8)
            let t4 = a4 ^ d4; let b15 = (t4 &<< 27) | (t4 &>> 37)
            let t9 = a9 ^ d4; let b6 = (t9 &<< 20) | (t9 &>> 44)
            let t14 = a14 ^ d4; let b22 = (t14 &<< 39) | (t14 &>> 25)
            let t19 = a19 ^ d4; let b13 = (t19 &<< 8) | (t19 &>> 56)
            let t24 = a24 ^ d4; let b4 = (t24 &<< 14) | (t24 &>> 50)
            // χ
            a0 = b0 ^ (~b1 & b2)
            a1 = b1 ^ (~b2 & b3)
            a2 = b2 ^ (~b3 & b4)
            a3 = b3 ^ (~b4 & b0)
            a4 = b4 ^ (~b0 & b1)
            a5 = b5 ^ (~b6 & b7)
            a6 = b6 ^ (~b7 & b8)
            a7 = b7 ^ (~b8 & b9)
            a8 = b8 ^ (~b9 & b5)
            a9 = b9 ^ (~b5 & b6)
            a10 = b10 ^ (~b11 & b12)
            a11 = b11 ^ (~b12 & b13)
            a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10)
            a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17)
            a16 = b16 ^ (~b17 & b18)
            a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15)
            a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22)
            a21 = b21 ^ (~b22 & b23)
            a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20)
            a24 = b24 ^ (~b20 & b21)
            // ι
            a0 ^= rc[round]
        }
        s[0] = a0; s[1] = a1; s[2] = a2; s[3] = a3; s[4] = a4
        s[5] = a5; s[6] = a6; s[7] = a7; s[8] = a8; s[9] = a9
        s[10] = a10; s[11] = a11; s[12] = a12; s[13] = a13; s[14] = a14
        s[15] = a15; s[16] = a16; s[17] = a17; s[18] = a18; s[19] = a19
        s[20] = a20; s[21] = a21; s[22] = a22; s[23] = a23; s[24] = a24
    }

    /// keccak-256 of the empty string (`c5d246…a470`): the code hash of an account without code.
    public static let emptyHash = hash([UInt8]())
    /// keccak-256 of RLP(empty list) (`1dcc4d…9347`): the logs hash of a tx without logs.
    public static let emptyListHash = hash([0xc0] as [UInt8])
    /// Root of the empty trie, keccak-256(RLP("")) (`56e81f…b421`).
    public static let emptyTrieRoot = hash([0x80] as [UInt8])
}
