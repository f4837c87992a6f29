import Foundation
import Testing
import SequencerModel
import Generators
import Counterexamples
import _TestSupport

/// The exit-code contract as a user meets it: the built `lockstep` (next to this test bundle;
/// skipped when absent) on bad input exits 2 with a message naming what is wrong — never 0,
/// never a signal, never unbounded.
@Suite(.serialized) struct CommandLineContractTests {
    static let binary: URL? = {
        let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lockstep")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }()

    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-cli-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    static func file(_ name: String, _ data: Data) throws -> String {
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    /// Runs the CLI with a time bound; returns (status, stdout + stderr).
    static func lockstep(_ args: [String], seconds: Double = 60) throws -> (Int32, String) {
        guard let binary else { throw CocoaError(.fileNoSuchFile) }
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let deadline = Date().addingTimeInterval(seconds)
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        let reader = out.fileHandleForReading
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { box.data = reader.readDataToEndOfFile(); done.signal() }
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning {
            p.terminate()
            _ = done.wait(timeout: .now() + 5)
            Issue.record("lockstep \(args) ran longer than \(seconds) s")
            return (-1, "")
        }
        _ = done.wait(timeout: .now() + 5)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit, "lockstep \(args) died of a signal")
        return (p.terminationStatus, String(decoding: box.data, as: UTF8.self))
    }

    static func expectInputError(_ args: [String], mentions: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (status, text) = try lockstep(args)
        #expect(status == 2, "lockstep \(args.joined(separator: " ")) exited \(status): \(text)", sourceLocation: sourceLocation)
        for m in mentions { #expect(text.contains(m), "lockstep \(args.joined(separator: " ")): \(text)", sourceLocation: sourceLocation) }
    }

    @Test(.enabled(if: binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func usageErrorsExit2() throws {
        let fixture = try Self.file("ok.json", Inputs.fixture())
        try Self.expectInputError(["statetest", fixture, "--fork", "NoSuchFork"], mentions: ["NoSuchFork"])
        try Self.expectInputError(["statetest", fixture, "--run", "^nothing-matches$"], mentions: ["no test case selected"])
        try Self.expectInputError(["run", "--abort-bias", "5"], mentions: ["--abort-bias"])
        try Self.expectInputError(["check", "--cases", "-1"], mentions: ["--cases"])
        try Self.expectInputError(["run", "--block-seed", "-1"], mentions: ["'-1'", "--block-seed"])
        try Self.expectInputError(["run", "--txs", "-5"], mentions: ["--txs"])
        try Self.expectInputError(["no-such-verb"], mentions: [])
        if let add11 = FixturePaths.generalStateTests?.appendingPathComponent("stExample/add11.json") {
            let (ok, text) = try Self.lockstep(["statetest", add11.path, "--summary-only"])
            #expect(ok == 0, "\(text)")
        }
    }

    @Test(.enabled(if: binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func badFixturesExit2OrFail() throws {
        let empty = try Self.file("emptypost.json", Inputs.fixture(post: "{}"))
        try Self.expectInputError(["statetest", empty], mentions: ["emptypost.json", "post"])
        try Self.expectInputError(["run", empty], mentions: ["emptypost.json", "post"])
        let big = String(decoding: Inputs.fixture(), as: UTF8.self).replacingOccurrences(of: "\"0x0186a0\"", with: "\"0x1" + String(repeating: "0", count: 64) + "\"")
        try Self.expectInputError(["run", try Self.file("bigvalue.json", Data(big.utf8))], mentions: ["bigvalue.json", "add11"])
        // The trap input: rejected with a reason; statetest reports the failed case (exit 1).
        let gas = try Self.file("gas.json", Inputs.fixture(gasLimit: "0x8000000000005208"))
        for extra in [[], ["--parallel", "2"], ["--schedule-seed", "1"]] {
            let (status, text) = try Self.lockstep(["statetest", gas] + extra)
            #expect(status == 1 && text.contains("gas limit exceeds"), "\(status) \(text)")
        }
        let (status, text) = try Self.lockstep(["run", gas])
        #expect(status == 0 && text.contains("== serial"), "\(status) \(text)")
    }

    @Test(.enabled(if: binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func badStreamsExit2AndHugeArrivalsFinish() throws {
        let input = Inputs.stream()
        var tree = try Inputs.streamTree(input)
        let short = try Self.file("short.json", try Inputs.data(Inputs.editingEntry(tree, 0) { $0["sender"] = "0x" + String(repeating: "ab", count: 19) }))
        try Self.expectInputError(["sequence", short], mentions: ["short.json", "sender"])
        let dup = String(decoding: StreamFile.encode(input), as: UTF8.self).replacingOccurrences(of: "\"fork\" : ", with: "\"fork\" : \"Cancun\", \"fork\" : ")
        try Self.expectInputError(["sequence", try Self.file("dup.json", Data(dup.utf8))], mentions: ["dup.json", "duplicate key"])
        let late = try Self.file("late.json", try Inputs.data(Inputs.editingEntry(tree, 0) { $0["arrival"] = UInt64.max }))
        try Self.expectInputError(["sequence", late], mentions: ["late.json", "arrival"])
        var policy = tree["policy"] as! [String: Any]
        policy["batchInterval"] = 1
        tree["policy"] = policy
        let far = try Self.file("far.json", try Inputs.data(Inputs.editingEntry(tree, 5) { $0["arrival"] = UInt64(1) << 41 }))
        let (status, text) = try Self.lockstep(["sequence", far, "-o", Self.dir.appendingPathComponent("far-batches.json").path], seconds: 30)
        #expect(status == 0, "\(text)")
        var p2 = policy
        p2["pools"] = ["0xa100"]
        var t2 = tree
        t2["policy"] = p2
        try Self.expectInputError(["sequence", try Self.file("pool.json", try Inputs.data(t2))], mentions: ["pool.json", "policy.pools[0]"])
        let bundle = try Self.file("bundle.json", try Inputs.data(Inputs.editingEntry(tree, 1) { $0["bundle"] = ["id": 1, "index": 0, "size": -1] }))
        try Self.expectInputError(["sequence", bundle], mentions: ["bundle.json", "bundle"])
        let feed = try Self.file("feed.json", try Inputs.data(Inputs.editingEntry(tree, 2) { $0["kind"] = "oracle:7" }))
        try Self.expectInputError(["sequence", feed], mentions: ["feed.json", "feed 7"])
        try Self.expectInputError(["verify-batch", feed, feed], mentions: ["feed.json"])
    }

    @Test(.enabled(if: binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func duplicateKeyFixtureExits2() throws {
        let text = String(decoding: Inputs.fixture(), as: UTF8.self)
            .replacingOccurrences(of: "\"currentNumber\" : \"0x01\"", with: "\"currentNumber\" : \"0x01\", \"currentNumber\" : \"0x02\"")
        let path = try Self.file("dupfixture.json", Data(text.utf8))
        try Self.expectInputError(["statetest", path], mentions: ["dupfixture.json", "duplicate key currentNumber"])
        try Self.expectInputError(["run", path], mentions: ["dupfixture.json", "duplicate key currentNumber"])
    }

    /// A genuine counterexample replays (exit 1, still reproducing); edited copies are refused
    /// with exit 2 by `replay`, `report` — never REPRODUCED, never FIXED.
    @Test(.enabled(if: binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func tamperedCounterexamplesExit2() throws {
        let genuine = try #require(CounterexampleTamperTests.genuine)
        let root = Self.dir.appendingPathComponent("cx")
        let path = try genuine.write(to: root).path
        let (status, text) = try Self.lockstep(["replay", path])
        #expect(status == 1 && text.contains("REPRODUCED (bit for bit)"), "\(status) \(text)")
        // Edited in place: the name no longer matches.
        let flippedRoot = String(genuine.expected.stateRoot.dropLast()) + (genuine.expected.stateRoot.last == "0" ? "1" : "0")
        let editedText = String(decoding: genuine.encoded(), as: UTF8.self).replacingOccurrences(of: genuine.expected.stateRoot, with: flippedRoot)
        let edited = try Self.file("edited.json", Data(editedText.utf8))
        for verb in ["replay", "report"] { try Self.expectInputError([verb, edited], mentions: ["edited.json", "file name"]) }
        // Edited and renamed to its new digest: the content is checked.
        var forged = genuine
        forged.expected.stateRoot = flippedRoot
        let forgedPath = try forged.write(to: root).path
        for verb in ["replay", "report"] { try Self.expectInputError([verb, forgedPath], mentions: ["expected.stateRoot"]) }
        var truncated = genuine
        truncated.schedule?.steps = []
        try Self.expectInputError(["replay", try truncated.write(to: root).path], mentions: ["schedule.steps"])
        var step99 = genuine
        if let i = step99.schedule?.steps.firstIndex(where: { $0.action == .execute }) { step99.schedule!.steps[i].tx = 99 }
        try Self.expectInputError(["replay", try step99.write(to: root).path], mentions: ["schedule.steps[", "tx"])
    }
}
