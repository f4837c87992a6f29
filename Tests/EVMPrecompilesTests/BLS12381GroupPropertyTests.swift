import Testing
import EVMCore
import _TestSupport
@testable import EVMPrecompiles

/// Random points of E(Fp) and E'(Fp2) for BLS12-381 property tests, from a seed: points in the
/// subgroups (k·G) and points of the whole curve (random x with x³ + b a square), which lie
/// outside G1/G2 except with probability 1/h.
struct BLSPointSource {
    let seed: UInt64
    var rng: SeededBLSRandom

    init(seed: UInt64) { self.seed = seed; rng = SeededBLSRandom(seed: seed) }

    mutating func g1() -> BLS12381.G1 { BLS12381.g1Generator.multiplied(by: rng.scalar()) }
    mutating func g2() -> BLS12381.G2 { BLS12381.g2Generator.multiplied(by: rng.scalar()) }

    mutating func curvePoint() -> BLS12381.G1 {
        while true {
            let x = rng.fp()
            if let y = (x.squared() * x + BLS12381.G1Curve.b).squareRoot() { return BLS12381.G1(affineX: x, affineY: y) }
        }
    }

    mutating func twistPoint() -> BLS12381.G2 {
        while true {
            let x = BLS12381.Fp2(rng.fp(), rng.fp())
            if let y = (x.squared() * x + BLS12381.G2Curve.b).squareRoot() { return BLS12381.G2(affineX: x, affineY: y) }
        }
    }

    /// A scalar that is often an edge case: 0, 1, r − 1, r, r + 1, 2²⁵⁶ − 1, or random below r.
    mutating func edgeScalar() -> UInt256 {
        switch rng.next() % 8 {
        case 0: return .zero
        case 1: return .one
        case 2: return BLS12381.r &- .one
        case 3: return BLS12381.r
        case 4: return BLS12381.r &+ .one
        case 5: return .max
        default: return rng.scalar()
        }
    }
}

/// Reference k·P by plain double-and-add over all 256 bits, independent of the windowed code.
func referenceMultiply<C>(_ p: JacobianPoint<C>, _ k: UInt256) -> JacobianPoint<C> {
    var result = JacobianPoint<C>.infinity
    var addend = p
    for bit in 0..<256 {
        if (k[limb: bit >> 6] >> UInt64(bit & 63)) & 1 == 1 { result = result + addend }
        addend = addend.doubled()
    }
    return result
}

/// Properties of the BLS12-381 groups and the fast algorithms the precompiles use: group laws,
/// scalar multiplication, Pippenger MSM = Σ kᵢPᵢ, endomorphism subgroup tests = r·P = O, and
/// ψ-based cofactor clearing = h_eff·P. Seeds are fixed and printed in every failure message;
/// replay with `swift test --filter BLS12381GroupPropertyTests`.
@Suite struct BLS12381GroupPropertyTests {
    typealias G1 = BLS12381.G1
    typealias G2 = BLS12381.G2

    @Test func groupLawsG1AndG2() {
        let seed: UInt64 = 0x6101
        var src = BLSPointSource(seed: seed)
        for round in 0..<3 {
            let (p, q, s) = (src.g1(), src.g1(), src.curvePoint())
            #expect(p + q == q + p, "seed \(seed) round \(round): commutativity")
            #expect((p + q) + s == p + (q + s), "seed \(seed) round \(round): associativity")
            #expect(p + .infinity == p && G1.infinity + p == p, "seed \(seed): identity")
            #expect((p - p).isInfinity && (p + p) == p.doubled(), "seed \(seed): inverse, doubling")
            #expect((p + q).isOnCurve && (p + s).isOnCurve, "seed \(seed): closure")
            let (a, b) = (src.edgeScalar(), src.edgeScalar())
            #expect((p + q).multiplied(by: a) == p.multiplied(by: a) + q.multiplied(by: a), "seed \(seed) a=\(a): k(P+Q)")
            #expect(p.multiplied(by: a) + p.multiplied(by: b) == p.multiplied(by: UInt256.evmAddmod(a, b, BLS12381.r)),
                    "seed \(seed) a=\(a) b=\(b): aP + bP")
        }
        for round in 0..<2 {
            let (p, q, s) = (src.g2(), src.g2(), src.twistPoint())
            #expect(p + q == q + p, "seed \(seed) round \(round): G2 commutativity")
            #expect((p + q) + s == p + (q + s), "seed \(seed) round \(round): G2 associativity")
            #expect((p - p).isInfinity && p + .infinity == p && (p + p) == p.doubled(), "seed \(seed): G2 identity/inverse")
            let (a, b) = (src.rng.scalar(), src.rng.scalar())
            #expect(p.multiplied(by: a) + p.multiplied(by: b) == p.multiplied(by: UInt256.evmAddmod(a, b, BLS12381.r)),
                    "seed \(seed) a=\(a) b=\(b): G2 aP + bP")
            #expect(p.multiplied(by: a).multiplied(by: b) == p.multiplied(by: UInt256.evmMulmod(a, b, BLS12381.r)),
                    "seed \(seed): G2 a(bP) = (ab)P")
        }
    }

    /// The 4-bit-window multiplication equals plain double-and-add for edge and random scalars,
    /// on points in and outside the subgroups (where k is not reduced modulo r).
    @Test func windowedMultiplicationMatchesDoubleAndAdd() {
        let seed: UInt64 = 0x3a11
        var src = BLSPointSource(seed: seed)
        var rng = SeededRNG(seed: seed)
        for round in 0..<6 {
            let k = round < 3 ? src.edgeScalar() : UInt256.edgeBiased(using: &rng)
            let p = round % 2 == 0 ? src.g1() : src.curvePoint()
            #expect(p.multiplied(by: k) == referenceMultiply(p, k), "seed \(seed) round \(round) k=\(k)")
            #expect(G1.infinity.multiplied(by: k).isInfinity)
        }
        let q = src.twistPoint(), k = UInt256.edgeBiased(using: &rng)
        #expect(q.multiplied(by: k) == referenceMultiply(q, k), "seed \(seed) twist k=\(k)")
        let b = BN254.g1Generator.multiplied(by: UInt256(77)), kb = UInt256.edgeBiased(using: &rng)
        #expect(b.multiplied(by: kb) == referenceMultiply(b, kb), "seed \(seed) BN254 k=\(kb)")
    }

    @Test func bitWindowsOfUInt256() {
        let v = UInt256(w0: 0x0123_4567_89ab_cdef, w1: 0xfedc_ba98_7654_3210, w2: 0, w3: 0x8000_0000_0000_0001)
        #expect(v.bits(from: 0, count: 4) == 0xf)
        #expect(v.bits(from: 60, count: 8) == 0x00)   // 0x0 from w0's top nibble, 0x0 from w1's bottom nibble
        #expect(v.bits(from: 56, count: 16) == 0x1001)
        #expect(v.bits(from: 62, count: 5) == ((0x0123_4567_89ab_cdef >> 62) | ((0x3210 & 0x7) << 2)))
        #expect(v.bits(from: 252, count: 8) == 0x8)
        #expect(v.bits(from: 255, count: 1) == 1)
        #expect(v.bits(from: 256, count: 4) == 0)
        #expect(v.bits(from: 64, count: 64) == 0xfedc_ba98_7654_3210)
    }

    /// MSM (Pippenger) equals the sum of single multiplications, for sizes that exercise several
    /// window widths, with infinity, duplicate and opposite points and edge scalars.
    @Test func msmEqualsSumOfScalarMultiplications() {
        let seed: UInt64 = 0x9a55
        var src = BLSPointSource(seed: seed)
        for n in [0, 1, 2, 3, 9, 40] {
            var pairs: [(point: G1, scalar: UInt256)] = []
            for i in 0..<n {
                let point: G1 = i == 3 ? .infinity : i == 5 ? pairs[1].point : i == 6 ? -pairs[2].point : src.g1()
                pairs.append((point, src.edgeScalar()))
            }
            let expected = pairs.reduce(G1.infinity) { $0 + $1.point.multiplied(by: $1.scalar) }
            #expect(G1.multiScalarMultiplication(pairs) == expected, "seed \(seed) n=\(n)")
        }
        for n in [2, 5] {
            let pairs: [(point: G2, scalar: UInt256)] = (0..<n).map { _ in (src.g2(), src.edgeScalar()) }
            let expected = pairs.reduce(G2.infinity) { $0 + $1.point.multiplied(by: $1.scalar) }
            #expect(G2.multiScalarMultiplication(pairs) == expected, "seed \(seed) G2 n=\(n)")
        }
        // n = 0…3 take the separate-multiplication path, 9 and 40 the bucket path.
        #expect(G1.pippengerWindow(count: 3) == nil && G1.pippengerWindow(count: 9) != nil)
        #expect((G1.pippengerWindow(count: 5000) ?? 0) > (G1.pippengerWindow(count: 100) ?? 0))
    }

    /// The G2MSM precompile equals Σ kᵢQᵢ computed by single multiplications, with its gas.
    @Test func g2MSMPrecompileEqualsSum() {
        let seed: UInt64 = 0x62
        var src = BLSPointSource(seed: seed)
        var input: [UInt8] = []
        var expected = G2.infinity
        for _ in 0..<3 {
            let q = src.g2(), k = src.edgeScalar()
            input += BLS12381.encodeG2(q) + k.bigEndianBytes
            expected = expected + q.multiplied(by: k)
        }
        #expect(Precompiles.run(.bls12G2MSM, input: input, gas: 1_000_000, fork: .prague)
                == .success(output: BLS12381.encodeG2(expected), gasUsed: 3 * 22_500 * 923 / 1000), "seed \(seed)")
    }

    /// e(aP, bQ) = e(P, Q)^(ab mod r) and e(aP, Q) = e(P, aQ) on seeded random scalars and
    /// random subgroup points; the precompile returns 1 for e(P, Q)·e(−P, Q) and for
    /// e(aG₁, Q)·e(−G₁, aQ) (the generator's negation cancels), 0 when the scalars differ.
    @Test func bilinearityAndCancellation() {
        let seed: UInt64 = 0xb111
        var src = BLSPointSource(seed: seed)
        for round in 0..<2 {
            let p = src.g1(), q = src.g2()
            let a = src.rng.scalar(), b = src.rng.scalar()
            let base = BLS12381.OptimalAte.pairing(p, q)
            let ab = UInt256.evmMulmod(a, b, BLS12381.r)
            #expect(BLS12381.OptimalAte.pairing(p.multiplied(by: a), q.multiplied(by: b)) == base.power([ab.w0, ab.w1, ab.w2, ab.w3]),
                    "seed \(seed) round \(round) a=\(a) b=\(b)")
            #expect(BLS12381.OptimalAte.pairing(p.multiplied(by: a), q) == BLS12381.OptimalAte.pairing(p, q.multiplied(by: a)),
                    "seed \(seed) round \(round) a=\(a)")
        }
        let one = [UInt8](repeating: 0, count: 31) + [1], zero = [UInt8](repeating: 0, count: 32)
        let p = src.g1(), q = src.g2(), a = src.rng.scalar(), g = BLS12381.g1Generator
        func pair(_ p: G1, _ q: G2) -> [UInt8] { BLS12381.encodeG1(p) + BLS12381.encodeG2(q) }
        let gas = Int64(37_700 + 2 * 32_600)
        #expect(Precompiles.run(.bls12PairingCheck, input: pair(p, q) + pair(-p, q), gas: gas, fork: .prague)
                == .success(output: one, gasUsed: gas), "seed \(seed)")
        #expect(Precompiles.run(.bls12PairingCheck, input: pair(g.multiplied(by: a), q) + pair(-g, q.multiplied(by: a)), gas: gas, fork: .prague)
                == .success(output: one, gasUsed: gas), "seed \(seed) a=\(a)")
        #expect(Precompiles.run(.bls12PairingCheck, input: pair(g.multiplied(by: a), q) + pair(-g, q.multiplied(by: a &+ .one)), gas: gas, fork: .prague)
                == .success(output: zero, gasUsed: gas), "seed \(seed) a=\(a)")
    }

    /// The shared-squaring multi-Miller loop equals the product of single-pair loops (pairs
    /// with infinity contribute 1).
    @Test func multiMillerLoopEqualsProductOfSingleLoops() {
        let seed: UInt64 = 0x3111
        var src = BLSPointSource(seed: seed)
        let pairs: [(G1, G2)] = [(src.g1(), src.g2()), (.infinity, src.g2()), (src.g1(), src.g2())]
        let product = pairs.reduce(BLS12381.Fp12.one) { $0 * BLS12381.OptimalAte.millerLoop($1.0, $1.1) }
        #expect(BLS12381.OptimalAte.millerLoop(pairs) == product, "seed \(seed)")
        #expect(BLS12381.OptimalAte.millerLoop([]) == .one)
    }

    /// Granger–Scott squaring equals the plain squaring on cyclotomic elements (images of the
    /// easy part), and the cyclotomic power equals the plain power.
    @Test func cyclotomicSquaringMatchesSquaring() {
        let seed: UInt64 = 0xc7c
        var src = BLSPointSource(seed: seed)
        for round in 0..<3 {
            func fp2() -> BLS12381.Fp2 { BLS12381.Fp2(src.rng.fp(), src.rng.fp()) }
            func fp6() -> BLS12381.Fp6 { BLS12381.Fp6(fp2(), fp2(), fp2()) }
            guard let m = BLS12381.OptimalAte.easyPart(BLS12381.Fp12(fp6(), fp6())) else { Issue.record("zero element"); continue }
            #expect(m.cyclotomicSquared() == m.squared(), "seed \(seed) round \(round)")
            #expect(m.cyclotomicPower(BLS12381.xAbs) == m.power([BLS12381.xAbs]), "seed \(seed) round \(round)")
        }
    }

    /// Binary-Euclid inversion equals Fermat's on random and edge elements (1, −1, 2, p−2 …).
    @Test func binaryInversionMatchesFermat() {
        let seed: UInt64 = 0x1a7
        var src = BLSPointSource(seed: seed)
        typealias Fp = BLS12381.Fp
        var elements: [Fp] = [.one, -Fp.one, Fp(2), -Fp(2), Fp(3), Fp.rSquared, Fp(limbs: 1, 0, 0, 0, 0, 0)]
        for _ in 0..<20 { elements.append(src.rng.fp()) }
        for (i, a) in elements.enumerated() {
            #expect(a.inverse() == a.inverseByFermat(), "seed \(seed) element \(i): \(a)")
            #expect(a * (a.inverse() ?? .zero) == .one, "seed \(seed) element \(i)")
        }
        #expect(Fp.zero.inverse() == nil)
    }

    @Test func endomorphismConstants() {
        let beta = BLS12381.beta
        #expect(beta != .one && beta.squared() * beta == .one)
        let g = BLS12381.g1Generator, h = BLS12381.g2Generator
        let xSquared = UInt256(BLS12381.xAbs).multipliedFullWidth(by: UInt256(BLS12381.xAbs)).low
        #expect(BLS12381.phi(g) == -g.multiplied(by: xSquared))
        #expect(BLS12381.psi(h) == -h.multiplied(by: UInt256(BLS12381.xAbs)))
        #expect(BLS12381.psi(h).isOnCurve)
    }

    /// The endomorphism subgroup tests agree with r·P = O on subgroup points, random curve
    /// points, small-order points T (T = r·R has order dividing the cofactor) and G + T.
    @Test func fastSubgroupChecksAgreeWithOrder() {
        let seed: UInt64 = 0x5b6
        var src = BLSPointSource(seed: seed)
        for round in 0..<3 {
            let p = src.g1(), s = src.curvePoint()
            let t = s.multiplied(by: BLS12381.r)
            for (name, point) in [("kG", p), ("random", s), ("torsion", t), ("kG + torsion", p + t)] {
                #expect(BLS12381.isInG1(point) == BLS12381.isInG1ByOrder(point), "seed \(seed) round \(round) G1 \(name)")
            }
            #expect(BLS12381.isInG1(p) && !BLS12381.isInG1(s) && !BLS12381.isInG1(p + t), "seed \(seed) round \(round)")
        }
        for round in 0..<2 {
            let q = src.g2(), s = src.twistPoint()
            let t = s.multiplied(by: BLS12381.r)
            for (name, point) in [("kG", q), ("random", s), ("torsion", t), ("kG + torsion", q + t)] {
                #expect(BLS12381.isInG2(point) == BLS12381.isInG2ByOrder(point), "seed \(seed) round \(round) G2 \(name)")
            }
            #expect(BLS12381.isInG2(q) && !BLS12381.isInG2(s) && !BLS12381.isInG2(q + t), "seed \(seed) round \(round)")
        }
        #expect(BLS12381.isInG1(.infinity) && BLS12381.isInG2(.infinity))
    }

    /// ψ-based clear_cofactor equals multiplication by h_eff and lands in G2.
    @Test func cofactorClearingMatchesHeff() {
        let seed: UInt64 = 0xc0f
        var src = BLSPointSource(seed: seed)
        for round in 0..<2 {
            let s = src.twistPoint()
            let cleared = BLS12381.clearCofactorG2(s)
            #expect(cleared == s.multiplied(byWords: BLS12381.HashToCurveConstants.g2CofactorMultiplier), "seed \(seed) round \(round)")
            #expect(BLS12381.isInG2ByOrder(cleared), "seed \(seed) round \(round)")
        }
    }
}
