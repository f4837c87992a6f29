import EVMCore
import EVMAssembly

/// A constant-product AMM pool over two `ERC20Token`s (Uniswap-V2 style pricing, pull-based
/// like a router: the pool takes the input with `transferFrom`, so traders approve it first).
///
/// Functions:
/// - `swap(uint256 zeroForOne, uint256 amountIn, uint256 minOut) → amountOut` with a 0.3% fee:
///   `out = amountIn·997·rOut / (rIn·1000 + amountIn·997)` (floor). Reverts when amountIn is 0 or
///   ≥ 2^112, rIn = 0, out = 0, out < minOut, out ≥ rOut, or the new input reserve ≥ 2^112.
/// - `addLiquidity(uint256 a0, uint256 a1) → shares`: the first deposit mints a0 shares, later
///   ones `min(a0·S/r0, a1·S/r1)` (floor; the whole a0 and a1 are taken, the excess stays in the
///   pool). Reverts on a zero amount or one ≥ 2^112, on 0 shares, on reserves reaching 2^112 or
///   a supply reaching 2^120.
/// - `removeLiquidity(uint256 shares) → (out0, out1)`: `shares·r/S` of each (floor).
/// - `getReserves() → (r0, r1)`, `sharesOf(address)`, `totalShares()`.
///
/// Storage: 0 token0, 1 token1, 2 reserve0, 3 reserve1, 4 total shares; `shares[a]` at slot `a`.
/// Invariants (without donations): reserve_i = token_i.balanceOf(pool); Σ shares = total;
/// a swap never decreases r0·r1; adding or removing liquidity never decreases r_i/S.
public enum ConstantProductPool {
    public static let token0Slot = UInt256(0), token1Slot = UInt256(1)
    public static let reserve0Slot = UInt256(2), reserve1Slot = UInt256(3), totalSharesSlot = UInt256(4)

    public static let swapSig = "swap(uint256,uint256,uint256)"
    public static let addLiquiditySig = "addLiquidity(uint256,uint256)"
    public static let removeLiquiditySig = "removeLiquidity(uint256)"
    public static let getReservesSig = "getReserves()"
    public static let sharesOfSig = "sharesOf(address)"
    public static let totalSharesSig = "totalShares()"

    public static let swapTopic = ABI.topic("Swap(address,uint256,uint256,uint256)")
    public static let mintTopic = ABI.topic("Mint(address,uint256,uint256,uint256)")
    public static let burnTopic = ABI.topic("Burn(address,uint256,uint256,uint256)")

    // MARK: Calldata encoders
    public static func swap(zeroForOne: Bool, amountIn: UInt256, minOut: UInt256 = .zero) -> [UInt8] {
        ABI.encode(swapSig, [zeroForOne ? .one : .zero, amountIn, minOut])
    }
    public static func addLiquidity(_ a0: UInt256, _ a1: UInt256) -> [UInt8] { ABI.encode(addLiquiditySig, [a0, a1]) }
    public static func removeLiquidity(shares: UInt256) -> [UInt8] { ABI.encode(removeLiquiditySig, [shares]) }
    public static func getReserves() -> [UInt8] { ABI.encode(getReservesSig, []) }
    public static func sharesOf(_ a: Address) -> [UInt8] { ABI.encode(sharesOfSig, [a.word]) }

    /// The output of a swap of `amountIn` against reserves (rIn, rOut), as the contract computes
    /// it (nil where the contract reverts for reasons of the amounts alone). Inputs must be
    /// < 2^112 for the products to be exact, which the contract enforces.
    public static func amountOut(amountIn: UInt256, reserveIn: UInt256, reserveOut: UInt256) -> UInt256? {
        let bound = UInt256.one.shiftedLeft(112)
        guard !amountIn.isZero, amountIn < bound, !reserveIn.isZero, reserveIn < bound, reserveOut < bound else { return nil }
        let num = amountIn &* UInt256(997) &* reserveOut
        let den = reserveIn &* UInt256(1000) &+ amountIn &* UInt256(997)
        let out = num.quotientAndRemainder(dividingBy: den).quotient
        guard !out.isZero, out < reserveOut, reserveIn &+ amountIn < bound else { return nil }
        return out
    }

    public static let layout = PoolLayout(token0: token0Slot, token1: token1Slot, reserve0: reserve0Slot, reserve1: reserve1Slot,
                                          totalShares: totalSharesSlot, shares: .ranged(0))

    /// Genesis storage of a pool holding reserves r0, r1 whose shares belong to `shares`
    /// (the total is their sum).
    public static func storage(token0: Address, token1: Address, reserve0: UInt256, reserve1: UInt256,
                               shares: [Address: UInt256]) -> [UInt256: UInt256] {
        layout.storage(token0: token0, token1: token1, reserve0: reserve0, reserve1: reserve1, shares: shares)
    }

    public static let code: [UInt8] = code()

    public static func code(faults: (any FaultHook)? = nil) -> [UInt8] {
        var a = Assembly()
        a.dispatch([(ABI.selector(swapSig), "swap"), (ABI.selector(addLiquiditySig), "add"),
                    (ABI.selector(removeLiquiditySig), "remove"), (ABI.selector(getReservesSig), "reserves"),
                    (ABI.selector(sharesOfSig), "sharesOf"), (ABI.selector(totalSharesSig), "totalShares")])

        // swap — locals: 0 zeroForOne, 1 amountIn, 2 rIn, 3 rOut, 4 tokenIn, 5 tokenOut, 6 slotIn, 7 out
        a.label("swap")
        a.arg(0); a += Asm.iszero + .iszero; a.setLocal(0)
        a.boundedArg(1, bits: 112); a += Asm.dup(1); a.require(); a.setLocal(1)
        a.local(0); a.jumpi(to: "zeroForOne")
        a.sload(3); a.setLocal(2); a.sload(2); a.setLocal(3)
        a.sload(1); a.setLocal(4); a.sload(0); a.setLocal(5)
        a += Asm.push(3); a.setLocal(6)
        a.jump(to: "priced")
        a.label("zeroForOne")
        a.sload(2); a.setLocal(2); a.sload(3); a.setLocal(3)
        a.sload(0); a.setLocal(4); a.sload(1); a.setLocal(5)
        a += Asm.push(2); a.setLocal(6)
        a.label("priced")
        a.local(2); a.require()                                           // rIn > 0
        let locals = faults.value(at: .poolReserveLocals, real: [2, 3])
        let (rIn, rOut) = (locals[0], locals[1])
        a.local(rIn); a += Asm.push(1000) + .mul
        a.local(1); a += Asm.push(997) + .mul + .add                         // den
        a.local(1); a += Asm.push(997) + .mul; a.local(rOut); a += Asm.mul   // num
        a += Asm.div                                                         // num / den
        a.setLocal(7)
        a.local(7); a.require()                                           // out > 0
        a.local(7); a.arg(2); a.greaterOrEqual(); a.require()             // out ≥ minOut
        a.local(3); a.local(7); a += Asm.lt; a.require()                  // out < rOut
        a.local(2); a.local(1); a += Asm.add; a.requireBelow(bits: 112)
        a.callToken({ $0.local(4) }, selector: ABI.selector(ERC20Token.transferFromSig),
                    [{ $0 += Asm.caller }, { $0 += Asm.address }, { $0.local(1) }])
        a.callToken({ $0.local(5) }, selector: ABI.selector(ERC20Token.transferSig), [{ $0 += Asm.caller }, { $0.local(7) }])
        a.local(2); a.local(1); a += Asm.add; a.local(6); a += Asm.sstore            // rIn + amountIn
        a.local(7); a.local(3); a += Asm.sub                                          // rOut − out
        a.local(6); a += Asm.push(5) + .sub + .sstore                                 // slotOut = 5 − slotIn
        a.emit(swapTopic, topics: [{ $0 += Asm.caller }], data: [{ $0.local(0) }, { $0.local(1) }, { $0.local(7) }])
        a.local(7); a.returnWords(1)

        // addLiquidity — locals: 0 a0, 1 a1, 2 r0, 3 r1, 4 S, 5 shares
        a.label("add")
        a.boundedArg(0, bits: 112); a += Asm.dup(1); a.require(); a.setLocal(0)
        a.boundedArg(1, bits: 112); a += Asm.dup(1); a.require(); a.setLocal(1)
        a.sload(2); a.setLocal(2); a.sload(3); a.setLocal(3); a.sload(4); a.setLocal(4)
        a.local(4); a += Asm.iszero; a.jumpi(to: "firstDeposit")
        a.local(2); a.local(4); a.local(0); a += Asm.mul + .div          // a0·S / r0
        a.local(3); a.local(4); a.local(1); a += Asm.mul + .div          // a1·S / r1
        a.minimum()
        a.setLocal(5)
        a.jump(to: "minted")
        a.label("firstDeposit")
        a.local(0); a.setLocal(5)
        a.label("minted")
        a.local(5); a.require()
        a.local(4); a.local(5); a += Asm.add; a.requireBelow(bits: 120)
        a.local(2); a.local(0); a += Asm.add; a.requireBelow(bits: 112)
        a.local(3); a.local(1); a += Asm.add; a.requireBelow(bits: 112)
        a.callToken({ $0.sload(0) }, selector: ABI.selector(ERC20Token.transferFromSig),
                    [{ $0 += Asm.caller }, { $0 += Asm.address }, { $0.local(0) }])
        a.callToken({ $0.sload(1) }, selector: ABI.selector(ERC20Token.transferFromSig),
                    [{ $0 += Asm.caller }, { $0 += Asm.address }, { $0.local(1) }])
        a.local(2); a.local(0); a += Asm.add; a.sstore(2)
        a.local(3); a.local(1); a += Asm.add; a.sstore(3)
        a.local(4); a.local(5); a += Asm.add; a.sstore(4)
        a += Asm.caller + .sload; a.local(5); a += Asm.add + .caller + .sstore
        a.emit(mintTopic, topics: [{ $0 += Asm.caller }], data: [{ $0.local(0) }, { $0.local(1) }, { $0.local(5) }])
        a.local(5); a.returnWords(1)

        // removeLiquidity — locals: 0 shares, 1 r0, 2 r1, 3 S, 4 out0, 5 out1
        a.label("remove")
        a.arg(0); a += Asm.dup(1); a.require(); a.setLocal(0)
        a += Asm.caller + .sload; a.local(0); a.greaterOrEqual(); a.require()     // holder has them
        a.sload(2); a.setLocal(1); a.sload(3); a.setLocal(2); a.sload(4); a.setLocal(3)
        a.local(3); a.local(1); a.local(0); a += Asm.mul + .div; a.setLocal(4)      // shares·r0 / S
        a.local(3); a.local(2); a.local(0); a += Asm.mul + .div; a.setLocal(5)
        a.local(0); a += Asm.caller + .sload + .sub + .caller + .sstore
        a.local(0); a.local(3); a += Asm.sub; a.sstore(4)
        a.local(4); a.local(1); a += Asm.sub; a.sstore(2)
        a.local(5); a.local(2); a += Asm.sub; a.sstore(3)
        a.callToken({ $0.sload(0) }, selector: ABI.selector(ERC20Token.transferSig), [{ $0 += Asm.caller }, { $0.local(4) }])
        a.callToken({ $0.sload(1) }, selector: ABI.selector(ERC20Token.transferSig), [{ $0 += Asm.caller }, { $0.local(5) }])
        a.emit(burnTopic, topics: [{ $0 += Asm.caller }], data: [{ $0.local(0) }, { $0.local(4) }, { $0.local(5) }])
        a.local(5); a.local(4); a.returnWords(2)

        a.label("reserves")
        a.sload(3); a.sload(2); a.returnWords(2)
        a.label("sharesOf")
        a.addressArg(0); a += Asm.sload; a.returnWords(1)
        a.label("totalShares")
        a.sload(4); a.returnWords(1)

        a.failBlock()
        return assembled(a)
    }
}
