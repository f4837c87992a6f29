import EVMCore

/// 0x0a POINT_EVALUATION (EIP-4844, Cancun): verifies a KZG proof that the blob polynomial
/// committed to by `commitment` takes the value y at z. Input is exactly 192 bytes:
/// versioned_hash ‖ z ‖ y ‖ commitment (48, compressed G1) ‖ proof (48, compressed G1).
/// The call fails (consuming all gas) unless versioned_hash = 0x01 ‖ sha256(commitment)[1:],
/// z, y < r, both points decode into G1, and e(proof, [τ − z]₂) = e(commitment − [y]₁, G₂).
/// On success it returns FIELD_ELEMENTS_PER_BLOB (4096) and BLS_MODULUS (r) as 32-byte words.
public enum PointEvaluation {
    public static let gasCost: Int64 = 50_000

    /// [τ]₂ = g2_monomial[1] of the EIP-4844 mainnet trusted setup (final ceremony output,
    /// consensus-specs presets/mainnet/trusted_setups/trusted_setup_4096.json), compressed.
    static let tauG2Compressed = "b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24f3499f72185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2"

    /// [τ]₂ decompressed once.
    static let tauG2: BLS12381.G2 = {
        let bytes = (try? Hex.decode(tauG2Compressed)) ?? []
        return BLS12381.decompressG2(bytes) ?? .infinity
    }()

    /// u256(4096) ‖ u256(r).
    static let successOutput: [UInt8] = UInt256(4096).bigEndianBytes + BLS12381.r.bigEndianBytes

    public static func run(input: [UInt8], gas: Int64) -> PrecompileResult {
        guard gasCost <= gas else { return .outOfGas }
        return verify(input) ? .success(output: successOutput, gasUsed: gasCost) : .failure
    }

    static func verify(_ input: [UInt8]) -> Bool {
        guard input.count == 192 else { return false }
        let commitmentBytes = Array(input[96..<144])
        var expectedHash = SHA256.hash(commitmentBytes)
        expectedHash[0] = 0x01
        guard Array(input[0..<32]) == expectedHash else { return false }
        let z = input.paddedWord(at: 32), y = input.paddedWord(at: 64)
        guard z < BLS12381.r, y < BLS12381.r else { return false }
        guard let commitment = BLS12381.decompressG1(commitmentBytes),
              let proof = BLS12381.decompressG1(Array(input[144..<192])) else { return false }
        return verifyKZGProof(commitment: commitment, z: z, y: y, proof: proof)
    }

    /// e(proof, [τ]₂ − [z]₂) · e(−(commitment − [y]₁), G₂) = 1 (consensus-specs `verify_kzg_proof_impl`).
    static func verifyKZGProof(commitment: BLS12381.G1, z: UInt256, y: UInt256, proof: BLS12381.G1) -> Bool {
        let xMinusZ = tauG2 - BLS12381.g2Generator.multiplied(by: z)
        let pMinusY = commitment - BLS12381.g1Generator.multiplied(by: y)
        return BLS12381.OptimalAte.productIsOne([(proof, xMinusZ), (-pMinusY, BLS12381.g2Generator)])
    }
}
