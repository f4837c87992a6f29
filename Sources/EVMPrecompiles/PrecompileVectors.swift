import Foundation
import EVMCore

/// One entry of a geth-format precompile vector file (go-ethereum's
/// `core/vm/testdata/precompiles/*.json`, EIP-2537's and EIP-7951's assets): a JSON object with
/// `Input`, `Name`, and either `Expected` + `Gas` (success vectors) or `ExpectedError` (files
/// named `fail-*`). Hex strings have no `0x` prefix; `""` is zero bytes. Bad hex is a
/// `DecodingError` naming the field.
public struct PrecompileVector: Decodable, Sendable {
    public let name: String
    public let input: [UInt8]
    /// The exact output of a success vector; nil in failure files.
    public let expected: [UInt8]?
    /// The gas a success vector charges; nil in failure files.
    public let gas: Int64?
    /// geth's error text for a failure vector (its own wording, only a classification hint).
    public let expectedError: String?

    enum CodingKeys: String, CodingKey {
        case name = "Name", input = "Input", expected = "Expected", gas = "Gas", expectedError = "ExpectedError"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func bytes(_ key: CodingKeys) throws -> [UInt8]? {
            guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
            do { return try Hex.decode(text) } catch {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not hex: \(error)")
            }
        }
        name = try c.decode(String.self, forKey: .name)
        input = try bytes(.input) ?? []
        expected = try bytes(.expected)
        gas = try c.decodeIfPresent(Int64.self, forKey: .gas)
        expectedError = try c.decodeIfPresent(String.self, forKey: .expectedError)
    }

    public init(name: String, input: [UInt8], expected: [UInt8]?, gas: Int64?, expectedError: String? = nil) {
        self.name = name; self.input = input; self.expected = expected; self.gas = gas; self.expectedError = expectedError
    }

    /// Number of (point, scalar) or (G1, G2) pairs for the BLS12-381 MSM and pairing inputs, and
    /// for the BN254 pairing; 1 for the fixed-size precompiles.
    public func pairs(for precompile: Precompile) -> Int {
        switch precompile {
        case .bls12G1MSM: return input.count / 160
        case .bls12G2MSM: return input.count / 288
        case .bls12PairingCheck: return input.count / 384
        case .bn254Pairing: return input.count / 192
        default: return 1
        }
    }

    /// Checks the vector against `Precompiles.run` under `fork`. A success vector must return
    /// exactly `expected` and charge exactly its gas (or `gasOverride`), and one gas less must run
    /// out of gas; a failure vector must fail (not run out of gas) when given ample gas. Returns
    /// nil when the vector passes, else a description of the difference.
    public func mismatch(precompile: Precompile, fork: Hardfork, gasOverride: Int64? = nil) -> String? {
        guard let expected else {
            let result = Precompiles.run(precompile, input: input, gas: 100_000_000, fork: fork)
            return result == .failure ? nil : "\(name) (\(expectedError ?? "no error text")): expected failure, got \(result)"
        }
        guard let price = gasOverride ?? gas else { return "\(name): success vector without Gas" }
        let result = Precompiles.run(precompile, input: input, gas: price, fork: fork)
        guard result == .success(output: expected, gasUsed: price) else {
            return "\(name): got \(result), expected output \(Hex.encode(expected)) gas \(price)"
        }
        if price > 0 {
            let short = Precompiles.run(precompile, input: input, gas: price - 1, fork: fork)
            guard short == .outOfGas else { return "\(name): with gas \(price - 1) expected outOfGas, got \(short)" }
        }
        return nil
    }
}

extension PrecompileResult: CustomStringConvertible {
    public var description: String {
        switch self {
        case .success(let out, let gas): return "success(\(Hex.encode(out)), gas \(gas))"
        case .failure: return "failure"
        case .outOfGas: return "outOfGas"
        case .unimplemented(let name): return "unimplemented(\(name))"
        }
    }
}

/// The vector files of the shared `precompile-vectors` folder (its README describes them) with
/// the precompile and fork each runs under. `geth/` files use test-only addresses upstream;
/// here they run against the mainnet precompile. The KZG `verify_kzg_proof` YAML cases are not
/// in this format and are tested separately.
public struct PrecompileVectorFile: Sendable {
    /// Path relative to the vectors folder, e.g. `geth/blsG1Add.json`.
    public let path: String
    public let precompile: Precompile
    public let fork: Hardfork
    /// Charged instead of the file's `Gas` (EIP-7951's asset carries RIP-7212's old price 3450).
    public let gasOverride: Int64?

    public init(_ path: String, _ precompile: Precompile, _ fork: Hardfork, gasOverride: Int64? = nil) {
        self.path = path; self.precompile = precompile; self.fork = fork; self.gasOverride = gasOverride
    }

    /// Whether this is a failure file (`fail-*`).
    public var expectsFailure: Bool { path.split(separator: "/").last?.hasPrefix("fail-") ?? false }

    public func load(root: URL) throws -> [PrecompileVector] {
        let data = try Data(contentsOf: root.appendingPathComponent(path))
        return try JSONDecoder().decode([PrecompileVector].self, from: data)
    }

    /// Every JSON vector file of the folder (47: geth's 29, EIP-2537's 17, EIP-7951's 1;
    /// EIP-2537's `msm_G2_bls.json` is missing from the snapshot).
    public static let all: [PrecompileVectorFile] = {
        var files: [PrecompileVectorFile] = [
            .init("geth/ecRecover.json", .ecrecover, .cancun),
            .init("geth/modexp.json", .modexp, .byzantium),
            .init("geth/modexp_eip2565.json", .modexp, .prague),
            .init("geth/modexp_eip7883.json", .modexp, .osaka),
            .init("geth/bn256Add.json", .bn254Add, .istanbul),
            .init("geth/bn256ScalarMul.json", .bn254Mul, .istanbul),
            .init("geth/bn256Pairing.json", .bn254Pairing, .istanbul),
            .init("geth/blake2F.json", .blake2f, .istanbul),
            .init("geth/fail-blake2f.json", .blake2f, .istanbul),
            .init("geth/pointEvaluation.json", .pointEvaluation, .cancun),
            .init("geth/p256Verify.json", .p256Verify, .osaka),
            .init("eip-7951/test-vectors.json", .p256Verify, .osaka, gasOverride: P256Verify.gasCost),
        ]
        let geth: [(String, Precompile)] = [
            ("blsG1Add", .bls12G1Add), ("blsG1Mul", .bls12G1MSM), ("blsG1MultiExp", .bls12G1MSM),
            ("blsG2Add", .bls12G2Add), ("blsG2Mul", .bls12G2MSM), ("blsG2MultiExp", .bls12G2MSM),
            ("blsPairing", .bls12PairingCheck), ("blsMapG1", .bls12MapFpToG1), ("blsMapG2", .bls12MapFp2ToG2),
        ]
        for (name, p) in geth {
            files.append(.init("geth/\(name).json", p, .prague))
            files.append(.init("geth/fail-\(name).json", p, .prague))
        }
        let eip2537: [(String, Precompile, Bool)] = [
            ("add_G1_bls", .bls12G1Add, true), ("add_G2_bls", .bls12G2Add, true),
            ("msm_G1_bls", .bls12G1MSM, true), ("msm_G2_bls", .bls12G2MSM, false),
            ("mul_G1_bls", .bls12G1MSM, true), ("mul_G2_bls", .bls12G2MSM, true),
            ("pairing_check_bls", .bls12PairingCheck, true),
            ("map_fp_to_G1_bls", .bls12MapFpToG1, true), ("map_fp2_to_G2_bls", .bls12MapFp2ToG2, true),
        ]
        for (name, p, hasSuccessFile) in eip2537 {
            if hasSuccessFile { files.append(.init("eip-2537/\(name).json", p, .prague)) }
            files.append(.init("eip-2537/fail-\(name).json", p, .prague))
        }
        return files
    }()

    /// The folder: `$LOCKSTEP_PRECOMPILE_VECTORS`, else `../shared/precompile-vectors` relative
    /// to `currentDirectory`; nil when it has no `geth/` subfolder.
    public static func root(environment: [String: String] = ProcessInfo.processInfo.environment,
                            currentDirectory: String = FileManager.default.currentDirectoryPath) -> URL? {
        let base = URL(fileURLWithPath: currentDirectory, isDirectory: true)
        let candidate: URL
        if let env = environment["LOCKSTEP_PRECOMPILE_VECTORS"], !env.isEmpty {
            candidate = URL(fileURLWithPath: env, relativeTo: base)
        } else {
            candidate = base.appendingPathComponent("../shared/precompile-vectors")
        }
        let url = candidate.standardizedFileURL
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("geth").path) ? url : nil
    }
}
