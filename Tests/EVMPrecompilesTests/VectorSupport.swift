import Foundation
import Testing
import EVMCore
import EVMPrecompiles

/// The shared `precompile-vectors` folder for tests: `$LOCKSTEP_PRECOMPILE_VECTORS`, else
/// `<package root>/../shared/precompile-vectors` (found from this file's path, so it does not
/// depend on the current directory). Format and catalogue: `PrecompileVectorFile`.
enum VectorFiles {
    static let root: URL? = {
        if let env = ProcessInfo.processInfo.environment["LOCKSTEP_PRECOMPILE_VECTORS"], !env.isEmpty {
            return PrecompileVectorFile.root()
        }
        // #filePath = <root>/Tests/EVMPrecompilesTests/VectorSupport.swift
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return PrecompileVectorFile.root(environment: [:], currentDirectory: packageRoot.path)
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

/// Checks every success vector: exact output, exact gas, and that one gas less runs out of gas
/// (`PrecompileVector.mismatch`). Returns the number of vectors that passed.
@discardableResult
func checkSuccessVectors(_ vectors: [PrecompileVector], precompile: Precompile, fork: Hardfork, gasOverride: Int64? = nil,
                         sourceLocation: SourceLocation = #_sourceLocation) -> Int {
    var passed = 0
    for v in vectors {
        if v.expected == nil { Issue.record("vector \(v.name) lacks Expected", sourceLocation: sourceLocation); continue }
        let problem = v.mismatch(precompile: precompile, fork: fork, gasOverride: gasOverride)
        #expect(problem == nil, "\(problem ?? "")", sourceLocation: sourceLocation)
        if problem == nil { passed += 1 }
    }
    return passed
}

/// Checks every failure vector fails (with ample gas). Returns the number that did.
@discardableResult
func checkFailureVectors(_ vectors: [PrecompileVector], precompile: Precompile, fork: Hardfork,
                         sourceLocation: SourceLocation = #_sourceLocation) -> Int {
    var passed = 0
    for v in vectors {
        if v.expected != nil { Issue.record("vector \(v.name) in a failure file has Expected", sourceLocation: sourceLocation); continue }
        let problem = v.mismatch(precompile: precompile, fork: fork)
        #expect(problem == nil, "\(problem ?? "")", sourceLocation: sourceLocation)
        if problem == nil { passed += 1 }
    }
    return passed
}

func describe(_ r: PrecompileResult) -> String { r.description }

func hex(_ s: String) -> [UInt8] { (try? Hex.decode(s)) ?? [] }

/// `PrecompileVectorFile.all` (what `lockstep bench precompiles --check-vectors` runs) names
/// every JSON vector file of the folder, so a new upstream file cannot be silently skipped.
@Suite struct VectorCatalogueTests {
    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func catalogueCoversEveryFile() throws {
        let root = try #require(VectorFiles.root)
        var onDisk = Set<String>()
        for folder in ["geth", "eip-2537", "eip-7951"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            where name.hasSuffix(".json") {
                onDisk.insert("\(folder)/\(name)")
            }
        }
        let catalogued = Set(PrecompileVectorFile.all.map(\.path))
        #expect(catalogued.count == PrecompileVectorFile.all.count, "duplicate catalogue entries")
        #expect(onDisk == catalogued, "on disk only: \(onDisk.subtracting(catalogued).sorted()); catalogue only: \(catalogued.subtracting(onDisk).sorted())")
        for file in PrecompileVectorFile.all {
            let vectors = try file.load(root: root)
            #expect(!vectors.isEmpty, "\(file.path) is empty")
            #expect(vectors.allSatisfy { ($0.expected == nil) == file.expectsFailure }, "\(file.path): kind does not match its name")
        }
    }
}
