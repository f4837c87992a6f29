import ArgumentParser
import EVMChain
import EthereumTests
import Foundation
import ParallelExecutor

/// `lockstep blocktest PATH… [--run REGEX] [--summary-only] [--json-summary FILE]
/// [--parallel N] [--schedule-seed S [--schedules K]]`
struct BlockTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blocktest",
        abstract: "Run filled BlockchainTests fixtures through the block importer.",
        discussion: """
            Imports each test's genesis and blocks (decoding the RLP, checking every header rule, executing \
            with the block's system operations and checking gas, receipts, bloom and state root), then \
            compares the head hash and post-state. Blocks that expect an exception must be rejected; the \
            check that rejected them is printed. Prints one JSON line per test, then summaries per fork and \
            folder and a table of blocks and time per folder. With --parallel or --schedule-seed every block \
            also runs through the parallel executor (each driver in turn) and must match the serial result \
            field by field. Without PATH, runs $\(FixtureLocator.environmentVariable)/BlockchainTests or \
            ../shared/ethereum-tests/BlockchainTests. Exits 1 when a test fails or a file fails to load; 2 on \
            a usage problem.
            """)

    @Argument(help: ArgumentHelp("Fixture files or folders (searched recursively for .json).", valueName: "path"))
    var paths: [String] = []

    @Option(name: .customLong("run"), help: ArgumentHelp("Run only tests whose name matches this regular expression.",
                                                         valueName: "regex"))
    var runPattern: String?

    @OptionGroup var executor: ExecutorOptions

    @Flag(name: .long, help: "Print only the summary, not one line per test.")
    var summaryOnly = false

    @Option(name: .long, help: ArgumentHelp("Also write the test summary as JSON to this file.", valueName: "file"))
    var jsonSummary: String?

    @Option(name: .long, help: ArgumentHelp("Fixture files run concurrently (default: the number of cores; 1 = serial). "
                                            + "The output is the same, in the same order, for every N (timings aside).", valueName: "N"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let roots: [String]
        if paths.isEmpty {
            guard let root = FixtureLocator.ethereumTestsRoot() else {
                throw failure("no PATH given and no fixtures found: set \(FixtureLocator.environmentVariable) or run from a " +
                              "directory next to shared/ethereum-tests", code: 2)
            }
            roots = [root.appendingPathComponent("BlockchainTests").path]
        } else {
            roots = paths
        }
        let filter: CaseFilter
        do { filter = try CaseFilter(run: runPattern) } catch { throw failure(error.description, code: 2) }
        let modes = try executor.modes()
        let out = StandardOutput()
        let runner = BlockchainTestRunner(filter: filter, onReport: summaryOnly ? nil : { out.write($0.jsonLine + "\n") })
        let summary: BlockchainRunSummary
        do {
            summary = try runner.run(paths: roots, jobs: jobs) { @Sendable test in
                var outcome = BlockchainTestOutcome(pass: false, error: "no executor", blocks: [])
                var seconds = 0.0
                for mode in modes {
                    // A parallel mode runs through `DifferentialExecutor`: serial alongside, compared per block.
                    outcome = mode.isSerial ? BlockchainTestExecution.run(test)
                        : BlockchainTestExecution.run(test, executor: DifferentialExecutor(candidate: mode.executor()))
                    seconds += outcome.seconds
                    if !outcome.pass {
                        if case .parallel(.deterministic(let s, let w, let b)) = mode {
                            outcome.error = (outcome.error ?? "") + " (replay: lockstep blocktest FILE --run '^\(test.name)$' " +
                                "--schedule-seed \(s) --workers \(w) --abort-bias \(b))"
                        }
                        break
                    }
                }
                outcome.seconds = seconds
                return outcome
            }
        } catch {
            throw failure("\(error)", code: 2)
        }
        out.write(summary.render())
        out.flush()
        if let jsonSummary {
            do {
                try summary.tests.jsonData().write(to: URL(fileURLWithPath: jsonSummary))
            } catch {
                throw failure("cannot write JSON summary to \(jsonSummary): \(error.localizedDescription)", code: 2)
            }
        }
        if !summary.succeeded { throw ExitCode(1) }
    }

    private func failure(_ message: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("lockstep blocktest: error: \(message)\n".utf8))
        return ExitCode(code)
    }
}
