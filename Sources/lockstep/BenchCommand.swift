import ArgumentParser
import EVMCore
import EVMExecution
import ParallelExecutor
import Benchmarks
import EVMChain
import EthereumTests
import Foundation

/// `lockstep bench [--repeats N] [--scale X]`: interpreter gas/s on fixed workloads, Keccak
/// ns/hash, and the parallel executor's speed-up over serial execution on generated blocks.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure interpreter throughput and parallel speed-up on deterministic workloads.",
        discussion: """
            Each figure is the median of --repeats timed runs after one warm-up run. Inputs are fixed \
            (constant bytecode, seeded blocks), so runs differ only in time. Build in release first: \
            swift build -c release --product lockstep && .build/release/lockstep bench
            `lockstep bench precompiles` times every precompile instead (PrecompileBenchCommand.swift).
            """,
        subcommands: [PrecompileBenchCommand.self])

    @Option(name: .long, help: "Timed runs per workload (the median is reported).")
    var repeats = 5

    @Option(name: .long, help: "Multiplies every workload's size (0.1 for a quick smoke run).")
    var scale = 1.0

    @Flag(name: .long, help: "Skip the parallel executor section.")
    var noParallel = false

    @Flag(name: .long, help: "Only the sequencer section (SequencerBench.swift): throughput, exposed parallelism, verifier time per batch.")
    var sequencer = false

    @Flag(name: .long, help: "Run only the parallel executor section.")
    var parallelOnly = false

    @Flag(name: .long, help: "Only the compiled-contract blocks (ContractBench.swift): Vyper ERC-20 transfers and AMM swaps at each --conflict-rates, ideal bound min(2, T1/T∞), speed-up at 1 and 2 workers, peak RSS; --only erc20|amm; --scale 10 for 10,000-transaction blocks.")
    var contracts = false

    @Flag(name: .long, help: "Run Block-STM without the dependency guard (no in-order finish of dependency chains).")
    var noDependencyGuard = false

    @Option(name: .long, help: ArgumentHelp("Blockchain tests whose multi-transaction blocks join the parallel section "
                                            + "(default: the shared BlockchainTests/ValidBlocks; \"none\" to skip).", valueName: "path"))
    var blockchainTests: String?

    @Option(name: .long, parsing: .upToNextOption,
            help: "Conflict rates of the parallel blocks, in [0, 1] (1 = fully dependent chain).")
    var conflictRates: [Double] = [0, 0.1, 0.5, 1]

    @Option(name: .long, help: "Run the same workloads through another EVM in the same run and print the ratio (only \"revm\": pyrevm in .build-tools/venv; exit 2 when absent).")
    var against: String?

    @Flag(name: .long, help: "With --against: run only Lockstep's side (e.g. under valgrind --tool=callgrind); revm columns stay empty.")
    var lockstepOnly = false

    @Option(name: .long, help: "With --against: only the workloads whose names start with this; with --contracts: erc20 or amm (repeatable).")
    var only: [String] = []

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        guard scale > 0, scale <= 100 else { throw ValidationError("--scale must be in (0, 100]") }
        guard conflictRates.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { throw ValidationError("--conflict-rates must lie in [0, 1]") }
        guard !(noParallel && parallelOnly) else { throw ValidationError("--no-parallel and --parallel-only exclude each other") }
    }

    func scaled(_ n: Int) -> Int { max(1, Int((Double(n) * scale).rounded())) }

    func run() throws {
        print("lockstep bench: \(repeats) timed runs per row after one warm-up, median; " +
              "\(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(loadAverage())")
        if against != nil { return try revmSection() }
        if contracts {
            contractSection()
            return
        }
        if parallelOnly {
            parallelSection()
            return
        }
        print("")
        if sequencer { return try sequencerSection() }
        var rows: [[String]] = []

        // Keccak-256 of 32 bytes, the common case (storage keys, trie nodes).
        let hashes = scaled(1_000_000)
        var input = [UInt8](repeating: 0xab, count: 32)
        var sink: UInt64 = 0
        let keccakSeconds = BenchmarkClock.median(repeats: repeats) {
            for _ in 0..<hashes {
                let h = Keccak256.hash(input)
                sink ^= h.word.w0
                input[0] = UInt8(truncatingIfNeeded: h.word.w3)
            }
        }
        let nsPerHash = keccakSeconds * 1e9 / Double(hashes)

        // Interpreter: (a) arithmetic loop, (b) keccak loop, as a single call frame.
        let frames: [(String, [UInt8])] = [
            ("arithmetic loop (\(scaled(1_000_000)) iter)", BenchmarkWorkloads.arithmeticLoop(iterations: UInt32(scaled(1_000_000)))),
            ("keccak256 loop (\(scaled(200_000)) iter, 64 B)", BenchmarkWorkloads.keccakLoop(iterations: UInt32(scaled(200_000)))),
        ]
        for (name, code) in frames {
            var gas: Int64 = 0
            let seconds = BenchmarkClock.median(repeats: repeats) {
                let r = BenchmarkWorkloads.runFrame(code: code)
                precondition(r.status == .success, "\(name): \(r.status)")
                gas = r.gasUsed
            }
            rows.append(row(name, gas: UInt64(gas), seconds: seconds))
        }

        // (c) token transfers through the serial executor (includes the block's state root).
        let transfers = scaled(5_000)
        let tokenBlock = BenchmarkWorkloads.tokenTransferBlock(count: transfers)
        var tokenGas: UInt64 = 0
        let tokenSeconds = BenchmarkClock.median(repeats: repeats) {
            let result = SerialExecutor().execute(preState: tokenBlock.pre, block: tokenBlock.block,
                                                  transactions: tokenBlock.transactions, fork: tokenBlock.fork)
            precondition(result.receipts.count == transfers && result.receipts.allSatisfy(\.success), "token transfers failed")
            tokenGas = result.gasUsed
        }
        rows.append(row("token transfers (\(transfers) txs, serial)", gas: tokenGas, seconds: tokenSeconds))

        printTable(header: ["workload", "gas", "seconds", "Mgas/s"], rows: rows)
        print(String(format: "keccak256 of 32 bytes: %.0f ns/hash (%d hashes)", nsPerHash, hashes))
        if sink == 0x5eed { print("") }   // keeps the hash loop observable

        if !noParallel { parallelSection() }
    }

    /// Serial vs `ParallelExecutor.threaded` with 1 and 2 workers on the same block, in one run,
    /// beside the block's ideal bound min(workers, T1/T∞). Printed as a Markdown table.
    func parallelSection() {
        print("")
        let n = scaled(1_000)
        print("Parallel executor (Block-STM), \(n)-transaction `ParallelBenchmarks` blocks (token transfer + counter + "
              + "300–500 keccak rounds each), seed 42; speed-up = serial time / parallel time, median of \(repeats); "
              + "ideal = min(2, T1/T∞) from the block's dependency graph, cost per transaction = its gas; "
              + "load average \(loadAverage()):")
        print("")
        let cases: [(String, Double)] = conflictRates.map { rate in
            (String(format: "%g%% conflict", rate * 100) + (rate == 1 ? " (chain)" : ""), rate)
        }
        var rows: [[String]] = []
        for (name, rate) in cases {
            let block = ParallelBenchmarks.block(transactions: n, conflictRate: rate, seed: 42)
            let graph = DependencyGraph.of(block)
            var reports: [ParallelReport] = []
            func time(_ run: @escaping () -> BlockResult) -> (Double, BlockResult) {
                var result: BlockResult? = nil
                let s = BenchmarkClock.median(repeats: repeats) { result = run() }
                return (s, result!)
            }
            let (serial, expected) = time {
                SerialExecutor().execute(preState: block.pre, block: block.block, transactions: block.transactions,
                                         fork: block.fork)
            }
            var cpuPerWall: [Double] = []
            func parallel(_ workers: Int) -> Double {
                let (s, r) = time {
                    let cpu0 = processCPUSeconds()
                    let start = DispatchTime.now().uptimeNanoseconds
                    defer {
                        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                        if workers == 2 { cpuPerWall.append((processCPUSeconds() - cpu0) / wall) }
                    }
                    let (r, report) = ParallelExecutor(driver: .threaded(workers: workers),
                                                       dependencyGuard: noDependencyGuard ? nil : DependencyGuard()).executeWithReport(
                        preState: block.pre, block: block.block, transactions: block.transactions, fork: block.fork)
                    reports.append(report)
                    return r
                }
                precondition(ResultComparison.firstDifference(expected: expected, actual: r) == nil,
                             "\(name): parallel (\(workers) workers) differs from serial")
                return s
            }
            let one = parallel(1)
            reports.removeAll()
            let two = parallel(2)
            cpuPerWall.sort()
            func median(_ f: (ParallelReport) -> Int) -> Int { reports.map(f).sorted()[reports.count / 2] }
            let executions = median(\.executions), inOrder = median(\.finishedInOrder)
            let aborts = median(\.aborts), waits = median(\.dependencyWaits)
            func medianSeconds(_ f: (ParallelReport) -> Double) -> Double { reports.map(f).sorted()[reports.count / 2] }
            let tail = String(format: "%.1f + %.1f", medianSeconds(\.assemblySeconds) * 1e3, medianSeconds(\.stateRootSeconds) * 1e3)
            rows.append([name, "\(block.transactions.count)", "\(expected.gasUsed)",
                         String(format: "%.4f", serial), String(format: "%.4f", one), String(format: "%.4f", two),
                         String(format: "%.2f×", serial / one), String(format: "%.2f×", serial / two),
                         String(format: "%.2f", graph.parallelism), String(format: "%.2f×", graph.idealSpeedup(workers: 2)),
                         String(format: "%.2f", cpuPerWall[cpuPerWall.count / 2]),
                         tail, "\(executions)", "\(aborts)", "\(waits)", "\(inOrder)"])
        }
        printMarkdownTable(header: ["block", "txs", "gas", "serial s", "1 worker s", "2 workers s", "speed-up 1w",
                                    "speed-up 2w", "T1/T∞", "ideal 2w", "CPU/wall 2w", "tail 2w ms", "executions 2w", "aborts 2w", "waits 2w", "in order 2w"],
                           rows: rows)
        print("")
        print("CPU/wall 2w: process CPU seconds per wall second during the 2-worker runs (median); well below 2 on "
              + "the conflict-free block means the workers did not get two cores, and the 2-worker figures are not a speed-up "
              + "measurement.")
        print("tail 2w ms: median wall time, after the workers finished, of the in-order assembly of receipts and post-state "
              + "(including in-order execution after a guard halt) + the state root (spread over the workers).")
        print("Last four columns: medians over the 2-worker runs of Block-STM executions (including discarded ones), "
              + "validation aborts, dependency waits (an ESTIMATE read; the execution stops at its next state access), and "
              + "transactions the dependency guard left to in-order execution\(noDependencyGuard ? " (guard off)" : "").")
        blockchainTestSection()
    }

    /// The blocks of the upstream blockchain tests that hold two or more transactions, each on
    /// its pre-block state (after the system calls) as the block importer ran it: serial vs
    /// threaded with 1 and 2 workers, and the 2-worker Block-STM counters, per block.
    func blockchainTestSection() {
        guard blockchainTests != "none" else { return }
        let path = blockchainTests ?? FixtureLocator.ethereumTestsRoot()?.appendingPathComponent("BlockchainTests/ValidBlocks").path
        print("")
        guard let path, let files = try? StateTestRunner.collectFiles([path], root: "BlockchainTests") else {
            print("Blockchain-test blocks: skipped (no fixtures; pass --blockchain-tests PATH)")
            return
        }
        var blocks: [(String, ExecutionInput)] = []
        for file in files {
            guard let tests = try? BlockchainTest.load(contentsOf: file.url, relativePath: file.relativePath) else { continue }
            for test in tests {
                _ = BlockchainTestExecution.run(test, keepExecutionInputs: true) { i, imported in
                    if let x = imported.input, x.transactions.count >= 2 { blocks.append(("\(test.name) #\(i)", x)) }
                }
            }
        }
        print("Blockchain-test blocks with ≥ 2 transactions (\(blocks.count) blocks from \(path)), each on its pre-block "
              + "state; median of \(repeats); load average \(loadAverage()):")
        print("")
        var rows: [[String]] = []
        var totals = (serial: 0.0, one: 0.0, two: 0.0)
        for (name, x) in blocks {
            func time(_ run: @escaping () -> BlockResult) -> (Double, BlockResult) {
                var result: BlockResult? = nil
                let s = BenchmarkClock.median(repeats: repeats) { result = run() }
                return (s, result!)
            }
            let (serial, expected) = time { SerialExecutor().execute(preState: x.pre, block: x.block, transactions: x.transactions, fork: x.fork) }
            var reports: [ParallelReport] = []
            func parallel(_ workers: Int) -> Double {
                let (s, r) = time {
                    let (r, report) = ParallelExecutor(driver: .threaded(workers: workers),
                                                       dependencyGuard: noDependencyGuard ? nil : DependencyGuard())
                        .executeWithReport(preState: x.pre, block: x.block, transactions: x.transactions, fork: x.fork)
                    if workers == 2 { reports.append(report) }
                    return r
                }
                precondition(ResultComparison.firstDifference(expected: expected, actual: r) == nil,
                             "\(name): parallel (\(workers) workers) differs from serial")
                return s
            }
            let one = parallel(1), two = parallel(2)
            totals.serial += serial; totals.one += one; totals.two += two
            func median(_ f: (ParallelReport) -> Int) -> Int { reports.map(f).sorted()[reports.count / 2] }
            rows.append([name, "\(x.transactions.count)", "\(expected.gasUsed)", String(format: "%.5f", serial),
                         String(format: "%.5f", one), String(format: "%.5f", two), String(format: "%.2f×", serial / two),
                         "\(median(\.incarnations))", "\(median(\.executions))", "\(median(\.aborts))", "\(median(\.dependencyWaits))"])
        }
        rows.append(["all (sum of medians)", "\(blocks.reduce(0) { $0 + $1.1.transactions.count })", "",
                     String(format: "%.5f", totals.serial), String(format: "%.5f", totals.one), String(format: "%.5f", totals.two),
                     String(format: "%.2f×", totals.two > 0 ? totals.serial / totals.two : 0), "", "", "", ""])
        printMarkdownTable(header: ["block", "txs", "gas", "serial s", "1 worker s", "2 workers s", "speed-up 2w",
                                    "incarnations 2w", "executions 2w", "aborts 2w", "waits 2w"], rows: rows)
    }

    func printMarkdownTable(header: [String], rows: [[String]]) {
        print("| " + header.joined(separator: " | ") + " |")
        print("| " + header.indices.map { $0 == 0 ? "---" : "---:" }.joined(separator: " | ") + " |")
        for r in rows { print("| " + r.joined(separator: " | ") + " |") }
    }

    func row(_ name: String, gas: UInt64, seconds: Double) -> [String] {
        [name, "\(gas)", String(format: "%.4f", seconds), String(format: "%.1f", Double(gas) / seconds / 1e6)]
    }

    func printTable(header: [String], rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, s in
                let pad = String(repeating: " ", count: widths[i] - s.count)
                return i == 0 ? s + pad : pad + s
            }.joined(separator: "  ")
        }
        print(line(header))
        print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for r in rows { print(line(r)) }
    }

    /// User + system CPU time of this process so far.
    func processCPUSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
