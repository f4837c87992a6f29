import Testing
import EVMCore
import _TestSupport
@testable import EVMPrecompiles

typealias Fp = BN254.Fp
typealias Fp2 = BN254.Fp2
typealias Fp6 = BN254.Fp6
typealias Fp12 = BN254.Fp12

/// Seeded random field elements for the BN254 tests.
struct BN254Random {
    var rng: SeededRNG
    init(seed: UInt64) { rng = SeededRNG(seed: seed) }

    mutating func word() -> UInt256 { UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()) }
    mutating func fp() -> Fp { Fp(canonical: UInt256.evmMod(word(), BN254.p)) ?? .zero }
    mutating func fp2() -> Fp2 { Fp2(fp(), fp()) }
    mutating func fp6() -> Fp6 { Fp6(fp2(), fp2(), fp2()) }
    mutating func fp12() -> Fp12 { Fp12(fp6(), fp6()) }
    /// A scalar in [1, r).
    mutating func scalar() -> UInt256 { UInt256.evmMod(word(), BN254.r &- .one) &+ .one }
}

@Suite struct BN254FieldTests {
    @Test func montgomeryConstants() {
        // -p⁻¹ mod 2^64 for the BN254 base field, a published constant of every implementation.
        #expect(Fp.inverseNegModulus == 0x87d2_0782_e486_6389)
        #expect(Fp.inverseNegModulus &* BN254.p.w0 == UInt64.max) // p0 · (−p0⁻¹) ≡ −1
        #expect(Fp.one.canonical == .one)
        #expect(Fp.rModP == UInt256.evmMod(UInt256.zero &- BN254.p, BN254.p)) // 2^256 mod p
        #expect(Fp(7).canonical == UInt256(7))
        #expect(BN254.ateLoopCount == UInt256(hex: "0x19d797039be763ba8"))
    }

    @Test func canonicalRangeIsEnforced() {
        #expect(Fp(canonical: BN254.p) == nil)
        #expect(Fp(canonical: BN254.p &+ .one) == nil)
        #expect(Fp(canonical: .max) == nil)
        #expect(Fp(canonical: BN254.p &- .one)?.canonical == BN254.p &- .one)
        #expect((Fp(canonical: BN254.p &- .one)! + Fp.one).isZero)
    }

    @Test func fpMatchesUInt256ModularModel() {
        var rand = BN254Random(seed: 0xF9)
        let p = BN254.p
        for _ in 0..<300 {
            let a = UInt256.evmMod(rand.word(), p), b = UInt256.evmMod(rand.word(), p)
            let fa = Fp(canonical: a)!, fb = Fp(canonical: b)!
            #expect((fa * fb).canonical == UInt256.evmMulmod(a, b, p))
            #expect((fa + fb).canonical == UInt256.evmAddmod(a, b, p))
            #expect((fa - fb).canonical == UInt256.evmAddmod(a, p &- b, p))
            #expect((-fa).canonical == UInt256.evmMod(p &- a, p))
            #expect(fa.squared() == fa * fa)
            if let inv = fa.inverse() { #expect(fa * inv == .one) } else { #expect(a.isZero) }
        }
        #expect(Fp.zero.inverse() == nil)
    }

    @Test func fp2AxiomsAndNonResidue() {
        var rand = BN254Random(seed: 0xF92)
        // u² = −1
        let u = Fp2(.zero, .one)
        #expect(u * u == -Fp2.one)
        for _ in 0..<100 {
            let a = rand.fp2(), b = rand.fp2(), c = rand.fp2()
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a * b == b * a)
            #expect(a.squared() == a * a)
            #expect(a.multipliedByXi() == a * Fp2.xi)
            #expect((a * b).conjugate == a.conjugate * b.conjugate)
            if let inv = a.inverse() { #expect(a * inv == .one) }
        }
        #expect(Fp2.zero.inverse() == nil)
    }

    @Test func fp6Axioms() {
        var rand = BN254Random(seed: 0xF96)
        let v = Fp6(.zero, .one, .zero)
        #expect(v * v * v == Fp6(Fp2.xi, .zero, .zero)) // v³ = ξ
        for _ in 0..<40 {
            let a = rand.fp6(), b = rand.fp6(), c = rand.fp6()
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a.multipliedByV() == a * v)
            if let inv = a.inverse() { #expect(a * inv == .one) }
        }
    }

    @Test func fp12AxiomsAndFrobenius() {
        var rand = BN254Random(seed: 0xF912)
        let w = Fp12(.zero, .one)
        #expect(w * w == Fp12(Fp6(.zero, .one, .zero), .zero)) // w² = v
        for _ in 0..<12 {
            let a = rand.fp12(), b = rand.fp12(), c = rand.fp12()
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a.squared() == a * a)
            if let inv = a.inverse() { #expect(a * inv == .one) }
            #expect((a * b).frobenius() == a.frobenius() * b.frobenius())
            #expect(a.frobenius(12) == a)
            #expect(a.frobenius(6) == a.conjugate)
        }
        // The Frobenius map really is x ↦ x^p.
        let a = rand.fp12()
        let p = BN254.p
        #expect(a.frobenius() == a.power([p.w0, p.w1, p.w2, p.w3]))
    }

    @Test func twistCoefficient() {
        // b' = 3/(9 + u), a published constant of the alt_bn128 twist.
        let expected = Fp2(Fp(canonical: UInt256(decimal: "19485874751759354771024239261021720505790618469301721065564631296452457478373")!)!,
                           Fp(canonical: UInt256(decimal: "266929791119991161246907387137283842545076965332900288569378510910307636690")!)!)
        #expect(BN254.G2Curve.b == expected)
        #expect(BN254.G2Curve.b * Fp2.xi == Fp2(Fp(3), .zero))
    }
}
