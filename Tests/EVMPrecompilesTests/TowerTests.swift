import Testing
import EVMCore
import _TestSupport
@testable import EVMPrecompiles

/// The one extension-field tower (`TowerFp2`/`TowerFp6`/`TowerFp12`), checked for both curves'
/// parameters: the non-residues make each step a field, the short forms agree with the
/// general formulas, and the Frobenius coefficients give the p-power map.
@Suite struct TowerTests {
    /// A pseudo-random base-field element: Σ rᵢ·Kⁱ with K = 2^64 − 1 and seeded 64-bit rᵢ, so
    /// the value covers the whole field (base fields here are below 2^384).
    static func fp<P: TowerParameters>(_: P.Type, _ rng: inout SeededRNG) -> P.Base {
        let k = P.Base(UInt64.max)
        var x = P.Base.zero, scale = P.Base.one
        for _ in 0..<6 { x = x + P.Base(rng.next()) * scale; scale = scale * k }
        return x
    }

    static func fp2<P: TowerParameters>(_ p: P.Type, _ rng: inout SeededRNG) -> TowerFp2<P> {
        TowerFp2(fp(p, &rng), fp(p, &rng))
    }

    static func fp12<P: TowerParameters>(_ p: P.Type, _ rng: inout SeededRNG) -> TowerFp12<P> {
        func fp6() -> TowerFp6<P> { TowerFp6(fp2(p, &rng), fp2(p, &rng), fp2(p, &rng)) }
        return TowerFp12(fp6(), fp6())
    }

    /// With a = N(ξ)^((p−1)/6) for the norm N(ξ) = ξ·ξ̄ = c0² + c1² ∈ Fp: ξ is a square in Fp2
    /// iff N(ξ)^((p−1)/2) = a³ = 1, and a cube iff ξ^((p²−1)/3) = N(ξ)^((p−1)/3) = a² = 1. Both
    /// must fail for v³ − ξ and w⁶ − ξ to be irreducible. Likewise u² + 1 is irreducible iff −1
    /// is a non-square: (−1)^((p−1)/2) ≠ 1. And (p−1)/6 is right: b^(6·(p−1)/6) = 1 for b ≠ 0.
    static func checkNonResidues<P: TowerParameters>(_ p: P.Type, seed: UInt64) {
        let e = P.pMinus1Over6
        let xi = P.xi
        let a = (xi.c0.squared() + xi.c1.squared()).power(e)
        #expect(a.squared() != .one, "ξ is a cube in Fp2 (\(P.self))")
        #expect(a.squared() * a != .one, "ξ is a square in Fp2 (\(P.self))")
        let m = (-P.Base.one).power(e)
        #expect(m.squared() * m != .one, "−1 is a square in Fp (\(P.self))")
        var rng = SeededRNG(seed: seed)
        for _ in 0..<4 {
            let b = fp(p, &rng)
            if b.isZero { continue }
            let c = b.power(e)
            #expect((c.squared() * c).squared() == .one, "seed \(seed)")
        }
        let u = TowerFp2<P>(.zero, .one)
        #expect(u * u == -TowerFp2<P>.one)
    }

    /// ξ's short form equals the multiplication; v³ = ξ and w² = v; the Frobenius map is the
    /// p-th power (γ checked through f^p computed by square-and-multiply); cyclotomic squaring
    /// equals squaring on the image of the easy part.
    static func checkTower<P: TowerParameters>(_ p: P.Type, modulusWords: [UInt64], seed: UInt64) {
        var rng = SeededRNG(seed: seed)
        for _ in 0..<8 {
            let a = fp2(p, &rng)
            #expect(a.multipliedByXi() == a * P.xi, "seed \(seed)")
        }
        let v = TowerFp6<P>(.zero, .one, .zero)
        #expect(v * v * v == TowerFp6(P.xi, .zero, .zero))
        let w = TowerFp12<P>(.zero, .one)
        #expect(w * w == TowerFp12(v, .zero))
        #expect(P.frobeniusCoefficients.count == 6 && P.frobeniusCoefficients[0] == .one)
        let f = fp12(p, &rng)
        #expect(f.frobenius() == f.power(modulusWords), "seed \(seed)")
        #expect(f.frobenius(6) == f.conjugate, "seed \(seed)")
        if let fi = f.inverse() {
            let m = (f.conjugate * fi).frobenius(2) * (f.conjugate * fi)   // the easy part: cyclotomic
            #expect(m.cyclotomicSquared() == m.squared(), "seed \(seed)")
            #expect(m.cyclotomicPower(0xd201) == m.power([0xd201]), "seed \(seed)")
            #expect(m * m.conjugate == .one, "seed \(seed)")
        }
    }

    @Test func bn254NonResidues() { Self.checkNonResidues(BN254.Tower.self, seed: 0x70e1) }

    @Test func bls12381NonResidues() { Self.checkNonResidues(BLS12381.Tower.self, seed: 0x70e2) }

    @Test func bn254Tower() {
        let p = BN254.p
        Self.checkTower(BN254.Tower.self, modulusWords: [p.w0, p.w1, p.w2, p.w3], seed: 0x70e3)
    }

    @Test func bls12381Tower() {
        let m = BLS12381.Fp.modulus
        Self.checkTower(BLS12381.Tower.self, modulusWords: [m.l0, m.l1, m.l2, m.l3, m.l4, m.l5], seed: 0x70e4)
    }
}
