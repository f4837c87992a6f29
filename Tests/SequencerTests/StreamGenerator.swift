import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import Verification
import SequencerModel

/// Fixed actors and contracts of the sequencer scenarios.
enum World {
    static func user(_ i: Int) -> Address { Address(low: 0x1000 + UInt64(i)) }
    static func searcher(_ i: Int) -> Address { Address(low: 0x2000 + UInt64(i)) }
    static let privileged = Address(low: 0x3000)
    static let updater = Address(low: 0x3001)
    static let forcer = Address(low: 0x3002)
    static let expressSender = Address(low: 0x3003)
    static func aaActor(_ i: Int) -> Address { Address(low: 0x4000 + UInt64(i)) }
    /// The executor of AA account i's lane `key`.
    static func aaExecutor(_ i: Int, key: Int) -> Address { Address(low: 0x5000 + UInt64(i) * 16 + UInt64(key)) }
    static let token = Address(low: 0xa003)
    static func pool(_ i: Int) -> Address { Address(low: 0xa100 + UInt64(i)) }
    static let oracle = Address(low: 0xa200)
    static let coinbase = Address(low: 0xc0ffee)
    static let users = 8, searchers = 2, aaAccounts = 3, aaKeys = 3

    /// Oracle + lending in one contract: word2 = 0 → `slot[word0] = word1` (price update);
    /// word2 ≠ 0 → `slot[word1] = slot[word0]` (a liquidation reading the feed).
    static let oracleCode: [UInt8] = [0x60, 0x40, 0x35, 0x60, 0x0e, 0x57, 0x60, 0x20, 0x35, 0x60, 0x00, 0x35, 0x55, 0x00,
                                      0x5b, 0x60, 0x00, 0x35, 0x54, 0x60, 0x20, 0x35, 0x55, 0x00]

    static var allEOAs: [Address] {
        (0..<users).map(user) + (0..<searchers).map(searcher) + [privileged, updater, forcer, expressSender]
            + (0..<aaAccounts).flatMap { i in (0..<aaKeys).map { aaExecutor(i, key: $0) } }
    }

    static func pre() -> InMemoryState {
        let s = InMemoryState()
        let ether = UInt256(1_000_000_000_000_000_000 as UInt64)
        var tokenBalances: [UInt256: UInt256] = [:]
        for a in allEOAs {
            s.setAccount(a, nonce: 0, balance: ether, code: [], storage: [:])
            tokenBalances[a.word] = UInt256(1_000)
        }
        s.setAccount(token, nonce: 1, balance: .zero, code: SampleContracts.token, storage: tokenBalances)
        for i in 0..<2 { s.setAccount(pool(i), nonce: 1, balance: .zero, code: SampleContracts.counter, storage: [.zero: UInt256(5)]) }
        s.setAccount(oracle, nonce: 1, balance: .zero, code: oracleCode, storage: [.one: UInt256(100)])
        s.setAccount(coinbase, nonce: 0, balance: UInt256(1), code: [], storage: [:])
        return s
    }

    static let block = BlockEnv(coinbase: coinbase, number: 1, timestamp: 1000, gasLimit: 1_000_000_000,
                                prevRandao: .zero, baseFee: UInt256(7), excessBlobGas: 0, chainId: 1)

    static func word(_ v: UInt256) -> [UInt8] { v.bigEndianBytes }

    static func call(_ from: Address, nonce: UInt64, to: Address, data: [UInt8], tip: UInt64 = 1, maxFee: UInt64 = 20) -> RecoveredTransaction {
        RecoveredTransaction(transaction: Transaction(type: .dynamicFee, chainId: 1, nonce: nonce, maxPriorityFeePerGas: UInt256(tip),
                                                      maxFeePerGas: UInt256(maxFee), gasLimit: 200_000, to: to, data: data),
                             sender: from)
    }
    static func transfer(_ from: Address, nonce: UInt64, to: Address, amount: UInt64, tip: UInt64 = 1) -> RecoveredTransaction {
        call(from, nonce: nonce, to: token, data: word(to.word) + word(UInt256(amount)), tip: tip)
    }
    static func swap(_ from: Address, nonce: UInt64, pool p: Int, buy: Bool, tip: UInt64 = 1) -> RecoveredTransaction {
        call(from, nonce: nonce, to: pool(p), data: word(buy ? .one : .zero), tip: tip)
    }
    static func update(nonce: UInt64, feed: UInt64, price: UInt64) -> RecoveredTransaction {
        call(updater, nonce: nonce, to: oracle, data: word(UInt256(feed)) + word(UInt256(price)) + word(.zero))
    }
    static func liquidate(_ from: Address, nonce: UInt64, feed: UInt64, position: UInt64) -> RecoveredTransaction {
        call(from, nonce: nonce, to: oracle, data: word(UInt256(feed)) + word(UInt256(1000 + position)) + word(.one))
    }

    static func policy(_ mode: OrderingMode = .arrival) -> SequencerPolicy {
        var p = SequencerPolicy()
        p.ordering = mode
        p.fairnessWindow = 100
        p.batchInterval = 100
        p.maxGroupsPerBatch = 6
        p.maxTxsPerGroup = 16
        p.deferralBound = 3
        p.pools = [pool(0), pool(1)]
        p.feeds = [FeedPolicy(feed: 1, maxAge: 10_000), FeedPolicy(feed: 2, maxAge: 10_000)]
        return p
    }

    static func input(_ stream: [IntakeTx], policy: SequencerPolicy = World.policy()) -> SequencerInput {
        SequencerInput(fork: .cancun, block: block, pre: pre(), policy: policy, stream: stream)
    }
}

/// A seeded adversarial stream: users moving tokens and swapping, oracle updates with
/// dependent liquidations, searchers attempting sandwiches, privileged transactions, AA
/// accounts with several nonce keys, bundles, replacements, nonce gaps, forced and
/// express-lane transactions.
struct StreamGenerator {
    var count = 40
    var gapRate = 0.03

    func generate(seed: UInt64) -> [IntakeTx] {
        var rng = SplitMix64(seed: seed)
        func roll(_ n: UInt64) -> Int { Int(rng.next() % n) }
        var nonces: [Address: UInt64] = [:]
        func nextNonce(_ a: Address) -> UInt64 {
            var n = nonces[a, default: 0]
            if Double(rng.next() % 1000) / 1000 < gapRate { n += 1 }
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
            time += UInt64(1 + roll(40))
            let u = World.user(roll(UInt64(World.users)))
            switch roll(12) {
            case 0, 1:
                add(World.transfer(u, nonce: nextNonce(u), to: World.user(roll(UInt64(World.users))), amount: UInt64(1 + roll(50)), tip: UInt64(1 + roll(5))))
            case 2, 3:
                add(World.swap(u, nonce: nextNonce(u), pool: roll(2), buy: roll(2) == 0, tip: UInt64(1 + roll(5))))
            case 4:  // a sandwich attempt around a user swap
                let s = World.searcher(roll(UInt64(World.searchers)))
                let p = roll(2), buy = roll(2) == 0
                add(World.swap(s, nonce: nextNonce(s), pool: p, buy: buy, tip: 5), kind: .privileged)
                time += 1
                add(World.swap(u, nonce: nextNonce(u), pool: p, buy: buy, tip: 2))
                time += 1
                add(World.swap(s, nonce: nextNonce(s), pool: p, buy: !buy, tip: 5), kind: .privileged)
            case 5:  // oracle update, then a dependent liquidation
                let f = UInt64(1 + roll(2))
                add(World.update(nonce: nextNonce(World.updater), feed: f, price: UInt64(50 + roll(100))), kind: .oracleUpdate(feed: f))
                time += UInt64(roll(20))
                position += 1
                add(World.liquidate(u, nonce: nextNonce(u), feed: f, position: position), kind: .liquidation(feed: f))
            case 6:  // AA account with several keys: one tx per lane, often same arrival
                let i = roll(UInt64(World.aaAccounts))
                for key in 0..<(1 + roll(UInt64(World.aaKeys))) {
                    let e = World.aaExecutor(i, key: key)
                    add(World.transfer(e, nonce: nextNonce(e), to: World.user(roll(UInt64(World.users))), amount: 3),
                        actor: World.aaActor(i), key: UInt64(key + 1))
                }
            case 7:  // a searcher bundle: buy then sell on one pool
                let s = World.searcher(roll(UInt64(World.searchers)))
                let p = roll(2)
                bundle += 1
                add(World.swap(s, nonce: nextNonce(s), pool: p, buy: true, tip: 3), kind: .privileged, bundleRef: BundleRef(id: bundle, index: 0, size: 2))
                add(World.swap(s, nonce: nextNonce(s), pool: p, buy: false, tip: 3), kind: .privileged, bundleRef: BundleRef(id: bundle, index: 1, size: 2))
            case 8:  // replacement: same nonce again, sometimes underpriced
                let n = nextNonce(u)
                add(World.transfer(u, nonce: n, to: World.user(0), amount: 1, tip: 2))
                time += 1
                let bump: UInt64 = roll(2) == 0 ? 3 : 2
                var t = World.transfer(u, nonce: n, to: World.user(1), amount: 1, tip: bump)
                t.transaction.maxFeePerGas = UInt256(bump == 3 ? 22 : 20)
                t.transaction.gasPrice = t.transaction.maxFeePerGas
                add(t)
            case 9:
                l1 += 1
                add(World.transfer(World.forcer, nonce: nextNonce(World.forcer), to: World.user(roll(8)), amount: 2), kind: .forced(l1Index: l1))
            case 10:
                add(World.transfer(World.expressSender, nonce: nextNonce(World.expressSender), to: World.user(roll(8)), amount: 2),
                    expressSeq: express)
                express += 1
            default:
                add(World.transfer(World.privileged, nonce: nextNonce(World.privileged), to: World.user(roll(8)), amount: 1, tip: 4), kind: .privileged)
            }
        }
        return out
    }
}
