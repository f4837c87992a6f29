import Testing
import EVMCore
import _TestSupport
@testable import EVMPrecompiles

@Suite struct BN254PairingTests {
    static func words(_ k: UInt256) -> [UInt64] { [k.w0, k.w1, k.w2, k.w3] }

    @Test func nonDegenerateWithOrderR() {
        let e = BN254.OptimalAte.pairing(BN254.g1Generator, BN254.g2Generator)
        #expect(e != .one)
        #expect(e.power(Self.words(BN254.r)) == .one)
        #expect(BN254.OptimalAte.pairing(.infinity, BN254.g2Generator) == .one)
        #expect(BN254.OptimalAte.pairing(BN254.g1Generator, .infinity) == .one)
    }

    @Test func bilinearityOnSeededRandomScalars() {
        var rand = BN254Random(seed: 0xB11)
        let p = BN254.g1Generator, q = BN254.g2Generator
        let base = BN254.OptimalAte.pairing(p, q)
        for _ in 0..<3 {
            let a = rand.scalar(), b = rand.scalar()
            let lhs = BN254.OptimalAte.pairing(p.multiplied(by: a), q.multiplied(by: b))
            #expect(lhs == base.power(Self.words(UInt256.evmMulmod(a, b, BN254.r))), "a=\(a) b=\(b)")
            // e(aP, Q) = e(P, aQ)
            #expect(BN254.OptimalAte.pairing(p.multiplied(by: a), q) == BN254.OptimalAte.pairing(p, q.multiplied(by: a)))
        }
    }

    @Test func linearityInEachArgument() {
        var rand = BN254Random(seed: 0xB12)
        let p1 = BN254.g1Generator.multiplied(by: rand.scalar()), p2 = BN254.g1Generator.multiplied(by: rand.scalar())
        let q1 = BN254.g2Generator.multiplied(by: rand.scalar()), q2 = BN254.g2Generator.multiplied(by: rand.scalar())
        #expect(BN254.OptimalAte.pairing(p1 + p2, q1) == BN254.OptimalAte.pairing(p1, q1) * BN254.OptimalAte.pairing(p2, q1))
        #expect(BN254.OptimalAte.pairing(p1, q1 + q2) == BN254.OptimalAte.pairing(p1, q1) * BN254.OptimalAte.pairing(p1, q2))
    }

    /// Encodes (P, Q) as ECPAIRING input.
    static func pairInput(_ p: G1, _ q: G2) -> [UInt8] {
        var out = BN254.encodeG1(p)
        if let (x, y) = q.affine {
            out += x.c1.canonical.bigEndianBytes + x.c0.canonical.bigEndianBytes
            out += y.c1.canonical.bigEndianBytes + y.c0.canonical.bigEndianBytes
        } else {
            out += [UInt8](repeating: 0, count: 128)
        }
        return out
    }

    static let oneWord = UInt256.one.bigEndianBytes
    static let zeroWord = UInt256.zero.bigEndianBytes

    @Test func precompileCancellationAndGas() {
        var rand = BN254Random(seed: 0xB13)
        let a = rand.scalar(), b = rand.scalar()
        let p = BN254.g1Generator.multiplied(by: a), q = BN254.g2Generator.multiplied(by: b)
        // e(P, Q)·e(−P, Q) = 1
        let cancel = Self.pairInput(p, q) + Self.pairInput(-p, q)
        #expect(Precompiles.run(Address(low: 8), input: cancel, gas: 113_000, fork: .istanbul)
                == .success(output: Self.oneWord, gasUsed: 45_000 + 2 * 34_000))
        #expect(Precompiles.run(Address(low: 8), input: cancel, gas: 260_000, fork: .byzantium)
                == .success(output: Self.oneWord, gasUsed: 100_000 + 2 * 80_000))
        #expect(Precompiles.run(Address(low: 8), input: cancel, gas: 112_999, fork: .istanbul) == .outOfGas)
        // e(abP, Q)·e(−aP, bQ) = 1 too; e(P, Q)·e(P, Q) ≠ 1
        let mixed = Self.pairInput(p.multiplied(by: b), BN254.g2Generator) + Self.pairInput(-BN254.g1Generator.multiplied(by: a), q)
        #expect(Precompiles.run(Address(low: 8), input: mixed, gas: 200_000, fork: .cancun) == .success(output: Self.oneWord, gasUsed: 113_000))
        let same = Self.pairInput(p, q) + Self.pairInput(p, q)
        #expect(Precompiles.run(Address(low: 8), input: same, gas: 200_000, fork: .cancun) == .success(output: Self.zeroWord, gasUsed: 113_000))
        // Empty input and pairs with a point at infinity give 1.
        #expect(Precompiles.run(Address(low: 8), input: [], gas: 45_000, fork: .cancun) == .success(output: Self.oneWord, gasUsed: 45_000))
        let withInfinity = Self.pairInput(.infinity, q) + Self.pairInput(p, .infinity)
        #expect(Precompiles.run(Address(low: 8), input: withInfinity, gas: 200_000, fork: .cancun) == .success(output: Self.oneWord, gasUsed: 113_000))
        // A single non-trivial pair is not 1.
        #expect(Precompiles.run(Address(low: 8), input: Self.pairInput(p, q), gas: 79_000, fork: .cancun) == .success(output: Self.zeroWord, gasUsed: 79_000))
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func byzantiumPricesOnGethVectors() throws {
        for (file, gas) in [("geth/bn256Add.json", { (_: Int) in Int64(500) }),
                            ("geth/bn256ScalarMul.json", { (_: Int) in Int64(40_000) }),
                            ("geth/bn256Pairing.json", { (n: Int) in Int64(100_000 + 80_000 * (n / 192)) })] {
            let vectors = try VectorFiles.load(file)
            let precompile: Precompile = file.contains("Add") ? .bn254Add : file.contains("Mul") ? .bn254Mul : .bn254Pairing
            for v in vectors.prefix(4) {
                let price = gas(v.input.count)
                #expect(Precompiles.run(precompile, input: v.input, gas: price, fork: .byzantium)
                        == .success(output: v.expected ?? [], gasUsed: price), "\(file) \(v.name)")
            }
        }
    }
}

@Suite struct BN254FinalExponentiationTests {
    @Test func additionChainMatchesPlainExponentiation() {
        var rand = BN254Random(seed: 0xFE)
        for _ in 0..<3 {
            guard let m = BN254.OptimalAte.easyPart(rand.fp12()) else { Issue.record("random element was zero"); continue }
            // m is in the cyclotomic subgroup: m^(p⁴ − p² + 1) = 1 and 1/m = conj(m).
            #expect(m * m.conjugate == .one)
            #expect(BN254.OptimalAte.hardPart(m) == BN254.OptimalAte.hardPartBySquareAndMultiply(m))
        }
        #expect(BN254.OptimalAte.finalExponentiation(.zero) == .zero)
    }
}

@Suite struct BN254LineTests {
    @Test func sparseLineMultiplicationMatchesGeneral() {
        var rand = BN254Random(seed: 0x11E)
        for _ in 0..<10 {
            let f = rand.fp12()
            let line = BN254.OptimalAte.Line(l0: rand.fp2(), l1: rand.fp2(), l3: rand.fp2())
            #expect(f.multiplied(by: line) == f * line.asFp12)
            #expect(f.multiplied(by: nil) == f)
        }
    }

    @Test func verticalAndDegenerateLinesAreLeftOut() {
        let q = BN254.g2Generator
        guard let (x, y) = q.affine, let (xP, yP) = BN254.g1Generator.affine else { Issue.record("generator at infinity"); return }
        // T = −Q: vertical line.
        #expect(BN254.OptimalAte.additionLine(q.negated, xQ: x, yQ: y, xP: xP, yP: yP) == nil)
        #expect(BN254.OptimalAte.additionLine(.infinity, xQ: x, yQ: y, xP: xP, yP: yP) == nil)
        #expect(BN254.OptimalAte.doublingLine(.infinity, xP: xP, yP: yP) == nil)
        // T = Q: the tangent.
        #expect(BN254.OptimalAte.additionLine(q, xQ: x, yQ: y, xP: xP, yP: yP) == BN254.OptimalAte.doublingLine(q, xP: xP, yP: yP))
    }
}
