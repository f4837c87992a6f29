import EVMCore

extension BLS12381.Fp: PrimeField {}

extension BLS12381 {
    /// BLS12-381's tower parameters: Fp2 = Fp[u]/(u² + 1), ξ = 1 + u (Bowe 2017; EIP-2537).
    enum Tower: TowerParameters {
        typealias Base = Fp

        static let xi = Fp2(.one, .one)

        /// (1 + u)(c0 + c1 u) = (c0 − c1) + (c0 + c1)u.
        static func multipliedByXi(_ a: Fp2) -> Fp2 { Fp2(a.c0 - a.c1, a.c0 + a.c1) }

        static let pMinus1Over6: [UInt64] = BLS12381.pMinus1Over6

        static let frobeniusCoefficients = Fp12.computeFrobeniusCoefficients()
    }

    typealias Fp2 = TowerFp2<Tower>
    typealias Fp6 = TowerFp6<Tower>
    typealias Fp12 = TowerFp12<Tower>
}

/// What BLS12-381's maps to G2 need of Fp2 beyond the tower: square roots, sgn0 and ZCash's sign.
extension TowerFp2 where P == BLS12381.Tower {
    /// A square root, nil when `self` is not a square. Algorithm 9 of Adj and
    /// Rodríguez-Henríquez, "Square Root Computation over Even Extension Fields" (2014), for
    /// q = p² with p ≡ 3 (mod 4); the result is checked by squaring.
    func squareRoot() -> TowerFp2? {
        if isZero { return .zero }
        // a1 = a^((p − 3)/4) = a^((p+1)/4 − 1); computed as a^((p+1)/4) · a⁻¹ would need an
        // inverse, so use (p − 3)/4 directly.
        let a1 = power(BLS12381.pMinus3Over4)
        let alpha = a1 * (a1 * self)
        let x0 = a1 * self
        let candidate: TowerFp2
        if alpha == -TowerFp2.one {
            candidate = TowerFp2(-x0.c1, x0.c0)           // u·x0
        } else {
            let b = (TowerFp2.one + alpha).power(BLS12381.Fp.pMinus1Over2)
            candidate = b * x0
        }
        return candidate.squared() == self ? candidate : nil
    }

    /// ZCash compression's "lexicographically largest": compare c1 first, c0 when c1 = 0.
    var isLexicographicallyLargest: Bool {
        c1.isZero ? c0.isLexicographicallyLargest : c1.isLexicographicallyLargest
    }

    /// sgn0 of RFC 9380 §4.1 for m = 2: sign_0 OR (zero_0 AND sign_1).
    var sgn0: Bool { c0.sgn0 || (c0.isZero && c1.sgn0) }
}

extension BLS12381 {
    /// (p − 3)/4 as words, for `Fp2.squareRoot`.
    static let pMinus3Over4: [UInt64] = {
        // (p + 1)/4 − 1; the low word of (p + 1)/4 is nonzero, so no borrow.
        var w = Fp.pPlus1Over4
        w[0] -= 1
        return w
    }()
}
