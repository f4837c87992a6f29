import EVMCore

/// 0x08 ECPAIRING (EIP-197): checks ∏ e(Pᵢ, Qᵢ) = 1 over k pairs of a BN254 G1 point (64 bytes)
/// and a G2 point (128 bytes, imaginary parts first). Returns a 32-byte 1 or 0; empty input
/// returns 1. An input length that is not a multiple of 192, a coordinate ≥ p, a point off its
/// curve or a G2 point outside the order-r subgroup makes the call fail.
/// Price 100000 + 80000·k, from Istanbul 45000 + 34000·k (EIP-1108).
public enum ECPairing {
    public static let pairLength = 192

    public static func gasCost(inputLength: Int, fork: Hardfork) -> Int64 {
        let (base, perPair): (Int64, Int64) = fork >= .istanbul ? (45_000, 34_000) : (100_000, 80_000)
        let pairs = Int64(inputLength / pairLength)
        let (product, o1) = perPair.multipliedReportingOverflow(by: pairs)
        let (sum, o2) = base.addingReportingOverflow(product)
        return (o1 || o2) ? .max : sum
    }

    public static func run(input: [UInt8], gas: Int64, fork: Hardfork) -> PrecompileResult {
        guard input.count % pairLength == 0 else { return .failure }
        let cost = gasCost(inputLength: input.count, fork: fork)
        guard cost <= gas else { return .outOfGas }
        var pairs = [(BN254.G1, BN254.G2)]()
        pairs.reserveCapacity(input.count / pairLength)
        var offset = 0
        while offset < input.count {
            guard let p = BN254.decodeG1(input, at: offset),
                  let q = BN254.decodeG2(input, at: offset + 64) else { return .failure }
            pairs.append((p, q))
            offset += pairLength
        }
        let one = BN254.OptimalAte.productIsOne(pairs)
        return .success(output: UInt256(one ? 1 : 0).bigEndianBytes, gasUsed: cost)
    }
}
