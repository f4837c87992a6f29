import Foundation
import Testing
import EVMCore
@testable import EVMPrecompiles

@Suite struct PointEvaluationTests {
    static let successOutput = hex("000000000000000000000000000000000000000000000000000000000000100073eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func gethVector() throws {
        let vectors = try VectorFiles.load("geth/pointEvaluation.json")
        #expect(vectors.count == 1)
        #expect(checkSuccessVectors(vectors, precompile: .pointEvaluation, fork: .cancun) == 1)
    }

    /// One verify_kzg_proof case: the four inputs and the expected output (nil for `null`).
    struct KZGCase { let name: String; let commitment, z, y, proof: [UInt8]; let output: Bool? }

    /// Reads the `data.yaml` files (flat `key: 'value'` lines; no YAML library needed).
    static func loadKZGCases() throws -> [KZGCase] {
        guard let root = VectorFiles.root else { return [] }
        let dir = root.appendingPathComponent("kzg/verify_kzg_proof/kzg-mainnet")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        return try names.compactMap { name in
            let url = dir.appendingPathComponent(name).appendingPathComponent("data.yaml")
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
            var fields: [String: String] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                fields[parts[0]] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            }
            func bytes(_ key: String) throws -> [UInt8] { try Hex.decode(String((fields[key] ?? "").dropFirst(2))) }
            let output: Bool? = fields["output"] == "true" ? true : (fields["output"] == "false" ? false : nil)
            return KZGCase(name: name, commitment: try bytes("commitment"), z: try bytes("z"), y: try bytes("y"),
                           proof: try bytes("proof"), output: output)
        }
    }

    static func callData(_ c: KZGCase) -> [UInt8] {
        var versionedHash = SHA256.hash(c.commitment)
        versionedHash[0] = 0x01
        return versionedHash + c.z + c.y + c.commitment + c.proof
    }

    /// The 122 consensus-spec verify_kzg_proof cases wrapped into precompile calls: `true` succeeds
    /// with the fixed output, `false` and `null` fail.
    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func verifyKZGProofCases() throws {
        let cases = try Self.loadKZGCases()
        #expect(cases.count == 122)
        #expect(cases.filter { $0.output == true }.count == 54)
        var passed = 0
        for c in cases {
            let result = Precompiles.run(.pointEvaluation, input: Self.callData(c), gas: 60_000, fork: .cancun)
            let expected: PrecompileResult = c.output == true ? .success(output: Self.successOutput, gasUsed: 50_000) : .failure
            #expect(result == expected, "\(c.name): \(describe(result))")
            if result == expected { passed += 1 }
        }
        #expect(passed == 122)
    }

    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func malformedInputsFail() throws {
        let valid = try VectorFiles.load("geth/pointEvaluation.json")[0].input
        var badHash = valid; badHash[0] = 0x02
        var badHash2 = valid; badHash2[5] ^= 1
        var zTooBig = valid; zTooBig.replaceSubrange(32..<64, with: BLS12381.r.bigEndianBytes)
        var badProof = valid; badProof[191] ^= 1
        for input in [[], Array(valid.dropLast()), valid + [0], badHash, badHash2, zTooBig, badProof] {
            #expect(Precompiles.run(.pointEvaluation, input: input, gas: 50_000, fork: .cancun) == .failure)
        }
        #expect(Precompiles.run(.pointEvaluation, input: valid, gas: 49_999, fork: .cancun) == .outOfGas)
        #expect(!Precompiles.isPrecompile(Address(low: 0x0a), fork: .shanghai))
    }
}
