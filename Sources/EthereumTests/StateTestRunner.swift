import EVMCore
import Foundation

/// Problems that stop a run before any case executes.
public enum StateTestRunnerError: Error, Sendable, Equatable, CustomStringConvertible {
    case pathNotFound(String)
    case invalidRegex(pattern: String, reason: String)
    case noFixtureFiles([String])
    /// `--fork` names no fork this build knows (the known names are listed).
    case unknownFork(String)
    /// The selection ran nothing: no case of the given files passed `--fork` / `--run` (or the
    /// files hold no cases). A run that judged nothing is not a success.
    case noCasesSelected(files: Int)

    public var description: String {
        switch self {
        case .pathNotFound(let p): return "no such file or directory: \(p)"
        case .invalidRegex(let pattern, let reason): return "invalid --run regex \"\(pattern)\": \(reason)"
        case .noFixtureFiles(let paths): return "no .json fixture files under \(paths.joined(separator: ", "))"
        case .unknownFork(let name):
            return "--fork: unknown fork \"\(name)\" (known: \(Hardfork.allCases.map(\.fixtureName).joined(separator: ", ")))"
        case .noCasesSelected(let files):
            return "no test case selected in \(files) file(s): nothing ran (check the paths, --fork and --run)"
        }
    }
}

/// Which cases to run: `--fork NAME` (exact raw fork name) and `--run REGEX` (searched for
/// anywhere in the test name, like geth's `evm statetest --run`).
public struct CaseFilter {
    public let fork: String?
    public let pattern: String?
    private let regex: Regex<AnyRegexOutput>?

    /// `fork` is matched exactly against the fixtures' names; one that names no fork this build
    /// knows (in any letter case) is `unknownFork` — a filter that can match nothing is a usage
    /// error, not an empty run.
    public init(fork: String? = nil, run pattern: String? = nil) throws(StateTestRunnerError) {
        if let fork, Hardfork(fixtureName: fork) == nil { throw .unknownFork(fork) }
        self.fork = fork
        self.pattern = pattern
        if let pattern {
            do {
                self.regex = try Regex(pattern)
            } catch {
                throw .invalidRegex(pattern: pattern, reason: String(describing: error))
            }
        } else {
            self.regex = nil
        }
    }

    public func matches(testName: String) -> Bool {
        guard let regex else { return true }
        return (try? regex.firstMatch(in: testName)) != nil
    }

    public func matches(fork name: String) -> Bool {
        fork.map { $0 == name } ?? true
    }

    public func matches(_ testCase: StateTestCase) -> Bool {
        matches(fork: testCase.fork) && matches(testName: testCase.testName)
    }
}

/// A fixture file to run: where it is and how it is named in reports.
public struct FixtureFileRef: Sendable, Equatable {
    public var url: URL
    /// `GeneralStateTests/stExample/add11.json` (see `StateTestRunner.collectFiles`).
    public var relativePath: String

    public init(url: URL, relativePath: String) { self.url = url; self.relativePath = relativePath }
}

/// How one reported entry was counted.
public enum CaseStatus: String, Sendable, Codable, Equatable {
    case passed
    case failed
    case needsPrecompile
    case unsupportedFork
    /// The file, or the test, could not be loaded; nothing ran.
    case loadError
}

/// One reported entry: a case, or a file/test that failed to load.
public struct CaseReport: Sendable, Equatable {
    public var file: String
    public var folder: String
    /// Test name ("" for a file-level load error).
    public var name: String
    /// Raw fork name ("" when nothing was loaded).
    public var fork: String
    /// Index in `post[fork]` (-1 when nothing was loaded).
    public var index: Int
    public var status: CaseStatus
    public var outcome: CaseOutcome

    public init(file: String, folder: String, name: String, fork: String, index: Int, status: CaseStatus,
                outcome: CaseOutcome) {
        self.file = file; self.folder = folder; self.name = name; self.fork = fork; self.index = index
        self.status = status; self.outcome = outcome
    }

    /// The entry as one JSON line, in the shape of geth's `evm statetest` output:
    /// `{"name":…,"pass":…,"stateRoot":…,"fork":…,"error":…,"file":…,"index":…}`, plus
    /// `"needsPrecompile"` when set and `"status"` always.
    public var jsonLine: String {
        var fields: [(String, String)] = [
            ("name", JSONText.string(name)),
            ("pass", status == .passed ? "true" : "false"),
            ("stateRoot", outcome.stateRoot.map { JSONText.string($0.hexString) } ?? "null"),
            ("fork", JSONText.string(fork)),
            ("error", JSONText.string(outcome.error ?? "")),
            ("file", JSONText.string(file)),
            ("index", String(index)),
            ("status", JSONText.string(status.rawValue)),
        ]
        if let p = outcome.needsPrecompile { fields.append(("needsPrecompile", JSONText.string(p))) }
        return "{" + fields.map { "\(JSONText.string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }
}

/// Counts for one group of entries (a fork, a folder, or everything).
public struct Tally: Sendable, Equatable, Codable {
    public var passed = 0
    public var failed = 0
    public var needsPrecompile = 0
    public var unsupportedFork = 0
    public var loadErrors = 0

    public init(passed: Int = 0, failed: Int = 0, needsPrecompile: Int = 0, unsupportedFork: Int = 0, loadErrors: Int = 0) {
        self.passed = passed; self.failed = failed; self.needsPrecompile = needsPrecompile
        self.unsupportedFork = unsupportedFork; self.loadErrors = loadErrors
    }

    public var total: Int { passed + failed + needsPrecompile + unsupportedFork + loadErrors }

    /// Entries that count against the run: failures, load errors, unsupported forks.
    public var problems: Int { failed + loadErrors + unsupportedFork }

    /// passed / (passed + failed + loadErrors) in percent; nil when that is 0/0. Cases that need
    /// a precompile and cases of unsupported forks are left out (they were not judged).
    public var passRate: Double? {
        let judged = passed + failed + loadErrors
        return judged == 0 ? nil : Double(passed) * 100 / Double(judged)
    }

    public mutating func record(_ status: CaseStatus) {
        switch status {
        case .passed: passed += 1
        case .failed: failed += 1
        case .needsPrecompile: needsPrecompile += 1
        case .unsupportedFork: unsupportedFork += 1
        case .loadError: loadErrors += 1
        }
    }

    private enum CodingKeys: String, CodingKey {
        case passed, failed, needsPrecompile, unsupportedFork, loadErrors, total, passRate
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        passed = try c.decode(Int.self, forKey: .passed)
        failed = try c.decode(Int.self, forKey: .failed)
        needsPrecompile = try c.decode(Int.self, forKey: .needsPrecompile)
        unsupportedFork = try c.decode(Int.self, forKey: .unsupportedFork)
        loadErrors = try c.decode(Int.self, forKey: .loadErrors)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(passed, forKey: .passed)
        try c.encode(failed, forKey: .failed)
        try c.encode(needsPrecompile, forKey: .needsPrecompile)
        try c.encode(unsupportedFork, forKey: .unsupportedFork)
        try c.encode(loadErrors, forKey: .loadErrors)
        try c.encode(total, forKey: .total)
        try c.encodeIfPresent(passRate, forKey: .passRate)
    }
}

/// Totals of a run, per fork and per folder. Load errors have no fork and appear only in
/// `folders` and `total`.
public struct RunSummary: Sendable, Equatable, Codable {
    public var total = Tally()
    public var forks: [String: Tally] = [:]
    public var folders: [String: Tally] = [:]
    /// Fixture files visited.
    public var files = 0
    public var elapsedSeconds = 0.0

    public init() {}

    /// True when nothing failed, failed to load, or belonged to an unsupported fork.
    public var succeeded: Bool { total.problems == 0 }

    public mutating func record(_ report: CaseReport) {
        total.record(report.status)
        if report.status != .loadError { forks[report.fork, default: Tally()].record(report.status) }
        folders[report.folder, default: Tally()].record(report.status)
    }

    /// Human-readable tables: by fork (protocol order), by folder (sorted), then the total.
    public func render() -> String {
        let header = ["passed", "failed", "needs-precompile", "unsupported-fork", "load-errors", "total", "pass rate"]
        func row(_ name: String, _ t: Tally) -> [String] {
            [name, String(t.passed), String(t.failed), String(t.needsPrecompile), String(t.unsupportedFork),
             String(t.loadErrors), String(t.total), t.passRate.map { String(format: "%.2f%%", $0) } ?? "-"]
        }
        let forkNames = forks.keys.sorted { a, b in
            switch (Hardfork(fixtureName: a), Hardfork(fixtureName: b)) {
            case let (x?, y?): return x == y ? a < b : x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
        var out = ""
        out += Self.table(title: "by fork", header: ["fork"] + header, rows: forkNames.map { row($0, forks[$0]!) })
        out += "\n"
        out += Self.table(title: "by folder", header: ["folder"] + header,
                          rows: folders.keys.sorted().map { row($0, folders[$0]!) })
        out += "\n"
        out += Self.table(title: "total", header: [""] + header, rows: [row("all", total)])
        out += String(format: "%d files, %d entries, %.2f s\n", files, total.total, elapsedSeconds)
        return out
    }

    /// The summary as pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    private static func table(title: String, header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for r in rows { for (i, cell) in r.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var out = "== \(title) ==\n" + line(header) + "\n"
        for r in rows { out += line(r) + "\n" }
        return out
    }
}

/// Walks fixture files, expands them into cases, filters, runs each case through an injected
/// executor closure, reports each entry and returns the totals.
///
/// Order is deterministic: files sorted by relative path (per argument, arguments in the
/// order given), tests by name, forks in protocol order, cases in `post` order.
/// A file or test that fails to load is reported as a `loadError` entry and the run goes on.
/// Cases of an unknown fork are reported as `unsupportedFork` without calling the executor.
public struct StateTestRunner {
    public var filter: CaseFilter
    /// Receives each entry as it is decided (e.g. to print `report.jsonLine`); nil for none.
    public var onReport: ((CaseReport) -> Void)?

    public init(filter: CaseFilter, onReport: ((CaseReport) -> Void)? = nil) {
        self.filter = filter; self.onReport = onReport
    }

    /// Resolves paths (files or folders, searched recursively for `.json`) and runs them all.
    public func run(paths: [String], execute: (StateTestCase) -> CaseOutcome) throws(StateTestRunnerError) -> RunSummary {
        let files = try Self.collectFiles(paths)
        return run(files: files, execute: execute)
    }

    public func run(files: [FixtureFileRef], execute: (StateTestCase) -> CaseOutcome) -> RunSummary {
        let clock = ContinuousClock()
        let start = clock.now
        var summary = RunSummary()
        for file in files {
            summary.files += 1
            for r in reports(of: file, execute: execute) {
                summary.record(r)
                onReport?(r)
            }
        }
        summary.elapsedSeconds = Self.seconds(clock.now - start)
        return summary
    }

    /// Resolves paths and runs the files on `jobs` threads (see `run(files:jobs:execute:)`).
    public func run(paths: [String], jobs: Int, execute: @escaping @Sendable (StateTestCase) -> CaseOutcome)
        throws(StateTestRunnerError) -> RunSummary {
        let files = try Self.collectFiles(paths)
        return run(files: files, jobs: jobs, execute: execute)
    }

    /// Runs whole files concurrently on `jobs` threads (each takes the next unstarted file),
    /// and hands the entries to `onReport` and the summary strictly in file order, as soon as
    /// every earlier file is done: the output equals a one-job run's entry for entry (only
    /// `elapsedSeconds` differs). `jobs` ≤ 1 is the serial run. `execute` must be safe to call
    /// from several threads at once (each call gets its own case).
    public func run(files: [FixtureFileRef], jobs: Int, execute: @escaping @Sendable (StateTestCase) -> CaseOutcome) -> RunSummary {
        guard jobs > 1, files.count > 1 else { return run(files: files, execute: execute) }
        let clock = ContinuousClock()
        let start = clock.now
        let box = OrderedFileResults<CaseReport>(count: files.count)
        // `reports(of:)` reads only `filter` (immutable here); `onReport` is called by the emitter under the lock.
        nonisolated(unsafe) let runner = self
        let workers = min(jobs, files.count)
        var summary = RunSummary()
        let onReport = self.onReport
        // The emitting side runs on whichever worker completes the next file in order, under the lock.
        box.emit = { r in
            summary.record(r)
            onReport?(r)
        }
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = box.next() {
                box.finish(i, runner.reports(of: files[i], execute: execute))
            }
        }
        box.emit = nil
        summary.files = files.count
        summary.elapsedSeconds = Self.seconds(clock.now - start)
        return summary
    }

    /// Every entry of one fixture file, in order: a load error, or its cases (filtered).
    public func reports(of file: FixtureFileRef, execute: (StateTestCase) -> CaseOutcome) -> [CaseReport] {
        var out: [CaseReport] = []
        let folder = StateTestFile.folder(ofRelativePath: file.relativePath)
        let parsed: [Result<StateTest, FixtureError>]
        do {
            parsed = try StateTestFile.parseTests(try StateTestFile.read(file.url, relativePath: file.relativePath),
                                                  relativePath: file.relativePath,
                                                  including: filter.matches(testName:))
        } catch {
            return [CaseReport(file: file.relativePath, folder: folder, name: "", fork: "", index: -1,
                               status: .loadError, outcome: .failed(error.description))]
        }
        for result in parsed {
            let test: StateTest
            switch result {
            case .failure(let error):
                out.append(CaseReport(file: file.relativePath, folder: folder, name: error.test ?? "", fork: "",
                                      index: -1, status: .loadError, outcome: .failed(error.description)))
                continue
            case .success(let t):
                test = t
            }
            let cases: [StateTestCase]
            do {
                cases = try test.cases(file: file.relativePath, folder: folder)
            } catch {
                out.append(CaseReport(file: file.relativePath, folder: folder, name: test.name, fork: "", index: -1,
                                      status: .loadError, outcome: .failed(error.description)))
                continue
            }
            for c in cases where filter.matches(fork: c.fork) {
                out.append(Self.decide(c, execute: execute))
            }
        }
        return out
    }

    /// Runs already-expanded cases (filtered) through the executor.
    public func run(cases: [StateTestCase], execute: (StateTestCase) -> CaseOutcome) -> RunSummary {
        var summary = RunSummary()
        summary.files = Set(cases.map(\.file)).count
        for c in cases where filter.matches(c) {
            let r = Self.decide(c, execute: execute)
            summary.record(r)
            onReport?(r)
        }
        return summary
    }

    /// One case's entry: unsupported fork (executor not called), or the executor's outcome.
    public static func decide(_ c: StateTestCase, execute: (StateTestCase) -> CaseOutcome) -> CaseReport {
        let outcome: CaseOutcome
        let status: CaseStatus
        if c.hardfork == nil {
            outcome = .failed("unsupported fork \"\(c.fork)\"")
            status = .unsupportedFork
        } else {
            outcome = execute(c)
            if outcome.needsPrecompile != nil {
                status = .needsPrecompile
            } else {
                status = outcome.pass ? .passed : .failed
            }
        }
        return CaseReport(file: c.file, folder: c.folder, name: c.testName, fork: c.fork, index: c.index,
                          status: status, outcome: outcome)
    }

    /// Every `.json` file named by `paths` (a directory is searched recursively), sorted by
    /// relative path within each argument; duplicates dropped.
    ///
    /// Relative path: from the last `root` component (`GeneralStateTests`) of the absolute path when
    /// there is one; else from the directory argument's own name, or the bare file name.
    public static func collectFiles(_ paths: [String], root: String = "GeneralStateTests") throws(StateTestRunnerError) -> [FixtureFileRef] {
        let fm = FileManager.default
        var out: [FixtureFileRef] = []
        var seen = Set<String>()
        for path in paths {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDir) else { throw .pathNotFound(path) }
            var found: [FixtureFileRef] = []
            if isDir.boolValue {
                let base = url.pathComponents
                guard let walker = fm.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else {
                    throw .pathNotFound(path)
                }
                for case let file as URL in walker where file.pathExtension == "json" {
                    let values = try? file.resourceValues(forKeys: [.isRegularFileKey])
                    guard values?.isRegularFile == true else { continue }
                    let std = file.standardizedFileURL
                    let below = Array(std.pathComponents.dropFirst(base.count))
                    found.append(FixtureFileRef(url: std, relativePath: relativePath(
                        std, root: root, fallback: ([url.lastPathComponent] + below).joined(separator: "/"))))
                }
            } else {
                found.append(FixtureFileRef(url: url, relativePath: relativePath(url, root: root, fallback: url.lastPathComponent)))
            }
            found.sort { $0.relativePath < $1.relativePath }
            for f in found where seen.insert(f.url.path).inserted { out.append(f) }
        }
        if out.isEmpty { throw .noFixtureFiles(paths) }
        return out
    }

    private static func relativePath(_ url: URL, root: String, fallback: String) -> String {
        let parts = url.pathComponents
        if let i = parts.lastIndex(of: root), i < parts.count - 1 {
            return parts[i...].joined(separator: "/")
        }
        return fallback
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) + Double(atto) / 1e18
    }
}

/// Minimal JSON text building for report lines (fixed key order, no Foundation round trip).
enum JSONText {
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// The hand-off between `run(files:jobs:execute:)`'s workers: a queue of file indices and a
/// reorder buffer that passes finished files' entries to `emit` in index order.
final class OrderedFileResults<Item>: @unchecked Sendable {
    private let lock = NSLock()
    private var nextToStart = 0
    private var nextToEmit = 0
    private var done: [[Item]?]
    /// Called under the lock, in file order. Set before the workers start, cleared after.
    var emit: ((Item) -> Void)?

    init(count: Int) { done = Array(repeating: nil, count: count) }

    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard nextToStart < done.count else { return nil }
        nextToStart += 1
        return nextToStart - 1
    }

    func finish(_ i: Int, _ reports: [Item]) {
        lock.lock(); defer { lock.unlock() }
        done[i] = reports
        while nextToEmit < done.count, let ready = done[nextToEmit] {
            for r in ready { emit?(r) }
            done[nextToEmit] = nil
            nextToEmit += 1
        }
    }
}
