import Testing
import EVMCore
import EVMExecution
import ParallelExecutor
import Generators
import PropertyKit
import PlantedFaults

/// The central test of the parallel executor: parallel == serial, under the threaded driver
/// and many seeded deterministic schedules, on generated multi-transaction blocks.
@Suite struct ParallelMatchesSerialTests {
    @Test func generatedBlocksMatchSerialUnderManySchedules() {
        let gen = BlockGenerator(minTransactions: 2, maxTransactions: 60, conflictRate: 0.5)
        let failure = ParallelMatchesSerial.run(cases: 12, seed: 0x5eed_0001, generator: gen, schedulesPerBlock: 4, workers: 4)
        if let f = failure {
            Issue.record("""
                parallel_matches_serial failed: block seed \(f.blockSeed), schedule seed \(f.scheduleSeed), \
                \(f.input.transactions.count) of \(f.originalSize) txs after \(f.shrinkSteps) shrinks: \(f.difference)
                schedule: \(f.trace?.steps.map(\.description).joined(separator: ", ") ?? "threaded")
                """)
        }
    }

    @Test func deterministicScheduleReplaysExactly() {
        let input = BlockGenerator(minTransactions: 30, maxTransactions: 30, conflictRate: 0.8).generate(seed: 42)
        let first = ParallelExecutor(driver: .deterministic(seed: 7, workers: 3, abortBias: 0.7))
            .executeWithReport(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        guard let trace = first.report.trace else { Issue.record("no trace"); return }
        let again = ParallelExecutor(driver: .replay(trace))
            .executeWithReport(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        #expect(again.report.trace == trace)
        #expect(again.result.stateRoot == first.result.stateRoot)
        #expect(again.report.aborts == first.report.aborts)
        // A conflict-heavy block under an abort-biased schedule really exercises re-execution.
        #expect(first.report.executions > input.transactions.count)
    }

    /// The property must be able to fail: executors with validation switched off, or that read
    /// through ESTIMATE markers, or drop the lazily-paid beneficiary fees are caught.
    @Test(arguments: [PlantedFault.skipValidation, .dropBeneficiaryFees])
    func faultyExecutorIsCaught(fault: PlantedFault) {
        let gen = BlockGenerator(minTransactions: 10, maxTransactions: 40, conflictRate: 0.8)
        let failure = ParallelMatchesSerial.run(cases: 12, seed: 0xfa17, generator: gen, schedulesPerBlock: 4, workers: 4,
                                                threaded: false, faults: fault)
        #expect(failure != nil, "fault \(fault.rawValue) was not detected")
        if let f = failure {
            #expect(f.input.transactions.count <= f.originalSize)
            #expect(f.trace != nil)
        }
    }
}
