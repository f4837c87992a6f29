import Foundation
import EVMCore
import EVMState
import EVMExecution
import ParallelExecutor
import SequencerModel
import BatchVerification
import Generators
import PropertyKit
import PlantedFaults

/// The sequencer part of a counterexample file: the (shrunk) stream and the batches that
/// break a rule (for R19, the two runs' batches that differ), the rule, and what the verifier
/// said. Replaying runs `BatchVerifier` on the stored stream and batches — nothing is
/// regenerated, and the sequencer's code is not needed (the batches are the concrete output
/// being judged). The same file is also a valid pair of
/// `lockstep verify-batch` inputs: `stream` and `batches` are the README's two formats.
public struct SequencerCase: Codable, Equatable, Sendable {
    public static let property = "sequencer_rules"

    public var stream: StreamFile
    public var batches: BatchesFile
    /// R19 only: the second run's batches, from the same stream and seed as `batches` (both
    /// carry the same `run`). Absent, and not encoded, for R1–R18, so those files keep their
    /// bytes and hashes.
    public var rerun: BatchesFile?
    /// The rule the counterexample is about (R1…R19).
    public var rule: String
    /// Every violation of `rule` the verifier reported, as text, sorted.
    public var violations: [String]

    /// `rerun` (R19) is the second run's output; `run`, when given, is stamped on both batches
    /// files as the identity both runs claim.
    public init(input: SequencerInput, output: SequencerOutput, rule: String, violations: [RuleViolation],
                rerun: SequencerOutput? = nil, run: SequencerRun? = nil) {
        stream = StreamFile(input); batches = BatchesFile(output, run: run); self.rule = rule
        self.rerun = rerun.map { BatchesFile($0, run: run) }
        self.violations = Self.lines(violations, rule: rule)
    }

    /// The executor faults a variant name carries (none unless `parallel:…`).
    public static func faults(_ variant: String) -> (any FaultHook)? {
        ExecutorVariant(name: variant)?.hook
    }

    static func lines(_ vs: [RuleViolation], rule: String) -> [String] { vs.filter { $0.rule == rule }.map(\.description).sorted() }

    public func decoded() throws(CounterexampleError) -> (SequencerInput, SequencerOutput) {
        do {
            return (try stream.input(), try batches.output())
        } catch {
            throw .invalidValue(field: "sequencer", value: "", reason: error.description)
        }
    }

    /// The second run's output (R19 files), nil when the file has none.
    public func decodedRerun() throws(CounterexampleError) -> SequencerOutput? {
        guard let rerun else { return nil }
        do { return try rerun.output() } catch { throw .invalidValue(field: "sequencer.rerun", value: "", reason: error.description) }
    }

    /// Re-runs the verifier. Reproduced while `rule` is still violated; bit for bit when the
    /// violations' text equals the stored one.
    /// `variant` is the file's: a `parallel:…` name re-applies those executor faults (the
    /// test-only way to make R14's parallel-versus-serial comparison fail).
    public func replay(stored: CounterexampleFile.Difference, variant: String) throws(CounterexampleError) -> CounterexampleFile.ReplayOutcome {
        let (input, output) = try decoded()
        let second = try decodedRerun()
        if second != nil {
            do { try BatchVerifier.checkRerunPremise(input: input, first: batches.run, rerun: rerun?.run) } catch {
                throw .invalidValue(field: "sequencer.rerun", value: "", reason: error.description)
            }
        }
        let verdict: BatchVerdict
        do { verdict = try BatchVerifier.verify(input: input, output: output, rerun: second, faults: Self.faults(variant)) } catch {
            throw .invalidValue(field: "sequencer", value: "", reason: "verifier: \(error)")
        }
        let now = Self.lines(verdict.violations, rule: rule)
        guard let first = now.first else { return .fixed }
        let d = ResultDifference(field: "rule \(rule)", expected: "holds", actual: first)
        let v = Violation(difference: d, expected: ResultSide(stateRoot: "", receipts: [], values: [rule: "holds"]),
                          actual: ResultSide(stateRoot: "", receipts: now, values: [rule: "\(now.count) violation(s)"]), trace: nil)
        return .reproduced(v, identical: now == violations && stored.actual == first)
    }
}

extension CounterexampleFile {
    /// A counterexample for a sequencer rule: `variant` names the (test-only) policy that
    /// produced the batches; `input` holds the stream's transactions in stream order so the
    /// usual renderers (`replay`, `report`) show them.
    public init(sequencer c: SequencerCase, input: SequencerInput, variant: String, seed: UInt64, unshrunk: Int, shrinkSteps: Int,
                casesRun: Int = 1, toolVersion: String = ToolVersion.current) {
        schemaVersion = Self.currentSchema
        property = SequencerCase.property
        self.variant = variant
        self.toolVersion = toolVersion
        fork = input.fork.fixtureName
        seeds = Seeds(run: Self.hex64(seed), block: Self.hex64(seed), schedule: nil)
        self.input = Self.encode(BlockInput(fork: input.fork, block: input.block, pre: input.pre, transactions: input.stream.map(\.tx)))
        schedule = nil
        unshrunkTransactions = unshrunk
        self.shrinkSteps = shrinkSteps
        self.casesRun = casesRun
        expected = ResultSide(stateRoot: "", receipts: [], values: [c.rule: "holds"])
        actual = ResultSide(stateRoot: "", receipts: c.violations, values: [c.rule: "\(c.violations.count) violation(s)"])
        firstDifference = Difference(field: "rule \(c.rule)", expected: "holds", actual: c.violations.first ?? "")
        sequencer = c
    }
}

extension BatchVerifier {
    /// The result of shrinking a rule violation.
    public struct Shrunk: Sendable {
        public var input: SequencerInput
        public var output: SequencerOutput
        /// R19: the second run's output, shrunk alongside `output`.
        public var rerun: SequencerOutput?
        public var verdict: BatchVerdict
        public var steps: Int
        public var file: CounterexampleFile
    }

    /// `input` restricted to the transactions not in `drop`, and `output` with them removed
    /// from every group (emptied groups and batches disappear; the rest keep their index and time),
    /// access record, batch access list entry and rejection. A batch access list entry stays
    /// while a remaining transaction writes there or its access record names the address, so
    /// nothing in the result speaks of a dropped transaction.
    public static func removing(_ drop: Set<Int>, input: SequencerInput, output: SequencerOutput) -> (SequencerInput, SequencerOutput) {
        var i = input
        i.stream = input.stream.filter { !drop.contains($0.id) }
        let batches = output.batches.map { b in
            let access = b.access.filter { !drop.contains($0.id) }
            let touched = Set(access.flatMap { ($0.reads + $0.writes).map(\.address) })
            let bal = b.blockAccessList.compactMap { e -> AccountAccessEntry? in
                let kept = zip(e.writtenSlots, e.writers.map { $0.filter { !drop.contains($0) } }).filter { !$0.1.isEmpty }
                let changes = e.accountChanges.filter { !drop.contains($0) }
                guard !kept.isEmpty || !changes.isEmpty || touched.contains(e.address) else { return nil }
                return AccountAccessEntry(address: e.address, writtenSlots: kept.map(\.0), writers: kept.map(\.1),
                                          storageReads: e.storageReads, accountChanges: changes)
            }
            return Batch(index: b.index, time: b.time, groups: b.groups.map { $0.filter { !drop.contains($0) } }.filter { !$0.isEmpty },
                         access: access, blockAccessList: bal)
        }.filter { !$0.groups.isEmpty }
        return (i, SequencerOutput(batches: batches, rejections: output.rejections.filter { !drop.contains($0.id) }))
    }

    /// Shrinks a violation of `rule` to a stream of few transactions that still violates it
    /// (delta debugging over stream transactions: chunks of halving size, then one by one,
    /// repeated until nothing more can go), then builds its counterexample file. At most
    /// `budget` verifier runs. Returns nil when `output` does not violate `rule`. `variant` names
    /// the test-only policy that produced `output` (stored in the file; a `parallel:…` name
    /// also applies those executor faults, as replay will).
    ///
    /// For R19 pass `rerun`, the second run's output on the same input and `seed`: both outputs
    /// lose the same transactions, a candidate is kept while they still differ (a comparison,
    /// no verifier run), and the file records both with the run identity (`variant`, `seed`,
    /// the shrunk stream's digest) stamped on each.
    public static func shrink(input: SequencerInput, output: SequencerOutput, rule: String, variant: String, seed: UInt64 = 0,
                              rerun: SequencerOutput? = nil, budget: Int = 400) throws(BatchVerifierError) -> Shrunk? {
        let faults = SequencerCase.faults(variant)
        var verdict = try verify(input: input, output: output, rerun: rerun, faults: faults)
        guard verdict.violates(rule) else { return nil }
        var cur = (input, output, rerun)
        var steps = 0, runs = 0
        var progress = true
        while progress && runs < budget {
            progress = false
            var chunk = max(1, cur.0.stream.count / 2)
            while chunk >= 1 && runs < budget {
                let ids = cur.0.stream.map(\.id)
                var start = 0
                while start < ids.count && runs < budget {
                    let drop = Set(ids[start..<min(ids.count, start + chunk)])
                    let (ci, co) = removing(drop, input: cur.0, output: cur.1)
                    let cr = cur.2.map { removing(drop, input: cur.0, output: $0).1 }
                    runs += 1
                    var still = false, candVerdict: BatchVerdict? = nil
                    if rule == "R19", let cr {
                        still = firstRerunDifference(co, cr) != nil
                    } else if let v = try? verify(input: ci, output: co, rerun: cr, faults: faults), v.violates(rule) {
                        // A solver failure on a candidate only means that candidate is not kept.
                        still = true; candVerdict = v
                    }
                    if still && !ci.stream.isEmpty {
                        cur = (ci, co, cr); steps += 1; progress = true
                        if let candVerdict { verdict = candVerdict }
                        break
                    }
                    start += chunk
                }
                if progress { break }
                chunk /= 2
            }
        }
        if rule == "R19" { verdict = try verify(input: cur.0, output: cur.1, rerun: cur.2, faults: faults) }
        let run = cur.2 == nil ? nil : SequencerRun(sequencer: variant, seed: seed, input: cur.0)
        let c = SequencerCase(input: cur.0, output: cur.1, rule: rule, violations: verdict.violations, rerun: cur.2, run: run)
        let file = CounterexampleFile(sequencer: c, input: cur.0, variant: variant, seed: seed, unshrunk: input.stream.count, shrinkSteps: steps)
        return Shrunk(input: cur.0, output: cur.1, rerun: cur.2, verdict: verdict, steps: steps, file: file)
    }
}
