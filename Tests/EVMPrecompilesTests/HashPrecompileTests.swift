import Testing
import EVMCore
@testable import EVMPrecompiles

/// SHA-256 (0x02), RIPEMD-160 (0x03) and IDENTITY (0x04). geth ships no vector files for these,
/// so the digests below are the published FIPS 180-4 / RIPEMD-160 reference values plus digests
/// of block-boundary messages computed independently (Python hashlib) when writing the test.
@Suite struct HashPrecompileTests {
    /// Message i of length n: byte k = (7k + 3) mod 256.
    static func message(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) } }

    @Test func sha256ReferenceVectors() {
        #expect(Hex.encode(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Hex.encode(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(arguments: [
        (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
        (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
        (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
        (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
        (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
        (119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"),
        (120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"),
        (128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"),
        (1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"),
    ])
    func sha256BlockBoundaries(length: Int, digest: String) {
        #expect(Hex.encode(SHA256.hash(Self.message(length))) == digest)
    }

    @Test func ripemd160ReferenceVectors() {
        #expect(Hex.encode(RIPEMD160.hash([])) == "9c1185a5c5e9fc54612808977ee8f548b2258d31")
        #expect(Hex.encode(RIPEMD160.hash(Array("abc".utf8))) == "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc")
        #expect(Hex.encode(RIPEMD160.hash(Array("message digest".utf8))) == "5d0689ef49d2fae572b881b123a85ffa21595f36")
        #expect(Hex.encode(RIPEMD160.hash(Array("abcdefghijklmnopqrstuvwxyz".utf8))) == "f71c27109c692c1b56bbdceb5b9d2865b3708dbc")
        #expect(Hex.encode(RIPEMD160.hash([UInt8](repeating: 0x61, count: 1_000_000)))
                == "52783243c1697bdbe16d37f97f68f08325dc1528")
    }

    @Test(arguments: [
        (55, "ced4a416d2eddc4c54a59c57fa299bc86af70de9"),
        (56, "581330764dcfaa5bbe4de58601aa56a838cc58d7"),
        (63, "f946627df85129e38a6142b694aed087f2f85d71"),
        (64, "6049fc18acb2ba0205d12fbf2ebc57628031d28c"),
        (65, "a03bc7711af42632ce8e675adbdc1d690a850f07"),
        (119, "22d9d4f2a6368b58145202e9ffa1479f0a13fd11"),
        (120, "c7ca324844fcb190fb8a9e7d843251391e2556de"),
        (128, "0612b629dd5aedbd608df63782bac221b62336df"),
        (1000, "462fa67a8f19c1df2d98cff47379ba31d681b572"),
    ])
    func ripemd160BlockBoundaries(length: Int, digest: String) {
        #expect(Hex.encode(RIPEMD160.hash(Self.message(length))) == digest)
    }

    @Test func sha256PrecompileOutputAndGas() {
        let input = Self.message(33) // two words
        let result = Precompiles.run(Address(low: 2), input: input, gas: 100, fork: .frontier)
        #expect(result == .success(output: SHA256.hash(input), gasUsed: 60 + 12 * 2))
        #expect(Precompiles.run(Address(low: 2), input: input, gas: 83, fork: .frontier) == .outOfGas)
        #expect(Precompiles.run(Address(low: 2), input: [], gas: 60, fork: .osaka)
                == .success(output: hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), gasUsed: 60))
    }

    @Test func ripemd160PrecompileOutputIsLeftPaddedAndPriced() {
        let result = Precompiles.run(Address(low: 3), input: Array("abc".utf8), gas: 720, fork: .frontier)
        #expect(result == .success(output: hex("0000000000000000000000008eb208f7e05d987a9b044a8e98c6b087f15a0bfc"), gasUsed: 720))
        #expect(Precompiles.run(Address(low: 3), input: Self.message(64), gas: 839, fork: .berlin) == .outOfGas)
        #expect(Precompiles.run(Address(low: 3), input: Self.message(64), gas: 840, fork: .berlin)
                == .success(output: [UInt8](repeating: 0, count: 12) + hex("6049fc18acb2ba0205d12fbf2ebc57628031d28c"), gasUsed: 840))
    }

    @Test func identityCopiesInputAndCharges15Plus3PerWord() {
        let input = Self.message(65) // three words
        #expect(Precompiles.run(Address(low: 4), input: input, gas: 24, fork: .frontier) == .success(output: input, gasUsed: 24))
        #expect(Precompiles.run(Address(low: 4), input: input, gas: 23, fork: .frontier) == .outOfGas)
        #expect(Precompiles.run(Address(low: 4), input: [], gas: 15, fork: .frontier) == .success(output: [], gasUsed: 15))
        #expect(Identity.gasCost(inputLength: Int.max) == 15 + 3 * (1 << 58)) // no wrap in the word count
        #expect(RIPEMD160Precompile.gasCost(inputLength: Int.max) == Int64.max) // saturates instead of overflowing
    }
}
