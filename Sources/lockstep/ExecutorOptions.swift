import ArgumentParser
import Foundation
import ParallelExecutor

/// Flags shared by every verb that executes blocks: which executor, and for the parallel one
/// which schedule driver.
struct ExecutorOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Run through the parallel (Block-STM) executor with N worker threads.",
                                            valueName: "N"))
    var parallel: Int?

    @Option(name: .long, help: ArgumentHelp("Run through the parallel executor under the seeded deterministic scheduler.",
                                            valueName: "seed"))
    var scheduleSeed: UInt64?

    @Option(name: .long, help: ArgumentHelp("With --schedule-seed: also run seeds seed+1 … seed+K-1; a case passes only if every schedule passes.",
                                            valueName: "K"))
    var schedules: Int = 1

    @Option(name: .long, help: ArgumentHelp("Workers of the deterministic scheduler.", valueName: "N"))
    var workers: Int = 4

    @Option(name: .long, help: ArgumentHelp("Deterministic scheduler: probability (0…1) of delaying a finished execution's commit, to provoke aborts.",
                                            valueName: "p"))
    var abortBias: Double = 0.5

    /// Most worker threads (or deterministic workers) a run may ask for.
    static let maxWorkers = 1024

    /// The executors a case must pass on (serial when no flag is given). Every flag is checked
    /// whether or not it is used: an out-of-range value is a usage error, never ignored.
    func modes() throws -> [ExecutionMode] {
        var modes: [ExecutionMode] = []
        guard abortBias.isFinite, (0...1).contains(abortBias) else {
            throw ValidationError("--abort-bias: \(abortBias) is not a probability (0…1)")
        }
        guard (1...Self.maxWorkers).contains(workers) else { throw ValidationError("--workers: \(workers) is not in 1…\(Self.maxWorkers)") }
        guard (1...1_000_000).contains(schedules) else { throw ValidationError("--schedules: \(schedules) is not in 1…1000000") }
        if let n = parallel {
            guard (1...Self.maxWorkers).contains(n) else { throw ValidationError("--parallel: \(n) is not in 1…\(Self.maxWorkers) workers") }
            modes.append(.parallel(.threaded(workers: n)))
        }
        if let s = scheduleSeed {
            guard schedules >= 1, workers >= 1 else { throw ValidationError("--schedules and --workers must be at least 1") }
            for k in 0..<schedules {
                modes.append(.parallel(.deterministic(seed: s &+ UInt64(k), workers: workers, abortBias: abortBias)))
            }
        }
        return modes.isEmpty ? [.serial] : modes
    }
}
