import EVMCore
import Foundation
import Testing
import _TestSupport
@testable import EthereumTests

/// A scratch directory removed when the value is deinitialised.
final class ScratchDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-statetest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func write(_ relative: String, _ data: Data) throws {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}

@Suite struct StateTestRunnerTests {
    /// The sample fixture renamed to `name`, optionally with extra forks in `post`.
    static func fixture(named name: String, extraForks: [String] = []) throws -> Data {
        let root = try #require(try JSONSerialization.jsonObject(with: SampleFixture.data) as? [String: Any])
        var test = try #require(root["add11"] as? [String: Any])
        var post = try #require(test["post"] as? [String: Any])
        for fork in extraForks { post[fork] = post["Cancun"] }
        test["post"] = post
        return try JSONSerialization.data(withJSONObject: [name: test])
    }

    /// A tree with 3 good files (2 cases each under Cancun, plus 2 under Shanghai in one file),
    /// a non-JSON file, and (optionally) a broken file.
    static func tree(broken: Bool) throws -> ScratchDirectory {
        let dir = try ScratchDirectory()
        try dir.write("GeneralStateTests/stB/beta.json", fixture(named: "beta"))
        try dir.write("GeneralStateTests/stA/alpha.json", fixture(named: "alpha", extraForks: ["Shanghai"]))
        try dir.write("GeneralStateTests/stA/sub/alphaTwo.json", fixture(named: "alphaTwo"))
        try dir.write("GeneralStateTests/stA/notes.txt", Data("not a fixture".utf8))
        if broken { try dir.write("GeneralStateTests/stB/broken.json", Data("{\"x\": [".utf8)) }
        return dir
    }

    @Test func collectsJSONFilesRecursivelyInSortedOrder() throws {
        let dir = try Self.tree(broken: true)
        let root = dir.url.appendingPathComponent("GeneralStateTests").path
        let files = try StateTestRunner.collectFiles([root])
        #expect(files.map(\.relativePath) == [
            "GeneralStateTests/stA/alpha.json", "GeneralStateTests/stA/sub/alphaTwo.json",
            "GeneralStateTests/stB/beta.json", "GeneralStateTests/stB/broken.json",
        ])
        // A single file, a duplicate, and a folder outside any GeneralStateTests directory.
        let single = try StateTestRunner.collectFiles([root + "/stB/beta.json", root + "/stB"])
        #expect(single.map(\.relativePath) == ["GeneralStateTests/stB/beta.json", "GeneralStateTests/stB/broken.json"])

        let other = try ScratchDirectory()
        try other.write("mine/x.json", Self.fixture(named: "x"))
        let mine = try StateTestRunner.collectFiles([other.url.appendingPathComponent("mine").path])
        #expect(mine.map(\.relativePath) == ["mine/x.json"])
        #expect(StateTestFile.folder(ofRelativePath: "mine/x.json") == "mine")
        #expect(StateTestFile.folder(ofRelativePath: "x.json") == ".")
        #expect(StateTestFile.folder(ofRelativePath: "") == ".")
        #expect(StateTestFile.folder(ofRelativePath: "GeneralStateTests/Cancun/stEIP5656-MCOPY/a.json") == "Cancun/stEIP5656-MCOPY")
    }

    @Test func pathErrors() throws {
        let missing = "/nonexistent/\(UUID().uuidString)"
        #expect(throws: StateTestRunnerError.pathNotFound(missing)) { try StateTestRunner.collectFiles([missing]) }
        let empty = try ScratchDirectory()
        #expect(throws: StateTestRunnerError.noFixtureFiles([empty.url.path])) {
            try StateTestRunner.collectFiles([empty.url.path])
        }
        #expect(throws: StateTestRunnerError.self) { try CaseFilter(run: "([unclosed") }
    }

    @Test func forkAndRunFilters() throws {
        let dir = try Self.tree(broken: false)
        let root = dir.url.appendingPathComponent("GeneralStateTests").path
        func ran(fork: String?, run: String?) throws -> [String] {
            var seen: [String] = []
            let runner = StateTestRunner(filter: try CaseFilter(fork: fork, run: run))
            _ = try runner.run(paths: [root]) { c in
                seen.append("\(c.testName)/\(c.fork)/\(c.index)")
                return CaseOutcome(pass: true)
            }
            return seen
        }
        #expect(try ran(fork: nil, run: nil) == [
            "alpha/Shanghai/0", "alpha/Shanghai/1", "alpha/Cancun/0", "alpha/Cancun/1",
            "alphaTwo/Cancun/0", "alphaTwo/Cancun/1", "beta/Cancun/0", "beta/Cancun/1",
        ])
        #expect(try ran(fork: "Shanghai", run: nil) == ["alpha/Shanghai/0", "alpha/Shanghai/1"])
        #expect(try ran(fork: "shanghai", run: nil).isEmpty)  // exact name
        #expect(try ran(fork: nil, run: "^alpha$").count == 4)
        #expect(try ran(fork: nil, run: "alpha").count == 6)  // searched anywhere in the name
        #expect(try ran(fork: "Cancun", run: "Two|beta") == [
            "alphaTwo/Cancun/0", "alphaTwo/Cancun/1", "beta/Cancun/0", "beta/Cancun/1",
        ])
        #expect(try ran(fork: "Prague", run: nil).isEmpty)

        let filter = try CaseFilter(fork: "Cancun", run: "^add")
        #expect(filter.matches(testName: "add11") && !filter.matches(testName: "xadd11"))
        #expect(filter.matches(fork: "Cancun") && !filter.matches(fork: "Shanghai"))
    }

    @Test func summaryArithmetic() throws {
        let dir = try Self.tree(broken: true)
        try dir.write("GeneralStateTests/stC/future.json", Self.fixture(named: "future", extraForks: ["Amsterdam"]))
        let root = dir.url.appendingPathComponent("GeneralStateTests").path
        var reports: [CaseReport] = []
        var executed = 0
        let runner = StateTestRunner(filter: try CaseFilter(), onReport: { reports.append($0) })
        // Case index 0 passes, index 1 fails, except beta's cases, which need a precompile.
        let summary = try runner.run(paths: [root]) { c in
            executed += 1
            if c.testName == "beta" { return CaseOutcome(pass: false, error: "stop", needsPrecompile: "BLS12_G1ADD") }
            return c.index == 0 ? CaseOutcome(pass: true, stateRoot: c.expectedStateRoot) : .failed("mismatch")
        }
        // alpha: 4 cases (2 Cancun + 2 Shanghai), alphaTwo 2, beta 2, future 2 Cancun + 2 Amsterdam; broken: 1 load error.
        #expect(executed == 10)
        #expect(summary.files == 5)
        #expect(summary.total == Tally(passed: 4, failed: 4, needsPrecompile: 2, unsupportedFork: 2, loadErrors: 1))
        #expect(summary.total.total == 13 && reports.count == 13)
        #expect(summary.total.passRate == 4.0 * 100 / 9)
        #expect(summary.forks["Cancun"] == Tally(passed: 3, failed: 3, needsPrecompile: 2))
        #expect(summary.forks["Shanghai"] == Tally(passed: 1, failed: 1))
        #expect(summary.forks["Amsterdam"] == Tally(unsupportedFork: 2))
        #expect(summary.forks.count == 3)
        // Folders are exact directories (like the README's `Cancun/stEIP5656-MCOPY`), not rolled up.
        #expect(summary.folders["stA"] == Tally(passed: 2, failed: 2))
        #expect(summary.folders["stA/sub"] == Tally(passed: 1, failed: 1))
        #expect(summary.folders["stB"] == Tally(needsPrecompile: 2, loadErrors: 1))
        #expect(summary.folders["stC"] == Tally(passed: 1, failed: 1, unsupportedFork: 2))
        #expect(summary.forks["Shanghai"]?.passRate == 50)
        #expect(Tally(needsPrecompile: 3).passRate == nil)
        #expect(!summary.succeeded)

        let broken = try #require(reports.first { $0.status == .loadError })
        #expect(broken.file == "GeneralStateTests/stB/broken.json" && broken.folder == "stB" && broken.index == -1)
        #expect(broken.outcome.error?.hasPrefix("GeneralStateTests/stB/broken.json: invalid JSON") == true)
        let unsupported = try #require(reports.first { $0.status == .unsupportedFork })
        #expect(unsupported.fork == "Amsterdam" && unsupported.outcome.error == "unsupported fork \"Amsterdam\"")

        let rendered = summary.render()
        #expect(rendered.contains("== by fork =="))
        #expect(rendered.contains("== by folder =="))
        #expect(rendered.contains("5 files, 13 entries"))
        // Known forks first, in protocol order, then unknown names.
        let order = ["Shanghai", "Cancun", "Amsterdam"].compactMap { rendered.range(of: "\n\($0) ")?.lowerBound }
        #expect(order.count == 3 && order == order.sorted())

        let json = try JSONSerialization.jsonObject(with: summary.jsonData()) as? [String: Any]
        let total = try #require(json?["total"] as? [String: Any])
        #expect(total["passed"] as? Int == 4 && total["total"] as? Int == 13 && total["loadErrors"] as? Int == 1)
        let decoded = try JSONDecoder().decode(RunSummary.self, from: summary.jsonData())
        #expect(decoded == summary)
    }

    @Test func testLevelLoadErrorsRespectTheRunFilter() throws {
        let dir = try ScratchDirectory()
        let good = try #require(try JSONSerialization.jsonObject(with: Self.fixture(named: "good")) as? [String: Any])
        let bad = try #require(try JSONSerialization.jsonObject(
            with: try SampleFixture.with(["add11", "pre"], "nope")) as? [String: Any])
        try dir.write("st/two.json", try JSONSerialization.data(withJSONObject: ["good": good["good"] as Any,
                                                                                   "bad": bad["add11"] as Any]))
        let folder = dir.url.appendingPathComponent("st").path
        var reports: [CaseReport] = []
        let all = try StateTestRunner(filter: try CaseFilter(), onReport: { reports.append($0) })
            .run(paths: [folder]) { _ in CaseOutcome(pass: true) }
        #expect(all.total == Tally(passed: 2, loadErrors: 1))
        #expect(reports.first?.name == "bad" && reports.first?.status == .loadError)
        #expect(reports.first?.outcome.error == "st/two.json: test \"bad\": pre: expected object, found string")
        // The malformed test is not even converted when --run excludes it.
        let onlyGood = try StateTestRunner(filter: try CaseFilter(run: "^good$"))
            .run(paths: [folder]) { _ in CaseOutcome(pass: true) }
        #expect(onlyGood.total == Tally(passed: 2) && onlyGood.succeeded)
    }

    @Test func allPassingRunSucceeds() throws {
        let dir = try Self.tree(broken: false)
        let summary = try StateTestRunner(filter: try CaseFilter()).run(paths: [dir.url.path]) { _ in CaseOutcome(pass: true) }
        #expect(summary.succeeded && summary.total == Tally(passed: 8) && summary.total.passRate == 100)
        // needs-precompile cases alone do not fail a run.
        let np = try StateTestRunner(filter: try CaseFilter()).run(paths: [dir.url.path]) { _ in
            CaseOutcome(pass: true, needsPrecompile: "KZG")
        }
        #expect(np.succeeded && np.total == Tally(needsPrecompile: 8))
    }

    @Test func jsonLineShape() throws {
        let root = Bytes32(UInt256(0xabc as UInt64))
        let pass = CaseReport(file: "GeneralStateTests/stExample/add11.json", folder: "stExample", name: "add11",
                              fork: "Cancun", index: 0, status: .passed, outcome: CaseOutcome(pass: true, stateRoot: root))
        #expect(pass.jsonLine == #"{"name":"add11","pass":true,"stateRoot":"\#(root.hexString)","fork":"Cancun","error":"","file":"GeneralStateTests/stExample/add11.json","index":0,"status":"passed"}"#)
        let odd = CaseReport(file: "f.json", folder: ".", name: "a\"b", fork: "", index: -1, status: .loadError,
                             outcome: .failed("line1\nline2\\ \u{1}"))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(odd.jsonLine.utf8)) as? [String: Any])
        #expect(parsed["name"] as? String == "a\"b")
        #expect(parsed["error"] as? String == "line1\nline2\\ \u{1}")
        #expect(parsed["pass"] as? Bool == false && parsed["stateRoot"] is NSNull)
        let np = CaseReport(file: "f.json", folder: ".", name: "n", fork: "Cancun", index: 3, status: .needsPrecompile,
                            outcome: CaseOutcome(pass: false, needsPrecompile: "P256VERIFY"))
        #expect(np.jsonLine.hasSuffix(#","status":"needsPrecompile","needsPrecompile":"P256VERIFY"}"#))
    }

    @Test func judgeComparesRootsLogsAndRejections() throws {
        let cases = try StateTestFile.parse(SampleFixture.data, relativePath: SampleFixture.file).cases()
        let ok = cases[0], rejecting = cases[1]
        let empty = Keccak256.emptyListHash
        let other = Bytes32(UInt256(7 as UInt64))
        #expect(CaseOutcome.judge(ok, stateRoot: ok.expectedStateRoot, logsHash: empty, rejection: nil).pass)
        let badRoot = CaseOutcome.judge(ok, stateRoot: other, logsHash: empty, rejection: nil)
        #expect(!badRoot.pass && badRoot.error?.hasPrefix("state root mismatch") == true && badRoot.stateRoot == other)
        #expect(CaseOutcome.judge(ok, stateRoot: ok.expectedStateRoot, logsHash: other, rejection: nil).error?
                    .hasPrefix("logs hash mismatch") == true)
        #expect(CaseOutcome.judge(ok, stateRoot: ok.expectedStateRoot, logsHash: empty, rejection: "nonce too low").error
                == "unexpected rejection: nonce too low")
        #expect(CaseOutcome.judge(rejecting, stateRoot: rejecting.expectedStateRoot, logsHash: empty,
                                  rejection: "intrinsic gas too low").pass)
        #expect(CaseOutcome.judge(rejecting, stateRoot: rejecting.expectedStateRoot, logsHash: empty, rejection: nil).error
                == "expected exception TransactionException.INTRINSIC_GAS_TOO_LOW, but the transaction was applied")
        #expect(!CaseOutcome.judge(rejecting, stateRoot: other, logsHash: empty, rejection: "x").pass)
    }

    @Test func executorJudgesTheStateRoot() throws {
        guard let root0 = FixturePaths.ethereumTests else { return }   // fixtures absent: covered by the corpus suites' skip
        let url = root0.appendingPathComponent("GeneralStateTests/stExample/add11.json")
        var c = try #require(try StateTestFile.load(contentsOf: url, relativePath: "GeneralStateTests/stExample/add11.json").cases().first)
        let outcome = StateTestExecution.run(c, trace: false)
        #expect(outcome.pass, "\(outcome.error ?? "")")
        let root = try #require(outcome.stateRoot)
        // Expecting the root the executor computes passes; any other root fails, naming both.
        c.expectedStateRoot = root
        c.expectedLogsHash = try #require(outcome.logsHash ?? Optional(Keccak256.emptyListHash))
        #expect(StateTestExecution.run(c, trace: false).stateRoot == root)
        c.expectedStateRoot = Bytes32(root.word ^ .one)
        let wrong = StateTestExecution.run(c, trace: false)
        #expect(!wrong.pass)
        #expect(wrong.error?.contains(c.expectedStateRoot.description) == true, "\(wrong.error ?? "nil")")
    }

    @Test func locatorHonoursEnvironmentAndCurrentDirectory() throws {
        let dir = try ScratchDirectory()
        try dir.write("shared/ethereum-tests/GeneralStateTests/st/a.json", Self.fixture(named: "a"))
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("tree"), withIntermediateDirectories: true)
        let shared = dir.url.appendingPathComponent("shared/ethereum-tests").standardizedFileURL
        let fromCwd = FixtureLocator.ethereumTestsRoot(environment: [:], currentDirectory: dir.url.appendingPathComponent("tree").path)
        #expect(fromCwd?.path == shared.path)
        let fromEnv = FixtureLocator.generalStateTests(environment: [FixtureLocator.environmentVariable: shared.path],
                                                       currentDirectory: "/")
        #expect(fromEnv?.path == shared.appendingPathComponent("GeneralStateTests").path)
        #expect(FixtureLocator.ethereumTestsRoot(environment: [FixtureLocator.environmentVariable: "/nonexistent/x"],
                                                 currentDirectory: "/") == nil)
    }

    @Test(.enabled(if: FixturePaths.generalStateTests != nil, Comment(rawValue: FixturePaths.missingMessage)))
    func realFixturesThroughTheRunner() throws {
        let root = try #require(FixturePaths.generalStateTests)
        var names: [String] = []
        let runner = StateTestRunner(filter: try CaseFilter(fork: "Cancun", run: "^add11"), onReport: { names.append($0.name) })
        let summary = try runner.run(paths: [root.appendingPathComponent("stExample").path]) { _ in CaseOutcome(pass: true) }
        #expect(names == ["add11", "add11_yml"])
        #expect(summary.total == Tally(passed: 2) && summary.folders["stExample"] == Tally(passed: 2))

        let shanghai = try StateTestRunner(filter: try CaseFilter(fork: "Shanghai"))
            .run(paths: [root.path]) { _ in .failed("x") }
        #expect(shanghai.total == Tally(failed: 171) && shanghai.files == 1245)
        #expect(Set(shanghai.folders.keys).allSatisfy { $0.hasPrefix("Pyspecs/") })
    }
}
