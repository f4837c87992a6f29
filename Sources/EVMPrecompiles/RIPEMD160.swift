/// RIPEMD-160 (Dobbertin, Bosselaers, Preneel 1996), in pure Swift: two parallel lines of five
/// rounds of 16 steps over little-endian 32-bit words.
public enum RIPEMD160 {
    /// Message word selection, left line (r) and right line (r').
    static let wordLeft: [Int] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8,
        3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12,
        1, 9, 11, 10, 0, 8, 12, 4, 13, 3, 7, 15, 14, 5, 6, 2,
        4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13,
    ]
    static let wordRight: [Int] = [
        5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12,
        6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12, 4, 9, 1, 2,
        15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13,
        8, 6, 4, 1, 3, 11, 15, 0, 5, 12, 2, 13, 9, 7, 10, 14,
        12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11,
    ]
    /// Left-rotation amounts, left line (s) and right line (s').
    static let shiftLeft: [UInt32] = [
        11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8,
        7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15, 9, 11, 7, 13, 12,
        11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5,
        11, 12, 14, 15, 14, 15, 9, 8, 9, 14, 5, 6, 8, 6, 5, 12,
        9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6,
    ]
    static let shiftRight: [UInt32] = [
        8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6,
        9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12, 7, 6, 15, 13, 11,
        9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5,
        15, 5, 8, 11, 14, 14, 6, 14, 6, 9, 12, 9, 12, 5, 15, 8,
        8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11,
    ]
    /// Round constants K (left) and K' (right).
    static let constantLeft: [UInt32] = [0x0000_0000, 0x5a82_7999, 0x6ed9_eba1, 0x8f1b_bcdc, 0xa953_fd4e]
    static let constantRight: [UInt32] = [0x50a2_8be6, 0x5c4d_d124, 0x6d70_3ef3, 0x7a6d_76e9, 0x0000_0000]

    /// The 20-byte digest of `message`.
    public static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476, 0xc3d2_e1f0]
        // MD4-style padding: 0x80, zeros to 56 mod 64, bit length as 64-bit little-endian.
        let bitLength = UInt64(truncatingIfNeeded: message.count) &* 8
        let fullBlocks = message.count / 64
        var tail = Array(message[(fullBlocks * 64)...])
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 0, through: 56, by: 8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }

        var x = [UInt32](repeating: 0, count: 16)
        for block in 0..<fullBlocks { compress(&h, &x, message, offset: block * 64) }
        var offset = 0
        while offset < tail.count {
            compress(&h, &x, tail, offset: offset)
            offset += 64
        }
        var out = [UInt8]()
        out.reserveCapacity(20)
        for word in h {
            for shift in stride(from: 0, through: 24, by: 8) { out.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
        }
        return out
    }

    @inline(__always)
    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }

    /// The five boolean functions f1…f5, selected by round (0–4).
    @inline(__always)
    private static func f(_ round: Int, _ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 {
        switch round {
        case 0: return x ^ y ^ z
        case 1: return (x & y) | (~x & z)
        case 2: return (x | ~y) ^ z
        case 3: return (x & z) | (y & ~z)
        default: return x ^ (y | ~z)
        }
    }

    private static func compress(_ h: inout [UInt32], _ x: inout [UInt32], _ data: [UInt8], offset: Int) {
        for i in 0..<16 {
            let p = offset + 4 * i
            x[i] = UInt32(data[p]) | UInt32(data[p + 1]) << 8 | UInt32(data[p + 2]) << 16 | UInt32(data[p + 3]) << 24
        }
        var al = h[0], bl = h[1], cl = h[2], dl = h[3], el = h[4]
        var ar = h[0], br = h[1], cr = h[2], dr = h[3], er = h[4]
        for j in 0..<80 {
            let round = j / 16
            var t = rotl(al &+ f(round, bl, cl, dl) &+ x[wordLeft[j]] &+ constantLeft[round], shiftLeft[j]) &+ el
            al = el; el = dl; dl = rotl(cl, 10); cl = bl; bl = t
            // The right line uses the functions in reverse order.
            t = rotl(ar &+ f(4 - round, br, cr, dr) &+ x[wordRight[j]] &+ constantRight[round], shiftRight[j]) &+ er
            ar = er; er = dr; dr = rotl(cr, 10); cr = br; br = t
        }
        let t = h[1] &+ cl &+ dr
        h[1] = h[2] &+ dl &+ er
        h[2] = h[3] &+ el &+ ar
        h[3] = h[4] &+ al &+ br
        h[4] = h[0] &+ bl &+ cr
        h[0] = t
    }
}

/// 0x03 RIPEMD160: the RIPEMD-160 digest of the input, left-padded to 32 bytes. 600 + 120 per word.
public enum RIPEMD160Precompile {
    public static let baseGas: Int64 = 600
    public static let wordGas: Int64 = 120

    public static func gasCost(inputLength: Int) -> Int64 {
        PrecompileGas.linear(base: baseGas, perWord: wordGas, byteCount: inputLength)
    }

    public static func run(input: [UInt8], gas: Int64) -> PrecompileResult {
        PrecompileGas.charge(gasCost(inputLength: input.count), gas: gas) {
            [UInt8](repeating: 0, count: 12) + RIPEMD160.hash(input)
        }
    }
}
