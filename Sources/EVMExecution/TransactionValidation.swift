import EVMCore

/// Every reason a transaction can be rejected: malformed bytes, the stateless checks of
/// `validate(fork:chainId:)`, sender recovery, and the stateful checks the transaction
/// processor makes against the sender account and the block.
public enum TransactionError: Error, Sendable, Equatable, CustomStringConvertible {
    // Bytes
    /// The bytes do not decode (see `TransactionDecodingError` for the field).
    case malformed(TransactionDecodingError)

    // Stateless
    /// The transaction type is not active in this fork.
    case typeNotSupported(Hardfork)
    /// Chain id differs from the chain's (typed transactions, EIP-155 legacy), or a legacy v
    /// that is neither 27/28 nor a valid EIP-155 value after Spurious Dragon.
    case invalidChainId
    /// v / y-parity / r / s out of range (incl. EIP-2 high s from Homestead).
    case invalidSignature
    /// The signature values are in range but no public key recovers from them.
    case signatureRecoveryFailed
    /// EIP-2681: the transaction nonce is 2^64 - 1.
    case nonceMaxValue
    /// gasLimit × (max) gas price exceeds 2^256 - 1.
    case gasLimitPriceProductOverflow
    /// EIP-1559: maxPriorityFeePerGas > maxFeePerGas.
    case priorityFeeGreaterThanMaxFee
    /// EIP-3860: creation init code longer than 49152 bytes (Shanghai+).
    case initcodeSizeExceeded
    /// Gas limit below the intrinsic gas.
    case intrinsicGasTooLow
    /// EIP-7623: gas limit below the calldata floor (Prague+).
    case floorDataGasTooLow
    /// EIP-7825: gas limit above 2^24 (Osaka+).
    case gasLimitExceedsMaximum
    /// EIP-4844: a blob transaction must have a `to`.
    case type3ContractCreation
    /// EIP-4844: a blob transaction needs at least one blob.
    case type3ZeroBlobs
    /// EIP-4844/7691/7594: more blobs than one transaction may carry in this fork.
    case type3TooManyBlobs
    /// EIP-4844: a versioned hash whose first byte is not 0x01.
    case type3InvalidBlobVersionedHash
    /// EIP-7702: a set-code transaction must have a `to`.
    case type4ContractCreation
    /// EIP-7702: a set-code transaction needs at least one authorization.
    case type4EmptyAuthorizationList

    // Stateful (raised by the transaction processor)
    /// Transaction nonce below the sender's account nonce.
    case nonceTooLow
    /// Transaction nonce above the sender's account nonce.
    case nonceTooHigh
    /// Sender balance below gasLimit × max price + value (+ blob gas × max blob fee).
    case insufficientAccountFunds
    /// EIP-3607: the sender has code (that is not an EIP-7702 delegation).
    case senderNotEOA
    /// Gas limit above the gas still available in the block.
    case gasAllowanceExceeded
    /// The block's blob gas limit would be exceeded.
    case blobGasAllowanceExceeded
    /// EIP-1559: maxFeePerGas (or legacy gas price) below the block base fee.
    case feeCapLessThanBaseFee
    /// EIP-4844: maxFeePerBlobGas below the block's blob base fee.
    case insufficientMaxFeePerBlobGas

    public var description: String {
        switch self {
        case .malformed(let e): return "malformed transaction: \(e)"
        case .typeNotSupported(let fork): return "transaction type not supported in \(fork)"
        case .invalidChainId: return "invalid chain id"
        case .invalidSignature: return "invalid signature values (v, r, s)"
        case .signatureRecoveryFailed: return "signature recovery failed"
        case .nonceMaxValue: return "nonce is 2^64-1 (EIP-2681)"
        case .gasLimitPriceProductOverflow: return "gas limit × gas price overflows 256 bits"
        case .priorityFeeGreaterThanMaxFee: return "max priority fee per gas exceeds max fee per gas"
        case .initcodeSizeExceeded: return "init code exceeds 49152 bytes (EIP-3860)"
        case .intrinsicGasTooLow: return "gas limit below intrinsic gas"
        case .floorDataGasTooLow: return "gas limit below the calldata floor (EIP-7623)"
        case .gasLimitExceedsMaximum: return "gas limit above the per-transaction cap (EIP-7825)"
        case .type3ContractCreation: return "blob transaction cannot create a contract"
        case .type3ZeroBlobs: return "blob transaction without blobs"
        case .type3TooManyBlobs: return "too many blobs in one transaction"
        case .type3InvalidBlobVersionedHash: return "blob versioned hash with a version other than 0x01"
        case .type4ContractCreation: return "set-code transaction cannot create a contract"
        case .type4EmptyAuthorizationList: return "set-code transaction with an empty authorization list"
        case .nonceTooLow: return "nonce too low"
        case .nonceTooHigh: return "nonce too high"
        case .insufficientAccountFunds: return "insufficient funds for gas × price + value"
        case .senderNotEOA: return "sender is not an EOA (EIP-3607)"
        case .gasAllowanceExceeded: return "gas limit exceeds the block's remaining gas"
        case .blobGasAllowanceExceeded: return "blob gas exceeds the block's remaining blob gas"
        case .feeCapLessThanBaseFee: return "max fee per gas below base fee"
        case .insufficientMaxFeePerBlobGas: return "max fee per blob gas below blob base fee"
        }
    }

    /// The primary `TransactionException.*` name for this error in the Ethereum test fixtures.
    public var fixtureName: String { fixtureNames[0] }

    /// Every fixture exception name that denotes this error (the fixtures use several names
    /// for some conditions, e.g. the `_2` variants in TransactionTests).
    public var fixtureNames: [String] {
        let names: [String]
        switch self {
        case .malformed(let e): return [e.fixtureName]
        case .typeNotSupported:
            names = ["TYPE_NOT_SUPPORTED", "TYPE_1_TX_PRE_FORK", "TYPE_2_TX_PRE_FORK", "TYPE_3_TX_PRE_FORK",
                     "TYPE_3_TX_ZERO_BLOBS_PRE_FORK", "TYPE_4_TX_PRE_FORK"]
        case .invalidChainId: names = ["INVALID_CHAINID"]
        case .invalidSignature: names = ["INVALID_SIGNATURE_VRS"]
        case .signatureRecoveryFailed: names = ["EC_RECOVERY_FAIL", "INVALID_SIGNATURE_VRS"]
        case .nonceMaxValue: names = ["NONCE_IS_MAX", "NONCE_TOO_BIG"]
        case .gasLimitPriceProductOverflow: names = ["GASLIMIT_PRICE_PRODUCT_OVERFLOW"]
        case .priorityFeeGreaterThanMaxFee:
            names = ["PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS", "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2"]
        case .initcodeSizeExceeded: names = ["INITCODE_SIZE_EXCEEDED"]
        case .intrinsicGasTooLow: names = ["INTRINSIC_GAS_TOO_LOW"]
        case .floorDataGasTooLow: names = ["INTRINSIC_GAS_BELOW_FLOOR_GAS_COST"]
        case .gasLimitExceedsMaximum: names = ["GAS_LIMIT_EXCEEDS_MAXIMUM"]
        case .type3ContractCreation: names = ["TYPE_3_TX_CONTRACT_CREATION"]
        case .type3ZeroBlobs: names = ["TYPE_3_TX_ZERO_BLOBS"]
        case .type3TooManyBlobs:
            names = ["TYPE_3_TX_BLOB_COUNT_EXCEEDED", "TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED"]
        case .type3InvalidBlobVersionedHash: names = ["TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH"]
        case .type4ContractCreation: names = ["TYPE_4_TX_CONTRACT_CREATION"]
        case .type4EmptyAuthorizationList: names = ["TYPE_4_EMPTY_AUTHORIZATION_LIST"]
        case .nonceTooLow: names = ["NONCE_MISMATCH_TOO_LOW"]
        case .nonceTooHigh: names = ["NONCE_MISMATCH_TOO_HIGH"]
        case .insufficientAccountFunds: names = ["INSUFFICIENT_ACCOUNT_FUNDS"]
        case .senderNotEOA: names = ["SENDER_NOT_EOA"]
        case .gasAllowanceExceeded: names = ["GAS_ALLOWANCE_EXCEEDED"]
        case .blobGasAllowanceExceeded:
            names = ["TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED", "TYPE_3_TX_BLOB_COUNT_EXCEEDED"]
        case .feeCapLessThanBaseFee: names = ["INSUFFICIENT_MAX_FEE_PER_GAS"]
        case .insufficientMaxFeePerBlobGas: names = ["INSUFFICIENT_MAX_FEE_PER_BLOB_GAS"]
        }
        return names.map { "TransactionException." + $0 }
    }

    /// True when a fixture's expected exception (possibly `A|B` alternatives) names this error.
    public func matches(fixtureException: String) -> Bool {
        let expected = fixtureException.split(separator: "|").map { $0.trimmingWhitespace() }
        return fixtureNames.contains { expected.contains($0) }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

// MARK: - Stateless validation

extension Transaction {
    /// EIP-3860 MAX_INITCODE_SIZE (2 × 24576).
    public static let maxInitcodeSize = 49_152

    /// EIP-7825 transaction gas limit cap (Osaka+).
    public static let maxGasLimitOsaka: UInt64 = 1 << 24

    /// EIP-4844 VERSIONED_HASH_VERSION_KZG.
    public static let blobHashVersionKZG: UInt8 = 0x01

    /// Most blobs one transaction may carry: 0 before Cancun, the per-block maximum in Cancun
    /// (6, EIP-4844) and Prague (9, EIP-7691), and EIP-7594's per-transaction cap of 6 from Osaka.
    public static func maxBlobsPerTransaction(fork: Hardfork) -> Int {
        switch fork {
        case ..<Hardfork.cancun: return 0
        case .cancun: return 6
        case .prague: return 9
        default: return 6
        }
    }

    /// Every check that needs only the transaction, the fork and the chain id: type active in
    /// the fork, chain id, EIP-2681 nonce, fee sanity, EIP-7825 gas cap, EIP-3860 init code,
    /// blob / set-code shape, intrinsic gas and the EIP-7623 floor.
    ///
    /// It does not look at v/r/s (that is `recoverSender(fork:)`, so an unsigned transaction
    /// built from a state-test filler validates), nor at state or the block (nonce, balance,
    /// base fee, block gas: the processor raises those).
    public func validate(fork: Hardfork, chainId expectedChainId: UInt256) throws(TransactionError) {
        if fork < type.introducedIn { throw .typeNotSupported(fork) }
        try checkChainId(fork: fork, chainId: expectedChainId)
        if nonce == UInt64.max { throw .nonceMaxValue }
        if type.hasDynamicFee && maxPriorityFeePerGas > maxFeePerGas { throw .priorityFeeGreaterThanMaxFee }
        if !UInt256(gasLimit).multipliedFullWidth(by: maxFeePerGas).high.isZero {
            throw .gasLimitPriceProductOverflow
        }
        if fork >= .osaka && gasLimit > Transaction.maxGasLimitOsaka { throw .gasLimitExceedsMaximum }
        if isCreate && fork >= .shanghai && data.count > Transaction.maxInitcodeSize { throw .initcodeSizeExceeded }
        switch type {
        case .blob:
            if to == nil { throw .type3ContractCreation }
            if blobVersionedHashes.isEmpty { throw .type3ZeroBlobs }
            if blobVersionedHashes.count > Transaction.maxBlobsPerTransaction(fork: fork) { throw .type3TooManyBlobs }
            for h in blobVersionedHashes where h.bytes[0] != Transaction.blobHashVersionKZG {
                throw .type3InvalidBlobVersionedHash
            }
        case .setCode:
            if to == nil { throw .type4ContractCreation }
            if authorizationList.isEmpty { throw .type4EmptyAuthorizationList }
        case .legacy, .accessList, .dynamicFee:
            break
        }
        let intrinsic = IntrinsicGas.compute(self, fork: fork)
        if gasLimit < intrinsic.gas { throw .intrinsicGasTooLow }
        if gasLimit < intrinsic.floor { throw .floorDataGasTooLow }
    }

    /// The chain id rule: a typed transaction's `chainId` must equal the chain's; a legacy
    /// transaction signed under EIP-155 (Spurious Dragon+) must encode the chain's id.
    /// Before Spurious Dragon an EIP-155 v is a bad signature (`checkSignatureValues`).
    public func checkChainId(fork: Hardfork, chainId expectedChainId: UInt256) throws(TransactionError) {
        if type == .legacy {
            if fork >= .spuriousDragon, let chainId, chainId != expectedChainId { throw .invalidChainId }
        } else if chainId != expectedChainId {
            throw .invalidChainId
        }
    }

    /// Range checks on v / y-parity, r and s, without curve arithmetic:
    /// - legacy v is 27/28, or (Spurious Dragon+) an EIP-155 value ≥ 35; v = 0/1 (a raw
    ///   parity) is `invalidSignature`; any other v is `invalidChainId` from Spurious Dragon
    ///   and `invalidSignature` before;
    /// - typed y-parity is 0 or 1;
    /// - r, s ∈ [1, n-1], and s ≤ n/2 from Homestead (EIP-2).
    public func checkSignatureValues(fork: Hardfork) throws(TransactionError) {
        if type == .legacy {
            if v != UInt256(27) && v != UInt256(28) {
                guard fork >= .spuriousDragon, v > UInt256.one else { throw .invalidSignature }
                guard v >= UInt256(35) else { throw .invalidChainId }
            }
        } else if v > UInt256.one {
            throw .invalidSignature
        }
        if !Secp256k1Order.isValid(r: r, s: s, lowS: fork >= .homestead) { throw .invalidSignature }
    }

    /// The recovery id (0/1) encoded by v: y-parity for typed transactions, `v - 27` or
    /// `v - 35 - 2·chainId` for legacy. Call after `checkSignatureValues`.
    var recoveryId: UInt8 {
        if type != .legacy { return UInt8(truncatingIfNeeded: v.w0 & 1) }
        if v == UInt256(27) || v == UInt256(28) { return UInt8(truncatingIfNeeded: v.w0 &- 27) }
        // v = 2·chainId + 35 + recid, so recid is the low bit of v - 35 = low bit of v + 1.
        return UInt8(truncatingIfNeeded: (v.w0 &+ 1) & 1)
    }

    /// Decodes `bytes` and applies the fork's type rule: a type byte the protocol has never
    /// defined is `typeNotSupported`, as is a well-formed transaction of a type not yet active
    /// in `fork`. Other decoding failures come back as `.malformed` (they win over an inactive
    /// type, matching the fixtures: a malformed type-1 envelope is reported as malformed even
    /// before Berlin).
    public static func decode(_ bytes: [UInt8], fork: Hardfork) throws(TransactionError) -> Transaction {
        if let first = bytes.first, first < 0x80, TxType(rawValue: first) == nil || first == 0 {
            throw .typeNotSupported(fork)
        }
        let tx: Transaction
        do {
            tx = try decode(bytes)
        } catch {
            // For a type not active in this fork, a wrong shape or an out-of-range value is
            // reported as the type being unsupported; non-canonical encodings stay malformed.
            if let first = bytes.first, first < 0x80, let t = TxType(rawValue: first), fork < t.introducedIn {
                switch error {
                case .fieldCount, .invalidField(_, .integerTooLarge): throw .typeNotSupported(fork)
                default: break
                }
            }
            throw .malformed(error)
        }
        if fork < tx.type.introducedIn { throw .typeNotSupported(fork) }
        return tx
    }
}
