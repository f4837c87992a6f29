import Foundation
import Testing
import EVMCore
@testable import EVMPrecompiles

/// Every BLS12-381 vector file (geth's and EIP-2537's, success and failure). The default run
/// checks every failure vector and, of each success file, the `quickCount` vectors with the
/// fewest pairs (the MSM files hold inputs of up to 4877 pairs, too slow for a debug build);
/// `LOCKSTEP_SLOW_TESTS=1` checks every vector (about 2 CPU minutes in debug). Each file
/// prints its pass count. The same files
/// run in release through `lockstep bench precompiles --check-vectors`.
@Suite struct BLS12VectorTests {
    static let everyVector = ProcessInfo.processInfo.environment["LOCKSTEP_SLOW_TESTS"] == "1"
    static let quickCount = 12

    static func success(_ file: String, _ precompile: Precompile, count: Int) throws {
        let vectors = try VectorFiles.load(file)
        #expect(vectors.count == count)
        let selected = everyVector ? vectors
            : Array(vectors.enumerated().sorted { ($0.element.pairs(for: precompile), $0.offset) < ($1.element.pairs(for: precompile), $1.offset) }
                        .prefix(quickCount).map(\.element))
        let passed = checkSuccessVectors(selected, precompile: precompile, fork: .prague)
        #expect(passed == selected.count)
        print("\(file): \(passed)/\(selected.count) passed\(everyVector ? "" : " (quick subset of \(vectors.count); LOCKSTEP_SLOW_TESTS=1 for all)")")
    }

    static func failure(_ file: String, _ precompile: Precompile, count: Int) throws {
        let vectors = try VectorFiles.load(file)
        #expect(vectors.count == count)
        let passed = checkFailureVectors(vectors, precompile: precompile, fork: .prague)
        #expect(passed == vectors.count)
        print("\(file): \(passed)/\(vectors.count) failed as expected")
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func g1Add() throws {
        try Self.success("geth/blsG1Add.json", .bls12G1Add, count: 112)
        try Self.failure("geth/fail-blsG1Add.json", .bls12G1Add, count: 6)
        try Self.success("eip-2537/add_G1_bls.json", .bls12G1Add, count: 9)
        try Self.failure("eip-2537/fail-add_G1_bls.json", .bls12G1Add, count: 7)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func g2Add() throws {
        try Self.success("geth/blsG2Add.json", .bls12G2Add, count: 112)
        try Self.failure("geth/fail-blsG2Add.json", .bls12G2Add, count: 6)
        try Self.success("eip-2537/add_G2_bls.json", .bls12G2Add, count: 9)
        try Self.failure("eip-2537/fail-add_G2_bls.json", .bls12G2Add, count: 7)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func g1Mul() throws {
        try Self.success("geth/blsG1Mul.json", .bls12G1MSM, count: 11)
        try Self.failure("geth/fail-blsG1Mul.json", .bls12G1MSM, count: 7)
        try Self.success("eip-2537/mul_G1_bls.json", .bls12G1MSM, count: 11)
        try Self.failure("eip-2537/fail-mul_G1_bls.json", .bls12G1MSM, count: 8)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func g2Mul() throws {
        try Self.success("geth/blsG2Mul.json", .bls12G2MSM, count: 11)
        try Self.failure("geth/fail-blsG2Mul.json", .bls12G2MSM, count: 7)
        try Self.success("eip-2537/mul_G2_bls.json", .bls12G2MSM, count: 11)
        try Self.failure("eip-2537/fail-mul_G2_bls.json", .bls12G2MSM, count: 8)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func g1MSM() throws {
        try Self.success("geth/blsG1MultiExp.json", .bls12G1MSM, count: 154)
        try Self.failure("geth/fail-blsG1MultiExp.json", .bls12G1MSM, count: 7)
        try Self.success("eip-2537/msm_G1_bls.json", .bls12G1MSM, count: 163)
        try Self.failure("eip-2537/fail-msm_G1_bls.json", .bls12G1MSM, count: 8)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func g2MSM() throws {
        try Self.success("geth/blsG2MultiExp.json", .bls12G2MSM, count: 153)
        try Self.failure("geth/fail-blsG2MultiExp.json", .bls12G2MSM, count: 7)
        try Self.failure("eip-2537/fail-msm_G2_bls.json", .bls12G2MSM, count: 8)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func pairing() throws {
        try Self.success("geth/blsPairing.json", .bls12PairingCheck, count: 106)
        try Self.failure("geth/fail-blsPairing.json", .bls12PairingCheck, count: 9)
        try Self.success("eip-2537/pairing_check_bls.json", .bls12PairingCheck, count: 15)
        try Self.failure("eip-2537/fail-pairing_check_bls.json", .bls12PairingCheck, count: 25)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func mapFpToG1() throws {
        try Self.success("geth/blsMapG1.json", .bls12MapFpToG1, count: 105)
        try Self.failure("geth/fail-blsMapG1.json", .bls12MapFpToG1, count: 5)
        try Self.success("eip-2537/map_fp_to_G1_bls.json", .bls12MapFpToG1, count: 5)
        try Self.failure("eip-2537/fail-map_fp_to_G1_bls.json", .bls12MapFpToG1, count: 5)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func mapFp2ToG2() throws {
        try Self.success("geth/blsMapG2.json", .bls12MapFp2ToG2, count: 105)
        try Self.failure("geth/fail-blsMapG2.json", .bls12MapFp2ToG2, count: 5)
        try Self.success("eip-2537/map_fp2_to_G2_bls.json", .bls12MapFp2ToG2, count: 5)
        try Self.failure("eip-2537/fail-map_fp2_to_G2_bls.json", .bls12MapFp2ToG2, count: 5)
    }

    /// Mapped points land in the subgroups.
    @Test func mappedPointsAreInSubgroups() {
        var rng = SeededBLSRandom(seed: 5)
        let p = BLS12381.MapToCurve.mapToG1(rng.fp())
        #expect(p.isOnCurve && BLS12381.isInG1(p) && !p.isInfinity)
        let q = BLS12381.MapToCurve.mapToG2(BLS12381.Fp2(rng.fp(), rng.fp()))
        #expect(q.isOnCurve && BLS12381.isInG2(q) && !q.isInfinity)
    }

    /// MSM over random points equals the sum of the single multiplications; gas by the tables.
    @Test func msmEqualsSumOfMultiplications() {
        var rng = SeededBLSRandom(seed: 99)
        var input: [UInt8] = []
        var expected = BLS12381.G1.infinity
        for _ in 0..<3 {
            let p = BLS12381.g1Generator.multiplied(by: rng.scalar())
            let s = rng.scalar()
            input += BLS12381.encodeG1(p) + s.bigEndianBytes
            expected = expected + p.multiplied(by: s)
        }
        #expect(Precompiles.run(.bls12G1MSM, input: input, gas: 100_000, fork: .prague)
                == .success(output: BLS12381.encodeG1(expected), gasUsed: 3 * 12_000 * 848 / 1000))
        #expect(BLS12G1MSM.gasCost(inputLength: 160 * 200) == 200 * 12_000 * 519 / 1000)
        #expect(BLS12G2MSM.gasCost(inputLength: 288 * 2) == 2 * 22_500)
        #expect(BLS12PairingCheck.gasCost(inputLength: 384 * 2) == 2 * 32_600 + 37_700)
    }

    @Test func malformedInputsFail() {
        let g = BLS12381.encodeG1(BLS12381.g1Generator)
        var highByte = g; highByte[0] = 1                       // nonzero top 16 bytes
        var offCurve = g; offCurve[127] ^= 1
        var xIsP = g; xIsP.replaceSubrange(16..<64, with: BLS12381.Fp.modulus.rawBigEndianBytes)
        for bad in [highByte, offCurve, xIsP] {
            #expect(Precompiles.run(.bls12G1Add, input: bad + g, gas: 375, fork: .prague) == .failure)
        }
        #expect(Precompiles.run(.bls12G1Add, input: g, gas: 375, fork: .prague) == .failure)
        #expect(Precompiles.run(.bls12G1MSM, input: [], gas: 375, fork: .prague) == .failure)
        #expect(Precompiles.run(.bls12PairingCheck, input: [], gas: 100_000, fork: .prague) == .failure)
        #expect(Precompiles.run(.bls12G1Add, input: g + g, gas: 374, fork: .prague) == .outOfGas)
        #expect(!Precompiles.isPrecompile(Address(low: 0x0b), fork: .cancun))
        #expect(Precompiles.isPrecompile(Address(low: 0x11), fork: .prague))
    }
}

extension BLS12381.Fp {
    /// The raw limbs as 48 big-endian bytes (no Montgomery conversion), for building invalid encodings.
    var rawBigEndianBytes: [UInt8] {
        var out = [UInt8]()
        for limb in [l5, l4, l3, l2, l1, l0] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: limb >> UInt64(shift))) }
        }
        return out
    }
}
