import EVMCore

extension BN254 {
    /// E(Fp): y² = x³ + 3. Its points form G1 (cofactor 1, so every curve point has order r).
    enum G1Curve: ShortWeierstrassCurve {
        static let b = Fp(3)
    }

    /// The D-type sextic twist E'(Fp2): y² = x³ + 3/ξ. G2 is its subgroup of order r.
    enum G2Curve: ShortWeierstrassCurve {
        static let b: Fp2 = {
            // ξ ≠ 0, so the inverse exists.
            Fp2(Fp(3), .zero) * (Fp2.xi.inverse() ?? .zero)
        }()
    }

    typealias G1 = JacobianPoint<G1Curve>
    typealias G2 = JacobianPoint<G2Curve>

    /// The generator (1, 2) of G1 (EIP-196).
    static let g1Generator = G1(affineX: Fp(1), affineY: Fp(2))

    /// The generator of G2 (EIP-197).
    static let g2Generator: G2 = {
        func fp(_ hex: String) -> Fp { Fp(canonical: UInt256(hex: hex) ?? .zero) ?? .zero }
        let x = Fp2(fp("0x1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"),
                    fp("0x198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"))
        let y = Fp2(fp("0x12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa"),
                    fp("0x090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"))
        return G2(affineX: x, affineY: y)
    }()

    /// Whether a point of the twist lies in G2, by checking r·Q = O.
    static func isInG2(_ q: G2) -> Bool {
        q.multiplied(by: r).isInfinity
    }

    /// The p-power Frobenius endomorphism of E(Fp12) carried to the twist: for Q = (x, y) in
    /// E'(Fp2), ψ⁻¹∘π∘ψ(Q) = (conj(x)·ξ^((p−1)/3), conj(y)·ξ^((p−1)/2)), where ψ(x, y) = (x w², y w³).
    static func twistFrobenius(x: Fp2, y: Fp2) -> (x: Fp2, y: Fp2) {
        let g = Fp12.frobeniusCoefficients
        return (x.conjugate * g[2], y.conjugate * g[3])
    }

    // MARK: EIP-196/197 encodings

    /// Reads a big-endian 32-byte field element; nil when it is ≥ p.
    static func readFp(_ input: [UInt8], at offset: Int) -> Fp? {
        Fp(canonical: input.paddedWord(at: offset))
    }

    /// Decodes a G1 point (x ‖ y, 64 bytes) from right-padded input. (0, 0) is the point at
    /// infinity. Nil when a coordinate is ≥ p or the point is not on the curve.
    static func decodeG1(_ input: [UInt8], at offset: Int) -> G1? {
        guard let x = readFp(input, at: offset), let y = readFp(input, at: offset + 32) else { return nil }
        if x.isZero && y.isZero { return .infinity }
        guard G1.isOnCurve(x: x, y: y) else { return nil }
        return G1(affineX: x, affineY: y)
    }

    /// Decodes a G2 point (x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0, 128 bytes: EIP-197 puts the imaginary part
    /// first). All zeros is the point at infinity. Nil when a coordinate is ≥ p, the point is
    /// not on the twist, or it is not in the order-r subgroup.
    static func decodeG2(_ input: [UInt8], at offset: Int) -> G2? {
        guard let xi = readFp(input, at: offset), let xr = readFp(input, at: offset + 32),
              let yi = readFp(input, at: offset + 64), let yr = readFp(input, at: offset + 96) else { return nil }
        let x = Fp2(xr, xi), y = Fp2(yr, yi)
        if x.isZero && y.isZero { return .infinity }
        guard G2.isOnCurve(x: x, y: y) else { return nil }
        let q = G2(affineX: x, affineY: y)
        guard isInG2(q) else { return nil }
        return q
    }

    /// x ‖ y as 64 bytes; the point at infinity is 64 zero bytes.
    static func encodeG1(_ point: G1) -> [UInt8] {
        guard let (x, y) = point.affine else { return [UInt8](repeating: 0, count: 64) }
        return x.canonical.bigEndianBytes + y.canonical.bigEndianBytes
    }
}
