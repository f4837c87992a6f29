import EVMCore

/// 0x0d BLS12_G2ADD (EIP-2537, Prague): two G2 points (256 bytes each) in, their sum out. Input
/// must be exactly 512 bytes; points must be on the twist (no subgroup check). Price 600.
public enum BLS12G2Add {
    public static let gasCost: Int64 = 600

    public static func run(input: [UInt8], gas: Int64) -> PrecompileResult {
        guard gasCost <= gas else { return .outOfGas }
        guard input.count == 512,
              let a = BLS12381.decodeG2(input, at: 0, subgroupCheck: false),
              let b = BLS12381.decodeG2(input, at: 256, subgroupCheck: false) else { return .failure }
        return .success(output: BLS12381.encodeG2(a + b), gasUsed: gasCost)
    }
}
