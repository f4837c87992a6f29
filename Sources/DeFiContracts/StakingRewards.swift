import EVMCore
import EVMAssembly

/// Staking with rewards (the accumulator pattern of MasterChef-style contracts): stakers lock a
/// stake token; anyone can fund rewards in a reward token, which are shared pro rata among the
/// current stakers.
///
/// - `stake(uint256)`, `unstake(uint256)`, `claim() → paid`, `notifyRewardAmount(uint256)`
///   (reverts while nothing is staked), `earned(address) → owed`, `stakeOf(address)`,
///   `totalStaked()`.
/// - Accounting: `acc += reward·10^12 / totalStaked` (floor; reverts if acc would reach
///   2^128); before any change of a user's stake `pending += stake·acc/10^12 − rewardDebt` and
///   `rewardDebt = stake·acc/10^12`. Amounts are non-zero and < 2^112.
///
/// Storage: 0 stake token, 1 reward token, 2 total staked, 3 acc (scaled 10^12);
/// `stake[a]` at `a`, `rewardDebt[a]` at `a + 2^160`, `pending[a]` at `a + 2·2^160`.
/// Invariants (stake ≠ reward token, no donations): Σ stake = total staked =
/// stakeToken.balanceOf(staking); Σ earned ≤ rewardToken.balanceOf(staking) (flooring only
/// ever leaves dust in the contract).
public enum StakingRewards {
    public static let accScale = UInt256(1_000_000_000_000)
    public static let stakeTokenSlot = UInt256(0), rewardTokenSlot = UInt256(1), totalStakedSlot = UInt256(2), accSlot = UInt256(3)

    public static let stakeSig = "stake(uint256)", unstakeSig = "unstake(uint256)", claimSig = "claim()"
    public static let notifySig = "notifyRewardAmount(uint256)", earnedSig = "earned(address)"
    public static let stakeOfSig = "stakeOf(address)", totalStakedSig = "totalStaked()"
    public static let eventTopic = ABI.topic("Staking(address,uint256,uint256)")

    public static func stake(_ amount: UInt256) -> [UInt8] { ABI.encode(stakeSig, [amount]) }
    public static func unstake(_ amount: UInt256) -> [UInt8] { ABI.encode(unstakeSig, [amount]) }
    public static func claim() -> [UInt8] { ABI.encode(claimSig, []) }
    public static func notifyRewardAmount(_ amount: UInt256) -> [UInt8] { ABI.encode(notifySig, [amount]) }
    public static func earned(_ a: Address) -> [UInt8] { ABI.encode(earnedSig, [a.word]) }
    public static func stakeOf(_ a: Address) -> [UInt8] { ABI.encode(stakeOfSig, [a.word]) }

    public static let layout = StakingLayout(stakeToken: stakeTokenSlot, rewardToken: rewardTokenSlot, totalStaked: totalStakedSlot,
                                             acc: accSlot, stakes: .ranged(0), rewardDebt: .ranged(1), pending: .ranged(2))

    /// Genesis storage: the stakes (acc = 0, so nothing is owed yet).
    public static func storage(stakeToken: Address, rewardToken: Address, stakes: [Address: UInt256]) -> [UInt256: UInt256] {
        layout.storage(stakeToken: stakeToken, rewardToken: rewardToken, stakes: stakes)
    }

    public static let code: [UInt8] = code()

    public static func code(faults: (any FaultHook)? = nil) -> [UInt8] {
        // Locals: 0 amount, 1 stake, 2 acc, 3 accrued (stake·acc/scale), 4 paid
        var a = Assembly()
        a.dispatch([(ABI.selector(stakeSig), "stake"), (ABI.selector(unstakeSig), "unstake"), (ABI.selector(claimSig), "claim"),
                    (ABI.selector(notifySig), "notify"), (ABI.selector(earnedSig), "earned"),
                    (ABI.selector(stakeOfSig), "stakeOf"), (ABI.selector(totalStakedSig), "totalStaked")])

        /// pending += stake·acc/scale − rewardDebt; rewardDebt = stake·acc/scale (for the caller).
        func settle(_ a: inout Assembly) {
            a += Asm.caller + .sload; a.setLocal(1)
            a.sload(3); a.setLocal(2)
            a += Asm.push(accScale); a.local(2); a.local(1); a += Asm.mul + .div; a.setLocal(3)
            a.callerSlot(2); a += Asm.sload
            a.callerSlot(1); a += Asm.sload; a.local(3); a += Asm.sub + .add      // pending + (accrued − debt)
            a.callerSlot(2); a += Asm.sstore
            a.local(3); a.callerSlot(1); a += Asm.sstore
        }
        /// rewardDebt = stake(local 1)·acc/scale.
        func resetDebt(_ a: inout Assembly) {
            a += Asm.push(accScale); a.local(2); a.local(1); a += Asm.mul + .div
            a.callerSlot(1); a += Asm.sstore
        }
        func emitEvent(_ a: inout Assembly) {
            a.emit(eventTopic, topics: [{ $0 += Asm.caller }], data: [{ $0.local(1) }, { $0.local(0) }])
        }

        a.label("stake")
        a.boundedArg(0, bits: 112); a += Asm.dup(1); a.require(); a.setLocal(0)
        settle(&a)
        a.callToken({ $0.sload(0) }, selector: ABI.selector(ERC20Token.transferFromSig),
                    [{ $0 += Asm.caller }, { $0 += Asm.address }, { $0.local(0) }])
        a.local(1); a.local(0); a += Asm.add; a.setLocal(1)
        a.local(1); a += Asm.caller + .sstore
        a.sload(2); a.local(0); a += Asm.add; a.sstore(2)
        resetDebt(&a)
        emitEvent(&a)
        a += Asm.stop

        a.label("unstake")
        a.arg(0); a += Asm.dup(1); a.require(); a.setLocal(0)
        settle(&a)
        a.local(1); a.local(0); a.greaterOrEqual(); a.require()
        a.local(0); a.local(1); a += Asm.sub; a.setLocal(1)
        a.local(1); a += Asm.caller + .sstore
        a.local(0); a.sload(2); a += Asm.sub; a.sstore(2)
        resetDebt(&a)
        a.callToken({ $0.sload(0) }, selector: ABI.selector(ERC20Token.transferSig), [{ $0 += Asm.caller }, { $0.local(0) }])
        emitEvent(&a)
        a += Asm.stop

        a.label("claim")
        settle(&a)
        a.callerSlot(2); a += Asm.sload; a.setLocal(4)
        if faults.value(at: .stakingClaimClearsPending, real: true) {
            a += Asm.push(0); a.callerSlot(2); a += Asm.sstore
        }
        a.callToken({ $0.sload(1) }, selector: ABI.selector(ERC20Token.transferSig), [{ $0 += Asm.caller }, { $0.local(4) }])
        a.local(4); a.returnWords(1)

        a.label("notify")
        a.boundedArg(0, bits: 112); a += Asm.dup(1); a.require(); a.setLocal(0)
        a.sload(2); a += Asm.dup(1); a.require(); a.setLocal(1)              // total staked > 0
        a.callToken({ $0.sload(1) }, selector: ABI.selector(ERC20Token.transferFromSig),
                    [{ $0 += Asm.caller }, { $0 += Asm.address }, { $0.local(0) }])
        a.local(1); a += Asm.push(accScale); a.local(0); a += Asm.mul + .div    // reward·scale / total
        a.sload(3); a += Asm.add
        a += Asm.dup(1); a.requireBelow(bits: 128)
        a.sstore(3)
        a += Asm.stop

        a.label("earned")
        a.addressArg(0); a.setLocal(4)
        a += Asm.push(accScale); a.sload(3); a.local(4); a += Asm.sload + .mul + .div      // stake·acc/scale
        a.localSlot(4, 1); a += Asm.sload; a += Asm.swap(1) + .sub                         // − rewardDebt
        a.localSlot(4, 2); a += Asm.sload + .add                                          // + pending
        a.returnWords(1)

        a.label("stakeOf")
        a.addressArg(0); a += Asm.sload; a.returnWords(1)
        a.label("totalStaked")
        a.sload(2); a.returnWords(1)

        a.failBlock()
        return assembled(a)
    }
}
