import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import EVMPrecompiles
import EthereumTests
import Foundation
import T8n
import Generators

/// One complete transition-tool input: fork, chain id, pre-state, block environment and
/// signed transactions. `keys` (sender → private key) lets the case be written the way geth
/// fillers write it (JSON with `secretKey`, signed by the tool) instead of pre-signed RLP.
public struct T8nCase {
    public var fork: Hardfork
    public var chainId: UInt256
    public var alloc: InMemoryState
    public var env: T8nEnv
    public var transactions: [Transaction]
    public var keys: [Address: Bytes32]
    /// Write `txs.json` as keyed JSON (the tool signs) rather than an RLP string.
    public var keyedJSON: Bool

    public init(fork: Hardfork, chainId: UInt256 = 1, alloc: InMemoryState, env: T8nEnv, transactions: [Transaction],
                keys: [Address: Bytes32] = [:], keyedJSON: Bool = false) {
        self.fork = fork; self.chainId = chainId; self.alloc = alloc; self.env = env; self.transactions = transactions
        self.keys = keys; self.keyedJSON = keyedJSON
    }

    /// The `txs.json` content: keyed JSON objects (when every sender's key is known and
    /// `keyedJSON`), else the `0x…` RLP string of the signed transactions.
    public var txsJSON: Any {
        if keyedJSON {
            var list: [Any] = []
            for tx in transactions {
                guard let sender = try? tx.recoverSender(fork: fork), let key = keys[sender] else {
                    return T8nJSON.transactionsRLP(transactions)
                }
                list.append(T8nJSON.transaction(tx, secretKey: key))
            }
            return list
        }
        return T8nJSON.transactionsRLP(transactions)
    }

    /// geth's combined stdin object `{alloc, env, txs}`, or `{alloc, env, txsRlp}` when the
    /// transactions are signed RLP (also the counterexample's input).
    public var combinedJSON: [String: Any] {
        let txs = txsJSON
        return ["alloc": T8nJSON.alloc(alloc), "env": T8nJSON.env(env), txs is String ? "txsRlp" : "txs": txs]
    }

    /// Writes `alloc.json`, `env.json` and `txs.json` into `dir`.
    public func write(to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try T8nJSON.data(T8nJSON.alloc(alloc)).write(to: URL(fileURLWithPath: dir + "/alloc.json"))
        try T8nJSON.data(T8nJSON.env(env)).write(to: URL(fileURLWithPath: dir + "/env.json"))
        try T8nJSON.data(txsJSON).write(to: URL(fileURLWithPath: dir + "/txs.json"))
    }

    /// Reads the combined object back (the fork and chain id travel separately).
    public static func parse(combined node: FixtureNode, fork: Hardfork, chainId: UInt256) throws(T8nParseError) -> T8nCase {
        let alloc: InMemoryState
        let env: T8nEnv
        let txs: T8nTransactions
        let parts: (FixtureNode, FixtureNode, FixtureNode)
        do throws(FixtureError) {
            let txsNode: FixtureNode
            if let rlp = try node.optionalField("txsRlp") { txsNode = rlp } else { txsNode = try node.field("txs") }
            parts = (try node.field("alloc"), try node.field("env"), txsNode)
        } catch {
            throw T8nParseError(error)
        }
        alloc = try T8nInput.alloc(parts.0)
        env = try T8nInput.env(parts.1)
        txs = try T8nInput.transactions(parts.2)
        let prepared = Transition(fork: fork, chainId: chainId).prepare(txs)
        var c = T8nCase(fork: fork, chainId: chainId, alloc: alloc, env: env, transactions: prepared.signed)
        if case .json = txs { c.keyedJSON = false }   // re-written signed, as RLP
        return c
    }

    /// Lockstep's own transition of this case (the reference side of every comparison).
    public func reference(executor: (any BlockExecutor)? = nil) throws(T8nFailure) -> T8nOutput {
        try Transition(fork: fork, chainId: chainId, reward: .zero, executor: executor)
            .apply(alloc: alloc, env: env, txs: .rlp(transactions.map { .success($0) }))
    }
}

/// Generated t8n cases: the blocks of `BlockGenerator` (transfers, counters, tokens, creates,
/// self-destructs, DeFi calls, generated programs) with senders whose keys are known, the
/// transactions re-typed across every type the fork allows (legacy, 2930, 1559, 4844 blobs,
/// 7702 authorisations) and signed, plus the block-level inputs: withdrawals, the EIP-4788 /
/// 2935 system contracts (small stand-ins that store their input), the EIP-7002/7251 request
/// contracts (stand-ins that return zero or a few bytes of requests) and an EIP-6110 deposit
/// contract that logs valid deposit events. Deterministic in `seed`.
public struct T8nCaseGenerator: Sendable {
    public var fork: Hardfork
    public var maxTransactions: Int
    public var senders: Int

    public init(fork: Hardfork, maxTransactions: Int = 12, senders: Int = 8) {
        self.fork = fork; self.maxTransactions = maxTransactions; self.senders = senders
    }

    public static func key(_ i: Int) -> Bytes32 { Bytes32(UInt256(0x5eed_0000 + UInt64(i) + 1)) }
    public static func address(_ i: Int) -> Address { Secp256k1.address(privateKey: key(i)) ?? .zero }

    /// Stand-in system contracts (facts: addresses from the EIPs; code is ours).
    /// EIP-4788: `sstore(timestamp, calldataload(0))`.
    static let beaconRootsCode: [UInt8] = [0x5f, 0x35, 0x42, 0x55, 0x00]
    /// EIP-2935: `sstore(number - 1, calldataload(0))`.
    static let historyCode: [UInt8] = [0x5f, 0x35, 0x60, 0x01, 0x43, 0x03, 0x55, 0x00]
    /// Returns `n` bytes: the slot-0 counter in the first word, then zeros; increments slot 0.
    static func requestsCode(returning n: UInt8) -> [UInt8] {
        n == 0 ? [0x00] : [0x5f, 0x54, 0x80, 0x5f, 0x52, 0x60, 0x01, 0x01, 0x5f, 0x55, 0x60, n, 0x5f, 0xf3]
    }
    /// Deposit contract stand-in: `log1(calldata, DepositEvent topic)`.
    static let depositCode: [UInt8] = [0x36, 0x5f, 0x5f, 0x37, 0x7f] + SystemContracts.depositEventTopic.bytes + [0x36, 0x5f, 0xa1, 0x00]

    /// A well-formed 576-byte `DepositEvent` payload with seeded contents.
    static func depositEvent(rng: inout SplitMix64) -> [UInt8] {
        func word(_ v: UInt64) -> [UInt8] { UInt256(v).bigEndianBytes }
        func random(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        func field(_ size: Int) -> [UInt8] {
            let padded = (size + 31) / 32 * 32
            return word(UInt64(size)) + random(size) + [UInt8](repeating: 0, count: padded - size)
        }
        return word(160) + word(256) + word(320) + word(384) + word(512) + field(48) + field(32) + field(8) + field(96) + field(8)
    }

    /// Installs the stand-in system contracts the fork's block transition calls (EIP-4788
    /// from Cancun; EIP-2935, the EIP-7002/7251 request contracts returning the given number of
    /// bytes, and the EIP-6110 deposit contract from Prague).
    public static func installSystemContracts(in alloc: InMemoryState, fork: Hardfork, withdrawalRequestBytes: UInt8 = 0,
                                              consolidationRequestBytes: UInt8 = 0) {
        alloc.setAccount(SystemContracts.beaconRoots, nonce: 1, balance: .zero, code: beaconRootsCode, storage: [:])
        guard fork >= .prague else { return }
        alloc.setAccount(SystemContracts.historyStorage, nonce: 1, balance: .zero, code: historyCode, storage: [:])
        alloc.setAccount(SystemContracts.withdrawalRequests, nonce: 1, balance: .zero,
                         code: requestsCode(returning: withdrawalRequestBytes), storage: [:])
        alloc.setAccount(SystemContracts.consolidationRequests, nonce: 1, balance: .zero,
                         code: requestsCode(returning: consolidationRequestBytes), storage: [:])
        alloc.setAccount(SystemContracts.depositContract, nonce: 1, balance: .zero, code: depositCode, storage: [:])
    }

    public func generate(seed: UInt64) -> T8nCase {
        var rng = SplitMix64(seed: seed ^ 0x7_8a5e)
        var gen = BlockGenerator(fork: fork, minTransactions: 1, maxTransactions: maxTransactions, senders: senders,
                                 conflictRate: 0.4)
        gen.smallBlockMax = maxTransactions
        gen.senderAddresses = (0..<senders).map(T8nCaseGenerator.address)
        let input = gen.generate(seed: seed)
        var keys: [Address: Bytes32] = [:]
        for i in 0..<senders { keys[T8nCaseGenerator.address(i)] = T8nCaseGenerator.key(i) }

        let alloc = input.pre
        let sizes: [UInt8] = [0, 0, 76, 152]
        T8nCaseGenerator.installSystemContracts(in: alloc, fork: fork, withdrawalRequestBytes: sizes[Int(rng.next() % 4)],
                                                consolidationRequestBytes: rng.next() % 2 == 0 ? 0 : 116)

        let number = 1 + rng.next() % 1000
        var env = T8nEnv(coinbase: input.block.coinbase, gasLimit: 60_000_000, number: number, timestamp: 1000 + number * 12,
                         random: UInt256(rng.next()), baseFee: input.block.baseFee,
                         excessBlobGas: rng.next() % 3 == 0 ? 10_000_000 : 0,
                         parentBeaconBlockRoot: Bytes32(UInt256(rng.next()) &* UInt256(0x1_0000_0001)))
        // Every ancestor BLOCKHASH can reach (a missing one is exit 4 in geth, a crash elsewhere).
        for back in 1...min(number, 256) { env.blockHashes[number - back] = Bytes32(UInt256(rng.next()) | UInt256(1)) }
        for i in 0..<Int(rng.next() % 4) {
            let to = rng.next() % 2 == 0 ? T8nCaseGenerator.address(Int(rng.next() % UInt64(senders))) : Address(low: 0xe000 + rng.next() % 8)
            env.withdrawals.append(Withdrawal(index: UInt64(i), validatorIndex: rng.next() % 100, address: to, amount: rng.next() % 3 == 0 ? 0 : rng.next() % 5000))
        }

        let blobBaseFee = BlobGas.baseFee(excessBlobGas: env.excessBlobGas ?? 0, fork: fork)
        var blobsLeft = Int(BlobGas.maxPerBlock(fork: fork) / BlobGas.perBlob) + 1   // sometimes one over the limit
        var txs: [Transaction] = []
        for rtx in input.transactions {
            var tx = rtx.transaction
            let pick = rng.next() % 12
            switch pick {
            case 0, 1:
                tx = retype(tx, .legacy); tx.gasPrice = 20
                tx = Transaction(type: .legacy, chainId: rng.next() % 4 == 0 ? nil : 1, nonce: tx.nonce, gasPrice: 20,
                                 gasLimit: tx.gasLimit, to: tx.to, value: tx.value, data: tx.data)
            case 2:
                tx = retype(tx, .accessList)
                if let to = tx.to { tx.accessList = [AccessListEntry(address: to, storageKeys: [Bytes32(UInt256(rng.next() % 3))])] }
            case 3 where tx.to != nil && blobsLeft > 0:
                tx = retype(tx, .blob)
                let n = 1 + Int(rng.next() % 2)
                blobsLeft -= n
                tx.blobVersionedHashes = (0..<n).map { _ in Bytes32(bytes: [0x01] + (0..<31).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
                tx.maxFeePerBlobGas = rng.next() % 5 == 0 ? UInt256.zero : blobBaseFee &+ UInt256(rng.next() % 3)
            case 4 where tx.to != nil && fork >= .prague:
                tx = retype(tx, .setCode)
                let authority = Int(rng.next() % UInt64(senders))
                let targets = [Address(low: 0xa001), Address(low: 0xa004), .zero]
                var auth = Authorization(chainId: rng.next() % 5 == 0 ? .zero : 1, address: targets[Int(rng.next() % 3)],
                                         nonce: rng.next() % 3)
                _ = auth.sign(privateKey: T8nCaseGenerator.key(authority))
                tx.authorizationList = [auth]
            default:
                break
            }
            if pick == 5, fork >= .prague {   // a deposit
                tx.to = SystemContracts.depositContract
                tx.data = T8nCaseGenerator.depositEvent(rng: &rng)
                tx.gasLimit = 200_000
            }
            guard let i = (0..<senders).first(where: { T8nCaseGenerator.address($0) == rtx.sender }) else { continue }
            tx.sign(privateKey: T8nCaseGenerator.key(i), chainId: tx.type == .legacy ? tx.chainId : 1)
            txs.append(tx)
        }
        return T8nCase(fork: fork, alloc: alloc, env: env, transactions: txs, keys: keys, keyedJSON: rng.next() % 2 == 0)
    }

    /// The same transaction (nonce, gas, to, value, data, fees) as another type.
    func retype(_ tx: Transaction, _ type: TxType) -> Transaction {
        Transaction(type: type, chainId: 1, nonce: tx.nonce, gasPrice: tx.maxFeePerGas,
                    maxPriorityFeePerGas: tx.maxPriorityFeePerGas, maxFeePerGas: tx.maxFeePerGas, gasLimit: tx.gasLimit,
                    to: tx.to, value: tx.value, data: tx.data)
    }
}
