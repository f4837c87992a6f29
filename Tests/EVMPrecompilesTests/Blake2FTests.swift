import Testing
import EVMCore
import _TestSupport
@testable import EVMPrecompiles

@Suite struct Blake2FTests {
    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func gethVectors() throws {
        let vectors = try VectorFiles.load("geth/blake2F.json")
        #expect(vectors.count == 5)
        #expect(checkSuccessVectors(vectors, precompile: .blake2f, fork: .istanbul) == vectors.count)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func gethFailureVectors() throws {
        let vectors = try VectorFiles.load("geth/fail-blake2f.json")
        #expect(vectors.count == 4)
        for v in vectors {
            #expect(v.expectedError != nil)
            #expect(Precompiles.run(.blake2f, input: v.input, gas: 1_000_000, fork: .istanbul) == .failure, "\(v.name)")
        }
    }

    /// EIP-152 vector 5: 12 rounds over "abc" give BLAKE2b-512("abc").
    static let abcInput = hex("0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b61626300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000300000000000000000000000000000001")
    static let blake2bAbc = "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"

    @Test func everyFlagOtherThanZeroOrOneFails() {
        var input = Self.abcInput
        for flag in 2...255 {
            input[212] = UInt8(flag)
            #expect(Precompiles.run(Address(low: 9), input: input, gas: 12, fork: .istanbul) == .failure, "flag \(flag)")
        }
        input[212] = 1
        #expect(Precompiles.run(Address(low: 9), input: input, gas: 12, fork: .istanbul)
                == .success(output: hex(Self.blake2bAbc), gasUsed: 12))
        #expect(Precompiles.run(Address(low: 9), input: input, gas: 11, fork: .istanbul) == .outOfGas)
    }

    @Test func roundCountIsTheGasAndBigCountsAreRejectedByGas() {
        var input = Self.abcInput
        input[0] = 0xff; input[1] = 0xff; input[2] = 0xff; input[3] = 0xff
        #expect(Blake2F.gasCost(input: input) == 0xffff_ffff)
        #expect(Precompiles.run(Address(low: 9), input: input, gas: 30_000_000, fork: .cancun) == .outOfGas)
        #expect(Blake2F.gasCost(input: Array(input.dropLast())) == nil)
    }

    @Test func wrongLengthsFailAndNeverTrap() {
        var rng = SeededRNG(seed: 0xB1A_2E)
        for length in [0, 1, 4, 100, 212, 214, 300, 1000] {
            let input = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(Precompiles.run(Address(low: 9), input: input, gas: .max, fork: .prague) == .failure, "length \(length)")
        }
        // Random 213-byte inputs with a valid flag and few rounds always succeed with 64 bytes out.
        for _ in 0..<50 {
            var input = (0..<213).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            input[0] = 0; input[1] = 0; input[2] = 0
            input[212] = UInt8(rng.next() % 2)
            guard case .success(let out, let used) = Precompiles.run(Address(low: 9), input: input, gas: 1000, fork: .prague) else {
                Issue.record("valid BLAKE2F input failed"); continue
            }
            #expect(out.count == 64)
            #expect(used == Int64(input[3]))
        }
    }

    @Test func notActiveBeforeIstanbul() {
        #expect(!Precompiles.isPrecompile(Address(low: 9), fork: .petersburg))
        #expect(Precompiles.run(Address(low: 9), input: Self.abcInput, gas: 100, fork: .petersburg) == .success(output: [], gasUsed: 0))
    }
}
