import EVMCore

/// 0x07 ECMUL (EIP-196): multiplies a BN254 G1 point by a 256-bit scalar. Input right-padded to
/// 96 bytes (x ‖ y ‖ s). The scalar is used as is (any 256-bit value; G1 has order r, so this
/// equals multiplying by s mod r). Invalid points fail. Price 40000, 6000 from Istanbul (EIP-1108).
public enum ECMul {
    public static func gasCost(fork: Hardfork) -> Int64 { fork >= .istanbul ? 6000 : 40000 }

    public static func run(input: [UInt8], gas: Int64, fork: Hardfork) -> PrecompileResult {
        let cost = gasCost(fork: fork)
        guard cost <= gas else { return .outOfGas }
        guard let point = BN254.decodeG1(input, at: 0) else { return .failure }
        let scalar = input.paddedWord(at: 64)
        return .success(output: BN254.encodeG1(point.multiplied(by: scalar)), gasUsed: cost)
    }
}
