import EVMCore
import Foundation

/// One step of a deterministic schedule: which worker moved, and what it did.
public struct ScheduleStep: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Action: String, Sendable, Codable {
        /// Asked the scheduler for work (and got `tx`/`incarnation`, or nothing: tx = -1).
        case fetch
        /// Ran an incarnation against multi-version memory (nothing recorded yet).
        case execute
        /// Recorded that execution's writes (or its dependency when blocked).
        case record
        /// Validated a version (`aborted` tells the outcome).
        case validate
    }
    public var worker: Int
    public var action: Action
    public var tx: Int
    public var incarnation: Int
    public var aborted: Bool

    public var description: String {
        let who = "W\(worker)"
        switch action {
        case .fetch: return tx < 0 ? "\(who) idle" : "\(who) fetch T\(tx).\(incarnation)"
        case .execute: return "\(who) exec T\(tx).\(incarnation)"
        case .record: return "\(who) record T\(tx).\(incarnation)"
        case .validate: return "\(who) validate T\(tx).\(incarnation)\(aborted ? " ABORT" : "")"
        }
    }
}

/// A recorded deterministic schedule. Feeding it back (`ParallelExecutor.Driver.replay`)
/// makes the same worker take the same step at every point, so the run repeats exactly.
public struct ScheduleTrace: Sendable, Equatable, Codable {
    public var seed: UInt64
    public var workers: Int
    public var abortBias: Double
    public var steps: [ScheduleStep]

    public init(seed: UInt64, workers: Int, abortBias: Double, steps: [ScheduleStep]) {
        self.seed = seed; self.workers = workers; self.abortBias = abortBias; self.steps = steps
    }
}

/// Real threads: each worker loops "get a task, run it" until the scheduler reports done
/// (finished or halted). An idle worker spins briefly, then yields its core between polls.
/// Each worker has a thread of its own (`WorkerThreads`), never a shared pool's.
struct ThreadedDriver {
    let workers: Int

    func run(_ stm: BlockSTM) {
        WorkerThreads.run(count: workers) { _ in
            var task: SchedulerTask? = nil
            var idle = 0
            while true {
                if let t = task {
                    task = stm.perform(t)
                    idle = 0
                    continue
                }
                task = stm.scheduler.nextTask()
                if task == nil {
                    if stm.scheduler.isDone { return }
                    idle += 1
                    if idle > 64 { sched_yield() }
                }
            }
        }
    }
}

/// Cooperative workers stepped one at a time in an order drawn from a seed (SplitMix64).
/// An execution is split into `execute` (read and compute) and `record` (publish), with other
/// workers' steps in between: exactly the window in which real threads race.
struct DeterministicDriver {
    enum WorkerState {
        case idle
        case has(SchedulerTask)
        case computed(Version, BlockSTM.Execution)
    }

    let workers: Int
    var rng: SplitMix64
    let seed: UInt64
    let abortBias: Double
    /// Guards against a scheduler bug spinning forever.
    let maxSteps = 10_000_000
    /// Set by a replay whose trace ended before the block was done (a truncated trace): the
    /// caller's result then does not come from the stored schedule.
    var replayRanOut = false

    init(workers: Int, seed: UInt64, abortBias: Double) {
        self.workers = workers; self.seed = seed; self.rng = SplitMix64(seed: seed); self.abortBias = min(1, max(0, abortBias))
    }

    mutating func next() -> UInt64 { rng.next() }

    /// Picks the next worker: uniformly, except that with probability `abortBias` a worker
    /// holding an unrecorded execution is passed over (when another can move).
    mutating func pick(_ states: [WorkerState]) -> Int {
        let w = Int(next() % UInt64(workers))
        let r = Double(next() % 1_000_000) / 1_000_000
        if r < abortBias, case .computed = states[w] {
            let others = states.indices.filter { if case .computed = states[$0] { return false } else { return true } }
            if !others.isEmpty { return others[Int(next() % UInt64(others.count))] }
        }
        return w
    }

    /// Runs the block; returns the trace. With `replay`, worker choices come from the trace.
    mutating func run(_ stm: BlockSTM, replay: ScheduleTrace?) -> ScheduleTrace {
        var states = [WorkerState](repeating: .idle, count: workers)
        var steps: [ScheduleStep] = []
        var replayIndex = 0
        while steps.count < maxSteps {
            let allIdle = states.allSatisfy { if case .idle = $0 { return true } else { return false } }
            if allIdle && stm.scheduler.isDone { break }
            // Halted by the dependency guard: in-flight work is dropped, the caller finishes in order.
            if stm.scheduler.isHalted { break }
            let w: Int
            if let r = replay {
                guard replayIndex < r.steps.count else { replayRanOut = true; break }
                w = r.steps[replayIndex].worker
                replayIndex += 1
            } else {
                w = pick(states)
            }
            switch states[w] {
            case .idle:
                if let t = stm.scheduler.nextTask() {
                    states[w] = .has(t)
                    let v: Version
                    switch t { case .execute(let x), .validate(let x): v = x }
                    steps.append(ScheduleStep(worker: w, action: .fetch, tx: v.tx, incarnation: v.incarnation, aborted: false))
                } else {
                    steps.append(ScheduleStep(worker: w, action: .fetch, tx: -1, incarnation: 0, aborted: false))
                }
            case .has(.execute(let v)):
                states[w] = .computed(v, stm.compute(v))
                steps.append(ScheduleStep(worker: w, action: .execute, tx: v.tx, incarnation: v.incarnation, aborted: false))
            case .has(.validate(let v)):
                let abortsBefore = stm.scheduler.aborts
                let nextTask = stm.validate(v)
                let aborted = stm.scheduler.aborts > abortsBefore
                states[w] = nextTask.map { .has($0) } ?? .idle
                steps.append(ScheduleStep(worker: w, action: .validate, tx: v.tx, incarnation: v.incarnation, aborted: aborted))
            case .computed(let v, let e):
                let nextTask = stm.commit(v, e)
                states[w] = nextTask.map { .has($0) } ?? .idle
                steps.append(ScheduleStep(worker: w, action: .record, tx: v.tx, incarnation: v.incarnation, aborted: false))
            }
        }
        return ScheduleTrace(seed: seed, workers: workers, abortBias: abortBias, steps: steps)
    }
}
