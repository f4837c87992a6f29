import Foundation

/// The life of one transaction in Block-STM (Gelashvili et al., PPoPP'23, Algorithm 4):
///
/// ```
///                 try_incarnate                finish_execution
///   READY_TO_EXECUTE(i) ───────────► EXECUTING(i) ───────────────► EXECUTED(i)
///          ▲                              │                            │
///          │ resume (i+1) when the        │ add_dependency             │ try_validation_abort
///          │ blocking tx finishes         ▼                            ▼
///          └──────────────────────── ABORTING(i) ◄─────────────────────┘
///                     set_ready_status: incarnation i → i+1
/// ```
///
/// `ABORTING` covers both "waiting on a dependency" and "failed validation"; either way the
/// next incarnation starts from READY_TO_EXECUTE. Lower indices are always preferred:
/// `executionIdx` and `validationIdx` only move down when a lower transaction needs work.
public enum TxStatus: Sendable, Equatable {
    case readyToExecute
    case executing
    case executed
    case aborting
}

/// A unit of work handed to a worker.
public enum SchedulerTask: Sendable, Equatable {
    case execute(Version)
    case validate(Version)
}

/// When Block-STM gives up on a block and lets the caller finish it in order.
///
/// Judged over consecutive windows of `window` finished executions. In a window where at
/// least a quarter as many incarnations passed validation (each counted once, uncounted if
/// later aborted), the window is *dependent* when at least `linked` of them read a value
/// written by the transaction just before them — the local shape of a dependency chain, a
/// property of the block, not of the machine's load. A window with less validation progress
/// is dependent when it was mostly waste: wasted · workers ≥ executions · (workers − 1) ·
/// `threshold`, counting executions that stopped on an ESTIMATE and aborted versions. After
/// `windows` dependent windows in a row the scheduler halts. With one worker it never halts.
///
/// Defaults, from the guard's per-window counts on the `ParallelBenchmarks` blocks with 2
/// workers (threaded, loaded machine): chain windows either validate ~20–30 of 32 with all of
/// them linked, or validate nothing while every execution waits; 50%-conflict windows
/// validate 22–32 with at most ~45% linked; 0% and 10% windows are rarely linked at all.
public struct DependencyGuard: Sendable, Equatable {
    public var window: Int
    public var threshold: Double
    public var linked: Double
    public var windows: Int
    public init(window: Int = 32, threshold: Double = 0.9, linked: Double = 0.75, windows: Int = 2) {
        self.window = window; self.threshold = threshold; self.linked = linked; self.windows = max(1, windows)
    }
}

/// The collaborative scheduler. One lock guards all of its state: its operations are tiny
/// next to executing a transaction, and a single lock keeps the transitions easy to check.
///
/// `halt()` (or the `DependencyGuard`) stops it: no new tasks are handed out, finishing ones
/// hand back no follow-up, and `isDone` is true. Transactions keep whatever status they had;
/// the caller decides which prefix is final (`ParallelExecutor` re-validates it in order).
public final class Scheduler: @unchecked Sendable {
    let n: Int
    private let lock = NSLock()
    private var executionIdx = 0
    private var validationIdx = 0
    private var numActiveTasks = 0
    private var done = false
    private var halted = false
    private var incarnation: [Int]
    private var status: [TxStatus]
    private var dependents: [[Int]]
    private let guardPolicy: DependencyGuard?
    private let workers: Int
    /// Current guard window: finished executions and wasted ones.
    private var windowExecutions = 0
    private var windowWasted = 0
    /// Consecutive dependent windows so far.
    private var dependentWindows = 0
    /// Validated incarnations in the window, and those linked to their predecessor.
    private var windowValidated = 0, windowLinked = 0
    /// Per transaction, the incarnation last counted by `noteValidated` (-1: none).
    private var countedIncarnation: [Int]
    private var countedLinked: [Bool]

    private var finishedExecutionCount = 0, dependencyWaitCount = 0, abortCount = 0
    private var finishedValidationCount = 0
    /// Validations finished.
    public var finishedValidations: Int { lock.lock(); defer { lock.unlock() }; return finishedValidationCount }
    /// Executions finished (recorded or blocked).
    public var finishedExecutions: Int { lock.lock(); defer { lock.unlock() }; return finishedExecutionCount }
    /// Executions that read an ESTIMATE and waited for the blocking transaction.
    public var dependencyWaits: Int { lock.lock(); defer { lock.unlock() }; return dependencyWaitCount }
    /// Versions aborted by a failed validation.
    public var aborts: Int { lock.lock(); defer { lock.unlock() }; return abortCount }

    public init(transactionCount: Int, workers: Int = 1, dependencyGuard: DependencyGuard? = nil) {
        n = transactionCount
        incarnation = Array(repeating: 0, count: n)
        status = Array(repeating: .readyToExecute, count: n)
        dependents = Array(repeating: [], count: n)
        done = n == 0
        self.workers = max(1, workers)
        guardPolicy = dependencyGuard
        countedIncarnation = dependencyGuard == nil || workers <= 1 ? [] : Array(repeating: -1, count: n)
        countedLinked = Array(repeating: false, count: countedIncarnation.count)
    }

    public var isDone: Bool { lock.lock(); defer { lock.unlock() }; return done || halted }
    /// True when stopped before the end (`halt()` or the dependency guard).
    public var isHalted: Bool { lock.lock(); defer { lock.unlock() }; return halted }

    /// Stops handing out work (see the type's comment).
    public func halt() { lock.lock(); halted = true; lock.unlock() }

    /// Status and incarnation of `tx` (for the final in-order check).
    public func state(of tx: Int) -> (status: TxStatus, incarnation: Int) {
        lock.lock(); defer { lock.unlock() }
        return (status[tx], incarnation[tx])
    }

    private func countExecution(wasted: Bool) {
        finishedExecutionCount += 1
        guard let g = guardPolicy, workers > 1, !halted else { return }
        windowExecutions += 1
        if wasted { windowWasted += 1 }
        checkGuard(g)
    }

    private func countAbort() {
        abortCount += 1
        guard let g = guardPolicy, workers > 1, !halted else { return }
        windowWasted += 1
        checkGuard(g)
    }

    /// True when validations feed the dependency guard (`noteValidated` counts them).
    public var countsLinks: Bool { guardPolicy != nil && workers > 1 }

    /// A validation of `v` passed; `linked`: it read a value written by transaction `v.tx − 1`.
    /// Counted once per incarnation.
    public func noteValidated(_ v: Version, linked: Bool) {
        guard countsLinks else { return }
        lock.lock(); defer { lock.unlock() }
        noteValidatedLocked(v, linked: linked)
    }

    private func noteValidatedLocked(_ v: Version, linked: Bool) {
        guard countsLinks, countedIncarnation[v.tx] != v.incarnation else { return }
        countedIncarnation[v.tx] = v.incarnation
        countedLinked[v.tx] = linked
        windowValidated += 1
        if linked { windowLinked += 1 }
    }

    /// An incarnation counted by `noteValidated` was aborted after all: uncount it.
    private func uncountValidated(_ v: Version) {
        guard !countedIncarnation.isEmpty, countedIncarnation[v.tx] == v.incarnation else { return }
        countedIncarnation[v.tx] = -1
        windowValidated = max(0, windowValidated - 1)
        if countedLinked[v.tx] { windowLinked = max(0, windowLinked - 1) }
    }

    private func checkGuard(_ g: DependencyGuard) {
        guard windowExecutions >= g.window else { return }
        defer { windowValidated = 0; windowLinked = 0 }
        let dependent: Bool
        if windowValidated * 4 >= windowExecutions {
            dependent = Double(windowLinked) >= Double(windowValidated) * g.linked
        } else {
            dependent = Double(windowWasted * workers) >= Double(windowExecutions * (workers - 1)) * g.threshold
        }
        if dependent {
            dependentWindows += 1
            if dependentWindows >= g.windows { halted = true }
        } else {
            dependentWindows = 0
        }
        windowExecutions = 0
        windowWasted = 0
    }

    private func checkDone() {
        if executionIdx >= n && validationIdx >= n && numActiveTasks == 0 { done = true }
    }

    /// The next task, or nil when there is nothing to do right now (or the block is done).
    public func nextTask() -> SchedulerTask? {
        lock.lock(); defer { lock.unlock() }
        if done || halted { return nil }
        if validationIdx < executionIdx {
            let idx = validationIdx
            validationIdx += 1
            if idx < n && status[idx] == .executed {
                numActiveTasks += 1
                return .validate(Version(tx: idx, incarnation: incarnation[idx]))
            }
        } else if executionIdx < n {
            let idx = executionIdx
            executionIdx += 1
            if status[idx] == .readyToExecute {
                status[idx] = .executing
                numActiveTasks += 1
                return .execute(Version(tx: idx, incarnation: incarnation[idx]))
            }
        }
        checkDone()
        return nil
    }

    /// `tx` read an ESTIMATE of `blocking`. Returns false when `blocking` has meanwhile
    /// finished (the caller re-executes at once).
    public func addDependency(tx: Int, blocking: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        countExecution(wasted: true)
        if status[blocking] == .executed { return false }
        dependencyWaitCount += 1
        status[tx] = .aborting
        dependents[blocking].append(tx)
        numActiveTasks -= 1
        return true
    }

    private func setReady(_ tx: Int) {
        incarnation[tx] += 1
        status[tx] = .readyToExecute
    }

    /// Records the end of an execution; may hand back the validation of the same version.
    public func finishExecution(_ v: Version, wroteNewLocation: Bool) -> SchedulerTask? {
        lock.lock(); defer { lock.unlock() }
        countExecution(wasted: false)
        status[v.tx] = .executed
        let deps = dependents[v.tx]
        dependents[v.tx] = []
        for d in deps { setReady(d) }
        if let m = deps.min(), m < executionIdx { executionIdx = m }
        if validationIdx > v.tx {
            if wroteNewLocation {
                validationIdx = min(validationIdx, v.tx)
            } else if !halted {
                return .validate(v)
            }
        }
        numActiveTasks -= 1
        checkDone()
        return nil
    }

    /// Claims the abort of a failed validation; false when another worker already moved on.
    public func tryValidationAbort(_ v: Version) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if incarnation[v.tx] == v.incarnation && status[v.tx] == .executed {
            status[v.tx] = .aborting
            uncountValidated(v)
            countAbort()
            return true
        }
        return false
    }

    /// Records the end of a validation; after an abort may hand back the re-execution.
    /// `validated`: the validation passed (then `noteValidated(v, linked:)` is applied under the
    /// same lock).
    public func finishValidation(_ v: Version, aborted: Bool, validated: Bool = false, linked: Bool = false) -> SchedulerTask? {
        lock.lock(); defer { lock.unlock() }
        finishedValidationCount += 1
        if validated { noteValidatedLocked(v, linked: linked) }
        if aborted {
            setReady(v.tx)
            validationIdx = min(validationIdx, v.tx + 1)
            if executionIdx > v.tx && status[v.tx] == .readyToExecute && !halted {
                status[v.tx] = .executing
                return .execute(Version(tx: v.tx, incarnation: incarnation[v.tx]))
            }
        }
        numActiveTasks -= 1
        checkDone()
        return nil
    }

    /// Counters for reports.
    public var incarnations: [Int] { lock.lock(); defer { lock.unlock() }; return incarnation }
}
