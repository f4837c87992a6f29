import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import EVMPrecompiles
import EVMChain
import Foundation

/// One receipt as `result.json` reports it.
public struct T8nReceipt: Sendable, Equatable {
    public var type: TxType
    /// Pre-Byzantium: the state root after the transaction (instead of a status).
    public var postStateRoot: Bytes32?
    public var succeeded: Bool
    public var cumulativeGasUsed: UInt64
    public var gasUsed: UInt64
    public var logsBloom: [UInt8]
    public var logs: [Log]
    public var transactionHash: Bytes32
    public var contractAddress: Address?
    public var transactionIndex: Int
    public var blobGasUsed: UInt64

    /// The receipts-trie value: `rlp([status|root, cumulativeGas, bloom, logs])`, prefixed
    /// with the type byte for typed transactions (EIP-2718).
    public var encoded: [UInt8] {
        ReceiptEncoding.encode(type: type, postStateRoot: postStateRoot, succeeded: succeeded, cumulativeGasUsed: cumulativeGasUsed,
                               logsBloom: logsBloom, logs: logs)
    }
}

public struct T8nRejection: Sendable, Equatable {
    /// Index in the input transaction list.
    public var index: Int
    public var error: String
    public init(index: Int, error: String) { self.index = index; self.error = error }
}

/// `result.json`. Optional fields are absent before the fork that introduced them.
public struct T8nResult: Sendable, Equatable {
    public var stateRoot: Bytes32
    public var txRoot: Bytes32
    public var receiptsRoot: Bytes32
    public var logsHash: Bytes32
    public var logsBloom: [UInt8]
    public var receipts: [T8nReceipt]
    public var rejected: [T8nRejection]
    public var gasUsed: UInt64
    public var currentDifficulty: UInt256?
    public var currentBaseFee: UInt256?
    public var withdrawalsRoot: Bytes32?
    public var currentExcessBlobGas: UInt64?
    public var blobGasUsed: UInt64?
    /// EIP-7685 (Prague+): each request is its type byte followed by its data.
    public var requests: [[UInt8]]?
    public var requestsHash: Bytes32?
}

/// What a transition produced: the result, the post-state (`alloc.json`) and the block body.
public struct T8nOutput {
    public var result: T8nResult
    public var postState: InMemoryState
    /// `rlp([tx…])` of every transaction that parsed and was signed (included or rejected).
    public var body: [UInt8]
    /// Per input index, the hash of each executed transaction (for trace file names).
    public var executedHashes: [(index: Int, hash: Bytes32)]
}

/// Why a block cannot be built at all (as opposed to a rejected transaction).
public struct T8nFailure: Error, Sendable, CustomStringConvertible {
    public var exitCode: Int32
    public var message: String
    public init(exitCode: Int32, _ message: String) { self.exitCode = exitCode; self.message = message }
    public var description: String { message }
}

/// The system contracts (moved to `EVMChain`; the alias keeps `T8n.SystemContracts` for its users).
public typealias SystemContracts = EVMChain.SystemContracts

/// Applies a block of transactions to a pre-state the way a transition tool does: the
/// pre-block system calls (EIP-2935 parent hash from Prague, EIP-4788 beacon root from Cancun),
/// the transactions through a `BlockExecutor` (invalid ones are rejected, not fatal), the mining
/// reward before the Merge, withdrawals (Shanghai+), and from Prague the EIP-7685 requests
/// (EIP-6110 deposits from logs, the EIP-7002 and EIP-7251 system calls).
///
/// Edge cases: a system contract without code is skipped for EIP-2935/4788 and makes the block
/// invalid for EIP-7002/7251 (`T8nFailure`, exit 2), as does a failing request system call or a
/// malformed deposit log. Pre-Byzantium receipts carry intermediate state roots, so those forks
/// always run serially.
public struct Transition {
    public var fork: Hardfork
    public var chainId: UInt256
    /// Mining reward in wei before the Merge; nil = none (`--state.reward -1`).
    public var reward: UInt256?
    /// Parallel executor (nil = the serial reference).
    public var executor: (any BlockExecutor)?
    /// Per executed transaction (input index, hash): a tracer, e.g. one JSONL file each.
    public var tracerFactory: ((Int, Bytes32) -> (any Tracer)?)?

    public init(fork: Hardfork, chainId: UInt256 = 1, reward: UInt256? = .zero, executor: (any BlockExecutor)? = nil) {
        self.fork = fork; self.chainId = chainId; self.reward = reward; self.executor = executor
    }

    /// Signs keyed JSON entries and recovers senders. Returns the executable transactions with
    /// their input indices, the rejections, and every signed transaction (for the body).
    public func prepare(_ txs: T8nTransactions) -> (ready: [(index: Int, tx: RecoveredTransaction)], rejected: [T8nRejection], signed: [Transaction]) {
        var ready: [(Int, RecoveredTransaction)] = []
        var rejected: [T8nRejection] = []
        var signed: [Transaction] = []
        func admit(_ i: Int, _ tx: Transaction) {
            signed.append(tx)
            do throws(TransactionError) {
                ready.append((i, try tx.recover(fork: fork, chainId: chainId)))
            } catch {
                rejected.append(T8nRejection(index: i, error: "\(error)"))
            }
        }
        switch txs {
        case .json(let entries):
            for (i, e) in entries.enumerated() {
                switch e {
                case .failure(let err): rejected.append(T8nRejection(index: i, error: "could not parse transaction: \(err)"))
                case .success(var entry):
                    let tx = entry.transaction
                    if let key = entry.secretKey, tx.v.isZero, tx.r.isZero, tx.s.isZero {
                        let id: UInt256? = tx.type == .legacy ? (entry.protected && fork >= .spuriousDragon ? chainId : nil) : (tx.chainId ?? chainId)
                        guard entry.transaction.sign(privateKey: key, chainId: id) else {
                            rejected.append(T8nRejection(index: i, error: "could not sign transaction: invalid secretKey"))
                            continue
                        }
                    }
                    admit(i, entry.transaction)
                }
            }
        case .rlp(let decoded):
            for (i, d) in decoded.enumerated() {
                switch d {
                case .failure(let err): rejected.append(T8nRejection(index: i, error: "could not decode transaction: \(err)"))
                case .success(let tx): admit(i, tx)
                }
            }
        }
        return (ready, rejected, signed)
    }

    public func apply(alloc: InMemoryState, env: T8nEnv, txs: T8nTransactions) throws(T8nFailure) -> T8nOutput {
        let state = alloc.copy()
        for (n, h) in env.blockHashes { state.blockHashes[n] = h }
        // BLOCKHASH of an ancestor in range whose hash env.json does not give: the block
        // cannot be built (geth's exit 4), rather than silently reading zero.
        let missingHashes = MissingBlockHashes()
        state.blockHashFallback = { n in missingHashes.record(n); return .zero }
        if fork >= .london && env.resolvedBaseFee(fork: fork) == nil {
            throw T8nFailure(exitCode: T8nExit.config, "env: currentBaseFee (or parentBaseFee, parentGasUsed, parentGasLimit) is required from London")
        }
        if fork >= .paris && env.random == nil {
            throw T8nFailure(exitCode: T8nExit.config, "env: currentRandom is required from Paris")
        }
        if fork < .paris && env.difficulty == nil {
            throw T8nFailure(exitCode: T8nExit.config, "env: currentDifficulty is required before Paris")
        }
        let block = env.blockEnv(fork: fork, chainId: chainId)

        // 1. Pre-block system calls.
        let ops = SystemOperations(fork: fork, block: block)
        // As geth's t8n: from Cancun the beacon root is required (exit 3); from Prague the
        // EIP-2935 call runs only when env.json has `blockHashes`, with the parent's entry or,
        // when that entry is missing, the zero hash (not an error).
        if fork >= .cancun && env.parentBeaconBlockRoot == nil {
            throw T8nFailure(exitCode: T8nExit.config, "env: parentBeaconBlockRoot is required from Cancun")
        }
        let hasHashes = env.blockHashesGiven || !env.blockHashes.isEmpty
        ops.applyPreBlock(state, parentHash: env.number > 0 && hasHashes ? env.blockHashes[env.number - 1] ?? .zero : nil,
                          parentBeaconBlockRoot: env.parentBeaconBlockRoot)

        // 2. Transactions.
        let (ready, rejectedBefore, signed) = prepare(txs)
        var rejected = rejectedBefore
        let recovered = ready.map(\.tx)
        var intermediateRoots: [Int: Bytes32] = [:]
        var result: BlockResult
        let blobLimit = BlobGas.maxPerBlock(fork: fork)
        func serial() -> BlockResult {
            var serial = SerialExecutor(enforceBlobGasLimit: fork >= .cancun)
            if let factory = tracerFactory {
                serial.tracerForTransaction = { i, rtx in factory(ready[i].index, rtx.transaction.hash) }
            }
            if fork < .byzantium { serial.afterTransaction = { i, s in intermediateRoots[i] = s.stateRoot() } }
            return serial.execute(preState: state, block: block, transactions: recovered, fork: fork)
        }
        if let executor, fork >= .byzantium, tracerFactory == nil {
            result = executor.execute(preState: state, block: block, transactions: recovered, fork: fork)
            // The parallel executor does not enforce the block's blob limit; a block that
            // reaches it is re-run serially (which does). Below the limit the two agree.
            if result.receipts.reduce(UInt64(0), { $0 &+ $1.blobGasUsed }) > blobLimit { result = serial() }
            // A speculative (later aborted) execution may have asked for a hash the committed
            // one never needs: only the serial run decides exit 4.
            else if missingHashes.first != nil { missingHashes.reset(); result = serial() }
        } else {
            result = serial()
        }
        state.apply(result.diff)
        if let n = missingHashes.first {
            throw T8nFailure(exitCode: T8nExit.missingBlockHash, "getHash(\(n)) invoked, blockhash for that block not provided (env.json blockHashes)")
        }

        var receipts: [T8nReceipt] = []
        var allLogs: [Log] = []
        var executed: [(Int, Bytes32)] = []
        var blobGasUsed: UInt64 = 0
        for (k, outcome) in result.outcomes.enumerated() {
            let index = ready[k].index
            switch outcome {
            case .rejected(let e): rejected.append(T8nRejection(index: index, error: "\(e)"))
            case .executed(let r):
                let hash = ready[k].tx.transaction.hash
                executed.append((index, hash))
                let logTuples = r.logs.map { (address: $0.address, topics: $0.topics, data: $0.data) }
                receipts.append(T8nReceipt(type: r.type, postStateRoot: fork < .byzantium ? intermediateRoots[k] : nil,
                                           succeeded: r.success, cumulativeGasUsed: r.cumulativeGasUsed, gasUsed: r.gasUsed,
                                           logsBloom: LogsBloom.compute(logTuples), logs: r.logs, transactionHash: hash,
                                           contractAddress: r.contractAddress, transactionIndex: receipts.count,
                                           blobGasUsed: r.blobGasUsed))
                allLogs += r.logs
                blobGasUsed &+= r.blobGasUsed
            }
        }
        rejected.sort { $0.index < $1.index }

        // 3. Mining reward (before the Merge), 4. withdrawals (Shanghai+), 5. requests (Prague+).
        if let reward { ops.applyReward(state, reward: reward, ommers: env.ommers) }
        ops.applyWithdrawals(state, env.withdrawals)
        let requests: [[UInt8]]?
        do throws(SystemOperationError) {
            requests = try ops.applyRequests(state, logs: allLogs)
        } catch {
            throw T8nFailure(exitCode: T8nExit.evm, "invalid block: \(error)")
        }

        let bloom = LogsBloom.compute(allLogs.map { (address: $0.address, topics: $0.topics, data: $0.data) })
        var r = T8nResult(stateRoot: state.stateRoot(),
                          txRoot: Trie.orderedRoot(recovered.enumerated().compactMap { k, rtx in
                              result.outcomes[k].receipt == nil ? nil : rtx.transaction.encoded() }),
                          receiptsRoot: Trie.orderedRoot(receipts.map(\.encoded)),
                          logsHash: LogsHash.compute(allLogs.map { (address: $0.address, topics: $0.topics, data: $0.data) }),
                          logsBloom: bloom, receipts: receipts, rejected: rejected,
                          gasUsed: receipts.last?.cumulativeGasUsed ?? 0)
        r.currentDifficulty = fork < .paris ? env.difficulty : nil
        r.currentBaseFee = fork >= .london ? block.baseFee : nil
        if fork >= .shanghai { r.withdrawalsRoot = Trie.orderedRoot(env.withdrawals.map(\.rlp)) }
        if fork >= .cancun {
            r.currentExcessBlobGas = block.excessBlobGas ?? 0
            r.blobGasUsed = blobGasUsed
        }
        if let requests {
            r.requests = requests
            r.requestsHash = SystemOperations.requestsHash(requests)
        }
        let body = RLP.encodeList(signed.map { tx in tx.type == .legacy ? tx.encoded() : RLP.encode(bytes: tx.encoded()) })
        return T8nOutput(result: r, postState: state, body: body, executedHashes: executed)
    }
}

/// The block numbers BLOCKHASH asked for that env.json did not give (thread-safe: the parallel
/// executor's workers read block hashes concurrently).
final class MissingBlockHashes: @unchecked Sendable {
    private let lock = NSLock()
    private var numbers: [UInt64] = []
    func record(_ n: UInt64) { lock.lock(); numbers.append(n); lock.unlock() }
    func reset() { lock.lock(); numbers.removeAll(); lock.unlock() }
    /// The lowest missing number, if any.
    var first: UInt64? { lock.lock(); defer { lock.unlock() }; return numbers.min() }
}
