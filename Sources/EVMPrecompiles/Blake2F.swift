/// 0x09 BLAKE2F (EIP-152): the BLAKE2b compression function F (RFC 7693 §3.2) with a
/// caller-chosen number of rounds.
///
/// Input is exactly 213 bytes: rounds (4 bytes big-endian) ‖ h (8 × 8 bytes little-endian) ‖
/// m (16 × 8 bytes LE) ‖ t (2 × 8 bytes LE) ‖ f (1 byte, 0 or 1). Any other length, or another
/// final-block flag, fails. Gas is the number of rounds. Output is the new h, 64 bytes LE.
public enum Blake2F {
    public static let inputLength = 213

    /// BLAKE2b initialization vector (RFC 7693 §2.6).
    static let iv: [UInt64] = [
        0x6a09_e667_f3bc_c908, 0xbb67_ae85_84ca_a73b, 0x3c6e_f372_fe94_f82b, 0xa54f_f53a_5f1d_36f1,
        0x510e_527f_ade6_82d1, 0x9b05_688c_2b3e_6c1f, 0x1f83_d9ab_fb41_bd6b, 0x5be0_cd19_137e_2179,
    ]

    /// Message word schedule SIGMA (RFC 7693 §2.7); round i uses row i mod 10.
    static let sigma: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
        [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
        [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
        [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
        [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
        [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
        [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
        [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
        [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    ]

    /// The gas for `input`, or nil when the input is malformed (wrong length).
    public static func gasCost(input: [UInt8]) -> Int64? {
        guard input.count == inputLength else { return nil }
        return Int64(rounds(input))
    }

    public static func run(input: [UInt8], gas: Int64) -> PrecompileResult {
        guard input.count == inputLength else { return .failure }
        let cost = Int64(rounds(input))
        guard cost <= gas else { return .outOfGas }
        let flag = input[212]
        guard flag <= 1 else { return .failure }
        var h = (0..<8).map { readLE(input, 4 + 8 * $0) }
        let m = (0..<16).map { readLE(input, 68 + 8 * $0) }
        let t0 = readLE(input, 196), t1 = readLE(input, 204)
        compress(rounds: rounds(input), h: &h, m: m, t0: t0, t1: t1, finalBlock: flag == 1)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for word in h {
            for shift in stride(from: 0, through: 56, by: 8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return .success(output: out, gasUsed: cost)
    }

    private static func rounds(_ input: [UInt8]) -> UInt32 {
        UInt32(input[0]) << 24 | UInt32(input[1]) << 16 | UInt32(input[2]) << 8 | UInt32(input[3])
    }

    private static func readLE(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
        return v
    }

    @inline(__always)
    private static func rotr(_ x: UInt64, _ n: UInt64) -> UInt64 { (x >> n) | (x << (64 - n)) }

    /// The compression function F (RFC 7693 §3.2) with `rounds` rounds instead of 12.
    /// `h` holds 8 state words and `m` 16 message words (the caller above guarantees both).
    /// EIP-152 lets a call ask for up to 2^32 − 1 rounds (`stTimeConsuming/CALLBlake2f_MaxRounds`
    /// does), so the round loop is what the precompile costs: the 16 working words and the 16
    /// message words live in local variables, and the 10-round SIGMA cycle is unrolled with
    /// constant message indices (no schedule lookups); the remaining `rounds % 10` rounds run
    /// one at a time.
    static func compress(rounds: UInt32, h: inout [UInt64], m: [UInt64], t0: UInt64, t1: UInt64, finalBlock: Bool) {
        var v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7]
        var v8 = iv[0], v9 = iv[1], v10 = iv[2], v11 = iv[3]
        var v12 = iv[4] ^ t0, v13 = iv[5] ^ t1, v14 = finalBlock ? ~iv[6] : iv[6], v15 = iv[7]
        let m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7]
        let m8 = m[8], m9 = m[9], m10 = m[10], m11 = m[11], m12 = m[12], m13 = m[13], m14 = m[14], m15 = m[15]
        var cycles = rounds / 10
        while cycles > 0 {
                // round ≡ 0 (mod 10)
                v0 = v0 &+ v4 &+ m0; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m1; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m2; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m3; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m4; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m5; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m6; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m7; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m8; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m9; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m10; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m11; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m12; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m13; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m14; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m15; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
                // round ≡ 1 (mod 10)
                v0 = v0 &+ v4 &+ m14; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m10; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m4; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m8; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m9; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m15; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m13; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m6; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m1; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m12; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m0; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m2; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m11; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m7; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m5; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m3; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
                // round ≡ 2 (mod 10)
                v0 = v0 &+ v4 &+ m11; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m8; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m12; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m0; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m5; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m2; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m15; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m13; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m10; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m14; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m3; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m6; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m7; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m1; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m9; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m4; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
                // round ≡ 3 (mod 10)
                v0 = v0 &+ v4 &+ m7; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m9; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m3; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m1; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m13; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m12; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m11; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m14; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m2; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m6; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m5; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m10; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m4; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m0; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m15; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m8; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
                // round ≡ 4 (mod 10)
                v0 = v0 &+ v4 &+ m9; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m0; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m5; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m7; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m2; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m4; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m10; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m15; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m14; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m1; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m11; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m12; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m6; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m8; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m3; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m13; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
                // round ≡ 5 (mod 10)
                v0 = v0 &+ v4 &+ m2; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m12; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m6; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m10; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m0; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m11; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m8; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m3; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m4; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m13; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m7; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m5; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m15; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m14; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m1; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m9; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
                // round ≡ 6 (mod 10)
                v0 = v0 &+ v4 &+ m12; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m5; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m1; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m15; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m14; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m13; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m4; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m10; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m0; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m7; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m6; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m3; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m9; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m2; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m8; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m11; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
                // round ≡ 7 (mod 10)
                v0 = v0 &+ v4 &+ m13; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m11; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m7; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m14; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m12; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m1; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m3; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m9; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m5; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m0; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m15; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m4; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m8; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m6; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m2; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m10; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
                // round ≡ 8 (mod 10)
                v0 = v0 &+ v4 &+ m6; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m15; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m14; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m9; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m11; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m3; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m0; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m8; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m12; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m2; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m13; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m7; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m1; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m4; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m10; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m5; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
                // round ≡ 9 (mod 10)
                v0 = v0 &+ v4 &+ m10; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m2; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m8; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m4; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m7; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m6; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m1; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m5; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m15; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m11; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m9; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m14; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m3; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m12; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m13; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m0; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
            cycles &-= 1
        }
        var r: UInt32 = 0
        while r < rounds % 10 {
            switch r {
            case 0:
                v0 = v0 &+ v4 &+ m0; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m1; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m2; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m3; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m4; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m5; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m6; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m7; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m8; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m9; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m10; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m11; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m12; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m13; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m14; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m15; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
            case 1:
                v0 = v0 &+ v4 &+ m14; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m10; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m4; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m8; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m9; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m15; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m13; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m6; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m1; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m12; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m0; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m2; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m11; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m7; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m5; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m3; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
            case 2:
                v0 = v0 &+ v4 &+ m11; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m8; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m12; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m0; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m5; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m2; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m15; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m13; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m10; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m14; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m3; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m6; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m7; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m1; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m9; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m4; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
            case 3:
                v0 = v0 &+ v4 &+ m7; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m9; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m3; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m1; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m13; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m12; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m11; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m14; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m2; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m6; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m5; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m10; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m4; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m0; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m15; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m8; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
            case 4:
                v0 = v0 &+ v4 &+ m9; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m0; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m5; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m7; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m2; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m4; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m10; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m15; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m14; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m1; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m11; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m12; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m6; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m8; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m3; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m13; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
            case 5:
                v0 = v0 &+ v4 &+ m2; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m12; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m6; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m10; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m0; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m11; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m8; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m3; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m4; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m13; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m7; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m5; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m15; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m14; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m1; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m9; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
            case 6:
                v0 = v0 &+ v4 &+ m12; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m5; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m1; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m15; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m14; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m13; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m4; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m10; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m0; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m7; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m6; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m3; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m9; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m2; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m8; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m11; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
            case 7:
                v0 = v0 &+ v4 &+ m13; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m11; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m7; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m14; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m12; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m1; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m3; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m9; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m5; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m0; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m15; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m4; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m8; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m6; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m2; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m10; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
            case 8:
                v0 = v0 &+ v4 &+ m6; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m15; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m14; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m9; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m11; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m3; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m0; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m8; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m12; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m2; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m13; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m7; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m1; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m4; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m10; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m5; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
            case 9:
                v0 = v0 &+ v4 &+ m10; v12 = rotr(v12 ^ v0, 32); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 24)
                v0 = v0 &+ v4 &+ m2; v12 = rotr(v12 ^ v0, 16); v8 = v8 &+ v12; v4 = rotr(v4 ^ v8, 63)
                v1 = v1 &+ v5 &+ m8; v13 = rotr(v13 ^ v1, 32); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 24)
                v1 = v1 &+ v5 &+ m4; v13 = rotr(v13 ^ v1, 16); v9 = v9 &+ v13; v5 = rotr(v5 ^ v9, 63)
                v2 = v2 &+ v6 &+ m7; v14 = rotr(v14 ^ v2, 32); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 24)
                v2 = v2 &+ v6 &+ m6; v14 = rotr(v14 ^ v2, 16); v10 = v10 &+ v14; v6 = rotr(v6 ^ v10, 63)
                v3 = v3 &+ v7 &+ m1; v15 = rotr(v15 ^ v3, 32); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 24)
                v3 = v3 &+ v7 &+ m5; v15 = rotr(v15 ^ v3, 16); v11 = v11 &+ v15; v7 = rotr(v7 ^ v11, 63)
                v0 = v0 &+ v5 &+ m15; v15 = rotr(v15 ^ v0, 32); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 24)
                v0 = v0 &+ v5 &+ m11; v15 = rotr(v15 ^ v0, 16); v10 = v10 &+ v15; v5 = rotr(v5 ^ v10, 63)
                v1 = v1 &+ v6 &+ m9; v12 = rotr(v12 ^ v1, 32); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 24)
                v1 = v1 &+ v6 &+ m14; v12 = rotr(v12 ^ v1, 16); v11 = v11 &+ v12; v6 = rotr(v6 ^ v11, 63)
                v2 = v2 &+ v7 &+ m3; v13 = rotr(v13 ^ v2, 32); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 24)
                v2 = v2 &+ v7 &+ m12; v13 = rotr(v13 ^ v2, 16); v8 = v8 &+ v13; v7 = rotr(v7 ^ v8, 63)
                v3 = v3 &+ v4 &+ m13; v14 = rotr(v14 ^ v3, 32); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 24)
                v3 = v3 &+ v4 &+ m0; v14 = rotr(v14 ^ v3, 16); v9 = v9 &+ v14; v4 = rotr(v4 ^ v9, 63)
            default: break
            }
            r &+= 1
        }
        h[0] ^= v0 ^ v8; h[1] ^= v1 ^ v9; h[2] ^= v2 ^ v10; h[3] ^= v3 ^ v11
        h[4] ^= v4 ^ v12; h[5] ^= v5 ^ v13; h[6] ^= v6 ^ v14; h[7] ^= v7 ^ v15
    }
}
