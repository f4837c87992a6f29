import Foundation
import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import Generators

/// The blocks behind the parallel section of `lockstep bench`, and the ideal speed-up bound of
/// a block computed from its dependency graph.
///
/// Every transaction calls `workToken`: a token transfer (SLOAD/SSTORE of the caller's and the
/// recipient's balance) plus a counter increment whose slot the caller picks, with a hash chain
/// of `rounds` KECCAK256 steps in between (standing in for the signature checks, Merkle proofs
/// and price maths a real contract call spends its gas on). The counter is read first and
/// written last, so a conflicting transaction holds its dependency for its whole execution —
/// the hard case for optimistic execution, not a flattering one.
///
/// Conflict rate r: each transaction, with probability r, increments the one shared counter
/// (slot 0); otherwise it increments a slot of its own. Senders, recipients and own counter
/// slots are all distinct, so the shared counter is the only dependency: r = 0 is
/// conflict-free, r = 1 is a fully dependent chain (every transaction reads what the previous
/// one wrote), and in between the shared-counter transactions form one chain.
public enum ParallelBenchmarks {
    public static let tokenAddress = Address(low: 0x00b0_70cc)
    public static let coinbase = Address(low: 0xc0ffee)

    /// Sender of transaction `i` (each sender sends exactly one transaction).
    public static func sender(_ i: Int) -> Address { Address(low: 0x5e_0000_0000 + UInt64(i)) }
    /// Token recipient of transaction `i` (a fresh holder).
    public static func recipient(_ i: Int) -> Address { Address(low: 0x7e_0000_0000 + UInt64(i)) }
    /// The counter slot transaction `i` increments when it does not touch the shared one. Above
    /// 2^160, so it never collides with a balance slot (keyed by address).
    public static func ownCounterSlot(_ i: Int) -> UInt256 { UInt256(w0: UInt64(i) &+ 1, w1: 0, w2: 1 << 32, w3: 0) }
    /// The shared counter.
    public static let sharedCounterSlot = UInt256.zero
    /// Token balance every sender starts with.
    public static let initialTokens = UInt256(1_000_000)

    /// `workToken(to = word0, amount = word1, rounds = word2, counterSlot = word3)`:
    ///
    /// ```
    /// c = sload(counterSlot)                      // read first
    /// b = sload(caller); if b < amount: revert
    /// sstore(caller, b - amount); sstore(to, sload(to) + amount)
    /// mem[0] = caller; mem[32] = c
    /// repeat rounds: mem[0] = keccak256(mem[0..64])
    /// sstore(counterSlot, c + 1)                  // written last
    /// log0(mem[0..32])                            // the hash chain's end
    /// ```
    /// Each round costs `roundGas`.
    public static let workToken: [UInt8] = [
        0x60, 0x60, 0x35,                   // 00 PUSH1 0x60 CALLDATALOAD        [k]
        0x80, 0x54,                         // 03 DUP1 SLOAD                     [k, c]
        0x33, 0x54,                         // 05 CALLER SLOAD                   [k, c, b]
        0x60, 0x20, 0x35,                   // 07 PUSH1 0x20 CALLDATALOAD        [k, c, b, amt]
        0x80, 0x82, 0x10,                   // 0a DUP1 DUP3 LT                   [k, c, b, amt, b<amt]
        0x60, 0x4c, 0x57,                   // 0d PUSH1 revert JUMPI             [k, c, b, amt]
        0x90, 0x03,                         // 10 SWAP1 SUB                      [k, c, b-amt]
        0x33, 0x55,                         // 12 CALLER SSTORE                  [k, c]
        0x60, 0x00, 0x35,                   // 14 PUSH1 0 CALLDATALOAD           [k, c, to]
        0x80, 0x54,                         // 17 DUP1 SLOAD                     [k, c, to, tb]
        0x60, 0x20, 0x35, 0x01,             // 19 PUSH1 0x20 CALLDATALOAD ADD    [k, c, to, tb+amt]
        0x90, 0x55,                         // 1d SWAP1 SSTORE                   [k, c]
        0x33, 0x60, 0x00, 0x52,             // 1f CALLER PUSH1 0 MSTORE          mem[0] = caller
        0x80, 0x60, 0x20, 0x52,             // 23 DUP1 PUSH1 0x20 MSTORE         mem[32] = c
        0x60, 0x40, 0x35,                   // 27 PUSH1 0x40 CALLDATALOAD        [k, c, n]
        0x5b,                               // 2a JUMPDEST (loop)
        0x80, 0x15, 0x60, 0x3f, 0x57,       // 2b DUP1 ISZERO PUSH1 done JUMPI
        0x60, 0x40, 0x60, 0x00, 0x20,       // 30 PUSH1 0x40 PUSH1 0 KECCAK256   [k, c, n, h]
        0x60, 0x00, 0x52,                   // 35 PUSH1 0 MSTORE                 [k, c, n]
        0x60, 0x01, 0x90, 0x03,             // 38 PUSH1 1 SWAP1 SUB              [k, c, n-1]
        0x60, 0x2a, 0x56,                   // 3c PUSH1 loop JUMP
        0x5b, 0x50,                         // 3f JUMPDEST (done) POP            [k, c]
        0x60, 0x01, 0x01,                   // 41 PUSH1 1 ADD                    [k, c+1]
        0x90, 0x55,                         // 44 SWAP1 SSTORE                   []
        0x60, 0x20, 0x60, 0x00, 0xa0,       // 46 LOG0(0, 32)
        0x00,                               // 4b STOP
        0x5b, 0x60, 0x00, 0x80, 0xfd,       // 4c JUMPDEST (revert) REVERT(0, 0)
    ]

    /// Gas of one hash round: JUMPDEST DUP1 ISZERO PUSH1 JUMPI (20), PUSH1 PUSH1 KECCAK256 of
    /// 64 bytes (6 + 42), PUSH1 MSTORE (6), PUSH1 SWAP1 SUB (9), PUSH1 JUMP (11).
    public static let roundGas: UInt64 = 94

    /// The end of the hash chain `workToken` logs: `rounds` steps of keccak256 over
    /// (caller ‖ counter value read).
    public static func hashChain(caller: Address, counter: UInt256, rounds: Int) -> [UInt8] {
        var buffer = caller.word.bigEndianBytes + counter.bigEndianBytes
        for _ in 0..<rounds { buffer.replaceSubrange(0..<32, with: Keccak256.hash(buffer).bytes) }
        return Array(buffer[0..<32])
    }

    /// A block of `transactions` `workToken` calls at conflict rate `conflictRate`, each with a
    /// seeded number of hash rounds in `rounds`. Every sender is distinct and funded; the
    /// beneficiary exists (so its fees are paid lazily by the parallel executor).
    public static func block(transactions: Int, conflictRate: Double, rounds: ClosedRange<Int> = 300...500,
                             seed: UInt64) -> BlockInput {
        var rng = SplitMix64(seed: seed)
        let pre = InMemoryState()
        var tokenStorage: [UInt256: UInt256] = [sharedCounterSlot: UInt256(1)]
        let ether = UInt256(1_000_000_000_000_000_000 as UInt64)
        var txs: [RecoveredTransaction] = []
        txs.reserveCapacity(transactions)
        for i in 0..<transactions {
            let from = sender(i)
            pre.setAccount(from, nonce: 0, balance: ether, code: [], storage: [:])
            tokenStorage[from.word] = initialTokens
            let shared = Double(rng.next() % 1_000_000) / 1_000_000 < conflictRate
            let slot = shared ? sharedCounterSlot : ownCounterSlot(i)
            let n = rounds.lowerBound + Int(rng.next() % UInt64(rounds.count))
            let amount = UInt256(1 + rng.next() % 1000)
            let data = recipient(i).word.bigEndianBytes + amount.bigEndianBytes + UInt256(UInt64(n)).bigEndianBytes
                + slot.bigEndianBytes
            let tx = Transaction(type: .dynamicFee, chainId: 1, nonce: 0, maxPriorityFeePerGas: UInt256(2),
                                 maxFeePerGas: UInt256(20), gasLimit: 200_000, to: tokenAddress, value: .zero, data: data)
            txs.append(RecoveredTransaction(transaction: tx, sender: from))
        }
        pre.setAccount(tokenAddress, nonce: 1, balance: .zero, code: workToken, storage: tokenStorage)
        pre.setAccount(coinbase, nonce: 0, balance: UInt256(1), code: [], storage: [:])
        let env = BlockEnv(coinbase: coinbase, number: 1, timestamp: 1000, gasLimit: 10_000_000_000,
                           prevRandao: UInt256(seed), baseFee: UInt256(7), excessBlobGas: 0, chainId: 1)
        return BlockInput(fork: .cancun, block: env, pre: pre, transactions: txs)
    }
}

/// The dependency graph of a block as serial execution sees it, and the ideal parallel
/// speed-up it allows.
///
/// Transaction j depends on i < j when j reads a location (an account, or a storage slot) whose
/// last writer before j is i. Reads and writes are recorded while executing the block serially;
/// the beneficiary's fee is left out (deferred, as the parallel executor pays it: a commutative
/// credit, not a dependency unless someone reads the beneficiary), and so is the recipient of a
/// plain value transfer (likewise credited lazily). A wiped account's storage counts as
/// written in full. The cost of a transaction is its gas used (rejected ones cost 0).
///
/// T1 = Σ cost, T∞ = the heaviest path through the graph, and with w workers no schedule can
/// beat min(w, T1/T∞) — greedy list scheduling needs no more than T1/w + T∞.
public struct DependencyGraph: Sendable {
    /// For each transaction, the earlier transactions it reads from directly.
    public var dependencies: [[Int]]
    /// Per-transaction cost (gas used).
    public var cost: [UInt64]

    public var totalWork: UInt64 { cost.reduce(0, +) }

    /// The heaviest dependency path (sum of costs along it).
    public var span: UInt64 {
        var finish = [UInt64](repeating: 0, count: cost.count)
        for j in cost.indices {
            finish[j] = cost[j] + (dependencies[j].map { finish[$0] }.max() ?? 0)
        }
        return finish.max() ?? 0
    }

    /// T1/T∞ (1 for an empty or zero-cost block).
    public var parallelism: Double {
        let s = span
        return s == 0 ? 1 : Double(totalWork) / Double(s)
    }

    /// min(workers, T1/T∞).
    public func idealSpeedup(workers: Int) -> Double { min(Double(workers), parallelism) }

    /// T1/T∞ with per-transaction weights `weights` (e.g. measured seconds, `measuredTimes`)
    /// instead of gas; 1 for an empty or zero-weight block.
    public func parallelism(weights: [Double]) -> Double {
        precondition(weights.count == cost.count, "one weight per transaction")
        var finish = [Double](repeating: 0, count: weights.count)
        for j in weights.indices { finish[j] = weights[j] + (dependencies[j].map { finish[$0] }.max() ?? 0) }
        let span = finish.max() ?? 0
        return span <= 0 ? 1 : weights.reduce(0, +) / span
    }

    /// Wall seconds of each transaction of `input` executed serially (processor and journal,
    /// the way `SerialExecutor` runs it, without the state root): the minimum over `passes`
    /// runs of the whole block, each on a fresh copy of the pre-state, which filters out
    /// scheduling noise of single microsecond-scale measurements.
    public static func measuredTimes(_ input: BlockInput, passes: Int = 3) -> [Double] {
        var best = [Double](repeating: .infinity, count: input.transactions.count)
        let processor = TransactionProcessor(fork: input.fork, block: input.block)
        for _ in 0..<max(1, passes) {
            let state = input.pre.copy()
            var cumulative: UInt64 = 0
            for (j, rtx) in input.transactions.enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                let journal = JournaledState(base: state)
                let applied = processor.apply(rtx.transaction, sender: rtx.sender, state: journal, cumulativeGasBefore: cumulative)
                if let r = applied.outcome.receipt {
                    cumulative = r.cumulativeGasUsed
                    state.apply(journal.diff())
                }
                best[j] = min(best[j], Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
        }
        return best
    }

    enum Key: Hashable { case account(Address), slot(Address, UInt256), wipe(Address) }

    /// Records reads through to a state, in order of first use.
    final class RecordingReader: StateReader {
        let state: InMemoryState
        var reads: Set<Key> = []
        /// A plain value transfer's recipient: reads of it are not dependencies.
        var ignored: Address?
        init(_ state: InMemoryState) { self.state = state }
        func account(_ address: Address) -> Account? {
            if address != ignored { reads.insert(.account(address)) }
            return state.account(address)
        }
        func code(hash: Bytes32) -> Bytecode { state.code(hash: hash) }
        func storage(_ address: Address, _ key: UInt256) -> UInt256 {
            reads.insert(.slot(address, key)); reads.insert(.wipe(address))
            return state.storage(address, key)
        }
        func hasStorage(_ address: Address) -> Bool { reads.insert(.wipe(address)); return state.hasStorage(address) }
        func blockHash(_ number: UInt64) -> Bytes32 { state.blockHash(number) }
    }

    /// Executes `input` serially, recording each transaction's reads and writes.
    public static func of(_ input: BlockInput) -> DependencyGraph {
        let state = input.pre.copy()
        let processor = TransactionProcessor(fork: input.fork, block: input.block)
        let coinbase = input.block.coinbase
        let lazyFees = input.fork >= .spuriousDragon && !(state.account(coinbase)?.isEmpty ?? false)
        // Per location: the last full writer, and the credits (commutative deltas) since it.
        var lastWriter: [Key: Int] = [:]
        var credits: [Key: [Int]] = [:]
        func write(_ k: Key, _ j: Int) { lastWriter[k] = j; credits[k] = nil }
        var graph = DependencyGraph(dependencies: [], cost: [])
        var cumulative: UInt64 = 0
        for (j, rtx) in input.transactions.enumerated() {
            let reader = RecordingReader(state)
            let tx = rtx.transaction
            if let to = tx.to, tx.data.isEmpty, tx.type != .setCode, !tx.value.isZero, to != rtx.sender, to != coinbase,
               !(state.account(to)?.hasCode ?? false) {
                reader.ignored = to
            }
            let journal = JournaledState(base: reader)
            let applied = processor.apply(tx, sender: rtx.sender, state: journal, cumulativeGasBefore: cumulative,
                                          deferCoinbasePayment: lazyFees)
            var deps = Set<Int>()
            for k in reader.reads {
                if let w = lastWriter[k] { deps.insert(w) }
                deps.formUnion(credits[k] ?? [])
            }
            graph.dependencies.append(deps.sorted())
            guard let receipt = applied.outcome.receipt else { graph.cost.append(0); continue }
            graph.cost.append(receipt.gasUsed)
            cumulative = receipt.cumulativeGasUsed
            var diff = journal.diff()
            for (a, d) in diff.accounts {
                if a == reader.ignored && d.account != nil && d.storage.isEmpty && !d.storageCleared {
                    credits[.account(a), default: []].append(j)
                } else if d.account != state.account(a) {
                    write(.account(a), j)   // (an account whose storage alone changed keeps its record)
                }
                if d.storageCleared || d.account == nil { write(.wipe(a), j) }
                for k in d.storage.keys { write(.slot(a, k), j) }
            }
            if lazyFees && !applied.deferredCoinbaseFee.isZero {
                if diff.accounts[coinbase] == nil { credits[.account(coinbase), default: []].append(j) }
                var d = diff.accounts[coinbase]
                    ?? AccountDiff(account: state.account(coinbase), storage: [:], storageCleared: false, code: nil)
                var cb = d.account ?? Account()
                cb.balance = cb.balance &+ applied.deferredCoinbaseFee
                d.account = cb
                d.code = cb.hasCode ? state.code(hash: cb.codeHash) : nil
                diff.accounts[coinbase] = d
            }
            state.apply(diff)
        }
        return graph
    }
}
