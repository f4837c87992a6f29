import Testing
import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import ParallelExecutor
import SMT
import Generators
import Proofs
import PlantedFaults

private let counter = Address(low: 0xa001)
private let slot0 = AccessLocation.storage(counter, .zero)
private func sender(_ i: Int) -> Address { Address(low: 0x6000 + UInt64(i)) }
private func blockEnv() -> BlockEnv {
    BlockEnv(coinbase: Address(low: 0xc0ffee), number: 1, timestamp: 1000, gasLimit: 1_000_000_000,
             baseFee: UInt256(7), excessBlobGas: 0, chainId: 1)
}
private func call(from: Address, to: Address, value: UInt256 = .zero, data: [UInt8] = [], gas: UInt64 = 100_000) -> RecoveredTransaction {
    RecoveredTransaction(transaction: Transaction(type: .dynamicFee, chainId: 1, nonce: 0, maxPriorityFeePerGas: .one,
                                                  maxFeePerGas: UInt256(20), gasLimit: gas, to: to, value: value, data: data),
                         sender: from)
}

/// `n` senders each incrementing one counter slot: every pair conflicts on it.
private func counterBlock(_ n: Int) -> BlockInput {
    let pre = InMemoryState()
    pre.setAccount(counter, nonce: 1, balance: .zero, code: SampleContracts.counter, storage: [:])
    pre.setAccount(Address(low: 0xc0ffee), nonce: 0, balance: .one, code: [], storage: [:])
    for i in 0..<n { pre.setAccount(sender(i), nonce: 0, balance: UInt256(1 << 60), code: [], storage: [:]) }
    return BlockInput(fork: .cancun, block: blockEnv(), pre: pre, transactions: (0..<n).map { call(from: sender($0), to: counter) })
}

/// 20 transfers (half to an existing, half to a missing recipient), the formerly missing one
/// spending what it received, and a contract reading the other's balance: credits, resolved
/// reads and code-hash-only reads.
private func creditBlock() -> BlockInput {
    let pre = InMemoryState()
    let hub = Address(low: 0xaaaa), fresh = Address(low: 0xbbbb), reader = Address(low: 0xcccc)
    let centi = UInt256(10_000_000_000_000_000 as UInt64)
    pre.setAccount(hub, nonce: 0, balance: UInt256(5), code: [], storage: [:])
    pre.setAccount(reader, nonce: 1, balance: .zero, code: SampleContracts.balanceReader, storage: [:])
    pre.setAccount(Address(low: 0xc0ffee), nonce: 0, balance: .one, code: [], storage: [:])
    var txs: [RecoveredTransaction] = []
    for i in 0..<20 {
        pre.setAccount(sender(i), nonce: 0, balance: UInt256(1 << 60), code: [], storage: [:])
        txs.append(call(from: sender(i), to: i % 2 == 0 ? hub : fresh, value: centi, gas: 21_000))
    }
    txs.append(call(from: fresh, to: sender(0), value: centi &* UInt256(8), gas: 21_000))
    pre.setAccount(sender(40), nonce: 0, balance: UInt256(1 << 60), code: [], storage: [:])
    txs.append(call(from: sender(40), to: reader, data: hub.word.bigEndianBytes))
    return BlockInput(fork: .cancun, block: blockEnv(), pre: pre, transactions: txs)
}

private func serial(_ input: BlockInput) -> BlockResult {
    SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
}

@Suite(.serialized) struct ScheduleSerialisabilityTests {
    // MARK: Hand-built histories

    /// Two increments that both read the pre-block value: no order explains the result.
    @Test func lostUpdateIsACycleNamingBothTransactionsAndTheSlot() throws {
        let t = CommittedAccess(reads: [AccessRead(slot0, .base)], writes: [AccessWrite(slot0)])
        let v = try ScheduleSerialisability.check(AccessSets(transactions: [t, t]))
        #expect(v.edgeCounts == [.writeWrite: 1, .antiDependency: 2])
        guard case .violated(let core, _) = v.presetOrder else { Issue.record("preset order must fail"); return }
        #expect(core.map { v.edges[$0].kind } == [.antiDependency])
        #expect(v.explanation(v.presetOrder).map { "\($0.from)→\($0.to)" } == ["1→0"])
        guard case .violated = v.anyOrder else { Issue.record("no order explains a lost update"); return }
        let cycle = v.explanation(v.anyOrder)
        #expect(Set(v.cycleTransactions(v.anyOrder)) == [0, 1])
        #expect(cycle.allSatisfy { $0.location == slot0 })
        #expect(v.summary.contains("NOT serialisable") && v.summary.contains("T1 →rw→ T0"))
    }

    /// T2 missed T0's write but wrote nothing T0 reads: explained by T2, T0, T1 but not by
    /// the block order.
    @Test func staleReadIsSerialisableInAnotherOrderOnly() throws {
        let x = AccessLocation.storage(counter, .one), y = AccessLocation.storage(counter, UInt256(2))
        let sets = AccessSets(transactions: [
            CommittedAccess(writes: [AccessWrite(x)]),
            CommittedAccess(writes: [AccessWrite(y)]),
            CommittedAccess(reads: [AccessRead(x, .base), AccessRead(y, .write(tx: 1, incarnation: 0))]),
        ])
        let v = try ScheduleSerialisability.check(sets)
        guard case .violated(let core, _) = v.presetOrder else { Issue.record("preset order must fail"); return }
        #expect(core.map { v.edges[$0] }.map { "\($0.kind.rawValue) \($0.from)→\($0.to) \($0.location!)" }
                == ["rw 2→0 \(x)"])
        guard case .ordered(let order) = v.anyOrder else { Issue.record("some order explains it"); return }
        #expect(order.firstIndex(of: 2)! < order.firstIndex(of: 0)! && order.firstIndex(of: 1)! < order.firstIndex(of: 2)!)
    }

    /// Credits commute with each other; a balance read must see exactly the credits below it.
    @Test func creditsCommuteButAStaleBalanceReadDoesNot() throws {
        let cb = AccessLocation.account(Address(low: 0xc0ffee))
        var txs = (0..<4).map { _ in CommittedAccess(writes: [AccessWrite(cb, delta: true)]) }
        txs.append(CommittedAccess(reads: [AccessRead(cb, .combined(full: nil, credits: [0, 1, 2, 3]))]))
        let good = try ScheduleSerialisability.check(AccessSets(transactions: txs))
        #expect(good.presetOrder.isOrdered && good.anyOrder.isOrdered)
        #expect(good.edgeCounts[.writeWrite] == nil && good.edgeCounts[.readFrom] == 4)

        txs[4] = CommittedAccess(reads: [AccessRead(cb, .combined(full: nil, credits: [0, 1]))])   // missed T2's and T3's credits
        let bad = try ScheduleSerialisability.check(AccessSets(transactions: txs))
        guard case .violated(let core, _) = bad.presetOrder else { Issue.record("stale balance read must fail"); return }
        // Either missed credit alone contradicts the block order.
        #expect(!core.isEmpty && core.allSatisfy { [2, 3].contains(bad.edges[$0].to) && bad.edges[$0].from == 4 && bad.edges[$0].kind == .antiDependency })
        #expect(bad.edges.filter { $0.kind == .antiDependency }.map(\.to) == [2, 3])
        #expect(bad.anyOrder.isOrdered)   // T4 before T2 and T3 explains it

        // Credits seen out of block order (T3's but not T1's): only another order explains it.
        txs[4] = CommittedAccess(reads: [AccessRead(cb, .combined(full: nil, credits: [0, 3]))])
        let gap = try ScheduleSerialisability.check(AccessSets(transactions: txs))
        #expect(gap.edges.filter { $0.kind == .antiDependency }.map(\.to) == [1, 2])
        #expect(!gap.presetOrder.isOrdered)
        guard case .ordered(let order) = gap.anyOrder else { Issue.record("some order explains it"); return }
        let at = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        #expect(at[3]! < at[4]! && at[4]! < at[1]! && at[4]! < at[2]!)
        // A credit the writer never wrote is unexplained.
        txs[4] = CommittedAccess(reads: [AccessRead(cb, .combined(full: 1, credits: []))])
        let phantom = try ScheduleSerialisability.check(AccessSets(transactions: txs))
        #expect(phantom.explanation(phantom.anyOrder).map(\.kind) == [.unexplained])
    }

    /// Reading an incarnation that was not committed: a value no committed history wrote.
    @Test func readOfAnAbortedIncarnationIsUnexplained() throws {
        let sets = AccessSets(transactions: [
            CommittedAccess(incarnation: 1, writes: [AccessWrite(slot0)]),
            CommittedAccess(reads: [AccessRead(slot0, .write(tx: 0, incarnation: 0))]),
        ])
        let v = try ScheduleSerialisability.check(sets)
        for verdict in [v.presetOrder, v.anyOrder] {
            let why = v.explanation(verdict)
            #expect(why.count == 1 && why.first?.kind == .unexplained && why.first?.from == 1 && why.first?.location == slot0)
            #expect(why.first?.reason.contains("committed incarnation 1") == true)
        }
        // The same read of the committed incarnation is fine.
        var fixed = sets
        fixed.transactions[1].reads = [AccessRead(slot0, .write(tx: 0, incarnation: 1))]
        #expect(try ScheduleSerialisability.check(fixed).anyOrder.isOrdered)
    }

    /// The dependency guard's tail runs in order after the whole prefix.
    @Test func inOrderTailIsPinnedAfterThePrefix() throws {
        let own = (0..<2).map { CommittedAccess(reads: [AccessRead(.storage(counter, UInt256(UInt64($0))), .base)]) }
        let sets = AccessSets(transactions: own + [CommittedAccess(), CommittedAccess()], inOrderFrom: 2)
        let v = try ScheduleSerialisability.check(sets)
        #expect(v.vacuity == nil && v.proven)
        #expect(v.edges.map { "\($0.from)→\($0.to)" } == ["0→2", "1→2", "2→3"])
        guard case .ordered(let order) = v.anyOrder else { Issue.record("must be ordered"); return }
        #expect(Array(order.suffix(2)) == [2, 3])
        #expect(AccessSets(transactions: [CommittedAccess()], inOrderFrom: 7).inOrderFrom == 1)
    }

    // MARK: Recorded by the executor

    /// The planted bug: without validation, concurrent increments read a stale counter. The
    /// check finds it, and the cycle names the transactions and the counter slot.
    @Test func plantedSkipValidationIsCaughtWithTheCycle() throws {
        let input = counterBlock(8)
        let expected = serial(input)
        var caught = 0
        for seed in UInt64(0)..<8 {
            let (v, _, result) = try ScheduleSerialisability.run(input, driver: .deterministic(seed: seed, workers: 4, abortBias: 0.7),
                                                                 faults: PlantedFault.skipValidation)
            let wrong = ResultComparison.firstDifference(expected: expected, actual: result) != nil
            // Proven in preset order ⇒ every read was the serial one ⇒ the serial result.
            if v.presetOrder.isOrdered { #expect(!wrong, "schedule seed \(seed): proven but result differs"); continue }
            caught += 1
            #expect(wrong, "schedule seed \(seed): a lost increment must change the counter")
            guard case .violated = v.anyOrder else { Issue.record("schedule seed \(seed): lost update must be a cycle"); continue }
            let cycle = v.explanation(v.anyOrder)
            #expect(cycle.count >= 2 && cycle.allSatisfy { $0.location == slot0 }, "schedule seed \(seed): \(cycle)")
            #expect(Set(cycle.map(\.from)).count >= 2)
            #expect(cycle.contains { $0.kind == .antiDependency })
        }
        #expect(caught >= 4, "only \(caught) of 8 schedules lost an update")
        // The same block under the real executor is proven.
        let (ok, _, _) = try ScheduleSerialisability.run(input, driver: .deterministic(seed: 0, workers: 4, abortBias: 0.7))
        #expect(ok.presetOrder.isOrdered && ok.anyOrder.isOrdered && ok.edgeCounts[.readFrom, default: 0] >= 7)
    }

    /// Generated conflicting blocks under seeded deterministic and threaded schedules are
    /// serialisable in the block's order.
    @Test(arguments: [UInt64(11), 12, 13, 14, 15, 16])
    func generatedBlocksAreSerialisableInPresetOrder(blockSeed: UInt64) throws {
        // Without the generator's edge cases: a gas-pool-overflow block is re-run serially and
        // records no conflicts, which this test needs (the edge cases are `lockstep check`'s).
        var g = BlockGenerator(minTransactions: 30, maxTransactions: 30, conflictRate: 0.6)
        g.edgeRate = 0
        let input = g.generate(seed: blockSeed)
        let expected = serial(input)
        var drivers: [ParallelExecutor.Driver] = (0..<8).map { .deterministic(seed: blockSeed &* 100 &+ $0, workers: 2 + Int($0 % 3), abortBias: $0 % 2 == 0 ? 0 : 0.7) }
        drivers += [.threaded(workers: 2), .threaded(workers: 4)]
        var aborts = 0
        for d in drivers {
            let (v, report, result) = try ScheduleSerialisability.run(input, driver: d)
            aborts += report.aborts
            #expect(ResultComparison.firstDifference(expected: expected, actual: result) == nil)
            #expect(v.presetOrder.isOrdered, "block seed \(blockSeed), \(d): \(v.summary)")
            #expect(v.anyOrder.isOrdered)
            #expect(v.edgeCounts[.readFrom, default: 0] > 0 && v.edgeCounts[.writeWrite, default: 0] > 0, "block seed \(blockSeed): no conflicts recorded")
        }
        #expect(aborts > 0, "block seed \(blockSeed): no schedule aborted anything; the blocks are not conflicting enough")
    }

    /// When the dependency guard halts, the kept prefix comes from the recorded sets and the
    /// rest is pinned in order after it; the block is still proven.
    @Test func haltedRunsKeepThePrefixAndPinTheTail() throws {
        let input = BlockGenerator(minTransactions: 30, maxTransactions: 30, conflictRate: 0.6).generate(seed: 0x6a7d)
        var halted = 0
        for window in [1, 3, 8] {
            let executor = ParallelExecutor(driver: .deterministic(seed: UInt64(window), workers: 3, abortBias: 0.5),
                                            dependencyGuard: DependencyGuard(window: window, threshold: 0, linked: 0, windows: 1))
            let (v, report, _) = try ScheduleSerialisability.run(input, executor: executor)
            let sets = try #require(report.accessSets)
            #expect(sets.inOrderFrom == 30 - report.finishedInOrder)
            #expect(sets.transactions[sets.inOrderFrom...].allSatisfy { $0.reads.isEmpty && $0.writes.isEmpty })
            if report.finishedInOrder > 0 {
                halted += 1
                #expect(v.edgeCounts[.inOrder] == 30 - 1)
            }
            #expect(v.presetOrder.isOrdered && v.anyOrder.isOrdered, "window \(window): \(v.summary)")
        }
        #expect(halted >= 2)
    }

    /// Credits, resolved balance reads and code-hash-only reads of a correct run are all
    /// explained by a committed prefix of writes, and the block is proven.
    @Test func creditsAndCodeHashReadsAreExplained() throws {
        let input = creditBlock()
        for seed in UInt64(0)..<6 {
            let (v, report, _) = try ScheduleSerialisability.run(input, driver: .deterministic(seed: seed, workers: 3, abortBias: 0.7))
            let sets = try #require(report.accessSets)
            let reads = sets.transactions.flatMap(\.reads)
            #expect(reads.contains { if case .codeHash = $0.location { return true } else { return false } })
            #expect(reads.contains { if case .combined = $0.origin { return true } else { return false } })
            #expect(!reads.contains { $0.origin == .unexplained })
            #expect(v.presetOrder.isOrdered, "schedule seed \(seed): \(v.summary)")
        }
    }

    /// With validation skipped (or ESTIMATE markers ignored), on generated blocks: every run
    /// whose result differs from the serial one is a violation (the check is never fooled),
    /// and violations occur.
    @Test(arguments: [PlantedFault.skipValidation, .ignoreEstimates])
    func faultyExecutorOnGeneratedBlocksNeverPassesAWrongResult(fault: PlantedFault) throws {
        var violations = 0, wrong = 0
        for blockSeed in UInt64(21)..<25 {
            var g = BlockGenerator(minTransactions: 30, maxTransactions: 30, conflictRate: 0.7)
            g.edgeRate = 0   // the blocks these counts were tuned on (see above)
            let input = g.generate(seed: blockSeed)
            let expected = serial(input)
            for s in UInt64(0)..<3 {
                let (v, _, result) = try ScheduleSerialisability.run(input, driver: .deterministic(seed: s, workers: 4, abortBias: 0.7),
                                                                     faults: fault)
                if case .unknown(let r) = v.presetOrder { Issue.record("unknown: \(r)") }
                let differs = ResultComparison.firstDifference(expected: expected, actual: result) != nil
                if differs { wrong += 1 }
                if !v.presetOrder.isOrdered { violations += 1 }
                if differs { #expect(!v.presetOrder.isOrdered, "block seed \(blockSeed) schedule \(s): wrong result proven") }
            }
        }
        #expect(wrong > 0 && violations >= wrong, "fault \(fault.rawValue): violations \(violations), wrong results \(wrong)")
    }

    // MARK: Failure modes (issue 19)

    /// A prefix transaction with no recorded access: the history is vacuous, not proven, even
    /// though Z3 finds the (unconstrained) order.
    @Test func historyWithoutRecordedAccessIsVacuous() throws {
        let t = CommittedAccess(reads: [AccessRead(slot0, .base)], writes: [AccessWrite(slot0)])
        let v = try ScheduleSerialisability.check(AccessSets(transactions: [t, CommittedAccess(), CommittedAccess()]))
        #expect(v.presetOrder.isOrdered)
        #expect(v.vacuity?.contains("T1, T2") == true, "\(v.vacuity ?? "nil")")
        #expect(!v.serialisableInPresetOrder && !v.proven)
        #expect(v.summary.contains("VACUOUS"))
        // Empty entries after inOrderFrom are the in-order tail, not a missing record.
        let tail = try ScheduleSerialisability.check(AccessSets(transactions: [t, CommittedAccess()], inOrderFrom: 1))
        #expect(tail.vacuity == nil && tail.proven)
    }

    /// A resource limit of 1 makes both questions unknown on a recorded block: never proven.
    @Test func resourceLimitMakesTheScheduleUnknown() throws {
        let input = BlockGenerator(minTransactions: 40, maxTransactions: 40, conflictRate: 0.6).generate(seed: 19)
        let driver = ParallelExecutor.Driver.deterministic(seed: 19, workers: 3, abortBias: 0.5)
        let (ok, _, _) = try ScheduleSerialisability.run(input, driver: driver)
        #expect(ok.proven, "\(ok.summary)")
        let (v, _, _) = try ScheduleSerialisability.run(input, driver: driver, resourceLimit: 1)
        guard case .unknown = v.presetOrder else { Issue.record("preset order with rlimit 1: \(v.summary)"); return }
        #expect(!v.proven && !v.serialisableInPresetOrder)
        #expect(v.summary.contains("UNKNOWN"))
    }
}
