import Testing
import EVMCore
import _TestSupport
@testable import EVMPrecompiles

/// Malformed inputs to every BLS12-381 precompile (0x0b–0x11), built from our own valid inputs
/// rather than taken from the vector files: wrong length, a field element ≥ p, nonzero top 16
/// bytes, a point off the curve, a point on the curve but outside the subgroup. Each must give
/// `.failure` (all gas consumed), never a trap; G1ADD/G2ADD do no subgroup check (EIP-2537), so
/// there an off-subgroup point must succeed. Seeds are in the failure messages; replay with
/// `swift test --filter BLS12MalformedInputTests`.
@Suite struct BLS12MalformedInputTests {
    typealias G1 = BLS12381.G1
    typealias G2 = BLS12381.G2

    static let pBytes = BLS12381.Fp.modulus.rawBigEndianBytes

    /// Every way of breaking one 64-byte field element at `offset` of `input`.
    static func brokenFieldElements(_ input: [UInt8], at offset: Int) -> [(String, [UInt8])] {
        var equalP = input; equalP.replaceSubrange((offset + 16)..<(offset + 64), with: pBytes)
        var aboveP = equalP; aboveP[offset + 63] &+= 1
        var allOnes = input; allOnes.replaceSubrange((offset + 16)..<(offset + 64), with: [UInt8](repeating: 0xff, count: 48))
        var topByte = input; topByte[offset] = 1
        var lastTopByte = input; lastTopByte[offset + 15] = 0x80
        return [("= p", equalP), ("= p + 1", aboveP), ("= 2^384 − 1", allOnes), ("top byte 0", topByte), ("top byte 15", lastTopByte)]
    }

    static func lengthVariants(_ valid: [UInt8], unit: Int) -> [(String, [UInt8])] {
        [("empty", []), ("one byte short", Array(valid.dropLast())), ("one byte long", valid + [0]),
         ("unit + 1", Array((valid + valid).prefix(unit + 1))), ("unit − 1", Array(valid.prefix(unit - 1)))]
    }

    static func fails(_ p: Precompile, _ input: [UInt8], _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let result = Precompiles.run(p, input: input, gas: 50_000_000, fork: .prague)
        #expect(result == .failure, "\(p.name) \(label): got \(result)", sourceLocation: sourceLocation)
    }

    @Test func everyPrecompileRejectsMalformedInputs() {
        let seed: UInt64 = 0xbad_b15
        var src = BLSPointSource(seed: seed)
        let p1 = BLS12381.encodeG1(src.g1()), p2 = BLS12381.encodeG1(src.g1())
        let q1 = BLS12381.encodeG2(src.g2()), q2 = BLS12381.encodeG2(src.g2())
        let scalar = src.rng.scalar().bigEndianBytes
        let outsideG1 = BLS12381.encodeG1(src.curvePoint()), outsideG2 = BLS12381.encodeG2(src.twistPoint())
        var offCurveG1 = p1; offCurveG1[127] ^= 1
        var offCurveG2 = q1; offCurveG2[255] ^= 1
        let fp = Array(p1.prefix(64)), fp2 = Array(q1.prefix(128))

        // (precompile, a valid input, the size of one unit, offsets of field elements, G1 point offsets, G2 point offsets, subgroup checked)
        let cases: [(Precompile, [UInt8], Int, [Int], [Int], [Int], Bool)] = [
            (.bls12G1Add, p1 + p2, 256, [0, 64, 128, 192], [0, 128], [], false),
            (.bls12G2Add, q1 + q2, 512, [0, 64, 128, 192, 256, 320, 384, 448], [], [0, 256], false),
            (.bls12G1MSM, p1 + scalar + p2 + scalar, 160, [0, 64, 160, 224], [0, 160], [], true),
            (.bls12G2MSM, q1 + scalar + q2 + scalar, 288, [0, 64, 128, 192, 288], [], [0, 288], true),
            (.bls12PairingCheck, p1 + q1 + p2 + q2, 384, [0, 64, 128, 192, 256, 320, 384, 512], [0, 384], [128, 512], true),
            (.bls12MapFpToG1, fp, 64, [0], [], [], false),
            (.bls12MapFp2ToG2, fp2, 128, [0, 64], [], [], false),
        ]
        for (precompile, valid, unit, fieldOffsets, g1Offsets, g2Offsets, subgroupChecked) in cases {
            let label = "seed \(seed)"
            guard case .success = Precompiles.run(precompile, input: valid, gas: 50_000_000, fork: .prague) else {
                Issue.record("\(precompile.name): the valid input failed (\(label))"); continue
            }
            for (name, input) in Self.lengthVariants(valid, unit: unit) { Self.fails(precompile, input, "\(label) length: \(name)") }
            for offset in fieldOffsets {
                for (name, input) in Self.brokenFieldElements(valid, at: offset) {
                    Self.fails(precompile, input, "\(label) field element at \(offset) \(name)")
                }
            }
            for offset in g1Offsets {
                var off = valid; off.replaceSubrange(offset..<(offset + 128), with: offCurveG1)
                Self.fails(precompile, off, "\(label) G1 at \(offset) off the curve")
                var outside = valid; outside.replaceSubrange(offset..<(offset + 128), with: outsideG1)
                if subgroupChecked {
                    Self.fails(precompile, outside, "\(label) G1 at \(offset) outside G1")
                } else {
                    #expect(Precompiles.run(precompile, input: outside, gas: 375, fork: .prague) != .failure,
                            "\(label): G1ADD must accept a curve point outside G1")
                }
            }
            for offset in g2Offsets {
                var off = valid; off.replaceSubrange(offset..<(offset + 256), with: offCurveG2)
                Self.fails(precompile, off, "\(label) G2 at \(offset) off the twist")
                var outside = valid; outside.replaceSubrange(offset..<(offset + 256), with: outsideG2)
                if subgroupChecked {
                    Self.fails(precompile, outside, "\(label) G2 at \(offset) outside G2")
                } else {
                    #expect(Precompiles.run(precompile, input: outside, gas: 600, fork: .prague) != .failure,
                            "\(label): G2ADD must accept a twist point outside G2")
                }
            }
        }
        // Infinity with garbage in the other coordinate is not infinity and is off the curve.
        var halfZero = [UInt8](repeating: 0, count: 128); halfZero[127] = 1
        Self.fails(.bls12G1Add, halfZero + p1, "(0, 1)")
        // A point outside G2 paired with the G1 point at infinity still fails the pairing check.
        Self.fails(.bls12PairingCheck, [UInt8](repeating: 0, count: 128) + outsideG2, "infinity × point outside G2")
        Self.fails(.bls12PairingCheck, outsideG1 + [UInt8](repeating: 0, count: 256), "point outside G1 × infinity")
    }

    /// Random byte strings near the valid lengths never trap, and failures are `.failure`.
    @Test func randomBytesNeverTrap() {
        let seed: UInt64 = 0x5eed_b15
        var rng = SeededRNG(seed: seed)
        let lengths: [Precompile: [Int]] = [
            .bls12G1Add: [256, 255], .bls12G2Add: [512], .bls12G1MSM: [160, 320, 161], .bls12G2MSM: [288, 289],
            .bls12PairingCheck: [384, 383], .bls12MapFpToG1: [64, 63], .bls12MapFp2ToG2: [128, 127],
        ]
        for round in 0..<4 {
            for (precompile, sizes) in lengths.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                for size in sizes {
                    var input = (0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    // Half the time clear the top 17 bytes of every 64-byte element so values are < p
                    // and reach the curve checks.
                    if round % 2 == 1 { for i in 0..<input.count where i % 64 < 17 { input[i] = 0 } }
                    let result = Precompiles.run(precompile, input: input, gas: 50_000_000, fork: .prague)
                    switch result {
                    case .failure, .success: break
                    default: Issue.record("seed \(seed) round \(round) \(precompile.name) size \(size): \(result)")
                    }
                }
            }
        }
    }
}
