import EVMCore
import EVMAssembly

/// Shared macros of the sample contracts that are not general enough for `Assembly`.
extension Assembly {
    /// `a b → min(a, b)`.
    mutating func minimum() {
        let keep = uniqueLabel("min")
        self += Asm.dup(2) + .dup(2) + .gt   // b > a ?
        jumpi(to: keep)                       // yes: drop b
        self += Asm.swap(1)                   // no: drop a
        label(keep)
        self += Asm.pop
    }
    /// Pushes `SLOAD(slot)` for a constant slot.
    mutating func sload(_ slot: Int) { self += Asm.push(slot) + .sload }
    /// Pops the top of the stack into a constant slot.
    mutating func sstore(_ slot: Int) { self += Asm.push(slot) + .sstore }
    /// Pushes `CALLER + k·2^160`: slot of the caller's entry in the k-th per-account mapping.
    mutating func callerSlot(_ k: Int) {
        self += Asm.caller
        if k > 0 { self += Asm.push(UInt256(k).shiftedLeft(160)) + .add }
    }
    /// Pushes `local(i) + k·2^160`.
    mutating func localSlot(_ i: Int, _ k: Int) {
        local(i)
        if k > 0 { self += Asm.push(UInt256(k).shiftedLeft(160)) + .add }
    }
}

/// Slot of account `a`'s entry in the k-th per-account mapping of a sample contract:
/// `a + k·2^160` (k = 0 is the address itself). Entries of different mappings never collide,
/// and every slot in [16, 2^160) is a k = 0 entry (slots 0–15 hold configuration).
public func accountSlot(_ a: Address, _ k: Int = 0) -> UInt256 { a.word &+ UInt256(k).shiftedLeft(160) }

/// An ERC-20 token (the subset every DeFi contract here uses), as EVM bytecode.
///
/// Functions (Solidity ABI): `transfer(address,uint256)`, `approve(address,uint256)`,
/// `transferFrom(address,address,uint256)` (an allowance of 2^256−1 is infinite and never
/// decremented), `balanceOf(address)`, `allowance(address,address)`, `totalSupply()`. Each state
/// change emits the standard `Transfer`/`Approval` event; transfers return `true` and revert
/// (empty data) on a short balance or allowance, on an argument address ≥ 2^160 and on an
/// unknown selector. Self-transfers are allowed and change nothing but emit the event.
///
/// Storage: `balanceOf[a]` at slot `a` (< 2^160), `allowance[o][s]` at `keccak256(o ‖ s)`,
/// `totalSupply` at 2^160 + 0x5 (`totalSupplySlot`). There is no mint: genesis storage
/// (`storage(balances:allowances:)`) sets balances and the matching supply. Invariant: the
/// supply equals the sum of the slots below 2^160.
public enum ERC20Token {
    public static let totalSupplySlot = UInt256.one.shiftedLeft(160) &+ UInt256(5)
    public static func balanceSlot(_ a: Address) -> UInt256 { a.word }
    public static func allowanceSlot(owner: Address, spender: Address) -> UInt256 {
        Keccak256.hash(owner.word.bigEndianBytes + spender.word.bigEndianBytes).word
    }

    public static let transferTopic = ABI.topic("Transfer(address,address,uint256)")
    public static let approvalTopic = ABI.topic("Approval(address,address,uint256)")

    public static let transferSig = "transfer(address,uint256)"
    public static let approveSig = "approve(address,uint256)"
    public static let transferFromSig = "transferFrom(address,address,uint256)"
    public static let balanceOfSig = "balanceOf(address)"
    public static let allowanceSig = "allowance(address,address)"
    public static let totalSupplySig = "totalSupply()"

    // MARK: Calldata encoders
    public static func transfer(to: Address, amount: UInt256) -> [UInt8] { ABI.encode(transferSig, [to.word, amount]) }
    public static func approve(spender: Address, amount: UInt256) -> [UInt8] { ABI.encode(approveSig, [spender.word, amount]) }
    public static func transferFrom(from: Address, to: Address, amount: UInt256) -> [UInt8] {
        ABI.encode(transferFromSig, [from.word, to.word, amount])
    }
    public static func balanceOf(_ a: Address) -> [UInt8] { ABI.encode(balanceOfSig, [a.word]) }
    public static func allowance(owner: Address, spender: Address) -> [UInt8] { ABI.encode(allowanceSig, [owner.word, spender.word]) }
    public static func totalSupply() -> [UInt8] { ABI.encode(totalSupplySig, []) }

    /// The storage layout (balances by range, so `DeFiLedger` can list them).
    public static let layout = TokenLayout(balances: .ranged(0), allowances: nil, totalSupply: totalSupplySlot)

    /// Genesis storage: the balances, the allowances and the supply (their sum, wrapping — keep
    /// balances small enough that it does not).
    public static func storage(balances: [Address: UInt256], allowances: [(owner: Address, spender: Address, amount: UInt256)] = [])
        -> [UInt256: UInt256] {
        layout.storage(balances: balances, allowances: allowances)
    }

    public static let code: [UInt8] = code()

    /// The runtime bytecode.
    public static func code(faults: (any FaultHook)? = nil) -> [UInt8] {
        // Locals: 0 from, 1 to, 2 amount, 3 allowance slot, 4 allowance, 5 balance of from.
        var a = Assembly()
        a.dispatch([(ABI.selector(transferSig), "transfer"), (ABI.selector(approveSig), "approve"),
                    (ABI.selector(transferFromSig), "transferFrom"), (ABI.selector(balanceOfSig), "balanceOf"),
                    (ABI.selector(allowanceSig), "allowance"), (ABI.selector(totalSupplySig), "totalSupply")])

        a.label("transfer")
        a += Asm.caller; a.setLocal(0)
        a.addressArg(0); a.setLocal(1)
        a.arg(1); a.setLocal(2)
        move(&a, faults: faults)
        a.returnTrue()

        a.label("transferFrom")
        a.addressArg(0); a.setLocal(0)
        a.addressArg(1); a.setLocal(1)
        a.arg(2); a.setLocal(2)
        a.hashPair({ $0.local(0) }, { $0 += Asm.caller })
        a.setLocal(3)
        a.local(3); a += Asm.sload; a.setLocal(4)
        a.local(4); a.local(2); a.greaterOrEqual(); a.require()        // allowance ≥ amount
        a.local(4); a += Asm.push(.max) + .eq
        a.jumpi(to: "infinite")
        a.local(2); a.local(4); a += Asm.sub                            // allowance − amount
        a.local(3); a += Asm.sstore
        a.label("infinite")
        move(&a, faults: faults)
        a.returnTrue()

        a.label("approve")
        a.addressArg(0); a.setLocal(1)
        a.arg(1); a.setLocal(2)
        a.local(2)
        a.hashPair({ $0 += Asm.caller }, { $0.local(1) })
        a += Asm.sstore
        a.emit(approvalTopic, topics: [{ $0 += Asm.caller }, { $0.local(1) }], data: [{ $0.local(2) }])
        a.returnTrue()

        a.label("balanceOf")
        a.addressArg(0); a += Asm.sload
        a.returnWords(1)

        a.label("allowance")
        a.hashPair({ $0.addressArg(0) }, { $0.addressArg(1) })
        a += Asm.sload
        a.returnWords(1)

        a.label("totalSupply")
        a += Asm.push(totalSupplySlot) + .sload
        a.returnWords(1)

        a.failBlock()
        return assembled(a)
    }

    /// balance[from] −= amount (checked), balance[to] += amount, `Transfer` event; locals 0–2
    /// hold from, to, amount. The recipient's balance is read after the sender's is written, so
    /// a self-transfer is a no-op.
    static func move(_ a: inout Assembly, faults: (any FaultHook)?) {
        a.local(0); a += Asm.sload; a.setLocal(5)
        if faults.value(at: .erc20BalanceCheck, real: true) {
            a.local(5); a.local(2); a.greaterOrEqual(); a.require()
        }
        a.local(2); a.local(5); a += Asm.sub
        a.local(0); a += Asm.sstore
        a.local(2); a.local(1); a += Asm.sload + .add
        a.local(1); a += Asm.sstore
        a.emit(transferTopic, topics: [{ $0.local(0) }, { $0.local(1) }], data: [{ $0.local(2) }])
    }
}

extension FaultPoint where Value == Bool {
    /// `ERC20Token`: whether `transfer`/`transferFrom` check the sender's balance.
    public static var erc20BalanceCheck: FaultPoint<Bool> { FaultPoint("ERC20Token.balanceCheck") }
    /// `LendingMarket`: whether `repay` lowers the total debt.
    public static var lendingRepayLowersTotalDebt: FaultPoint<Bool> { FaultPoint("LendingMarket.repayLowersTotalDebt") }
    /// `StakingRewards`: whether `claim` clears the pending reward.
    public static var stakingClaimClearsPending: FaultPoint<Bool> { FaultPoint("StakingRewards.claimClearsPending") }
}

extension FaultPoint where Value == [Int] {
    /// `ConstantProductPool`: the locals holding (reserve in, reserve out) in `swap`.
    public static var poolReserveLocals: FaultPoint<[Int]> { FaultPoint("ConstantProductPool.reserveLocals") }
}

extension FaultPoint where Value == String {
    /// `VyperERC20`: the `VyperBytecode` entry deployed as the Vyper token.
    public static var vyperTokenContract: FaultPoint<String> { FaultPoint("VyperERC20.contract") }
}
