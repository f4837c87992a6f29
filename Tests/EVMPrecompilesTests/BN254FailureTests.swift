import Testing
import EVMCore
import _TestSupport
@testable import EVMPrecompiles

/// Malformed inputs to 0x06–0x08: each must fail (all gas consumed), never trap.
@Suite struct BN254FailureTests {
    static let g1 = BN254.encodeG1(BN254.g1Generator)
    static let pWord = BN254.p.bigEndianBytes
    static func word(_ v: UInt64) -> [UInt8] { UInt256(v).bigEndianBytes }

    @Test func ecAddRejectsBadPoints() {
        let cases: [(String, [UInt8])] = [
            ("x = p", Self.pWord + Self.word(2) + Self.g1),
            ("y = p + 2 (≡ 2)", Self.word(1) + (BN254.p &+ UInt256(2)).bigEndianBytes + Self.g1),
            ("second x = 2^256 − 1", Self.g1 + UInt256.max.bigEndianBytes + Self.word(2)),
            ("(1, 3) off curve", Self.word(1) + Self.word(3) + Self.g1),
            ("(0, 1) is not infinity", Self.g1 + Self.word(0) + Self.word(1)),
            ("(1, 0) off curve", Self.word(1) + Self.word(0)),
        ]
        for (name, input) in cases {
            #expect(Precompiles.run(Address(low: 6), input: input, gas: 150, fork: .istanbul) == .failure, "\(name)")
        }
    }

    @Test func ecAddPaddingAndInfinity() {
        let zeros64 = [UInt8](repeating: 0, count: 64)
        #expect(Precompiles.run(Address(low: 6), input: [], gas: 150, fork: .istanbul) == .success(output: zeros64, gasUsed: 150))
        #expect(Precompiles.run(Address(low: 6), input: Self.g1, gas: 150, fork: .istanbul) == .success(output: Self.g1, gasUsed: 150))
        // A truncated second point is right-padded: G + (0, 0) = G.
        #expect(Precompiles.run(Address(low: 6), input: Self.g1 + [0, 0, 0], gas: 150, fork: .istanbul) == .success(output: Self.g1, gasUsed: 150))
        // Extra bytes past 128 are ignored.
        #expect(Precompiles.run(Address(low: 6), input: Self.g1 + zeros64 + [9, 9], gas: 150, fork: .istanbul) == .success(output: Self.g1, gasUsed: 150))
        // G + (−G) = O
        let negG = BN254.encodeG1(-BN254.g1Generator)
        #expect(Precompiles.run(Address(low: 6), input: Self.g1 + negG, gas: 500, fork: .byzantium) == .success(output: zeros64, gasUsed: 500))
        #expect(Precompiles.run(Address(low: 6), input: Self.g1 + negG, gas: 499, fork: .byzantium) == .outOfGas)
        #expect(Precompiles.run(Address(low: 6), input: Self.g1 + negG, gas: 149, fork: .osaka) == .outOfGas)
    }

    @Test func ecMulRejectsBadPointsAndHandlesScalars() {
        let zeros64 = [UInt8](repeating: 0, count: 64)
        #expect(Precompiles.run(Address(low: 7), input: Self.word(1) + Self.word(3) + Self.word(1), gas: 6000, fork: .istanbul) == .failure)
        #expect(Precompiles.run(Address(low: 7), input: Self.pWord + Self.word(2) + Self.word(1), gas: 6000, fork: .istanbul) == .failure)
        #expect(Precompiles.run(Address(low: 7), input: Self.g1 + BN254.r.bigEndianBytes, gas: 6000, fork: .istanbul)
                == .success(output: zeros64, gasUsed: 6000))
        #expect(Precompiles.run(Address(low: 7), input: Self.g1, gas: 6000, fork: .istanbul) == .success(output: zeros64, gasUsed: 6000))
        #expect(Precompiles.run(Address(low: 7), input: Self.g1 + Self.word(1), gas: 6000, fork: .istanbul) == .success(output: Self.g1, gasUsed: 6000))
        // A scalar ≥ r works modulo r: (r + 2)·G = 2·G.
        let twoG = BN254.encodeG1(BN254.g1Generator.doubled())
        #expect(Precompiles.run(Address(low: 7), input: Self.g1 + (BN254.r &+ UInt256(2)).bigEndianBytes, gas: 40_000, fork: .byzantium)
                == .success(output: twoG, gasUsed: 40_000))
        #expect(Precompiles.run(Address(low: 7), input: Self.g1 + Self.word(2), gas: 5999, fork: .istanbul) == .outOfGas)
    }

    static func g2Words(_ q: G2) -> [UInt8] {
        guard let (x, y) = q.affine else { return [UInt8](repeating: 0, count: 128) }
        return x.c1.canonical.bigEndianBytes + x.c0.canonical.bigEndianBytes + y.c1.canonical.bigEndianBytes + y.c0.canonical.bigEndianBytes
    }

    @Test func ecPairingRejectsMalformedInput() {
        let g2 = Self.g2Words(BN254.g2Generator)
        let valid = Self.g1 + g2
        #expect(Precompiles.run(Address(low: 8), input: valid, gas: 100_000, fork: .istanbul) == .success(output: UInt256.zero.bigEndianBytes, gasUsed: 79_000))
        // Lengths that are not multiples of 192.
        for length in [1, 64, 191, 193, 383] {
            let input = Array((valid + valid).prefix(length)) + [UInt8](repeating: 0, count: max(0, length - 384))
            #expect(Precompiles.run(Address(low: 8), input: input, gas: 1_000_000, fork: .istanbul) == .failure, "length \(length)")
        }
        // Each of the six coordinates set to p.
        for word in 0..<6 {
            var input = valid
            input.replaceSubrange((32 * word)..<(32 * word + 32), with: Self.pWord)
            #expect(Precompiles.run(Address(low: 8), input: input, gas: 1_000_000, fork: .istanbul) == .failure, "coordinate \(word) = p")
        }
        // G1 point off the curve.
        #expect(Precompiles.run(Address(low: 8), input: Self.word(1) + Self.word(3) + g2, gas: 1_000_000, fork: .istanbul) == .failure)
        // G2 point off the twist: perturb y.c0.
        var offTwist = valid
        offTwist[191] ^= 1
        #expect(Precompiles.run(Address(low: 8), input: offTwist, gas: 1_000_000, fork: .istanbul) == .failure)
        // G2 point on the twist but outside the order-r subgroup, also when paired with infinity.
        let outside = Self.g2Words(TestSqrt.twistPointOutsideG2(seed: 0x5AB))
        #expect(Precompiles.run(Address(low: 8), input: Self.g1 + outside, gas: 1_000_000, fork: .istanbul) == .failure)
        #expect(Precompiles.run(Address(low: 8), input: [UInt8](repeating: 0, count: 64) + outside, gas: 1_000_000, fork: .istanbul) == .failure)
        // A bad second pair fails the whole call even though the first is fine.
        #expect(Precompiles.run(Address(low: 8), input: valid + Self.g1 + outside, gas: 1_000_000, fork: .istanbul) == .failure)
    }

    @Test func randomBytesNeverTrap() {
        var rng = SeededRNG(seed: 0xBADB_254)
        for _ in 0..<150 {
            let length = Int(rng.next() % 400)
            var input = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            // Sometimes zero the top bytes so coordinates are < p and reach the curve checks.
            if rng.next() % 2 == 0 {
                for i in stride(from: 0, to: input.count, by: 32) { input[i] = 0 }
            }
            for low in [UInt64(6), 7, 8] {
                let r = Precompiles.run(Address(low: low), input: input, gas: 10_000_000, fork: .cancun)
                switch r {
                case .success(let out, _): #expect(out.count == (low == 8 ? 32 : 64))
                case .failure: break
                case .outOfGas, .unimplemented: Issue.record("unexpected \(describe(r)) for 0x0\(low)")
                }
            }
        }
    }
}
