import EVMCore

extension BLS12381 {
    /// Fp2 = Fp[u]/(u² + 1): c0 + c1·u. Karatsuba multiplication and "complex" squaring
    /// (Devegili, Ó hÉigeartaigh, Scott, Dahab, "Multiplication and Squaring on Pairing-Friendly
    /// Fields", 2006, §3).
    struct Fp2: FieldArithmetic, Hashable {
        var c0: Fp
        var c1: Fp

        init(_ c0: Fp, _ c1: Fp) { self.c0 = c0; self.c1 = c1 }

        static let zero = Fp2(.zero, .zero)
        static let one = Fp2(.one, .zero)

        /// ξ = 1 + u, the sextic non-residue defining Fp6 and the twist.
        static let xi = Fp2(.one, .one)

        var isZero: Bool { c0.isZero && c1.isZero }

        static func + (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 + b.c0, a.c1 + b.c1) }
        static func - (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 - b.c0, a.c1 - b.c1) }
        static prefix func - (a: Fp2) -> Fp2 { Fp2(-a.c0, -a.c1) }

        static func * (a: Fp2, b: Fp2) -> Fp2 {
            let v0 = a.c0 * b.c0
            let v1 = a.c1 * b.c1
            return Fp2(v0 - v1, (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1)
        }

        /// Multiplication by an element of the base field.
        func scaled(by k: Fp) -> Fp2 { Fp2(c0 * k, c1 * k) }

        /// (c0 + c1 u)² = (c0 + c1)(c0 − c1) + 2·c0·c1·u.
        func squared() -> Fp2 {
            let t = c0 * c1
            return Fp2((c0 + c1) * (c0 - c1), t.doubled())
        }

        func doubled() -> Fp2 { Fp2(c0.doubled(), c1.doubled()) }

        /// Multiplication by ξ = 1 + u: (c0 − c1) + (c0 + c1)u.
        func multipliedByXi() -> Fp2 { Fp2(c0 - c1, c0 + c1) }

        /// The conjugate c0 − c1·u, which is also the Frobenius map a ↦ a^p.
        var conjugate: Fp2 { Fp2(c0, -c1) }

        /// 1/(c0 + c1 u) = (c0 − c1 u)/(c0² + c1²).
        func inverse() -> Fp2? {
            guard let normInverse = (c0.squared() + c1.squared()).inverse() else { return nil }
            return Fp2(c0 * normInverse, -(c1 * normInverse))
        }

        /// A square root, nil when `self` is not a square. Algorithm 9 of Adj and
        /// Rodríguez-Henríquez, "Square Root Computation over Even Extension Fields" (2014), for
        /// q = p² with p ≡ 3 (mod 4); the result is checked by squaring.
        func squareRoot() -> Fp2? {
            if isZero { return .zero }
            // a1 = a^((p − 3)/4) = a^((p+1)/4 − 1); computed as a^((p+1)/4) · a⁻¹ would need an
            // inverse, so use (p − 3)/4 directly.
            let a1 = power(Fp2.pMinus3Over4)
            let alpha = a1 * (a1 * self)
            let x0 = a1 * self
            let candidate: Fp2
            if alpha == -Fp2.one {
                candidate = Fp2(-x0.c1, x0.c0)           // u·x0
            } else {
                let b = (Fp2.one + alpha).power(Fp.pMinus1Over2)
                candidate = b * x0
            }
            return candidate.squared() == self ? candidate : nil
        }

        /// (p − 3)/4 as words.
        static let pMinus3Over4: [UInt64] = {
            // (p + 1)/4 − 1; the low word of (p + 1)/4 is nonzero, so no borrow.
            var w = Fp.pPlus1Over4
            w[0] -= 1
            return w
        }()

        /// ZCash compression's "lexicographically largest": compare c1 first, c0 when c1 = 0.
        var isLexicographicallyLargest: Bool {
            c1.isZero ? c0.isLexicographicallyLargest : c1.isLexicographicallyLargest
        }

        /// sgn0 of RFC 9380 §4.1 for m = 2: sign_0 OR (zero_0 AND sign_1).
        var sgn0: Bool { c0.sgn0 || (c0.isZero && c1.sgn0) }
    }
}

extension BLS12381.Fp2: CustomStringConvertible {
    var description: String { "(\(c0) + \(c1)·u)" }
}
