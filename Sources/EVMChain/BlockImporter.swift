import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution

/// What a block's transactions ran on: the state after the pre-block system calls, the block
/// environment and the recovered transactions. Running any `BlockExecutor` on it reproduces the
/// block's transaction phase (e.g. `lockstep run` compares serial and parallel on it).
public struct ExecutionInput {
    public var pre: InMemoryState
    public var block: BlockEnv
    public var transactions: [RecoveredTransaction]
    public var fork: Hardfork
}

/// A block that passed every check, with its post-state.
public struct ImportedBlock {
    public var header: BlockHeader
    public var hash: Bytes32
    /// The state after the block (transactions, withdrawals, requests).
    public var state: InMemoryState
    /// The transaction phase's result as the executor returned it.
    public var result: BlockResult
    /// Kept only when `BlockImporter.keepExecutionInput` is set.
    public var input: ExecutionInput?
}

/// Validates and executes one block on top of its parent: the header rules against the parent
/// (`HeaderValidation`), the body against the header (uncles, ommers hash, blob gas), sender
/// recovery, the pre-block system calls, the transactions through `executor` (any rejected
/// transaction rejects the block), withdrawals and requests, and finally gas used, transactions
/// root, withdrawals root, receipts root, logs bloom, requests hash and state root against the
/// header.
///
/// Forks: Paris and later (proof of stake). Earlier forks would need the difficulty formula,
/// the proof-of-work seal, uncle validity and the mining reward, which are not implemented, so
/// their blocks are rejected with `forkNotSupported` rather than half-checked.
///
/// The executor is the only pluggable part: the serial reference or the parallel executor give
/// the same `ImportedBlock` for the same input, which is what the blockchain tests check.
/// The parent's state is never modified.
public struct BlockImporter {
    public var fork: Hardfork
    public var chainId: UInt256
    public var executor: any BlockExecutor
    /// Keep the `ExecutionInput` of every imported block (costs one state copy per block).
    public var keepExecutionInput: Bool

    public init(fork: Hardfork, chainId: UInt256 = 1, executor: any BlockExecutor = SerialExecutor(), keepExecutionInput: Bool = false) {
        self.fork = fork; self.chainId = chainId; self.executor = executor; self.keepExecutionInput = keepExecutionInput
    }

    /// Decodes `rlp` and imports it (see `execute`).
    public func execute(rlp: [UInt8], parent: BlockHeader, parentState: InMemoryState,
                        ancestorHashes: [UInt64: Bytes32]) throws(BlockRejection) -> ImportedBlock {
        let block: Block
        do throws(BlockDecodingError) { block = try Block.decode(rlp, fork: fork) } catch { throw .malformed(error) }
        return try execute(block, parent: parent, parentState: parentState, ancestorHashes: ancestorHashes)
    }

    /// Validates and executes `block` whose parent is `parent` with post-state `parentState`.
    /// `ancestorHashes` answers BLOCKHASH (number → hash, the parent's included).
    public func execute(_ block: Block, parent: BlockHeader, parentState: InMemoryState,
                        ancestorHashes: [UInt64: Bytes32]) throws(BlockRejection) -> ImportedBlock {
        let h = block.header
        guard fork >= .paris else { throw .forkNotSupported(fork) }
        try HeaderValidation.validate(h, parent: parent, fork: fork)
        try validateBody(block)

        var recovered: [RecoveredTransaction] = []
        recovered.reserveCapacity(block.transactions.count)
        for (i, tx) in block.transactions.enumerated() {
            do throws(TransactionError) { recovered.append(try tx.recover(fork: fork, chainId: chainId)) } catch {
                throw .invalidTransaction(index: i, error)
            }
        }

        let env = BlockEnv(coinbase: h.coinbase, number: h.number, timestamp: h.timestamp, gasLimit: h.gasLimit,
                           difficulty: h.difficulty, prevRandao: h.mixHash.word, baseFee: h.baseFee ?? .zero,
                           excessBlobGas: fork >= .cancun ? h.excessBlobGas : nil, chainId: chainId)
        let ops = SystemOperations(fork: fork, block: env)
        let state = parentState.copy()
        state.blockHashes = ancestorHashes
        state.blockHashFallback = nil
        ops.applyPreBlock(state, parentHash: h.parentHash, parentBeaconBlockRoot: h.parentBeaconBlockRoot)

        let result = executor.execute(preState: state, block: env, transactions: recovered, fork: fork)
        for (i, outcome) in result.outcomes.enumerated() {
            if case .rejected(let e) = outcome { throw .invalidTransaction(index: i, e) }
        }
        let input = keepExecutionInput ? ExecutionInput(pre: state.copy(), block: env, transactions: recovered, fork: fork) : nil
        state.apply(result.diff)

        if let withdrawals = block.withdrawals { ops.applyWithdrawals(state, withdrawals) }
        let receipts = result.receipts
        let logs = receipts.flatMap(\.logs)
        let requests: [[UInt8]]?
        do throws(SystemOperationError) { requests = try ops.applyRequests(state, logs: logs) } catch { throw .systemOperation(error) }

        // The roots of the body come after execution (as in the execution specs), so a block
        // whose header was built without an invalid transaction is named by that transaction.
        if result.gasUsed != h.gasUsed { throw .invalidGasUsed(expected: result.gasUsed, actual: h.gasUsed) }
        let txRoot = block.transactionsRoot
        if txRoot != h.transactionsRoot { throw .invalidTransactionsRoot(expected: txRoot, actual: h.transactionsRoot) }
        if fork >= .shanghai, let root = block.withdrawalsRoot, root != h.withdrawalsRoot {
            throw .invalidWithdrawalsRoot(expected: root, actual: h.withdrawalsRoot)
        }
        let receiptsRoot = Trie.orderedRoot(receipts.map { ReceiptEncoding.encode($0) })
        if receiptsRoot != h.receiptsRoot { throw .invalidReceiptsRoot(expected: receiptsRoot, actual: h.receiptsRoot) }
        if ReceiptEncoding.bloom(logs) != h.logsBloom { throw .invalidLogsBloom }
        if let requests {
            let expected = SystemOperations.requestsHash(requests)
            if h.requestsHash != expected { throw .invalidRequestsHash(expected: expected, actual: h.requestsHash) }
        }
        let root = state.stateRoot()
        if root != h.stateRoot { throw .invalidStateRoot(expected: root, actual: h.stateRoot) }
        return ImportedBlock(header: h, hash: h.hash, state: state, result: result, input: input)
    }

    /// The body against the header before execution: uncles (none after the Merge), ommers hash,
    /// and the EIP-4844 blob gas total and its maximum (checked up front so that no executor
    /// needs to enforce the per-block blob limit).
    func validateBody(_ block: Block) throws(BlockRejection) {
        let h = block.header
        if fork >= .paris && !block.uncles.isEmpty { throw .unclesAfterMerge(count: block.uncles.count) }
        let ommers = block.ommersHash
        if ommers != h.ommersHash { throw .invalidOmmersHash(expected: ommers, actual: h.ommersHash) }
        if fork >= .cancun {
            var blobGas: UInt64 = 0
            for tx in block.transactions where tx.type == .blob { blobGas = blobGas &+ tx.blobGas }
            let limit = BlobGas.maxPerBlock(fork: fork)
            if blobGas > limit { throw .blobGasAboveLimit(used: blobGas, limit: limit) }
            if h.blobGasUsed != blobGas { throw .invalidBlobGasUsed(expected: blobGas, actual: h.blobGasUsed) }
        }
    }
}

/// Why a chain cannot start from a genesis block.
public enum ChainError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The genesis header's state root is not the root of the given state.
    case genesisStateRoot(header: Bytes32, computed: Bytes32)

    public var description: String {
        switch self {
        case .genesisStateRoot(let h, let c): return "genesis header state root \(h) but the pre-state's root is \(c)"
        }
    }
}

/// A block tree rooted at a genesis block: every imported block is kept with its post-state, so
/// blocks may extend any known block (side chains included).
///
/// Fork choice: the head is the most recently imported valid block, as for a post-Merge client
/// that receives `forkchoiceUpdated` for each new payload (what the blockchain tests' `lastblockhash`
/// expects). A rejected block changes nothing. BLOCKHASH in a block answers from that block's
/// own branch (its parent and up to 255 further ancestors), so side chains see their own history.
public final class Chain {
    public struct Entry {
        public var header: BlockHeader
        public var state: InMemoryState
    }

    public var importer: BlockImporter
    public private(set) var blocks: [Bytes32: Entry] = [:]
    public private(set) var head: Bytes32
    public let genesisHash: Bytes32

    public init(genesis: BlockHeader, state: InMemoryState, importer: BlockImporter) throws(ChainError) {
        let root = state.stateRoot()
        guard root == genesis.stateRoot else { throw .genesisStateRoot(header: genesis.stateRoot, computed: root) }
        self.importer = importer
        genesisHash = genesis.hash
        head = genesisHash
        blocks[genesisHash] = Entry(header: genesis, state: state.copy())
    }

    public var headEntry: Entry { blocks[head]! }

    /// Decodes and imports one block; on success it becomes the head.
    @discardableResult
    public func importBlock(rlp: [UInt8]) throws(BlockRejection) -> ImportedBlock {
        let block: Block
        do throws(BlockDecodingError) { block = try Block.decode(rlp, fork: importer.fork) } catch { throw .malformed(error) }
        return try importBlock(block)
    }

    @discardableResult
    public func importBlock(_ block: Block) throws(BlockRejection) -> ImportedBlock {
        let parentHash = block.header.parentHash
        if parentHash == .zero { throw .unknownParentZero }
        guard let parent = blocks[parentHash] else { throw .unknownParent(parentHash) }
        let imported = try importer.execute(block, parent: parent.header, parentState: parent.state,
                                            ancestorHashes: ancestorHashes(from: parentHash))
        blocks[imported.hash] = Entry(header: imported.header, state: imported.state)
        head = imported.hash
        return imported
    }

    /// Hashes of `hash` and its ancestors, up to 256 of them (what BLOCKHASH can reach).
    public func ancestorHashes(from hash: Bytes32) -> [UInt64: Bytes32] {
        var out: [UInt64: Bytes32] = [:]
        var cursor: Bytes32? = hash
        while let h = cursor, out.count < 256, let entry = blocks[h] {
            out[entry.header.number] = h
            cursor = entry.header.number == 0 ? nil : entry.header.parentHash
        }
        return out
    }
}

/// Runs a candidate executor and the serial reference on every block and records the first
/// field where they differ (`ResultComparison`); returns the candidate's result, so the block is
/// judged on what the candidate computed.
public final class DifferentialExecutor: BlockExecutor {
    public let candidate: any BlockExecutor
    public let reference: any BlockExecutor
    /// (block number, first difference) for every block where the two disagreed.
    public private(set) var differences: [(number: UInt64, difference: ResultDifference)] = []

    public init(candidate: any BlockExecutor, reference: any BlockExecutor = SerialExecutor(enforceBlobGasLimit: true)) {
        self.candidate = candidate; self.reference = reference
    }

    public func execute(preState: InMemoryState, block: BlockEnv, transactions: [RecoveredTransaction], fork: Hardfork) -> BlockResult {
        let expected = reference.execute(preState: preState, block: block, transactions: transactions, fork: fork)
        let actual = candidate.execute(preState: preState, block: block, transactions: transactions, fork: fork)
        if let d = ResultComparison.firstDifference(expected: expected, actual: actual) {
            differences.append((block.number, d))
        }
        return actual
    }
}
