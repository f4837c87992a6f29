import Testing
import EVMCore
import EVMExecution
import ParallelExecutor
import Benchmarks

/// The `lockstep bench` workloads compute what they claim and cost the gas they claim, so the
/// Mgas/s figures measure real work.
@Suite struct BenchmarkWorkloadTests {
    @Test(arguments: [1, 2, 17, 1000] as [UInt32])
    func arithmeticLoopReturnsTheRecurrenceAndCostsFixedGasPerIteration(iterations: UInt32) {
        let r = BenchmarkWorkloads.runFrame(code: BenchmarkWorkloads.arithmeticLoop(iterations: iterations))
        #expect(r.status == .success)
        #expect(r.output == BenchmarkWorkloads.arithmeticLoopResult(iterations: iterations).bigEndianBytes)
        // Setup PUSH1 PUSH4 (6) + per-iteration gas + POP PUSH1 MSTORE (3 + 2 + 3 + 3 memory) + PUSH1 PUSH1 RETURN (6).
        #expect(r.gasUsed == 6 + Int64(iterations) * BenchmarkWorkloads.arithmeticGasPerIteration + 11 + 6)
    }

    @Test func arithmeticRecurrenceByHand() {
        // n = 2: acc = 1·3 + 5 − 2 = 6; then 6·3 + 5 − 1 = 22.
        #expect(BenchmarkWorkloads.arithmeticLoopResult(iterations: 2) == UInt256(22))
    }

    @Test(arguments: [1, 2, 50] as [UInt32])
    func keccakLoopReturnsTheHashChain(iterations: UInt32) {
        let r = BenchmarkWorkloads.runFrame(code: BenchmarkWorkloads.keccakLoop(iterations: iterations))
        #expect(r.status == .success)
        #expect(r.output == BenchmarkWorkloads.keccakLoopResult(iterations: iterations).bytes)
        // PUSH4 (3) + iterations + 2 memory words (6) + PUSH1 PUSH1 RETURN (6).
        #expect(r.gasUsed == 3 + Int64(iterations) * BenchmarkWorkloads.keccakGasPerIteration + 6 + 6)
    }

    @Test func keccakChainFirstStepIsTheHashOf64Zeros() {
        #expect(BenchmarkWorkloads.keccakLoopResult(iterations: 1) == Keccak256.hash([UInt8](repeating: 0, count: 64)))
    }

    @Test func tokenTransfersAllSucceedAndConserveSupply() {
        let block = BenchmarkWorkloads.tokenTransferBlock(count: 300, holders: 16)
        let result = SerialExecutor().execute(preState: block.pre, block: block.block, transactions: block.transactions,
                                              fork: block.fork)
        #expect(result.receipts.count == 300)
        #expect(result.receipts.allSatisfy { $0.success })
        let state = block.pre.copy()
        state.apply(result.diff)
        let token = block.transactions[0].transaction.to!
        var supply = UInt256.zero
        var moved = false
        for i in 0..<16 {
            let balance = state.storage(token, BenchmarkWorkloads.holder(i).word)
            supply = supply &+ balance
            if balance != UInt256(1_000_000_000 as UInt64) { moved = true }
        }
        #expect(supply == UInt256(16_000_000_000 as UInt64))
        #expect(moved)
        // Same block through the parallel executor: same gas and root.
        let parallel = ParallelExecutor(driver: .threaded(workers: 2)).execute(
            preState: block.pre, block: block.block, transactions: block.transactions, fork: block.fork)
        #expect(parallel.gasUsed == result.gasUsed)
        #expect(parallel.stateRoot == result.stateRoot)
    }

    @Test func generatedBlocksHaveTheRequestedSizeAndAreDeterministic() {
        let a = BenchmarkWorkloads.generatedBlock(transactions: 50, conflictRate: 0.9, seed: 42)
        let b = BenchmarkWorkloads.generatedBlock(transactions: 50, conflictRate: 0.9, seed: 42)
        #expect(a.transactions.count == 50)
        #expect(a.transactions == b.transactions)
    }
}
