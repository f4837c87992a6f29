import CSecp256k1
import EVMCore

/// Owner of the one libsecp256k1 context the process uses.
///
/// `@unchecked Sendable` is safe because the context is created once, never randomized and
/// never destroyed, and every operation used here (`ec_pubkey_create`, `ec_seckey_verify`,
/// `ecdsa_sign_recoverable`, `ecdsa_recover`, parsing and serialization) takes it as
/// `const secp256k1_context *`: it is read-only after creation, so concurrent use is safe.
private final class Secp256k1Context: @unchecked Sendable {
    let pointer: OpaquePointer

    init() {
        // Since libsecp256k1 0.2.0 every context supports signing and verification; NONE is the
        // documented flag. Creation only fails on an invalid flag, which would be a build bug.
        guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("secp256k1_context_create failed with a constant, valid flag")
        }
        pointer = ctx
    }
}

private let sharedContext = Secp256k1Context()

/// ECDSA over secp256k1 for Ethereum: the only file that calls libsecp256k1.
public enum Secp256k1 {
    /// The group order n.
    public static let order = UInt256(w0: 0xbfd2_5e8c_d036_4141, w1: 0xbaae_dce6_af48_a03b,
                                      w2: 0xffff_ffff_ffff_fffe, w3: 0xffff_ffff_ffff_ffff)

    /// Recovers the 64-byte uncompressed public key (x ‖ y, without the 0x04 prefix) that signed
    /// `messageHash`. Nil when r or s is zero or ≥ n, the recovery id is not 0–3, or no key exists.
    /// High s values are accepted (ECRECOVER semantics); transaction validation must reject them itself.
    public static func recoverPublicKey(messageHash: Bytes32, r: UInt256, s: UInt256, recoveryId: UInt8) -> [UInt8]? {
        guard recoveryId <= 3, !r.isZero, !s.isZero, r < order, s < order else { return nil }
        let ctx = sharedContext.pointer
        let compact = r.bigEndianBytes + s.bigEndianBytes
        var signature = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &signature, compact, Int32(recoveryId)) == 1 else {
            return nil
        }
        let message = messageHash.bytes
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(ctx, &pubkey, &signature, message) == 1 else { return nil }
        return serializeUncompressed(pubkey)
    }

    /// The address (last 20 bytes of keccak-256 of the 64-byte public key) that signed `messageHash`.
    public static func recoverAddress(messageHash: Bytes32, r: UInt256, s: UInt256, recoveryId: UInt8) -> Address? {
        guard let key = recoverPublicKey(messageHash: messageHash, r: r, s: s, recoveryId: recoveryId) else { return nil }
        return address(publicKey: key)
    }

    /// Signs with RFC 6979 deterministic nonces. libsecp256k1 always produces low-s signatures.
    /// Nil when the private key is zero or ≥ n.
    public static func sign(messageHash: Bytes32, privateKey: Bytes32) -> (r: UInt256, s: UInt256, recoveryId: UInt8)? {
        let ctx = sharedContext.pointer
        let key = privateKey.bytes
        guard secp256k1_ec_seckey_verify(ctx, key) == 1 else { return nil }
        var signature = secp256k1_ecdsa_recoverable_signature()
        let message = messageHash.bytes
        guard secp256k1_ecdsa_sign_recoverable(ctx, &signature, message, key, nil, nil) == 1 else { return nil }
        var compact = [UInt8](repeating: 0, count: 64)
        var recid: Int32 = 0
        guard secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, &compact, &recid, &signature) == 1,
              (0...3).contains(recid) else { return nil }
        return (UInt256(bigEndian: compact[0..<32]), UInt256(bigEndian: compact[32..<64]), UInt8(recid))
    }

    /// The 64-byte uncompressed public key of a private key, or nil when the key is zero or ≥ n.
    public static func publicKey(privateKey: Bytes32) -> [UInt8]? {
        let ctx = sharedContext.pointer
        let key = privateKey.bytes
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_create(ctx, &pubkey, key) == 1 else { return nil }
        return serializeUncompressed(pubkey)
    }

    /// The address of a private key, or nil when the key is zero or ≥ n.
    public static func address(privateKey: Bytes32) -> Address? {
        guard let key = publicKey(privateKey: privateKey) else { return nil }
        return address(publicKey: key)
    }

    /// Last 20 bytes of keccak-256 of a 64-byte public key.
    public static func address(publicKey: [UInt8]) -> Address {
        Address(truncating: Keccak256.hash(publicKey).word)
    }

    private static func serializeUncompressed(_ pubkey: secp256k1_pubkey) -> [UInt8]? {
        var key = pubkey
        var out = [UInt8](repeating: 0, count: 65)
        var length = 65
        guard secp256k1_ec_pubkey_serialize(sharedContext.pointer, &out, &length, &key,
                                            UInt32(SECP256K1_EC_UNCOMPRESSED)) == 1,
              length == 65, out[0] == 0x04 else { return nil }
        return Array(out[1...])
    }
}
