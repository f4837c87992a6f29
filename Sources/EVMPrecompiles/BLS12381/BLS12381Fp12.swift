import EVMCore

extension BLS12381 {
    /// Fp12 = Fp6[w]/(w² − v): c0 + c1·w. As a vector over Fp2 in powers of w (w⁶ = ξ):
    /// c0 = a0 + a2 w² + a4 w⁴ and c1·w = a1 w + a3 w³ + a5 w⁵, with (a0, a2, a4) = (c0.c0, c0.c1, c0.c2)
    /// and (a1, a3, a5) = (c1.c0, c1.c1, c1.c2).
    struct Fp12: FieldArithmetic, Hashable {
        var c0: Fp6
        var c1: Fp6

        init(_ c0: Fp6, _ c1: Fp6) { self.c0 = c0; self.c1 = c1 }

        static let zero = Fp12(.zero, .zero)
        static let one = Fp12(.one, .zero)

        var isZero: Bool { c0.isZero && c1.isZero }

        static func + (a: Fp12, b: Fp12) -> Fp12 { Fp12(a.c0 + b.c0, a.c1 + b.c1) }
        static func - (a: Fp12, b: Fp12) -> Fp12 { Fp12(a.c0 - b.c0, a.c1 - b.c1) }
        static prefix func - (a: Fp12) -> Fp12 { Fp12(-a.c0, -a.c1) }

        /// Karatsuba over Fp6: (a0 + a1 w)(b0 + b1 w) = a0b0 + a1b1·v + ((a0+a1)(b0+b1) − a0b0 − a1b1) w.
        static func * (a: Fp12, b: Fp12) -> Fp12 {
            let v0 = a.c0 * b.c0
            let v1 = a.c1 * b.c1
            return Fp12(v0 + v1.multipliedByV(), (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1)
        }

        /// Complex squaring (Devegili et al. 2006 §3): (a0 + a1 w)² = (a0 + a1)(a0 + v a1) − a0a1 − v a0a1 + 2 a0a1 w.
        func squared() -> Fp12 {
            let ab = c0 * c1
            let c0New = (c0 + c1) * (c0 + c1.multipliedByV()) - ab - ab.multipliedByV()
            return Fp12(c0New, ab.doubled())
        }

        func doubled() -> Fp12 { Fp12(c0.doubled(), c1.doubled()) }

        /// Multiplication by a sparse line value l0 + l2·w² + l3·w³ (b0 = (l0, l2, 0), b1 = (0, l3, 0),
        /// the shape of a line of the M-type twist): Karatsuba as in `*`, with the sparse Fp6
        /// products written out. A nil line stands for 1.
        func multiplied(by line: OptimalAte.Line?) -> Fp12 {
            guard let line else { return self }
            let v0 = c0.multipliedBySparse(line.l0, line.l2)
            let v1 = c1.scaled(by: line.l3).multipliedByV()
            let mixed = (c0 + c1).multipliedBySparse(line.l0, line.l2 + line.l3)
            return Fp12(v0 + v1.multipliedByV(), mixed - v0 - v1)
        }

        /// 1/(a0 + a1 w) = (a0 − a1 w)/(a0² − v a1²).
        func inverse() -> Fp12? {
            let norm = c0.squared() - c1.squared().multipliedByV()
            guard let normInverse = norm.inverse() else { return nil }
            return Fp12(c0 * normInverse, -(c1 * normInverse))
        }

        /// a0 − a1 w: the p⁶-power Frobenius, and the inverse for elements of the cyclotomic subgroup.
        var conjugate: Fp12 { Fp12(c0, -c1) }

        /// γ_i = ξ^(i(p−1)/6) for i = 0…5: (a·w^i)^p = conj(a)·γ_i·w^i for a in Fp2.
        static let frobeniusCoefficients: [Fp2] = {
            let gamma1 = Fp2.xi.power(BLS12381.pMinus1Over6)
            var result = [Fp2.one]
            for _ in 1..<6 { result.append(result[result.count - 1] * gamma1) }
            return result
        }()

        /// The Frobenius map f ↦ f^p.
        func frobenius() -> Fp12 {
            let g = Fp12.frobeniusCoefficients
            return Fp12(Fp6(c0.c0.conjugate, c0.c1.conjugate * g[2], c0.c2.conjugate * g[4]),
                        Fp6(c1.c0.conjugate * g[1], c1.c1.conjugate * g[3], c1.c2.conjugate * g[5]))
        }

        /// f^(p^k).
        func frobenius(_ k: Int) -> Fp12 {
            var f = self
            for _ in 0..<k { f = f.frobenius() }
            return f
        }
    }
}
