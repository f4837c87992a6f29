import EVMCore
import EVMPrecompiles

/// EIP-2718 transaction type byte. Legacy transactions carry no type byte on the wire.
public enum TxType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case legacy = 0
    case accessList = 1   // EIP-2930
    case dynamicFee = 2   // EIP-1559
    case blob = 3         // EIP-4844
    case setCode = 4      // EIP-7702

    /// The first fork that accepts this type.
    public var introducedIn: Hardfork {
        switch self {
        case .legacy: return .frontier
        case .accessList: return .berlin
        case .dynamicFee: return .london
        case .blob: return .cancun
        case .setCode: return .prague
        }
    }

    /// True for types whose fee fields are `maxPriorityFeePerGas`/`maxFeePerGas` (EIP-1559 style).
    public var hasDynamicFee: Bool { rawValue >= TxType.dynamicFee.rawValue }

    public var description: String {
        switch self {
        case .legacy: return "legacy"
        case .accessList: return "access-list (type 1)"
        case .dynamicFee: return "dynamic-fee (type 2)"
        case .blob: return "blob (type 3)"
        case .setCode: return "set-code (type 4)"
        }
    }
}

/// One EIP-2930 access list item: an address and the storage keys to pre-warm.
public struct AccessListEntry: Sendable, Hashable {
    public var address: Address
    public var storageKeys: [Bytes32]

    public init(address: Address, storageKeys: [Bytes32] = []) {
        self.address = address
        self.storageKeys = storageKeys
    }
}

/// A signed transaction of any supported type, in one flat shape.
///
/// Field conventions:
/// - `chainId` is nil only for a legacy transaction signed without EIP-155 (v = 27/28). For a
///   decoded legacy transaction it is derived from `v` (`(v - 35) / 2` when v ≥ 35).
/// - Legacy and type-1 transactions have one price: `maxPriorityFeePerGas == maxFeePerGas == gasPrice`.
///   Type 2+ transactions keep `gasPrice == maxFeePerGas`. The initializer normalises this;
///   encoding reads `gasPrice` for types 0/1 and the two `max…` fields for types 2+.
/// - `v` is the raw legacy v (27/28 or chainId·2+35/36, any width as decoded) or, for typed
///   transactions, the y-parity (kept as a 256-bit value so out-of-range values survive
///   decoding and are rejected by validation).
public struct Transaction: Sendable, Hashable {
    public var type: TxType
    public var chainId: UInt256?
    public var nonce: UInt64
    public var gasPrice: UInt256
    public var maxPriorityFeePerGas: UInt256
    public var maxFeePerGas: UInt256
    public var gasLimit: UInt64
    /// nil = contract creation.
    public var to: Address?
    public var value: UInt256
    public var data: [UInt8]
    public var accessList: [AccessListEntry]
    public var maxFeePerBlobGas: UInt256
    public var blobVersionedHashes: [Bytes32]
    public var authorizationList: [Authorization]
    public var v: UInt256
    public var r: UInt256
    public var s: UInt256

    /// Memberwise initializer. For legacy/type-1 the two `max…` fees are forced to `gasPrice`;
    /// for type 2+ `maxFeePerGas` defaults to `gasPrice`, `maxPriorityFeePerGas` defaults to
    /// `maxFeePerGas`, and `gasPrice` is set to `maxFeePerGas`.
    public init(type: TxType = .legacy, chainId: UInt256? = nil, nonce: UInt64 = 0, gasPrice: UInt256 = .zero,
                maxPriorityFeePerGas: UInt256? = nil, maxFeePerGas: UInt256? = nil, gasLimit: UInt64 = 0,
                to: Address? = nil, value: UInt256 = .zero, data: [UInt8] = [], accessList: [AccessListEntry] = [],
                maxFeePerBlobGas: UInt256 = .zero, blobVersionedHashes: [Bytes32] = [],
                authorizationList: [Authorization] = [], v: UInt256 = .zero, r: UInt256 = .zero, s: UInt256 = .zero) {
        self.type = type
        self.chainId = chainId
        self.nonce = nonce
        if type.hasDynamicFee {
            let maxFee = maxFeePerGas ?? gasPrice
            self.maxFeePerGas = maxFee
            self.maxPriorityFeePerGas = maxPriorityFeePerGas ?? maxFee
            self.gasPrice = maxFee
        } else {
            self.gasPrice = gasPrice
            self.maxFeePerGas = gasPrice
            self.maxPriorityFeePerGas = gasPrice
        }
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
        self.maxFeePerBlobGas = maxFeePerBlobGas
        self.blobVersionedHashes = blobVersionedHashes
        self.authorizationList = authorizationList
        self.v = v
        self.r = r
        self.s = s
    }

    /// True when the transaction creates a contract.
    public var isCreate: Bool { to == nil }

    /// Keccak-256 of the network/block encoding.
    public var hash: Bytes32 { Keccak256.hash(encoded()) }

    /// The price actually paid per gas under `baseFee`: the gas price for types 0/1,
    /// `min(maxFeePerGas, baseFee + maxPriorityFeePerGas)` for types 2+. Meaningful only when
    /// `maxFeePerGas >= baseFee` (validation rejects the rest).
    public func effectiveGasPrice(baseFee: UInt256) -> UInt256 {
        guard type.hasDynamicFee else { return gasPrice }
        let (sum, overflow) = baseFee.addingReportingOverflow(maxPriorityFeePerGas)
        if overflow || sum > maxFeePerGas { return maxFeePerGas }
        return sum
    }

    /// The per-gas tip the block beneficiary receives: effective gas price minus the base fee
    /// (zero when the price does not cover the base fee, i.e. for invalid transactions).
    public func effectivePriorityFee(baseFee: UInt256) -> UInt256 {
        let price = effectiveGasPrice(baseFee: baseFee)
        return price > baseFee ? price &- baseFee : .zero
    }

    /// Blob gas the transaction consumes (EIP-4844: 2^17 per blob).
    public var blobGas: UInt64 { UInt64(blobVersionedHashes.count) * Transaction.gasPerBlob }

    /// EIP-4844 GAS_PER_BLOB.
    public static let gasPerBlob: UInt64 = 1 << 17
}

/// A transaction together with its recovered sender.
public struct RecoveredTransaction: Sendable, Hashable {
    public var transaction: Transaction
    public var sender: Address

    public init(transaction: Transaction, sender: Address) {
        self.transaction = transaction
        self.sender = sender
    }
}

/// secp256k1 group order and its half, for signature range checks (EIP-2).
enum Secp256k1Order {
    static let n = UInt256(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")!
    static let halfN = UInt256(hex: "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")!

    /// r and s both in [1, n-1]; with `lowS`, s ≤ n/2 as well.
    static func isValid(r: UInt256, s: UInt256, lowS: Bool) -> Bool {
        if r.isZero || s.isZero || r >= n || s >= n { return false }
        if lowS && s > halfN { return false }
        return true
    }
}

// MARK: - Signatures

extension Transaction {
    /// The signer's address. Checks the signature values first (`checkSignatureValues`:
    /// v / y-parity, r and s ranges, EIP-2 low s from Homestead), then recovers the public key
    /// from `signingHash()`. `fork` defaults to the newest rules.
    public func recoverSender(fork: Hardfork = .latest) throws(TransactionError) -> Address {
        try checkSignatureValues(fork: fork)
        guard let sender = Secp256k1.recoverAddress(messageHash: signingHash(), r: r, s: s, recoveryId: recoveryId) else {
            throw .signatureRecoveryFailed
        }
        return sender
    }

    /// Everything that can be decided about the transaction before looking at state, in the
    /// order clients report it: type active in the fork, chain id, signature (sender
    /// recovery), then the rest of `validate(fork:chainId:)`.
    public func recover(fork: Hardfork, chainId: UInt256) throws(TransactionError) -> RecoveredTransaction {
        if fork < type.introducedIn { throw .typeNotSupported(fork) }
        try checkChainId(fork: fork, chainId: chainId)
        let sender = try recoverSender(fork: fork)
        try validate(fork: fork, chainId: chainId)
        return RecoveredTransaction(transaction: self, sender: sender)
    }

    /// Signs in place (for tests and generators). `chainId` replaces the transaction's chain id:
    /// for legacy, nil signs pre-EIP-155 (v = 27/28) and a value signs EIP-155
    /// (v = 2·chainId + 35/36); for typed transactions nil keeps the current chain id (0 if
    /// none) and v becomes the y-parity. Returns false, leaving the transaction unchanged, when
    /// the private key is zero or not below the curve order.
    @discardableResult
    public mutating func sign(privateKey: Bytes32, chainId: UInt256?) -> Bool {
        var copy = self
        if type == .legacy {
            copy.chainId = chainId
        } else {
            copy.chainId = chainId ?? self.chainId ?? .zero
        }
        guard let sig = Secp256k1.sign(messageHash: copy.signingHash(), privateKey: privateKey) else { return false }
        let parity = UInt256(UInt64(sig.recoveryId & 1))
        if type == .legacy {
            if let id = copy.chainId {
                copy.v = id.shiftedLeft(1) &+ UInt256(35) &+ parity
            } else {
                copy.v = UInt256(27) &+ parity
            }
        } else {
            copy.v = parity
        }
        copy.r = sig.r
        copy.s = sig.s
        self = copy
        return true
    }
}
