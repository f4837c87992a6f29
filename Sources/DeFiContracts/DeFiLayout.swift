import EVMCore

/// Where a DeFi contract keeps a per-account mapping.
///
/// - `ranged(k)`: the hand-assembled contracts, `accountSlot(a, k)` = a + k·2^160; every entry
///   lies in [k·2^160, (k+1)·2^160), so the entries can be listed by a range scan.
/// - `hashed(slot)`: a Vyper `HashMap[address, uint256]` at storage slot `slot`, entry at
///   keccak256(slot ‖ a) (slot first: the reverse of Solidity). The entries can only be found
///   for known accounts (`DeFiLedger` tries every account of the state and the world's
///   contracts).
public enum AccountMapping: Sendable, Equatable, Hashable {
    case ranged(Int)
    case hashed(UInt256)

    public func slot(_ a: Address) -> UInt256 {
        switch self {
        case .ranged(let k): return accountSlot(a, k)
        case .hashed(let s): return hashedEntry(s, a.word)
        }
    }
}

/// keccak256(slot ‖ key), both as 32-byte words: a Vyper `HashMap` entry.
func hashedEntry(_ slot: UInt256, _ key: UInt256) -> UInt256 {
    Keccak256.hash(slot.bigEndianBytes + key.bigEndianBytes).word
}

/// Storage layout of an ERC-20 (`ERC20Token.layout`, `VyperContract.erc20.tokenLayout`) and its
/// genesis storage. `allowances` nil is the assembled token's keccak256(owner ‖ spender); a slot
/// is Vyper's nested `HashMap` at keccak256(keccak256(slot ‖ owner) ‖ spender).
public struct TokenLayout: Sendable, Equatable {
    public var balances: AccountMapping
    public var allowances: UInt256?
    public var totalSupply: UInt256

    public func allowanceSlot(owner: Address, spender: Address) -> UInt256 {
        guard let s = allowances else { return Keccak256.hash(owner.word.bigEndianBytes + spender.word.bigEndianBytes).word }
        return hashedEntry(hashedEntry(s, owner.word), spender.word)
    }

    /// Genesis storage: the balances, the allowances and a supply equal to Σ balances (wrapping:
    /// keep the sum below 2^256).
    public func storage(balances: [Address: UInt256],
                        allowances: [(owner: Address, spender: Address, amount: UInt256)] = []) -> [UInt256: UInt256] {
        var s: [UInt256: UInt256] = [:]
        var supply = UInt256.zero
        for (a, b) in balances where !b.isZero {
            s[self.balances.slot(a)] = b
            supply = supply &+ b
        }
        for (o, sp, amount) in allowances where !amount.isZero { s[allowanceSlot(owner: o, spender: sp)] = amount }
        if !supply.isZero { s[totalSupply] = supply }
        return s
    }
}

/// Storage layout of a constant-product pool (`ConstantProductPool`, `VyperContract.pool`).
public struct PoolLayout: Sendable, Equatable {
    public var token0: UInt256, token1: UInt256, reserve0: UInt256, reserve1: UInt256, totalShares: UInt256
    public var shares: AccountMapping

    /// Genesis storage of a pool holding reserves r0, r1 whose shares belong to `shares` (the
    /// total is their sum).
    public func storage(token0 t0: Address, token1 t1: Address, reserve0 r0: UInt256, reserve1 r1: UInt256,
                        shares held: [Address: UInt256]) -> [UInt256: UInt256] {
        var s: [UInt256: UInt256] = [token0: t0.word, token1: t1.word]
        if !r0.isZero { s[reserve0] = r0 }
        if !r1.isZero { s[reserve1] = r1 }
        var total = UInt256.zero
        for (a, v) in held where !v.isZero { s[shares.slot(a)] = v; total = total &+ v }
        if !total.isZero { s[totalShares] = total }
        return s
    }
}

/// Storage layout of a lending market (`LendingMarket`, `VyperContract.lending`).
public struct LendingLayout: Sendable, Equatable {
    public var collateralToken: UInt256, debtToken: UInt256, oracle: UInt256, totalCollateral: UInt256, totalDebt: UInt256
    public var collateral: AccountMapping, debt: AccountMapping

    /// Genesis storage with the given positions (the totals are their sums).
    public func storage(collateralToken c: Address, debtToken d: Address, oracle o: Address,
                        positions: [Address: (collateral: UInt256, debt: UInt256)]) -> [UInt256: UInt256] {
        var s: [UInt256: UInt256] = [collateralToken: c.word, debtToken: d.word, oracle: o.word]
        var tc = UInt256.zero, td = UInt256.zero
        for (a, p) in positions {
            if !p.collateral.isZero { s[collateral.slot(a)] = p.collateral; tc = tc &+ p.collateral }
            if !p.debt.isZero { s[debt.slot(a)] = p.debt; td = td &+ p.debt }
        }
        if !tc.isZero { s[totalCollateral] = tc }
        if !td.isZero { s[totalDebt] = td }
        return s
    }
}

/// Storage layout of a staking contract (`StakingRewards`, `VyperContract.staking`); both use
/// the accumulator scaled by `StakingRewards.accScale`.
public struct StakingLayout: Sendable, Equatable {
    public var stakeToken: UInt256, rewardToken: UInt256, totalStaked: UInt256, acc: UInt256
    public var stakes: AccountMapping, rewardDebt: AccountMapping, pending: AccountMapping

    /// Genesis storage: the stakes (acc = 0, so nothing is owed yet).
    public func storage(stakeToken st: Address, rewardToken rt: Address, stakes held: [Address: UInt256]) -> [UInt256: UInt256] {
        var s: [UInt256: UInt256] = [stakeToken: st.word, rewardToken: rt.word]
        var total = UInt256.zero
        for (a, v) in held where !v.isZero { s[stakes.slot(a)] = v; total = total &+ v }
        if !total.isZero { s[totalStaked] = total }
        return s
    }
}

/// One deployment of the four DeFi contracts of `DeFiWorld` (two tokens, a pool over them, a
/// lending market with A as collateral and B as debt, staking A for rewards in B), with their
/// layouts: the hand-assembled suite (`DeFiWorld.assembled`) or the compiled Vyper one
/// (`DeFiWorld.compiled`). Both suites share the ABIs and events, so the same calldata drives
/// either, and the properties read either through the layouts.
public struct DeFiSuite: Sendable, Equatable {
    public var name: String
    public var tokenA: Address, tokenB: Address, pool: Address, lending: Address, staking: Address
    public var token: TokenLayout
    public var poolLayout: PoolLayout
    public var lendingLayout: LendingLayout
    public var stakingLayout: StakingLayout
    public var tokens: [Address] { [tokenA, tokenB] }
    public var contracts: [Address] { [tokenA, tokenB, pool, lending, staking] }
}
