import ArgumentParser
import EthereumTests
import Foundation
import ParallelExecutor

/// `lockstep statetest PATH… [--fork NAME] [--run REGEX] [--trace] [--summary-only] [--json-summary FILE]
/// [--parallel N] [--schedule-seed S [--schedules K]]`
struct StateTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statetest",
        abstract: "Run filled GeneralStateTests fixtures.",
        discussion: """
            Prints one JSON line per case (like geth's `evm statetest`) and then a summary per fork and \
            per folder. Without PATH, runs $\(FixtureLocator.environmentVariable)/GeneralStateTests or \
            ../shared/ethereum-tests/GeneralStateTests. Exits 1 when a case fails or a fork is unsupported; \
            2 on a usage or input problem (missing path, bad regex, unknown --fork, no case selected, a file or test \
            that fails to load).
            """)

    @Argument(help: ArgumentHelp("Fixture files or folders (searched recursively for .json).", valueName: "path"))
    var paths: [String] = []

    @OptionGroup var selection: CaseSelectionOptions
    @OptionGroup var executor: ExecutorOptions

    @OptionGroup var output: FixtureRunOptions

    func run() throws {
        let roots: [String]
        if paths.isEmpty {
            guard let found = FixtureLocator.generalStateTests() else {
                throw failure("no PATH given and no fixtures found: set \(FixtureLocator.environmentVariable) or run from a " +
                     "directory next to shared/ethereum-tests", code: 2)
            }
            roots = [found.path]
        } else {
            roots = paths
        }

        let filter: CaseFilter
        do {
            filter = try CaseFilter(fork: selection.fork, run: selection.run)
        } catch {
            throw failure(error.description, code: 2)
        }

        let out = StandardOutput()
        let runner = StateTestRunner(filter: filter, onReport: output.summaryOnly ? nil : { out.write($0.jsonLine + "\n") })
        let trace = selection.trace
        let modes = try executor.modes()
        let summary: RunSummary
        do {
            summary = try runner.run(paths: roots, jobs: trace ? 1 : output.jobs) { @Sendable c in
                var outcome = CaseOutcome.failed("no executor")
                for mode in modes {
                    outcome = StateTestExecution.run(c, trace: trace, executor: mode.isSerial ? nil : mode.executor())
                    if !outcome.pass { break }
                }
                return outcome
            }
        } catch {
            throw failure(error.description, code: 2)
        }

        out.write(summary.render())
        out.flush()
        if let jsonSummary = output.jsonSummary {
            do {
                try summary.jsonData().write(to: URL(fileURLWithPath: jsonSummary))
            } catch {
                throw failure("cannot write JSON summary to \(jsonSummary): \(error.localizedDescription)", code: 2)
            }
        }
        if summary.total.total == 0 {
            throw failure(StateTestRunnerError.noCasesSelected(files: summary.files).description, code: 2)
        }
        if summary.total.loadErrors > 0 {
            throw failure("\(summary.total.loadErrors) file(s) or test(s) could not be loaded (the load-errors column; each is reported above)", code: 2)
        }
        if !summary.succeeded { throw ExitCode(1) }
    }

    /// Prints the message to stderr and returns the exit code to throw.
    private func failure(_ message: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("lockstep statetest: error: \(message)\n".utf8))
        return ExitCode(code)
    }
}

/// Buffered stdout (one write per ~64 KiB instead of one per line).
final class StandardOutput {
    private var buffer: [UInt8] = []

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}
