import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import SequencerModel

/// Contracts of the sequencer scenarios, hand-assembled (the assembly is beside each).
public enum SequencerContracts {
    /// Oracle + lending in one contract: word2 = 0 → `slot[word0] = word1` (price update);
    /// word2 ≠ 0 → `slot[word1] = slot[word0]` (a liquidation reading the feed).
    public static let oracle: [UInt8] = [0x60, 0x40, 0x35, 0x60, 0x0e, 0x57, 0x60, 0x20, 0x35, 0x60, 0x00, 0x35, 0x55, 0x00,
                                         0x5b, 0x60, 0x00, 0x35, 0x54, 0x60, 0x20, 0x35, 0x55, 0x00]

    /// Constant-product pool with internal balances. Calldata: word0 = direction (≠ 0: pay
    /// asset A, receive B), word1 = amount in, word2 = minimum out. Reserves: slot 0 (A),
    /// slot 1 (B); a holder's A balance at slot `holder`, B balance at `holder + 2^160`.
    /// `out = reserveOut·in / (reserveIn + in)`; reverts (status 0, nothing changes) when
    /// `out < minOut` or the payer's balance is short. Every swap reads and writes both
    /// reserves: the pool is a hot contract and the order of swaps changes what each receives.
    /// ```
    /// in = cd[32]; d = !!cd[0]; rinS = !d; rin = sload(rinS); rout = sload(d)
    /// out = rout*in/(rin+in); if out < cd[64] revert
    /// pay = caller + rinS<<160; get = caller + d<<160; if sload(pay) < in revert
    /// sstore(pay, sload(pay)-in); sstore(get, sload(get)+out); sstore(rinS, rin+in); sstore(d, rout-out)
    /// ```
    public static let amm: [UInt8] = [
        0x60, 0x20, 0x35, 0x60, 0x80, 0x52, 0x60, 0x00, 0x35, 0x15, 0x15, 0x60, 0xa0, 0x52, 0x60, 0xa0, 0x51, 0x15, 0x60, 0xc0,
        0x52, 0x60, 0xc0, 0x51, 0x54, 0x60, 0xe0, 0x52, 0x60, 0xa0, 0x51, 0x54, 0x61, 0x01, 0x00, 0x52, 0x60, 0xe0, 0x51, 0x60,
        0x80, 0x51, 0x01, 0x60, 0x80, 0x51, 0x61, 0x01, 0x00, 0x51, 0x02, 0x04, 0x61, 0x01, 0x20, 0x52, 0x60, 0x40, 0x35, 0x61,
        0x01, 0x20, 0x51, 0x10, 0x60, 0x9d, 0x57, 0x60, 0xc0, 0x51, 0x60, 0xa0, 0x1b, 0x33, 0x01, 0x61, 0x01, 0x40, 0x52, 0x60,
        0xa0, 0x51, 0x60, 0xa0, 0x1b, 0x33, 0x01, 0x61, 0x01, 0x60, 0x52, 0x60, 0x80, 0x51, 0x61, 0x01, 0x40, 0x51, 0x54, 0x10,
        0x60, 0x9d, 0x57, 0x60, 0x80, 0x51, 0x61, 0x01, 0x40, 0x51, 0x54, 0x03, 0x61, 0x01, 0x40, 0x51, 0x55, 0x61, 0x01, 0x20,
        0x51, 0x61, 0x01, 0x60, 0x51, 0x54, 0x01, 0x61, 0x01, 0x60, 0x51, 0x55, 0x60, 0x80, 0x51, 0x60, 0xe0, 0x51, 0x01, 0x60,
        0xc0, 0x51, 0x55, 0x61, 0x01, 0x20, 0x51, 0x61, 0x01, 0x00, 0x51, 0x03, 0x60, 0xa0, 0x51, 0x55, 0x00, 0x5b, 0x60, 0x00,
        0x60, 0x00, 0xfd,
    ]

    /// A staking token whose reward is priced by an oracle feed kept in slot 1. Calldata
    /// word0 selects: 0 = `transfer(to = word1, amount = word2)`; 1 = `stake(amount = word1)`:
    /// balance −= amount, staked (slot `holder + 2^160`) += amount, reward (slot
    /// `holder + 2^161`) += amount·price/100; 2 = `setPrice(word1)` (the oracle update).
    /// Balances sit at slot `holder`; transfer and stake revert when the balance is short.
    public static let stakingToken: [UInt8] = [
        0x60, 0x00, 0x35, 0x80, 0x15, 0x60, 0x22, 0x57, 0x80, 0x60, 0x01, 0x14, 0x60, 0x42, 0x57, 0x60, 0x02, 0x14, 0x60, 0x1a,
        0x57, 0x60, 0x00, 0x60, 0x00, 0xfd, 0x5b, 0x60, 0x20, 0x35, 0x60, 0x01, 0x55, 0x00, 0x5b, 0x50, 0x60, 0x40, 0x35, 0x33,
        0x54, 0x10, 0x60, 0x84, 0x57, 0x60, 0x40, 0x35, 0x33, 0x54, 0x03, 0x33, 0x55, 0x60, 0x40, 0x35, 0x60, 0x20, 0x35, 0x54,
        0x01, 0x60, 0x20, 0x35, 0x55, 0x00, 0x5b, 0x60, 0x20, 0x35, 0x33, 0x54, 0x10, 0x60, 0x84, 0x57, 0x60, 0x20, 0x35, 0x33,
        0x54, 0x03, 0x33, 0x55, 0x60, 0x20, 0x35, 0x60, 0x01, 0x60, 0xa0, 0x1b, 0x33, 0x01, 0x54, 0x01, 0x60, 0x01, 0x60, 0xa0,
        0x1b, 0x33, 0x01, 0x55, 0x60, 0x64, 0x60, 0x01, 0x54, 0x60, 0x20, 0x35, 0x02, 0x04, 0x60, 0x02, 0x60, 0xa0, 0x1b, 0x33,
        0x01, 0x54, 0x01, 0x60, 0x02, 0x60, 0xa0, 0x1b, 0x33, 0x01, 0x55, 0x00, 0x5b, 0x60, 0x00, 0x60, 0x00, 0xfd,
    ]

    /// `holder + k·2^160`: the slot of a holder's k-th balance in the pool / staking layouts.
    public static func slot(_ holder: Address, _ k: UInt64 = 0) -> UInt256 { holder.word &+ UInt256(k).shiftedLeft(160) }
}

/// Fixed actors and contracts of the sequencer scenarios, benchmarks and generated streams.
public enum SequencerWorld {
    public static func user(_ i: Int) -> Address { Address(low: 0x1000 + UInt64(i)) }
    public static func searcher(_ i: Int) -> Address { Address(low: 0x2000 + UInt64(i)) }
    public static let privileged = Address(low: 0x3000)
    public static let updater = Address(low: 0x3001)
    public static let forcer = Address(low: 0x3002)
    public static let expressSender = Address(low: 0x3003)
    public static func aaActor(_ i: Int) -> Address { Address(low: 0x4000 + UInt64(i)) }
    /// The executor of AA account i's lane `key`.
    public static func aaExecutor(_ i: Int, key: Int) -> Address { Address(low: 0x5000 + UInt64(i) * 16 + UInt64(key)) }
    public static let token = Address(low: 0xa003)
    public static func pool(_ i: Int) -> Address { Address(low: 0xa100 + UInt64(i)) }
    public static let oracle = Address(low: 0xa200)
    public static let staking = Address(low: 0xa300)
    /// A counter (`slot0 += 1`) every hot-contract transaction touches.
    public static let hot = Address(low: 0xa400)
    public static let coinbase = Address(low: 0xc0ffee)
    public static let users = 8, searchers = 2, aaAccounts = 3, aaKeys = 3
    /// Liquidators of the boundary liquidations (one lane each, so nothing else delays them).
    public static func keeper(_ i: Int) -> Address { Address(low: 0x6000 + UInt64(i)) }
    public static let keepers = 2
    /// An EOA with a known private key, so EIP-7702 authorizations can name it as authority.
    public static let delegatorKey = Bytes32(UInt256(0xde1e_9a7e))
    public static let delegator: Address = {
        var a = Authorization(chainId: 1, address: .zero, nonce: 0)
        return a.sign(privateKey: delegatorKey) ? (a.authority() ?? Address(low: 0x3004)) : Address(low: 0x3004)
    }()
    /// An authorization by `delegator` (chain 1) delegating to `target` (`.zero` clears it).
    public static func delegation(to target: Address, nonce: UInt64) -> Authorization {
        var a = Authorization(chainId: 1, address: target, nonce: nonce)
        _ = a.sign(privateKey: delegatorKey)
        return a
    }
    /// A type-4 transaction of `from` carrying `auths` (calls `to` with no data).
    public static func setCode(_ from: Address, nonce: UInt64, to: Address, auths: [Authorization], tip: UInt64 = 1) -> RecoveredTransaction {
        var t = call(from, nonce: nonce, to: to, data: [], tip: tip)
        t.transaction.type = .setCode
        t.transaction.authorizationList = auths
        return t
    }
    /// A plain ether transfer (no calldata) to `to`; to the beneficiary it is a real write of it.
    public static func pay(_ from: Address, nonce: UInt64, to: Address, value: UInt64, tip: UInt64 = 1) -> RecoveredTransaction {
        var t = call(from, nonce: nonce, to: to, data: [], tip: tip)
        t.transaction.value = UInt256(value)
        t.transaction.gasLimit = 21_000
        return t
    }
    /// Initial pool reserves (each asset) and each holder's pool balances (each asset).
    public static let poolReserve: UInt64 = 100_000, poolBalance: UInt64 = 10_000

    public static var allEOAs: [Address] {
        (0..<users).map(user) + (0..<searchers).map(searcher) + [privileged, updater, forcer, expressSender]
            + (0..<aaAccounts).flatMap { i in (0..<(aaKeys + 2)).map { aaExecutor(i, key: $0) } }
            + (0..<keepers).map(keeper) + [delegator]
    }

    /// Extra funded accounts for the conflict-rate streams (`SequencerStreamGenerator.hotRate`).
    public static func benchUser(_ i: Int) -> Address { Address(low: 0x10_0000 + UInt64(i)) }

    /// The pre-state: every EOA funded (ether, 1 000 tokens, pool balances), the contracts, and
    /// `benchUsers` extra funded accounts.
    public static func pre(benchUsers: Int = 0) -> InMemoryState {
        let s = InMemoryState()
        let ether = UInt256(1_000_000_000_000_000_000 as UInt64)
        var tokenBalances: [UInt256: UInt256] = [:]
        var poolBalances: [UInt256: UInt256] = [.zero: UInt256(poolReserve), .one: UInt256(poolReserve)]
        for a in allEOAs + (0..<max(0, benchUsers)).map(benchUser) {
            s.setAccount(a, nonce: 0, balance: ether, code: [], storage: [:])
            tokenBalances[a.word] = UInt256(1_000)
            poolBalances[SequencerContracts.slot(a, 0)] = UInt256(poolBalance)
            poolBalances[SequencerContracts.slot(a, 1)] = UInt256(poolBalance)
        }
        s.setAccount(token, nonce: 1, balance: .zero, code: SampleContracts.token, storage: tokenBalances)
        for i in 0..<2 { s.setAccount(pool(i), nonce: 1, balance: .zero, code: SequencerContracts.amm, storage: poolBalances) }
        s.setAccount(oracle, nonce: 1, balance: .zero, code: SequencerContracts.oracle, storage: [.one: UInt256(100)])
        var staking = tokenBalances
        staking[.one] = UInt256(100)
        s.setAccount(self.staking, nonce: 1, balance: .zero, code: SequencerContracts.stakingToken, storage: staking)
        s.setAccount(hot, nonce: 1, balance: .zero, code: SampleContracts.counter, storage: [:])
        s.setAccount(coinbase, nonce: 0, balance: UInt256(1), code: [], storage: [:])
        return s
    }

    /// Prague, so type-4 (EIP-7702) transactions are valid.
    public static let fork = Hardfork.prague
    public static let block = BlockEnv(coinbase: coinbase, number: 1, timestamp: 1000, gasLimit: 1_000_000_000,
                                       prevRandao: .zero, baseFee: UInt256(7), excessBlobGas: 0, chainId: 1)

    public static func word(_ v: UInt256) -> [UInt8] { v.bigEndianBytes }

    public static func call(_ from: Address, nonce: UInt64, to: Address, data: [UInt8], tip: UInt64 = 1, maxFee: UInt64 = 20) -> RecoveredTransaction {
        RecoveredTransaction(transaction: Transaction(type: .dynamicFee, chainId: 1, nonce: nonce, maxPriorityFeePerGas: UInt256(tip),
                                                      maxFeePerGas: UInt256(maxFee), gasLimit: 200_000, to: to, data: data),
                             sender: from)
    }
    public static func transfer(_ from: Address, nonce: UInt64, to: Address, amount: UInt64, tip: UInt64 = 1) -> RecoveredTransaction {
        call(from, nonce: nonce, to: token, data: word(to.word) + word(UInt256(amount)), tip: tip)
    }
    /// A swap of `amount` on pool `p` (`buy`: pay A, receive B), reverting below `minOut`.
    public static func swap(_ from: Address, nonce: UInt64, pool p: Int, buy: Bool, amount: UInt64 = 1_000, minOut: UInt64 = 0,
                            tip: UInt64 = 1) -> RecoveredTransaction {
        call(from, nonce: nonce, to: pool(p), data: word(buy ? .one : .zero) + word(UInt256(amount)) + word(UInt256(minOut)), tip: tip)
    }
    public static func update(nonce: UInt64, feed: UInt64, price: UInt64) -> RecoveredTransaction {
        call(updater, nonce: nonce, to: oracle, data: word(UInt256(feed)) + word(UInt256(price)) + word(.zero))
    }
    public static func liquidate(_ from: Address, nonce: UInt64, feed: UInt64, position: UInt64) -> RecoveredTransaction {
        call(from, nonce: nonce, to: oracle, data: word(UInt256(feed)) + word(UInt256(1000 + position)) + word(.one))
    }
    public static func stake(_ from: Address, nonce: UInt64, amount: UInt64) -> RecoveredTransaction {
        call(from, nonce: nonce, to: staking, data: word(.one) + word(UInt256(amount)))
    }
    public static func stakedTransfer(_ from: Address, nonce: UInt64, to: Address, amount: UInt64) -> RecoveredTransaction {
        call(from, nonce: nonce, to: staking, data: word(.zero) + word(to.word) + word(UInt256(amount)))
    }
    public static func stakingPrice(nonce: UInt64, price: UInt64) -> RecoveredTransaction {
        call(updater, nonce: nonce, to: staking, data: word(UInt256(2)) + word(UInt256(price)))
    }
    public static func touchHot(_ from: Address, nonce: UInt64, tip: UInt64 = 1) -> RecoveredTransaction {
        call(from, nonce: nonce, to: hot, data: [], tip: tip)
    }

    public static func policy(_ mode: OrderingMode = .arrival) -> SequencerPolicy {
        var p = SequencerPolicy()
        p.ordering = mode
        p.fairnessWindow = 100
        p.batchInterval = 100
        p.maxGroupsPerBatch = 6
        p.maxTxsPerGroup = 16
        p.deferralBound = 3
        p.pools = [pool(0), pool(1)]
        // Feed 3: never updated, fresh up to batch time 200 (batch 1 sits exactly at the max age,
        // batch 2 is stale); feed 4: a downtime ended at 200, liquidations wait until 400 (batch 3
        // sits exactly at the end of the grace period).
        p.feeds = [FeedPolicy(feed: 1, maxAge: 10_000), FeedPolicy(feed: 2, maxAge: 10_000),
                   FeedPolicy(feed: 3, maxAge: 200, initialUpdateTime: 0),
                   FeedPolicy(feed: 4, maxAge: 10_000, downtimeEnd: 200, grace: 200)]
        return p
    }

    public static func input(_ stream: [IntakeTx], policy: SequencerPolicy = SequencerWorld.policy(), benchUsers: Int = 0) -> SequencerInput {
        SequencerInput(fork: fork, block: block, pre: pre(benchUsers: benchUsers), policy: policy, stream: stream)
    }
}

/// A seeded adversarial stream over `SequencerWorld`: users moving tokens and swapping on the
/// AMM pools, oracle updates with dependent liquidations (some racing the update, some on a
/// feed that goes stale), searchers attempting sandwiches, privileged front-runs, AA accounts
/// with several nonce keys, bundles, replacement storms, nonce gaps, forced and express-lane
/// transactions, and a hot contract everyone touches; and the rules' edges (issue 14):
/// transfers to the block beneficiary (which must close their group), replacements bumped by
/// exactly 10%, only the fee or only the tip, 2D-nonce keys at the 192-bit bound (2^192 − 1
/// valid, 2^192 not), EIP-7702 delegations of `delegator` set, changed and cleared by sponsors
/// (consuming a nonce its own lane also uses) or self-authorised, a lane predecessor arriving
/// exactly at the deferral bound, and liquidations at the stale-feed and grace-period bounds.
///
/// With `hotRate` set, the stream is instead the benchmark's conflict-rate knob: each
/// transaction comes from one of `benchUsers` accounts (`SequencerWorld.benchUser`, funded by
/// `SequencerWorld.input(…, benchUsers:)`) and is, with probability `hotRate`, a call to the hot
/// counter (conflicts with every other such call), otherwise a token transfer to itself
/// (touches only its own balance slot).
public struct SequencerStreamGenerator: Sendable {
    public var count = 40
    public var gapRate = 0.03
    public var hotRate: Double?
    public var benchUsers = 64
    public init(count: Int = 40, gapRate: Double = 0.03, hotRate: Double? = nil, benchUsers: Int = 64) {
        self.count = count; self.gapRate = gapRate; self.hotRate = hotRate; self.benchUsers = benchUsers
    }

    public func generate(seed: UInt64) -> [IntakeTx] {
        typealias W = SequencerWorld
        var rng = SplitMix64(seed: seed)
        func roll(_ n: UInt64) -> Int { Int(rng.next() % max(1, n)) }
        func chance(_ p: Double) -> Bool { Double(rng.next() % 1_000_000) / 1_000_000 < p }
        var nonces: [Address: UInt64] = [:]
        func nextNonce(_ a: Address) -> UInt64 {
            var n = nonces[a, default: 0]
            if chance(gapRate) { n += 1 }
            nonces[a] = n + 1
            return n
        }
        var out: [IntakeTx] = []
        var time: UInt64 = 0
        var l1: UInt64 = 0, express: UInt64 = 0, bundle: UInt64 = 0, position: UInt64 = 0
        func add(_ t: RecoveredTransaction, kind: TxKind = .user, actor: Address? = nil, key: UInt64 = 0,
                 bundleRef: BundleRef? = nil, expressSeq: UInt64? = nil, at: UInt64? = nil) {
            out.append(IntakeTx(id: out.count, arrival: at ?? time, kind: kind, actor: actor, nonceKey: UInt256(key << 32), tx: t,
                                bundle: bundleRef, expressSeq: expressSeq))
        }
        while out.count < count {
            if let hotRate {
                time += UInt64(roll(3))
                let b = W.benchUser(roll(UInt64(max(1, benchUsers))))
                if chance(hotRate) { add(W.touchHot(b, nonce: nextNonce(b), tip: UInt64(1 + roll(5)))) }
                else { add(W.transfer(b, nonce: nextNonce(b), to: b, amount: UInt64(1 + roll(50)), tip: UInt64(1 + roll(5)))) }
                continue
            }
            time += UInt64(1 + roll(40))
            let u = W.user(roll(UInt64(W.users)))
            switch roll(22) {
            case 0, 1:
                add(W.transfer(u, nonce: nextNonce(u), to: W.user(roll(UInt64(W.users))), amount: UInt64(1 + roll(50)), tip: UInt64(1 + roll(5))))
            case 2, 3:
                add(W.swap(u, nonce: nextNonce(u), pool: roll(2), buy: roll(2) == 0, amount: UInt64(100 + roll(2_000)), tip: UInt64(1 + roll(5))))
            case 4:  // a sandwich attempt around a user swap with a slippage bound
                let s = W.searcher(roll(UInt64(W.searchers)))
                let p = roll(2), buy = roll(2) == 0
                add(W.swap(s, nonce: nextNonce(s), pool: p, buy: buy, amount: 5_000, tip: 5), kind: .privileged)
                time += 1
                add(W.swap(u, nonce: nextNonce(u), pool: p, buy: buy, amount: 1_000, minOut: 950, tip: 2))
                time += 1
                add(W.swap(s, nonce: nextNonce(s), pool: p, buy: !buy, amount: 5_000, tip: 5), kind: .privileged)
            case 5:  // oracle update, then a dependent liquidation
                let f = UInt64(1 + roll(2))
                add(W.update(nonce: nextNonce(W.updater), feed: f, price: UInt64(50 + roll(100))), kind: .oracleUpdate(feed: f))
                time += UInt64(roll(20))
                position += 1
                add(W.liquidate(u, nonce: nextNonce(u), feed: f, position: position), kind: .liquidation(feed: f))
            case 6:  // AA account with several keys: one tx per lane, often same arrival
                let i = roll(UInt64(W.aaAccounts))
                for key in 0..<(1 + roll(UInt64(W.aaKeys))) {
                    let e = W.aaExecutor(i, key: key)
                    add(W.transfer(e, nonce: nextNonce(e), to: W.user(roll(UInt64(W.users))), amount: 3),
                        actor: W.aaActor(i), key: UInt64(key + 1))
                }
            case 7:  // a searcher bundle: buy then sell on one pool
                let s = W.searcher(roll(UInt64(W.searchers)))
                let p = roll(2)
                bundle += 1
                add(W.swap(s, nonce: nextNonce(s), pool: p, buy: true, tip: 3), kind: .privileged, bundleRef: BundleRef(id: bundle, index: 0, size: 2))
                add(W.swap(s, nonce: nextNonce(s), pool: p, buy: false, tip: 3), kind: .privileged, bundleRef: BundleRef(id: bundle, index: 1, size: 2))
            case 8:  // replacement storm: the same nonce again and again, some underpriced
                let n = nextNonce(u)
                var fee: UInt64 = 20, tip: UInt64 = roll(2) == 0 ? 10 : 2
                add(W.transfer(u, nonce: n, to: W.user(0), amount: 1, tip: tip))
                for _ in 0..<(1 + roll(3)) {
                    time += 1
                    // Both raised by more than 10%; both by ⌊110%⌋ (exactly 10% when the old values
                    // are multiples of 10: sufficient, else just below: not); only the fee; only the tip.
                    switch roll(5) {
                    case 0, 1: fee = fee * 11 / 10 + 1; tip = tip * 11 / 10 + 1
                    case 2: fee = fee * 11 / 10; tip = tip * 11 / 10
                    case 3: fee = fee * 11 / 10 + 1
                    default: tip += 1
                    }
                    var t = W.transfer(u, nonce: n, to: W.user(roll(UInt64(W.users))), amount: 1, tip: tip)
                    t.transaction.maxFeePerGas = UInt256(fee)
                    t.transaction.gasPrice = t.transaction.maxFeePerGas
                    add(t)
                }
            case 9:
                l1 += 1
                add(W.transfer(W.forcer, nonce: nextNonce(W.forcer), to: W.user(roll(8)), amount: 2), kind: .forced(l1Index: l1))
            case 10:
                add(W.transfer(W.expressSender, nonce: nextNonce(W.expressSender), to: W.user(roll(8)), amount: 2), expressSeq: express)
                express += 1
            case 11:  // a liquidation racing its feed's update: it arrives first, or at the same ms
                let f = UInt64(1 + roll(2))
                position += 1
                add(W.liquidate(u, nonce: nextNonce(u), feed: f, position: position), kind: .liquidation(feed: f))
                time += UInt64(roll(2))
                add(W.update(nonce: nextNonce(W.updater), feed: f, price: UInt64(50 + roll(100))), kind: .oracleUpdate(feed: f))
            case 12:  // feed 3 has a 150 ms max age and no updates: liquidations go stale after that
                position += 1
                add(W.liquidate(u, nonce: nextNonce(u), feed: 3, position: position), kind: .liquidation(feed: 3))
            case 13:  // the hot contract
                add(W.touchHot(u, nonce: nextNonce(u), tip: UInt64(1 + roll(5))))
            case 14:  // a privileged front-run of a user swap received just before it
                add(W.swap(u, nonce: nextNonce(u), pool: roll(2), buy: true, amount: 500, tip: 1))
                time += 1
                add(W.swap(W.privileged, nonce: nextNonce(W.privileged), pool: roll(2), buy: true, amount: 3_000, tip: 9), kind: .privileged)
            case 16:  // touches the beneficiary: must go alone and close its group
                add(W.pay(u, nonce: nextNonce(u), to: W.coinbase, value: UInt64(1 + roll(9)), tip: UInt64(1 + roll(5))))
            case 17:  // 2D-nonce keys at the 192-bit bound: 2^192 − 1 is valid, 2^192 is not (own executors)
                let i = roll(UInt64(W.aaAccounts)), bound = UInt256.one.shiftedLeft(192)
                let e = W.aaExecutor(i, key: W.aaKeys)
                out.append(IntakeTx(id: out.count, arrival: time, actor: W.aaActor(i), nonceKey: bound &- .one,
                                    tx: W.transfer(e, nonce: nextNonce(e), to: W.user(roll(8)), amount: 1)))
                // Rejected at admission, so its executor's nonce is never used: always 0.
                out.append(IntakeTx(id: out.count, arrival: time, actor: W.aaActor(i), nonceKey: bound,
                                    tx: W.transfer(W.aaExecutor(i, key: W.aaKeys + 1), nonce: 0, to: W.user(roll(8)), amount: 1)))
            case 18:  // EIP-7702: a sponsor sets, changes or clears the delegator's delegation
                let d = W.delegator
                let own = nextNonce(d)                 // the delegator's own transaction first
                add(W.transfer(d, nonce: own, to: W.user(roll(8)), amount: 1))
                time += UInt64(roll(3))
                let target = [W.hot, W.token, Address.zero][roll(3)]
                // The authorization consumes the delegator's next nonce — the one its own next
                // transaction (same arrival or later) also claims: only one of them can run.
                let consumed = own + 1
                nonces[d] = consumed + 1
                add(W.setCode(u, nonce: nextNonce(u), to: d, auths: [W.delegation(to: target, nonce: consumed)]))
                if roll(2) == 0 { add(W.transfer(d, nonce: consumed, to: W.user(roll(8)), amount: 1)) }
            case 19:  // EIP-7702: the delegator authorises itself with the nonce its own tx consumes
                let d = W.delegator, n = nonces[d, default: 0]
                var t = W.setCode(d, nonce: n, to: W.hot, auths: [W.delegation(to: W.hot, nonce: n)], tip: 0)
                t.transaction.maxFeePerGas = 10; t.transaction.gasPrice = 10
                // Rejected (R3), so the nonce stays free for the delegator's next transaction, whose
                // default fees (cap 20, tip 1) are a sufficient replacement of this one (cap 10, tip 0).
                add(t)
            case 20:  // a lane successor whose predecessor arrives exactly K batches later
                let p = W.policy()   // K batches of the world's policy
                let n = nonces[u, default: 0]
                nonces[u] = n + 2
                add(W.transfer(u, nonce: n + 1, to: W.user(roll(8)), amount: 1))
                add(W.transfer(u, nonce: n, to: W.user(roll(8)), amount: 1),
                    at: time + UInt64(p.deferralBound) * p.batchInterval)
            case 21:  // liquidations at the stale-feed (feed 3, batch 1) and grace-period (feed 4, batch 3) bounds
                let feed: UInt64 = roll(2) == 0 ? 3 : 4
                let k = W.keeper(feed == 3 ? 0 : 1)   // one keeper per window, so no lane waits across it
                position += 1
                add(W.liquidate(k, nonce: nextNonce(k), feed: feed, position: position), kind: .liquidation(feed: feed),
                    at: feed == 3 ? 100 + UInt64(roll(100)) : 300 + UInt64(roll(100)))
            default:
                add(W.transfer(W.privileged, nonce: nextNonce(W.privileged), to: W.user(roll(8)), amount: 1, tip: 4), kind: .privileged)
            }
        }
        return out
    }
}
