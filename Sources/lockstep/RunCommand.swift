import ArgumentParser
import Foundation
import EVMCore
import EVMExecution
import EthereumTests
import ParallelExecutor
import Generators

/// `lockstep run [FILE] [--parallel N | --schedule-seed S]`: executes a block serially and in
/// parallel, compares the results field by field and prints the parallel run's counters.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Execute a block serially and in parallel and compare.",
        discussion: """
            With FILE (a filled state-test JSON), each case is one block; with a blockchain-test JSON, every \
            block that imports (serially, through the block importer) is run again on its pre-block state \
            (after the system calls). Without FILE, a block is \
            generated from --block-seed (transfers, tokens, counters, creates, self-destructs, reverts, \
            balance reads) with --txs transactions and --conflict-rate. Prints the state root, gas, \
            incarnations, executions, validations and aborts; exits 1 if parallel ≠ serial, printing \
            the first difference and, for the deterministic driver, the replay command.
            """)

    @Argument(help: ArgumentHelp("A state-test or blockchain-test file; omit to run a generated block.", valueName: "file"))
    var file: String?

    @OptionGroup var executor: ExecutorOptions

    @Option(name: .long, help: "Seed of the generated block.")
    var blockSeed: UInt64 = 1

    @Option(name: .long, help: "Transactions in the generated block.")
    var txs: Int = 200

    @Option(name: .long, help: "Probability (0…1) that a generated transaction touches a hot account.")
    var conflictRate: Double = 0.3

    func run() throws {
        var modes = try executor.modes()
        if executor.parallel == nil && executor.scheduleSeed == nil {
            modes = [.parallel(.threaded(workers: ProcessInfo.processInfo.activeProcessorCount))]
        }
        var inputs: [(String, BlockInput)] = []
        if let file {
            let url = URL(fileURLWithPath: file)
            do {
                inputs = try Self.fileInputs(url)
            } catch {
                FileHandle.standardError.write(Data("lockstep run: error: \(error)\n".utf8))
                throw ExitCode(2)
            }
        } else {
            guard (1...1_000_000).contains(txs), (0...1).contains(conflictRate) else {
                throw ValidationError("--txs must be in 1…1000000 and --conflict-rate in 0…1 (got \(txs), \(conflictRate))")
            }
            let gen = BlockGenerator(minTransactions: txs, maxTransactions: txs, conflictRate: conflictRate)
            inputs.append(("generated block seed \(blockSeed)", gen.generate(seed: blockSeed)))
        }
        var failed = false
        for (label, input) in inputs {
            let serialStart = Date()
            let serial = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
            let serialTime = Date().timeIntervalSince(serialStart)
            print("\(label): \(input.transactions.count) txs, fork \(input.fork), serial root \(serial.stateRoot), gas \(serial.gasUsed), \(String(format: "%.3f", serialTime)) s")
            for mode in modes {
                guard case .parallel(let driver) = mode else { continue }
                let start = Date()
                let (result, report) = ParallelExecutor(driver: driver)
                    .executeWithReport(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
                let t = Date().timeIntervalSince(start)
                let name: String
                switch driver {
                case .threaded(let w): name = "threaded ×\(w)"
                case .deterministic(let s, let w, let b): name = "schedule seed \(s) ×\(w) bias \(b)"
                case .replay: name = "replay"
                }
                let diff = ResultComparison.firstDifference(expected: serial, actual: result)
                print("  \(name): root \(result.stateRoot) \(diff == nil ? "== serial" : "DIFFERS") · incarnations \(report.incarnations) · executions \(report.executions) · validations \(report.validations) · aborts \(report.aborts) · dependency waits \(report.dependencyWaits)\(report.finishedInOrder > 0 ? " · \(report.finishedInOrder) finished in order (dependency guard)" : "")\(report.fellBackToSerial ? " · fell back to serial" : "") · \(String(format: "%.3f", t)) s")
                if let diff {
                    failed = true
                    print("  first difference: \(diff)")
                    if case .deterministic(let s, let w, let b) = driver {
                        print("  replay: lockstep run\(file.map { " \($0)" } ?? " --block-seed \(blockSeed) --txs \(txs) --conflict-rate \(conflictRate)") --schedule-seed \(s) --workers \(w) --abort-bias \(b)")
                    }
                }
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// The blocks of a fixture file: one per state-test case, or every importable block of every
    /// blockchain test (its transaction phase, as `BlockImporter` ran it).
    static func fileInputs(_ url: URL) throws -> [(String, BlockInput)] {
        let data = try Data(contentsOf: url)
        var inputs: [(String, BlockInput)] = []
        if BlockchainTest.looksLikeBlockchainTest(data) {
            for test in try BlockchainTest.load(contentsOf: url, relativePath: url.lastPathComponent) {
                let outcome = BlockchainTestExecution.run(test, keepExecutionInputs: true) { i, imported in
                    guard let x = imported.input else { return }
                    inputs.append(("\(test.name) block \(i) (number \(imported.header.number))",
                                   BlockInput(fork: x.fork, block: x.block, pre: x.pre, transactions: x.transactions)))
                }
                if !outcome.pass {
                    FileHandle.standardError.write(Data("lockstep run: warning: \(test.name): \(outcome.error ?? "failed")\n".utf8))
                }
            }
            return inputs
        }
        let cases = try StateTestFile.load(contentsOf: url, relativePath: url.lastPathComponent).cases()
        // A case that cannot be built into a block (unknown fork, a value the transaction
        // cannot hold, …) is an input error naming the case, never silently skipped.
        for c in cases {
            switch StateTestExecution.blockInput(c) {
            case .success(let i):
                inputs.append(("\(c.testName) \(c.fork)#\(c.index)", BlockInput(fork: i.fork, block: i.block, pre: i.pre, transactions: [i.tx])))
            case .failure(.invalidTransaction(let why)) where c.expectException != nil:
                // The fixture itself says this transaction is invalid: nothing to execute.
                print("\(c.testName) \(c.fork)#\(c.index): transaction not representable (\(why)), as the fixture expects (\(c.expectException!)); nothing to compare")
            case .failure(let why):
                throw InputError(description: "\(url.path): test \"\(c.testName)\" \(c.fork)#\(c.index): cannot build a block: \(why)")
            }
        }
        if cases.isEmpty { throw InputError(description: "\(url.path): no test case in the file: nothing to run") }
        return inputs
    }
}
