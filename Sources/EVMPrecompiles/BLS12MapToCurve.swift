import EVMCore

/// 0x10 BLS12_MAP_FP_TO_G1 (EIP-2537, Prague): one field element (64 bytes, < p) to a G1 point by
/// the RFC 9380 simplified SWU map, 11-isogeny and cofactor clearing (no hashing). Price 5500.
public enum BLS12MapFpToG1 {
    public static let gasCost: Int64 = 5_500

    public static func run(input: [UInt8], gas: Int64) -> PrecompileResult {
        guard gasCost <= gas else { return .outOfGas }
        guard input.count == 64, let u = BLS12381.decodeFp(input, at: 0) else { return .failure }
        return .success(output: BLS12381.encodeG1(BLS12381.MapToCurve.mapToG1(u)), gasUsed: gasCost)
    }
}

/// 0x11 BLS12_MAP_FP2_TO_G2 (EIP-2537, Prague): one Fp2 element (128 bytes, c0 ‖ c1) to a G2
/// point by simplified SWU, the 3-isogeny and cofactor clearing. Price 23800.
public enum BLS12MapFp2ToG2 {
    public static let gasCost: Int64 = 23_800

    public static func run(input: [UInt8], gas: Int64) -> PrecompileResult {
        guard gasCost <= gas else { return .outOfGas }
        guard input.count == 128, let u = BLS12381.decodeFp2(input, at: 0) else { return .failure }
        return .success(output: BLS12381.encodeG2(BLS12381.MapToCurve.mapToG2(u)), gasUsed: gasCost)
    }
}
