import Foundation
import Testing
import EVMCore
import EVMPrecompiles

/// One entry of a geth-format precompile vector file (`Input`/`Expected`/`Gas` or `ExpectedError`).
struct PrecompileVector: Decodable, Sendable {
    let Input: String
    let Expected: String?
    let ExpectedError: String?
    let Gas: Int64?
    let Name: String

    var input: [UInt8] { (try? Hex.decode(Input)) ?? [] }
    var expected: [UInt8]? { Expected.flatMap { try? Hex.decode($0) } }
}

/// Finds `/work/shared/precompile-vectors` style folders: `$LOCKSTEP_PRECOMPILE_VECTORS`, else
/// `<package root>/../shared/precompile-vectors`, else `<package root>/precompile-vectors`.
enum VectorFiles {
    static let root: URL? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["LOCKSTEP_PRECOMPILE_VECTORS"], !env.isEmpty {
            return fm.fileExists(atPath: env) ? URL(fileURLWithPath: env) : nil
        }
        // #filePath = <root>/Tests/EVMPrecompilesTests/VectorSupport.swift
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for candidate in [packageRoot.deletingLastPathComponent().appendingPathComponent("shared/precompile-vectors"),
                          packageRoot.appendingPathComponent("precompile-vectors")]
        where fm.fileExists(atPath: candidate.appendingPathComponent("geth").path) {
            return candidate
        }
        return nil
    }()

    static var available: Bool { root != nil }
    static let skipMessage: Comment = "precompile vectors not found: set LOCKSTEP_PRECOMPILE_VECTORS or place them at ../shared/precompile-vectors"

    static func load(_ relativePath: String) throws -> [PrecompileVector] {
        guard let root else { throw VectorError.missingFolder }
        let data = try Data(contentsOf: root.appendingPathComponent(relativePath))
        return try JSONDecoder().decode([PrecompileVector].self, from: data)
    }

    enum VectorError: Error { case missingFolder }
}

/// Checks every success vector: exact output, exact gas, and that one gas less runs out of gas.
/// Returns the number of vectors that passed.
@discardableResult
func checkSuccessVectors(_ vectors: [PrecompileVector], precompile: Precompile, fork: Hardfork,
                         sourceLocation: SourceLocation = #_sourceLocation) -> Int {
    var passed = 0
    for v in vectors {
        guard let expected = v.expected, let gas = v.Gas else {
            Issue.record("vector \(v.Name) lacks Expected/Gas", sourceLocation: sourceLocation)
            continue
        }
        let result = Precompiles.run(precompile, input: v.input, gas: gas, fork: fork)
        let ok = result == .success(output: expected, gasUsed: gas)
        #expect(ok, "\(v.Name): got \(describe(result)), expected \(Hex.encode(expected)) gas \(gas)",
                sourceLocation: sourceLocation)
        if gas > 0 {
            let short = Precompiles.run(precompile, input: v.input, gas: gas - 1, fork: fork)
            #expect(short == .outOfGas, "\(v.Name): gas - 1 should run out of gas, got \(describe(short))",
                    sourceLocation: sourceLocation)
        }
        if ok { passed += 1 }
    }
    return passed
}

func describe(_ r: PrecompileResult) -> String {
    switch r {
    case .success(let out, let gas): return "success(\(Hex.encode(out)), gas \(gas))"
    case .failure: return "failure"
    case .outOfGas: return "outOfGas"
    case .unimplemented(let name): return "unimplemented(\(name))"
    }
}

func hex(_ s: String) -> [UInt8] { (try? Hex.decode(s)) ?? [] }
