import EVMCore

/// The Barreto–Naehrig curve BN254 ("alt_bn128") of EIP-196/197: E: y² = x³ + 3 over Fp,
/// its sextic D-type twist E': y² = x³ + 3/ξ over Fp2 with ξ = 9 + u, and the optimal-ate
/// pairing into Fp12. Parameters from EIP-196/197 and "Pairing-Friendly Elliptic Curves of Prime
/// Order" (Barreto, Naehrig 2005): p = 36x⁴+36x³+24x²+6x+1, r = 36x⁴+36x³+18x²+6x+1.
enum BN254 {
    /// The BN parameter x = 4965661367192848881.
    static let x: UInt64 = 0x44e9_92b4_4a69_09f1

    /// The base field prime p.
    static let p = UInt256(w0: 0x3c20_8c16_d87c_fd47, w1: 0x9781_6a91_6871_ca8d,
                           w2: 0xb850_45b6_8181_585d, w3: 0x3064_4e72_e131_a029)

    /// The prime order r of G1, G2 and GT.
    static let r = UInt256(w0: 0x43e1_f593_f000_0001, w1: 0x2833_e848_79b9_7091,
                           w2: 0xb850_45b6_8181_585d, w3: 0x3064_4e72_e131_a029)

    /// The optimal-ate Miller loop length 6x + 2 (Vercauteren, "Optimal pairings", 2010).
    static let ateLoopCount = UInt256(x) &* UInt256(6) &+ UInt256(2)
}
