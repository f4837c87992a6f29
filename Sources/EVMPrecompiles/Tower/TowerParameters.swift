/// A prime field Fp that the pairing tower is built over (BN254's and BLS12-381's base fields).
/// Elements are fully reduced, so `==` is equality in the field.
protocol PrimeField: FieldArithmetic, Hashable, CustomStringConvertible {
    /// The element with the small value `value` (`value` < p).
    init(_ value: UInt64)
}

/// What fixes one curve's tower Fp ⊂ Fp2 ⊂ Fp6 ⊂ Fp12 (`TowerFp2`, `TowerFp6`, `TowerFp12`):
///
/// - Fp2 = Fp[u]/(u² − β) with β = −1 for both curves here. β is not a parameter: −1 is a
///   non-residue exactly when p ≡ 3 (mod 4), which holds for both BN254 and BLS12-381, and
///   fixing it keeps Fp2 multiplication at three base multiplications (tests check that −1 is a
///   non-square in each base field).
/// - Fp6 = Fp2[v]/(v³ − ξ) and Fp12 = Fp6[w]/(w² − v), so w⁶ = ξ: ξ must be neither a square
///   nor a cube in Fp2 (ξ = 9 + u for BN254, 1 + u for BLS12-381; tests check both conditions).
/// - The Frobenius coefficients γᵢ = ξ^(i(p−1)/6), i = 0…5, with (a·wⁱ)^p = conj(a)·γᵢ·wⁱ for a
///   in Fp2; each curve stores them once (`TowerFp12.computeFrobeniusCoefficients()`), since a
///   generic type cannot hold a stored static.
///
/// The tower types are generic over this protocol and specialised by the optimiser within the
/// module (every use is at a concrete curve), so the arithmetic compiles as if written per curve.
protocol TowerParameters: Sendable {
    associatedtype Base: PrimeField
    /// ξ ∈ Fp2, the sextic non-residue defining Fp6, Fp12 and the twist.
    static var xi: TowerFp2<Self> { get }
    /// a·ξ. For the small ξ of both curves a few additions instead of a multiplication;
    /// must equal `a * xi` (tested).
    static func multipliedByXi(_ a: TowerFp2<Self>) -> TowerFp2<Self>
    /// (p − 1)/6 as 64-bit words, least significant first (p ≡ 1 (mod 6) for both curves).
    static var pMinus1Over6: [UInt64] { get }
    /// γᵢ = ξ^(i(p−1)/6) for i = 0…5.
    static var frobeniusCoefficients: [TowerFp2<Self>] { get }
}
