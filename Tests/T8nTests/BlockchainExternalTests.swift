import EVMCore
import EthereumTests
import Foundation
import Oracles
import Testing
import T8n
import _TestSupport

/// `lockstep blocktest --executor t8n:CMD`: real blocks of the blockchain tests through an
/// external transition tool (`lockstep t8n` as a process, the corrupting wrapper around it, the
/// execution spec's `ethereum-spec-evm t8n`), each compared with Lockstep's transition and the
/// block's header.
@Suite("t8n: blockchain-test blocks through an external executor", .serialized,
       .enabled(if: FixturePaths.ethereumTests != nil, "ethereum-tests fixtures not found (set LOCKSTEP_ETHEREUM_TESTS)"))
struct BlockchainExternalTests {
    /// 6 blocks with 24 transient-storage transactions; 4 blocks of the options example; one
    /// block with a transaction of every type (blob included).
    static let files = ["ValidBlocks/bcEIP1153-transientStorage/transStorageBlockchain.json",
                        "ValidBlocks/bcExample/optionsTest.json",
                        "ValidBlocks/bcEIP4844-blobtransactions/blockWithAllTransactionTypes.json"]

    static func tests(_ relative: String) throws -> [BlockchainTest] {
        let root = try #require(FixturePaths.ethereumTests)
        return try BlockchainTest.load(contentsOf: root.appendingPathComponent("BlockchainTests/" + relative), relativePath: relative)
    }

    @Test("Lockstep's transition of the first block of each chosen test equals the header's roots, gas and bloom (so the tool is reached)")
    func referenceMatchesHeaders() throws {
        // `false` as the tool: a block reaches the tool (and fails there, "run 1: … exited 1")
        // only after Lockstep's transition of it matched the header.
        for file in Self.files {
            for test in try Self.tests(file) {
                let outcome = BlockchainExternalGate(gate: ExternalGate(tool: ExternalTransitionTool(command: "false"))).run(test)
                let f = try #require(outcome.finding, "\(test.name): no block checked (\(outcome.skipped ?? "?"))")
                #expect(f.kind == .toolError && f.message.hasPrefix("run 1:"), "\(test.name): \(f.report(replayPath: nil))")
            }
        }
    }

    @Test("`lockstep t8n` as a process agrees with Lockstep and the headers on every block; --repeat 2 too")
    func lockstepAgrees() throws {
        guard let bin = ExternalTools.lockstep else {
            print("skipped: no built lockstep binary under .build (run swift build)")
            return
        }
        var checked = 0
        for (k, file) in Self.files.enumerated() {
            let gate = BlockchainExternalGate(gate: ExternalGate(tool: ExternalTransitionTool(command: ExternalTools.quoted(bin) + " t8n"),
                                                                 repeatCount: k == 2 ? 2 : 1))
            for test in try Self.tests(file) {
                let r = gate.run(test, file: file)
                #expect(r.skipped == nil, "\(test.name): \(r.skipped ?? "")")
                if let f = r.finding { Issue.record(Comment(rawValue: f.report(replayPath: nil))) }
                checked += r.checked
            }
        }
        #expect(checked == 11, "6 + 4 + 1 blocks")
    }

    @Test("The corrupting wrapper fails on a real block with a readable report naming test and block; the counterexample replays")
    func corruptingWrapperFails() throws {
        guard let bin = ExternalTools.lockstep else {
            print("skipped: no built lockstep binary under .build (run swift build)")
            return
        }
        let command = ExternalTools.quoted(ExternalTools.corrupt) + " --field gasUsed " + ExternalTools.quoted(bin) + " t8n"
        let gate = BlockchainExternalGate(gate: ExternalGate(tool: ExternalTransitionTool(command: command)))
        let test = try #require(try Self.tests(Self.files[0]).first)
        let f = try #require(gate.run(test, file: Self.files[0]).finding, "the wrapper went unnoticed")
        #expect(f.kind == .mismatch)
        #expect(f.differences.map(\.field).contains("receipts[0].gasUsed"))
        let report = f.report(replayPath: "x.json")
        #expect(report.contains("block 0 (number 1) of \(test.name) in \(Self.files[0])"), "\(report)")
        #expect(report.contains("receipts[0].gasUsed: expected"), "\(report)")
        #expect(report.contains("trace: traces agree step by step"), "\(report)")
        #expect(report.contains("Replay: lockstep replay x.json"))

        let dir = NSTemporaryDirectory() + "t8n-bc-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try ExternalCounterexample.write(f, repeatCount: 1, to: dir)
        let loaded = try ExternalCounterexample.load(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        #expect(loaded.origin == f.origin)
        #expect(loaded.input.transactions.count == f.input.transactions.count)
        #expect(ExternalGate(tool: ExternalTransitionTool(command: loaded.command)).check(loaded.input, seed: loaded.seed)?.kind == .mismatch)
        #expect(ExternalGate(tool: ExternalTransitionTool(command: ExternalTools.quoted(bin) + " t8n")).check(loaded.input, seed: loaded.seed) == nil,
                "the plain tool agrees on the stored block")
    }

    @Test("The CLI: blocktest --executor on the wrapper exits 1 and writes a counterexample that replays (1); the plain tool exits 0")
    func cliEndToEnd() throws {
        guard let bin = ExternalTools.lockstep, let root = FixturePaths.ethereumTests else {
            print("skipped: no built lockstep binary under .build (run swift build)")
            return
        }
        let dir = NSTemporaryDirectory() + "t8n-bc-cli-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let exe = URL(fileURLWithPath: bin)
        let fixture = root.appendingPathComponent("BlockchainTests/" + Self.files[1]).path
        let corrupt = "t8n:" + ExternalTools.quoted(ExternalTools.corrupt) + " --field stateRoot " + ExternalTools.quoted(bin) + " t8n"
        let (status, output) = try runSubprocess(exe, ["blocktest", fixture, "--summary-only", "--executor", corrupt, "--out", dir])
        let text = String(decoding: output, as: UTF8.self)
        #expect(status == 1, "\(text)")
        #expect(text.contains("stateRoot: expected"), "\(text)")
        #expect(text.contains("of optionsTest"), "\(text)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/external_executor")
        let file = dir + "/external_executor/" + (try #require(files.first))
        #expect(try runSubprocess(exe, ["replay", file]).status == 1)
        let plain = try runSubprocess(exe, ["blocktest", fixture, "--summary-only", "--executor", "t8n:" + ExternalTools.quoted(bin) + " t8n", "--repeat", "2"])
        let plainText = String(decoding: plain.output, as: UTF8.self)
        #expect(plain.status == 0, "\(plainText)")
        #expect(plainText.contains("agreed with Lockstep and the headers on 4 blocks of 1 tests (2 runs each)"), "\(plainText)")
        #expect(try runSubprocess(exe, ["blocktest", fixture, "--executor", "evm t8n"]).status == 2, "t8n: prefix required")
    }

    @Test("The execution spec's `ethereum-spec-evm t8n` agrees on the block with every transaction type")
    func executionSpec() throws {
        guard let spec = ExternalTools.spec else {
            print("skipped: .build-tools/venv/bin/ethereum-spec-evm absent (scripts/setup.sh installs it)")
            return
        }
        let gate = BlockchainExternalGate(gate: ExternalGate(tool: ExternalTransitionTool(command: ExternalTools.quoted(spec) + " t8n")))
        let test = try #require(try Self.tests(Self.files[2]).first)
        let r = gate.run(test)
        #expect(r.checked == 1)
        if let f = r.finding { Issue.record(Comment(rawValue: f.report(replayPath: nil))) }
    }
}
