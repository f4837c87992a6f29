import EVMCore

/// The outcome of running a precompile.
public enum PrecompileResult: Sendable, Equatable {
    /// The call succeeded, returned `output` and charged `gasUsed` (≤ the gas given).
    case success(output: [UInt8], gasUsed: Int64)
    /// The input was invalid: the call fails, returns nothing and consumes all gas given.
    case failure
    /// The precompile's price exceeds the gas given: the call fails and consumes all gas given.
    case outOfGas
    /// A precompile this build does not implement yet. Callers report the case as unsupported.
    case unimplemented(name: String)
}

/// Every precompiled contract on Ethereum mainnet, by address.
public enum Precompile: UInt16, Sendable, CaseIterable {
    case ecrecover = 0x01
    case sha256 = 0x02
    case ripemd160 = 0x03
    case identity = 0x04
    case modexp = 0x05
    case bn254Add = 0x06
    case bn254Mul = 0x07
    case bn254Pairing = 0x08
    case blake2f = 0x09
    case pointEvaluation = 0x0a
    case bls12G1Add = 0x0b
    case bls12G1MSM = 0x0c
    case bls12G2Add = 0x0d
    case bls12G2MSM = 0x0e
    case bls12PairingCheck = 0x0f
    case bls12MapFpToG1 = 0x10
    case bls12MapFp2ToG2 = 0x11
    case p256Verify = 0x100

    /// The fork that activated it.
    public var since: Hardfork {
        switch self {
        case .ecrecover, .sha256, .ripemd160, .identity: return .frontier
        case .modexp, .bn254Add, .bn254Mul, .bn254Pairing: return .byzantium
        case .blake2f: return .istanbul
        case .pointEvaluation: return .cancun
        case .bls12G1Add, .bls12G1MSM, .bls12G2Add, .bls12G2MSM, .bls12PairingCheck,
             .bls12MapFpToG1, .bls12MapFp2ToG2: return .prague
        case .p256Verify: return .osaka
        }
    }

    /// The name used in EIPs and client logs.
    public var name: String {
        switch self {
        case .ecrecover: return "ECRECOVER"
        case .sha256: return "SHA256"
        case .ripemd160: return "RIPEMD160"
        case .identity: return "IDENTITY"
        case .modexp: return "MODEXP"
        case .bn254Add: return "ECADD"
        case .bn254Mul: return "ECMUL"
        case .bn254Pairing: return "ECPAIRING"
        case .blake2f: return "BLAKE2F"
        case .pointEvaluation: return "POINT_EVALUATION"
        case .bls12G1Add: return "BLS12_G1ADD"
        case .bls12G1MSM: return "BLS12_G1MSM"
        case .bls12G2Add: return "BLS12_G2ADD"
        case .bls12G2MSM: return "BLS12_G2MSM"
        case .bls12PairingCheck: return "BLS12_PAIRING_CHECK"
        case .bls12MapFpToG1: return "BLS12_MAP_FP_TO_G1"
        case .bls12MapFp2ToG2: return "BLS12_MAP_FP2_TO_G2"
        case .p256Verify: return "P256VERIFY"
        }
    }

    public var address: Address { Address(low: UInt64(rawValue)) }

    /// The precompile at `address` if it is active in `fork`.
    public init?(address: Address, fork: Hardfork) {
        guard let low = address.word.uint64IfFits, low <= UInt64(UInt16.max),
              let p = Precompile(rawValue: UInt16(low)), p.since <= fork else { return nil }
        self = p
    }
}

/// Entry point the interpreter's CALL logic uses.
public enum Precompiles {
    /// The precompile addresses active in `fork` (0x01-0x04 Frontier, 0x05-0x08 Byzantium,
    /// 0x09 Istanbul, 0x0a Cancun, 0x0b-0x11 Prague, 0x100 Osaka), in increasing order.
    public static func addresses(for fork: Hardfork) -> [Address] {
        Precompile.allCases.filter { $0.since <= fork }.map(\.address)
    }

    public static func isPrecompile(_ address: Address, fork: Hardfork) -> Bool {
        Precompile(address: address, fork: fork) != nil
    }

    /// Runs the precompile at `address` with `gas` available (negative gas counts as zero).
    /// Every precompile through Osaka is implemented (0x01–0x11, 0x100); `.unimplemented` is
    /// no longer returned by this dispatch.
    /// An address that is not a precompile in `fork` behaves like an account without code:
    /// success, empty output, no gas used.
    public static func run(_ address: Address, input: [UInt8], gas: Int64, fork: Hardfork) -> PrecompileResult {
        guard let precompile = Precompile(address: address, fork: fork) else {
            return .success(output: [], gasUsed: 0)
        }
        return run(precompile, input: input, gas: max(gas, 0), fork: fork)
    }

    /// Runs a precompile regardless of activation (used by tests and by `run(_:input:gas:fork:)`).
    public static func run(_ precompile: Precompile, input: [UInt8], gas: Int64, fork: Hardfork) -> PrecompileResult {
        switch precompile {
        case .ecrecover: return ECRecover.run(input: input, gas: gas)
        case .sha256: return SHA256Precompile.run(input: input, gas: gas)
        case .ripemd160: return RIPEMD160Precompile.run(input: input, gas: gas)
        case .identity: return Identity.run(input: input, gas: gas)
        case .modexp: return ModExp.run(input: input, gas: gas, fork: fork)
        case .blake2f: return Blake2F.run(input: input, gas: gas)
        case .bn254Add: return ECAdd.run(input: input, gas: gas, fork: fork)
        case .bn254Mul: return ECMul.run(input: input, gas: gas, fork: fork)
        case .bn254Pairing: return ECPairing.run(input: input, gas: gas, fork: fork)
        case .p256Verify: return P256Verify.run(input: input, gas: gas)
        case .pointEvaluation: return PointEvaluation.run(input: input, gas: gas)
        case .bls12G1Add: return BLS12G1Add.run(input: input, gas: gas)
        case .bls12G1MSM: return BLS12G1MSM.run(input: input, gas: gas)
        case .bls12G2Add: return BLS12G2Add.run(input: input, gas: gas)
        case .bls12G2MSM: return BLS12G2MSM.run(input: input, gas: gas)
        case .bls12PairingCheck: return BLS12PairingCheck.run(input: input, gas: gas)
        case .bls12MapFpToG1: return BLS12MapFpToG1.run(input: input, gas: gas)
        case .bls12MapFp2ToG2: return BLS12MapFp2ToG2.run(input: input, gas: gas)
        }
    }
}

// MARK: - Shared helpers

enum PrecompileGas {
    /// Number of 32-byte words covering `byteCount` bytes.
    @inline(__always)
    static func words(_ byteCount: Int) -> Int64 { Int64(byteCount / 32 + (byteCount % 32 == 0 ? 0 : 1)) }

    /// `base + perWord · words(byteCount)`, saturating at `Int64.max`.
    static func linear(base: Int64, perWord: Int64, byteCount: Int) -> Int64 {
        let (product, o1) = perWord.multipliedReportingOverflow(by: words(byteCount))
        let (sum, o2) = base.addingReportingOverflow(product)
        return (o1 || o2) ? Int64.max : sum
    }

    /// Charges `cost` if `gas` allows it.
    @inline(__always)
    static func charge(_ cost: Int64, gas: Int64, output: () -> [UInt8]) -> PrecompileResult {
        guard cost <= gas else { return .outOfGas }
        return .success(output: output(), gasUsed: cost)
    }
}

extension Array where Element == UInt8 {
    /// `count` bytes starting at `offset`, reading zeros past the end (EVM right-padding).
    /// Never traps: a negative or huge offset just reads zeros.
    func paddedSlice(from offset: Int, count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        guard offset >= 0, offset < self.count else { return out }
        let available = Swift.min(count, self.count - offset)
        for i in 0..<available { out[i] = self[offset + i] }
        return out
    }

    /// The 32-byte big-endian word at `offset`, right-padded with zeros.
    func paddedWord(at offset: Int) -> UInt256 {
        UInt256(bigEndian: paddedSlice(from: offset, count: 32))
    }
}
