import Foundation
import Testing

/// The package's layout is declared three times — `Package.swift`'s dependency lists, the
/// `import` lines of each target's sources, and the README's "Layout" table — and these tests
/// fail when any two disagree. A target may import only what it declares, must import
/// everything it declares (no stale arrows), and the README must list every non-test target
/// with exactly its declared imports.
@Suite struct ArchitectureTests {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Modules of the toolchain: importing them needs no declaration.
    static let toolchainModules: Set<String> = [
        "Foundation", "FoundationEssentials", "FoundationNetworking", "Dispatch", "Glibc", "Musl", "Darwin",
        "Testing", "XCTest", "Synchronization", "CoreFoundation", "Swift", "_Concurrency", "os",
    ]

    static func manifest() throws -> PackageManifest {
        try PackageManifest(source: String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8))
    }

    @Test func everyTargetDeclaresExactlyWhatItsSourcesImport() throws {
        let manifest = try Self.manifest()
        #expect(manifest.targets.count >= 20, "parsed only \(manifest.targets.count) targets from Package.swift")
        var problems: [String] = []
        for target in manifest.targets where target.kind != .systemLibrary {
            let imports = try SourceImports.of(directory: Self.root.appendingPathComponent(target.path))
                .subtracting(Self.toolchainModules).subtracting([target.name])
            let declared = Set(target.dependencies)
            let undeclared = imports.subtracting(declared).sorted()
            let unused = declared.subtracting(imports).sorted()
            if !undeclared.isEmpty { problems.append("\(target.name) imports undeclared \(undeclared)") }
            if !unused.isEmpty { problems.append("\(target.name) declares unused \(unused)") }
        }
        #expect(problems.isEmpty, "Package.swift and the imports disagree:\n\(problems.joined(separator: "\n"))")
    }

    @Test func readmeLayoutTableMatchesPackageSwift() throws {
        let manifest = try Self.manifest()
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let table = try LayoutTable(readme: readme)
        let expected = manifest.targets.filter { $0.kind != .test && !$0.path.hasPrefix("Tests/") }
        var problems: [String] = []
        for target in expected {
            guard let row = table.rows[target.name] else { problems.append("README Layout lacks a row for \(target.name)"); continue }
            if row != Set(target.dependencies) {
                problems.append("README says \(target.name) imports \(row.sorted()), Package.swift says \(target.dependencies.sorted())")
            }
        }
        for name in Set(table.rows.keys).subtracting(expected.map(\.name)).sorted() {
            problems.append("README Layout lists \(name), which Package.swift does not define (or is a test target)")
        }
        #expect(problems.isEmpty, "README Layout and Package.swift disagree:\n\(problems.joined(separator: "\n"))")
    }

    /// The sequencer's verifier stands apart from what it checks: it shares only the data types
    /// of `SequencerModel`, so a bug in `Sequencer` cannot leak into the judgement of its output.
    @Test func verificationLayerNeverDependsOnTheSequencer() throws {
        let manifest = try Self.manifest()
        let byName = Dictionary(manifest.targets.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func closure(_ name: String) -> Set<String> {
            var seen: Set<String> = []
            var stack = [name]
            while let n = stack.popLast() {
                for d in byName[n]?.dependencies ?? [] where seen.insert(d).inserted { stack.append(d) }
            }
            return seen
        }
        for checker in ["BatchVerification", "Counterexamples", "PropertyKit", "Proofs", "Generators"] {
            #expect(byName[checker] != nil, "no target \(checker)")
            #expect(!closure(checker).contains("Sequencer"), "\(checker) depends (transitively) on Sequencer")
        }
        // The reference EVM stands below everything that checks or runs it in parallel.
        for core in ["EVMCore", "EVMState", "EVMPrecompiles", "EVMInterpreter", "EVMExecution", "EthereumTests"] {
            #expect(!closure(core).contains("ParallelExecutor"), "\(core) depends on ParallelExecutor")
        }
        // Planted faults reach production code only through its `FaultHook` parameters: no
        // production target (nor the batch verifier, the independent checker) can see them.
        #expect(byName["PlantedFaults"] != nil, "no target PlantedFaults")
        for production in ["EVMCore", "EVMState", "EVMPrecompiles", "EVMInterpreter", "EVMExecution", "ParallelExecutor", "EVMChain",
                           "EthereumTests", "T8n", "SequencerModel", "Sequencer", "EVMAssembly", "DeFiContracts", "Generators",
                           "BatchVerification", "Benchmarks", "Oracles", "Differential", "SMT"] {
            #expect(byName[production] != nil, "no target \(production)")
            #expect(!closure(production).contains("PlantedFaults"), "\(production) depends (transitively) on PlantedFaults")
        }
    }

    @Test func parserReadsTargetsDependenciesAndProducts() throws {
        let manifest = try PackageManifest(source: """
            targets: [
                .target(name: "A", dependencies: ["B", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: x),
                .systemLibrary(name: "CZ", pkgConfig: "z"),
                .testTarget(name: "ATests", dependencies: ["A"], path: "Elsewhere/ATests"),
                .target(name: "B"),
            ]
            """)
        #expect(manifest.targets.map(\.name) == ["A", "CZ", "ATests", "B"])
        #expect(Set(manifest.targets[0].dependencies) == ["B", "Crypto"])
        #expect(manifest.targets[0].path == "Sources/A")
        #expect(manifest.targets[2].path == "Elsewhere/ATests")
        #expect(manifest.targets[2].kind == .test)
        #expect(manifest.targets[3].dependencies.isEmpty)
        let imports = SourceImports.of(text: ["import Foundation", "@testable import A", "public import struct B.Thing",
                                              "// import Commented", "let s = \"import NotAnImport\"",
                                              "let t = \"\"\"", "import InsideAString", "\"\"\""].joined(separator: "\n"))
        #expect(imports == ["Foundation", "A", "B"])
    }
}

/// The targets of `Package.swift`, read from its text (no evaluation): name, kind, path and
/// the module names of its dependencies (`"Target"` and `.product(name: "Module", …)`).
struct PackageManifest {
    struct Target {
        enum Kind { case regular, executable, test, systemLibrary }
        var name: String
        var kind: Kind
        var path: String
        var dependencies: [String]
    }
    var targets: [Target] = []

    struct ParseError: Error, CustomStringConvertible { var description: String }

    init(source: String) throws {
        let text = Array(source.unicodeScalars)
        let kinds: [(String, Target.Kind)] = [(".target(", .regular), (".executableTarget(", .executable),
                                                (".testTarget(", .test), (".systemLibrary(", .systemLibrary)]
        var i = 0
        while i < text.count {
            guard let (marker, kind) = kinds.first(where: { Self.matches(text, at: i, $0.0) }) else { i += 1; continue }
            let open = i + marker.unicodeScalars.count - 1
            guard let close = Self.matchingClose(text, from: open) else { throw ParseError(description: "unbalanced \(marker) at offset \(i)") }
            let body = String(String.UnicodeScalarView(text[(open + 1)..<close]))
            guard let name = Self.stringArgument(body, "name") else { throw ParseError(description: "\(marker) without a name at offset \(i)") }
            let path = Self.stringArgument(body, "path") ?? ((kind == .test ? "Tests/" : "Sources/") + name)
            targets.append(Target(name: name, kind: kind, path: path, dependencies: try Self.dependencies(body)))
            i = close + 1
        }
    }

    static func matches(_ text: [Unicode.Scalar], at i: Int, _ s: String) -> Bool {
        let p = Array(s.unicodeScalars)
        guard i + p.count <= text.count else { return false }
        return Array(text[i..<(i + p.count)]) == p
    }

    /// Index of the bracket closing the one at `open`, skipping string literals.
    static func matchingClose(_ text: [Unicode.Scalar], from open: Int) -> Int? {
        var depth = 0
        var inString = false
        var i = open
        while i < text.count {
            let c = text[i]
            if inString {
                if c == "\\" { i += 1 } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
            } else if c == "(" || c == "[" {
                depth += 1
            } else if c == ")" || c == "]" {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return nil
    }

    /// The value of `label: "…"` at the top level of a target's argument list.
    static func stringArgument(_ body: String, _ label: String) -> String? {
        let top = topLevel(body)
        guard let r = top.range(of: "(^|[,(\\s])\(label):\\s*\"[^\"]*\"", options: .regularExpression) else { return nil }
        let match = top[r]
        guard let q = match.firstIndex(of: "\"") else { return nil }
        return String(match[match.index(after: q)...].dropLast())
    }

    /// `body` with every nested bracket's content blanked, so labels inside them do not match.
    static func topLevel(_ body: String) -> String {
        var out = ""
        var depth = 0
        var inString = false
        for c in body {
            if inString { if c == "\"" { inString = false }; out.append(depth == 0 ? c : " "); continue }
            if c == "\"" { inString = true; out.append(depth == 0 ? c : " "); continue }
            if c == "(" || c == "[" { depth += 1; out.append(c); continue }
            if c == ")" || c == "]" { depth -= 1; out.append(c); continue }
            out.append(depth == 0 ? c : " ")
        }
        return out
    }

    static func dependencies(_ body: String) throws -> [String] {
        let scalars = Array(body.unicodeScalars)
        guard let range = body.range(of: "dependencies:") else { return [] }
        var i = body.unicodeScalars.distance(from: body.unicodeScalars.startIndex, to: range.upperBound)
        while i < scalars.count, scalars[i] != "[" { i += 1 }
        guard let close = matchingClose(scalars, from: i) else { throw ParseError(description: "unbalanced dependencies list") }
        let list = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
        var names: [String] = []
        // `.product(name: "M", package: "p")` contributes M; a bare string is a target name.
        let product = /\.product\(\s*name:\s*"([^"]+)"[^)]*\)/
        for m in list.matches(of: product) { names.append(String(m.1)) }
        let rest = list.replacing(product, with: "")
        for m in rest.matches(of: /"([^"]+)"/) { names.append(String(m.1)) }
        return names
    }
}

/// Module names imported by Swift sources (`import M`, `@testable import M`,
/// `public import struct M.T`, …), ignoring comments and string literals on other lines.
enum SourceImports {
    static var pattern: Regex<(Substring, Substring)> { /^\s*(?:@\w+\s+)*(?:(?:public|internal|package|private|fileprivate)\s+)?import\s+(?:(?:struct|class|enum|func|protocol|typealias|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*)/ }

    static func of(text: String) -> Set<String> {
        var modules: Set<String> = []
        var inMultilineString = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            // Lines inside a `"""` literal are text, not code.
            if line.contains("\"\"\"") {
                if line.components(separatedBy: "\"\"\"").count % 2 == 0 { inMultilineString.toggle() }
                continue
            }
            guard !inMultilineString, line.contains("import") else { continue }
            let regex = pattern
            if let m = line.firstMatch(of: regex) { modules.insert(String(m.1)) }
        }
        return modules
    }

    static func of(directory: URL) throws -> Set<String> {
        guard let e = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            throw PackageManifest.ParseError(description: "no folder \(directory.path)")
        }
        var modules: Set<String> = []
        for case let url as URL in e where url.pathExtension == "swift" {
            modules.formUnion(of(text: try String(contentsOf: url, encoding: .utf8)))
        }
        return modules
    }
}

/// The README's "## Layout" table: `| \`Target\` | what it owns | \`Dep\`, \`Dep\` |` (— for none).
struct LayoutTable {
    var rows: [String: Set<String>] = [:]

    init(readme: String) throws {
        guard let start = readme.range(of: "\n## Layout\n") else { throw PackageManifest.ParseError(description: "README has no '## Layout' section") }
        let section = readme[start.upperBound...]
        let end = section.range(of: "\n## ")?.lowerBound ?? section.endIndex
        for line in section[..<end].split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            let name = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let deps = cells[3].matches(of: /`([^`]+)`/).map { String($0.1) }
            rows[name] = Set(deps)
        }
        if rows.isEmpty { throw PackageManifest.ParseError(description: "README Layout table has no rows") }
    }
}
