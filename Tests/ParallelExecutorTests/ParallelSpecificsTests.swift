import Testing
import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import ParallelExecutor
import Benchmarks
import Generators

/// Runs `input` serially and under `seeds` deterministic schedules (2–4 workers, alternating
/// abort bias) plus twice threaded; records every difference with the seed that produced it.
/// Returns the serial result and the reports of the deterministic runs.
@discardableResult
func expectParallelMatchesSerial(_ input: BlockInput, seeds: Range<UInt64>, guard g: DependencyGuard? = DependencyGuard(),
                                 sourceLocation: SourceLocation = #_sourceLocation) -> (BlockResult, [ParallelReport]) {
    let serial = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
    var reports: [ParallelReport] = []
    for seed in seeds {
        let workers = 2 + Int(seed % 3)
        let bias = seed % 2 == 0 ? 0.0 : 0.7
        let (r, report) = ParallelExecutor(driver: .deterministic(seed: seed, workers: workers, abortBias: bias), dependencyGuard: g)
            .executeWithReport(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        reports.append(report)
        if let d = ResultComparison.firstDifference(expected: serial, actual: r) {
            Issue.record("schedule seed \(seed) (\(workers) workers, abort bias \(bias)): \(d); replay with .deterministic(seed: \(seed), workers: \(workers), abortBias: \(bias))",
                         sourceLocation: sourceLocation)
        }
    }
    for workers in [2, 4] {
        let r = ParallelExecutor(driver: .threaded(workers: workers), dependencyGuard: g)
            .execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        if let d = ResultComparison.firstDifference(expected: serial, actual: r) {
            Issue.record("threaded (\(workers) workers): \(d)", sourceLocation: sourceLocation)
        }
    }
    return (serial, reports)
}

private let ether = UInt256(1_000_000_000_000_000_000 as UInt64)
private let centiEther = UInt256(10_000_000_000_000_000 as UInt64)
private let deciEther = UInt256(100_000_000_000_000_000 as UInt64)
private func eoa(_ i: Int) -> Address { Address(low: 0x5000 + UInt64(i)) }
private func env(_ fork: Hardfork) -> BlockEnv {
    BlockEnv(coinbase: Address(low: 0xc0ffee), number: 1, timestamp: 1000, gasLimit: 1_000_000_000,
             baseFee: UInt256(7), excessBlobGas: 0, chainId: 1)
}
private func call(from: Address, nonce: UInt64 = 0, to: Address, value: UInt256 = .zero, data: [UInt8] = [],
                  gas: UInt64 = 100_000) -> RecoveredTransaction {
    RecoveredTransaction(transaction: Transaction(type: .dynamicFee, chainId: 1, nonce: nonce, maxPriorityFeePerGas: .one,
                                                  maxFeePerGas: UInt256(20), gasLimit: gas, to: to, value: value, data: data),
                         sender: from)
}

/// Plain value transfers publish the recipient's credit as a balance delta: many transfers to
/// one recipient do not conflict, and a later read of the recipient resolves every credit.
@Suite struct BalanceDeltaTests {
    /// 30 transfers from distinct senders to one existing and one missing recipient; then the
    /// formerly missing recipient spends what it received (valid only once every credit below
    /// it has landed) and a contract reads the other recipient's balance.
    func block() -> BlockInput {
        let pre = InMemoryState()
        let hub = Address(low: 0xaaaa), fresh = Address(low: 0xbbbb), reader = Address(low: 0xcccc)
        pre.setAccount(hub, nonce: 0, balance: UInt256(5), code: [], storage: [:])
        pre.setAccount(reader, nonce: 1, balance: .zero, code: SampleContracts.balanceReader, storage: [:])
        pre.setAccount(Address(low: 0xc0ffee), nonce: 0, balance: .one, code: [], storage: [:])
        var txs: [RecoveredTransaction] = []
        for i in 0..<30 {
            pre.setAccount(eoa(i), nonce: 0, balance: ether, code: [], storage: [:])
            txs.append(call(from: eoa(i), to: i % 2 == 0 ? hub : fresh, value: centiEther, gas: 21_000))
        }
        // fresh got 15 × 0.01 ether; spending 0.12 ether plus gas needs at least 13 of the credits.
        txs.append(call(from: fresh, to: eoa(0), value: centiEther &* UInt256(12), gas: 21_000))
        txs.append(call(from: eoa(40), to: reader, data: hub.word.bigEndianBytes))
        pre.setAccount(eoa(40), nonce: 0, balance: ether, code: [], storage: [:])
        return BlockInput(fork: .cancun, block: env(.cancun), pre: pre, transactions: txs)
    }

    @Test func transfersToOneRecipientMatchSerialAndReadsResolveTheCredits() {
        let input = block()
        let (serial, _) = expectParallelMatchesSerial(input, seeds: 0..<24)
        // The block does what it says (so equality above is not vacuous).
        #expect(serial.receipts.count == 32 && serial.receipts.allSatisfy(\.success))
        let post = input.pre.copy()
        post.apply(serial.diff)
        #expect(post.account(Address(low: 0xaaaa))?.balance == UInt256(5) &+ centiEther &* UInt256(15))
        #expect(post.storage(Address(low: 0xcccc), .one) == UInt256(5) &+ centiEther &* UInt256(15))
    }

    /// The transfers themselves never conflict: no schedule aborts or waits on any of them.
    @Test func creditsDoNotConflict() {
        var input = block()
        input.transactions.removeLast(2)   // keep only the 30 transfers
        let (_, reports) = expectParallelMatchesSerial(input, seeds: 100..<124, guard: nil)
        for (i, r) in reports.enumerated() {
            #expect(r.aborts == 0 && r.dependencyWaits == 0, "schedule seed \(100 + i): \(r.aborts) aborts, \(r.dependencyWaits) waits")
            #expect(r.executions == 30)
        }
    }

    /// A recipient that gains code mid-block (an EIP-7702 delegation lands before later
    /// transfers): transfers speculated before it must re-run and execute the code.
    @Test func recipientGainingCodeMidBlock() throws {
        let key = Bytes32(UInt256(0x7702_0001))
        var auth = Authorization(chainId: 1, address: Address(low: 0xc0de), nonce: 0)
        let signed = auth.sign(privateKey: key)
        #expect(signed)
        let authority = try #require(auth.authority())
        let pre = InMemoryState()
        pre.setAccount(authority, nonce: 0, balance: .zero, code: [], storage: [:])
        pre.setAccount(Address(low: 0xc0de), nonce: 1, balance: .zero, code: SampleContracts.counter, storage: [:])
        pre.setAccount(Address(low: 0xc0ffee), nonce: 0, balance: .one, code: [], storage: [:])
        var txs: [RecoveredTransaction] = []
        for i in 0..<12 {
            pre.setAccount(eoa(i), nonce: 0, balance: ether, code: [], storage: [:])
            if i == 4 {
                txs.append(RecoveredTransaction(transaction: Transaction(
                    type: .setCode, chainId: 1, nonce: 0, maxPriorityFeePerGas: .one, maxFeePerGas: UInt256(20),
                    gasLimit: 100_000, to: eoa(i), authorizationList: [auth]), sender: eoa(i)))
            } else {
                txs.append(call(from: eoa(i), to: authority, value: UInt256(1000)))
            }
        }
        let input = BlockInput(fork: .prague, block: env(.prague), pre: pre, transactions: txs)
        let (serial, _) = expectParallelMatchesSerial(input, seeds: 0..<24)
        let post = input.pre.copy()
        post.apply(serial.diff)
        // 7 transfers after the delegation ran the counter in the authority's storage.
        #expect(post.storage(authority, .zero) == UInt256(7))
        #expect(post.account(authority)?.balance == UInt256(11 * 1000))
    }
}

/// EIP-7702 delegations under the parallel executor: set, called, re-delegated, used as a
/// sender, cleared.
@Suite struct DelegationTests {
    static let counterCode = Address(low: 0xc001)
    static let callerStore = Address(low: 0xc002)
    /// `slot1 = CALLER; slot2 += 1`.
    static let storeCaller: [UInt8] = [0x33, 0x60, 0x01, 0x55, 0x60, 0x02, 0x54, 0x60, 0x01, 0x01, 0x60, 0x02, 0x55, 0x00]

    func block(authorityKey: Bytes32) throws -> (BlockInput, Address) {
        func signed(_ target: Address, nonce: UInt64) throws -> Authorization {
            var a = Authorization(chainId: 1, address: target, nonce: nonce)
            guard a.sign(privateKey: authorityKey) else { throw SignError() }
            return a
        }
        let first = try signed(DelegationTests.counterCode, nonce: 0)
        let authority = try #require(first.authority())
        let pre = InMemoryState()
        pre.setAccount(authority, nonce: 0, balance: ether, code: [], storage: [:])
        pre.setAccount(DelegationTests.counterCode, nonce: 1, balance: .zero, code: SampleContracts.counter, storage: [:])
        pre.setAccount(DelegationTests.callerStore, nonce: 1, balance: .zero, code: DelegationTests.storeCaller, storage: [:])
        pre.setAccount(Address(low: 0xc0ffee), nonce: 0, balance: .one, code: [], storage: [:])
        for i in 0..<20 { pre.setAccount(eoa(i), nonce: 0, balance: ether, code: [], storage: [:]) }
        func setCode(from i: Int, _ auth: Authorization) -> RecoveredTransaction {
            RecoveredTransaction(transaction: Transaction(type: .setCode, chainId: 1, nonce: 0, maxPriorityFeePerGas: .one,
                                                          maxFeePerGas: UInt256(20), gasLimit: 100_000, to: eoa(i),
                                                          authorizationList: [auth]), sender: eoa(i))
        }
        var txs: [RecoveredTransaction] = []
        txs.append(call(from: eoa(0), to: authority))                        // no code yet: nothing runs
        txs.append(setCode(from: 1, first))                                   // authority → counter (nonce 1)
        for i in 2..<6 { txs.append(call(from: eoa(i), to: authority)) }      // 4 increments
        txs.append(setCode(from: 6, try signed(DelegationTests.callerStore, nonce: 1)))   // re-delegate (nonce 2)
        for i in 7..<10 { txs.append(call(from: eoa(i), to: authority, value: UInt256(3))) } // slot1 = caller, slot2 += 1
        txs.append(call(from: authority, nonce: 2, to: eoa(19), value: UInt256(77)))      // the authority sends (nonce 3)
        txs.append(setCode(from: 10, try signed(.zero, nonce: 3)))            // clear the delegation (nonce 4)
        for i in 11..<14 { txs.append(call(from: eoa(i), to: authority, value: UInt256(5))) } // plain credits again
        return (BlockInput(fork: .prague, block: env(.prague), pre: pre, transactions: txs), authority)
    }
    struct SignError: Error {}

    @Test func setCallRedelegateAndClearMatchSerial() throws {
        let (input, authority) = try block(authorityKey: Bytes32(UInt256(0xa11ce)))
        let (serial, reports) = expectParallelMatchesSerial(input, seeds: 0..<24)
        #expect(reports.count == 24)
        // What serial execution must have done, from the block's construction.
        #expect(serial.receipts.count == input.transactions.count && serial.receipts.allSatisfy(\.success))
        let post = input.pre.copy()
        post.apply(serial.diff)
        #expect(post.storage(authority, .zero) == UInt256(4))
        #expect(post.storage(authority, .one) == eoa(9).word)
        #expect(post.storage(authority, UInt256(2)) == UInt256(3))
        #expect(post.account(authority)?.nonce == 4)
        #expect(post.account(authority)?.codeHash == Keccak256.emptyHash)
        #expect(post.account(eoa(19))?.balance == ether &+ UInt256(77))
    }

    /// The same block with every call sent before the delegation is set: speculation runs the
    /// calls against a codeless authority first, and must discard that.
    @Test func callsPrecedingTheirDelegationInBlockOrder() throws {
        let (input, _) = try block(authorityKey: Bytes32(UInt256(0xb0b)))
        var reordered = input
        let calls = input.transactions.indices.filter { input.transactions[$0].transaction.type != .setCode }
        let sets = input.transactions.indices.filter { input.transactions[$0].transaction.type == .setCode }
        reordered.transactions = (sets + calls).map { input.transactions[$0] }.reversed()
        expectParallelMatchesSerial(reordered, seeds: 50..<72)
    }
}

/// The dependency guard halts Block-STM and finishes the block in order; whatever the halt
/// point, the result is the serial one.
@Suite struct DependencyGuardTests {
    /// Thresholds 0 halt after the first `window` finished executions: this sweeps the halt
    /// point across generated conflict-heavy blocks, exercising the in-order prefix check.
    @Test func haltingAnywhereGivesTheSerialResult() {
        let gen = BlockGenerator(minTransactions: 20, maxTransactions: 40, conflictRate: 0.6)
        var halted = 0
        for blockSeed in 0..<UInt64(6) {
            let input = gen.generate(seed: 0x6a7d + blockSeed)
            let serial = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions,
                                                  fork: input.fork)
            for window in [1, 2, 3, 5, 8, 13, 21] {
                let seed = blockSeed &* 31 &+ UInt64(window)
                let (r, report) = ParallelExecutor(driver: .deterministic(seed: seed, workers: 3, abortBias: 0.5),
                                                   dependencyGuard: DependencyGuard(window: window, threshold: 0, linked: 0, windows: 1))
                    .executeWithReport(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
                if report.finishedInOrder > 0 { halted += 1 }
                if let d = ResultComparison.firstDifference(expected: serial, actual: r) {
                    Issue.record("block seed \(0x6a7d + blockSeed), window \(window), schedule seed \(seed): \(d)")
                }
            }
        }
        #expect(halted >= 30, "the guard halted only \(halted) of 42 runs before the end")
    }

    /// A schedule cut short by the guard replays exactly: same steps, same halt point.
    @Test func haltedScheduleReplaysExactly() {
        let chain = ParallelBenchmarks.block(transactions: 120, conflictRate: 1, rounds: 5...10, seed: 2)
        let first = ParallelExecutor(driver: .deterministic(seed: 11, workers: 2, abortBias: 0.3))
            .executeWithReport(preState: chain.pre, block: chain.block, transactions: chain.transactions, fork: chain.fork)
        #expect(first.report.finishedInOrder > 0)
        guard let trace = first.report.trace else { Issue.record("no trace"); return }
        let again = ParallelExecutor(driver: .replay(trace))
            .executeWithReport(preState: chain.pre, block: chain.block, transactions: chain.transactions, fork: chain.fork)
        #expect(again.report.trace == trace)
        #expect(again.report.finishedInOrder == first.report.finishedInOrder)
        #expect(again.result.stateRoot == first.result.stateRoot)
    }

    @Test func fullyDependentChainIsFinishedInOrderAndConflictFreeBlockIsNot() {
        let chain = ParallelBenchmarks.block(transactions: 120, conflictRate: 1, rounds: 5...10, seed: 1)
        let free = ParallelBenchmarks.block(transactions: 120, conflictRate: 0, rounds: 5...10, seed: 1)
        let (_, chainReports) = expectParallelMatchesSerial(chain, seeds: 0..<6)
        let (_, freeReports) = expectParallelMatchesSerial(free, seeds: 0..<6)
        for r in chainReports { #expect(r.finishedInOrder > 0) }
        for r in freeReports { #expect(r.finishedInOrder == 0 && r.aborts == 0) }
    }
}

/// The parallel benchmark blocks compute what they claim, and their dependency graphs are the
/// ones their construction implies.
@Suite struct ParallelBenchmarkBlockTests {
    @Test(arguments: [0.0, 0.5, 1.0])
    func blocksExecuteAsDescribed(rate: Double) {
        let n = 40
        let input = ParallelBenchmarks.block(transactions: n, conflictRate: rate, rounds: 3...9, seed: 7)
        let serial = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions,
                                              fork: input.fork)
        #expect(serial.receipts.count == n && serial.receipts.allSatisfy(\.success))
        let post = input.pre.copy()
        post.apply(serial.diff)
        let token = ParallelBenchmarks.tokenAddress
        var shared = 0
        var counter = UInt256.one   // the shared counter's initial value
        for (i, rtx) in input.transactions.enumerated() {
            let data = rtx.transaction.data
            let amount = UInt256(bigEndian: data[32..<64])
            let rounds = Int(UInt256(bigEndian: data[64..<96]).w0)
            let slot = UInt256(bigEndian: data[96..<128])
            #expect(post.storage(token, ParallelBenchmarks.recipient(i).word) == amount)
            #expect(post.storage(token, rtx.sender.word) == ParallelBenchmarks.initialTokens &- amount)
            let read: UInt256
            if slot == ParallelBenchmarks.sharedCounterSlot {
                shared += 1; read = counter; counter = counter &+ .one
            } else {
                read = .zero
                #expect(post.storage(token, slot) == .one)
            }
            // The logged hash chain starts from (caller, counter value read).
            #expect(serial.receipts[i].logs.first?.data == ParallelBenchmarks.hashChain(caller: rtx.sender, counter: read, rounds: rounds))
        }
        #expect(post.storage(token, ParallelBenchmarks.sharedCounterSlot) == UInt256(UInt64(1 + shared)))
        if rate == 0 { #expect(shared == 0) }
        if rate == 1 { #expect(shared == n) }

        let graph = DependencyGraph.of(input)
        #expect(graph.cost == serial.receipts.map(\.gasUsed))
        // Only the shared-counter transactions depend on anything: each on the previous one.
        var previousShared: Int? = nil
        for (i, rtx) in input.transactions.enumerated() {
            let isShared = UInt256(bigEndian: rtx.transaction.data[96..<128]) == ParallelBenchmarks.sharedCounterSlot
            #expect(graph.dependencies[i] == (isShared ? previousShared.map { [$0] } ?? [] : []))
            if isShared { previousShared = i }
        }
        if rate == 1 { #expect(graph.span == graph.totalWork && graph.idealSpeedup(workers: 2) == 1) }
        if rate == 0 { #expect(graph.span == graph.cost.max() && graph.idealSpeedup(workers: 2) == 2) }
        expectParallelMatchesSerial(input, seeds: 0..<4)
    }

    @Test func roundGasMatchesTheBytecode() {
        let a = ParallelBenchmarks.block(transactions: 1, conflictRate: 0, rounds: 10...10, seed: 3)
        let b = ParallelBenchmarks.block(transactions: 1, conflictRate: 0, rounds: 20...20, seed: 3)
        func gas(_ x: BlockInput) -> UInt64 {
            SerialExecutor().execute(preState: x.pre, block: x.block, transactions: x.transactions, fork: x.fork).gasUsed
        }
        // Same calldata except the rounds word (10 → 20 changes no zero/non-zero byte count).
        #expect(gas(b) - gas(a) == 10 * ParallelBenchmarks.roundGas)
    }

    @Test func dependencyGraphCountsCreditsAsCommutative() {
        // Three transfers to one recipient, then the recipient sends: only the last depends,
        // on all three (and the beneficiary's fees never make a dependency).
        let pre = InMemoryState()
        let r = Address(low: 0x4242)
        pre.setAccount(Address(low: 0xc0ffee), nonce: 0, balance: .one, code: [], storage: [:])
        for i in 0..<3 { pre.setAccount(eoa(i), nonce: 0, balance: ether, code: [], storage: [:]) }
        var txs = (0..<3).map { call(from: eoa($0), to: r, value: deciEther, gas: 21_000) }
        txs.append(call(from: r, to: eoa(0), value: UInt256(1), gas: 21_000))
        let graph = DependencyGraph.of(BlockInput(fork: .cancun, block: env(.cancun), pre: pre, transactions: txs))
        #expect(graph.dependencies == [[], [], [], [0, 1, 2]])
        #expect(graph.span == 2 * 21_000)
    }
}

/// The final state root is computed on several threads when storages are large; it must be
/// the serial root whatever the number of workers and large accounts.
@Suite struct ParallelStateRootTests {
    @Test(arguments: [2, 3, 4])
    func largeStoragesGiveTheSerialRoot(workers: Int) {
        let input = ParallelBenchmarks.block(transactions: 100, conflictRate: 0.1, rounds: 1...2, seed: 9)
        // Two more large storages the block does not touch, one beside an empty account.
        var slots: [UInt256: UInt256] = [:]
        for k in 0..<300 { slots[UInt256(UInt64(k) &* 7919)] = UInt256(UInt64(k) + 1) }
        input.pre.setAccount(Address(low: 0x51075), nonce: 1, balance: .zero, code: [0x00], storage: slots)
        slots[UInt256(1_000_003)] = .one
        input.pre.setAccount(Address(low: 0x51076), nonce: 1, balance: .one, code: [0x00], storage: slots)
        #expect(input.pre.storage[Address(low: 0x51075)]?.count ?? 0 >= 256)   // the threaded-root path is taken
        let serial = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions,
                                              fork: input.fork)
        for _ in 0..<3 {
            let r = ParallelExecutor(driver: .threaded(workers: workers))
                .execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
            #expect(r.stateRoot == serial.stateRoot)
            #expect(ResultComparison.firstDifference(expected: serial, actual: r) == nil)
        }
    }
}
