/// Fp12 = Fp6[w]/(w² − v): c0 + c1·w. As a vector over Fp2 in powers of w (w⁶ = ξ):
/// c0 = a0 + a2 w² + a4 w⁴ and c1·w = a1 w + a3 w³ + a5 w⁵, with (a0, a2, a4) = (c0.c0, c0.c1, c0.c2)
/// and (a1, a3, a5) = (c1.c0, c1.c1, c1.c2).
struct TowerFp12<P: TowerParameters>: FieldArithmetic, Hashable {
    typealias Fp2 = TowerFp2<P>
    typealias Fp6 = TowerFp6<P>
    var c0: Fp6
    var c1: Fp6

    init(_ c0: Fp6, _ c1: Fp6) { self.c0 = c0; self.c1 = c1 }

    static var zero: TowerFp12 { TowerFp12(.zero, .zero) }
    static var one: TowerFp12 { TowerFp12(.one, .zero) }

    var isZero: Bool { c0.isZero && c1.isZero }

    static func + (a: TowerFp12, b: TowerFp12) -> TowerFp12 { TowerFp12(a.c0 + b.c0, a.c1 + b.c1) }
    static func - (a: TowerFp12, b: TowerFp12) -> TowerFp12 { TowerFp12(a.c0 - b.c0, a.c1 - b.c1) }
    static prefix func - (a: TowerFp12) -> TowerFp12 { TowerFp12(-a.c0, -a.c1) }

    /// Karatsuba over Fp6: (a0 + a1 w)(b0 + b1 w) = a0b0 + a1b1·v + ((a0+a1)(b0+b1) − a0b0 − a1b1) w.
    static func * (a: TowerFp12, b: TowerFp12) -> TowerFp12 {
        let v0 = a.c0 * b.c0
        let v1 = a.c1 * b.c1
        return TowerFp12(v0 + v1.multipliedByV(), (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1)
    }

    /// Complex squaring (Devegili et al. 2006 §3): (a0 + a1 w)² = (a0 + a1)(a0 + v a1) − a0a1 − v a0a1 + 2 a0a1 w.
    func squared() -> TowerFp12 {
        let ab = c0 * c1
        let c0New = (c0 + c1) * (c0 + c1.multipliedByV()) - ab - ab.multipliedByV()
        return TowerFp12(c0New, ab.doubled())
    }

    func doubled() -> TowerFp12 { TowerFp12(c0.doubled(), c1.doubled()) }

    /// Multiplication by the sparse element l0 + l1·w + l3·w³ (b0 = (l0, 0, 0), b1 = (l1, l3, 0)):
    /// the shape of a line of a D-type twist (BN254). Karatsuba as in `*`, with the sparse Fp6
    /// products written out.
    func multiplied(w0 l0: Fp2, w1 l1: Fp2, w3 l3: Fp2) -> TowerFp12 {
        let v0 = c0.scaled(by: l0)
        let v1 = c1.multipliedBySparse(l1, l3)
        let mixed = (c0 + c1).multipliedBySparse(l0 + l1, l3)
        return TowerFp12(v0 + v1.multipliedByV(), mixed - v0 - v1)
    }

    /// Multiplication by the sparse element l0 + l2·w² + l3·w³ (b0 = (l0, l2, 0), b1 = (0, l3, 0)):
    /// the shape of a line of an M-type twist (BLS12-381). Karatsuba as in `*`, with the sparse
    /// Fp6 products written out.
    func multiplied(w0 l0: Fp2, w2 l2: Fp2, w3 l3: Fp2) -> TowerFp12 {
        let v0 = c0.multipliedBySparse(l0, l2)
        let v1 = c1.scaled(by: l3).multipliedByV()
        let mixed = (c0 + c1).multipliedBySparse(l0, l2 + l3)
        return TowerFp12(v0 + v1.multipliedByV(), mixed - v0 - v1)
    }

    /// 1/(a0 + a1 w) = (a0 − a1 w)/(a0² − v a1²); nil for zero.
    func inverse() -> TowerFp12? {
        let norm = c0.squared() - c1.squared().multipliedByV()
        guard let normInverse = norm.inverse() else { return nil }
        return TowerFp12(c0 * normInverse, -(c1 * normInverse))
    }

    /// a0 − a1 w: the p⁶-power Frobenius, and the inverse for elements of the cyclotomic subgroup.
    var conjugate: TowerFp12 { TowerFp12(c0, -c1) }

    /// γᵢ = ξ^(i(p−1)/6) for i = 0…5, computed from `P.xi` and `P.pMinus1Over6`; each curve keeps
    /// the result in its `frobeniusCoefficients`.
    static func computeFrobeniusCoefficients() -> [Fp2] {
        let gamma1 = P.xi.power(P.pMinus1Over6)
        var result = [Fp2.one]
        for _ in 1..<6 { result.append(result[result.count - 1] * gamma1) }
        return result
    }

    /// The curve's γᵢ = ξ^(i(p−1)/6).
    static var frobeniusCoefficients: [Fp2] { P.frobeniusCoefficients }

    /// The Frobenius map f ↦ f^p: (a·wⁱ)^p = conj(a)·γᵢ·wⁱ for each coefficient a ∈ Fp2.
    func frobenius() -> TowerFp12 {
        let g = P.frobeniusCoefficients
        return TowerFp12(Fp6(c0.c0.conjugate, c0.c1.conjugate * g[2], c0.c2.conjugate * g[4]),
                         Fp6(c1.c0.conjugate * g[1], c1.c1.conjugate * g[3], c1.c2.conjugate * g[5]))
    }

    /// f^(p^k).
    func frobenius(_ k: Int) -> TowerFp12 {
        var f = self
        for _ in 0..<k { f = f.frobenius() }
        return f
    }

    /// f² for f in the cyclotomic subgroup (f^(p⁶+1) = 1 and f^(p⁴−p²+1) = 1, which holds after
    /// the easy part of the final exponentiation), by Granger and Scott, "Faster Squaring in the
    /// Cyclotomic Subgroup of Sixth Degree Extensions" (PKC 2010), §3. View Fp12 as
    /// Fp4[w]/(w³ − t) with Fp4 = Fp2[t]/(t² − ξ), t = w³, and f = A + B·w + C·w² where
    /// A = a0 + a3·t, B = a1 + a4·t, C = a2 + a5·t (aᵢ the coefficient of wⁱ); then
    /// f² = (3A² − 2Ā) + (3t·C² + 2B̄)·w + (3B² − 2C̄)·w², x̄ being x with t ↦ −t.
    /// Three Fp4 squarings instead of a full Fp12 squaring. Wrong outside the subgroup (tests
    /// compare it with `squared()` on cyclotomic elements of both curves).
    func cyclotomicSquared() -> TowerFp12 {
        /// (x + y·t)² = (x² + ξ·y²) + 2xy·t, with 2xy = (x + y)² − x² − y².
        func fp4Square(_ x: Fp2, _ y: Fp2) -> (Fp2, Fp2) {
            let x2 = x.squared(), y2 = y.squared()
            return (x2 + y2.multipliedByXi(), (x + y).squared() - x2 - y2)
        }
        func triple(_ a: Fp2) -> Fp2 { a.doubled() + a }
        let (a0, a1, a2, a3, a4, a5) = (c0.c0, c1.c0, c0.c1, c1.c1, c0.c2, c1.c2)
        let (aa0, aa1) = fp4Square(a0, a3)          // A²
        let (bb0, bb1) = fp4Square(a1, a4)          // B²
        let (cc0, cc1) = fp4Square(a2, a5)          // C²
        let n0 = triple(aa0) - a0.doubled(), n3 = triple(aa1) + a3.doubled()                  // 3A² − 2Ā
        let n1 = triple(cc1.multipliedByXi()) + a1.doubled(), n4 = triple(cc0) - a4.doubled() // 3t·C² + 2B̄
        let n2 = triple(bb0) - a2.doubled(), n5 = triple(bb1) + a5.doubled()                  // 3B² − 2C̄
        return TowerFp12(Fp6(n0, n2, n4), Fp6(n1, n3, n5))
    }

    /// f^e for f in the cyclotomic subgroup, square-and-multiply with `cyclotomicSquared`.
    func cyclotomicPower(_ e: UInt64) -> TowerFp12 {
        var result = TowerFp12.one
        var bit = 63 - e.leadingZeroBitCount
        while bit >= 0 {
            result = result.cyclotomicSquared()
            if (e >> UInt64(bit)) & 1 == 1 { result = result * self }
            bit -= 1
        }
        return result
    }
}
