import EVMCore
import EVMAssembly

/// An over-collateralised lending market: collateral in one `ERC20Token`, debt in another,
/// priced by a `PriceOracle` (debt units per collateral unit, scaled by 10^8).
///
/// - `deposit(uint256)`, `withdraw(uint256)`, `borrow(uint256)`, `repay(uint256)`,
///   `liquidate(address user, uint256 repayAmount)`, `positionOf(address) → (collateral, debt)`,
///   `totals() → (totalCollateral, totalDebt)`.
/// - Healthy: `collateral·price·75 ≥ debt·10^8·100` (75% loan-to-value). `withdraw` with debt and
///   `borrow` require the position to stay healthy; `liquidate` requires it to be unhealthy and
///   seizes `repay·10^8·110 / (price·100)` collateral (10% bonus), capped at the collateral.
/// - Every price read requires a fresh feed: `timestamp − updatedAt ≤ 3600` (a feed from the
///   future reads as stale: the subtraction wraps) and price > 0.
/// - Amounts are bounded (< 2^112) and non-zero; repay and liquidation amounts ≤ the debt.
///
/// Storage: 0 collateral token, 1 debt token, 2 oracle, 3 total collateral, 4 total debt;
/// `collateral[a]` at `a`, `debt[a]` at `a + 2^160` (`accountSlot(a, 1)`).
/// Bookkeeping invariants (without donations): Σ collateral = total collateral =
/// collateralToken.balanceOf(market); Σ debt = total debt; debtToken.balanceOf(market) + total
/// debt is constant (borrow, repay and liquidation move equal amounts between the two).
public enum LendingMarket {
    public static let maxPriceAge: UInt64 = 3600
    public static let ltvPercent = UInt256(75), liquidationBonusPercent = UInt256(110)
    public static let collateralTokenSlot = UInt256(0), debtTokenSlot = UInt256(1), oracleSlot = UInt256(2)
    public static let totalCollateralSlot = UInt256(3), totalDebtSlot = UInt256(4)

    public static let depositSig = "deposit(uint256)", withdrawSig = "withdraw(uint256)", borrowSig = "borrow(uint256)"
    public static let repaySig = "repay(uint256)", liquidateSig = "liquidate(address,uint256)"
    public static let positionOfSig = "positionOf(address)", totalsSig = "totals()"
    public static let eventTopic = ABI.topic("PositionChanged(address,uint256,uint256)")

    public static func deposit(_ amount: UInt256) -> [UInt8] { ABI.encode(depositSig, [amount]) }
    public static func withdraw(_ amount: UInt256) -> [UInt8] { ABI.encode(withdrawSig, [amount]) }
    public static func borrow(_ amount: UInt256) -> [UInt8] { ABI.encode(borrowSig, [amount]) }
    public static func repay(_ amount: UInt256) -> [UInt8] { ABI.encode(repaySig, [amount]) }
    public static func liquidate(user: Address, amount: UInt256) -> [UInt8] { ABI.encode(liquidateSig, [user.word, amount]) }
    public static func positionOf(_ a: Address) -> [UInt8] { ABI.encode(positionOfSig, [a.word]) }
    public static func totals() -> [UInt8] { ABI.encode(totalsSig, []) }

    public static let layout = LendingLayout(collateralToken: collateralTokenSlot, debtToken: debtTokenSlot, oracle: oracleSlot,
                                             totalCollateral: totalCollateralSlot, totalDebt: totalDebtSlot,
                                             collateral: .ranged(0), debt: .ranged(1))

    /// Genesis storage with the given positions (totals are their sums).
    public static func storage(collateralToken: Address, debtToken: Address, oracle: Address,
                               positions: [Address: (collateral: UInt256, debt: UInt256)]) -> [UInt256: UInt256] {
        layout.storage(collateralToken: collateralToken, debtToken: debtToken, oracle: oracle, positions: positions)
    }

    /// The healthy predicate as the contract evaluates it (exact below the amount bounds).
    public static func isHealthy(collateral: UInt256, debt: UInt256, price: UInt256) -> Bool {
        !(collateral &* price &* ltvPercent < debt &* PriceOracle.priceScale &* UInt256(100))
    }

    public static let code: [UInt8] = code()

    public static func code(faults: (any FaultHook)? = nil) -> [UInt8] {
        // Locals: 0 amount, 1 collateral, 2 debt, 3 price, 4 user, 5 seized
        var a = Assembly()
        a.dispatch([(ABI.selector(depositSig), "deposit"), (ABI.selector(withdrawSig), "withdraw"),
                    (ABI.selector(borrowSig), "borrow"), (ABI.selector(repaySig), "repay"),
                    (ABI.selector(liquidateSig), "liquidate"), (ABI.selector(positionOfSig), "positionOf"),
                    (ABI.selector(totalsSig), "totals")])

        func nonZeroAmount(_ a: inout Assembly, _ i: Int) {
            a.boundedArg(i, bits: 112); a += Asm.dup(1); a.require(); a.setLocal(0)
        }
        func emitPosition(_ a: inout Assembly, user: @escaping (inout Assembly) -> Void) {
            a.emit(eventTopic, topics: [user], data: [{ u in user(&u); u += Asm.sload }, { u in user(&u); u += Asm.push(UInt256.one.shiftedLeft(160)) + .add + .sload }])
        }

        a.label("deposit")
        nonZeroAmount(&a, 0)
        a.callToken({ $0.sload(0) }, selector: ABI.selector(ERC20Token.transferFromSig),
                    [{ $0 += Asm.caller }, { $0 += Asm.address }, { $0.local(0) }])
        a.local(0); a += Asm.caller + .sload + .add + .caller + .sstore
        a.local(0); a.sload(3); a += Asm.add; a.sstore(3)
        emitPosition(&a) { $0 += Asm.caller }
        a += Asm.stop

        a.label("withdraw")
        nonZeroAmount(&a, 0)
        a += Asm.caller + .sload; a.setLocal(1)
        a.local(1); a.local(0); a.greaterOrEqual(); a.require()
        a.local(0); a.local(1); a += Asm.sub; a.setLocal(1)            // new collateral
        a.callerSlot(1); a += Asm.sload; a.setLocal(2)
        a.local(2); a += Asm.iszero; a.jumpi(to: "withdrawHealthy")
        readPrice(&a)
        healthy(&a)
        a.require()
        a.label("withdrawHealthy")
        a.local(1); a += Asm.caller + .sstore
        a.local(0); a.sload(3); a += Asm.sub; a.sstore(3)
        a.callToken({ $0.sload(0) }, selector: ABI.selector(ERC20Token.transferSig), [{ $0 += Asm.caller }, { $0.local(0) }])
        emitPosition(&a) { $0 += Asm.caller }
        a += Asm.stop

        a.label("borrow")
        nonZeroAmount(&a, 0)
        a += Asm.caller + .sload; a.setLocal(1)
        a.callerSlot(1); a += Asm.sload; a.local(0); a += Asm.add; a.setLocal(2)   // new debt
        readPrice(&a)
        healthy(&a)
        a.require()
        a.local(2); a.callerSlot(1); a += Asm.sstore
        a.local(0); a.sload(4); a += Asm.add; a.sstore(4)
        a.callToken({ $0.sload(1) }, selector: ABI.selector(ERC20Token.transferSig), [{ $0 += Asm.caller }, { $0.local(0) }])
        emitPosition(&a) { $0 += Asm.caller }
        a += Asm.stop

        a.label("repay")
        nonZeroAmount(&a, 0)
        a.callerSlot(1); a += Asm.sload; a.setLocal(2)
        a.local(2); a.local(0); a.greaterOrEqual(); a.require()
        a.callToken({ $0.sload(1) }, selector: ABI.selector(ERC20Token.transferFromSig),
                    [{ $0 += Asm.caller }, { $0 += Asm.address }, { $0.local(0) }])
        a.local(0); a.local(2); a += Asm.sub; a.callerSlot(1); a += Asm.sstore
        if faults.value(at: .lendingRepayLowersTotalDebt, real: true) {
            a.local(0); a.sload(4); a += Asm.sub; a.sstore(4)
        }
        emitPosition(&a) { $0 += Asm.caller }
        a += Asm.stop

        a.label("liquidate")
        a.addressArg(0); a.setLocal(4)
        nonZeroAmount(&a, 1)
        a.local(4); a += Asm.sload; a.setLocal(1)
        a.localSlot(4, 1); a += Asm.sload; a.setLocal(2)
        readPrice(&a)
        healthy(&a)
        a += Asm.iszero; a.require()                                             // unhealthy
        a.local(2); a.local(0); a.greaterOrEqual(); a.require()                  // debt ≥ amount
        a.local(3); a += Asm.push(100) + .mul                                    // price·100
        a.local(0); a += Asm.push(PriceOracle.priceScale &* liquidationBonusPercent) + .mul + .div
        a.local(1)
        a.minimum()
        a.setLocal(5)
        a.callToken({ $0.sload(1) }, selector: ABI.selector(ERC20Token.transferFromSig),
                    [{ $0 += Asm.caller }, { $0 += Asm.address }, { $0.local(0) }])
        a.local(0); a.local(2); a += Asm.sub; a.localSlot(4, 1); a += Asm.sstore
        a.local(0); a.sload(4); a += Asm.sub; a.sstore(4)
        a.local(5); a.local(1); a += Asm.sub; a.local(4); a += Asm.sstore
        a.local(5); a.sload(3); a += Asm.sub; a.sstore(3)
        a.callToken({ $0.sload(0) }, selector: ABI.selector(ERC20Token.transferSig), [{ $0 += Asm.caller }, { $0.local(5) }])
        emitPosition(&a) { $0.local(4) }
        a += Asm.stop

        a.label("positionOf")
        a.addressArg(0); a += Asm.push(UInt256.one.shiftedLeft(160)) + .add + .sload
        a.addressArg(0); a += Asm.sload
        a.returnWords(2)
        a.label("totals")
        a.sload(4); a.sload(3); a.returnWords(2)

        a.failBlock()
        return assembled(a)
    }

    /// STATICCALL oracle.latest(); requires success, 64 bytes, a fresh feed and a non-zero price;
    /// leaves the price in local 3.
    static func readPrice(_ a: inout Assembly) {
        a += Asm.push(UInt256(UInt64(ABI.selector(PriceOracle.latestSig))).shiftedLeft(224)) + .push(0x80) + .mstore
        a += Asm.push(64) + .push(0) + .push(4) + .push(0x80)
        a.sload(2)
        a += Asm.gas + .staticcall
        a.require()
        a += Asm.returndatasize + .push(64) + .eq
        a.require()
        a += Asm.push(UInt256(maxPriceAge))
        a += Asm.push(32) + .mload + .timestamp + .sub                  // age = timestamp − updatedAt
        a.greaterOrEqual(); a.require()                                 // maxAge ≥ age
        a += Asm.push(0) + .mload + .dup(1); a.require(); a.setLocal(3)
    }

    /// Pushes `collateral(local 1)·price(local 3)·75 ≥ debt(local 2)·10^10`.
    static func healthy(_ a: inout Assembly) {
        a.local(1); a.local(3); a += Asm.mul + .push(ltvPercent) + .mul
        a.local(2); a += Asm.push(PriceOracle.priceScale &* UInt256(100)) + .mul
        a.greaterOrEqual()
    }
}
