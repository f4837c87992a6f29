import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import DeFiContracts

/// A complete, concrete block input: what every executor property runs on and what a
/// counterexample file stores.
public struct BlockInput {
    public var fork: Hardfork
    public var block: BlockEnv
    public var pre: InMemoryState
    public var transactions: [RecoveredTransaction]

    public init(fork: Hardfork, block: BlockEnv, pre: InMemoryState, transactions: [RecoveredTransaction]) {
        self.fork = fork; self.block = block; self.pre = pre; self.transactions = transactions
    }

    /// The same block with only the transactions at `indices` (nonces are kept as generated,
    /// so dropping a transaction can make later ones of the same sender invalid — that is
    /// still a valid input to compare executors on).
    public func keeping(_ indices: [Int]) -> BlockInput {
        var b = self
        b.transactions = indices.map { transactions[$0] }
        return b
    }
}

/// The small contracts generated blocks call. Each is raw bytecode, annotated.
public enum SampleContracts {
    /// `slot0 += 1`.
    public static let counter: [UInt8] = [0x60, 0x00, 0x54, 0x60, 0x01, 0x01, 0x60, 0x00, 0x55, 0x00]

    /// `slot[k+1] = slot[k] + 1` for k = calldata word 0: reads what other txs write.
    public static let chain: [UInt8] = [0x60, 0x00, 0x35, 0x80, 0x54, 0x90, 0x60, 0x01, 0x01, 0x55, 0x00]

    /// Token: `transfer(to = word0, amount = word1)` over balances stored at slot = holder
    /// address; reverts when the caller's balance is short.
    public static let token: [UInt8] = [
        0x33, 0x54, 0x60, 0x20, 0x35, 0x81, 0x81, 0x11, 0x60, 0x1a, 0x57,
        0x80, 0x82, 0x03, 0x33, 0x55,
        0x60, 0x00, 0x35, 0x80, 0x54, 0x82, 0x01, 0x90, 0x55, 0x00,
        0x5b, 0x60, 0x00, 0x80, 0xfd,
    ]

    /// Increments slot 0, then reverts (the increment must leave no trace).
    public static let reverter: [UInt8] = [0x60, 0x00, 0x54, 0x60, 0x01, 0x01, 0x60, 0x00, 0x55, 0x60, 0x00, 0x80, 0xfd]

    /// `SELFDESTRUCT(CALLER)`.
    public static let selfDestructor: [UInt8] = [0x33, 0xff]

    /// Stores BALANCE(address in word 0) into slot 1 and emits it as LOG0: reads balances
    /// others change, including the block beneficiary's.
    public static let balanceReader: [UInt8] = [
        0x60, 0x00, 0x35, 0x31, 0x80, 0x60, 0x01, 0x55,      // BALANCE(word0) → slot1
        0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xa0, 0x00, // mstore, LOG0(0, 32)
    ]

    /// Reads a slot chosen by the value another transaction writes. No calldata (the chain):
    /// `v = slot0; slot[v+1] = slot[v] + 1; slot0 = v + 1`. An incarnation that reads a different
    /// `v` writes a different set of locations than the previous one (so stale writes of an
    /// earlier incarnation must go). 32 bytes of calldata `k` (copy): `slot[k + 2^128] = slot[k]`
    /// — a reader of a key an abandoned incarnation wrote. 64 bytes, word 1 ≠ 0 (jump):
    /// `slot0 = k` — moves the chain, so an incarnation speculated before the jump wrote a key
    /// that no transaction writes in the end.
    public static let keyedChain: [UInt8] = [
        0x36, 0x15, 0x60, 0x21, 0x57,                     // no calldata: goto chain
        0x60, 0x20, 0x35, 0x60, 0x19, 0x57,               // word1 ≠ 0: goto jump
        0x60, 0x00, 0x35, 0x80, 0x54, 0x90,               // copy: k, slot[k]
        0x60, 0x01, 0x60, 0x80, 0x1b, 0x01, 0x55, 0x00,   // SSTORE(k + 2^128, slot[k])
        0x5b, 0x60, 0x00, 0x35, 0x60, 0x00, 0x55, 0x00,   // jump (0x19): SSTORE(0, k)
        0x5b,                                             // chain (0x21):
        0x60, 0x00, 0x54, 0x80, 0x54, 0x60, 0x01, 0x01,   // v, x+1
        0x81, 0x60, 0x01, 0x01, 0x55,                     // SSTORE(v+1, x+1)
        0x60, 0x01, 0x01, 0x60, 0x00, 0x55, 0x00,         // SSTORE(0, v+1)
    ]

    /// Writes slot 0, calls the reverter (whose write is rolled back), then writes slot 1:
    /// a nested revert after writes in both frames.
    public static let nestedReverter: [UInt8] = [
        0x60, 0x00, 0x54, 0x60, 0x01, 0x01, 0x60, 0x00, 0x55,              // slot0 += 1
        0x60, 0x00, 0x80, 0x80, 0x80, 0x80, 0x61, 0xa0, 0x04, 0x5a, 0xf1, 0x50, // CALL(gas, 0xa004, 0, 0, 0, 0, 0); POP
        0x33, 0x60, 0x01, 0x55, 0x00,                                       // slot1 = CALLER
    ]

    /// Runtime of the re-creatable contract: no calldata → `SELFDESTRUCT(CALLER)` (before
    /// Cancun the account and its storage go); calldata → `slot0 += 1` (reads its storage).
    public static let recreatableRuntime: [UInt8] = [
        0x36, 0x15, 0x60, 0x0f, 0x57,                                  // if CALLDATASIZE == 0 goto 15
        0x60, 0x00, 0x54, 0x60, 0x01, 0x01, 0x60, 0x00, 0x55, 0x00,    // slot0 += 1
        0x5b, 0x33, 0xff,                                              // SELFDESTRUCT(CALLER)
    ]

    /// Init code of the re-creatable contract: `slot1 = slot0 + 1` (slot 0 reads zero after the
    /// account was destroyed earlier in the block), then returns `recreatableRuntime`.
    public static let recreatableInit: [UInt8] = [
        0x60, 0x00, 0x54, 0x60, 0x01, 0x01, 0x60, 0x01, 0x55,          // slot1 = slot0 + 1
        0x60, UInt8(recreatableRuntime.count), 0x60, 0x15, 0x60, 0x00, 0x39, // CODECOPY(0, 21, n)
        0x60, UInt8(recreatableRuntime.count), 0x60, 0x00, 0xf3,       // RETURN(0, n)
    ] + recreatableRuntime

    /// CREATE2 (salt 0, call value forwarded) of `recreatableInit`; stores the result in slot 0.
    public static let recreator: [UInt8] = [
        0x60, UInt8(recreatableInit.count), 0x60, 0x13, 0x60, 0x00, 0x39,   // CODECOPY(0, 19, n)
        0x60, 0x00, 0x60, UInt8(recreatableInit.count), 0x60, 0x00, 0x34, 0xf5, // CREATE2(value, 0, n, 0)
        0x60, 0x00, 0x55, 0x00,                                              // SSTORE(0, address)
    ] + recreatableInit

    /// CREATE of a contract whose runtime is `0x00` (STOP), with the call value forwarded;
    /// stores the new address in slot 2.
    public static let creator: [UInt8] = [
        // init code 0x600160005360016000f3 (return 1 byte 0x01? no: returns mem[0..1] = 0x01)
        0x69, 0x60, 0x01, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xf3,   // PUSH10 initcode
        0x60, 0x00, 0x52,                                                   // MSTORE at 0 (right-aligned at 22..31)
        0x60, 0x0a, 0x60, 0x16, 0x34, 0xf0,                                 // CREATE(value, 22, 10)
        0x60, 0x02, 0x55, 0x00,                                             // SSTORE(2, addr)
    ]
}

/// Seeded generator of multi-transaction blocks over a small pool of accounts and contracts,
/// with a controlled conflict rate: `conflictRate` is the probability that a transaction
/// targets one of the few "hot" accounts/contracts rather than its own cold ones. The mix:
/// ether transfers, counters, chained reads/writes, the sample token, reverts, self-destructs,
/// balance reads, CREATE factories and creation transactions, plus (`defiRate`) calls into the
/// DeFi world — hot ones hit the pool, the oracle and the market's totals, cold ones the
/// sender's own token balances and positions.
public struct BlockGenerator: Sendable {
    public var fork: Hardfork = .cancun
    public var minTransactions = 2
    public var maxTransactions = 200
    public var senders = 16
    public var conflictRate = 0.3
    /// Probability that a transaction is a call into the DeFi world (`DeFiWorld`: two tokens,
    /// an AMM pool, an oracle, a lending market, staking), installed in the pre-state when > 0.
    /// 0 reproduces the blocks of earlier versions exactly (the benchmarks rely on that).
    public var defiRate = 0.3
    /// Test-only planted faults (`PlantedFaults`): asked for the sample token's code
    /// (`sampleTokenCode`) and passed to the DeFi world's contracts; nil deploys the real code.
    public var faults: (any FaultHook)?
    /// When the size range reaches past `smallBlockMax`, only this fraction of blocks is drawn
    /// from the whole range [min, max]; the rest from [min, smallBlockMax]. Big blocks are
    /// sampled less often so a budget of cases costs about the same.
    public var largeBlockRate = 0.125
    /// Probability that a transaction calls one of the generated programs (`programs`,
    /// installed in the pre-state when > 0); 0 reproduces earlier versions' blocks.
    public var programRate = 0.15
    public var programs = ProgramGenerator()
    public var smallBlockMax = 40
    /// Probability of executor edge cases (issue 14), drawn from a stream of their own so that
    /// 0 reproduces earlier versions' blocks. Per transaction: the keyed chain (write sets that
    /// change between incarnations), nested reverts after writes, destroying / incrementing /
    /// CREATE2-re-creating a contract (which also receives plain transfers before its code
    /// reappears), self-transfers, transfers to the beneficiary with calldata, blob
    /// transactions. Per block (each at about this rate): Shanghai instead of Cancun (so
    /// SELFDESTRUCT deletes the account and its storage mid-block; only when `fork` is Cancun
    /// and `senderAddresses` is nil), an existing empty beneficiary (zero-fee touches delete
    /// it, EIP-161; also only when `senderAddresses` is nil: blocks for external tools keep a
    /// valid post-EIP-161 pre-state, which the execution spec's t8n insists on) — in half of
    /// those blocks every tip is zero, so the beneficiary is only ever touched by zero fees and
    /// must end deleted —, a block gas limit below the transactions' total (the pool overflows),
    /// a keyed-chain trio from three extra senders (jump, chain, copy of the key the chain's
    /// speculated incarnation wrote: a reader of a location whose writer vanished), and Prague
    /// instead of Cancun with EIP-7702 transactions that set, change and clear the delegation of
    /// `delegatingAuthority` mid-block while other transactions call and pay it (both also only
    /// when `senderAddresses` is nil).
    public var edgeRate = 0.1
    /// Sender addresses to use instead of `senderAddress(i)` (e.g. addresses of known private
    /// keys, so the block can be signed for an external tool). Needs at least `senders` entries.
    public var senderAddresses: [Address]? = nil

    public init(fork: Hardfork = .cancun, minTransactions: Int = 2, maxTransactions: Int = 200, senders: Int = 16,
                conflictRate: Double = 0.3) {
        self.fork = fork; self.minTransactions = minTransactions; self.maxTransactions = maxTransactions
        self.senders = senders; self.conflictRate = conflictRate
    }

    public static func senderAddress(_ i: Int) -> Address { Address(low: 0x1000 + UInt64(i)) }
    public static let coinbase = Address(low: 0xc0ffee)
    static let counterAddr = Address(low: 0xa001)
    static let chainAddr = Address(low: 0xa002)
    public static let tokenAddr = Address(low: 0xa003)
    public static let reverterAddr = Address(low: 0xa004)
    static let readerAddr = Address(low: 0xa005)
    static let creatorAddr = Address(low: 0xa006)
    static func destructorAddr(_ i: Int) -> Address { Address(low: 0xd000 + UInt64(i)) }
    static let keyedChainAddr = Address(low: 0xa007)
    static let nestedReverterAddr = Address(low: 0xa008)
    static let recreatorAddr = Address(low: 0xa009)
    /// The extra senders of the keyed-chain trio (funded only in blocks that have it).
    static func trioSender(_ i: Int) -> Address { Address(low: 0x1f00 + UInt64(i)) }
    /// An EOA with a known key (EIP-7702 authority of the Prague edge blocks).
    static let authorityKey = Bytes32(UInt256(0x7702_b10c))
    public static let delegatingAuthority: Address = {
        var a = Authorization(chainId: 1, address: .zero, nonce: 0)
        return a.sign(privateKey: authorityKey) ? (a.authority() ?? Address(low: 0x7702)) : Address(low: 0x7702)
    }()
    /// Where `recreator` CREATE2s its child (salt 0): keccak(0xff ‖ factory ‖ salt ‖ keccak(init))[12…].
    static let recreatedAddr: Address = {
        let preimage = [0xff] + recreatorAddr.bytes + [UInt8](repeating: 0, count: 32) + Keccak256.hash(SampleContracts.recreatableInit).bytes
        return Address(bytes: Keccak256.hash(preimage).bytes[12...])
    }()
    static func coldCounterAddr(_ i: Int) -> Address { Address(low: 0xb000 + UInt64(i)) }

    /// The i-th sender: `senderAddresses[i]` when given, else `senderAddress(i)`.
    func senderAt(_ i: Int) -> Address {
        if let list = senderAddresses, i < list.count { return list[i] }
        return BlockGenerator.senderAddress(i)
    }

    public func generate(seed: UInt64) -> BlockInput {
        var rng = SplitMix64(seed: seed)
        let pre = InMemoryState()
        let ether = UInt256(1_000_000_000_000_000_000 as UInt64)
        var tokenStorage: [UInt256: UInt256] = [:]
        for i in 0..<senders {
            let a = senderAt(i)
            // Some senders are poor, so value transfers can fail for lack of funds.
            let balance = rng.next() % 5 == 0 ? UInt256(rng.next() % 3_000_000_000_000_000) : ether &* UInt256(10)
            pre.setAccount(a, nonce: 0, balance: balance, code: [], storage: [:])
            tokenStorage[a.word] = UInt256(rng.next() % 1000)
            pre.setAccount(BlockGenerator.destructorAddr(i), nonce: 1, balance: UInt256(rng.next() % 1000),
                           code: SampleContracts.selfDestructor, storage: [.one: .one])
            pre.setAccount(BlockGenerator.coldCounterAddr(i), nonce: 1, balance: .zero, code: SampleContracts.counter, storage: [:])
        }
        pre.setAccount(BlockGenerator.counterAddr, nonce: 1, balance: .zero, code: SampleContracts.counter, storage: [.zero: UInt256(7)])
        pre.setAccount(BlockGenerator.chainAddr, nonce: 1, balance: .zero, code: SampleContracts.chain, storage: [:])
        pre.setAccount(BlockGenerator.tokenAddr, nonce: 1, balance: .zero, code: faults.value(at: .sampleTokenCode, real: SampleContracts.token), storage: tokenStorage)
        pre.setAccount(BlockGenerator.reverterAddr, nonce: 1, balance: .zero, code: SampleContracts.reverter, storage: [:])
        pre.setAccount(BlockGenerator.readerAddr, nonce: 1, balance: .zero, code: SampleContracts.balanceReader, storage: [:])
        pre.setAccount(BlockGenerator.creatorAddr, nonce: 1, balance: .zero, code: SampleContracts.creator, storage: [:])
        if rng.next() % 2 == 0 {
            pre.setAccount(BlockGenerator.coinbase, nonce: 0, balance: UInt256(rng.next() % 1000), code: [], storage: [:])
        }

        let world = DeFiWorld(users: (0..<senders).map { senderAt($0) }, updater: senderAt(0),
                              faults: faults, priceTime: 1000)
        if defiRate > 0 { world.install(in: pre, seed: seed) }
        var programRNG = SplitMix64(seed: seed ^ 0x9e0_9a11)   // separate stream: the main one stays as before
        if programRate > 0 { programs.install(in: pre, rng: &programRNG) }

        var edge = SplitMix64(seed: seed ^ 0xed9e_ca5e)   // the edge cases' own stream
        func edgeDraw(_ p: Double) -> Bool { Double(edge.next() % 1000) / 1000 < p }
        var blockFork = fork
        var overflowPool = false, zeroTips = false, trio = false
        if edgeRate > 0 {
            if fork == .cancun && senderAddresses == nil && edgeDraw(edgeRate * 2) { blockFork = .shanghai }
            if senderAddresses == nil && edgeDraw(edgeRate * 2.5) {
                pre.setAccount(BlockGenerator.coinbase, nonce: 0, balance: .zero, code: [], storage: [:])
                zeroTips = edgeDraw(0.5)
            }
            overflowPool = edgeDraw(edgeRate)
            trio = senderAddresses == nil && edgeDraw(edgeRate * 2)
            if fork == .cancun && blockFork == .cancun && senderAddresses == nil && edgeDraw(edgeRate * 2) {
                blockFork = .prague
                pre.setAccount(BlockGenerator.delegatingAuthority, nonce: 0, balance: ether, code: [], storage: [:])
            }
            pre.setAccount(BlockGenerator.keyedChainAddr, nonce: 1, balance: .zero, code: SampleContracts.keyedChain, storage: [:])
            pre.setAccount(BlockGenerator.nestedReverterAddr, nonce: 1, balance: .zero, code: SampleContracts.nestedReverter, storage: [:])
            pre.setAccount(BlockGenerator.recreatorAddr, nonce: 1, balance: .zero, code: SampleContracts.recreator, storage: [:])
            pre.setAccount(BlockGenerator.recreatedAddr, nonce: 1, balance: UInt256(edge.next() % 1000),
                           code: SampleContracts.recreatableRuntime, storage: [.zero: UInt256(5), .one: UInt256(9)])
        }

        var upper = maxTransactions
        if maxTransactions > smallBlockMax && minTransactions < smallBlockMax,
           Double(rng.next() % 1000) / 1000 >= largeBlockRate {
            upper = smallBlockMax
        }
        let count = minTransactions + Int(rng.next() % UInt64(max(1, upper - minTransactions + 1)))
        var nonces = [UInt64](repeating: 0, count: senders)
        var txs: [RecoveredTransaction] = []
        var authorityNonce: UInt64 = 0   // the next nonce of `delegatingAuthority` an authorization uses
        let baseFee = UInt256(7)
        for _ in 0..<count {
            let hot = Double(rng.next() % 1000) / 1000 < conflictRate
            let s = hot ? Int(rng.next() % UInt64(min(3, senders))) : Int(rng.next() % UInt64(senders))
            let sender = senderAt(s)
            var nonce = nonces[s]
            if rng.next() % 40 == 0 { nonce += 1 + rng.next() % 2 }  // occasionally a nonce gap
            else { nonces[s] += 1 }
            var tx = Transaction(type: .dynamicFee, chainId: 1, nonce: nonce, gasPrice: 20, maxPriorityFeePerGas: UInt256(rng.next() % 3),
                                 maxFeePerGas: 20, gasLimit: 200_000, to: nil, value: .zero, data: [])
            func word(_ v: UInt256) -> [UInt8] { v.bigEndianBytes }
            if edgeRate > 0, edgeDraw(edgeRate) {
                switch edge.next() % (blockFork >= .prague ? 12 : 9) {
                case 0: tx.to = BlockGenerator.keyedChainAddr
                case 1: tx.to = BlockGenerator.nestedReverterAddr
                case 2: tx.to = BlockGenerator.recreatedAddr                       // destroy (no calldata)
                case 3: tx.to = BlockGenerator.recreatedAddr; tx.data = [0x01]     // slot0 += 1
                case 4: tx.to = BlockGenerator.recreatorAddr; tx.value = UInt256(edge.next() % 3)  // CREATE2 again
                case 5:  // a plain transfer to where code comes and goes
                    tx.to = BlockGenerator.recreatedAddr; tx.value = UInt256(1 + edge.next() % 1000); tx.gasLimit = 60_000
                case 6: tx.to = sender; tx.value = UInt256(edge.next() % 1000); tx.gasLimit = 21_000   // self-transfer
                case 7:  // writes the beneficiary explicitly (value and calldata: never a lazy credit)
                    tx.to = BlockGenerator.coinbase; tx.value = UInt256(edge.next() % 1000); tx.data = [0x01]; tx.gasLimit = 30_000
                case 9:  // EIP-7702: set, change or clear the authority's delegation (Prague blocks only)
                    let target = [BlockGenerator.counterAddr, BlockGenerator.keyedChainAddr, Address.zero][Int(edge.next() % 3)]
                    var auth = Authorization(chainId: 1, address: target, nonce: authorityNonce)
                    _ = auth.sign(privateKey: BlockGenerator.authorityKey)
                    authorityNonce += 1
                    tx.type = .setCode
                    tx.authorizationList = [auth]
                    tx.to = BlockGenerator.delegatingAuthority   // runs the new delegation at once
                    tx.gasLimit = 100_000
                case 10:  // a call to the authority: runs whatever it delegates to at that point
                    tx.to = BlockGenerator.delegatingAuthority
                    tx.gasLimit = 100_000
                case 11:  // a plain transfer to the authority (a credit while it has no code)
                    tx.to = BlockGenerator.delegatingAuthority; tx.value = UInt256(1 + edge.next() % 1000); tx.gasLimit = 60_000
                default:  // a blob transaction (Cancun on): pays blob gas, burns it
                    if blockFork >= .cancun {
                        tx.type = .blob
                        tx.to = BlockGenerator.counterAddr
                        tx.maxFeePerBlobGas = UInt256(1 + edge.next() % 3)
                        tx.blobVersionedHashes = [Bytes32(bytes: [Transaction.blobHashVersionKZG] + [UInt8](repeating: UInt8(edge.next() % 256), count: 31))]
                    } else {
                        tx.to = BlockGenerator.keyedChainAddr
                    }
                }
                txs.append(RecoveredTransaction(transaction: tx, sender: sender))
                continue
            }
            if defiRate > 0, Double(rng.next() % 1000) / 1000 < defiRate {
                let call = world.randomCall(sender: sender, hot: hot, rng: &rng)
                tx.to = call.to
                tx.data = call.data
                tx.gasLimit = 400_000
                txs.append(RecoveredTransaction(transaction: tx, sender: sender))
                continue
            }
            if programRate > 0, Double(rng.next() % 1000) / 1000 < programRate {
                let targets = hot ? 2 : programs.contracts
                tx.to = ProgramGenerator.address(Int(rng.next() % UInt64(targets)))
                tx.data = ProgramGenerator.calldata(rng: &rng)
                tx.value = UInt256(rng.next() % 3)
                tx.gasLimit = 300_000
                txs.append(RecoveredTransaction(transaction: tx, sender: sender))
                continue
            }
            switch rng.next() % 9 {
            case 0:  // ether transfer
                let r = hot ? Int(rng.next() % 3) : Int(rng.next() % UInt64(senders))
                tx.to = rng.next() % 7 == 0 ? BlockGenerator.coinbase : senderAt(r)
                tx.value = UInt256(rng.next() % 2_000_000_000_000_000)
                tx.gasLimit = 21_000
            case 1:  // counter
                tx.to = hot ? BlockGenerator.counterAddr : BlockGenerator.coldCounterAddr(Int(rng.next() % UInt64(senders)))
            case 2:  // chain reads/writes
                tx.to = BlockGenerator.chainAddr
                tx.data = word(UInt256(rng.next() % (hot ? 3 : 40)))
            case 3:  // token transfer
                tx.to = BlockGenerator.tokenAddr
                let r = hot ? Int(rng.next() % 3) : Int(rng.next() % UInt64(senders))
                tx.data = word(senderAt(r).word) + word(UInt256(rng.next() % 400))
            case 4:
                tx.to = BlockGenerator.reverterAddr
            case 5:  // self-destruct (moves its balance to the sender; EIP-6780 keeps the account)
                tx.to = BlockGenerator.destructorAddr(Int(rng.next() % UInt64(senders)))
            case 6:  // read a balance (often the beneficiary's)
                tx.to = BlockGenerator.readerAddr
                let target = rng.next() % 2 == 0 ? BlockGenerator.coinbase : senderAt(Int(rng.next() % UInt64(senders)))
                tx.data = word(target.word)
            case 7:  // CREATE via a factory, with value
                tx.to = BlockGenerator.creatorAddr
                tx.value = UInt256(rng.next() % 3)
            default:  // contract creation transaction
                tx.to = nil
                tx.data = [0x60, 0x2a, 0x60, 0x00, 0x55, 0x60, 0x01, 0x60, 0x00, 0xf3]  // sstore(0,42); return 1 byte
                tx.gasLimit = 120_000
            }
            txs.append(RecoveredTransaction(transaction: tx, sender: sender))
        }
        if zeroTips { for i in txs.indices { txs[i].transaction.maxPriorityFeePerGas = .zero } }
        if trio {
            // jump (slot0 = 16 + j), chain, copy of key 1 (what a chain incarnation speculated
            // on the pre-state slot0 = 0 writes), at a random place in the block.
            let at = Int(edge.next() % UInt64(txs.count + 1))
            let jump = UInt256(16 + edge.next() % 16)
            let datas: [[UInt8]] = [jump.bigEndianBytes + UInt256.one.bigEndianBytes, [], UInt256.one.bigEndianBytes]
            let trioTxs = datas.enumerated().map { i, data in
                pre.setAccount(BlockGenerator.trioSender(i), nonce: 0, balance: ether, code: [], storage: [:])
                return RecoveredTransaction(transaction: Transaction(type: .dynamicFee, chainId: 1, nonce: 0, gasPrice: 20,
                                                                     maxPriorityFeePerGas: zeroTips ? .zero : .one, maxFeePerGas: 20,
                                                                     gasLimit: 100_000, to: BlockGenerator.keyedChainAddr, data: data),
                                            sender: BlockGenerator.trioSender(i))
            }
            txs.insert(contentsOf: trioTxs, at: at)
        }
        // A pool overflow: the pool check adds a transaction's gas limit to the gas *used* so far
        // (a small fraction of the limits), so the limit is an eighth of their total: blocks of
        // more than a few transactions overflow part-way.
        let total = txs.reduce(UInt64(0)) { $0 &+ $1.transaction.gasLimit }
        let gasLimit: UInt64 = overflowPool && txs.count > 1 ? max(200_000, total / 8) : 1_000_000_000
        let env = BlockEnv(coinbase: BlockGenerator.coinbase, number: 1, timestamp: 1000, gasLimit: gasLimit,
                           prevRandao: UInt256(seed), baseFee: baseFee, excessBlobGas: 0, chainId: 1)
        return BlockInput(fork: blockFork, block: env, pre: pre, transactions: txs)
    }
}

extension FaultPoint where Value == [UInt8] {
    /// `BlockGenerator`: the code deployed at `tokenAddr` (`SampleContracts.token`).
    public static var sampleTokenCode: FaultPoint<[UInt8]> { FaultPoint("SampleContracts.token") }
}
