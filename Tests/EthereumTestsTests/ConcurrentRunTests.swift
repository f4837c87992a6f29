import Testing
import Foundation
import EthereumTests
import _TestSupport

/// `--jobs N`: fixture files run concurrently must give the entries of a one-job run, in the
/// same order, with the same summary (elapsed time aside).
@Suite(.enabled(if: FixturePaths.ethereumTests != nil, "ethereum-tests fixtures not found (set LOCKSTEP_ETHEREUM_TESTS)"))
struct ConcurrentRunTests {
    static func root(_ relative: String) -> String? {
        FixturePaths.ethereumTests?.appendingPathComponent(relative).path
    }

    @Test func stateTestJobsMatchSerialRun() throws {
        let paths = ["GeneralStateTests/stExample", "GeneralStateTests/VMTests/vmArithmeticTest", "GeneralStateTests/stShift",
                     "GeneralStateTests/stRefundTest"].compactMap(Self.root)
        func run(jobs: Int) throws -> ([String], RunSummary) {
            var lines: [String] = []
            let runner = StateTestRunner(filter: try CaseFilter(), onReport: { lines.append($0.jsonLine) })
            var summary = try runner.run(paths: paths, jobs: jobs) { @Sendable c in StateTestExecution.run(c, trace: false) }
            summary.elapsedSeconds = 0
            return (lines, summary)
        }
        let (serialLines, serial) = try run(jobs: 1)
        #expect(serial.total.passed > 100, "the slice ran: \(serial.total.passed) passed")
        for jobs in [2, 5] {
            let (lines, summary) = try run(jobs: jobs)
            #expect(lines == serialLines, "--jobs \(jobs): entries differ from the one-job run")
            #expect(summary == serial, "--jobs \(jobs): summary differs")
        }
    }

    @Test func blockTestJobsMatchSerialRun() throws {
        let paths = ["BlockchainTests/ValidBlocks/bcExample", "BlockchainTests/ValidBlocks/bcEIP1153-transientStorage",
                     "BlockchainTests/InvalidBlocks/bcUncleSpecialTests"].compactMap(Self.root)
        func run(jobs: Int) throws -> ([String], BlockchainRunSummary) {
            var lines: [String] = []
            // `seconds` is a measured time: blanked so the rest of each line must match.
            let runner = BlockchainTestRunner(filter: try CaseFilter(), onReport: { r in
                var r = r
                r.outcome.seconds = 0
                lines.append(r.jsonLine)
            })
            let summary = try runner.run(paths: paths, jobs: jobs) { @Sendable t in BlockchainTestExecution.run(t) }
            return (lines, summary)
        }
        let (serialLines, serial) = try run(jobs: 1)
        #expect(serial.tests.total.passed > 0)
        let (lines, summary) = try run(jobs: 3)
        #expect(lines == serialLines, "--jobs 3: entries differ from the one-job run")
        #expect(summary.tests.total == serial.tests.total && summary.tests.forks == serial.tests.forks
                && summary.tests.folders == serial.tests.folders && summary.tests.files == serial.tests.files)
    }
}
