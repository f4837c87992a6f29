import EVMCore
import Foundation
import Oracles
import ParallelExecutor
import Testing
import T8n
import _TestSupport

/// Where the real external executors are: the built `lockstep` binary (driven as a
/// subprocess, exactly as another team's tool would be), the execution spec's
/// `ethereum-spec-evm` from the set-up's venv, and the corrupting wrapper script.
enum ExternalTools {
    static var lockstep: String? {
        let root = FixturePaths.packageRoot.appendingPathComponent(".build")
        let candidates = ["debug/lockstep", "release/lockstep"] +
            ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted().flatMap { ["\($0)/debug/lockstep", "\($0)/release/lockstep"] }
        return candidates.map { root.appendingPathComponent($0).path }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var spec: String? {
        let p = FixturePaths.packageRoot.appendingPathComponent(".build-tools/venv/bin/ethereum-spec-evm").path
        return FileManager.default.isExecutableFile(atPath: p) ? p : nil
    }

    static var corrupt: String { FixturePaths.packageRoot.appendingPathComponent("scripts/corrupt-t8n.sh").path }

    static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

@Suite("t8n: in-process transition, parallel executor, comparison")
struct TransitionTests {
    @Test("--parallel: generated Cancun/Prague/Osaka blocks through the parallel executor equal the serial transition")
    func parallelEqualsSerial() throws {
        let gate = ExternalGate(tool: ExternalTransitionTool(command: "unused"))
        for i in 0..<12 {
            let (seed, c) = gate.generate(seed: 0x7e57, index: i)
            let serial = try c.reference()
            let parallel = try c.reference(executor: ParallelExecutor(driver: .threaded(workers: 3)))
            let d = T8nComparison.differences(expected: serial.result, expectedAlloc: serial.postState,
                                              actual: parallel.result, actualAlloc: parallel.postState)
            #expect(d.isEmpty, "seed 0x\(String(seed, radix: 16)): \(d)")
        }
    }

    @Test("The comparison names the field: a changed gasUsed, status and balance each show as one difference")
    func comparisonNamesField() throws {
        let gate = ExternalGate(tool: ExternalTransitionTool(command: "unused"))
        var found = false
        for i in 0..<8 {
            let (_, c) = gate.generate(seed: 0xf1e1d, index: i)
            let out = try c.reference()
            guard !out.result.receipts.isEmpty else { continue }
            var bad = out.result
            bad.receipts[0].gasUsed &+= 1
            let d = T8nComparison.differences(expected: out.result, expectedAlloc: out.postState, actual: bad, actualAlloc: out.postState)
            #expect(d.map(\.field) == ["receipts[0].gasUsed"])
            bad = out.result
            bad.receipts[0].succeeded.toggle()
            #expect(T8nComparison.differences(expected: out.result, expectedAlloc: out.postState, actual: bad, actualAlloc: out.postState).map(\.field)
                    == ["receipts[0].status"])
            let alloc = out.postState.copy()
            let (addr, acct) = try #require(alloc.accounts.first)
            alloc.setAccount(addr, nonce: acct.nonce, balance: acct.balance &+ .one, code: alloc.code(hash: acct.codeHash).bytes,
                             storage: alloc.storage[addr] ?? [:])
            #expect(T8nComparison.differences(expected: out.result, expectedAlloc: out.postState, actual: out.result, actualAlloc: alloc).map(\.field)
                    == ["alloc[\(addr)].balance"])
            found = true
            break
        }
        #expect(found, "no generated block with a receipt in 8 tries")
    }

    @Test("A result.json written by Lockstep reads back equal (geth's receipt fields)")
    func resultRoundTrip() throws {
        let gate = ExternalGate(tool: ExternalTransitionTool(command: "unused"))
        for i in 0..<6 {
            let (_, c) = gate.generate(seed: 0xab, index: i)
            let out = try c.reference()
            let node = try T8nInput.parseJSON(T8nJSON.data(T8nJSON.result(out.result)), file: "result.json")
            let back = try T8nInput.result(node)
            #expect(back == out.result)
        }
    }
}

/// Real external executors through the gate. Each call of `ethereum-spec-evm` costs about a
/// second, so its suite keeps to a handful of blocks.
@Suite("t8n: external executors (lockstep t8n as a process, ethereum-spec-evm, a corrupting wrapper)", .serialized)
struct ExternalExecutorTests {
    @Test("`lockstep t8n` as a subprocess agrees with the in-process reference on generated blocks; --parallel 2 with --repeat 2 too")
    func lockstepSubprocess() throws {
        guard let bin = ExternalTools.lockstep else {
            print("skipped: no built lockstep binary under .build (run swift build)")
            return
        }
        let serial = ExternalGate(tool: ExternalTransitionTool(command: ExternalTools.quoted(bin) + " t8n"))
        let r = serial.run(cases: 9, seed: 0x5eed)
        if let f = r.finding { Issue.record(Comment(rawValue: f.report(replayPath: nil))) }
        #expect(r.checked == 9)
        let parallel = ExternalGate(tool: ExternalTransitionTool(command: ExternalTools.quoted(bin) + " t8n --parallel 2"), repeatCount: 2)
        let p = parallel.run(cases: 3, seed: 0x5eed)
        if let f = p.finding { Issue.record(Comment(rawValue: f.report(replayPath: nil))) }
    }

    @Test("The execution spec's `ethereum-spec-evm t8n` agrees with the reference on one Cancun, Prague and Osaka block, traces step by step on one")
    func executionSpec() throws {
        guard let spec = ExternalTools.spec else {
            print("skipped: .build-tools/venv/bin/ethereum-spec-evm absent (scripts/setup.sh installs it)")
            return
        }
        let gate = ExternalGate(tool: ExternalTransitionTool(command: ExternalTools.quoted(spec) + " t8n"))
        // A bigger campaign: LOCKSTEP_T8N_SPEC_CASES=300 (about 1 s per block on an idle core).
        let cases = ProcessInfo.processInfo.environment["LOCKSTEP_T8N_SPEC_CASES"].flatMap { Int($0) } ?? 3
        let r = gate.run(cases: cases, seed: 0x5eed)
        #expect(r.checked == cases)
        if let f = r.finding { Issue.record(Comment(rawValue: f.report(replayPath: nil))) }

        // Its EIP-3155 traces (same file names) agree with Lockstep's step by step.
        let (_, c) = gate.generate(seed: 0x5eed, index: 1)
        let theirs = try gate.tool.apply(c, trace: true)
        let (out, ours) = try Transition(fork: c.fork, chainId: c.chainId, reward: .zero)
            .applyTraced(alloc: c.alloc, env: c.env, txs: .rlp(c.transactions.map { .success($0) }))
        #expect(Set(theirs.traces.keys) == Set(out.executedHashes.map(\.index)))
        for (index, lines) in ours {
            #expect(TraceDiff.steps(lines).count > 0 || lines.count == 1)
            let d = TraceDiff.firstDifference(expected: lines, actual: theirs.traces[index] ?? [])
            #expect(d == nil, "tx \(index): \(d ?? "")")
        }
    }

    @Test("A wrapper that adds 1 to the first receipt's gasUsed fails the gate with a readable report; the counterexample replays")
    func corruptingWrapper() throws {
        guard let bin = ExternalTools.lockstep else {
            print("skipped: no built lockstep binary under .build (run swift build)")
            return
        }
        let command = ExternalTools.quoted(ExternalTools.corrupt) + " --field gasUsed " + ExternalTools.quoted(bin) + " t8n"
        let gate = ExternalGate(tool: ExternalTransitionTool(command: command))
        let r = gate.run(cases: 5, seed: 0x5eed)
        let found = try #require(r.finding, "the corrupting wrapper passed \(r.checked) blocks")
        #expect(found.kind == .mismatch)
        #expect(found.differences.contains { $0.field == "receipts[0].gasUsed" })
        // Shrinking keeps one transaction (the first receipt must exist) and no withdrawals.
        let (f, steps, runs) = gate.shrink(found, budget: 40)
        #expect(f.input.transactions.count == 1, "shrunk to \(f.input.transactions.count) txs in \(steps) steps, \(runs) runs")
        #expect(f.input.env.withdrawals.isEmpty)
        #expect(f.differences.map(\.field) == ["receipts[0].gasUsed"])
        #expect(f.unshrunkTransactions == found.input.transactions.count)
        #expect(runs <= 40)
        let dir = NSTemporaryDirectory() + "t8n-cx-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try ExternalCounterexample.write(f, repeatCount: 1, to: dir)
        let report = f.report(replayPath: path)
        #expect(report.contains("receipts[0].gasUsed: expected"))
        #expect(report.contains("Replay: lockstep replay \(path)"))
        #expect(report.contains("traces agree step by step"), "the trace diff places the difference outside execution: \(report)")

        // The file replays: the stored command still differs, the plain tool agrees.
        let loaded = try ExternalCounterexample.load(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        #expect(loaded.command == command)
        #expect(ExternalGate(tool: ExternalTransitionTool(command: loaded.command)).check(loaded.input, seed: loaded.seed)?.kind == .mismatch)
        let plain = ExternalGate(tool: ExternalTransitionTool(command: ExternalTools.quoted(bin) + " t8n")).check(loaded.input, seed: loaded.seed)
        #expect(plain == nil, "\(plain?.report(replayPath: nil) ?? "")")

        // The stored input is geth's stdin object ({alloc, env, txsRlp}): piped into a t8n tool
        // it gives the reference's state root.
        let file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let stdin = try JSONSerialization.data(withJSONObject: try #require(file["input"]))
        #expect((file["input"] as? [String: Any])?["txsRlp"] is String)
        var a = T8nArguments()
        a.inputAlloc = "stdin"; a.inputEnv = "stdin"; a.inputTxs = "stdin"; a.outputResult = "stdout"; a.outputAlloc = ""
        a.fork = loaded.input.fork.fixtureName
        var out = Data()
        #expect(T8nTool.run(a, io: T8nIO(readStdin: { stdin }, writeStdout: { out += $0 }, writeStderr: { _ in })) == 0)
        let piped = try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any])
        #expect((piped["result"] as? [String: Any])?["stateRoot"] as? String == (try loaded.input.reference()).result.stateRoot.hexString)
    }

    @Test("The CLI end to end: check --executor on the wrapper exits 1 and writes a counterexample; replay exits 1, with the plain tool 0")
    func cliEndToEnd() throws {
        guard let bin = ExternalTools.lockstep else {
            print("skipped: no built lockstep binary under .build (run swift build)")
            return
        }
        let dir = NSTemporaryDirectory() + "t8n-cli-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let exe = URL(fileURLWithPath: bin)
        let corrupt = "t8n:" + ExternalTools.quoted(ExternalTools.corrupt) + " --field stateRoot " + ExternalTools.quoted(bin) + " t8n"
        let (status, output) = try runSubprocess(exe, ["check", "--executor", corrupt, "--cases", "2", "--out", dir, "--junit", dir + "/j.xml"])
        let text = String(decoding: output, as: UTF8.self)
        #expect(status == 1, "\(text)")
        #expect(text.contains("stateRoot: expected"))
        let junit = try String(contentsOfFile: dir + "/j.xml", encoding: .utf8)
        #expect(junit.contains("failures=\"1\"") && junit.contains("stateRoot: expected"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/external_executor")
        let file = dir + "/external_executor/" + (try #require(files.first))
        #expect(try runSubprocess(exe, ["replay", file]).status == 1)
        #expect(try runSubprocess(exe, ["report", file]).status == 2, "report points to replay")
        #expect(try runSubprocess(exe, ["replay", file, "--executor", ExternalTools.quoted(bin) + " t8n"]).status == 0)
        #expect(try runSubprocess(exe, ["check", "--executor", "evm t8n", "--cases", "1"]).status == 2, "t8n: prefix required")
    }
}

@Suite("t8n: --repeat finds a flaky executor")
struct RepeatTests {
    @Test("A wrapper that corrupts every second run passes with one run per block and is reported as non-deterministic with --repeat 2")
    func flakyTool() throws {
        guard let bin = ExternalTools.lockstep else {
            print("skipped: no built lockstep binary under .build (run swift build)")
            return
        }
        let counter = NSTemporaryDirectory() + "t8n-flaky-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: counter) }
        let command = "CORRUPT_T8N_COUNTER=" + ExternalTools.quoted(counter) + " " + ExternalTools.quoted(ExternalTools.corrupt)
            + " --field stateRoot --every 2 " + ExternalTools.quoted(bin) + " t8n"
        let gate = ExternalGate(tool: ExternalTransitionTool(command: command), repeatCount: 2)
        let (_, input) = gate.generate(seed: 0x5eed, index: 0)
        let f = try #require(gate.check(input, seed: 1), "a tool that differs on every second run passed --repeat 2")
        #expect(f.kind == .nondeterminism)
        #expect(f.differences.map(\.field) == ["stateRoot"])
        #expect(f.report(replayPath: nil).contains("is not deterministic"))
    }
}

@Suite("t8n: step-by-step trace comparison")
struct TraceDiffTests {
    /// The reference's trace lines of the first generated transaction that runs code.
    static func someTrace() throws -> [String] {
        let gate = ExternalGate(tool: ExternalTransitionTool(command: "unused"))
        for i in 0..<10 {
            let (_, c) = gate.generate(seed: 0x7ace, index: i)
            let (_, traces) = try Transition(fork: c.fork, chainId: c.chainId, reward: .zero)
                .applyTraced(alloc: c.alloc, env: c.env, txs: .rlp(c.transactions.map { .success($0) }))
            if let t = traces.values.first(where: { $0.count > 10 }) { return t }
        }
        Issue.record("no generated transaction with more than 10 trace lines")
        return []
    }

    @Test("Equal traces agree; hex and JSON-number spellings of gas and pc are the same step")
    func agreement() throws {
        let t = try Self.someTrace()
        #expect(TraceDiff.firstDifference(expected: t, actual: t) == nil)
        let respelled = t.map { line -> String in
            guard var obj = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any], let g = obj["gas"] as? String,
                  let v = UInt64(g.dropFirst(2), radix: 16) else { return line }
            obj["gas"] = v
            return String(decoding: try! JSONSerialization.data(withJSONObject: obj), as: UTF8.self)
        }
        #expect(TraceDiff.firstDifference(expected: t, actual: respelled) == nil)
    }

    @Test("A changed gas value names the step, opcode, pc and both values; a truncated trace names the step counts")
    func difference() throws {
        let t = try Self.someTrace()
        let k = 5
        var obj = try #require(try JSONSerialization.jsonObject(with: Data(t[k].utf8)) as? [String: Any])
        let gas = try #require(UInt64((obj["gas"] as? String ?? "").dropFirst(2), radix: 16))
        obj["gas"] = "0x" + String(gas - 1, radix: 16)
        var changed = t
        changed[k] = String(decoding: try JSONSerialization.data(withJSONObject: obj), as: UTF8.self)
        let d = try #require(TraceDiff.firstDifference(expected: t, actual: changed))
        #expect(d.hasPrefix("step \(k) ("), "\(d)")
        #expect(d.contains("gas \(gas) vs \(gas - 1)"), "\(d)")
        let short = try #require(TraceDiff.firstDifference(expected: t, actual: Array(t.prefix(4))))
        #expect(short.contains("identical for the first 4"), "\(short)")
    }
}

@Suite("t8n: the lockstep t8n command line")
struct T8nCommandLineTests {
    @Test("Flags as geth spells them: hex --state.reward, --trace.nostack/--trace.returndata, stdout outputs, exit 3 on a bad chain id")
    func flags() throws {
        guard let bin = ExternalTools.lockstep else {
            print("skipped: no built lockstep binary under .build (run swift build)")
            return
        }
        let exe = URL(fileURLWithPath: bin)
        let s = try GethExampleTests.Scratch([
            "alloc.json": GethExampleTests.alloc13, "env.json": GethExampleTests.env13,
            "txs.json": "[\(GethExampleTests.keyed13(nonce: 1))]",
            "env5.json": """
            {"currentCoinbase": "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "currentDifficulty": "0x20000", "currentGasLimit": "0x750a163df65e8a",
             "currentNumber": "1", "currentTimestamp": "1000", "ommers": [{"delta": 1, "address": "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}]}
            """,
            "empty.json": "{}", "none.json": "[]"])
        let d = s.dir
        let (st, out) = try runSubprocess(exe, ["t8n", "--input.alloc", d + "/alloc.json", "--input.env", d + "/env.json", "--input.txs", d + "/txs.json",
                                                "--state.fork", "London", "--output.basedir", d + "/out", "--output.result", "stdout",
                                                "--output.alloc", "stdout", "--trace", "--trace.nostack", "--trace.returndata"])
        #expect(st == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any])
        #expect(obj["result"] != nil && obj["alloc"] != nil)
        let trace = try #require(try FileManager.default.contentsOfDirectory(atPath: d + "/out").first { $0.hasPrefix("trace-0-0x") })
        let first = try #require(s.text(trace)?.split(separator: "\n").first)
        #expect(first.contains("\"returnData\"") && !first.contains("\"stack\""), "\(first)")

        let (st5, out5) = try runSubprocess(exe, ["t8n", "--input.alloc", d + "/empty.json", "--input.env", d + "/env5.json", "--input.txs", d + "/none.json",
                                                  "--state.fork", "Byzantium", "--state.reward", "0x80", "--output.alloc", "stdout", "--output.result", ""])
        #expect(st5 == 0)
        let alloc5 = try #require((try JSONSerialization.jsonObject(with: out5) as? [String: Any])?["alloc"] as? [String: Any])
        #expect((alloc5["0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"] as? [String: Any])?["balance"] as? String == "0x84", "0x80 + 0x80/32")
        #expect((alloc5["0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"] as? [String: Any])?["balance"] as? String == "0x70", "7/8 of 0x80")

        #expect(try runSubprocess(exe, ["t8n", "--state.chainid", "abc"]).status == T8nExit.config)
        #expect(try runSubprocess(exe, ["t8n", "--state.fork", "Cancun", "--input.alloc", d + "/missing.json"]).status == T8nExit.io)
    }
}
