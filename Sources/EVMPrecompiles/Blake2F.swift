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
    static func compress(rounds: UInt32, h: inout [UInt64], m: [UInt64], t0: UInt64, t1: UInt64, finalBlock: Bool) {
        var v = h + iv
        v[12] ^= t0
        v[13] ^= t1
        if finalBlock { v[14] = ~v[14] }
        v.withUnsafeMutableBufferPointer { v in
            m.withUnsafeBufferPointer { m in
                sigma.withUnsafeBufferPointer { sigma in
                    // The mixing function G (RFC 7693 §3.1).
                    @inline(__always)
                    func g(_ a: Int, _ b: Int, _ c: Int, _ d: Int, _ x: UInt64, _ y: UInt64) {
                        v[a] = v[a] &+ v[b] &+ x
                        v[d] = rotr(v[d] ^ v[a], 32)
                        v[c] = v[c] &+ v[d]
                        v[b] = rotr(v[b] ^ v[c], 24)
                        v[a] = v[a] &+ v[b] &+ y
                        v[d] = rotr(v[d] ^ v[a], 16)
                        v[c] = v[c] &+ v[d]
                        v[b] = rotr(v[b] ^ v[c], 63)
                    }
                    var row = 0
                    var round: UInt32 = 0
                    while round < rounds {
                        sigma[row].withUnsafeBufferPointer { s in
                            g(0, 4, 8, 12, m[s[0]], m[s[1]])
                            g(1, 5, 9, 13, m[s[2]], m[s[3]])
                            g(2, 6, 10, 14, m[s[4]], m[s[5]])
                            g(3, 7, 11, 15, m[s[6]], m[s[7]])
                            g(0, 5, 10, 15, m[s[8]], m[s[9]])
                            g(1, 6, 11, 12, m[s[10]], m[s[11]])
                            g(2, 7, 8, 13, m[s[12]], m[s[13]])
                            g(3, 4, 9, 14, m[s[14]], m[s[15]])
                        }
                        row = row == 9 ? 0 : row + 1
                        round += 1
                    }
                }
            }
        }
        for i in 0..<8 { h[i] ^= v[i] ^ v[i + 8] }
    }
}
