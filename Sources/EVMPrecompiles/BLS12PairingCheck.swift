import EVMCore

/// 0x0f BLS12_PAIRING_CHECK (EIP-2537, Prague): for k ≥ 1 pairs (G1 point, 128 bytes; G2 point,
/// 256 bytes) returns the 32-byte word 1 if ∏ e(Pᵢ, Qᵢ) = 1 and 0 otherwise. Input length must be
/// a nonzero multiple of 384; every point must be on its curve and in its subgroup (infinity
/// allowed). Price 32600·k + 37700.
public enum BLS12PairingCheck {
    static let pairSize = 384

    public static func gasCost(inputLength: Int) -> Int64 {
        let k = Int64(inputLength / pairSize)
        let (a, o1) = k.multipliedReportingOverflow(by: 32_600)
        let (b, o2) = a.addingReportingOverflow(37_700)
        return (o1 || o2) ? Int64.max : b
    }

    public static func run(input: [UInt8], gas: Int64) -> PrecompileResult {
        let cost = gasCost(inputLength: input.count)
        guard cost <= gas else { return .outOfGas }
        guard !input.isEmpty, input.count % pairSize == 0 else { return .failure }
        var pairs: [(BLS12381.G1, BLS12381.G2)] = []
        for offset in stride(from: 0, to: input.count, by: pairSize) {
            guard let p = BLS12381.decodeG1(input, at: offset, subgroupCheck: true),
                  let q = BLS12381.decodeG2(input, at: offset + 128, subgroupCheck: true) else { return .failure }
            pairs.append((p, q))
        }
        let one = BLS12381.OptimalAte.productIsOne(pairs)
        return .success(output: [UInt8](repeating: 0, count: 31) + [one ? 1 : 0], gasUsed: cost)
    }
}
