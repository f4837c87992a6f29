import EVMCore
import EVMState
import EVMExecution
import EthereumTests
import Foundation
import T8n
import Generators

/// A difference between an external transition tool and Lockstep's reference on one case,
/// or between two runs of the external tool on the same case.
public struct ExternalFinding {
    public enum Kind: String, Sendable { case mismatch, nondeterminism, toolError = "tool-error" }
    public var kind: Kind
    public var command: String
    public var seed: UInt64
    public var input: T8nCase
    public var differences: [T8nDifference]
    /// First differing step of the first transaction whose traces differ (mismatches only).
    public var traceDifference: String?
    public var message: String
    /// Set by `ExternalGate.shrink`: the transaction count before shrinking.
    public var unshrunkTransactions: Int? = nil
    /// Where the block came from when it was not generated, e.g. `block 2 (number 3) of test X in
    /// file F` (`lockstep blocktest --executor`), or the fuzz case (`lockstep fuzz --executor`);
    /// nil for a block of `lockstep check`.
    public var origin: String? = nil
    /// The EIP-3155 traces of both sides for the first transaction whose traces differ (nil when
    /// they agree, or the tool wrote none); written beside the counterexample.
    public var traces: TracePair? = nil
    /// Which side is wrong, when a third implementation was asked (`lockstep fuzz --three-way`:
    /// the execution spec on the same input); nil when only the tool and the reference ran.
    public var verdict: String? = nil

    /// The readable report: what differs, where, and how to replay.
    public func report(replayPath: String?) -> String {
        let size = unshrunkTransactions.map { "\(input.transactions.count) txs, shrunk from \($0)" } ?? "\(input.transactions.count) txs"
        var lines = ["External executor `\(command)` \(kind == .mismatch ? "disagrees with the reference" : kind == .nondeterminism ? "is not deterministic" : "failed")"
                     + " on \(origin.map { "\(input.fork.fixtureName) \($0) (" } ?? "a generated \(input.fork.fixtureName) block (seed 0x\(String(seed, radix: 16)), ")\(size)): \(message)"]
        for d in differences.prefix(12) { lines.append("  \(d)") }
        if differences.count > 12 { lines.append("  … \(differences.count - 12) more differences") }
        if let t = traceDifference { lines.append("  trace: \(t)") }
        if let v = verdict { lines.append("  verdict: \(v)") }
        if let t = traces, let replayPath {
            let name = ((replayPath as NSString).lastPathComponent as NSString).deletingPathExtension
            let dir = ((replayPath as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
            let base = (dir.isEmpty ? "" : dir + "/") + "\(ExternalCounterexample.tracesFolder)/\(name)/tx\(t.index)"
            lines.append("  traces of tx \(t.index): \(base).reference.jsonl (Lockstep), \(base).tool.jsonl (the tool)")
        }
        if let replayPath { lines.append("Replay: lockstep replay \(replayPath)") }
        return lines.joined(separator: "\n")
    }
}

/// Both sides' EIP-3155 trace lines of one transaction (its index in the block).
public struct TracePair: Sendable, Equatable {
    public var index: Int
    public var expected: [String]
    public var actual: [String]
    public init(index: Int, expected: [String], actual: [String]) { self.index = index; self.expected = expected; self.actual = actual }
}

/// The gate for an external executor: Lockstep generates blocks (`T8nCaseGenerator`, cycling
/// through `forks`), hands each to the tool, and compares its result and post-state with the
/// reference (`T8nComparison`). On a difference both are re-run with `--trace` and the traces
/// compared step by step (`TraceDiff`). With `repeatCount` K > 1 every case runs K times
/// through the tool and any two runs that differ are a non-determinism finding.
///
/// A finding is shrunk with `shrink` (delta debugging over transactions and withdrawals) before
/// it is written. For other verbs (`fuzz`, `blocktest`) the same pieces compose directly:
/// `ExternalTransitionTool(command:).apply(case)`, `T8nCase.reference()` and
/// `ExternalGate.compare(reference:run:)`, or `check(_:seed:)` on any `T8nCase`.
public struct ExternalGate: Sendable {
    public var tool: ExternalTransitionTool
    public var forks: [Hardfork]
    public var repeatCount: Int
    public var maxTransactions: Int

    public init(tool: ExternalTransitionTool, forks: [Hardfork] = [.cancun, .prague, .osaka], repeatCount: Int = 1, maxTransactions: Int = 12) {
        self.tool = tool; self.forks = forks; self.repeatCount = max(1, repeatCount); self.maxTransactions = maxTransactions
    }

    /// Case `i` of run seed `seed`: the same block for the same (seed, i).
    public func caseSeed(_ seed: UInt64, _ i: Int) -> UInt64 {
        var r = SplitMix64(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
        return r.next()
    }

    public func generate(seed: UInt64, index i: Int) -> (seed: UInt64, input: T8nCase) {
        let s = caseSeed(seed, i)
        return (s, T8nCaseGenerator(fork: forks[i % forks.count], maxTransactions: maxTransactions).generate(seed: s))
    }

    /// The reference's differences with one external run (empty = agreement).
    public static func compare(reference: T8nOutput, run: ExternalRun) -> [T8nDifference] {
        T8nComparison.differences(expected: reference.result, expectedAlloc: reference.postState,
                                  actual: run.result, actualAlloc: run.alloc)
    }

    /// Checks one case; nil when the tool agrees with the reference on every run.
    public func check(_ input: T8nCase, seed: UInt64) -> ExternalFinding? {
        var ignored = 0.0
        return check(input, seed: seed, toolSeconds: &ignored)
    }

    /// `check`, adding the wall time spent inside the tool's processes to `toolSeconds`;
    /// without `traces` a mismatch is not re-run with traces (while shrinking).
    public func check(_ input: T8nCase, seed: UInt64, toolSeconds: inout Double, traces: Bool = true) -> ExternalFinding? {
        evaluate(input, seed: seed, toolSeconds: &toolSeconds, traces: traces).finding
    }

    /// `check`, also returning the tool's first run (nil when it failed), so a caller that
    /// packs many cases into one block (`lockstep fuzz --executor`) can attribute a difference
    /// to its cases. `reference`, when given, is the reference's output for `input` (computed
    /// otherwise). Runs the tool `repeatCount` times: the first run is compared with the
    /// reference (a mismatch stops there), each later run with the first (non-determinism).
    public func evaluate(_ input: T8nCase, seed: UInt64, reference given: T8nOutput? = nil, toolSeconds: inout Double,
                         traces: Bool = true) -> (first: ExternalRun?, finding: ExternalFinding?) {
        let reference: T8nOutput
        if let given { reference = given } else {
            do { reference = try input.reference() } catch {
                return (nil, ExternalFinding(kind: .toolError, command: tool.command, seed: seed, input: input, differences: [],
                                             traceDifference: nil, message: "the reference rejects the block: \(error)"))
            }
        }
        var first: ExternalRun? = nil
        for k in 0..<repeatCount {
            let run: ExternalRun
            do { run = try tool.apply(input); toolSeconds += run.seconds } catch {
                return (first, ExternalFinding(kind: .toolError, command: tool.command, seed: seed, input: input, differences: [],
                                               traceDifference: nil, message: "run \(k + 1): \(error)"))
            }
            if let f = first {
                // Any two runs that differ: non-determinism, whether or not either matches the reference.
                let nd = T8nComparison.differences(expected: f.result, expectedAlloc: f.alloc, actual: run.result, actualAlloc: run.alloc)
                if !nd.isEmpty {
                    return (first, ExternalFinding(kind: .nondeterminism, command: tool.command, seed: seed, input: input, differences: nd,
                                                   traceDifference: nil, message: "run 1 (which agreed with the reference) and run \(k + 1) of \(repeatCount) differ"))
                }
                continue
            }
            let diffs = ExternalGate.compare(reference: reference, run: run)
            if !diffs.isEmpty {
                var f = ExternalFinding(kind: .mismatch, command: tool.command, seed: seed, input: input, differences: diffs,
                                        traceDifference: nil, message: "\(diffs.count) difference\(diffs.count == 1 ? "" : "s")")
                if traces { (f.traceDifference, f.traces) = traceDifference(input) }
                return (run, f)
            }
            first = run
        }
        return (first, nil)
    }

    /// Shrinks a mismatch or tool-error finding by delta debugging (`Shrinker.removingChunks`):
    /// transactions, then withdrawals, are removed while one run of the tool still gives a
    /// finding of the same kind; at most `budget` tool runs. Non-determinism findings are
    /// returned as they are (one run cannot show them). The result is re-checked with traces,
    /// so its differences and trace verdict are those of the shrunk block.
    public func shrink(_ f: ExternalFinding, budget: Int) -> (finding: ExternalFinding, steps: Int, runs: Int) {
        guard budget > 0, f.kind != .nondeterminism else { return (f, 0, 0) }
        let single = ExternalGate(tool: tool, forks: forks, repeatCount: 1, maxTransactions: maxTransactions)
        var runs = 0
        var ignored = 0.0
        func failing(_ c: T8nCase) -> Bool {
            guard runs < budget else { return false }
            runs += 1
            return single.check(c, seed: f.seed, toolSeconds: &ignored, traces: false)?.kind == f.kind
        }
        var input = f.input
        let (txs, txSteps) = Shrinker.removingChunks(input.transactions, keepOne: false) { kept in
            var c = input; c.transactions = kept; return failing(c)
        }
        input.transactions = txs
        let (ws, wSteps) = Shrinker.removingChunks(input.env.withdrawals, keepOne: false) { kept in
            var c = input; c.env.withdrawals = kept; return failing(c)
        }
        input.env.withdrawals = ws
        guard txSteps + wSteps > 0, var shrunk = single.check(input, seed: f.seed, toolSeconds: &ignored) else { return (f, 0, runs) }
        shrunk.unshrunkTransactions = f.input.transactions.count
        return (shrunk, txSteps + wSteps, runs + 1)
    }

    /// Re-runs both sides with traces and compares the transactions' traces in block order:
    /// the verdict (first differing step, or where the difference is not) and both traces of
    /// the first transaction that differs. A tool that fails with `--trace` or writes no trace
    /// files at all is said to give none (`--trace` is optional in the protocol).
    public func traceDifference(_ input: T8nCase) -> (String?, TracePair?) {
        guard let (_, refTraces) = try? Transition(fork: input.fork, chainId: input.chainId, reward: .zero)
                .applyTraced(alloc: input.alloc, env: input.env, txs: .rlp(input.transactions.map { .success($0) })) else {
            return ("no trace: the reference's traced run failed", nil)
        }
        let ext: ExternalRun
        do { ext = try tool.apply(input, trace: true) } catch {
            return ("no trace: the tool failed with --trace (\(error))", nil)
        }
        if ext.traces.isEmpty && !refTraces.isEmpty { return ("no trace: the tool wrote no trace-<index>-<hash>.jsonl files with --trace", nil) }
        for index in refTraces.keys.sorted() {
            guard let theirs = ext.traces[index] else { return ("tx \(index): the tool wrote no trace file", nil) }
            if let d = TraceDiff.firstDifference(expected: refTraces[index] ?? [], actual: theirs) {
                return ("tx \(index): \(d)", TracePair(index: index, expected: refTraces[index] ?? [], actual: theirs))
            }
        }
        return ("traces agree step by step (the difference is outside execution: block-level operations or result encoding)", nil)
    }

    /// Runs `cases` cases (or until `deadline`); stops at the first finding. `seconds` is the
    /// whole wall time, `toolSeconds` the part spent in the tool's processes (all runs).
    public func run(cases: Int, seed: UInt64, deadline: ContinuousClock.Instant? = nil,
                    progress: (Int) -> Void = { _ in }) -> (checked: Int, finding: ExternalFinding?, seconds: Double, toolSeconds: Double) {
        let start = ContinuousClock.now
        var checked = 0
        var toolSeconds = 0.0
        while checked < cases {
            if let deadline, ContinuousClock.now >= deadline { break }
            let (s, input) = generate(seed: seed, index: checked)
            if let f = check(input, seed: s, toolSeconds: &toolSeconds) {
                return (checked + 1, f, (ContinuousClock.now - start).seconds, toolSeconds)
            }
            checked += 1
            progress(checked)
        }
        return (checked, nil, (ContinuousClock.now - start).seconds, toolSeconds)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// The counterexample file of an external-executor finding (`property: "external_executor"`):
/// the executor command, the kind of finding, fork, chain id, seed, the repeat count, the
/// complete input as geth's combined stdin object `{alloc, env, txsRlp}` (the signed
/// transactions), the unshrunk transaction count, where the block came from (`origin`), the
/// three-way `verdict` when one was asked for, and the differences observed.
/// `lockstep replay FILE` re-runs the stored input through the stored command;
/// `lockstep t8n --input.alloc stdin --input.env stdin --input.txs stdin` reads the `input`
/// object as is.
///
/// Tamper-evident like the other counterexamples: the file is named by the first 16 hex digits
/// of the Keccak-256 of its canonical encoding (sorted keys, `T8nJSON.data`), and `load` refuses
/// a file whose name is not that digest of what it holds (an edited input, command or repeat
/// count); whitespace and key order are not content. When the finding carries both sides'
/// traces (`ExternalFinding.traces`), they are written beside it as
/// `DIR/external_executor_traces/<name>/tx<i>.{reference,tool}.jsonl` (derived data: not part
/// of the digest; a replay recomputes them).
public enum ExternalCounterexample {
    public static let property = "external_executor"
    public static let tracesFolder = "external_executor_traces"

    public static func json(_ f: ExternalFinding, repeatCount: Int) -> [String: Any] {
        var input = f.input
        input.keyedJSON = false
        return ["schemaVersion": 1, "property": property, "kind": f.kind.rawValue, "executor": f.command,
                "fork": input.fork.fixtureName, "chainId": input.chainId.decimalString, "seed": "0x" + String(f.seed, radix: 16),
                "repeat": repeatCount, "input": input.combinedJSON,
                "differences": f.differences.map { ["field": $0.field, "expected": $0.expected, "actual": $0.actual] },
                "trace": f.traceDifference ?? NSNull(), "message": f.message,
                "unshrunkTransactions": f.unshrunkTransactions ?? f.input.transactions.count, "origin": f.origin ?? NSNull(),
                "verdict": f.verdict ?? NSNull()]
    }

    /// The file name (without `.json`) of a counterexample's bytes: the first 16 hex digits of
    /// the Keccak-256 of its canonical re-encoding. Nil when `data` is not a JSON object.
    public static func digest(_ data: Data) -> String? {
        guard let obj = try? JSONSerialization.jsonObject(with: data), obj is [String: Any] else { return nil }
        return String(Keccak256.hash(Array(T8nJSON.data(obj))).hexString.dropFirst(2).prefix(16))
    }

    /// Writes `dir/external_executor/<digest>.json` (and the traces, when the finding has
    /// them); returns the path.
    public static func write(_ f: ExternalFinding, repeatCount: Int, to dir: String) throws -> String {
        let data = T8nJSON.data(json(f, repeatCount: repeatCount))
        let name = digest(data) ?? String(Keccak256.hash(Array(data)).hexString.dropFirst(2).prefix(16))
        let folder = (dir as NSString).appendingPathComponent(property)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent("\(name).json")
        try data.write(to: URL(fileURLWithPath: path))
        if let t = f.traces {
            let traceDir = ((dir as NSString).appendingPathComponent(tracesFolder) as NSString).appendingPathComponent(name)
            try FileManager.default.createDirectory(atPath: traceDir, withIntermediateDirectories: true)
            for (side, lines) in [("reference", t.expected), ("tool", t.actual)] {
                try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: "\(traceDir)/tx\(t.index).\(side).jsonl"))
            }
        }
        return path
    }

    /// Where `write` put the traces of the counterexample at `path` (nil when it wrote none).
    public static func tracePaths(of path: String) -> [String] {
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let dir = (((path as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent(tracesFolder) + "/" + name
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { dir + "/" + $0 }
    }

    /// True when `data` is an external-executor counterexample (so `replay` dispatches here).
    public static func isExternal(_ data: Data) -> Bool {
        ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["property"] as? String == property
    }

    public struct Loaded {
        public var command: String
        public var seed: UInt64
        public var repeatCount: Int
        public var input: T8nCase
        /// `ExternalFinding.origin` of the stored finding (nil for a generated block).
        public var origin: String? = nil
        /// `ExternalFinding.verdict` of the stored finding.
        public var verdict: String? = nil
    }

    /// Reads a stored file. `file`'s name must be the digest of the content (`digest`): an
    /// edited file is refused (`T8nParseError` naming the file name), never replayed.
    public static func load(_ data: Data, file: String) throws(T8nParseError) -> Loaded {
        let root = try T8nInput.parseJSON(data, file: file)
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if let d = digest(data), d != name {
            throw T8nParseError(FixtureError(file: file, field: "file name",
                                             problem: .inconsistent("\((file as NSString).lastPathComponent) is not named by the digest of its content (\(d).json): the file was edited")))
        }
        do throws(FixtureError) {
            let forkNode = try root.field("fork")
            guard let fork = T8nTool.fork(named: try forkNode.string()) else {
                throw forkNode.error(.inconsistent("unknown fork"))
            }
            let chainId = try root.field("chainId").t8nNumber()
            let command = try root.field("executor").string()
            let seed = try root.optionalField("seed")?.t8nNumber().w0 ?? 0
            let rep = Int(try root.optionalField("repeat")?.t8nNumber().w0 ?? 1)
            let inputNode = try root.field("input")
            let input: T8nCase
            do throws(T8nParseError) { input = try T8nCase.parse(combined: inputNode, fork: fork, chainId: chainId) } catch {
                throw error.underlying
            }
            let origin = try root.optionalField("origin").flatMap { n in try? n.string() }
            let verdict = try root.optionalField("verdict").flatMap { n in try? n.string() }
            return Loaded(command: command, seed: seed, repeatCount: max(1, min(rep, 100)), input: input, origin: origin, verdict: verdict)
        } catch {
            throw T8nParseError(error)
        }
    }
}
