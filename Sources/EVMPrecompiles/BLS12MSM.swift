import EVMCore

/// EIP-2537 multi-scalar-multiplication pricing: k·multiplication_cost·discount(k)/1000 with the
/// final (Prague) discount tables; beyond 128 pairs the last entry applies.
enum BLS12MSMPricing {
    /// Discount for k = 1…128 pairs, G1MSM.
    static let g1Discounts: [Int64] = [
        1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669, 665, 661,
        658, 654, 651, 648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619, 617, 615, 613, 611,
        609, 608, 606, 604, 603, 601, 599, 598, 596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581,
        580, 579, 577, 576, 575, 574, 573, 572, 570, 569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559,
        558, 557, 556, 555, 554, 553, 552, 551, 550, 549, 548, 547, 547, 546, 545, 544, 543, 542, 541, 540,
        540, 539, 538, 537, 536, 536, 535, 534, 533, 532, 532, 531, 530, 529, 528, 528, 527, 526, 525, 525,
        524, 523, 522, 522, 521, 520, 520, 519,
    ]

    /// Discount for k = 1…128 pairs, G2MSM.
    static let g2Discounts: [Int64] = [
        1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704, 699, 693,
        688, 683, 679, 674, 670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634, 632, 629, 627, 624,
        622, 620, 618, 615, 613, 611, 609, 607, 606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587,
        586, 584, 583, 582, 580, 579, 578, 576, 575, 574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562,
        561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 552, 551, 550, 549, 548, 547, 546, 545, 545, 544,
        543, 542, 541, 541, 540, 539, 538, 537, 537, 536, 535, 535, 534, 533, 532, 532, 531, 530, 530, 529,
        528, 528, 527, 526, 526, 525, 524, 524,
    ]

    /// The price of k pairs (0 for k = 0, which the precompiles reject anyway), saturating.
    static func gas(pairs k: Int, multiplicationCost: Int64, discounts: [Int64]) -> Int64 {
        guard k > 0 else { return 0 }
        let discount = discounts[min(k, discounts.count) - 1]
        let (a, o1) = Int64(k).multipliedReportingOverflow(by: multiplicationCost)
        let (b, o2) = a.multipliedReportingOverflow(by: discount)
        return (o1 || o2) ? Int64.max : b / 1000
    }
}

/// 0x0c BLS12_G1MSM (EIP-2537, Prague): Σ sᵢ·Pᵢ for k ≥ 1 pairs of a G1 point (128 bytes) and a
/// scalar (32 bytes, big-endian, any value). Input length must be a nonzero multiple of 160;
/// every point must be on the curve and in G1 (all points are decoded and checked before any
/// arithmetic). Computed by Pippenger's method. Price 12000·k·discount(k)/1000.
public enum BLS12G1MSM {
    public static let multiplicationCost: Int64 = 12_000
    static let pairSize = 160

    public static func gasCost(inputLength: Int) -> Int64 {
        BLS12MSMPricing.gas(pairs: inputLength / pairSize, multiplicationCost: multiplicationCost,
                            discounts: BLS12MSMPricing.g1Discounts)
    }

    public static func run(input: [UInt8], gas: Int64) -> PrecompileResult {
        let cost = gasCost(inputLength: input.count)
        guard cost <= gas else { return .outOfGas }
        guard !input.isEmpty, input.count % pairSize == 0 else { return .failure }
        var pairs: [(point: BLS12381.G1, scalar: UInt256)] = []
        pairs.reserveCapacity(input.count / pairSize)
        for offset in stride(from: 0, to: input.count, by: pairSize) {
            guard let point = BLS12381.decodeG1(input, at: offset, subgroupCheck: true) else { return .failure }
            pairs.append((point, input.paddedWord(at: offset + 128)))
        }
        return .success(output: BLS12381.encodeG1(.multiScalarMultiplication(pairs)), gasUsed: cost)
    }
}

/// 0x0e BLS12_G2MSM (EIP-2537, Prague): Σ sᵢ·Qᵢ for k ≥ 1 pairs of a G2 point (256 bytes) and a
/// scalar (32 bytes). Input length must be a nonzero multiple of 288; every point must be on the
/// twist and in G2. Computed by Pippenger's method. Price 22500·k·discount(k)/1000.
public enum BLS12G2MSM {
    public static let multiplicationCost: Int64 = 22_500
    static let pairSize = 288

    public static func gasCost(inputLength: Int) -> Int64 {
        BLS12MSMPricing.gas(pairs: inputLength / pairSize, multiplicationCost: multiplicationCost,
                            discounts: BLS12MSMPricing.g2Discounts)
    }

    public static func run(input: [UInt8], gas: Int64) -> PrecompileResult {
        let cost = gasCost(inputLength: input.count)
        guard cost <= gas else { return .outOfGas }
        guard !input.isEmpty, input.count % pairSize == 0 else { return .failure }
        var pairs: [(point: BLS12381.G2, scalar: UInt256)] = []
        pairs.reserveCapacity(input.count / pairSize)
        for offset in stride(from: 0, to: input.count, by: pairSize) {
            guard let point = BLS12381.decodeG2(input, at: offset, subgroupCheck: true) else { return .failure }
            pairs.append((point, input.paddedWord(at: offset + 256)))
        }
        return .success(output: BLS12381.encodeG2(.multiScalarMultiplication(pairs)), gasUsed: cost)
    }
}
