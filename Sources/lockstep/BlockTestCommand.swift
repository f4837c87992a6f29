import ArgumentParser
import EVMChain
import EthereumTests
import Foundation
import Oracles
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
            a usage problem. With --executor t8n:CMD every block Lockstep imports (blocks that expect an \
            exception excepted) is also handed to the external transition tool CMD (alloc = the parent's \
            state, env from the header and its parent, the block's transactions) and its result must match \
            Lockstep's transition and the header (state root, receipts, gas, bloom, rejected transactions, \
            post-state); the first difference is printed (traces step by step) and written as an \
            external_executor counterexample (replay with `lockstep replay FILE`).
            """)

    @Argument(help: ArgumentHelp("Fixture files or folders (searched recursively for .json).", valueName: "path"))
    var paths: [String] = []

    @Option(name: .customLong("run"), help: ArgumentHelp("Run only tests whose name matches this regular expression.",
                                                         valueName: "regex"))
    var runPattern: String?

    @OptionGroup var executor: ExecutorOptions

    @OptionGroup var external: ExternalExecutorOptions

    @Option(name: .long, help: ArgumentHelp("With --executor: write the counterexample under this folder.", valueName: "dir"))
    var out: String = "counterexamples"

    @OptionGroup var output: FixtureRunOptions

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
        let externalCommand: String?
        do { externalCommand = try external.validated() } catch { throw failure(error.message, code: 2) }
        if external.forks != nil { throw failure("--forks does not apply: each block runs on its test's fork", code: 2) }
        guard external.repeat >= 1 else { throw failure("--repeat must be at least 1", code: 2) }
        guard external.toolTimeout > 0 else { throw failure("--tool-timeout must be positive", code: 2) }
        guard external.shrinkBudget >= 0 else { throw failure("--shrink-budget must be ≥ 0", code: 2) }
        let externalGate = externalCommand.map {
            BlockchainExternalGate(gate: ExternalGate(tool: ExternalTransitionTool(command: $0, timeout: external.toolTimeout),
                                                      repeatCount: external.repeat))
        }
        var externalFinding: ExternalFinding? = nil
        var externalBlocks = 0, externalTests = 0
        var externalSeconds = 0.0
        let out = StandardOutput()
        let runner = BlockchainTestRunner(filter: filter, onReport: output.summaryOnly ? nil : { out.write($0.jsonLine + "\n") })
        let summary: BlockchainRunSummary
        do {
            if let externalGate {
                // The external tool keeps state across tests (first finding, counts): one job.
                summary = try runner.run(paths: roots) { test in
                    var outcome = Self.runModes(test, modes)
                    // The external tool: only on tests Lockstep passes, and until the first finding.
                    if outcome.pass, externalFinding == nil {
                        let r = externalGate.run(test)
                        externalBlocks += r.checked
                        externalSeconds += r.toolSeconds
                        if r.checked > 0 { externalTests += 1 }
                        if let f = r.finding {
                            externalFinding = f
                            outcome.pass = false
                            outcome.error = "external executor: \(f.message)"
                        }
                    }
                    return outcome
                }
            } else {
                summary = try runner.run(paths: roots, jobs: output.jobs) { @Sendable test in Self.runModes(test, modes) }
            }
        } catch {
            throw failure("\(error)", code: 2)
        }
        out.write(summary.render())
        out.flush()
        if let jsonSummary = output.jsonSummary {
            do {
                try summary.tests.jsonData().write(to: URL(fileURLWithPath: jsonSummary))
            } catch {
                throw failure("cannot write JSON summary to \(jsonSummary): \(error.localizedDescription)", code: 2)
            }
        }
        if let externalCommand, let externalGate {
            if var f = externalFinding {
                if external.shrinkBudget > 0 && f.kind == .mismatch {
                    FileHandle.standardError.write(Data("shrinking the failing block (at most \(external.shrinkBudget) tool runs)…\n".utf8))
                    let origin = f.origin
                    f = externalGate.gate.shrink(f, budget: external.shrinkBudget).finding
                    f.origin = origin
                }
                let path: String
                do { path = try ExternalCounterexample.write(f, repeatCount: external.repeat, to: self.out) } catch {
                    throw failure("cannot write counterexample under \(self.out): \(error.localizedDescription)", code: 2)
                }
                let cwd = FileManager.default.currentDirectoryPath + "/"
                print(f.report(replayPath: path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path))
            } else {
                let runs = externalBlocks * external.repeat
                print("External executor `\(externalCommand)` agreed with Lockstep and the headers on \(externalBlocks) blocks of "
                      + "\(externalTests) tests (\(external.repeat) run\(external.repeat == 1 ? "" : "s") each)"
                      + String(format: ", %.2f s per tool run.", runs > 0 ? externalSeconds / Double(runs) : 0))
            }
        }
        if summary.tests.total.loadErrors > 0 {
            throw failure("\(summary.tests.total.loadErrors) file(s) or test(s) could not be loaded (each is reported above)", code: 2)
        }
        if !summary.succeeded || externalFinding != nil { throw ExitCode(1) }
    }

    /// One test on every executor mode, stopping at the first that fails (a seeded schedule's
    /// failure names its replay command).
    static func runModes(_ test: BlockchainTest, _ modes: [ExecutionMode]) -> BlockchainTestOutcome {
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

    private func failure(_ message: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("lockstep blocktest: error: \(message)\n".utf8))
        return ExitCode(code)
    }
}
