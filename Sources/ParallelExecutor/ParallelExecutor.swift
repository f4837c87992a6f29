import Foundation
import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution

/// Block-STM over the EVM: optimistic execution of every transaction against multi-version
/// memory, validation of each read set, re-execution on conflict, commit in block order. The
/// result must equal `SerialExecutor`'s, field by field, under every schedule.
///
/// EVM specifics handled here:
/// - **Beneficiary fees are lazy**: each transaction writes its fee as a balance delta on the
///   beneficiary instead of reading and writing its balance, so the beneficiary does not
///   serialise the block. A transaction that reads the beneficiary sees the deltas below it
///   resolved (validated by value). Disabled before Spurious Dragon and when the beneficiary is
///   an existing empty account (a zero-fee touch would delete it), where fees are paid eagerly.
/// - **Speculative invalidity is a dependency**: a transaction rejected during speculation
///   (nonce too high, funds not yet arrived) is recorded with its read set like any other; when
///   the earlier write lands, validation fails and it re-executes.
/// - **Destroyed/re-created accounts** write a `storageClear` marker so later readers stop
///   seeing the old storage; code is immutable by hash and shared.
/// - **Block gas pool**: transactions are speculated without the cumulative-gas check; at commit
///   the pool is checked in order, and a block that overflows it is re-run serially (rare:
///   sequencers do not build such blocks).
public struct ParallelExecutor: BlockExecutor {
    public enum Driver: Sendable {
        /// Real threads; `workers` defaults to the number of cores.
        case threaded(workers: Int)
        /// Cooperative workers whose every step is chosen from `seed`; `abortBias` in 0…1 makes
        /// commits of finished executions lag, which provokes stale reads and aborts.
        case deterministic(seed: UInt64, workers: Int, abortBias: Double)
        /// Re-runs a recorded deterministic schedule step for step.
        case replay(ScheduleTrace)
    }

    /// Test-only faults that make the executor wrong, to prove the properties can fail.
    public struct Faults: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Every validation passes.
        public static let skipValidation = Faults(rawValue: 1)
        /// Readers look through ESTIMATE markers.
        public static let ignoreEstimates = Faults(rawValue: 2)
        /// The beneficiary's fee is never credited when payment is lazy.
        public static let dropBeneficiaryFees = Faults(rawValue: 4)
    }

    public var driver: Driver
    public var faults: Faults

    public init(driver: Driver = .threaded(workers: ProcessInfo.processInfo.activeProcessorCount), faults: Faults = []) {
        self.driver = driver; self.faults = faults
    }

    public func execute(preState: InMemoryState, block: BlockEnv, transactions: [RecoveredTransaction], fork: Hardfork) -> BlockResult {
        executeWithReport(preState: preState, block: block, transactions: transactions, fork: fork).result
    }

    public func executeWithReport(preState: InMemoryState, block: BlockEnv, transactions: [RecoveredTransaction],
                                  fork: Hardfork) -> (result: BlockResult, report: ParallelReport) {
        let stm = BlockSTM(pre: preState, block: block, txs: transactions, fork: fork, faults: faults)
        var report = ParallelReport()
        switch driver {
        case .threaded(let workers):
            ThreadedDriver(workers: max(1, workers)).run(stm)
            report.workers = max(1, workers)
        case .deterministic(let seed, let workers, let bias):
            var d = DeterministicDriver(workers: max(1, workers), seed: seed, abortBias: bias)
            report.trace = d.run(stm, replay: nil)
            report.workers = max(1, workers)
        case .replay(let trace):
            var d = DeterministicDriver(workers: trace.workers, seed: trace.seed, abortBias: trace.abortBias)
            report.trace = d.run(stm, replay: trace)
            report.workers = trace.workers
        }
        report.incarnations = stm.scheduler.incarnations.reduce(0) { $0 + $1 + 1 }
        report.executions = stm.executions.withLock { $0 }
        report.validations = stm.validations.withLock { $0 }
        report.aborts = stm.aborts.withLock { $0 }
        report.dependencyWaits = stm.dependencyWaits.withLock { $0 }
        if let result = stm.assemble() { return (result, report) }
        report.fellBackToSerial = true
        return (SerialExecutor().execute(preState: preState, block: block, transactions: transactions, fork: fork), report)
    }
}

/// Counters of one parallel run.
public struct ParallelReport: Sendable {
    public var workers = 0
    /// Sum over transactions of (final incarnation + 1).
    public var incarnations = 0
    public var executions = 0
    public var validations = 0
    public var aborts = 0
    public var dependencyWaits = 0
    public var fellBackToSerial = false
    /// The schedule, for the deterministic drivers.
    public var trace: ScheduleTrace?
}

/// The shared state of one Block-STM run and the three things a worker does.
final class BlockSTM: @unchecked Sendable {
    let pre: InMemoryState
    let block: BlockEnv
    let txs: [RecoveredTransaction]
    let fork: Hardfork
    let faults: ParallelExecutor.Faults
    let scheduler: Scheduler
    let mv: MVMemory
    let codes = CodeStore()
    let processor: TransactionProcessor
    let lazyBeneficiary: Bool
    /// The latest recorded execution of each transaction.
    let results: [Locked<ExecutionOutput?>]
    let executions = Locked(0), validations = Locked(0), aborts = Locked(0), dependencyWaits = Locked(0)

    init(pre: InMemoryState, block: BlockEnv, txs: [RecoveredTransaction], fork: Hardfork, faults: ParallelExecutor.Faults) {
        self.pre = pre; self.block = block; self.txs = txs; self.fork = fork; self.faults = faults
        scheduler = Scheduler(transactionCount: txs.count)
        mv = MVMemory(transactionCount: txs.count, ignoreEstimates: faults.contains(.ignoreEstimates))
        processor = TransactionProcessor(fork: fork, block: block)
        let cb = pre.account(block.coinbase)
        lazyBeneficiary = fork >= .spuriousDragon && !(cb?.isEmpty ?? false)
        results = txs.map { _ in Locked(nil) }
    }

    /// What one incarnation produced.
    struct ExecutionOutput: @unchecked Sendable {
        var applied: TransactionProcessor.Applied
        var diff: StateDiff
        /// Fee still owed to the beneficiary (lazy mode, beneficiary not written by the tx).
        var beneficiaryCredit: UInt256
        var reads: [(Location, ReadOrigin)]
        var writes: [(Location, MVValue)]
    }

    enum Execution: @unchecked Sendable {
        case done(ExecutionOutput)
        case blocked(by: Int)
    }

    /// Runs one incarnation against multi-version memory without recording anything.
    func compute(_ v: Version) -> Execution {
        executions.withLock { $0 += 1 }
        let reader = MVStateReader(tx: v.tx, mv: mv, pre: pre, codes: codes)
        let journal = JournaledState(base: reader)
        let rtx = txs[v.tx]
        let applied = processor.apply(rtx.transaction, sender: rtx.sender, state: journal, cumulativeGasBefore: 0,
                                      deferCoinbasePayment: lazyBeneficiary)
        var diff = applied.outcome.receipt == nil ? StateDiff() : journal.diff()
        if let b = reader.blockedBy { return .blocked(by: b) }

        var credit = faults.contains(.dropBeneficiaryFees) ? .zero : applied.deferredCoinbaseFee
        let cb = block.coinbase
        if !credit.isZero, var d = diff.accounts[cb] {
            // The tx wrote the beneficiary itself: fold its own fee into that write.
            if var a = d.account { a.balance = a.balance &+ credit; d.account = a } else { d.account = Account(nonce: 0, balance: credit) }
            diff.accounts[cb] = d
            credit = .zero
        }
        var writes: [(Location, MVValue)] = []
        for (a, d) in diff.accounts {
            writes.append((.account(a), .account(d.account)))
            if d.storageCleared || d.account == nil { writes.append((.storageClear(a), .storageCleared)) }
            for (k, value) in d.storage { writes.append((.storage(a, k), .storage(value))) }
            if let c = d.code { codes.put(c) }
        }
        if !credit.isZero { writes.append((.account(cb), .balanceDelta(credit))) }
        return .done(ExecutionOutput(applied: applied, diff: diff, beneficiaryCredit: credit, reads: reader.reads, writes: writes))
    }

    /// Records a computed incarnation (or registers its dependency) and asks for the next task.
    func commit(_ v: Version, _ e: Execution) -> SchedulerTask? {
        switch e {
        case .blocked(let by):
            if scheduler.addDependency(tx: v.tx, blocking: by) {
                dependencyWaits.withLock { $0 += 1 }
                return nil
            }
            return .execute(v)
        case .done(let out):
            results[v.tx].withLock { $0 = out }
            let wroteNew = mv.record(v, reads: out.reads, writes: out.writes)
            return scheduler.finishExecution(v, wroteNewLocation: wroteNew)
        }
    }

    func validate(_ v: Version) -> SchedulerTask? {
        validations.withLock { $0 += 1 }
        let valid = faults.contains(.skipValidation)
            || mv.validateReadSet(v.tx, base: { MVStateReader.baseValue($0, pre: self.pre) })
        let aborted = !valid && scheduler.tryValidationAbort(v)
        if aborted {
            aborts.withLock { $0 += 1 }
            mv.convertWritesToEstimates(v.tx)
        }
        return scheduler.finishValidation(v, aborted: aborted)
    }

    /// Runs a task to completion (threaded driver).
    func perform(_ t: SchedulerTask) -> SchedulerTask? {
        switch t {
        case .execute(let v): return commit(v, compute(v))
        case .validate(let v): return validate(v)
        }
    }

    /// Builds the block result from the committed executions, in order. Nil when the block gas
    /// pool overflows (the caller re-runs serially).
    func assemble() -> BlockResult? {
        let state = pre.copy()
        var outcomes: [TxOutcome] = []
        var diff = StateDiff()
        var cumulative: UInt64 = 0
        var missing: [String] = []
        for i in 0..<txs.count {
            guard let out = results[i].withLock({ $0 }) else { return nil }
            if let u = out.applied.unimplementedPrecompile, !missing.contains(u) { missing.append(u) }
            guard var receipt = out.applied.outcome.receipt else {
                outcomes.append(out.applied.outcome)
                continue
            }
            let (pool, overflow) = cumulative.addingReportingOverflow(txs[i].transaction.gasLimit)
            if overflow || pool > block.gasLimit { return nil }
            cumulative += receipt.gasUsed
            receipt.cumulativeGasUsed = cumulative
            var txDiff = out.diff
            if !out.beneficiaryCredit.isZero {
                let cb = block.coinbase
                let current = state.account(cb)
                var acct = current ?? Account()
                acct.balance = acct.balance &+ out.beneficiaryCredit
                let code = acct.hasCode ? state.code(hash: acct.codeHash) : nil
                txDiff.accounts[cb] = AccountDiff(account: acct, storage: [:], storageCleared: false, code: code)
            }
            state.apply(txDiff)
            diff.merge(txDiff)
            outcomes.append(.executed(receipt))
        }
        return BlockResult(outcomes: outcomes, diff: diff, stateRoot: state.stateRoot(), unimplementedPrecompiles: missing)
    }
}
