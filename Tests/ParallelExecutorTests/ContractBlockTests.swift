import Testing
import EVMCore
import EVMExecution
import ParallelExecutor
import Benchmarks

/// The `lockstep bench --contracts` blocks do what they claim: every call into the compiled
/// contracts succeeds, the conflict level shapes the dependency graph as documented (no edges
/// at 0, one chain through every transaction at 1), and the parallel executor reproduces the
/// serial result on them under seeded schedules.
@Suite struct ContractBlockTests {
    @Test(arguments: ContractBlocks.Workload.allCases)
    func conflictLevelShapesTheGraph(workload: ContractBlocks.Workload) {
        let n = 40
        let free = ContractBlocks.block(workload, transactions: n, conflictRate: 0, seed: 7)
        let chain = ContractBlocks.block(workload, transactions: n, conflictRate: 1, seed: 7)
        for b in [free, chain] {
            let r = SerialExecutor().execute(preState: b.pre, block: b.block, transactions: b.transactions, fork: b.fork)
            let succeeded = r.receipts.count == n && r.receipts.allSatisfy(\.success)
            let logged = r.receipts.allSatisfy { !$0.logs.isEmpty }
            #expect(succeeded, "\(workload): every call succeeds")
            #expect(logged, "\(workload): every call logs its transfers")
        }
        let g0 = DependencyGraph.of(free), g1 = DependencyGraph.of(chain)
        let independent = g0.dependencies.allSatisfy(\.isEmpty)
        #expect(independent, "\(workload): conflict-free block has no dependencies")
        #expect(g0.parallelism > Double(n) * 0.9)
        // A chain: every transaction after the first reads its predecessor's write.
        let linked = g1.dependencies.indices.dropFirst().allSatisfy { g1.dependencies[$0].contains($0 - 1) }
        #expect(linked)
        #expect(g1.parallelism < 1.01)
        let times = DependencyGraph.measuredTimes(chain, passes: 1)
        let positive = times.count == n && times.allSatisfy { $0 > 0 }
        #expect(positive)
        #expect(g1.parallelism(weights: times) < 1.01)
        #expect(g0.parallelism(weights: times) > 1)
    }

    @Test(arguments: ContractBlocks.Workload.allCases)
    func parallelMatchesSerialAtEveryConflictLevel(workload: ContractBlocks.Workload) {
        for rate in [0, 0.1, 0.5, 1.0] {
            let b = ContractBlocks.block(workload, transactions: 24, conflictRate: rate, seed: 3)
            _ = expectParallelMatchesSerial(b, seeds: 0..<4)
        }
    }
}
