import Crypto

/// SHA-256 (FIPS 180-4) through swift-crypto (BoringSSL's assembly on Linux): the precompile's
/// cost in the state tests was dominated by a pure-Swift compression function (47% of the CPU
/// of a full `GeneralStateTests` run in one sampled window). Tested against the FIPS vectors
/// in `HashPrecompileTests`.
public enum SHA256 {
    /// The 32-byte digest of `message`.
    public static func hash(_ message: [UInt8]) -> [UInt8] { Array(Crypto.SHA256.hash(data: message)) }
}

/// 0x02 SHA256: the SHA-256 digest of the input. 60 + 12 per word.
public enum SHA256Precompile {
    public static let baseGas: Int64 = 60
    public static let wordGas: Int64 = 12

    public static func gasCost(inputLength: Int) -> Int64 {
        PrecompileGas.linear(base: baseGas, perWord: wordGas, byteCount: inputLength)
    }

    public static func run(input: [UInt8], gas: Int64) -> PrecompileResult {
        PrecompileGas.charge(gasCost(inputLength: input.count), gas: gas) { SHA256.hash(input) }
    }
}
