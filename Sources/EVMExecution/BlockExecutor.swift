import EVMCore
import EVMState
import EVMInterpreter

/// The result of executing a block: the thing serial and parallel execution must agree on,
/// field by field.
public struct BlockResult: Sendable {
    /// One outcome per input transaction, in block order.
    public var outcomes: [TxOutcome]
    /// Everything the block changed relative to the pre-state.
    public var diff: StateDiff
    /// State root after the block.
    public var stateRoot: Bytes32
    /// Names of precompiles the block called that this build does not implement (results
    /// involving them are not trustworthy).
    public var unimplementedPrecompiles: [String]

    public init(outcomes: [TxOutcome], diff: StateDiff, stateRoot: Bytes32, unimplementedPrecompiles: [String] = []) {
        self.outcomes = outcomes; self.diff = diff; self.stateRoot = stateRoot
        self.unimplementedPrecompiles = unimplementedPrecompiles
    }

    public var receipts: [Receipt] { outcomes.compactMap(\.receipt) }
    public var gasUsed: UInt64 { receipts.last?.cumulativeGasUsed ?? 0 }
}

/// (pre-state, block env, transactions) → `BlockResult`. Invalid transactions are rejected with
/// a reason and skipped (the sequencer and the state tests both want that, rather than an
/// invalid block). Implementations must not mutate `preState`.
public protocol BlockExecutor {
    func execute(preState: InMemoryState, block: BlockEnv, transactions: [RecoveredTransaction], fork: Hardfork) -> BlockResult
}

/// The oracle: one transaction after another, each on a fresh journal over the state left by
/// the previous one. Deliberately plain.
public struct SerialExecutor: BlockExecutor {
    public var tracer: (any Tracer)?
    /// Per-transaction tracer (index in `transactions`, the transaction); overrides `tracer`
    /// for that transaction when it returns one. Used for one trace file per transaction.
    public var tracerForTransaction: ((Int, RecoveredTransaction) -> (any Tracer)?)?
    /// Called after each executed (not rejected) transaction with its index and the state after it
    /// (pre-Byzantium receipts carry that state's root).
    public var afterTransaction: ((Int, InMemoryState) -> Void)?
    /// Enforce the block's blob gas limit (`BlobGas.maxPerBlock`): a blob transaction that would
    /// exceed it is rejected with `blobGasAllowanceExceeded`. Off for state tests (one tx each).
    public var enforceBlobGasLimit: Bool

    public init(tracer: (any Tracer)? = nil, enforceBlobGasLimit: Bool = false) {
        self.tracer = tracer; self.enforceBlobGasLimit = enforceBlobGasLimit
    }

    public func execute(preState: InMemoryState, block: BlockEnv, transactions: [RecoveredTransaction], fork: Hardfork) -> BlockResult {
        let state = preState.copy()
        let processor = TransactionProcessor(fork: fork, block: block)
        var outcomes: [TxOutcome] = []
        var diff = StateDiff()
        var cumulative: UInt64 = 0
        var blobGas: UInt64 = 0
        var missing: [String] = []
        for (index, rtx) in transactions.enumerated() {
            if enforceBlobGasLimit && rtx.transaction.type == .blob
                && blobGas &+ rtx.transaction.blobGas > BlobGas.maxPerBlock(fork: fork) {
                outcomes.append(.rejected(.blobGasAllowanceExceeded))
                continue
            }
            let journal = JournaledState(base: state)
            let applied = processor.apply(rtx.transaction, sender: rtx.sender, state: journal,
                                          cumulativeGasBefore: cumulative,
                                          tracer: tracerForTransaction?(index, rtx) ?? tracer)
            let (outcome, unimplemented) = (applied.outcome, applied.unimplementedPrecompile)
            if let u = unimplemented, !missing.contains(u) { missing.append(u) }
            if let r = outcome.receipt {
                cumulative = r.cumulativeGasUsed
                blobGas &+= r.blobGasUsed
                let txDiff = journal.diff()
                state.apply(txDiff)
                diff.merge(txDiff)
                afterTransaction?(index, state)
            }
            outcomes.append(outcome)
        }
        return BlockResult(outcomes: outcomes, diff: diff, stateRoot: state.stateRoot(), unimplementedPrecompiles: missing)
    }
}

extension InMemoryState {
    /// The Merkle-Patricia state root of this state.
    public func stateRoot() -> Bytes32 {
        StateRoot.compute(accounts.map { (address: $0.key, account: $0.value, storage: storage[$0.key] ?? [:]) })
    }
}
