import ArgumentParser
import Foundation
import PlantedFaults
import EVMExecution
import ParallelExecutor
import SMT
import Generators
import Proofs

/// `lockstep prove schedule`: runs a generated block through the parallel executor with its
/// access sets recorded, and asks Z3 whether the committed result is serialisable in the
/// block's order (and in any order). Exit 0 only when the preset order is proven and the
/// any-order question answered; 1 on a violation or an `unknown`; 2 on a usage problem.
struct ProveScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Z3 check that a parallel run's committed result is serialisable in block order.",
        discussion: """
            Generates a block (--txs, --conflict-rate, --seed), executes it in parallel (threaded, or under the \
            seeded deterministic scheduler with --schedule-seed), derives one ordering constraint per read-from, \
            write-write and anti-dependency edge of the committed read/write sets, and asks Z3 for integer \
            positions: pinned to pos(i) = i, and free. Prints the edge counts and solver times, or the cycle \
            named by the unsat core (transactions and locations). --fault skip-validation plants a broken \
            executor to see a violation. An `unknown` answer (--timeout, --rlimit) or a vacuous history (a committed \
            transaction with no recorded access) is NOT PROVEN, exit 1.
            """)

    @Option(name: .long, help: "Transactions in the generated block.")
    var txs: Int = 200

    @Option(name: .long, help: "Probability (0…1) that a generated transaction touches a hot account.")
    var conflictRate: Double = 0.5

    @Option(name: .long, help: "Seed of the generated block.")
    var seed: UInt64 = 1

    /// `--parallel N` (threads), `--schedule-seed S [--schedules K --workers N --abort-bias p]`
    /// (deterministic), as for `run` and `statetest`; with neither, threads on every core.
    @OptionGroup var executor: ExecutorOptions

    @Option(name: .long, help: ArgumentHelp("Plant an executor fault (repeatable): \(PlantedFault.of(.parallelExecutor).map(\.kebabName).joined(separator: ", ")).", valueName: "fault"))
    var fault: [String] = []

    @Option(name: .long, help: ArgumentHelp("Z3 timeout per query, milliseconds (a timeout is a failure).", valueName: "ms"))
    var timeout: UInt32 = 60_000

    @Option(name: .long, help: ArgumentHelp("Z3 resource limit (rlimit) per query; 0 for none. Running out is unknown, a failure (deterministic, unlike --timeout).", valueName: "units"))
    var rlimit: UInt32 = 0

    func run() throws {
        guard txs >= 1, txs <= 100_000 else { throw usage("--txs must be in 1…100000") }
        guard (0...1).contains(conflictRate) else { throw usage("--conflict-rate must be in 0…1") }
        guard (0...1).contains(executor.abortBias) else { throw usage("--abort-bias must be in 0…1") }
        let drivers: [ParallelExecutor.Driver]
        do {
            drivers = try executor.modes().map { mode in
                if case .parallel(let d) = mode { return d }
                return .threaded(workers: ProcessInfo.processInfo.activeProcessorCount)
            }
        } catch { throw usage("\(error)") }
        guard timeout >= 1 else { throw usage("--timeout must be at least 1 ms") }
        let faults: PlantedFaultSet
        switch PlantedFaultSet.parse(fault, area: .parallelExecutor) {
        case .success(let f): faults = f
        case .failure(let e):
            throw usage("unknown --fault \(e.name) (known: \(PlantedFault.of(.parallelExecutor).map(\.kebabName).joined(separator: ", ")))")
        }
        let generator = BlockGenerator(minTransactions: txs, maxTransactions: txs, conflictRate: conflictRate)
        let input = generator.generate(seed: seed)
        var failed = false
        var counts = (proven: 0, unknown: 0, violated: 0, vacuous: 0)
        for driver in drivers {
            let driverName: String
            let replayFlags: String
            switch driver {
            case .deterministic(let s, let w, let bias):
                driverName = "deterministic schedule seed \(s), \(w) workers, abort bias \(bias)"
                replayFlags = " --schedule-seed \(s) --workers \(w) --abort-bias \(bias)"
            case .threaded(let w):
                driverName = "threaded, \(w) workers"
                replayFlags = " --parallel \(w)"
            case .replay(let trace):
                driverName = "replayed trace"
                replayFlags = " --schedule-seed \(trace.seed)"
            }
            print("block: \(input.transactions.count) txs, conflict rate \(conflictRate), block seed \(seed); \(driverName)\(faults.isEmpty ? "" : "; planted fault \(fault.joined(separator: ", "))")")
            let outcome: (verdict: ScheduleVerdict, report: ParallelReport, result: BlockResult)
            do {
                let r = try ScheduleSerialisability.run(input, driver: driver, faults: faults.hook, timeoutMilliseconds: timeout,
                                                        resourceLimit: rlimit == 0 ? nil : rlimit)
                outcome = (r.verdict, r.report, r.result)
            } catch {
                FileHandle.standardError.write(Data("lockstep prove schedule: error: \(error)\n".utf8))
                throw ExitCode(1)
            }
            let report = outcome.report
            print("run: incarnations \(report.incarnations) · aborts \(report.aborts)\(report.finishedInOrder > 0 ? " · \(report.finishedInOrder) finished in order (dependency guard)" : "")\(report.fellBackToSerial ? " · fell back to serial" : "")")
            print(outcome.verdict.summary)
            print("replay: lockstep prove schedule --txs \(txs) --conflict-rate \(conflictRate) --seed \(seed)\(replayFlags)"
                  + fault.map { " --fault \($0)" }.joined())
            // The preset order is what Block-STM promises; an unknown (either question) is a
            // failure, never a pass.
            let v = outcome.verdict
            if !v.proven { failed = true }
            if case .unknown = v.presetOrder { counts.unknown += 1 } else if case .unknown = v.anyOrder { counts.unknown += 1 }
            else if v.vacuity != nil { counts.vacuous += 1 } else if v.proven { counts.proven += 1 } else { counts.violated += 1 }
            print(v.proven ? "PROVEN: serialisable in block order" : "NOT PROVEN")
        }
        print("\(drivers.count) run(s): \(counts.proven) proven, \(counts.unknown) unknown, \(counts.violated) violated, \(counts.vacuous) vacuous")
        if failed { throw ExitCode(1) }
    }

    private func usage(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("lockstep prove schedule: error: \(message)\n".utf8))
        return ExitCode(2)
    }
}
