import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import DeFiContracts
import EVMAssembly
import Generators
import PlantedFaults

/// Reads the DeFi contracts' bookkeeping out of a state (storage layouts documented on each
/// contract, `DeFiSuite` gives the layout of each deployment) so the properties can state their
/// invariants. Every invariant is inductive: the properties check it after a block only when it
/// held before (a shrunk pre-state that lost a contract, or a hand-made one, is simply not an
/// input the invariant speaks about).
///
/// A hashed (Vyper) mapping cannot be listed: its entries are found for the accounts of the
/// state and the world's contracts and genesis provider (`holders`), which is every address the
/// generated calls credit (they send only to their senders and the contracts).
public struct DeFiLedger {
    public let state: InMemoryState
    /// Every address a hashed mapping is probed for.
    let holders: [Address]
    public init(_ state: InMemoryState) {
        self.state = state
        holders = Set(state.accounts.keys).union(DeFiWorld.contracts).union([DeFiWorld.liquidityProvider]).sorted()
    }

    func present(_ a: Address) -> Bool { state.account(a)?.hasCode == true }
    func slot(_ a: Address, _ k: UInt256) -> UInt256 { state.storage(a, k) }
    func address(_ a: Address, _ k: UInt256) -> Address { Address(truncating: slot(a, k)) }
    /// The non-zero entries of `a`'s per-account mapping `m`, by account. For a ranged mapping
    /// k = 0 of the pool, the market and staking, slots 0–15 are configuration (token addresses,
    /// totals), not accounts (`configSlots`): their k = 0 entries are keyed by `CALLER`, never a
    /// precompile 0x0–0xf. A token has no configuration there: anyone can send tokens to 0x1.
    func entries(_ a: Address, _ m: AccountMapping, configSlots: Bool = true) -> [Address: UInt256] {
        var out: [Address: UInt256] = [:]
        switch m {
        case .ranged(let k):
            let lo = UInt256(k).shiftedLeft(160) &+ UInt256(k == 0 && configSlots ? 16 : 0), hi = UInt256(k + 1).shiftedLeft(160)
            for (key, v) in state.storage[a] ?? [:] where !(key < lo) && key < hi && !v.isZero {
                out[Address(truncating: key)] = v
            }
        case .hashed:
            guard let stored = state.storage[a], !stored.isEmpty else { return out }
            for h in holders {
                if let v = stored[m.slot(h)], !v.isZero { out[h] = v }
            }
        }
        return out
    }
    func sum(_ m: [Address: UInt256]) -> WideSum {
        var s = WideSum()
        for v in m.values { s.add(v) }
        return s
    }
    func wide(_ v: UInt256) -> WideSum { var s = WideSum(); s.add(v); return s }
    /// The layout of the token at `token` (a compiled suite's tokens are Vyper's; anything else
    /// is read as the assembled token).
    func tokenLayout(_ token: Address) -> TokenLayout { DeFiWorld.compiled.tokens.contains(token) ? DeFiWorld.compiled.token : DeFiWorld.assembled.token }
    func balance(_ token: Address, _ holder: Address) -> UInt256 { slot(token, tokenLayout(token).balances.slot(holder)) }
    func suite(_ contract: Address) -> DeFiSuite { DeFiWorld.suite(of: contract) ?? DeFiWorld.assembled }

    /// Token: supply = Σ balances. Nil when it holds.
    public func tokenSupplyMismatch(_ token: Address) -> (supply: String, sum: String)? {
        guard present(token) else { return nil }
        let layout = tokenLayout(token)
        let supply = wide(slot(token, layout.totalSupply)), total = sum(entries(token, layout.balances, configSlots: false))
        return supply == total ? nil : (supply.description, total.description)
    }

    /// Pool: reserves = the pool's token balances, Σ shares = total shares.
    public func poolMismatch(_ pool: Address) -> ResultDifference? {
        guard present(pool) else { return nil }
        let l = suite(pool).poolLayout
        for (i, t, k) in [(0, l.token0, l.reserve0), (1, l.token1, l.reserve1)] {
            let token = address(pool, t)
            let r = slot(pool, k), b = balance(token, pool)
            if r != b { return ResultDifference(field: "pool \(pool) reserve\(i) vs token \(token) balance", expected: b.decimalString, actual: r.decimalString) }
        }
        let s = sum(entries(pool, l.shares)), total = wide(slot(pool, l.totalShares))
        if s != total { return ResultDifference(field: "pool \(pool) Σ shares vs total shares", expected: total.description, actual: s.description) }
        return nil
    }

    /// Lending: Σ collateral = total = collateral held; Σ debt = total debt.
    public func lendingMismatch(_ market: Address) -> ResultDifference? {
        guard present(market) else { return nil }
        let l = suite(market).lendingLayout
        let tc = slot(market, l.totalCollateral), td = slot(market, l.totalDebt)
        let sc = sum(entries(market, l.collateral)), sd = sum(entries(market, l.debt))
        if sc != wide(tc) { return ResultDifference(field: "market \(market) Σ collateral vs total", expected: wide(tc).description, actual: sc.description) }
        if sd != wide(td) { return ResultDifference(field: "market \(market) Σ debt vs total debt", expected: wide(td).description, actual: sd.description) }
        let ct = address(market, l.collateralToken)
        if ct != address(market, l.debtToken), balance(ct, market) != tc {
            return ResultDifference(field: "market \(market) collateral held vs total", expected: tc.decimalString, actual: balance(ct, market).decimalString)
        }
        return nil
    }
    /// Lending: debt-token cash + total debt (constant across blocks without donations).
    public func lendingFunds(_ market: Address) -> WideSum {
        let l = suite(market).lendingLayout
        var s = wide(slot(market, l.totalDebt))
        s.add(balance(address(market, l.debtToken), market))
        return s
    }

    /// Staking: Σ stake = total = stake tokens held; Σ earned ≤ reward tokens held.
    public func stakingMismatch(_ staking: Address) -> ResultDifference? {
        guard present(staking) else { return nil }
        let l = suite(staking).stakingLayout
        let stakes = entries(staking, l.stakes), debts = entries(staking, l.rewardDebt), pending = entries(staking, l.pending)
        let total = slot(staking, l.totalStaked)
        if sum(stakes) != wide(total) {
            return ResultDifference(field: "staking \(staking) Σ stake vs total", expected: wide(total).description, actual: sum(stakes).description)
        }
        let st = address(staking, l.stakeToken), rt = address(staking, l.rewardToken)
        guard st != rt else { return nil }
        if balance(st, staking) != total {
            return ResultDifference(field: "staking \(staking) stake tokens held vs total", expected: total.decimalString,
                                    actual: balance(st, staking).decimalString)
        }
        let acc = slot(staking, l.acc)
        var owed = WideSum()
        for u in Set(stakes.keys).union(debts.keys).union(pending.keys).sorted() {
            let accrued = ((stakes[u] ?? .zero) &* acc).quotientAndRemainder(dividingBy: StakingRewards.accScale).quotient
            owed.add(accrued &- (debts[u] ?? .zero))
            owed.add(pending[u] ?? .zero)
        }
        let held = wide(balance(rt, staking))
        if held < owed {
            return ResultDifference(field: "staking \(staking) rewards owed ≤ reward tokens held", expected: "≤ \(held)", actual: owed.description)
        }
        return nil
    }
}

extension WideSum: Comparable {
    public static func < (a: WideSum, b: WideSum) -> Bool { a.high != b.high ? a.high < b.high : a.low < b.low }
}

extension BlockGenerator {
    /// The generator the DeFi properties use by default: mostly DeFi calls (80%), eight senders,
    /// half of the transactions hot; `faults` plants test-only contract bugs.
    public static func defi(_ faults: (any FaultHook)? = nil) -> BlockGenerator {
        var g = BlockGenerator(minTransactions: 2, maxTransactions: 40, senders: 8, conflictRate: 0.5)
        g.defiRate = 0.8
        g.faults = faults
        return g
    }
}

/// Shared shape of the DeFi invariant properties: execute the block with the variant, and
/// compare `invariant` on the post-state when it held on the pre-state.
protocol InvariantProperty: BlockProperty {
    func violation(pre: InMemoryState, post: InMemoryState, result: BlockResult, input: BlockInput) -> ResultDifference?
}

extension InvariantProperty {
    public var shrinksCode: Bool { false }
    public func check(_ input: BlockInput, seed: UInt64) -> Violation? {
        let result = variant.execute(input)
        let post = input.pre.copy()
        post.apply(result.diff)
        guard let d = violation(pre: input.pre, post: post, result: result, input: input) else { return nil }
        return Violation(difference: d, expected: ResultSide(stateRoot: input.pre.stateRoot().hexString, receipts: []),
                         actual: ResultSide(result), trace: nil)
    }
}

/// `amm_invariants`: for each DeFi pool (the assembled and the compiled one), (1) replaying its `Swap`/`Mint`/`Burn` events in order
/// from the pre-state reserves, no swap decreases r0·r1 and no mint/burn decreases r_i/S;
/// (2) the replayed reserves are the post-state reserves; (3) the reserves equal the pool's
/// token balances and Σ shares = total shares.
public struct AMMInvariantsProperty: BlockProperty, InvariantProperty {
    public let name = "amm_invariants"
    public var generator: BlockGenerator
    public var variant: ExecutorVariant
    public init(generator: BlockGenerator = .defi(), variant: ExecutorVariant = .reference) {
        self.generator = generator; self.variant = variant
    }

    func violation(pre: InMemoryState, post: InMemoryState, result: BlockResult, input: BlockInput) -> ResultDifference? {
        for suite in DeFiWorld.suites {
            if let d = violation(suite.pool, suite.poolLayout, pre: pre, post: post, result: result) { return d }
        }
        return nil
    }

    func violation(_ pool: Address, _ layout: PoolLayout, pre: InMemoryState, post: InMemoryState, result: BlockResult) -> ResultDifference? {
        guard DeFiLedger(pre).poolMismatch(pool) == nil, pre.account(pool)?.hasCode == true else { return nil }
        var r0 = pre.storage(pool, layout.reserve0), r1 = pre.storage(pool, layout.reserve1)
        var s = pre.storage(pool, layout.totalShares)
        func product(_ a: UInt256, _ b: UInt256) -> (UInt256, UInt256) { let p = a.multipliedFullWidth(by: b); return (p.high, p.low) }
        func less(_ x: (UInt256, UInt256), _ y: (UInt256, UInt256)) -> Bool { x.0 != y.0 ? x.0 < y.0 : x.1 < y.1 }
        for (i, o) in result.outcomes.enumerated() {
            guard let r = o.receipt else { continue }
            for log in r.logs where log.address == pool {
                let w = ABI.words(log.data)
                guard w.count == 3, let topic = log.topics.first else { continue }
                let (n0, n1, ns): (UInt256, UInt256, UInt256)
                switch topic {
                case ConstantProductPool.swapTopic:
                    (n0, n1) = w[0].isZero ? (r0 &- w[2], r1 &+ w[1]) : (r0 &+ w[1], r1 &- w[2])
                    ns = s
                    if less(product(n0, n1), product(r0, r1)) {
                        return ResultDifference(field: "tx \(i) swap: pool \(pool) k = r0·r1", expected: "≥ \(r0.decimalString)·\(r1.decimalString)",
                                                actual: "\(n0.decimalString)·\(n1.decimalString)")
                    }
                case ConstantProductPool.mintTopic: (n0, n1, ns) = (r0 &+ w[0], r1 &+ w[1], s &+ w[2])
                case ConstantProductPool.burnTopic: (n0, n1, ns) = (r0 &- w[1], r1 &- w[2], s &- w[0])
                default: continue
                }
                if topic != ConstantProductPool.swapTopic, !s.isZero,
                   less(product(n0, s), product(r0, ns)) || less(product(n1, s), product(r1, ns)) {
                    return ResultDifference(field: "tx \(i) liquidity change: pool \(pool) reserves per share", expected: "non-decreasing",
                                            actual: "r0 \(r0.decimalString)→\(n0.decimalString), r1 \(r1.decimalString)→\(n1.decimalString), S \(s.decimalString)→\(ns.decimalString)")
                }
                (r0, r1, s) = (n0, n1, ns)
            }
        }
        let p0 = post.storage(pool, layout.reserve0), p1 = post.storage(pool, layout.reserve1)
        if p0 != r0 || p1 != r1 {
            return ResultDifference(field: "pool \(pool) reserves vs its events", expected: "\(r0.decimalString), \(r1.decimalString)",
                                    actual: "\(p0.decimalString), \(p1.decimalString)")
        }
        return DeFiLedger(post).poolMismatch(pool)
    }
}

/// `lending_solvency`: for each market (assembled and compiled), the market's bookkeeping (Σ collateral = total collateral = collateral
/// held, Σ debt = total debt) holds after the block, and debt-token cash + total debt is what it
/// was before (loans, repayments and liquidations move equal amounts between them).
public struct LendingSolvencyProperty: BlockProperty, InvariantProperty {
    public let name = "lending_solvency"
    public var generator: BlockGenerator
    public var variant: ExecutorVariant
    public init(generator: BlockGenerator = .defi(), variant: ExecutorVariant = .reference) {
        self.generator = generator; self.variant = variant
    }

    func violation(pre: InMemoryState, post: InMemoryState, result: BlockResult, input: BlockInput) -> ResultDifference? {
        let before = DeFiLedger(pre), after = DeFiLedger(post)
        for m in DeFiWorld.suites.map(\.lending) {
            guard before.present(m), before.lendingMismatch(m) == nil else { continue }
            if let d = after.lendingMismatch(m) { return d }
            let f0 = before.lendingFunds(m), f1 = after.lendingFunds(m)
            if f0 != f1 { return ResultDifference(field: "market \(m) debt-token cash + total debt", expected: f0.description, actual: f1.description) }
        }
        return nil
    }
}

/// `staking_solvency`: for each staking contract (assembled and compiled), Σ stake = total staked = stake tokens held, and the rewards owed to all
/// stakers never exceed the reward tokens the contract holds.
public struct StakingSolvencyProperty: BlockProperty, InvariantProperty {
    public let name = "staking_solvency"
    public var generator: BlockGenerator
    public var variant: ExecutorVariant
    public init(generator: BlockGenerator = .defi(), variant: ExecutorVariant = .reference) {
        self.generator = generator; self.variant = variant
    }

    func violation(pre: InMemoryState, post: InMemoryState, result: BlockResult, input: BlockInput) -> ResultDifference? {
        let before = DeFiLedger(pre), after = DeFiLedger(post)
        for st in DeFiWorld.suites.map(\.staking) where before.present(st) && before.stakingMismatch(st) == nil {
            if let d = after.stakingMismatch(st) { return d }
        }
        return nil
    }
}
