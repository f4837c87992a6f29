import ArgumentParser
import Benchmarks
import EVMExecution
import Foundation
import ParallelExecutor

/// `lockstep bench --contracts`: the parallel executor on blocks of calls into the compiled
/// contracts (`ContractBlocks`: Vyper ERC-20 transfers, Vyper constant-product pool swaps) at
/// each conflict rate, beside each block's ideal bound, with the peak memory of each block.
extension BenchCommand {
    /// Peak resident set (VmHWM) of this process in KiB, or nil when /proc is unavailable.
    static func peakRSSKiB() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    /// Resets the peak resident set to the current one (Linux: `5` into /proc/self/clear_refs);
    /// false when that is not possible (then the peak is the process's since its start).
    static func resetPeakRSS() -> Bool {
        guard let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? h.close() }
        return (try? h.write(contentsOf: Data("5".utf8))) != nil
    }

    func contractSection() {
        let n = scaled(1_000)
        let workloads = ContractBlocks.Workload.allCases.filter { only.isEmpty || only.contains($0.rawValue) }
        print("")
        print("Parallel executor (Block-STM) on \(n)-transaction blocks of compiled Vyper contracts (`ContractBlocks`), "
              + "seed 42; speed-up = serial time / parallel time, median of \(repeats) after a warm-up; ideal = "
              + "min(2, T1/T∞) from the block's dependency graph (serial read/write sets) with each transaction weighted "
              + "by its measured serial time (T1/T∞ by gas beside it); load average \(loadAverage()):")
        print("")
        var rows: [[String]] = []
        // The process's first block runs ~1.5× slower (the allocator's arenas and page faults):
        // one untimed serial and parallel run of a block first, so the first row is like the rest.
        if let first = workloads.first {
            let b = ContractBlocks.block(first, transactions: n, conflictRate: 0, seed: 42)
            _ = SerialExecutor().execute(preState: b.pre, block: b.block, transactions: b.transactions, fork: b.fork)
            _ = ParallelExecutor(driver: .threaded(workers: 2)).execute(preState: b.pre, block: b.block, transactions: b.transactions, fork: b.fork)
        }
        for workload in workloads {
            for rate in conflictRates {
                let resetOK = BenchCommand.resetPeakRSS()
                let name = workload.title
                let level = rate == 1 ? "chain (100%)" : String(format: "%g%%", rate * 100)
                let block = ContractBlocks.block(workload, transactions: n, conflictRate: rate, seed: 42)
                let graph = DependencyGraph.of(block)
                let times = DependencyGraph.measuredTimes(block, passes: max(3, repeats))
                let byTime = graph.parallelism(weights: times)
                let ideal = min(2, byTime)
                /// Median wall seconds; `cpu` gets the median process CPU seconds of the same runs
                /// (less sensitive than wall time to other processes on the cores).
                var cpu: [Double] = []
                func time(_ run: @escaping () -> BlockResult) -> (Double, BlockResult) {
                    var result: BlockResult? = nil
                    var cpus: [Double] = []
                    var first = true
                    let s = BenchmarkClock.median(repeats: repeats) {
                        let c0 = processCPUSeconds()
                        result = run()
                        if !first { cpus.append(processCPUSeconds() - c0) }
                        first = false
                    }
                    cpus.sort()
                    cpu.append(cpus.isEmpty ? 0 : cpus[cpus.count / 2])
                    return (s, result!)
                }
                let (serial, expected) = time {
                    SerialExecutor().execute(preState: block.pre, block: block.block, transactions: block.transactions, fork: block.fork)
                }
                precondition(expected.receipts.count == n && expected.receipts.allSatisfy(\.success),
                             "\(name) \(level): a transaction failed serially")
                var reports: [ParallelReport] = []
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
                                                           dependencyGuard: noDependencyGuard ? nil : DependencyGuard())
                            .executeWithReport(preState: block.pre, block: block.block, transactions: block.transactions, fork: block.fork)
                        if workers == 2 { reports.append(report) }
                        return r
                    }
                    precondition(ResultComparison.firstDifference(expected: expected, actual: r) == nil,
                                 "\(name) \(level): parallel (\(workers) workers) differs from serial")
                    return s
                }
                let one = parallel(1), two = parallel(2)
                cpuPerWall.sort()
                func median(_ f: (ParallelReport) -> Int) -> Int { reports.map(f).sorted()[reports.count / 2] }
                func medianSeconds(_ f: (ParallelReport) -> Double) -> Double { reports.map(f).sorted()[reports.count / 2] }
                // The serial state root of the post-state: the part of `serial s` the workers share at 2w.
                let post = block.pre.copy()
                post.apply(expected.diff)
                let rootSerial = BenchmarkClock.median(repeats: repeats) { _ = post.stateRoot() }
                let tail = String(format: "%.1f / %.1f + %.1f + %.1f", rootSerial * 1e3, medianSeconds(\.executionSeconds) * 1e3,
                                  medianSeconds(\.assemblySeconds) * 1e3, medianSeconds(\.stateRootSeconds) * 1e3)
                let peak = BenchCommand.peakRSSKiB().map { String(format: "%.0f", Double($0) / 1024) + (resetOK ? "" : "*") } ?? "?"
                rows.append([name, level, "\(n)", "\(expected.gasUsed)",
                             String(format: "%.4f", serial), String(format: "%.4f", one), String(format: "%.4f", two),
                             String(format: "%.2f×", serial / one), String(format: "%.2f×", serial / two),
                             String(format: "%.2f", graph.parallelism), String(format: "%.2f", byTime), String(format: "%.2f×", ideal),
                             String(format: "%.2f", serial / two / ideal), String(format: "%.2f", cpuPerWall[cpuPerWall.count / 2]),
                             "\(median(\.executions))", "\(median(\.aborts))", "\(median(\.dependencyWaits))",
                             "\(median(\.finishedInOrder))", tail, String(format: "%.4f / %.4f / %.4f", cpu[0], cpu[1], cpu[2]), peak])
            }
        }
        printMarkdownTable(header: ["block", "conflict", "txs", "gas", "serial s", "1 worker s", "2 workers s", "speed-up 1w",
                                    "speed-up 2w", "T1/T∞ gas", "T1/T∞ time", "ideal 2w", "2w / ideal", "CPU/wall 2w",
                                    "executions 2w", "aborts 2w", "waits 2w", "in order 2w", "root serial / 2w: workers + assembly + root ms", "CPU s serial / 1w / 2w", "peak RSS MiB"], rows: rows)
        print("")
        print("ideal 2w = min(2, T1/T∞ time); 2w / ideal = speed-up 2w ÷ ideal 2w. root serial / 2w: workers + assembly + root ms: the post-state root computed on one thread / the 2-worker run's phases (medians): until the workers finish, the sequential assembly after them, its state root (on both workers); the rest of `2 workers s` is tearing the run down. peak RSS MiB: the process's peak resident "
              + "set while the block was built, analysed and run (VmHWM, reset before each block; * = could not be reset, "
              + "peak since start). CPU s: median process CPU seconds (user + system) per run of the same timed runs: serial vs 1 worker is Block-STM's own cost with little influence of other processes; 2w adds the second worker's spinning and waiting. CPU/wall 2w and the counters as in `bench --parallel-only`.")
    }
}
