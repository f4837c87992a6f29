import Differential
import EVMCore
import Foundation
import Oracles
import Testing
import _TestSupport

/// `lockstep fuzz --executor t8n:CMD`: the fuzz generator's cases through an external tool,
/// Lockstep's reference the oracle. Real tools only: `lockstep t8n` as a subprocess, the
/// corrupting wrapper around it (one output field changed, one fork behind, or flaky), and the
/// execution spec for the three-way mode (skipped when absent). Small fixed seeds: seconds.
@Suite("fuzz --executor: an external tool under the fuzz generator", .serialized)
struct FuzzExecutorTests {
    static func scratch(_ tag: String) -> String { NSTemporaryDirectory() + "fuzz-exec-\(tag)-\(UUID().uuidString.prefix(8))" }

    @Test("`lockstep t8n` as the executor agrees on a fixed seed across Cancun, Prague and Osaka (with --repeat 2)")
    func plainToolPasses() throws {
        guard let bin = ExternalTools.lockstep else {
            print("skipped: no built lockstep binary under .build (run swift build)")
            return
        }
        let (status, output) = try runSubprocess(URL(fileURLWithPath: bin),
                                                 ["fuzz", "--executor", "t8n:" + ExternalTools.quoted(bin) + " t8n", "--cases", "8", "--batch", "8",
                                                  "--repeat", "2", "--seed", "0x11", "--out", Self.scratch("plain")])
        let text = String(decoding: output, as: UTF8.self)
        #expect(status == 0, "\(text)")
        #expect(text.contains("all 24 cases agree"), "\(text)")
        for fork in ["Cancun", "Prague", "Osaka"] { #expect(text.contains("\(fork): 8 cases in 1 batches, 2 tool runs"), "\(fork): \(text)") }
    }

    @Test("The gasUsed-corrupting wrapper fails (exit 1) with a readable report; the counterexample records the command, replays (1, plain tool 0) and refuses an edit (2)")
    func corruptingWrapperFails() throws {
        guard let bin = ExternalTools.lockstep else {
            print("skipped: no built lockstep binary under .build (run swift build)")
            return
        }
        let dir = Self.scratch("corrupt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let exe = URL(fileURLWithPath: bin)
        let command = ExternalTools.quoted(ExternalTools.corrupt) + " --field gasUsed " + ExternalTools.quoted(bin) + " t8n"
        let (status, output) = try runSubprocess(exe, ["fuzz", "--executor", "t8n:" + command, "--fork", "Prague", "--cases", "6", "--batch", "6",
                                                       "--seed", "0x11", "--shrink-budget", "6", "--out", dir])
        let text = String(decoding: output, as: UTF8.self)
        #expect(status == 1, "\(text)")
        #expect(text.contains("disagrees with the reference on Prague fuzz case"), "\(text)")
        #expect(text.contains("receipts[0].gasUsed: expected"), "\(text)")
        #expect(text.contains("trace: traces agree step by step"), "the corruption is outside execution: \(text)")
        #expect(text.contains("Replay: lockstep replay "), "\(text)")
        #expect(text.contains("Re-run: lockstep fuzz --seed 0x11 --fork Prague"), "\(text)")

        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/external_executor").filter { $0.hasSuffix(".json") }
        #expect(files.count == 1, "the wrapper corrupts the first receipt only: one case, got \(files)")
        let file = dir + "/external_executor/" + (try #require(files.first))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        #expect(json["executor"] as? String == command)
        #expect(json["kind"] as? String == "mismatch")
        #expect((json["origin"] as? String)?.contains("lockstep fuzz --seed 0x11 --fork Prague") == true, "\(json["origin"] ?? "")")
        #expect(try runSubprocess(exe, ["replay", file]).status == 1, "reproduced")
        #expect(try runSubprocess(exe, ["replay", file, "--executor", ExternalTools.quoted(bin) + " t8n"]).status == 0, "fixed")

        // Tamper-evident: the same name with one value changed is refused, not replayed.
        let edited = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "\"repeat\" : 1", with: "\"repeat\" : 3")
        #expect(edited != (try String(contentsOfFile: file, encoding: .utf8)))
        let copyDir = dir + "/edited"
        try FileManager.default.createDirectory(atPath: copyDir, withIntermediateDirectories: true)
        let copy = copyDir + "/" + (file as NSString).lastPathComponent
        try edited.write(toFile: copy, atomically: true, encoding: .utf8)
        #expect(try runSubprocess(exe, ["replay", copy]).status == 2, "an edited counterexample is refused")
    }

    @Test("A tool one fork behind (CLZ undefined): isolated per case, shrunk, both traces written, the first differing step names CLZ")
    func executionDifferenceTraced() throws {
        guard let bin = ExternalTools.lockstep else {
            print("skipped: no built lockstep binary under .build (run swift build)")
            return
        }
        let dir = Self.scratch("behind")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clz = try #require(FuzzFocus.opcode(named: "CLZ"))
        let tool = ExternalTransitionTool(command: ExternalTools.quoted(ExternalTools.corrupt) + " --behind " + ExternalTools.quoted(bin) + " t8n")
        var runner = DifferentialRunner(fork: .osaka, generator: FuzzGenerator(fork: .osaka, focus: clz), executor: ExternalGate(tool: tool),
                                        batchSize: 2, outDir: dir)
        runner.shrinkBudget = 4
        var stats = FuzzStats()
        let found = runner.campaign(seed: 0xc12, count: 2, stats: &stats)
        let d = try #require(found.first, "a tool without Osaka's CLZ agreed on 2 CLZ-dense cases")
        #expect(d.kind == .executor)
        let f = try #require(d.external)
        #expect(f.kind == .mismatch && f.input.transactions.count == 1, "one case alone")
        #expect(f.traceDifference?.contains("CLZ") == true, "\(f.traceDifference ?? "no trace verdict")")
        let t = try #require(f.traces)
        #expect(!t.expected.isEmpty && t.expected != t.actual)
        let file = try #require(d.file)
        let traces = ExternalCounterexample.tracePaths(of: file)
        #expect(traces.map { ($0 as NSString).lastPathComponent } == ["tx\(t.index).reference.jsonl", "tx\(t.index).tool.jsonl"])
        #expect(d.report.contains("traces of tx \(t.index): "), "\(d.report)")
        #expect(stats.toolCalls > 0 && stats.toolSeconds > 0)
    }

    @Test("--repeat 2 on a tool that corrupts every second run: one non-determinism finding for the batch")
    func flakyToolNondeterminism() throws {
        guard let bin = ExternalTools.lockstep else {
            print("skipped: no built lockstep binary under .build (run swift build)")
            return
        }
        let counter = Self.scratch("flaky-counter")
        defer { try? FileManager.default.removeItem(atPath: counter) }
        let tool = ExternalTransitionTool(command: "CORRUPT_T8N_COUNTER=" + ExternalTools.quoted(counter) + " " + ExternalTools.quoted(ExternalTools.corrupt)
                                          + " --field stateRoot --every 2 " + ExternalTools.quoted(bin) + " t8n")
        let runner = DifferentialRunner(fork: .cancun, generator: FuzzGenerator(fork: .cancun), executor: ExternalGate(tool: tool, repeatCount: 2),
                                        batchSize: 4)
        var stats = FuzzStats()
        let found = runner.campaign(seed: 0x5eed, count: 4, stats: &stats)
        #expect(found.count == 1, "\(found.map(\.report))")
        #expect(found.first?.external?.kind == .nondeterminism)
        #expect(found.first?.report.contains("is not deterministic") == true)
    }

    @Test("The execution spec: lockstep t8n agrees three-way, the spec as the executor agrees on a Prague slice, a tool one fork behind is the one the spec says is wrong")
    func threeWayWithSpec() throws {
        guard let bin = ExternalTools.lockstep else {
            print("skipped: no built lockstep binary under .build (run swift build)")
            return
        }
        guard let spec = ExternalTools.spec else {
            print("skipped: .build-tools/venv/bin/ethereum-spec-evm absent (bash scripts/setup.sh installs it)")
            return
        }
        let (status, output) = try runSubprocess(URL(fileURLWithPath: bin),
                                                 ["fuzz", "--executor", "t8n:" + ExternalTools.quoted(bin) + " t8n", "--three-way", "--fork", "Osaka",
                                                  "--cases", "8", "--batch", "8", "--seed", "0x11", "--out", Self.scratch("3way")],
                                                 environment: ProcessInfo.processInfo.environment.merging(["LOCKSTEP_SPEC_EVM": spec]) { $1 })
        let text = String(decoding: output, as: UTF8.self)
        #expect(status == 0, "\(text)")
        #expect(text.contains("all 8 cases agree") && text.contains("= the execution spec"), "\(text)")

        // The spec itself as the executor under test, Lockstep the oracle: a Prague slice agrees.
        // (Seeds whose cases include a typed transaction with a foreign chainId fail here: the
        // spec executes it, the EIPs and Lockstep reject it; `explainExecutor` names it.)
        let (specStatus, specOutput) = try runSubprocess(URL(fileURLWithPath: bin),
                                                         ["fuzz", "--executor", "t8n:" + ExternalTools.quoted(spec) + " t8n", "--fork", "Prague",
                                                          "--cases", "8", "--batch", "8", "--seed", "0x11", "--out", Self.scratch("spec")])
        #expect(specStatus == 0, "\(String(decoding: specOutput, as: UTF8.self))")

        let clz = try #require(FuzzFocus.opcode(named: "CLZ"))
        let behind = ExternalTransitionTool(command: ExternalTools.quoted(ExternalTools.corrupt) + " --behind " + ExternalTools.quoted(bin) + " t8n")
        var runner = DifferentialRunner(fork: .osaka, generator: FuzzGenerator(fork: .osaka, focus: clz), executor: ExternalGate(tool: behind),
                                        specCommand: ExternalTools.quoted(spec) + " t8n", batchSize: 1)
        runner.shrinkBudget = 2
        var stats = FuzzStats()
        let found = runner.campaign(seed: 0xc12, count: 1, stats: &stats).filter { $0.kind == .executor }
        let verdict = try #require(found.first?.external?.verdict, "no executor finding with a verdict: \(found.map(\.report))")
        #expect(verdict.hasPrefix("the tool is wrong: the execution spec agrees with Lockstep"), "\(verdict)")
    }
}
