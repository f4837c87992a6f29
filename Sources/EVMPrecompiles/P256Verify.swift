import Foundation
import Crypto
import EVMCore

/// 0x100 P256VERIFY (EIP-7951, Osaka): ECDSA verification over secp256r1 (NIST P-256) of a
/// pre-hashed message. Input is exactly 160 bytes: h ‖ r ‖ s ‖ qx ‖ qy (32 bytes each, big-endian).
/// The output is the 32-byte word 1 when the signature is valid and empty otherwise; an invalid
/// signature or malformed input is not an error, the call still succeeds and costs 6900.
///
/// Input checks follow the EIP: length 160; 0 < r < n and 0 < s < n; qx, qy < p; (qx, qy) on the
/// curve and not the point at infinity. The verification itself (u1 = h·s⁻¹, u2 = r·s⁻¹,
/// R' = u1·G + u2·Q, accept iff R' ≠ ∞ and R'.x ≡ r mod n) is done by swift-crypto's
/// `P256.Signing.PublicKey.isValidSignature(_:for:)` on the raw digest.
public enum P256Verify {
    public static let gasCost: Int64 = 6900

    /// The field prime p = 2^256 − 2^224 + 2^192 + 2^96 − 1.
    static let p = UInt256(w0: 0xffff_ffff_ffff_ffff, w1: 0x0000_0000_ffff_ffff,
                           w2: 0x0000_0000_0000_0000, w3: 0xffff_ffff_0000_0001)
    /// The group order n.
    static let n = UInt256(w0: 0xf3b9_cac2_fc63_2551, w1: 0xbce6_faad_a717_9e84,
                           w2: 0xffff_ffff_ffff_ffff, w3: 0xffff_ffff_0000_0000)

    public static func run(input: [UInt8], gas: Int64) -> PrecompileResult {
        guard gasCost <= gas else { return .outOfGas }
        let valid = verify(input)
        return .success(output: valid ? oneWord : [], gasUsed: gasCost)
    }

    static let oneWord: [UInt8] = [UInt8](repeating: 0, count: 31) + [1]

    /// Whether `input` is a well-formed 160-byte call carrying a valid signature.
    static func verify(_ input: [UInt8]) -> Bool {
        guard input.count == 160 else { return false }
        let r = input.paddedWord(at: 32), s = input.paddedWord(at: 64)
        let qx = input.paddedWord(at: 96), qy = input.paddedWord(at: 128)
        guard !r.isZero, r < n, !s.isZero, s < n else { return false }
        guard qx < p, qy < p, !(qx.isZero && qy.isZero) else { return false }
        // rawRepresentation = qx ‖ qy; swift-crypto rejects points that are not on the curve.
        guard let key = try? P256.Signing.PublicKey(rawRepresentation: input[96..<160]),
              let signature = try? P256.Signing.ECDSASignature(rawRepresentation: input[32..<96]) else {
            return false
        }
        return key.isValidSignature(signature, for: PrehashedDigest(bytes: Array(input[0..<32])))
    }
}

/// A 32-byte message hash given directly (EIP-7951 verifies a digest, not a message), so that
/// swift-crypto's digest-based verification can be used without hashing again.
struct PrehashedDigest: Digest {
    static let byteCount = 32
    let bytes: [UInt8]

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }

    func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }

    var description: String { "PrehashedDigest(\(Hex.encode(bytes)))" }
}
