import EVMCore

extension BLS12381 {
    /// E(Fp): y² = x³ + 4. G1 is its subgroup of order r (cofactor h1 = 0x396c8c005555e1568c00aaab0000aaab).
    enum G1Curve: ShortWeierstrassCurve {
        static let b = Fp(4)
    }

    /// The M-type sextic twist E'(Fp2): y² = x³ + 4(1 + u). G2 is its subgroup of order r.
    enum G2Curve: ShortWeierstrassCurve {
        static let b = Fp2(Fp(4), Fp(4))
    }

    typealias G1 = JacobianPoint<G1Curve>
    typealias G2 = JacobianPoint<G2Curve>

    private static func constant(_ hex: String) -> Fp { Fp(hex: hex) ?? .zero }

    /// The standard generator of G1 (Bowe 2017; EIP-2537).
    static let g1Generator = G1(
        affineX: constant("17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"),
        affineY: constant("08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1"))

    /// The standard generator of G2 (Bowe 2017; EIP-2537).
    static let g2Generator = G2(
        affineX: Fp2(constant("024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8"),
                     constant("13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e")),
        affineY: Fp2(constant("0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801"),
                     constant("0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be")))

    // MARK: Endomorphisms and subgroup membership

    /// A primitive cube root of unity β in Fp, the one for which φ(x, y) = (β·x, y) acts on G1 as
    /// multiplication by −x² (the other root, β², gives the other eigenvalue x² − 1; EIP-2537's
    /// fast_subgroup_checks.md lists that one). Tests check β³ = 1, β ≠ 1 and φ(G) = −x²·G.
    static let beta = constant("5f19672fdf76ce51ba69c6076a0f77eaddb3a93be6f89688de17d813620a00022e01fffffffefffe")

    /// φ(P) = (β·X, Y, Z) in Jacobian coordinates (X/Z² scales by β as well).
    static func phi(_ p: G1) -> G1 { G1(x: p.x * beta, y: p.y, z: p.z) }

    /// ψ = untwist ∘ Frobenius ∘ twist on the M-type twist: (x, y) ↦ (conj(x)·ξ^(−(p−1)/3),
    /// conj(y)·ξ^(−(p−1)/2)) (RFC 9380 Appendix G.3's psi). In Jacobian coordinates the same
    /// constants apply to X and Y, with Z conjugated. On G2, ψ acts as multiplication by
    /// p ≡ x (mod r).
    static func psi(_ q: G2) -> G2 {
        G2(x: q.x.conjugate * psiX, y: q.y.conjugate * psiY, z: q.z.conjugate)
    }

    /// ξ^(−(p−1)/3) and ξ^(−(p−1)/2), the inverses of the Frobenius coefficients γ₂ and γ₃.
    static let psiX: Fp2 = Fp12.frobeniusCoefficients[2].inverse() ?? .zero
    static let psiY: Fp2 = Fp12.frobeniusCoefficients[3].inverse() ?? .zero

    /// [x]·P for the (negative) BLS parameter x: −(|x|·P).
    static func timesX<C>(_ p: JacobianPoint<C>) -> JacobianPoint<C> {
        p.multiplied(byWords: [xAbs]).negated
    }

    /// Whether a curve point lies in G1, by Scott's endomorphism test ("A note on group
    /// membership tests for G1, G2 and GT on BLS pairing-friendly curves", ePrint 2021/1130, §4;
    /// the test EIP-2537 prescribes): P ∈ G1 ⇔ φ(P) = −x²·P. About 128 doublings instead of the
    /// 255 of r·P; tests compare it with `isInG1ByOrder` on points in and out of G1.
    static func isInG1(_ p: G1) -> Bool {
        guard p.isOnCurve else { return false }
        return phi(p) == -(p.multiplied(byWords: [xAbs]).multiplied(byWords: [xAbs]))
    }

    /// Whether a twist point lies in G2, by Scott's test (ePrint 2021/1130, §4): Q ∈ G2 ⇔
    /// ψ(Q) = x·Q (about 64 doublings).
    static func isInG2(_ q: G2) -> Bool {
        guard q.isOnCurve else { return false }
        return psi(q) == timesX(q)
    }

    /// The definition, r·P = O: the reference for the fast tests.
    static func isInG1ByOrder(_ p: G1) -> Bool { p.isOnCurve && p.multiplied(by: r).isInfinity }

    /// The definition, r·Q = O: the reference for the fast tests.
    static func isInG2ByOrder(_ q: G2) -> Bool { q.isOnCurve && q.multiplied(by: r).isInfinity }

    /// clear_cofactor for G2, i.e. multiplication by h_eff, by the Budroni–Pintore method in the
    /// form of RFC 9380 Appendix G.3 (clear_cofactor_bls12381_g2):
    /// h_eff·P = [x² − x − 1]P + [x − 1]ψ(P) + ψ²(2P). Tests compare it with h_eff·P.
    static func clearCofactorG2(_ p: G2) -> G2 {
        let t1 = timesX(p)
        var t2 = psi(p)
        var t3 = psi(psi(p.doubled()))
        t3 = t3 - t2
        t2 = timesX(t1 + t2)
        t3 = t3 + t2
        t3 = t3 - t1
        return t3 - p
    }

    // MARK: EIP-2537 encodings

    /// An EIP-2537 field element: 64 bytes, the first 16 zero, then 48 bytes big-endian < p.
    static func decodeFp(_ input: [UInt8], at offset: Int) -> Fp? {
        for i in offset..<(offset + 16) where i >= 0 && i < input.count && input[i] != 0 { return nil }
        return Fp(bigEndian: input, at: offset + 16)
    }

    /// An EIP-2537 Fp2 element: c0 ‖ c1, 128 bytes.
    static func decodeFp2(_ input: [UInt8], at offset: Int) -> Fp2? {
        guard let c0 = decodeFp(input, at: offset), let c1 = decodeFp(input, at: offset + 64) else { return nil }
        return Fp2(c0, c1)
    }

    /// An EIP-2537 G1 point: x ‖ y (128 bytes), all zeros for infinity. Nil when a field element is
    /// malformed or the point is not on the curve; the subgroup is checked only if asked.
    static func decodeG1(_ input: [UInt8], at offset: Int, subgroupCheck: Bool) -> G1? {
        guard let x = decodeFp(input, at: offset), let y = decodeFp(input, at: offset + 64) else { return nil }
        if x.isZero && y.isZero { return .infinity }
        guard G1.isOnCurve(x: x, y: y) else { return nil }
        let point = G1(affineX: x, affineY: y)
        if subgroupCheck && !isInG1(point) { return nil }
        return point
    }

    /// An EIP-2537 G2 point: x ‖ y (256 bytes, each Fp2 as c0 ‖ c1), all zeros for infinity.
    static func decodeG2(_ input: [UInt8], at offset: Int, subgroupCheck: Bool) -> G2? {
        guard let x = decodeFp2(input, at: offset), let y = decodeFp2(input, at: offset + 128) else { return nil }
        if x.isZero && y.isZero { return .infinity }
        guard G2.isOnCurve(x: x, y: y) else { return nil }
        let point = G2(affineX: x, affineY: y)
        if subgroupCheck && !isInG2(point) { return nil }
        return point
    }

    static func encodeFp(_ a: Fp) -> [UInt8] { [UInt8](repeating: 0, count: 16) + a.bigEndianBytes }

    static func encodeG1(_ point: G1) -> [UInt8] {
        guard let (x, y) = point.affine else { return [UInt8](repeating: 0, count: 128) }
        return encodeFp(x) + encodeFp(y)
    }

    static func encodeG2(_ point: G2) -> [UInt8] {
        guard let (x, y) = point.affine else { return [UInt8](repeating: 0, count: 256) }
        return encodeFp(x.c0) + encodeFp(x.c1) + encodeFp(y.c0) + encodeFp(y.c1)
    }

    // MARK: ZCash compressed encoding (EIP-4844 commitments and proofs)

    /// A 48-byte compressed G1 point: bit 7 of byte 0 = compressed (must be 1), bit 6 =
    /// infinity, bit 5 = y is the lexicographically largest root. Nil when malformed, not on the
    /// curve or not in G1 (the KZG "validate" rules).
    static func decompressG1(_ bytes: [UInt8]) -> G1? {
        guard bytes.count == 48 else { return nil }
        let flags = bytes[0]
        guard flags & 0x80 != 0 else { return nil }
        var body = bytes
        body[0] &= 0x1f
        if flags & 0x40 != 0 {
            guard flags & 0x20 == 0, body.allSatisfy({ $0 == 0 }) else { return nil }
            return .infinity
        }
        guard let x = Fp(bigEndian: body), let y0 = (x.squared() * x + G1Curve.b).squareRoot() else { return nil }
        let y = y0.isLexicographicallyLargest == (flags & 0x20 != 0) ? y0 : -y0
        let point = G1(affineX: x, affineY: y)
        return isInG1(point) ? point : nil
    }

    /// A 96-byte compressed G2 point: the same flags, then x.c1 ‖ x.c0.
    static func decompressG2(_ bytes: [UInt8]) -> G2? {
        guard bytes.count == 96 else { return nil }
        let flags = bytes[0]
        guard flags & 0x80 != 0 else { return nil }
        var body = bytes
        body[0] &= 0x1f
        if flags & 0x40 != 0 {
            guard flags & 0x20 == 0, body.allSatisfy({ $0 == 0 }) else { return nil }
            return .infinity
        }
        guard let c1 = Fp(bigEndian: body, at: 0), let c0 = Fp(bigEndian: body, at: 48) else { return nil }
        let x = Fp2(c0, c1)
        guard let y0 = (x.squared() * x + G2Curve.b).squareRoot() else { return nil }
        let y = y0.isLexicographicallyLargest == (flags & 0x20 != 0) ? y0 : -y0
        let point = G2(affineX: x, affineY: y)
        return isInG2(point) ? point : nil
    }
}

extension JacobianPoint {
    /// k·P for a scalar given as 64-bit words, least significant first (for exponents wider than 256 bits).
    func multiplied(byWords k: [UInt64]) -> JacobianPoint {
        var result = JacobianPoint.infinity
        for word in k.reversed() {
            for bit in stride(from: 63, through: 0, by: -1) {
                result = result.doubled()
                if (word >> UInt64(bit)) & 1 == 1 { result = result + self }
            }
        }
        return result
    }
}
