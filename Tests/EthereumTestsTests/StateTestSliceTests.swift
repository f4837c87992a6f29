import Testing
import Foundation
import EVMCore
import EthereumTests
import ParallelExecutor
import _TestSupport

/// A representative slice of the upstream state tests, run through the serial executor, the
/// threaded parallel executor and ≥ 20 seeds of the deterministic scheduler. The full corpus
/// is a CLI run (`lockstep statetest`, see README).
@Suite(.enabled(if: FixturePaths.ethereumTests != nil, "ethereum-tests fixtures not found (set LOCKSTEP_ETHEREUM_TESTS)"))
struct StateTestSliceTests {
    /// One folder per feature family; every case must pass (cases that need a precompile this
    /// build lacks are counted separately and allowed).
    static let serialSlice = [
        "stExample", "VMTests/vmArithmeticTest", "VMTests/vmBitwiseLogicOperation", "VMTests/vmIOandFlowOperations",
        "VMTests/vmLogTest", "stShift", "stCreate2", "stRevertTest", "stRefundTest", "stSelfBalance", "stEIP2930",
        "stReturnDataTest", "stStaticFlagEnabled", "stCallCreateCallCodeTest", "stCallDelegateCodesHomestead",
        "stExtCodeHash", "stInitCodeTest", "stTransactionTest", "stEIP3607", "stCodeSizeLimit", "stEIP158Specific",
        "Cancun/stEIP1153-transientStorage", "Cancun/stEIP5656-MCOPY", "Cancun/stEIP4844-blobtransactions",
        "Shanghai/stEIP3855-push0", "Shanghai/stEIP3651-warmcoinbase", "Shanghai/stEIP3860-limitmeterinitcode",
        "Pyspecs/cancun/eip6780_selfdestruct", "Pyspecs/frontier/opcodes", "Pyspecs/homestead/yul",
        "Pyspecs/istanbul/eip1344_chainid", "Pyspecs/berlin/eip2930_access_list", "Pyspecs/cancun/eip7516_blobgasfee",
    ]

    static let parallelSlice = [
        "stExample", "stCreate2", "stRefundTest", "Cancun/stEIP1153-transientStorage", "Pyspecs/cancun/eip6780_selfdestruct",
        "stSelfBalance", "Shanghai/stEIP3651-warmcoinbase",
    ]

    static func paths(_ folders: [String]) -> [String] {
        folders.compactMap { FixturePaths.ethereumTests?.appendingPathComponent("GeneralStateTests/\($0)").path }
    }

    static func check(_ summary: RunSummary, label: String) {
        #expect(summary.total.failed == 0, "\(label): \(summary.total.failed) cases failed")
        #expect(summary.total.loadErrors == 0, "\(label): \(summary.total.loadErrors) load errors")
        #expect(summary.total.passed > 0, "\(label): no case passed")
    }

    @Test func serialPassesSlice() throws {
        var failures: [String] = []
        let runner = StateTestRunner(filter: try CaseFilter(), onReport: { r in
            if r.status == .failed { failures.append("\(r.file) \(r.name)#\(r.index): \(r.outcome.error ?? "")") }
        })
        let summary = try runner.run(paths: Self.paths(Self.serialSlice)) { StateTestExecution.run($0, trace: false) }
        Self.check(summary, label: "serial")
        #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
        #expect(summary.total.passed >= 2000)
    }

    @Test func parallelMatchesOnSliceUnderThreadsAndTwentySchedules() throws {
        let runner = StateTestRunner(filter: try CaseFilter())
        let threaded = try runner.run(paths: Self.paths(Self.parallelSlice)) {
            StateTestExecution.run($0, trace: false, executor: ParallelExecutor(driver: .threaded(workers: 2)))
        }
        Self.check(threaded, label: "threaded")
        let seeded = try runner.run(paths: Self.paths(Self.parallelSlice)) { c in
            var last = CaseOutcome.failed("no schedule")
            for seed in UInt64(0)..<20 {
                last = StateTestExecution.run(c, trace: false, executor: ParallelExecutor(driver: .deterministic(seed: seed, workers: 3, abortBias: 0.5)))
                if !last.pass { return last }
            }
            return last
        }
        Self.check(seeded, label: "deterministic ×20")
    }
}
