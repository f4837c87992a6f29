import EVMCore

/// 0x06 ECADD (EIP-196): adds two BN254 G1 points. Input right-padded to 128 bytes
/// (x1 ‖ y1 ‖ x2 ‖ y2); (0, 0) is the point at infinity. A coordinate ≥ p or a point off the
/// curve makes the call fail. Price 500, 150 from Istanbul (EIP-1108).
public enum ECAdd {
    public static func gasCost(fork: Hardfork) -> Int64 { fork >= .istanbul ? 150 : 500 }

    public static func run(input: [UInt8], gas: Int64, fork: Hardfork) -> PrecompileResult {
        let cost = gasCost(fork: fork)
        guard cost <= gas else { return .outOfGas }
        guard let a = BN254.decodeG1(input, at: 0), let b = BN254.decodeG1(input, at: 64) else { return .failure }
        return .success(output: BN254.encodeG1(a + b), gasUsed: cost)
    }
}
