import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import EVMPrecompiles
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
        let first = postStateRoot.map { RLP.encode(bytes: $0.bytes) } ?? RLP.encode(UInt64(succeeded ? 1 : 0))
        let logItems = logs.map { l in
            RLP.encodeList([RLP.encode(bytes: l.address.bytes), RLP.encodeList(l.topics.map { RLP.encode(bytes: $0.bytes) }),
                            RLP.encode(bytes: l.data)])
        }
        let body = RLP.encodeList([first, RLP.encode(cumulativeGasUsed), RLP.encode(bytes: logsBloom), RLP.encodeList(logItems)])
        return type == .legacy ? body : [type.rawValue] + body
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

/// The system contracts and constants of the block-level operations.
public enum SystemContracts {
    /// Caller of every system call (EIP-4788 and later).
    public static let systemAddress = Address(hex: "0xfffffffffffffffffffffffffffffffffffffffe")!
    public static let beaconRoots = Address(hex: "0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02")!
    public static let historyStorage = Address(hex: "0x0000F90827F1C53a10cb7A02335B175320002935")!
    public static let withdrawalRequests = Address(hex: "0x00000961Ef480Eb55e80D19ad83579A64c007002")!
    public static let consolidationRequests = Address(hex: "0x0000BBdDc7CE488642fb579F8B00f3a590007251")!
    /// EIP-6110: deposits are read from this contract's `DepositEvent` logs.
    public static let depositContract = Address(hex: "0x00000000219ab540356cbb839cbe05303d7705fa")!
    public static let depositEventTopic = Bytes32(hex: "0x649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5")!
    public static let systemCallGas: Int64 = 30_000_000

    /// Block reward in wei before the Merge (5, 3 from Byzantium, 2 from Constantinople ether).
    public static func blockReward(fork: Hardfork) -> UInt256 {
        let ether = UInt256(1_000_000_000_000_000_000 as UInt64)
        if fork >= .paris { return .zero }
        if fork >= .constantinople { return ether &* UInt256(2) }
        if fork >= .byzantium { return ether &* UInt256(3) }
        return ether &* UInt256(5)
    }
}

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
        if fork >= .prague {
            guard env.number == 0 || env.blockHashes[env.number - 1] != nil else {
                throw T8nFailure(exitCode: T8nExit.missingBlockHash, "env: blockHashes needs the parent hash (block \(env.number &- 1)) for EIP-2935")
            }
            if env.number > 0, let parent = env.blockHashes[env.number - 1] {
                _ = systemCall(state, block: block, target: SystemContracts.historyStorage, data: parent.bytes)
            }
        }
        if fork >= .cancun {
            guard let root = env.parentBeaconBlockRoot else {
                throw T8nFailure(exitCode: T8nExit.config, "env: parentBeaconBlockRoot is required from Cancun")
            }
            _ = systemCall(state, block: block, target: SystemContracts.beaconRoots, data: root.bytes)
        }

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

        // 3. Mining reward (before the Merge): the beneficiary, plus 1/32 per ommer, and each ommer's.
        if fork < .paris, let reward {
            let journal = JournaledState(base: state)
            let perOmmer = UInt256.evmDiv(reward, UInt256(32))
            journal.addBalance(env.coinbase, reward &+ perOmmer &* UInt256(UInt64(env.ommers.count)))
            for o in env.ommers where o.delta < 8 {
                journal.addBalance(o.address, UInt256.evmDiv(UInt256(8 - o.delta) &* reward, UInt256(8)))
            }
            journal.finalize(clearEmpty: fork >= .spuriousDragon)
            state.apply(journal.diff())
        }

        // 4. Withdrawals (Shanghai+): amount in Gwei; a zero credit to a missing account creates nothing.
        if fork >= .shanghai && !env.withdrawals.isEmpty {
            let journal = JournaledState(base: state)
            for w in env.withdrawals {
                journal.addBalance(w.address, UInt256(w.amount) &* UInt256(1_000_000_000 as UInt64))
            }
            journal.finalize(clearEmpty: true)
            state.apply(journal.diff())
        }

        // 5. Requests (Prague+).
        var requests: [[UInt8]]? = nil
        if fork >= .prague {
            var list: [[UInt8]] = []
            var deposits: [UInt8] = []
            for log in allLogs where log.address == SystemContracts.depositContract
                && log.topics.first == SystemContracts.depositEventTopic {
                deposits += try Transition.depositRequest(log.data)
            }
            if !deposits.isEmpty { list.append([0x00] + deposits) }
            for (type, target) in [(UInt8(0x01), SystemContracts.withdrawalRequests), (0x02, SystemContracts.consolidationRequests)] {
                guard let out = systemCall(state, block: block, target: target, data: []) else {
                    throw T8nFailure(exitCode: T8nExit.evm, "invalid block: system contract \(target) has no code (EIP-7002/7251)")
                }
                guard out.status == .success else {
                    throw T8nFailure(exitCode: T8nExit.evm, "invalid block: system call to \(target) failed: \(out.status)")
                }
                if !out.output.isEmpty { list.append([type] + out.output) }
            }
            requests = list
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
            r.requestsHash = Bytes32(bytes: SHA256.hash(requests.flatMap { SHA256.hash($0) }))
        }
        let body = RLP.encodeList(signed.map { tx in tx.type == .legacy ? tx.encoded() : RLP.encode(bytes: tx.encoded()) })
        return T8nOutput(result: r, postState: state, body: body, executedHashes: executed)
    }

    /// Runs a system call from `SystemContracts.systemAddress` (30M gas, no value, not charged)
    /// and applies its effects; nil when the target has no code (nothing runs).
    func systemCall(_ state: InMemoryState, block: BlockEnv, target: Address, data: [UInt8]) -> CallResult? {
        guard let acct = state.account(target), acct.hasCode else { return nil }
        let journal = JournaledState(base: state)
        let evm = EVM(state: journal, block: block,
                      tx: TxEnv(origin: SystemContracts.systemAddress, gasPrice: block.baseFee, blobHashes: [],
                                blobBaseFee: TransactionProcessor(fork: fork, block: block).blobBaseFee),
                      fork: fork)
        // A call frame that moves no value and touches no account (a delegate-call frame whose
        // code is the target's own): the system address is neither created nor touched.
        let message = Message(kind: .delegateCall, depth: 0, gas: SystemContracts.systemCallGas, recipient: target,
                              sender: SystemContracts.systemAddress, codeAddress: target, value: .zero, input: data)
        let out = evm.call(message)
        journal.finalize(clearEmpty: fork <= .cancun)
        state.apply(journal.diff())
        return out
    }

    /// EIP-6110: the request bytes of one `DepositEvent` log (pubkey ‖ withdrawal credentials ‖
    /// amount ‖ signature ‖ index), after checking the ABI layout the deposit contract emits:
    /// 576 bytes, offsets 160/256/320/384/512 and sizes 48/32/8/96/8.
    public static func depositRequest(_ data: [UInt8]) throws(T8nFailure) -> [UInt8] {
        guard data.count == 576 else { throw T8nFailure(exitCode: T8nExit.evm, "invalid block: deposit log of \(data.count) bytes (576 expected)") }
        func word(_ at: Int) -> UInt256 { UInt256(bigEndian: data[at..<(at + 32)]) }
        var out: [UInt8] = []
        for (slot, (offset, size)) in [(160, 48), (256, 32), (320, 8), (384, 96), (512, 8)].enumerated() {
            guard word(slot * 32) == UInt256(UInt64(offset)), word(offset) == UInt256(UInt64(size)) else {
                throw T8nFailure(exitCode: T8nExit.evm, "invalid block: malformed deposit log (field \(slot))")
            }
            out += data[(offset + 32)..<(offset + 32 + size)]
        }
        return out
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
