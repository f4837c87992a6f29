import EVMCore

/// 0x0b BLS12_G1ADD (EIP-2537, Prague): two G1 points (128 bytes each, EIP-2537 encoding) in,
/// their sum out. Input must be exactly 256 bytes; points must be on the curve (no subgroup
/// check, as the EIP specifies). Price 375.
public enum BLS12G1Add {
    public static let gasCost: Int64 = 375

    public static func run(input: [UInt8], gas: Int64) -> PrecompileResult {
        guard gasCost <= gas else { return .outOfGas }
        guard input.count == 256,
              let a = BLS12381.decodeG1(input, at: 0, subgroupCheck: false),
              let b = BLS12381.decodeG1(input, at: 128, subgroupCheck: false) else { return .failure }
        return .success(output: BLS12381.encodeG1(a + b), gasUsed: gasCost)
    }
}
