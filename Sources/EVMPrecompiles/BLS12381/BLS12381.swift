import EVMCore

/// The pairing-friendly curve BLS12-381 (Bowe, "BLS12-381: New zk-SNARK Elliptic Curve
/// Construction", 2017; parameters as in draft-irtf-cfrg-pairing-friendly-curves and EIP-2537):
/// E: y² = x³ + 4 over Fp, its M-type sextic twist E': y² = x³ + 4(1 + u) over Fp2, and the
/// optimal-ate pairing into Fp12. With the BLS parameter x = −0xd201000000010000:
/// p = (x − 1)²(x⁴ − x² + 1)/3 + x and r = x⁴ − x² + 1.
enum BLS12381 {
    /// |x| for the BLS parameter x = −0xd201000000010000 (x is negative).
    static let xAbs: UInt64 = 0xd201_0000_0001_0000

    /// The prime order r of G1, G2 and GT (255 bits).
    static let r = UInt256(w0: 0xffff_ffff_0000_0001, w1: 0x53bd_a402_fffe_5bfe, w2: 0x3339_d808_09a1_d805, w3: 0x73ed_a753_299d_7d48)

    /// (p − 1)/6, the exponent of the Frobenius coefficients ξ^((p−1)/6).
    static let pMinus1Over6: [UInt64] = [0x49aa_7fff_ffff_f1c7, 0x051c_aaaa_72e3_5555, 0xe688_231a_d3c8_2906, 0xe613_e1eb_7deb_831f, 0x0c84_9bf3_b5e1_f223, 0x0455_82fc_5eea_a66f]

    /// (p⁴ − p² + 1)/r, the "hard part" of the final exponent (reference for tests).
    static let hardPartExponent: [UInt64] = [0xe516_c3f4_38e3_ba79, 0xfa99_12aa_e208_ccf1, 0x905c_e937_335d_5b68, 0xc71a_2629_b0de_a236, 0x8377_4940_9967_54c8, 0x21d1_60ae_b6a1_e799, 0x2ed0_b283_ed23_7db4, 0x915c_97f3_6c6f_1821, 0x67f1_7fcb_de78_3765, 0x2378_b903_9096_d1b7, 0x7988_f876_1bdc_51dc, 0x2076_9950_03fc_77a1, 0x827e_ca0b_a621_315b, 0xe5a7_2bce_8d63_cb9f, 0xf68f_7764_c28b_6f8a, 0x2f23_0063_cf08_1517, 0x9450_6632_528d_6a9a, 0xd3cd_e88e_eb99_6ca3, 0xc0bd_38c3_195c_899e, 0x000f_686b_3d80_7d01]
}
