import Foundation
import Testing
import SequencerModel
import _TestSupport

/// The CLI contract, verb by verb, through the built binary: a usage error exits 2 naming the
/// option, a malformed input file exits 2 naming the file, and a finding (a failed case, a
/// violated rule, a divergence, a reproduced counterexample, an unproven claim) exits 1. `t8n`
/// keeps geth's own codes (10 for a malformed input file); `bench` has no inputs or findings.
@Suite(.serialized) struct VerbContractTests {
    typealias CLI = CommandLineContractTests

    static let verbs: [[String]] = [
        ["statetest"], ["blocktest"], ["run"], ["check"], ["replay", "x.json"], ["report", "x.json"], ["prove", "opcodes"],
        ["prove", "schedule"], ["prove", "conservation"], ["bench"], ["sequence", "x.json"], ["verify-batch", "x.json", "y.json"],
        ["t8n"], ["fuzz"],
    ]

    @Test(.enabled(if: CLI.binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func everyVerbExits2OnAnUnknownOption() throws {
        for verb in Self.verbs {
            let (status, text) = try CLI.lockstep(verb + ["--no-such-option"])
            #expect(status == 2, "lockstep \(verb.joined(separator: " ")) --no-such-option exited \(status): \(text)")
            #expect(text.contains("no-such-option"), "lockstep \(verb.joined(separator: " ")): \(text)")
        }
    }

    /// Numbers past what the verb's arithmetic holds are usage errors, not traps.
    @Test(.enabled(if: CLI.binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func outOfRangeNumbersExit2() throws {
        try CLI.expectInputError(["fuzz", "--seconds", "1e300"], mentions: ["--seconds"])
        try CLI.expectInputError(["fuzz", "--batch", "100000000"], mentions: ["--batch"])
        try CLI.expectInputError(["fuzz", "--parallel", "0"], mentions: ["--parallel"])
        try CLI.expectInputError(["statetest", "--jobs", "0"], mentions: ["--jobs"])
    }

    /// `--executor t8n:CMD` (fuzz, check, blocktest): a malformed spec, a program that does not
    /// exist and out-of-range companions are usage errors, found before any case runs.
    @Test(.enabled(if: CLI.binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func badExecutorSpecsExit2() throws {
        let lockstep = CLI.binary!.path
        try CLI.expectInputError(["fuzz", "--executor", "evm t8n"], mentions: ["t8n:CMD"])
        try CLI.expectInputError(["fuzz", "--executor", "t8n:"], mentions: ["--executor"])
        try CLI.expectInputError(["fuzz", "--executor", "t8n:no-such-t8n-tool-xyz t8n"], mentions: ["no-such-t8n-tool-xyz", "not found"])
        try CLI.expectInputError(["fuzz", "--executor", "t8n:/no/such/dir/evm t8n"], mentions: ["/no/such/dir/evm"])
        try CLI.expectInputError(["fuzz", "--executor", "t8n:'unterminated t8n"], mentions: ["not a valid shell command line"])
        try CLI.expectInputError(["fuzz", "--executor", "t8n:\(lockstep) t8n", "--repeat", "0"], mentions: ["--repeat"])
        try CLI.expectInputError(["fuzz", "--executor", "t8n:\(lockstep) t8n", "--tool-timeout", "0"], mentions: ["--tool-timeout"])
        try CLI.expectInputError(["fuzz", "--executor", "t8n:\(lockstep) t8n", "--forks", "Osaka"], mentions: ["--fork"])
        try CLI.expectInputError(["fuzz", "--repeat", "2"], mentions: ["--executor"])
        try CLI.expectInputError(["fuzz", "--three-way"], mentions: ["--executor"])
        try CLI.expectInputError(["check", "--executor", "t8n:no-such-t8n-tool-xyz t8n"], mentions: ["no-such-t8n-tool-xyz"])
        try CLI.expectInputError(["blocktest", "--executor", "t8n:no-such-t8n-tool-xyz t8n"], mentions: ["no-such-t8n-tool-xyz"])
    }

    @Test(.enabled(if: CLI.binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func everyFileVerbExits2OnAMalformedFileNamingIt() throws {
        let bad = try CLI.file("truncated-input.json", Data("{\"a\": [1, 2".utf8))
        for verb in [["statetest"], ["blocktest"], ["run"], ["replay"], ["report"], ["sequence"]] {
            try CLI.expectInputError(verb + [bad], mentions: ["truncated-input.json"])
        }
        let stream = try CLI.file("good-stream.json", StreamFile.encode(Inputs.stream()))
        try CLI.expectInputError(["verify-batch", stream, bad], mentions: ["truncated-input.json"])
        try CLI.expectInputError(["verify-batch", bad, stream], mentions: ["truncated-input.json"])
        // t8n speaks geth's codes: 10 is a malformed input file.
        let out = CLI.dir.appendingPathComponent("t8n-out").path
        let (status, text) = try CLI.lockstep(["t8n", "--input.alloc", bad, "--input.env", bad, "--input.txs", bad, "--output.basedir", out])
        #expect(status == 10, "t8n on a malformed file exited \(status): \(text)")
    }

    @Test(.enabled(if: CLI.binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func findingsExit1() throws {
        // statetest: the fixture's expected root is wrong.
        let wrongRoot = String(decoding: Inputs.fixture(), as: UTF8.self)
            .replacingOccurrences(of: "0xe8010ce590f401c9d61fef8ab05bea9bcec24281b795e5868809bc4e515aa530",
                                  with: "0xe8010ce590f401c9d61fef8ab05bea9bcec24281b795e5868809bc4e515aa531")
        let (s1, t1) = try CLI.lockstep(["statetest", try CLI.file("wrong-root.json", Data(wrongRoot.utf8))])
        #expect(s1 == 1, "statetest with a wrong expected root exited \(s1): \(t1)")

        // check: the planted executor fault is found.
        let cx = CLI.dir.appendingPathComponent("cx-contract").path
        let (s2, t2) = try CLI.lockstep(["check", "--variant", "parallel:skipValidation", "--property", "parallel_matches_serial",
                                         "--cases", "40", "--out", cx], seconds: 240)
        #expect(s2 == 1, "check on a broken executor exited \(s2): \(t2)")

        // prove: a refuted schedule claim and an unknown (resource-limited) opcode proof.
        let (s3, t3) = try CLI.lockstep(["prove", "schedule", "--txs", "200", "--conflict-rate", "0.5", "--fault", "skip-validation"], seconds: 120)
        #expect(s3 == 1, "prove schedule --fault exited \(s3): \(t3)")
        let (s4, t4) = try CLI.lockstep(["prove", "opcodes", "--opcode", "ADD", "--proof-rlimit", "1"], seconds: 120)
        #expect(s4 == 1, "prove opcodes under rlimit 1 exited \(s4): \(t4)")

        // verify-batch: one included transaction dropped from the sequencer's own output (R16).
        let stream = try CLI.file("contract-stream.json", StreamFile.encode(Inputs.stream(count: 8)))
        let batches = CLI.dir.appendingPathComponent("contract-batches.json").path
        let (s5, t5) = try CLI.lockstep(["sequence", stream, "-o", batches])
        #expect(s5 == 0, "\(t5)")
        let (s6, t6) = try CLI.lockstep(["verify-batch", stream, batches])
        #expect(s6 == 0, "the sequencer's own output must verify: \(t6)")
        let dropped = try CLI.file("contract-dropped.json", try Self.droppingOneTransaction(Data(contentsOf: URL(fileURLWithPath: batches))))
        let (s7, t7) = try CLI.lockstep(["verify-batch", stream, dropped])
        #expect(s7 == 1 && t7.contains("R16: FAIL"), "verify-batch on a batch with a dropped tx exited \(s7): \(t7)")

        // blocktest: a real test whose expected head hash is edited.
        if let file = FixturePaths.ethereumTests?.appendingPathComponent("BlockchainTests/ValidBlocks/bcExample/basefeeExample.json"),
           FileManager.default.fileExists(atPath: file.path) {
            var tree = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
            for (name, value) in tree {
                var test = value as! [String: Any]
                test["lastblockhash"] = "0x" + String(repeating: "11", count: 32)
                tree[name] = test
            }
            let edited = try CLI.file("edited-blocktest.json", try Inputs.data(tree))
            let (s8, t8) = try CLI.lockstep(["blocktest", edited])
            #expect(s8 == 1, "blocktest with an edited head hash exited \(s8): \(t8)")
        }
    }

    /// The batches file with the first included transaction removed from its group.
    static func droppingOneTransaction(_ data: Data) throws -> Data {
        var tree = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var batches = try #require(tree["batches"] as? [[String: Any]], "batches file has no 'batches': \(tree.keys)")
        for b in batches.indices {
            guard var groups = batches[b]["groups"] as? [[Any]], let g = groups.firstIndex(where: { !$0.isEmpty }) else { continue }
            groups[g].removeFirst()
            if groups[g].isEmpty { groups.remove(at: g) }
            batches[b]["groups"] = groups
            tree["batches"] = batches
            return try Inputs.data(tree)
        }
        Issue.record("no batch with a transaction")
        return data
    }
}
