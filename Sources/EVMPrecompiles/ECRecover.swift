import EVMCore

/// 0x01 ECRECOVER: `hash ‖ v ‖ r ‖ s` (right-padded to 128 bytes) → the signer's address,
/// left-padded to 32 bytes. An unrecoverable signature is not a failure: the call succeeds with
/// empty output and still costs the full price.
public enum ECRecover {
    public static let gas: Int64 = 3000

    public static func run(input: [UInt8], gas available: Int64) -> PrecompileResult {
        PrecompileGas.charge(gas, gas: available) { recover(input) }
    }

    /// The 32-byte output, or `[]` when the signature is invalid.
    static func recover(_ input: [UInt8]) -> [UInt8] {
        let hash = Bytes32(input.paddedWord(at: 0))
        let v = input.paddedWord(at: 32)
        let r = input.paddedWord(at: 64)
        let s = input.paddedWord(at: 96)
        // v is a full word and must be exactly 27 or 28.
        guard let small = v.uint64IfFits, small == 27 || small == 28 else { return [] }
        guard let address = Secp256k1.recoverAddress(messageHash: hash, r: r, s: s, recoveryId: UInt8(small - 27)) else {
            return []
        }
        return address.word.bigEndianBytes
    }
}
