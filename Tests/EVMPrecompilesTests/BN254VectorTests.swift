import Testing
import EVMCore
@testable import EVMPrecompiles

@Suite struct BN254VectorTests {
    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func gethAddVectors() throws {
        let vectors = try VectorFiles.load("geth/bn256Add.json")
        #expect(vectors.count == 16)
        #expect(checkSuccessVectors(vectors, precompile: .bn254Add, fork: .istanbul) == vectors.count)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func gethScalarMulVectors() throws {
        let vectors = try VectorFiles.load("geth/bn256ScalarMul.json")
        #expect(vectors.count == 19)
        #expect(checkSuccessVectors(vectors, precompile: .bn254Mul, fork: .istanbul) == vectors.count)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func gethPairingVectors() throws {
        let vectors = try VectorFiles.load("geth/bn256Pairing.json")
        #expect(vectors.count == 14)
        #expect(checkSuccessVectors(vectors, precompile: .bn254Pairing, fork: .istanbul) == vectors.count)
    }
}
