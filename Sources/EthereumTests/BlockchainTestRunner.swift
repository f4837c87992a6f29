import EVMCore
import EVMChain
import Foundation

/// One reported blockchain test (or a file/test that failed to load).
public struct BlockchainTestReport: Sendable, Equatable {
    public var file: String
    public var folder: String
    public var name: String
    public var fork: String
    public var status: CaseStatus
    public var outcome: BlockchainTestOutcome

    /// One JSON line in the shape of `lockstep statetest`'s (geth's `evm blocktest` fields
    /// `name`, `pass`, `fork`, `error`), plus `file`, `status`, `blocks`, `imported`, `head`,
    /// `stateRoot`, `seconds` and, per rejected block, `{"block", "check", "reason",
    /// "expectException", "nameMatches"}`.
    public var jsonLine: String {
        let rejected = outcome.blocks.compactMap { b -> String? in
            guard let r = b.rejection else { return nil }
            return "{\"block\":\(b.index),\"check\":\(JSONText.string(r.check)),\"reason\":\(JSONText.string(r.description)),"
                + "\"expectException\":\(b.expectException.map(JSONText.string) ?? "null"),\"nameMatches\":\(b.exceptionNameMatches)}"
        }
        let fields: [(String, String)] = [
            ("name", JSONText.string(name)),
            ("pass", status == .passed ? "true" : "false"),
            ("fork", JSONText.string(fork)),
            ("error", JSONText.string(outcome.error ?? "")),
            ("file", JSONText.string(file)),
            ("status", JSONText.string(status.rawValue)),
            ("blocks", String(outcome.blocks.count)),
            ("imported", String(outcome.blocks.filter { $0.rejection == nil }.count)),
            ("head", outcome.headHash.map { JSONText.string($0.hexString) } ?? "null"),
            ("stateRoot", outcome.stateRoot.map { JSONText.string($0.hexString) } ?? "null"),
            ("seconds", String(format: "%.4f", outcome.seconds)),
            ("rejected", "[" + rejected.joined(separator: ",") + "]"),
        ]
        return "{" + fields.map { "\(JSONText.string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }
}

/// Block counts of a group of tests.
public struct BlockTally: Sendable, Equatable, Codable {
    /// Blocks that imported.
    public var imported = 0
    /// Blocks rejected as the fixture expected.
    public var rejectedAsExpected = 0
    /// Of those, rejected with a reason whose fixture name is among the expected ones.
    public var nameMatches = 0
    /// Tests that ended before all their blocks were looked at (a failure).
    public var unjudged = 0
    public var seconds = 0.0

    public init() {}

    mutating func record(_ r: BlockchainTestReport, totalBlocks: Int) {
        for b in r.outcome.blocks {
            if b.rejection == nil {
                imported += b.expectException == nil ? 1 : 0
            } else if b.expectException != nil {
                rejectedAsExpected += 1
                if b.exceptionNameMatches { nameMatches += 1 }
            }
        }
        unjudged += max(0, totalBlocks - r.outcome.blocks.count)
        seconds += r.outcome.seconds
    }
}

/// Totals of a blockchain-test run: the state-test `RunSummary` (tests per fork and folder) plus
/// block counts and time per folder.
public struct BlockchainRunSummary: Sendable, Equatable {
    public var tests = RunSummary()
    public var blocks: [String: BlockTally] = [:]
    public var totalBlocks = BlockTally()

    public init() {}

    public var succeeded: Bool { tests.succeeded }

    public mutating func record(_ r: BlockchainTestReport, totalBlocks count: Int) {
        tests.record(CaseReport(file: r.file, folder: r.folder, name: r.name, fork: r.fork, index: -1, status: r.status,
                                outcome: CaseOutcome(pass: r.status == .passed, stateRoot: r.outcome.stateRoot, error: r.outcome.error)))
        blocks[r.folder, default: BlockTally()].record(r, totalBlocks: count)
        totalBlocks.record(r, totalBlocks: count)
    }

    /// The test tables of `RunSummary.render()` followed by a table of blocks and time per folder.
    public func render() -> String {
        var out = tests.render()
        let header = ["folder", "imported", "rejected (expected)", "reason name matches", "unjudged", "seconds"]
        var rows = blocks.keys.sorted().map { k -> [String] in
            let t = blocks[k]!
            return [k, String(t.imported), String(t.rejectedAsExpected), String(t.nameMatches), String(t.unjudged),
                    String(format: "%.2f", t.seconds)]
        }
        let t = totalBlocks
        rows.append(["all", String(t.imported), String(t.rejectedAsExpected), String(t.nameMatches), String(t.unjudged),
                     String(format: "%.2f", t.seconds)])
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return i == 0 ? c + pad : pad + c
            }.joined(separator: "  ")
        }
        out += "\n== blocks by folder ==\n" + line(header) + "\n"
        for r in rows { out += line(r) + "\n" }
        return out
    }
}

/// Walks blockchain-test files (sorted, as `StateTestRunner.collectFiles` with root
/// `BlockchainTests`), runs every test whose name matches the filter through `execute`, reports
/// each and returns the totals. A file or test that fails to load is a `loadError` entry; a test
/// of a fork the importer does not implement (unknown, or before Paris) is `unsupportedFork`.
public struct BlockchainTestRunner {
    public var filter: CaseFilter
    public var onReport: ((BlockchainTestReport) -> Void)?

    public init(filter: CaseFilter, onReport: ((BlockchainTestReport) -> Void)? = nil) {
        self.filter = filter; self.onReport = onReport
    }

    public func run(paths: [String], execute: (BlockchainTest) -> BlockchainTestOutcome) throws(StateTestRunnerError) -> BlockchainRunSummary {
        run(files: try StateTestRunner.collectFiles(paths, root: "BlockchainTests"), execute: execute)
    }

    public func run(files: [FixtureFileRef], execute: (BlockchainTest) -> BlockchainTestOutcome) -> BlockchainRunSummary {
        let clock = ContinuousClock()
        let start = clock.now
        var summary = BlockchainRunSummary()
        for file in files {
            summary.tests.files += 1
            for (r, blocks) in reports(of: file, execute: execute) {
                summary.record(r, totalBlocks: blocks)
                onReport?(r)
            }
        }
        summary.tests.elapsedSeconds = StateTestRunner.seconds(clock.now - start)
        return summary
    }

    public func run(paths: [String], jobs: Int, execute: @escaping @Sendable (BlockchainTest) -> BlockchainTestOutcome)
        throws(StateTestRunnerError) -> BlockchainRunSummary {
        run(files: try StateTestRunner.collectFiles(paths, root: "BlockchainTests"), jobs: jobs, execute: execute)
    }

    /// Files on `jobs` threads, entries handed on in file order: the same output as a one-job
    /// run (only the measured seconds differ). See `StateTestRunner.run(files:jobs:execute:)`.
    public func run(files: [FixtureFileRef], jobs: Int,
                    execute: @escaping @Sendable (BlockchainTest) -> BlockchainTestOutcome) -> BlockchainRunSummary {
        guard jobs > 1, files.count > 1 else { return run(files: files, execute: execute) }
        let clock = ContinuousClock()
        let start = clock.now
        let box = OrderedFileResults<(BlockchainTestReport, Int)>(count: files.count)
        // `reports(of:)` reads only `filter` (immutable here); `onReport` is called by the emitter under the lock.
        nonisolated(unsafe) let runner = self
        var summary = BlockchainRunSummary()
        let onReport = self.onReport
        box.emit = { r in
            summary.record(r.0, totalBlocks: r.1)
            onReport?(r.0)
        }
        DispatchQueue.concurrentPerform(iterations: min(jobs, files.count)) { _ in
            while let i = box.next() {
                box.finish(i, runner.reports(of: files[i], execute: execute))
            }
        }
        box.emit = nil
        summary.tests.files = files.count
        summary.tests.elapsedSeconds = StateTestRunner.seconds(clock.now - start)
        return summary
    }

    /// One file's entries in order, each with its block count (0 for a load error).
    public func reports(of file: FixtureFileRef, execute: (BlockchainTest) -> BlockchainTestOutcome) -> [(BlockchainTestReport, Int)] {
        var out: [(BlockchainTestReport, Int)] = []
        let folder = BlockchainTest.folder(ofRelativePath: file.relativePath)
        let parsed: [Result<BlockchainTest, FixtureError>]
        do {
            parsed = try BlockchainTest.parseTests(try StateTestFile.read(file.url, relativePath: file.relativePath),
                                                   relativePath: file.relativePath, including: filter.matches(testName:))
        } catch {
            return [(BlockchainTestReport(file: file.relativePath, folder: folder, name: "", fork: "", status: .loadError,
                                          outcome: BlockchainTestOutcome(pass: false, error: error.description, blocks: [])), 0)]
        }
        for result in parsed {
            switch result {
            case .failure(let error):
                out.append((BlockchainTestReport(file: file.relativePath, folder: folder, name: error.test ?? "", fork: "",
                                                 status: .loadError,
                                                 outcome: BlockchainTestOutcome(pass: false, error: error.description, blocks: [])), 0))
            case .success(let test):
                guard filter.matches(fork: test.network) else { continue }
                let outcome: BlockchainTestOutcome
                let status: CaseStatus
                if !test.importable {
                    outcome = BlockchainTestOutcome(pass: false, error: "unsupported fork \"\(test.network)\" (block import: Paris and later)",
                                                    blocks: [])
                    status = .unsupportedFork
                } else {
                    outcome = execute(test)
                    status = outcome.pass ? .passed : .failed
                }
                out.append((BlockchainTestReport(file: file.relativePath, folder: folder, name: test.name, fork: test.network,
                                                 status: status, outcome: outcome), test.blocks.count))
            }
        }
        return out
    }
}
