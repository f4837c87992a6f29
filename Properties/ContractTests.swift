import Testing
import BigInt
import PropertyBased
import EVMCore
import EVMState
import DeFiContracts
import EVMAssembly

/// The sample contracts executed on the reference EVM (`SerialChain`) against independent Swift
/// models written from their documented behaviour (BigUInt arithmetic, so a model never wraps
/// where the contract would). Operation sequences come from swift-property-based generators, so
/// a failure is shrunk to the shortest sequence and printed with its seed.
@Suite struct ContractTests {
    static let users = (0..<3).map { Address(low: 0xabc0 + UInt64($0)) }
    static let ether = UInt256(1_000_000_000_000_000_000 as UInt64)

    static func big(_ v: UInt256) -> BigUInt { BigUInt(v.hexString.dropFirst(2), radix: 16) ?? 0 }
    static func word(_ v: BigUInt) -> UInt256 { UInt256(hex: "0x" + String(v, radix: 16)) ?? .max }

    static func chain() -> SerialChain {
        let c = SerialChain()
        for u in users + [DeFiWorld.liquidityProvider] { c.state.setAccount(u, nonce: 0, balance: ether, code: [], storage: [:]) }
        return c
    }

    /// An operation: kind, three user indices and an amount (the generators below keep each in range).
    struct Op: Sendable, CustomStringConvertible {
        var kind: UInt8, a: Int, b: Int, c: Int, amount: UInt256
        var description: String { "op\(kind)(\(a),\(b),\(c),\(amount.decimalString))" }
    }

    /// Amounts biased to the interesting edges: zero, small, near a balance, huge, 2^256−1.
    static func amountGen() -> Generator<UInt256, some SendableSequenceType> {
        zip(Gen<UInt8>.uint8(in: 0...9), Gen<UInt64>.uint64(in: 0...2_000_000)).map { sel, v -> UInt256 in
            switch sel {
            case 0: return .zero
            case 1: return .max
            case 2: return UInt256.one.shiftedLeft(112) &+ UInt256(v)
            default: return UInt256(v)
            }
        }
    }
    static func opsGen(kinds: UInt8) -> Generator<[Op], some SendableSequenceType> {
        zip(Gen<UInt8>.uint8(in: 0...(kinds - 1)), Gen<Int>.int(in: 0...2), Gen<Int>.int(in: 0...2), Gen<Int>.int(in: 0...2), amountGen())
            .map { Op(kind: $0, a: $1, b: $2, c: $3, amount: $4) }
            .array(of: 1...12)
    }

    // MARK: ERC-20

    @Test func tokenMatchesModel() async {
        await propertyCheck(count: 25, input: Self.opsGen(kinds: 3)) { ops in
            let c = Self.chain()
            let token = Address(low: 0x70c)
            var bal: [Address: BigUInt] = [:]
            for (i, u) in Self.users.enumerated() { bal[u] = BigUInt(1000 * (i + 1)) }
            var allowance: [String: BigUInt] = [:]
            c.state.setAccount(token, nonce: 1, balance: .zero, code: ERC20Token.code,
                               storage: ERC20Token.storage(balances: bal.mapValues { Self.word($0) }))
            let maxAllowance = Self.big(.max)
            for op in ops {
                let (x, y, z) = (Self.users[op.a], Self.users[op.b], Self.users[op.c])
                let amt = Self.big(op.amount)
                let data: [UInt8]
                var ok: Bool
                switch op.kind {
                case 0:
                    data = ERC20Token.transfer(to: y, amount: op.amount)
                    ok = bal[x]! >= amt
                    if ok { bal[x]! -= amt; bal[y]! += amt }
                case 1:
                    data = ERC20Token.approve(spender: y, amount: op.amount)
                    ok = true
                    allowance["\(x)/\(y)"] = amt
                default:
                    // x spends y's tokens and sends them to z.
                    data = ERC20Token.transferFrom(from: y, to: z, amount: op.amount)
                    let al = allowance["\(y)/\(x)"] ?? 0
                    ok = al >= amt && bal[y]! >= amt
                    if ok {
                        if al != maxAllowance { allowance["\(y)/\(x)"] = al - amt }
                        bal[y]! -= amt; bal[z]! += amt
                    }
                }
                let r = c.call(from: x, to: token, data: data)
                #expect(r?.success == ok, "\(op): contract \(String(describing: r?.status)), model \(ok)")
                if ok { #expect(r?.logs.first?.topics.first == (op.kind == 1 ? ERC20Token.approvalTopic : ERC20Token.transferTopic)) }
                else { #expect(r?.logs.isEmpty == true) }
            }
            for u in Self.users {
                #expect(c.view(token, ERC20Token.balanceOf(u)) == [Self.word(bal[u]!)])
                for v in Self.users {
                    #expect(c.view(token, ERC20Token.allowance(owner: u, spender: v)) == [Self.word(allowance["\(u)/\(v)"] ?? 0)])
                }
            }
            #expect(c.view(token, ERC20Token.totalSupply()) == [UInt256(6000)])
        }
    }

    @Test func tokenRejectsBadInput() {
        let c = Self.chain()
        let token = Address(low: 0x70c)
        c.state.setAccount(token, nonce: 1, balance: .zero, code: ERC20Token.code, storage: ERC20Token.storage(balances: [Self.users[0]: 50]))
        // Address argument with high bits set, short calldata, unknown selector.
        var bad = ERC20Token.transfer(to: Self.users[1], amount: 1)
        bad[4] = 0x01
        #expect(c.call(from: Self.users[0], to: token, data: bad)?.success == false)
        #expect(c.call(from: Self.users[0], to: token, data: [0xa9, 0x05])?.success == false)
        #expect(c.call(from: Self.users[0], to: token, data: ABI.encode("mint(uint256)", [5]))?.success == false)
        #expect(c.view(token, ERC20Token.balanceOf(Self.users[0])) == [50])
    }

    // MARK: AMM

    @Test func poolMatchesConstantProductModel() async {
        await propertyCheck(count: 25, input: Self.opsGen(kinds: 4)) { ops in
            let c = Self.chain()
            let world = DeFiWorld(users: Self.users, updater: Self.users[0])
            world.install(in: c.state, seed: 7)
            func reserves() -> (BigUInt, BigUInt) {
                let w = c.view(DeFiWorld.pool, ConstantProductPool.getReserves()) ?? [.zero, .zero]
                return (Self.big(w[0]), Self.big(w[1]))
            }
            var (r0, r1) = reserves()
            var total = Self.big(c.state.storage(DeFiWorld.pool, ConstantProductPool.totalSharesSlot))
            // The world gives users LP shares at genesis: the model starts from them.
            var shares: [Address: BigUInt] = [:]
            for u in Self.users { shares[u] = Self.big(c.view(DeFiWorld.pool, ConstantProductPool.sharesOf(u))?.first ?? .zero) }
            let bound = BigUInt(1) << 112
            for op in ops {
                let user = Self.users[op.a]
                let amt = Self.big(op.amount)
                let balA = Self.big(c.view(DeFiWorld.tokenA, ERC20Token.balanceOf(user))![0])
                let balB = Self.big(c.view(DeFiWorld.tokenB, ERC20Token.balanceOf(user))![0])
                var data: [UInt8]
                var expectOK: Bool
                var expectedReturn: BigUInt? = nil
                switch op.kind {
                case 0, 1:
                    let zfo = op.kind == 0
                    let (rIn, rOut, have) = zfo ? (r0, r1, balA) : (r1, r0, balB)
                    let minOut = BigUInt(op.b == 2 ? 1_000_000 : 0)
                    data = ConstantProductPool.swap(zeroForOne: zfo, amountIn: op.amount, minOut: Self.word(minOut))
                    let out = amt > 0 && amt < bound && rIn > 0 ? amt * 997 * rOut / (rIn * 1000 + amt * 997) : 0
                    expectOK = amt > 0 && amt < bound && rIn > 0 && out > 0 && out >= minOut && out < rOut
                        && rIn + amt < bound && have >= amt
                    if expectOK {
                        // The reference invariant: k never decreases across a swap.
                        let (n0, n1) = zfo ? (r0 + amt, r1 - out) : (r0 - out, r1 + amt)
                        #expect(n0 * n1 >= r0 * r1)
                        (r0, r1) = (n0, n1)
                        expectedReturn = out
                    }
                case 2:
                    let a1 = amt * 2
                    data = ConstantProductPool.addLiquidity(op.amount, Self.word(a1))
                    let minted = total == 0 ? amt : (r0 > 0 && r1 > 0 ? min(amt * total / r0, a1 * total / r1) : 0)
                    expectOK = amt > 0 && amt < bound && a1 < bound && minted > 0 && total + minted < (BigUInt(1) << 120)
                        && r0 + amt < bound && r1 + a1 < bound && balA >= amt && balB >= a1
                    if expectOK { r0 += amt; r1 += a1; total += minted; shares[user, default: 0] += minted; expectedReturn = minted }
                default:
                    data = ConstantProductPool.removeLiquidity(shares: op.amount)
                    let mine = shares[user] ?? 0
                    expectOK = amt > 0 && amt <= mine
                    if expectOK {
                        let o0 = amt * r0 / total, o1 = amt * r1 / total
                        r0 -= o0; r1 -= o1; total -= amt; shares[user] = mine - amt
                        expectedReturn = o0
                    }
                }
                let r = c.call(from: user, to: DeFiWorld.pool, data: data)
                #expect(r?.success == expectOK, "\(op)")
                if let e = expectedReturn, let r, r.success { #expect(ABI.words(r.output).first == Self.word(e), "\(op)") }
                let (c0, c1) = reserves()
                #expect(c0 == r0 && c1 == r1, "\(op): reserves \(c0),\(c1) model \(r0),\(r1)")
                // The pool's token balances are its reserves.
                #expect(c.view(DeFiWorld.tokenA, ERC20Token.balanceOf(DeFiWorld.pool)) == [Self.word(r0)])
                #expect(c.view(DeFiWorld.tokenB, ERC20Token.balanceOf(DeFiWorld.pool)) == [Self.word(r1)])
            }
        }
    }

    // MARK: Oracle

    @Test func oracleAcceptsOnlyItsUpdater() {
        let c = Self.chain()
        let (updater, other) = (Self.users[0], Self.users[1])
        c.state.setAccount(DeFiWorld.oracle, nonce: 1, balance: .zero, code: PriceOracle.code,
                           storage: PriceOracle.storage(updater: updater, price: 5, updatedAt: 10))
        c.timestamp = 1234
        #expect(c.call(from: other, to: DeFiWorld.oracle, data: PriceOracle.update(price: 77))?.success == false)
        #expect(c.call(from: updater, to: DeFiWorld.oracle, data: PriceOracle.update(price: 0))?.success == false)
        #expect(c.call(from: updater, to: DeFiWorld.oracle, data: PriceOracle.update(price: UInt256.one.shiftedLeft(128)))?.success == false)
        #expect(c.view(DeFiWorld.oracle, PriceOracle.latest()) == [5, 10])
        let r = c.call(from: updater, to: DeFiWorld.oracle, data: PriceOracle.update(price: 77))
        #expect(r?.success == true)
        #expect(r?.logs.first?.topics == [PriceOracle.updatedTopic])
        #expect(c.view(DeFiWorld.oracle, PriceOracle.latest()) == [77, 1234])
    }

    // MARK: Lending

    @Test func lendingBorrowLimitLiquidationAndStaleness() throws {
        let c = Self.chain()
        // Users 0 and 2 start with positions; user 0's is beyond the limit from the start.
        let (carol, bob, alice, updater) = (Self.users[0], Self.users[1], Self.users[2], DeFiWorld.liquidityProvider)
        DeFiWorld(users: [carol, bob, alice], updater: updater).install(in: c.state, seed: 3)
        let market = DeFiWorld.lending
        let p0 = try #require(c.view(market, LendingMarket.positionOf(alice)))
        let price = BigUInt(200_000_000)
        // Model: healthy ⇔ collateral·price·75 ≥ debt·10^10; so the largest debt is ⌊c·p·75/10^10⌋.
        var coll = Self.big(p0[0]), debt = Self.big(p0[1])
        let maxDebt = coll * price * 75 / 10_000_000_000
        #expect(maxDebt >= debt)
        let room = maxDebt - debt
        #expect(c.call(from: alice, to: market, data: LendingMarket.borrow(Self.word(room + 1)))?.success == false)
        if room > 0 {
            #expect(c.call(from: alice, to: market, data: LendingMarket.borrow(Self.word(room)))?.success == true)
            debt = maxDebt
        }
        // Withdrawing any collateral now breaks health.
        #expect(c.call(from: alice, to: market, data: LendingMarket.withdraw(1))?.success == false)
        // Healthy positions cannot be liquidated; Carol's (beyond the limit) can.
        #expect(c.call(from: bob, to: market, data: LendingMarket.liquidate(user: alice, amount: 1))?.success == false)
        let carol0 = try #require(c.view(market, LendingMarket.positionOf(carol)))
        #expect(!LendingMarket.isHealthy(collateral: carol0[0], debt: carol0[1], price: Self.word(price)))
        #expect(c.call(from: bob, to: market, data: LendingMarket.liquidate(user: carol, amount: 1000))?.success == true)
        #expect(c.view(market, LendingMarket.positionOf(carol)) == [carol0[0] &- Self.word(BigUInt(1000) * 100_000_000 * 110 / (price * 100)),
                                                                  carol0[1] &- 1000])
        // Price drops 20%: liquidation of half the debt seizes repay·10^8·110/(price·100).
        let newPrice = BigUInt(160_000_000)
        #expect(c.call(from: updater, to: DeFiWorld.oracle, data: PriceOracle.update(price: Self.word(newPrice)))?.success == true)
        let repay = debt / 2
        let seize = min(repay * 100_000_000 * 110 / (newPrice * 100), coll)
        let bobA = Self.big(try #require(c.view(DeFiWorld.tokenA, ERC20Token.balanceOf(bob)))[0])
        #expect(c.call(from: bob, to: market, data: LendingMarket.liquidate(user: alice, amount: Self.word(repay)))?.success == true)
        coll -= seize; debt -= repay
        #expect(c.view(market, LendingMarket.positionOf(alice)) == [Self.word(coll), Self.word(debt)])
        #expect(c.view(DeFiWorld.tokenA, ERC20Token.balanceOf(bob)) == [Self.word(bobA + seize)])
        // Repaying more than the debt reverts; repaying all of it works; then any withdrawal does.
        #expect(c.call(from: alice, to: market, data: LendingMarket.repay(Self.word(debt + 1)))?.success == false)
        #expect(c.call(from: alice, to: market, data: LendingMarket.repay(Self.word(debt)))?.success == true)
        // A stale feed (older than an hour) blocks borrowing.
        c.timestamp += LendingMarket.maxPriceAge + 1
        #expect(c.call(from: alice, to: market, data: LendingMarket.borrow(1))?.success == false)
        #expect(c.call(from: alice, to: market, data: LendingMarket.withdraw(Self.word(coll)))?.success == true)
        let totals = try #require(c.view(market, LendingMarket.totals()))
        let carolPos = try #require(c.view(market, LendingMarket.positionOf(carol)))
        #expect(c.view(market, LendingMarket.positionOf(bob)) == [0, 0])
        #expect(totals == carolPos)     // only Carol's position is left
    }

    // MARK: Staking

    @Test func stakingMatchesAccumulatorModel() async {
        await propertyCheck(count: 20, input: Self.opsGen(kinds: 4)) { ops in
            let c = Self.chain()
            DeFiWorld(users: Self.users, updater: Self.users[0]).install(in: c.state, seed: 11)
            let s = DeFiWorld.staking
            var stake: [Address: BigUInt] = [:], debt: [Address: BigUInt] = [:], pending: [Address: BigUInt] = [:]
            for u in Self.users { stake[u] = Self.big(c.view(s, StakingRewards.stakeOf(u))![0]) }
            var acc = BigUInt(0)
            let scale = BigUInt(1_000_000_000_000), bound = BigUInt(1) << 112
            func settle(_ u: Address) {
                let accrued = stake[u]! * acc / scale
                pending[u, default: 0] += accrued - (debt[u] ?? 0)
                debt[u] = accrued
            }
            for op in ops {
                let u = Self.users[op.a]
                let amt = Self.big(op.amount)
                let balA = Self.big(c.view(DeFiWorld.tokenA, ERC20Token.balanceOf(u))![0])
                let balB = Self.big(c.view(DeFiWorld.tokenB, ERC20Token.balanceOf(u))![0])
                let total = stake.values.reduce(0, +)
                var data: [UInt8], ok: Bool, paid: BigUInt? = nil
                switch op.kind {
                case 0:
                    data = StakingRewards.stake(op.amount)
                    ok = amt > 0 && amt < bound && balA >= amt
                    if ok { settle(u); stake[u]! += amt; debt[u] = stake[u]! * acc / scale }
                case 1:
                    data = StakingRewards.unstake(op.amount)
                    ok = amt > 0 && amt <= stake[u]!
                    if ok { settle(u); stake[u]! -= amt; debt[u] = stake[u]! * acc / scale }
                case 2:
                    data = StakingRewards.claim()
                    ok = true
                    settle(u); paid = pending[u]; pending[u] = 0
                default:
                    data = StakingRewards.notifyRewardAmount(op.amount)
                    let newAcc = total > 0 ? acc + amt * scale / total : 0
                    ok = amt > 0 && amt < bound && total > 0 && balB >= amt && newAcc < (BigUInt(1) << 128)
                    if ok { acc = newAcc }
                }
                let r = c.call(from: u, to: s, data: data)
                #expect(r?.success == ok, "\(op)")
                if let paid, let r { #expect(ABI.words(r.output) == [Self.word(paid)], "\(op)") }
            }
            var owed = BigUInt(0)
            for u in Self.users {
                let e = stake[u]! * acc / scale - (debt[u] ?? 0) + (pending[u] ?? 0)
                owed += e
                #expect(c.view(s, StakingRewards.earned(u)) == [Self.word(e)])
            }
            // Solvency: what is owed never exceeds the reward tokens held.
            #expect(owed <= Self.big(c.view(DeFiWorld.tokenB, ERC20Token.balanceOf(s))![0]))
        }
    }

    // MARK: Encoders and the assembler

    @Test func calldataEncodersRoundTrip() async {
        await propertyCheck(count: 200, input: Gen<UInt256>.edgeBiasedUInt256, Gen<UInt256>.edgeBiasedUInt256) { x, y in
            let to = Address(truncating: x)
            let decoded = ABI.decode(ERC20Token.transferFrom(from: to, to: Address(truncating: y), amount: y))
            #expect(decoded?.selector == 0x23b8_72dd)     // the well-known ERC-20 selector
            #expect(decoded?.words == [to.word, Address(truncating: y).word, y])
            #expect(ABI.decode(ConstantProductPool.swap(zeroForOne: x < y, amountIn: x, minOut: y))?.words == [x < y ? .one : .zero, x, y])
            #expect(ABI.decode(LendingMarket.liquidate(user: to, amount: x))?.words == [to.word, x])
        }
        #expect(ABI.selector(ERC20Token.transferSig) == 0xa905_9cbb)
        #expect(ABI.selector(ERC20Token.approveSig) == 0x095e_a7b3)
        #expect(ABI.decode([1, 2, 3]) == nil)
    }

    @Test func assemblerResolvesLabelsAndReportsErrors() throws {
        var a = Assembly()
        a.jump(to: "end")
        a += Asm.invalid
        a.label("end")
        a += Asm.stop
        #expect(try a.assemble() == [0x61, 0x00, 0x05, 0x56, 0xfe, 0x5b, 0x00])
        var b = Assembly()
        b.jump(to: "nowhere")
        #expect(throws: AssemblyError.undefinedLabel("nowhere")) { try b.assemble() }
        var d = Assembly()
        d.label("x"); d.label("x")
        #expect(throws: AssemblyError.duplicateLabel("x")) { try d.assemble() }
        // Every sample contract assembles (an assembly error would give the 1-byte INVALID).
        for code in [ERC20Token.code, ConstantProductPool.code, PriceOracle.code, LendingMarket.code, StakingRewards.code] {
            #expect(code.count > 100)
        }
    }
}

extension Gen where Value == UInt256 {
    /// UInt256 with edge-biased values that shrink toward zero: a big-endian byte string of
    /// 0…32 bytes (so every width is as likely as any other), optionally complemented (values
    /// near 2^256−1); bytes shrink toward 0 and the string toward shorter.
    static var edgeBiasedUInt256: Generator<UInt256, some SendableSequenceType> {
        zip(Gen<UInt8>.uint8().array(of: 0...32), Gen<Bool>.bool(0.2)).map { bytes, complement -> UInt256 in
            let v = UInt256(bigEndian: bytes)
            return complement ? ~v : v
        }
    }
}
