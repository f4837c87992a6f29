import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import EVMPrecompiles

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

/// Why a block-level operation makes the block invalid (EIP-6110/7002/7251 requests).
public enum SystemOperationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A request system contract (EIP-7002/7251) has no code.
    case systemContractMissing(Address)
    /// A request system call did not succeed.
    case systemCallFailed(Address, String)
    /// A deposit-contract log is not the 576-byte `DepositEvent` layout.
    case depositLogSize(Int)
    /// A deposit log's ABI offsets or sizes are not the ones the contract emits (field index).
    case malformedDepositLog(field: Int)

    public var description: String {
        switch self {
        case .systemContractMissing(let a): return "system contract \(a) has no code (EIP-7002/7251)"
        case .systemCallFailed(let a, let s): return "system call to \(a) failed: \(s)"
        case .depositLogSize(let n): return "deposit log of \(n) bytes (576 expected)"
        case .malformedDepositLog(let f): return "malformed deposit log (field \(f))"
        }
    }
}

/// The block-level operations around a block's transactions, shared by the transition tool
/// (`T8n.Transition`) and the block importer: the pre-block system calls (EIP-2935 parent hash
/// from Prague, EIP-4788 beacon root from Cancun), the mining reward before the Merge, EIP-4895
/// withdrawals (Shanghai+) and the EIP-7685 requests (Prague+).
///
/// Every operation applies its effects to `state` directly. A system call to a contract without
/// code does nothing (EIP-2935/4788); for the request contracts (EIP-7002/7251) it is an error.
public struct SystemOperations {
    public var fork: Hardfork
    public var block: BlockEnv

    public init(fork: Hardfork, block: BlockEnv) { self.fork = fork; self.block = block }

    /// Runs a system call from `SystemContracts.systemAddress` (30M gas, no value, not charged)
    /// and applies its effects; nil when the target has no code (nothing runs).
    public func systemCall(_ state: InMemoryState, target: Address, data: [UInt8]) -> CallResult? {
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

    /// The system calls before the first transaction: from Prague the parent hash into the
    /// EIP-2935 history contract (skipped for block 0 or when `parentHash` is nil), from Cancun
    /// the parent beacon block root into the EIP-4788 contract.
    public func applyPreBlock(_ state: InMemoryState, parentHash: Bytes32?, parentBeaconBlockRoot: Bytes32?) {
        if fork >= .prague, block.number > 0, let parentHash {
            _ = systemCall(state, target: SystemContracts.historyStorage, data: parentHash.bytes)
        }
        if fork >= .cancun, let root = parentBeaconBlockRoot {
            _ = systemCall(state, target: SystemContracts.beaconRoots, data: root.bytes)
        }
    }

    /// Before the Merge: `reward` to the beneficiary plus 1/32 of it per ommer, and to each
    /// ommer's beneficiary (8 - delta)/8 of it (ommers 8 or more blocks back get nothing).
    public func applyReward(_ state: InMemoryState, reward: UInt256, ommers: [(delta: UInt64, address: Address)]) {
        guard fork < .paris else { return }
        let journal = JournaledState(base: state)
        let perOmmer = UInt256.evmDiv(reward, UInt256(32))
        journal.addBalance(block.coinbase, reward &+ perOmmer &* UInt256(UInt64(ommers.count)))
        for o in ommers where o.delta < 8 {
            journal.addBalance(o.address, UInt256.evmDiv(UInt256(8 - o.delta) &* reward, UInt256(8)))
        }
        journal.finalize(clearEmpty: fork >= .spuriousDragon)
        state.apply(journal.diff())
    }

    /// EIP-4895 (Shanghai+): credits amount × 10^9 wei to each address, in order; a zero
    /// credit to a missing account creates nothing.
    public func applyWithdrawals(_ state: InMemoryState, _ withdrawals: [Withdrawal]) {
        guard fork >= .shanghai, !withdrawals.isEmpty else { return }
        let journal = JournaledState(base: state)
        for w in withdrawals {
            journal.addBalance(w.address, UInt256(w.amount) &* UInt256(1_000_000_000 as UInt64))
        }
        journal.finalize(clearEmpty: true)
        state.apply(journal.diff())
    }

    /// EIP-7685 (Prague+): deposits from the block's logs (EIP-6110), then the withdrawal and
    /// consolidation request system calls (EIP-7002, EIP-7251). Each request is its type byte
    /// followed by its data; empty request lists are left out. Nil before Prague.
    public func applyRequests(_ state: InMemoryState, logs: [Log]) throws(SystemOperationError) -> [[UInt8]]? {
        guard fork >= .prague else { return nil }
        var list: [[UInt8]] = []
        var deposits: [UInt8] = []
        for log in logs where log.address == SystemContracts.depositContract && log.topics.first == SystemContracts.depositEventTopic {
            deposits += try Self.depositRequest(log.data)
        }
        if !deposits.isEmpty { list.append([0x00] + deposits) }
        for (type, target) in [(UInt8(0x01), SystemContracts.withdrawalRequests), (0x02, SystemContracts.consolidationRequests)] {
            guard let out = systemCall(state, target: target, data: []) else { throw .systemContractMissing(target) }
            guard out.status == .success else { throw .systemCallFailed(target, "\(out.status)") }
            if !out.output.isEmpty { list.append([type] + out.output) }
        }
        return list
    }

    /// EIP-7685: `sha256(sha256(request₀) ‖ sha256(request₁) ‖ …)`.
    public static func requestsHash(_ requests: [[UInt8]]) -> Bytes32 {
        Bytes32(bytes: SHA256.hash(requests.flatMap { SHA256.hash($0) }))
    }

    /// EIP-6110: the request bytes of one `DepositEvent` log (pubkey ‖ withdrawal credentials ‖
    /// amount ‖ signature ‖ index), after checking the ABI layout the deposit contract emits:
    /// 576 bytes, offsets 160/256/320/384/512 and sizes 48/32/8/96/8.
    public static func depositRequest(_ data: [UInt8]) throws(SystemOperationError) -> [UInt8] {
        guard data.count == 576 else { throw .depositLogSize(data.count) }
        func word(_ at: Int) -> UInt256 { UInt256(bigEndian: data[at..<(at + 32)]) }
        var out: [UInt8] = []
        for (slot, (offset, size)) in [(160, 48), (256, 32), (320, 8), (384, 96), (512, 8)].enumerated() {
            guard word(slot * 32) == UInt256(UInt64(offset)), word(offset) == UInt256(UInt64(size)) else {
                throw .malformedDepositLog(field: slot)
            }
            out += data[(offset + 32)..<(offset + 32 + size)]
        }
        return out
    }
}

/// The receipts-trie value of a transaction (EIP-658/2718).
public enum ReceiptEncoding {
    /// `rlp([status|root, cumulativeGas, bloom, logs])`, prefixed with the type byte for typed
    /// transactions. `postStateRoot` (pre-Byzantium) replaces the status.
    public static func encode(type: TxType, postStateRoot: Bytes32? = nil, succeeded: Bool, cumulativeGasUsed: UInt64,
                              logsBloom: [UInt8], logs: [Log]) -> [UInt8] {
        let first = postStateRoot.map { RLP.encode(bytes: $0.bytes) } ?? RLP.encode(UInt64(succeeded ? 1 : 0))
        let body = RLP.encodeList([first, RLP.encode(cumulativeGasUsed), RLP.encode(bytes: logsBloom),
                                   LogsHash.encode(logs.map { (address: $0.address, topics: $0.topics, data: $0.data) })])
        return type == .legacy ? body : [type.rawValue] + body
    }

    /// The encoding of an executed transaction's receipt (status form, Byzantium+).
    public static func encode(_ r: Receipt) -> [UInt8] {
        encode(type: r.type, succeeded: r.success, cumulativeGasUsed: r.cumulativeGasUsed, logsBloom: bloom(r.logs), logs: r.logs)
    }

    public static func bloom(_ logs: [Log]) -> [UInt8] {
        LogsBloom.compute(logs.map { (address: $0.address, topics: $0.topics, data: $0.data) })
    }
}
