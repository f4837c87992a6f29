import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import DeFiContracts

/// Large blocks of real compiled-contract traffic (issue 15's benchmarks; issue 14's Vyper
/// contracts): `transactions` ERC-20 transfers and/or constant-product swaps over `accounts`
/// funded senders, with a conflict knob.
///
/// The pre-state holds the compiled Vyper token pair (`DeFiWorld.vyperToken`/`vyperTokenB`) and
/// `pools` + 1 compiled Vyper pools over that pair (pool 0 is the hot one). Every account holds
/// both tokens, plenty of ether, and has approved every pool.
///
/// Conflicts: with probability `conflict` a transaction touches the hot state — a transfer
/// credits the hot account `account(0)`, a swap trades against pool 0 — otherwise it touches
/// only the sender's own balances and state no other transaction shares: a transfer credits a
/// fresh address (one per transaction), a swap trades against the sender's own cold pool
/// (`1 + sender % pools`; disjoint when `pools` ≥ `accounts`). Senders take turns
/// (transaction i is sent by account i mod `accounts`, nonces in order), so with `conflict` = 0
/// the only dependencies are each sender's own nonce chain. Every transaction succeeds when
/// executed in order (amounts are far below the balances and reserves); the block's gas limit
/// fits them all.
public struct CompiledWorkload: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case transfers, swaps
        /// Alternating: even transactions transfer, odd ones swap.
        case mixed
    }

    public var kind: Kind
    public var transactions: Int
    public var accounts: Int
    /// Probability in [0, 1] that a transaction touches the shared hot state.
    public var conflict: Double
    /// Number of cold pools (swaps only); default one per account.
    public var pools: Int?
    public var fork: Hardfork = .cancun

    public init(kind: Kind, transactions: Int, accounts: Int, conflict: Double, pools: Int? = nil) {
        self.kind = kind; self.transactions = transactions; self.accounts = accounts; self.conflict = conflict; self.pools = pools
    }

    public static func account(_ i: Int) -> Address { Address(low: 0x10_0000 + UInt64(i)) }
    public static func pool(_ i: Int) -> Address { i == 0 ? DeFiWorld.vyperPool : Address(low: 0x20_0000 + UInt64(i)) }
    static func freshReceiver(_ i: Int) -> Address { Address(low: 0x30_0000 + UInt64(i)) }
    public static let coinbase = Address(low: 0xc0ffee)
    public static let gasPerTransaction: UInt64 = 200_000

    /// The block for `seed` (the seed draws the hot/cold choices, directions and amounts).
    /// Counts below 1 are taken as 1; `conflict` is clamped to [0, 1].
    public func generate(seed: UInt64) -> BlockInput {
        let n = max(1, transactions), m = max(1, accounts), coldPools = max(1, pools ?? m)
        let c = conflict.isNaN ? 0 : min(1, max(0, conflict))
        var rng = SplitMix64(seed: seed ^ 0xc0_3b11ed)
        let pre = InMemoryState()
        let users = (0..<m).map(Self.account)
        let poolAddrs = (0...coldPools).map(Self.pool)
        let needsPools = kind != .transfers
        var balances: [Address: UInt256] = [:]
        for u in users { balances[u] = UInt256(1_000_000_000_000) }
        let reserve0 = UInt256(1_000_000_000_000_000), reserve1 = UInt256(2_000_000_000_000_000)
        if needsPools { for p in poolAddrs { balances[p] = reserve0 } }
        var balancesB = balances
        if needsPools { for p in poolAddrs { balancesB[p] = reserve1 } }
        let approvals = needsPools ? users.flatMap { u in poolAddrs.map { (owner: u, spender: $0, amount: UInt256.max) } } : []
        let token = DeFiWorld.compiled.token
        let tokenCode = VyperERC20.code()
        pre.setAccount(DeFiWorld.vyperToken, nonce: 1, balance: .zero, code: tokenCode,
                       storage: token.storage(balances: balances, allowances: approvals))
        pre.setAccount(DeFiWorld.vyperTokenB, nonce: 1, balance: .zero, code: tokenCode,
                       storage: token.storage(balances: balancesB, allowances: approvals))
        if needsPools, let poolCode = VyperContract.pool.code() {
            for p in poolAddrs {
                pre.setAccount(p, nonce: 1, balance: .zero, code: poolCode,
                               storage: DeFiWorld.compiled.poolLayout.storage(token0: DeFiWorld.vyperToken, token1: DeFiWorld.vyperTokenB,
                                                                              reserve0: reserve0, reserve1: reserve1, shares: [:]))
            }
        }
        let ether = UInt256(1_000_000_000_000_000_000 as UInt64) &* UInt256(100)
        for u in users { pre.setAccount(u, nonce: 0, balance: ether, code: [], storage: [:]) }

        var nonces = [UInt64](repeating: 0, count: m)
        var txs: [RecoveredTransaction] = []
        txs.reserveCapacity(n)
        for i in 0..<n {
            let s = i % m
            let hot = Double(rng.next() % 1_000_000) / 1_000_000 < c
            let swap = kind == .swaps || (kind == .mixed && i % 2 == 1)
            let amount = UInt256(1 + rng.next() % 10_000)
            let to: Address, data: [UInt8]
            if swap {
                to = hot ? Self.pool(0) : Self.pool(1 + s % coldPools)
                data = ConstantProductPool.swap(zeroForOne: rng.next() % 2 == 0, amountIn: amount)
            } else {
                to = DeFiWorld.vyperToken
                data = ERC20Token.transfer(to: hot ? Self.account(0) : Self.freshReceiver(i), amount: amount)
            }
            let tx = Transaction(type: .dynamicFee, chainId: 1, nonce: nonces[s], gasPrice: 20, maxPriorityFeePerGas: 1,
                                 maxFeePerGas: 20, gasLimit: Self.gasPerTransaction, to: to, value: .zero, data: data)
            nonces[s] += 1
            txs.append(RecoveredTransaction(transaction: tx, sender: users[s]))
        }
        let env = BlockEnv(coinbase: Self.coinbase, number: 1, timestamp: 1000, gasLimit: Self.gasPerTransaction &* UInt64(n) &+ 1_000_000,
                           prevRandao: UInt256(seed), baseFee: UInt256(7), excessBlobGas: 0, chainId: 1)
        return BlockInput(fork: fork, block: env, pre: pre, transactions: txs)
    }
}
