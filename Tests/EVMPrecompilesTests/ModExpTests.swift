import Testing
import EVMCore
import _TestSupport
@testable import EVMPrecompiles

@Suite struct ModExpTests {
    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func gethEIP198Vectors() throws {
        let vectors = try VectorFiles.load("geth/modexp.json")
        #expect(vectors.count == 17)
        #expect(checkSuccessVectors(vectors, precompile: .modexp, fork: .byzantium) == vectors.count)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func gethEIP2565Vectors() throws {
        let vectors = try VectorFiles.load("geth/modexp_eip2565.json")
        #expect(vectors.count == 47)
        #expect(checkSuccessVectors(vectors, precompile: .modexp, fork: .berlin) == vectors.count)
        // Berlin pricing holds through Prague.
        #expect(checkSuccessVectors(vectors, precompile: .modexp, fork: .prague) == vectors.count)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func gethEIP7883Vectors() throws {
        let vectors = try VectorFiles.load("geth/modexp_eip7883.json")
        #expect(vectors.count == 45)
        #expect(checkSuccessVectors(vectors, precompile: .modexp, fork: .osaka) == vectors.count)
    }

    static func header(_ b: UInt256, _ e: UInt256, _ m: UInt256) -> [UInt8] {
        b.bigEndianBytes + e.bigEndianBytes + m.bigEndianBytes
    }

    @Test func smallKnownResults() {
        // 3^5 mod 7 = 5; 0^0 mod 5 = 1; anything mod 1 = 0; mod 0 → zeros of modLen.
        let cases: [([UInt8], [UInt8])] = [
            (Self.header(1, 1, 1) + [3, 5, 7], [5]),
            (Self.header(1, 1, 1) + [0, 0, 5], [1]),
            (Self.header(1, 1, 2) + [9, 9, 0, 1], [0, 0]),
            (Self.header(1, 1, 3) + [9, 9, 0, 0, 0], [0, 0, 0]),
            (Self.header(0, 0, 2) + [0, 7], [0, 1]),             // empty base = 0, empty exponent = 0: 0^0 = 1
            (Self.header(2, 1, 1) + [0x01, 0x00, 2, 0xfb], [25]), // 256^2 mod 251 = 5^2
            // modulus cut off by the end of input: 2^3 mod 0x0500 (modLen 2, only 0x05 present).
            (Self.header(1, 1, 2) + [2, 3, 5], [0, 8]),
        ]
        for (input, expected) in cases {
            guard case .success(let out, _) = Precompiles.run(Address(low: 5), input: input, gas: 10_000, fork: .cancun) else {
                Issue.record("modexp failed on \(Hex.encode(input))"); continue
            }
            #expect(out == expected, "\(Hex.encode(input))")
        }
    }

    @Test func exponentPastEndOfInputIsRightPadded() {
        // base 3, exponent 0x01 followed by 3 missing bytes = 2^24, modulus 1000003 (3 bytes).
        // Computed by squaring 24 times: compare against the same call with the padding written out.
        let cut = Self.header(1, 4, 3) + [3, 0x01]
        // Modulus is entirely past the end → 0 → zeros.
        #expect(Precompiles.run(Address(low: 5), input: cut, gas: 10_000, fork: .berlin) == .success(output: [0, 0, 0], gasUsed: 200))
        // Put the modulus first-in-file by using base length 0 and compare padded vs explicit.
        let modulus: [UInt8] = [0x0f, 0x42, 0x43]
        let explicit = Self.header(1, 4, 3) + [3, 0x01, 0, 0, 0] + modulus
        let reference = BigModel.power(3, 1 << 24, 1_000_003)
        #expect(Precompiles.run(Address(low: 5), input: explicit, gas: 10_000, fork: .berlin)
                == .success(output: BigModel.bytes(reference, 3), gasUsed: 200))
    }

    @Test func randomSmallCasesMatchASchoolbookModel() {
        var rng = SeededRNG(seed: 0x3_0D_E4)
        for _ in 0..<200 {
            let b = rng.next() % 1_000_000, e = rng.next() % 5000, m = rng.next() % 1_000_000
            let input = Self.header(8, 8, 8) + UInt256(b).bigEndianBytes[24...] + UInt256(e).bigEndianBytes[24...]
                + UInt256(m).bigEndianBytes[24...]
            let expected = m == 0 ? 0 : BigModel.power(b, e, m)
            #expect(Precompiles.run(Address(low: 5), input: input, gas: 1_000_000, fork: .london)
                    == .success(output: BigModel.bytes(expected, 8), gasUsed: ModExp.gasCost(input: input, fork: .london).asInt64))
        }
    }

    @Test func hugeLengthsArePricedBeforeAnyAllocation() {
        let huge = UInt256.max
        let big = UInt256(1) .shiftedLeft(40)
        let inputs: [[UInt8]] = [
            Self.header(huge, huge, huge),
            Self.header(huge, 0, 1),
            Self.header(0, 0, huge),
            Self.header(1, huge, 1) + [2, 0xff],
            Self.header(big, big, big) + [1, 2, 3],
            Self.header(0, UInt256(1).shiftedLeft(200), 1),
            Self.header(UInt256(UInt64.max), 1, 1),
        ]
        for fork in [Hardfork.byzantium, .istanbul, .berlin, .prague, .osaka] {
            for input in inputs {
                let r = Precompiles.run(Address(low: 5), input: input, gas: 30_000_000, fork: fork)
                #expect(r == .outOfGas || r == .failure, "\(fork) \(Hex.encode(input.prefix(96)))")
                #expect(ModExp.gasCost(input: input, fork: fork) > 30_000_000)
            }
        }
        // EIP-7823 (Osaka): any length above 1024 fails outright, even when affordable.
        #expect(Precompiles.run(Address(low: 5), input: Self.header(1025, 0, 0), gas: .max, fork: .osaka) == .failure)
        #expect(Precompiles.run(Address(low: 5), input: Self.header(0, 1025, 0), gas: .max, fork: .osaka) == .failure)
        #expect(Precompiles.run(Address(low: 5), input: Self.header(0, 0, 1025), gas: .max, fork: .osaka) == .failure)
        #expect(Precompiles.run(Address(low: 5), input: Self.header(1024, 0, 1024), gas: .max, fork: .osaka) != .failure)
    }

    @Test func zeroBaseAndModulusLengthsReturnEmptyWhateverTheExponentLength() {
        // EIP-198: complexity 0 makes the price 0 however long the exponent is.
        let input = Self.header(0, UInt256(1).shiftedLeft(200), 0)
        #expect(Precompiles.run(Address(low: 5), input: input, gas: 0, fork: .byzantium) == .success(output: [], gasUsed: 0))
        #expect(Precompiles.run(Address(low: 5), input: input, gas: 200, fork: .berlin) == .success(output: [], gasUsed: 200))
        #expect(Precompiles.run(Address(low: 5), input: [], gas: 200, fork: .berlin) == .success(output: [], gasUsed: 200))
        #expect(Precompiles.run(Address(low: 5), input: [], gas: 0, fork: .byzantium) == .success(output: [], gasUsed: 0))
        #expect(Precompiles.run(Address(low: 5), input: [], gas: 499, fork: .osaka) == .outOfGas)
    }

    @Test func randomMalformedInputsNeverTrap() {
        var rng = SeededRNG(seed: 0xBAD_5EED)
        for _ in 0..<300 {
            var input = [UInt8]()
            for _ in 0..<3 {
                let len = UInt256.edgeBiased(using: &rng)
                // Keep most lengths small enough to execute, some absurd.
                input += (rng.next() % 3 == 0 ? len : UInt256(len.w0 % 70)).bigEndianBytes
            }
            let tail = Int(rng.next() % 200)
            input += (0..<tail).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            input = Array(input.prefix(Int(rng.next() % UInt64(input.count + 1))))
            for fork in [Hardfork.byzantium, .berlin, .osaka] {
                let r = Precompiles.run(Address(low: 5), input: input, gas: 5_000_000, fork: fork)
                switch r {
                case .success(let out, let used):
                    #expect(used <= 5_000_000)
                    #expect(UInt256(out.count) == input.paddedWord(at: 64) || (out.isEmpty && input.paddedWord(at: 0).isZero))
                case .outOfGas, .failure: break
                case .unimplemented: Issue.record("modexp is implemented")
                }
            }
        }
    }
}

/// A slow, obviously-correct model for small numbers (square and multiply on UInt64 with
/// 128-bit products).
enum BigModel {
    static func power(_ base: UInt64, _ exponent: UInt64, _ modulus: UInt64) -> UInt64 {
        if modulus == 1 { return 0 }
        var result: UInt64 = 1, b = base % modulus, e = exponent
        while e > 0 {
            if e & 1 == 1 { result = mulmod(result, b, modulus) }
            b = mulmod(b, b, modulus)
            e >>= 1
        }
        return result
    }

    static func mulmod(_ a: UInt64, _ b: UInt64, _ m: UInt64) -> UInt64 {
        let p = a.multipliedFullWidth(by: b)
        return m.dividingFullWidth((p.high % m, p.low)).remainder
    }

    static func bytes(_ v: UInt64, _ length: Int) -> [UInt8] {
        Array(UInt256(v).bigEndianBytes.suffix(length))
    }
}

extension UInt64 {
    var asInt64: Int64 { Int64(clamping: self) }
}
