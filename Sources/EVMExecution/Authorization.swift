import EVMCore
import EVMPrecompiles

/// One EIP-7702 authorization tuple `[chain_id, address, nonce, y_parity, r, s]`.
///
/// Decoding only enforces the field widths the EIP makes a transaction-level rule
/// (chain_id and r/s < 2^256, nonce < 2^64, y_parity < 2^8, a 20-byte address). Everything
/// else — y_parity ∉ {0, 1}, s > n/2, a wrong chain id, a bad nonce — makes the tuple
/// *skipped* during processing, not the transaction invalid; `authority()` returns nil for
/// the signature part of that.
public struct Authorization: Sendable, Hashable {
    public var chainId: UInt256
    public var address: Address
    public var nonce: UInt64
    public var yParity: UInt8
    public var r: UInt256
    public var s: UInt256

    public init(chainId: UInt256, address: Address, nonce: UInt64, yParity: UInt8 = 0, r: UInt256 = .zero, s: UInt256 = .zero) {
        self.chainId = chainId
        self.address = address
        self.nonce = nonce
        self.yParity = yParity
        self.r = r
        self.s = s
    }

    /// EIP-7702 MAGIC prefix of the signed message.
    public static let magic: UInt8 = 0x05

    /// keccak256(MAGIC || rlp([chain_id, address, nonce])).
    public func signingHash() -> Bytes32 {
        let body = RLP.encodeList([RLP.encode(chainId), RLP.encode(bytes: address.bytes), RLP.encode(nonce)])
        return Keccak256.hash([Authorization.magic] + body)
    }

    /// The signer of `signingHash()`, or nil when the signature cannot authorise anything:
    /// y-parity not 0/1, r or s outside [1, n-1], s > n/2, or no recoverable key.
    /// Chain id and nonce checks against state are the processor's job.
    public func authority() -> Address? {
        guard yParity <= 1, Secp256k1Order.isValid(r: r, s: s, lowS: true) else { return nil }
        return Secp256k1.recoverAddress(messageHash: signingHash(), r: r, s: s, recoveryId: yParity)
    }

    /// Signs in place (for tests and generators). Returns false, leaving the tuple unchanged,
    /// when the private key is zero or not below the curve order.
    @discardableResult
    public mutating func sign(privateKey: Bytes32) -> Bool {
        guard let sig = Secp256k1.sign(messageHash: signingHash(), privateKey: privateKey) else { return false }
        yParity = sig.recoveryId & 1
        r = sig.r
        s = sig.s
        return true
    }

    /// The tuple's RLP list, as it appears inside a type-4 transaction.
    func rlpEncoded() -> [UInt8] {
        RLP.encodeList([
            RLP.encode(chainId), RLP.encode(bytes: address.bytes), RLP.encode(nonce),
            RLP.encode(UInt64(yParity)), RLP.encode(r), RLP.encode(s),
        ])
    }
}
