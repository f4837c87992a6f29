import EVMCore
import EVMState

/// A deployed set of the sample DeFi contracts at fixed addresses, with funded users, and the
/// transactions that use them. Generated blocks, the contract tests and sequencer scenarios all
/// start from `install(in:)`.
///
/// Two suites of the same four contracts (`DeFiSuite`): the hand-assembled one (`assembled`)
/// and the compiled Vyper one (`compiled`, `Contracts/vyper`, issue 14), with the same ABIs,
/// the same starting positions and one shared oracle; `randomCall` sends each call to either.
/// The assembled suite:
/// token A (`tokenA`) and token B (`tokenB`); an A/B `ConstantProductPool` (token0 = A);
/// a `PriceOracle` quoting A in B (starting at `initialPrice` = 2·10^8, i.e. 1 A = 2 B) updated
/// by `updater`; a `LendingMarket` with A as collateral and B as debt, funded with B; a
/// `StakingRewards` staking A for rewards in B. Every user holds A and B and has approved the
/// pool, the market and the staking contract for an unlimited amount of both; some users start
/// with a lending position close to the loan-to-value limit (so an oracle update can make it
/// liquidatable; every fourth one starts beyond it), some with a stake, and each with 20 000
/// pool shares.
public struct DeFiWorld: Sendable {
    public static let tokenA = Address(low: 0xdef1a0)
    public static let tokenB = Address(low: 0xdef1b0)
    public static let pool = Address(low: 0xdef1c0)
    public static let oracle = Address(low: 0xdef1d0)
    public static let lending = Address(low: 0xdef1e0)
    public static let staking = Address(low: 0xdef1f0)
    /// The compiled suite: Vyper tokens A and B (`VyperERC20`), the Vyper pool, market and
    /// staking over them, funded like the assembled ones.
    public static let vyperToken = Address(low: 0xdef1a8)
    public static let vyperTokenB = Address(low: 0xdef1b8)
    public static let vyperPool = Address(low: 0xdef1c8)
    public static let vyperLending = Address(low: 0xdef1e8)
    public static let vyperStaking = Address(low: 0xdef1f8)
    /// The genesis liquidity provider of the pool (holds all initial shares; not a sender).
    public static let liquidityProvider = Address(low: 0xdef1_11)
    public static let initialPrice = UInt256(200_000_000)
    public static let assembled = DeFiSuite(name: "assembled", tokenA: tokenA, tokenB: tokenB, pool: pool, lending: lending, staking: staking,
                                            token: ERC20Token.layout, poolLayout: ConstantProductPool.layout,
                                            lendingLayout: LendingMarket.layout, stakingLayout: StakingRewards.layout)
    public static let compiled = DeFiSuite(name: "compiled", tokenA: vyperToken, tokenB: vyperTokenB, pool: vyperPool, lending: vyperLending,
                                           staking: vyperStaking, token: VyperContract.tokenLayout, poolLayout: VyperContract.poolLayout,
                                           lendingLayout: VyperContract.lendingLayout, stakingLayout: VyperContract.stakingLayout)
    public static let suites: [DeFiSuite] = [assembled, compiled]
    public static let tokens: [Address] = suites.flatMap(\.tokens)
    public static let contracts: [Address] = suites.flatMap(\.contracts) + [oracle]
    /// The suite that deployed `contract` (nil for an address of neither).
    public static func suite(of contract: Address) -> DeFiSuite? { suites.first { $0.contracts.contains(contract) } }

    public var users: [Address]
    public var updater: Address
    /// Test-only planted contract faults (`PlantedFaults`), passed to every contract's code
    /// builder; nil (the default) deploys the real contracts.
    public var faults: (any FaultHook)?
    /// `updatedAt` of the genesis price (the block timestamp keeps it fresh).
    public var priceTime: UInt64

    public init(users: [Address], updater: Address, faults: (any FaultHook)? = nil, priceTime: UInt64 = 1000) {
        self.users = users; self.updater = updater; self.faults = faults; self.priceTime = priceTime
    }

    /// Deploys the contracts and funds the users in `state`. `seed` varies the amounts (users'
    /// balances, positions and stakes); the same seed gives the same state.
    public func install(in state: InMemoryState, seed: UInt64 = 0) {
        var rng = SplitMix64(seed: seed ^ 0xdef1)
        var balA: [Address: UInt256] = [:], balB: [Address: UInt256] = [:]
        var positions: [Address: (collateral: UInt256, debt: UInt256)] = [:]
        var stakes: [Address: UInt256] = [:]
        for (i, u) in users.enumerated() {
            balA[u] = UInt256(500_000 + rng.next() % 1_000_000)
            balB[u] = UInt256(500_000 + rng.next() % 1_000_000)
            if i % 2 == 0 {
                // Collateral worth 2c B; debt between 60% and 74% of it (limit 75%), or for
                // every fourth borrower 76–85%: already liquidatable at the genesis price.
                let c = 50_000 + rng.next() % 100_000
                let d = 2 * c * (i % 8 == 0 ? 76 + rng.next() % 10 : 60 + rng.next() % 15) / 100
                positions[u] = (UInt256(c), UInt256(d))
            }
            if i % 3 != 2 { stakes[u] = UInt256(10_000 + rng.next() % 50_000) }
        }
        let reserveA = UInt256(5_000_000), reserveB = UInt256(10_000_000)
        var lendingA = UInt256.zero, stakingA = UInt256.zero
        for (_, p) in positions { lendingA = lendingA &+ p.collateral }
        for (_, s) in stakes { stakingA = stakingA &+ s }
        balA[Self.pool] = reserveA
        balA[Self.lending] = lendingA
        balA[Self.staking] = stakingA
        balB[Self.pool] = reserveB
        balB[Self.lending] = UInt256(20_000_000)      // lending cash
        // Pool shares: most with the genesis provider, 20 000 with each user (so removals work).
        var lpShares: [Address: UInt256] = [Self.liquidityProvider: reserveA]
        for u in users { lpShares[u] = UInt256(20_000) }
        for suite in Self.suites {
            func moved(_ b: [Address: UInt256]) -> [Address: UInt256] {
                var out: [Address: UInt256] = [:]
                for (a, v) in b { out[a == Self.pool ? suite.pool : a == Self.lending ? suite.lending : a == Self.staking ? suite.staking : a] = v }
                return out
            }
            let approvals = users.flatMap { u in [suite.pool, suite.lending, suite.staking].map { (owner: u, spender: $0, amount: UInt256.max) } }
            let isCompiled = suite == Self.compiled
            let tokenCode = isCompiled ? VyperContract.erc20.code(faults: faults) : ERC20Token.code(faults: faults)
            state.setAccount(suite.tokenA, nonce: 1, balance: .zero, code: tokenCode,
                             storage: suite.token.storage(balances: moved(balA), allowances: approvals))
            state.setAccount(suite.tokenB, nonce: 1, balance: .zero, code: tokenCode,
                             storage: suite.token.storage(balances: moved(balB), allowances: approvals))
            state.setAccount(suite.pool, nonce: 1, balance: .zero,
                             code: isCompiled ? VyperContract.pool.code(faults: faults) : ConstantProductPool.code(faults: faults),
                             storage: suite.poolLayout.storage(token0: suite.tokenA, token1: suite.tokenB, reserve0: reserveA,
                                                               reserve1: reserveB, shares: lpShares))
            state.setAccount(suite.lending, nonce: 1, balance: .zero,
                             code: isCompiled ? VyperContract.lending.code(faults: faults) : LendingMarket.code(faults: faults),
                             storage: suite.lendingLayout.storage(collateralToken: suite.tokenA, debtToken: suite.tokenB, oracle: Self.oracle,
                                                                  positions: positions))
            state.setAccount(suite.staking, nonce: 1, balance: .zero,
                             code: isCompiled ? VyperContract.staking.code(faults: faults) : StakingRewards.code(faults: faults),
                             storage: suite.stakingLayout.storage(stakeToken: suite.tokenA, rewardToken: suite.tokenB, stakes: stakes))
        }
        state.setAccount(Self.oracle, nonce: 1, balance: .zero, code: PriceOracle.code,
                         storage: PriceOracle.storage(updater: updater, price: Self.initialPrice, updatedAt: priceTime))
    }

    /// A contract call: target and calldata.
    public struct Call: Sendable, Equatable {
        public var to: Address
        public var data: [UInt8]
        public init(to: Address, data: [UInt8]) { self.to = to; self.data = data }
    }

    /// A random call of `sender` against the contracts of either suite (even odds; the oracle
    /// is shared). `hot` concentrates on the shared state everyone touches (the pool's reserves,
    /// the oracle, the market's totals); cold calls mostly touch the sender's own balances.
    /// Amounts are drawn so that most calls succeed and some revert (too large, unhealthy,
    /// unauthorised, zero). `suite` forces the suite (the draw is still made, so the same
    /// `rng` gives the same calldata for either suite: the calldata names only users).
    public func randomCall(sender: Address, hot: Bool, rng: inout SplitMix64, suite forced: DeFiSuite? = nil) -> Call {
        func amount(_ scale: UInt64) -> UInt256 {
            switch rng.next() % 16 {
            case 0: return .zero                                         // reverts (zero amount)
            case 1: return UInt256(UInt64.max) &* UInt256(1 << 60)       // reverts (too large)
            default: return UInt256(1 + rng.next() % scale)
            }
        }
        let other = users.isEmpty ? sender : users[Int(rng.next() % UInt64(users.count))]
        let drawn = rng.next() % 2 == 0 ? Self.assembled : Self.compiled
        let suite = forced ?? drawn
        let token = rng.next() % 2 == 0 ? suite.tokenA : suite.tokenB
        let pick = hot ? rng.next() % 10 : 10 + rng.next() % 4
        switch pick {
        case 0, 1: return Call(to: suite.pool, data: ConstantProductPool.swap(zeroForOne: rng.next() % 2 == 0, amountIn: amount(50_000),
                                                                              minOut: rng.next() % 8 == 0 ? UInt256(1 << 40) : .zero))
        case 2: return Call(to: suite.pool, data: ConstantProductPool.addLiquidity(amount(20_000), amount(40_000)))
        case 3: return Call(to: suite.pool, data: ConstantProductPool.removeLiquidity(shares: amount(5_000)))
        case 4:
            // Oracle update: −50%…+10% around the initial price (drops make positions
            // liquidatable); sent by whoever the sender is, so often unauthorised.
            let p = 100_000_000 + rng.next() % 120_000_000
            return Call(to: Self.oracle, data: PriceOracle.update(price: UInt256(p)))
        case 5:
            // Liquidate a user that starts with a position (even indices).
            let borrower = users.isEmpty ? sender : users[Int(rng.next() % UInt64((users.count + 1) / 2)) * 2]
            return Call(to: suite.lending, data: LendingMarket.liquidate(user: borrower, amount: amount(30_000)))
        case 6: return Call(to: suite.lending, data: rng.next() % 2 == 0 ? LendingMarket.borrow(amount(20_000)) : LendingMarket.repay(amount(20_000)))
        case 7: return Call(to: suite.lending, data: rng.next() % 2 == 0 ? LendingMarket.deposit(amount(50_000)) : LendingMarket.withdraw(amount(50_000)))
        case 8: return Call(to: suite.staking, data: StakingRewards.notifyRewardAmount(amount(10_000)))
        case 9: return Call(to: suite.staking, data: rng.next() % 2 == 0 ? StakingRewards.stake(amount(20_000)) : StakingRewards.unstake(amount(20_000)))
        case 10: return Call(to: token, data: ERC20Token.transfer(to: other, amount: amount(2_000_000)))   // often more than held
        case 11: return Call(to: token, data: rng.next() % 3 == 0
                                ? ERC20Token.transferFrom(from: other, to: sender, amount: amount(1_000))
                                : ERC20Token.approve(spender: other, amount: amount(5_000)))
        case 12: return Call(to: suite.staking, data: StakingRewards.claim())
        default:
            // The sender's own position: deposit, borrow, repay, or withdraw a little (most
            // positions start close to the limit, so large withdrawals revert).
            switch rng.next() % 4 {
            case 0: return Call(to: suite.lending, data: LendingMarket.deposit(amount(10_000)))
            case 1: return Call(to: suite.lending, data: LendingMarket.borrow(amount(5_000)))
            case 2: return Call(to: suite.lending, data: LendingMarket.repay(amount(5_000)))
            default: return Call(to: suite.lending, data: LendingMarket.withdraw(amount(3_000)))
            }
        }
    }
}
