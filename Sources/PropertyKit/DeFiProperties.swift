import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import DeFiContracts
import EVMAssembly
import Generators
import PlantedFaults

/// Reads the DeFi contracts' bookkeeping out of a state (storage layouts documented on each
/// contract) so the properties can state their invariants. Every invariant is inductive: the
/// properties check it after a block only when it held before (a shrunk pre-state that lost a
/// contract, or a hand-made one, is simply not an input the invariant speaks about).
public struct DeFiLedger {
    public let state: InMemoryState
    public init(_ state: InMemoryState) { self.state = state }

    static let addressBound = UInt256.one.shiftedLeft(160)

    func present(_ a: Address) -> Bool { state.account(a)?.hasCode == true }
    func slot(_ a: Address, _ k: UInt256) -> UInt256 { state.storage(a, k) }
    func address(_ a: Address, _ k: UInt256) -> Address { Address(truncating: slot(a, k)) }
    /// Entries of `a`'s storage in the k-th per-account mapping, by account. For the pool, the
    /// market and staking, slots 0–15 are configuration (token addresses, totals), not accounts
    /// (`configSlots`): their k = 0 entries are keyed by `CALLER`, never a precompile 0x0–0xf.
    /// A token has no configuration there: anyone can send tokens to 0x1.
    func mapping(_ a: Address, _ k: Int, configSlots: Bool = true) -> [Address: UInt256] {
        var out: [Address: UInt256] = [:]
        let lo = UInt256(k).shiftedLeft(160) &+ UInt256(k == 0 && configSlots ? 16 : 0), hi = UInt256(k + 1).shiftedLeft(160)
        for (key, v) in state.storage[a] ?? [:] where !(key < lo) && key < hi && !v.isZero {
            out[Address(truncating: key)] = v
        }
        return out
    }
    func sum(_ m: [Address: UInt256]) -> WideSum {
        var s = WideSum()
        for v in m.values { s.add(v) }
        return s
    }
    func wide(_ v: UInt256) -> WideSum { var s = WideSum(); s.add(v); return s }
    func balance(_ token: Address, _ holder: Address) -> UInt256 { slot(token, ERC20Token.balanceSlot(holder)) }

    /// Token: supply = Σ balances. Nil when it holds.
    public func tokenSupplyMismatch(_ token: Address) -> (supply: String, sum: String)? {
        guard present(token) else { return nil }
        if token == DeFiWorld.vyperToken {
            // Hashed layout: Σ over the balance slots of every account in the state.
            var total = WideSum()
            for a in state.accounts.keys { total.add(slot(token, VyperERC20.balanceSlot(a))) }
            let supply = wide(slot(token, VyperERC20.totalSupplySlot))
            return supply == total ? nil : (supply.description, total.description)
        }
        let supply = wide(slot(token, ERC20Token.totalSupplySlot)), total = sum(mapping(token, 0, configSlots: false))
        return supply == total ? nil : (supply.description, total.description)
    }

    /// Pool: reserves = the pool's token balances, Σ shares = total shares.
    public func poolMismatch(_ pool: Address) -> ResultDifference? {
        guard present(pool) else { return nil }
        for (i, k) in [(0, ConstantProductPool.reserve0Slot), (1, ConstantProductPool.reserve1Slot)] {
            let token = address(pool, UInt256(i))
            let r = slot(pool, k), b = balance(token, pool)
            if r != b { return ResultDifference(field: "pool \(pool) reserve\(i) vs token \(token) balance", expected: b.decimalString, actual: r.decimalString) }
        }
        let s = sum(mapping(pool, 0)), total = wide(slot(pool, ConstantProductPool.totalSharesSlot))
        if s != total { return ResultDifference(field: "pool \(pool) Σ shares vs total shares", expected: total.description, actual: s.description) }
        return nil
    }

    /// Lending: Σ collateral = total = collateral held; Σ debt = total debt.
    public func lendingMismatch(_ market: Address) -> ResultDifference? {
        guard present(market) else { return nil }
        let tc = slot(market, LendingMarket.totalCollateralSlot), td = slot(market, LendingMarket.totalDebtSlot)
        let sc = sum(mapping(market, 0)), sd = sum(mapping(market, 1))
        if sc != wide(tc) { return ResultDifference(field: "market \(market) Σ collateral vs total", expected: wide(tc).description, actual: sc.description) }
        if sd != wide(td) { return ResultDifference(field: "market \(market) Σ debt vs total debt", expected: wide(td).description, actual: sd.description) }
        let ct = address(market, LendingMarket.collateralTokenSlot)
        if ct != address(market, LendingMarket.debtTokenSlot), balance(ct, market) != tc {
            return ResultDifference(field: "market \(market) collateral held vs total", expected: tc.decimalString, actual: balance(ct, market).decimalString)
        }
        return nil
    }
    /// Lending: debt-token cash + total debt (constant across blocks without donations).
    public func lendingFunds(_ market: Address) -> WideSum {
        var s = wide(slot(market, LendingMarket.totalDebtSlot))
        s.add(balance(address(market, LendingMarket.debtTokenSlot), market))
        return s
    }

    /// Staking: Σ stake = total = stake tokens held; Σ earned ≤ reward tokens held.
    public func stakingMismatch(_ staking: Address) -> ResultDifference? {
        guard present(staking) else { return nil }
        let stakes = mapping(staking, 0), debts = mapping(staking, 1), pending = mapping(staking, 2)
        let total = slot(staking, StakingRewards.totalStakedSlot)
        if sum(stakes) != wide(total) {
            return ResultDifference(field: "staking \(staking) Σ stake vs total", expected: wide(total).description, actual: sum(stakes).description)
        }
        let st = address(staking, StakingRewards.stakeTokenSlot), rt = address(staking, StakingRewards.rewardTokenSlot)
        guard st != rt else { return nil }
        if balance(st, staking) != total {
            return ResultDifference(field: "staking \(staking) stake tokens held vs total", expected: total.decimalString,
                                    actual: balance(st, staking).decimalString)
        }
        let acc = slot(staking, StakingRewards.accSlot)
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

/// `amm_invariants`: for the DeFi pool, (1) replaying its `Swap`/`Mint`/`Burn` events in order
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
        let pool = DeFiWorld.pool
        guard DeFiLedger(pre).poolMismatch(pool) == nil, pre.account(pool)?.hasCode == true else { return nil }
        var r0 = pre.storage(pool, ConstantProductPool.reserve0Slot), r1 = pre.storage(pool, ConstantProductPool.reserve1Slot)
        var s = pre.storage(pool, ConstantProductPool.totalSharesSlot)
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
                        return ResultDifference(field: "tx \(i) swap: pool k = r0·r1", expected: "≥ \(r0.decimalString)·\(r1.decimalString)",
                                                actual: "\(n0.decimalString)·\(n1.decimalString)")
                    }
                case ConstantProductPool.mintTopic: (n0, n1, ns) = (r0 &+ w[0], r1 &+ w[1], s &+ w[2])
                case ConstantProductPool.burnTopic: (n0, n1, ns) = (r0 &- w[1], r1 &- w[2], s &- w[0])
                default: continue
                }
                if topic != ConstantProductPool.swapTopic, !s.isZero,
                   less(product(n0, s), product(r0, ns)) || less(product(n1, s), product(r1, ns)) {
                    return ResultDifference(field: "tx \(i) liquidity change: reserves per share", expected: "non-decreasing",
                                            actual: "r0 \(r0.decimalString)→\(n0.decimalString), r1 \(r1.decimalString)→\(n1.decimalString), S \(s.decimalString)→\(ns.decimalString)")
                }
                (r0, r1, s) = (n0, n1, ns)
            }
        }
        let p0 = post.storage(pool, ConstantProductPool.reserve0Slot), p1 = post.storage(pool, ConstantProductPool.reserve1Slot)
        if p0 != r0 || p1 != r1 {
            return ResultDifference(field: "pool reserves vs its events", expected: "\(r0.decimalString), \(r1.decimalString)",
                                    actual: "\(p0.decimalString), \(p1.decimalString)")
        }
        return DeFiLedger(post).poolMismatch(pool)
    }
}

/// `lending_solvency`: the market's bookkeeping (Σ collateral = total collateral = collateral
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
        let m = DeFiWorld.lending
        let before = DeFiLedger(pre), after = DeFiLedger(post)
        guard before.present(m), before.lendingMismatch(m) == nil else { return nil }
        if let d = after.lendingMismatch(m) { return d }
        let f0 = before.lendingFunds(m), f1 = after.lendingFunds(m)
        return f0 == f1 ? nil : ResultDifference(field: "market \(m) debt-token cash + total debt", expected: f0.description, actual: f1.description)
    }
}

/// `staking_solvency`: Σ stake = total staked = stake tokens held, and the rewards owed to all
/// stakers never exceed the reward tokens the contract holds.
public struct StakingSolvencyProperty: BlockProperty, InvariantProperty {
    public let name = "staking_solvency"
    public var generator: BlockGenerator
    public var variant: ExecutorVariant
    public init(generator: BlockGenerator = .defi(), variant: ExecutorVariant = .reference) {
        self.generator = generator; self.variant = variant
    }

    func violation(pre: InMemoryState, post: InMemoryState, result: BlockResult, input: BlockInput) -> ResultDifference? {
        guard DeFiLedger(pre).present(DeFiWorld.staking), DeFiLedger(pre).stakingMismatch(DeFiWorld.staking) == nil else { return nil }
        return DeFiLedger(post).stakingMismatch(DeFiWorld.staking)
    }
}
