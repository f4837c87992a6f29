import EVMCore

extension BN254 {
    /// Fp2 = Fp[u]/(u² + 1): c0 + c1·u. Multiplication is Karatsuba, squaring the "complex"
    /// method (Devegili, Ó hÉigeartaigh, Scott, Dahab, "Multiplication and Squaring on
    /// Pairing-Friendly Fields", 2006, §3).
    struct Fp2: FieldArithmetic, Hashable {
        var c0: Fp
        var c1: Fp

        init(_ c0: Fp, _ c1: Fp) { self.c0 = c0; self.c1 = c1 }

        static let zero = Fp2(.zero, .zero)
        static let one = Fp2(.one, .zero)

        /// ξ = 9 + u, the sextic non-residue defining Fp6 and the twist.
        static let xi = Fp2(Fp(9), Fp(1))

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

        func squared() -> Fp2 {
            // (c0 + c1 u)² = (c0 + c1)(c0 − c1) + 2·c0·c1·u
            let t = c0 * c1
            return Fp2((c0 + c1) * (c0 - c1), t.doubled())
        }

        func doubled() -> Fp2 { Fp2(c0.doubled(), c1.doubled()) }

        /// Multiplication by ξ = 9 + u: (9c0 − c1) + (c0 + 9c1)u.
        func multipliedByXi() -> Fp2 {
            let nine0 = c0.doubled().doubled().doubled() + c0
            let nine1 = c1.doubled().doubled().doubled() + c1
            return Fp2(nine0 - c1, c0 + nine1)
        }

        /// The conjugate c0 − c1·u, which is also the Frobenius map a ↦ a^p.
        var conjugate: Fp2 { Fp2(c0, -c1) }

        /// 1/(c0 + c1 u) = (c0 − c1 u)/(c0² + c1²).
        func inverse() -> Fp2? {
            guard let normInverse = (c0.squared() + c1.squared()).inverse() else { return nil }
            return Fp2(c0 * normInverse, -(c1 * normInverse))
        }
    }
}

extension BN254.Fp2: CustomStringConvertible {
    var description: String { "(\(c0) + \(c1)·u)" }
}
