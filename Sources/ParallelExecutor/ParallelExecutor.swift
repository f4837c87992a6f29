import Foundation
import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import EVMPrecompiles

/// Block-STM over the EVM: optimistic execution of every transaction against multi-version
/// memory, validation of each read set, re-execution on conflict, commit in block order. The
/// result must equal `SerialExecutor`'s, field by field, under every schedule.
///
/// EVM specifics handled here:
/// - **Plain value transfers are lazy too**: a call with value and no data to an account
///   without code publishes the credit as a balance delta and records only "the recipient has
///   no code" as its read, so transfers to one recipient do not conflict; a later read of the
///   recipient resolves the deltas, and code appearing there (CREATE, EIP-7702) invalidates it.
/// - **Dependency chains finish in order** (`DependencyGuard`): when speculation keeps
///   re-running transactions that read their predecessor's write, the scheduler halts, the
///   prefix whose recorded executions still validate is kept and the rest runs as
///   `SerialExecutor` would, so a chain costs about what serial execution costs.
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

    public var driver: Driver
    /// Test-only planted faults (`PlantedFaults`); nil — the default, and every real run — keeps
    /// the executor as it is. Asked at `readSetValidation`, `estimateBlocksReader` and
    /// `deferredBeneficiaryFee`.
    public var faults: (any FaultHook)?
    /// When set, a block whose speculation is mostly wasted (a dependency chain) is finished
    /// in order on the calling thread — see `DependencyGuard`. The result is the serial one
    /// either way; this only bounds how much slower than serial a chain can get.
    public var dependencyGuard: DependencyGuard?
    /// When set, `executeWithReport` fills `ParallelReport.accessSets` (costs one pass over
    /// every committed read and write after the run).
    public var recordAccessSets = false

    public init(driver: Driver = .threaded(workers: ProcessInfo.processInfo.activeProcessorCount), faults: (any FaultHook)? = nil,
                dependencyGuard: DependencyGuard? = DependencyGuard()) {
        self.driver = driver; self.faults = faults; self.dependencyGuard = dependencyGuard
    }

    public func execute(preState: InMemoryState, block: BlockEnv, transactions: [RecoveredTransaction], fork: Hardfork) -> BlockResult {
        executeWithReport(preState: preState, block: block, transactions: transactions, fork: fork).result
    }

    public func executeWithReport(preState: InMemoryState, block: BlockEnv, transactions: [RecoveredTransaction],
                                  fork: Hardfork) -> (result: BlockResult, report: ParallelReport) {
        let workers: Int
        switch driver {
        case .threaded(let w): workers = max(1, w)
        case .deterministic(_, let w, _): workers = max(1, w)
        case .replay(let trace): workers = max(1, trace.workers)
        }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let stm = BlockSTM(pre: preState, block: block, txs: transactions, fork: fork, faults: faults, workers: workers,
                           dependencyGuard: dependencyGuard)
        var report = ParallelReport()
        report.workers = workers
        switch driver {
        case .threaded:
            ThreadedDriver(workers: workers).run(stm)
        case .deterministic(let seed, _, let bias):
            var d = DeterministicDriver(workers: workers, seed: seed, abortBias: bias)
            report.trace = d.run(stm, replay: nil)
        case .replay(let trace):
            var d = DeterministicDriver(workers: trace.workers, seed: trace.seed, abortBias: trace.abortBias)
            report.trace = d.run(stm, replay: trace)
            report.replayRanOut = d.replayRanOut
        }
        report.executionSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        report.incarnations = stm.scheduler.incarnations.reduce(0) { $0 + $1 + 1 }
        report.executions = stm.scheduler.finishedExecutions
        report.validations = stm.scheduler.finishedValidations
        report.aborts = stm.scheduler.aborts
        report.dependencyWaits = stm.scheduler.dependencyWaits
        let assemblyStart = DispatchTime.now().uptimeNanoseconds
        if let (result, serialTail) = stm.assemble() {
            let assembly = Double(DispatchTime.now().uptimeNanoseconds - assemblyStart) / 1e9
            report.stateRootSeconds = stm.stateRootSeconds
            report.assemblySeconds = assembly - stm.stateRootSeconds
            report.finishedInOrder = serialTail
            if recordAccessSets { report.accessSets = stm.accessSets(inOrderFrom: transactions.count - serialTail) }
            if case .threaded = driver { WorkerThreads.run(count: workers) { stm.release(part: $0, of: workers) } }
            return (result, report)
        }
        report.fellBackToSerial = true
        if recordAccessSets { report.accessSets = stm.accessSets(inOrderFrom: 0) }
        return (SerialExecutor().execute(preState: preState, block: block, transactions: transactions, fork: fork), report)
    }
}

/// Counters of one parallel run.
public struct ParallelReport: Sendable {
    public var workers = 0
    /// Sum over transactions of (final incarnation + 1).
    public var incarnations = 0
    /// Executions that finished (recorded, or stopped on an ESTIMATE), including discarded ones.
    public var executions = 0
    public var validations = 0
    public var aborts = 0
    public var dependencyWaits = 0
    /// The block gas pool overflowed: the whole block was re-run by `SerialExecutor`.
    public var fellBackToSerial = false
    /// Transactions the dependency guard left to in-order execution (0 when it did not fire).
    public var finishedInOrder = 0
    /// The schedule, for the deterministic drivers.
    public var trace: ScheduleTrace?
    /// `.replay` only: the trace ended before the block was done, so the workers stopped early
    /// and the result was finished without it. A replay follows its trace exactly when this is
    /// false and `trace` equals the given one.
    public var replayRanOut = false
    /// Wall time from the start of the run until the workers finished (set-up included).
    public var executionSeconds = 0.0
    /// Wall time of the sequential tail after the workers finished: the in-order assembly of
    /// receipts and post-state (and the in-order execution after a guard halt), and the state
    /// root (itself spread over the workers).
    public var assemblySeconds = 0.0
    public var stateRootSeconds = 0.0
    /// The committed read and write sets (only with `ParallelExecutor.recordAccessSets`).
    public var accessSets: AccessSets?
}

/// The shared state of one Block-STM run and the three things a worker does.
final class BlockSTM: @unchecked Sendable {
    /// Set by `assemble` (which runs once, on the calling thread, after the workers).
    var stateRootSeconds = 0.0
    let pre: InMemoryState
    let block: BlockEnv
    let txs: [RecoveredTransaction]
    let fork: Hardfork
    let faults: (any FaultHook)?
    let scheduler: Scheduler
    let mv: MVMemory
    let codes = CodeStore()
    let processor: TransactionProcessor
    let lazyBeneficiary: Bool
    /// Per transaction: the recipient of a plain value transfer, credited lazily (see
    /// `plainTransferRecipient`), or nil.
    let creditOnly: [Address?]
    /// The latest recorded execution of each transaction.
    let results: PerTransaction<ExecutionOutput?>
    /// Threads the block may use (also for the final state root).
    let workers: Int

    init(pre: InMemoryState, block: BlockEnv, txs: [RecoveredTransaction], fork: Hardfork, faults: (any FaultHook)?,
         workers: Int = 1, dependencyGuard: DependencyGuard? = nil) {
        self.pre = pre; self.block = block; self.txs = txs; self.fork = fork; self.faults = faults
        self.workers = max(1, workers)
        scheduler = Scheduler(transactionCount: txs.count, workers: workers, dependencyGuard: dependencyGuard)
        mv = MVMemory(transactionCount: txs.count, faults: faults)
        processor = TransactionProcessor(fork: fork, block: block)
        let cb = pre.account(block.coinbase)
        lazyBeneficiary = fork >= .spuriousDragon && !(cb?.isEmpty ?? false)
        creditOnly = txs.map { BlockSTM.plainTransferRecipient($0, block: block, fork: fork) }
        results = PerTransaction(count: txs.count, initial: nil)
    }

    /// The recipient of `rtx` when it may be a plain value transfer whose credit is published
    /// as a balance delta: a call with value and no data, not EIP-7702, to an address that is
    /// neither the sender, the beneficiary nor a precompile. Whether the recipient has code is
    /// only known during execution (`MVStateReader.creditOnlyHeld`).
    static func plainTransferRecipient(_ rtx: RecoveredTransaction, block: BlockEnv, fork: Hardfork) -> Address? {
        let tx = rtx.transaction
        guard let to = tx.to, tx.data.isEmpty, tx.type != .setCode, !tx.value.isZero, to != rtx.sender,
              to != block.coinbase, !Precompiles.isPrecompile(to, fork: fork) else { return nil }
        return to
    }

    /// What one incarnation produced.
    struct ExecutionOutput: @unchecked Sendable {
        var incarnation: Int
        var applied: TransactionProcessor.Applied
        /// The transaction's changes, without the lazy credits.
        var diff: StateDiff
        /// Balance credits still owed, applied at commit in order: the beneficiary's fee (lazy
        /// mode, beneficiary not written by the tx) and a plain transfer's value.
        var credits: [(Address, UInt256)]
        var reads: [(Location, ReadOrigin)]
        var writes: [(Location, MVValue)]
    }

    enum Execution: @unchecked Sendable {
        case done(ExecutionOutput)
        case blocked(by: Int)
    }

    /// Runs one incarnation against multi-version memory without recording anything.
    func compute(_ v: Version) -> Execution {
        let recipient = creditOnly[v.tx]
        let reader = MVStateReader(tx: v.tx, mv: mv, pre: pre, codes: codes, creditOnly: recipient)
        let journal = JournaledState(base: reader, stopSignal: reader.stop)
        let rtx = txs[v.tx]
        let applied = processor.apply(rtx.transaction, sender: rtx.sender, state: journal, cumulativeGasBefore: 0,
                                      deferCoinbasePayment: lazyBeneficiary)
        if let b = reader.blockedBy { return .blocked(by: b) }
        var diff = applied.outcome.receipt == nil ? StateDiff() : journal.diff()

        var credits: [(Address, UInt256)] = []
        if let to = recipient, reader.creditOnlyHeld {
            // A plain transfer to an account without code: its only effect on `to` is the credit.
            if let d = diff.accounts[to], let a = d.account, !a.hasCode, d.storage.isEmpty, !d.storageCleared {
                diff.accounts[to] = nil
                credits.append((to, rtx.transaction.value))
            } else {
                reader.restoreCreditOnlyRead()
            }
        }
        var fee = faults.value(at: .deferredBeneficiaryFee, real: applied.deferredCoinbaseFee)
        let cb = block.coinbase
        if !fee.isZero, var d = diff.accounts[cb] {
            // The tx wrote the beneficiary itself: fold its own fee into that write.
            if var a = d.account { a.balance = a.balance &+ fee; d.account = a } else { d.account = Account(nonce: 0, balance: fee) }
            diff.accounts[cb] = d
            fee = .zero
        }
        if !fee.isZero { credits.append((cb, fee)) }
        var writes: [(Location, MVValue)] = []
        writes.reserveCapacity(diff.accounts.count * 2 + credits.count)
        for (a, d) in diff.accounts {
            // An account whose record is unchanged (only its storage was written) is not
            // written: otherwise every caller of a contract would conflict on its account.
            if reader.accountRead(a) != .some(d.account) { writes.append((.account(a), .account(d.account))) }
            if d.storageCleared || d.account == nil { writes.append((.storageClear(a), .storageCleared)) }
            for (k, value) in d.storage { writes.append((.storage(a, k), .storage(value))) }
            if let c = d.code { codes.put(c) }
        }
        for (a, amount) in credits { writes.append((.account(a), .balanceDelta(amount))) }
        return .done(ExecutionOutput(incarnation: v.incarnation, applied: applied, diff: diff, credits: credits,
                                     reads: reader.reads, writes: writes))
    }

    /// Records a computed incarnation (or registers its dependency) and asks for the next task.
    func commit(_ v: Version, _ e: Execution) -> SchedulerTask? {
        switch e {
        case .blocked(let by):
            if scheduler.addDependency(tx: v.tx, blocking: by) { return nil }
            return scheduler.isHalted ? nil : .execute(v)
        case .done(let out):
            results.withLock(v.tx) { $0 = out }
            let wroteNew = mv.record(v, reads: out.reads, writes: out.writes)
            return scheduler.finishExecution(v, wroteNewLocation: wroteNew)
        }
    }

    /// The read-set check (passed through the planted-fault hook when there is one).
    func readSetValid(_ tx: Int) -> Bool {
        let valid = mv.validateReadSet(tx, base: { MVStateReader.baseValue($0, pre: self.pre) })
        return faults.value(at: .readSetValidation, real: valid)
    }

    func validate(_ v: Version) -> SchedulerTask? {
        var linked = false
        let real = mv.validateReadSet(v.tx, linked: &linked, base: { MVStateReader.baseValue($0, pre: self.pre) })
        let valid = faults.value(at: .readSetValidation, real: real)
        let aborted = !valid && scheduler.tryValidationAbort(v)
        if aborted { mv.convertWritesToEstimates(v.tx) }
        return scheduler.finishValidation(v, aborted: aborted, validated: valid && v.tx > 0, linked: linked)
    }

    /// Runs a task to completion (threaded driver).
    func perform(_ t: SchedulerTask) -> SchedulerTask? {
        switch t {
        case .execute(let v): return commit(v, compute(v))
        case .validate(let v): return validate(v)
        }
    }

    /// Number of leading transactions whose recorded execution is final. When the scheduler
    /// finished normally that is every transaction (Block-STM's guarantee). After a halt,
    /// with no worker running, it is checked in order: transaction k is final when it is
    /// EXECUTED, its recorded output is of its current incarnation, and its read set still
    /// validates — by induction every value it read is then the serial one, so its output is.
    func finalPrefix() -> Int {
        guard scheduler.isHalted else { return txs.count }
        for k in 0..<txs.count {
            let (status, incarnation) = scheduler.state(of: k)
            guard status == .executed, results.withLock(k, { $0?.incarnation }) == incarnation, readSetValid(k) else {
                return k
            }
        }
        return txs.count
    }

    /// Builds the block result: the final prefix from the recorded executions, in order, then
    /// (after a halt) the remaining transactions executed in order on the same state, as
    /// `SerialExecutor` does. Returns the result and the number of transactions executed in
    /// order; nil when the block gas pool overflows (the caller re-runs serially).
    func assemble() -> (BlockResult, Int)? {
        let prefix = finalPrefix()
        var outcomes: [TxOutcome] = []
        outcomes.reserveCapacity(txs.count)
        // The prefix's diffs are only merged (in order); the merged diff is applied to a copy
        // of the pre-state once at the end. A credit needs the balance left by the diffs before
        // it: the merged diff's record of the account when there is one, else the pre-state's.
        var diff = StateDiff()
        var cumulative: UInt64 = 0
        var missing: [String] = []
        for i in 0..<prefix {
            guard let out = results.withLock(i, { $0 }) else { return nil }
            if let u = out.applied.unimplementedPrecompile, !missing.contains(u) { missing.append(u) }
            // The pool is checked before the nonce and the balance (TransactionProcessor step 2),
            // so a transaction speculation rejected for another reason may be one the serial
            // order rejects for the pool: any overflow, rejected or not, re-runs the block serially.
            let (pool, overflow) = cumulative.addingReportingOverflow(txs[i].transaction.gasLimit)
            if overflow || pool > block.gasLimit { return nil }
            guard var receipt = out.applied.outcome.receipt else {
                outcomes.append(out.applied.outcome)
                continue
            }
            cumulative += receipt.gasUsed
            receipt.cumulativeGasUsed = cumulative
            diff.merge(out.diff)
            // A credited account is never in the transaction's own diff (see `compute`), so
            // its credit is folded in after the diff.
            for (a, amount) in out.credits {
                var acct: Account
                let code: Bytecode?
                if let d = diff.accounts[a] {
                    acct = d.account ?? Account()
                    code = d.account == nil ? nil : d.code
                } else {
                    acct = pre.account(a) ?? Account()
                    code = acct.hasCode ? pre.code(hash: acct.codeHash) : nil
                }
                acct.balance = acct.balance &+ amount
                diff.merge(a, AccountDiff(account: acct, storage: [:], storageCleared: false, code: code))
            }
            outcomes.append(.executed(receipt))
        }
        let state = pre.copy()
        state.apply(diff)
        // The rest, in order (only after the dependency guard halted the scheduler).
        for i in prefix..<txs.count {
            let rtx = txs[i]
            let journal = JournaledState(base: state)
            let applied = processor.apply(rtx.transaction, sender: rtx.sender, state: journal, cumulativeGasBefore: cumulative)
            if let u = applied.unimplementedPrecompile, !missing.contains(u) { missing.append(u) }
            if let r = applied.outcome.receipt {
                cumulative = r.cumulativeGasUsed
                let txDiff = journal.diff()
                state.apply(txDiff)
                diff.merge(txDiff)
            }
            outcomes.append(applied.outcome)
        }
        let rootStart = DispatchTime.now().uptimeNanoseconds
        let root = BlockSTM.stateRoot(of: state, workers: workers)
        stateRootSeconds = Double(DispatchTime.now().uptimeNanoseconds - rootStart) / 1e9
        let result = BlockResult(outcomes: outcomes, diff: diff, stateRoot: root, unimplementedPrecompiles: missing)
        return (result, txs.count - prefix)
    }

    /// Frees one of `parts` parts of the run's memory (recorded executions and multi-version
    /// memory), so that the workers tear a finished run down side by side instead of the
    /// caller alone in `deinit`. Only after `assemble`.
    func release(part: Int, of parts: Int) {
        for tx in stride(from: part, to: txs.count, by: parts) { results.withLock(tx) { $0 = nil } }
        mv.release(part: part, of: parts)
    }

    /// Accounts with at least this many slots get their storage root built on all workers.
    static let parallelStorageRootMinimum = 256

    /// `state.stateRoot()`, computed on up to `workers` threads: each storage of at least
    /// `parallelStorageRootMinimum` slots is built on all workers (its root branch's subtries
    /// spread over them), then every other account's leaf (its small storage root included)
    /// with the accounts spread over the workers, then the account trie, again split below its
    /// root branch. `TrieBuilder` roots do not depend on the split, so the hash is the serial
    /// one; this shortens the sequential tail of a block.
    static func stateRoot(of state: InMemoryState, workers: Int) -> Bytes32 {
        guard workers > 1 else { return state.stateRoot() }
        let forEach: TrieBuilder.ForEach = { count, body in WorkerThreads.forEach(count: count, threads: workers, body) }
        let storage = state.storage
        let accounts = Array(state.accounts)
        /// Slot i is written by exactly one body and read after `forEach` returned.
        final class Leaves: @unchecked Sendable {
            let slots: UnsafeMutableBufferPointer<(key: Bytes32, value: [UInt8])>
            init(_ n: Int) { slots = .allocate(capacity: n); slots.initialize(repeating: (key: .zero, value: [])) }
            deinit { slots.deinitialize(); slots.deallocate() }
        }
        let leaves = Leaves(accounts.count)
        func leaf(_ i: Int, storageRoot: Bytes32) {
            leaves.slots[i] = (key: Keccak256.hash(accounts[i].key.bytes),
                               value: StateRoot.accountLeaf(accounts[i].value, storageRoot: storageRoot))
        }
        var big = Set<Int>()
        for (i, entry) in accounts.enumerated() {
            guard let slots = storage[entry.key], slots.count >= parallelStorageRootMinimum else { continue }
            big.insert(i)
            leaf(i, storageRoot: StateRoot.storageRoot(slots, concurrently: forEach))
        }
        forEach(accounts.count) { i in
            guard !big.contains(i) else { return }
            leaf(i, storageRoot: StateRoot.storageRoot(storage[accounts[i].key] ?? [:]))
        }
        return TrieBuilder.root(Array(leaves.slots), concurrently: forEach)
    }
}

extension FaultPoint where Value == Bool {
    /// `ParallelExecutor`: whether a transaction's read set still holds at validation.
    public static var readSetValidation: FaultPoint<Bool> { FaultPoint("ParallelExecutor.readSetValidation") }
    /// `MVMemory`: whether an ESTIMATE marker blocks a reader (asked once per block).
    public static var estimateBlocksReader: FaultPoint<Bool> { FaultPoint("MVMemory.estimateBlocksReader") }
}

extension FaultPoint where Value == UInt256 {
    /// `ParallelExecutor`: the deferred beneficiary fee a transaction publishes.
    public static var deferredBeneficiaryFee: FaultPoint<UInt256> { FaultPoint("ParallelExecutor.deferredBeneficiaryFee") }
}
