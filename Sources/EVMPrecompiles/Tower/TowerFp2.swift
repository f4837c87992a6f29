/// Fp2 = Fp[u]/(u² + 1): c0 + c1·u, over the base field of `P` (see `TowerParameters` for why
/// u² = −1 is fixed). Multiplication is Karatsuba, squaring the "complex" method (Devegili,
/// Ó hÉigeartaigh, Scott, Dahab, "Multiplication and Squaring on Pairing-Friendly Fields",
/// 2006, §3).
struct TowerFp2<P: TowerParameters>: FieldArithmetic, Hashable {
    typealias Fp = P.Base
    var c0: Fp
    var c1: Fp

    init(_ c0: Fp, _ c1: Fp) { self.c0 = c0; self.c1 = c1 }

    static var zero: TowerFp2 { TowerFp2(.zero, .zero) }
    static var one: TowerFp2 { TowerFp2(.one, .zero) }

    /// ξ, the sextic non-residue defining Fp6 and the twist.
    static var xi: TowerFp2 { P.xi }

    var isZero: Bool { c0.isZero && c1.isZero }

    static func + (a: TowerFp2, b: TowerFp2) -> TowerFp2 { TowerFp2(a.c0 + b.c0, a.c1 + b.c1) }
    static func - (a: TowerFp2, b: TowerFp2) -> TowerFp2 { TowerFp2(a.c0 - b.c0, a.c1 - b.c1) }
    static prefix func - (a: TowerFp2) -> TowerFp2 { TowerFp2(-a.c0, -a.c1) }

    /// (a0 + a1 u)(b0 + b1 u) = (a0b0 − a1b1) + ((a0 + a1)(b0 + b1) − a0b0 − a1b1)u.
    static func * (a: TowerFp2, b: TowerFp2) -> TowerFp2 {
        let v0 = a.c0 * b.c0
        let v1 = a.c1 * b.c1
        return TowerFp2(v0 - v1, (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1)
    }

    /// Multiplication by an element of the base field.
    func scaled(by k: Fp) -> TowerFp2 { TowerFp2(c0 * k, c1 * k) }

    /// (c0 + c1 u)² = (c0 + c1)(c0 − c1) + 2·c0·c1·u.
    func squared() -> TowerFp2 {
        let t = c0 * c1
        return TowerFp2((c0 + c1) * (c0 - c1), t.doubled())
    }

    func doubled() -> TowerFp2 { TowerFp2(c0.doubled(), c1.doubled()) }

    /// Multiplication by ξ (the curve's short form, equal to `self * .xi`).
    func multipliedByXi() -> TowerFp2 { P.multipliedByXi(self) }

    /// The conjugate c0 − c1·u, which is also the Frobenius map a ↦ a^p.
    var conjugate: TowerFp2 { TowerFp2(c0, -c1) }

    /// 1/(c0 + c1 u) = (c0 − c1 u)/(c0² + c1²); nil for zero.
    func inverse() -> TowerFp2? {
        guard let normInverse = (c0.squared() + c1.squared()).inverse() else { return nil }
        return TowerFp2(c0 * normInverse, -(c1 * normInverse))
    }
}

extension TowerFp2: CustomStringConvertible {
    var description: String { "(\(c0) + \(c1)·u)" }
}
