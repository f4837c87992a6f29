/// Fp6 = Fp2[v]/(v³ − ξ): c0 + c1·v + c2·v². Multiplication and inversion follow Devegili et
/// al. 2006 (§4, Karatsuba) and Scott's "Implementing cryptographic pairings" (2007).
struct TowerFp6<P: TowerParameters>: FieldArithmetic, Hashable {
    typealias Fp2 = TowerFp2<P>
    var c0: Fp2
    var c1: Fp2
    var c2: Fp2

    init(_ c0: Fp2, _ c1: Fp2, _ c2: Fp2) { self.c0 = c0; self.c1 = c1; self.c2 = c2 }

    static var zero: TowerFp6 { TowerFp6(.zero, .zero, .zero) }
    static var one: TowerFp6 { TowerFp6(.one, .zero, .zero) }

    var isZero: Bool { c0.isZero && c1.isZero && c2.isZero }

    static func + (a: TowerFp6, b: TowerFp6) -> TowerFp6 { TowerFp6(a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2) }
    static func - (a: TowerFp6, b: TowerFp6) -> TowerFp6 { TowerFp6(a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2) }
    static prefix func - (a: TowerFp6) -> TowerFp6 { TowerFp6(-a.c0, -a.c1, -a.c2) }

    /// Karatsuba: six Fp2 multiplications.
    static func * (a: TowerFp6, b: TowerFp6) -> TowerFp6 {
        let v0 = a.c0 * b.c0
        let v1 = a.c1 * b.c1
        let v2 = a.c2 * b.c2
        let c0 = v0 + ((a.c1 + a.c2) * (b.c1 + b.c2) - v1 - v2).multipliedByXi()
        let c1 = (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1 + v2.multipliedByXi()
        let c2 = (a.c0 + a.c2) * (b.c0 + b.c2) - v0 - v2 + v1
        return TowerFp6(c0, c1, c2)
    }

    func squared() -> TowerFp6 { self * self }

    func doubled() -> TowerFp6 { TowerFp6(c0.doubled(), c1.doubled(), c2.doubled()) }

    /// Multiplication by v: (c0 + c1 v + c2 v²)·v = ξc2 + c0 v + c1 v².
    func multipliedByV() -> TowerFp6 { TowerFp6(c2.multipliedByXi(), c0, c1) }

    /// Multiplication by d0 + d1·v: (c0 + c1 v + c2 v²)(d0 + d1 v)
    /// = (c0 d0 + ξ c2 d1) + (c0 d1 + c1 d0) v + (c1 d1 + c2 d0) v².
    func multipliedBySparse(_ d0: Fp2, _ d1: Fp2) -> TowerFp6 {
        TowerFp6(c0 * d0 + (c2 * d1).multipliedByXi(), c0 * d1 + c1 * d0, c1 * d1 + c2 * d0)
    }

    /// Multiplication by an element of Fp2.
    func scaled(by k: Fp2) -> TowerFp6 { TowerFp6(c0 * k, c1 * k, c2 * k) }

    /// Nil for zero.
    func inverse() -> TowerFp6? {
        let t0 = c0.squared() - (c1 * c2).multipliedByXi()
        let t1 = c2.squared().multipliedByXi() - c0 * c1
        let t2 = c1.squared() - c0 * c2
        let norm = c0 * t0 + (c2 * t1 + c1 * t2).multipliedByXi()
        guard let normInverse = norm.inverse() else { return nil }
        return TowerFp6(t0 * normInverse, t1 * normInverse, t2 * normInverse)
    }
}
