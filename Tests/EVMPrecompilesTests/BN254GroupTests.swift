import Testing
import EVMCore
import _TestSupport
@testable import EVMPrecompiles

typealias G1 = BN254.G1
typealias G2 = BN254.G2

/// Square roots for building off-subgroup test points (p ≡ 3 mod 4).
enum TestSqrt {
    static func fp(_ a: Fp) -> Fp? {
        let e = (BN254.p &+ .one).shiftedRight(2)
        let s = a.power([e.w0, e.w1, e.w2, e.w3])
        return s.squared() == a ? s : nil
    }

    /// √(a0 + a1 u) by the norm method: with α = √(a0² + a1²), x0 = √((a0 ± α)/2), x1 = a1/(2x0).
    static func fp2(_ a: Fp2) -> Fp2? {
        if a.isZero { return .zero }
        guard let alpha = fp(a.c0.squared() + a.c1.squared()), let half = Fp(2).inverse() else { return nil }
        for candidate in [(a.c0 + alpha) * half, (a.c0 - alpha) * half] {
            guard let x0 = fp(candidate), let inv = x0.doubled().inverse() else { continue }
            let root = Fp2(x0, a.c1 * inv)
            if root.squared() == a { return root }
        }
        return nil
    }

    /// A point of E'(Fp2) outside G2: the twist has order h·r with h = 2p − r, so a random point
    /// lies in G2 with probability 1/h.
    static func twistPointOutsideG2(seed: UInt64) -> G2 {
        var rand = BN254Random(seed: seed)
        while true {
            let x = rand.fp2()
            if let y = fp2(x.squared() * x + BN254.G2Curve.b) {
                let q = G2(affineX: x, affineY: y)
                if !BN254.isInG2(q) { return q }
            }
        }
    }
}

@Suite struct BN254GroupTests {
    @Test func generatorsAreOnTheirCurvesWithOrderR() {
        #expect(BN254.g1Generator.isOnCurve)
        #expect(BN254.g2Generator.isOnCurve)
        #expect(BN254.g1Generator.multiplied(by: BN254.r).isInfinity)
        #expect(BN254.isInG2(BN254.g2Generator))
        #expect(BN254.g1Generator.multiplied(by: BN254.r &- .one) == -BN254.g1Generator)
        #expect(BN254.g2Generator.multiplied(by: BN254.r &+ UInt256(5)) == BN254.g2Generator.multiplied(by: UInt256(5)))
        // 2·(1, 2) from EIP-196's own example.
        let twoG = BN254.encodeG1(BN254.g1Generator.doubled())
        #expect(Hex.encode(twoG) == "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd315ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4")
    }

    @Test func g1GroupLaws() {
        var rand = BN254Random(seed: 0x61)
        let g = BN254.g1Generator
        for _ in 0..<12 {
            let a = rand.scalar(), b = rand.scalar(), c = rand.scalar()
            let pa = g.multiplied(by: a), pb = g.multiplied(by: b), pc = g.multiplied(by: c)
            #expect(pa.isOnCurve && pb.isOnCurve)
            #expect(pa + pb == pb + pa)
            #expect((pa + pb) + pc == pa + (pb + pc))
            #expect(pa + .infinity == pa)
            #expect((pa - pa).isInfinity)
            #expect(pa + pa == pa.doubled())
            #expect(g.multiplied(by: UInt256.evmAddmod(a, b, BN254.r)) == pa + pb)
            #expect(pa.multiplied(by: b) == pb.multiplied(by: a))
        }
    }

    @Test func g2GroupLawsAndFrobenius() {
        var rand = BN254Random(seed: 0x62)
        let g = BN254.g2Generator
        for _ in 0..<6 {
            let a = rand.scalar(), b = rand.scalar()
            let qa = g.multiplied(by: a), qb = g.multiplied(by: b)
            #expect(qa.isOnCurve && BN254.isInG2(qa))
            #expect(qa + qb == qb + qa)
            #expect((qa - qa).isInfinity)
            #expect(g.multiplied(by: UInt256.evmAddmod(a, b, BN254.r)) == qa + qb)
            // On G2 the Frobenius endomorphism acts as multiplication by p.
            guard let (x, y) = qa.affine else { Issue.record("non-zero multiple is infinity"); continue }
            let f = BN254.twistFrobenius(x: x, y: y)
            #expect(G2(affineX: f.x, affineY: f.y) == qa.multiplied(by: UInt256.evmMod(BN254.p, BN254.r)))
        }
    }

    @Test func twistPointsOutsideG2AreDetected() {
        let q = TestSqrt.twistPointOutsideG2(seed: 0x0FF)
        #expect(q.isOnCurve)
        #expect(!BN254.isInG2(q))
        // Multiplying by the cofactor h = 2p − r lands in G2.
        let h = BN254.p &+ BN254.p &- BN254.r
        #expect(BN254.isInG2(q.multiplied(by: h)))
    }
}
