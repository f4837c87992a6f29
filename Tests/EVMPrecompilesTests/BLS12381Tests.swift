import Testing
import EVMCore
@testable import EVMPrecompiles

/// Random field elements and scalars for property tests, drawn from the one seeded generator
/// (`SplitMix64`).
struct SeededBLSRandom {
    var rng: SplitMix64
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { rng.next() }
    /// A random scalar below r (top limb masked to 254 bits, so it is < r).
    mutating func scalar() -> UInt256 { UInt256(w0: next(), w1: next(), w2: next(), w3: next() & 0x3fff_ffff_ffff_ffff) }
    mutating func fp() -> BLS12381.Fp {
        BLS12381.Fp(limbs: next(), next(), next(), next(), next(), next() & 0x0fff_ffff_ffff_ffff) * BLS12381.Fp.rSquared
    }
}

@Suite struct BLS12381Tests {
    typealias Fp = BLS12381.Fp
    typealias Fp2 = BLS12381.Fp2

    @Test func fieldBasics() {
        var rng = SeededBLSRandom(seed: 0xb15)
        #expect(Fp.one * Fp.one == Fp.one)
        #expect(Fp(3) * Fp(5) == Fp(15))
        #expect(Fp(2) - Fp(5) == -Fp(3))
        #expect(Fp(hex: "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab") == nil)
        #expect((Fp(hex: "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaaa") ?? .zero) == -Fp.one)
        for _ in 0..<20 {
            let a = rng.fp(), b = rng.fp(), c = rng.fp()
            #expect((a + b) * c == a * c + b * c)
            #expect(a * (a.inverse() ?? .zero) == (a.isZero ? .zero : .one))
            #expect(Fp(bigEndian: a.bigEndianBytes) == a)
            if let root = a.squared().squareRoot() { #expect(root == a || root == -a) } else { Issue.record("square has no root") }
            let x = Fp2(a, b)
            #expect(x * (x.inverse() ?? .zero) == .one)
            if let root = x.squared().squareRoot() { #expect(root == x || root == -x) } else { Issue.record("Fp2 square has no root") }
        }
    }

    @Test func generatorsHaveOrderR() {
        #expect(BLS12381.g1Generator.isOnCurve)
        #expect(BLS12381.g2Generator.isOnCurve)
        #expect(BLS12381.isInG1(BLS12381.g1Generator))
        #expect(BLS12381.isInG2(BLS12381.g2Generator))
        #expect(!BLS12381.g1Generator.multiplied(by: BLS12381.r &- UInt256(1)).isInfinity)
    }

    @Test func groupLaws() {
        var rng = SeededBLSRandom(seed: 7)
        let g = BLS12381.g1Generator, h = BLS12381.g2Generator
        for _ in 0..<3 {
            let a = rng.scalar(), b = rng.scalar()
            #expect(g.multiplied(by: a) + g.multiplied(by: b) == g.multiplied(by: a &+ b))
            #expect(h.multiplied(by: a) + h.multiplied(by: b) == h.multiplied(by: a &+ b))
            #expect(g.multiplied(by: a) - g.multiplied(by: a) == .infinity)
        }
    }

    /// The addition-chain hard part equals the cube of the plain power by (p⁴ − p² + 1)/r.
    @Test func hardPartMatchesReferenceExponent() {
        let f = BLS12381.OptimalAte.millerLoop(BLS12381.g1Generator, BLS12381.g2Generator)
        let m = BLS12381.OptimalAte.easyPart(f) ?? .zero
        let reference = m.power(BLS12381.hardPartExponent)
        #expect(BLS12381.OptimalAte.hardPart(m) == reference.squared() * reference)
    }

    @Test func pairingIsBilinearAndNonDegenerate() {
        var rng = SeededBLSRandom(seed: 42)
        let g = BLS12381.g1Generator, h = BLS12381.g2Generator
        let e = BLS12381.OptimalAte.pairing(g, h)
        #expect(e != .one)
        #expect(e.power([BLS12381.r.w0, BLS12381.r.w1, BLS12381.r.w2, BLS12381.r.w3]) == .one)
        let a = rng.scalar(), b = rng.scalar()
        let lhs = BLS12381.OptimalAte.pairing(g.multiplied(by: a), h.multiplied(by: b))
        let ab = e.power([a.w0, a.w1, a.w2, a.w3]).power([b.w0, b.w1, b.w2, b.w3])
        #expect(lhs == ab)
        #expect(BLS12381.OptimalAte.productIsOne([(g.multiplied(by: a), h), (-g, h.multiplied(by: a))]))
        #expect(!BLS12381.OptimalAte.productIsOne([(g.multiplied(by: a), h), (-g, h.multiplied(by: b))]))
        #expect(BLS12381.OptimalAte.productIsOne([(g, h), (-g, h)]))
    }

    /// g2_monomial[0] of the trusted setup is the compressed G2 generator.
    @Test func compressedGeneratorsDecode() throws {
        let g2 = try Hex.decode("93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8")
        #expect(BLS12381.decompressG2(g2) == BLS12381.g2Generator)
        let g1 = try Hex.decode("97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb")
        #expect(BLS12381.decompressG1(g1) == BLS12381.g1Generator)
        #expect(!PointEvaluation.tauG2.isInfinity)
    }
}
