import EVMCore
import EVMState
import EVMExecution
import EthereumTests
import Foundation
import Generators
import Oracles
import ParallelExecutor
import T8n

/// One confirmed divergence: a case that, run alone, gives a different result in the oracle
/// (the execution spec) and in Lockstep, in Lockstep's serial and parallel executors, or (kind
/// `executor`, `lockstep fuzz --executor t8n:CMD`) in the external tool under test and
/// Lockstep's reference.
public struct Divergence {
    public enum Kind: String, Sendable { case oracle, parallel, executor }
    public var kind: Kind
    public var fork: Hardfork
    public var fuzzCase: FuzzCase
    public var differences: [T8nDifference]
    /// First differing EIP-3155 step (pc, op, gas, stack, depth), oracle divergences only.
    public var traceDifference: String?
    public var unshrunkCodeBytes: Int
    public var shrinkSteps = 0
    /// The filled state test written for it (`Counterexamples/differential/<hash>.json`).
    public var file: String?
    /// Set when the divergence is a known deviation of the execution spec (`KnownSpecDeviation`):
    /// counted, not shrunk, never hidden.
    public var explanation: String?
    /// Kind `executor`: the finding as the external gate reports and stores it (the shrunk
    /// one-case block, the command, differences, traces, verdict); `file` is its
    /// `external_executor` counterexample, replayed by `lockstep replay FILE`.
    public var external: ExternalFinding?

    public var report: String {
        // The finding's origin names the case, its seed and the fuzz command line.
        if kind == .executor, let f = external { return f.report(replayPath: file) }
        var lines = ["\(kind == .oracle ? "Lockstep disagrees with the execution spec (expected = spec, actual = Lockstep)" : "parallel executor disagrees with serial (expected = serial)") on \(fork.fixtureName) case \(fuzzCase.feature) (case seed 0x\(String(fuzzCase.seed, radix: 16)), slot \(fuzzCase.slot), shrunk \(shrinkSteps) steps):"]
        for d in differences.prefix(10) { lines.append("  \(d)") }
        if differences.count > 10 { lines.append("  … \(differences.count - 10) more") }
        if let t = traceDifference { lines.append("  first differing trace step: \(t)") }
        if let explanation { lines.append("  explained: \(explanation)") }
        if let file { lines.append("Replay: lockstep statetest \(file)") }
        return lines.joined(separator: "\n")
    }
}

/// Campaign counters: cases per feature, batches, oracle calls, divergences.
public struct FuzzStats: Sendable {
    public var cases = 0
    public var batches = 0
    public var oracleCalls = 0
    /// `--executor`: runs of the external tool (every `--repeat` run counted) and their wall time.
    public var toolCalls = 0
    public var toolSeconds = 0.0
    public var perFeature: [String: Int] = [:]
    /// Transactions the oracle rejected (invalid by the fork's rules) — they are compared too.
    public var rejected = 0
    public var batchDifferences = 0
    /// A batch differed but no case of it differs alone (an interaction of cases: reported, never hidden).
    public var unconfirmed = 0
    /// Confirmed divergences that `KnownSpecDeviation` explains (the spec is the one that is wrong).
    public var explained = 0
    /// Oracle calls that failed (the spec raised) on a batch of more than one case, each then bisected.
    public var oracleFailures = 0
    public var seconds = 0.0
    public init() {}
}

/// Batches independent cases into one block (one oracle process per batch), compares the
/// oracle's result with Lockstep's serial transition (and the parallel executor's), and on a
/// difference re-runs each suspect case alone to confirm it, traces it, shrinks it and writes it.
///
/// With an `executor` (`lockstep fuzz --executor t8n:CMD`) the roles change: the external tool
/// is the side under test and Lockstep's serial transition is the oracle (in process, no
/// Python). Each batch block goes through `ExternalGate.evaluate` (`repeatCount` runs: the
/// first against the reference, the others against the first); a difference is attributed to
/// its cases (per transaction hash and owned account), each suspect is confirmed alone, shrunk
/// (code, calldata, lists, value) while the tool still fails the same way, re-checked with
/// traces, and written as an `external_executor` counterexample (`ExternalCounterexample`).
/// A batch difference that no case shows alone (an interaction, or non-determinism that does
/// not recur) is kept as the batch block itself, shrunk by transactions (`ExternalGate.shrink`).
/// With the spec as well (`oracle` non-nil: `--three-way`), every batch also goes through the
/// spec as without an executor, and every executor divergence gets a verdict: the spec's
/// result on the same one-case block says which of the tool and Lockstep is wrong.
public struct DifferentialRunner {
    public var fork: Hardfork
    public var generator: FuzzGenerator
    /// The execution spec; nil in `--executor` mode without `--three-way`.
    public var oracle: ExternalTransitionTool?
    /// The oracle in state-test mode (one transaction, no system calls) for filling counterexamples.
    public var stateTestOracle: ExternalTransitionTool?
    /// The external tool under test and its `--repeat` count (`--executor`).
    public var executor: ExternalGate?
    /// Where an executor counterexample came from, appended to its `origin` (the fuzz command line).
    public var campaignLabel = "lockstep fuzz"
    /// `--executor`: at most this many of one batch's suspects become findings (each costs up
    /// to `shrinkBudget` tool runs); the rest are counted in the log, not re-run. A campaign
    /// also stops after the first batch with an executor finding, as `check --executor` stops
    /// at its first: a tool's bug tends to repeat, and the next run after a fix finds the next.
    public var maxExecutorFindingsPerBatch = 4
    /// Tool runs and their time while shrinking (`differences` cannot take `stats`); `campaign`
    /// moves them into `FuzzStats.toolCalls` / `toolSeconds`.
    let meter = ToolMeter()
    public var parallelModes: [ExecutionMode]
    public var batchSize: Int
    public var shrinkBudget = 25
    public var outDir: String?

    public init(fork: Hardfork, generator: FuzzGenerator, oracleCommand: String, parallelModes: [ExecutionMode] = [],
                batchSize: Int = 48, outDir: String? = nil) {
        self.fork = fork; self.generator = generator
        self.oracle = ExternalTransitionTool(command: oracleCommand)
        self.stateTestOracle = ExternalTransitionTool(command: oracleCommand + " --state-test")
        self.parallelModes = parallelModes; self.batchSize = max(1, batchSize); self.outDir = outDir
    }

    /// The `--executor` runner: `executor` under test against Lockstep's reference, and the
    /// spec too when `specCommand` is given (three-way).
    public init(fork: Hardfork, generator: FuzzGenerator, executor: ExternalGate, specCommand: String? = nil,
                parallelModes: [ExecutionMode] = [], batchSize: Int = 48, outDir: String? = nil) {
        self.fork = fork; self.generator = generator; self.executor = executor
        self.oracle = specCommand.map { ExternalTransitionTool(command: $0) }
        self.stateTestOracle = specCommand.map { ExternalTransitionTool(command: $0 + " --state-test") }
        self.parallelModes = parallelModes; self.batchSize = max(1, batchSize); self.outDir = outDir
    }

    /// The execution spec's t8n command in the project's venv (`scripts/setup.sh` installs it), or nil.
    public static func specCommand(root: String = FileManager.default.currentDirectoryPath) -> String? {
        if let env = ProcessInfo.processInfo.environment["LOCKSTEP_SPEC_EVM"], !env.isEmpty { return env + " t8n" }
        var dir = URL(fileURLWithPath: root)
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent(".build-tools/venv/bin/ethereum-spec-evm").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate + " t8n" }
            dir.deleteLastPathComponent()
        }
        return nil
    }

    public static func caseSeed(_ seed: UInt64, _ i: Int) -> UInt64 {
        var r = SplitMix64(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
        return r.next()
    }

    /// The block of a batch: every case's accounts plus the stand-in system contracts; env from `seed`.
    public func block(_ cases: [FuzzCase], seed: UInt64, systemContracts: Bool = true) -> T8nCase {
        var rng = SplitMix64(seed: seed ^ 0xb10c)
        let alloc = InMemoryState()
        for c in cases {
            for a in c.accounts { alloc.setAccount(a.address, nonce: a.nonce, balance: a.balance, code: a.code, storage: a.storage) }
        }
        if systemContracts { T8nCaseGenerator.installSystemContracts(in: alloc, fork: fork) }
        let number = 1 + rng.next() % 1000
        let gas = cases.reduce(UInt64(0)) { $0 &+ $1.transaction.gasLimit }
        var env = T8nEnv(coinbase: Address(low: 0xc0ffee), gasLimit: max(60_000_000, gas &+ 1_000_000), number: number,
                         timestamp: 1000 + number * 12, random: UInt256(rng.next()), baseFee: 7,
                         excessBlobGas: rng.next() % 3 == 0 ? 10_000_000 : 0, parentBeaconBlockRoot: Bytes32(UInt256(rng.next()) | 1))
        for back in 1...min(number, 256) { env.blockHashes[number - back] = Bytes32(UInt256(rng.next()) | UInt256(1)) }
        var keys: [Address: Bytes32] = [:]
        for c in cases { keys[c.sender] = c.senderKey }
        return T8nCase(fork: fork, chainId: FuzzLayout.chainId, alloc: alloc, env: env, transactions: cases.map(\.transaction), keys: keys)
    }

    /// Generates `count` cases from case index `start` and packs them into batches (at most one
    /// blob transaction per batch: blobs share the block's blob-gas budget).
    public func batches(seed: UInt64, start: Int, count: Int) -> [[FuzzCase]] {
        var out: [[FuzzCase]] = []
        var current: [FuzzCase] = []
        var deferred: [Int] = []   // blob cases waiting for a batch with blob gas left
        let maxBlobs = Int(BlobGas.maxPerBlock(fork: fork) / BlobGas.perBlob)
        // A transaction over the per-transaction cap (EIP-7594 in Osaka: 6 of the block's 9) is
        // invalid on its own and takes nothing from the block's budget.
        let maxPerTx = min(maxBlobs, Transaction.maxBlobsPerTransaction(fork: fork))
        var blobs = 0
        // Blobs a valid case takes from the block's budget (a case over the limit is invalid on its own).
        func cost(_ c: FuzzCase) -> Int { c.usesBlobs && c.transaction.blobVersionedHashes.count <= maxPerTx ? c.transaction.blobVersionedHashes.count : 0 }
        func add(_ i: Int) {
            var c = generator.generate(seed: Self.caseSeed(seed, i), slot: current.count)
            if blobs + cost(c) > maxBlobs { deferred.append(i); return }
            if current.count >= batchSize {
                out.append(current); current = []; blobs = 0
                if let d = deferred.first { deferred.removeFirst(); add(d) }
                c = generator.generate(seed: Self.caseSeed(seed, i), slot: current.count)
                if blobs + cost(c) > maxBlobs { deferred.append(i); return }
            }
            blobs += cost(c)
            current.append(c)
        }
        for i in start..<(start + count) { add(i) }
        while let d = deferred.first {
            deferred.removeFirst()
            let c = generator.generate(seed: Self.caseSeed(seed, d), slot: current.count)
            if blobs + cost(c) > maxBlobs || current.count >= batchSize { out.append(current); current = []; blobs = 0 }
            add(d)
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Runs one batch; returns the confirmed divergences (each shrunk and, with `outDir`, written).
    public func run(batch cases: [FuzzCase], seed: UInt64, stats: inout FuzzStats, log: (String) -> Void = { _ in }) -> [Divergence] {
        let block = self.block(cases, seed: seed)
        stats.batches += 1
        stats.cases += cases.count
        for c in cases { stats.perFeature[c.feature, default: 0] += 1 }
        var suspects: [(FuzzCase, Divergence.Kind)] = []
        let serial: T8nOutput
        do { serial = try block.reference() } catch {
            log("batch seed 0x\(String(seed, radix: 16)): Lockstep rejects the block: \(error)")
            let kind: Divergence.Kind = oracle == nil ? .executor : .oracle
            return cases.compactMap { confirm($0, seed: seed, kind: kind, stats: &stats) }
        }
        for mode in parallelModes {
            guard let out = try? block.reference(executor: mode.executor()) else { suspects += cases.map { ($0, .parallel) }; break }
            let d = T8nComparison.differences(expected: serial.result, expectedAlloc: serial.postState, actual: out.result, actualAlloc: out.postState)
            if !d.isEmpty { suspects += attribute(d, cases: cases, reference: serial).map { ($0, .parallel) } }
        }
        var batchFinding: ExternalFinding? = nil
        if let executor {
            var seconds = 0.0
            let (first, finding) = executor.evaluate(block, seed: seed, reference: serial, toolSeconds: &seconds, traces: false)
            stats.toolCalls += finding == nil ? executor.repeatCount : 1
            stats.toolSeconds += seconds
            if let finding {
                stats.batchDifferences += 1
                batchFinding = finding
                log("batch seed 0x\(String(seed, radix: 16)) (\(cases.count) cases): the tool \(finding.kind.rawValue): \(finding.message)"
                    + (finding.differences.first.map { ", first \($0)" } ?? "") + "; re-running suspects alone")
                var cs: [FuzzCase]
                switch finding.kind {
                case .toolError: cs = cases
                case .mismatch:
                    cs = first.flatMap { Self.perCaseSuspects(cases, oracle: $0, lockstep: serial) } ?? attribute(finding.differences, cases: cases, reference: serial)
                case .nondeterminism: cs = attribute(finding.differences, cases: cases, reference: serial)
                }
                suspects += cs.map { ($0, .executor) }
            }
        }
        var found: [Divergence] = []
        if oracle != nil {
            let oracleRun = oracleSuspects(cases, serial: serial, seed: seed, stats: &stats, log: log)
            suspects += oracleRun.suspects.map { ($0, .oracle) }
            for (c, error) in oracleRun.crashes { found.append(oracleFailure(c, error: error, seed: seed)) }
            for (c, reason) in oracleRun.explained {
                // Recognised from the batch itself (no lone re-run, no file: the deviation is on record
                // as Counterexamples/differential/c053bac5f70883cf.json).
                var d = Divergence(kind: .oracle, fork: fork, fuzzCase: c,
                                   differences: [T8nDifference(field: "rejected", expected: "executed (in the batch)", actual: "rejected: " + reason)],
                                   traceDifference: nil, unshrunkCodeBytes: c.accounts.reduce(0) { $0 + $1.code.count } + c.transaction.data.count)
                d.explanation = KnownSpecDeviation.typedChainId
                found.append(d)
            }
        } else {
            stats.rejected += serial.result.rejected.count
        }
        let preFound = found.count
        var seen = Set<Int>()
        var skipped = 0
        defer { if skipped > 0 { log("\(skipped) more suspect cases of this batch not re-run (at most \(maxExecutorFindingsPerBatch) findings per batch)") } }
        let kindIndex: [Divergence.Kind: Int] = [.oracle: 0, .parallel: 1, .executor: 2]
        for (c, kind) in suspects where !seen.contains(c.slot * 3 + kindIndex[kind]!) {
            // Non-determinism is the tool's as a whole: one confirmed case tells it.
            if kind == .executor, found.contains(where: { $0.external?.kind == .nondeterminism }) { continue }
            if kind == .executor, found.filter({ $0.kind == .executor }).count >= maxExecutorFindingsPerBatch {
                skipped += 1
                continue
            }
            seen.insert(c.slot * 3 + kindIndex[kind]!)
            if kind == .oracle { stats.oracleCalls += 1 }
            if let d = confirm(c, seed: seed, kind: kind, stats: &stats) { found.append(d) }
        }
        // The tool failed on the batch but on no case alone: the batch block is the counterexample.
        if let f = batchFinding, !found.contains(where: { $0.kind == .executor }), let d = keepBatch(f, cases: cases, seed: seed, stats: &stats) {
            found.append(d)
        } else if !suspects.isEmpty && found.count == preFound {
            stats.unconfirmed += 1
        }
        return found
    }

    /// One oracle call for `cases` (whose Lockstep transition is `serial`, or computed here when
    /// nil): the cases to re-run alone, and the cases on which the oracle itself fails. When the
    /// oracle fails on a batch (the spec raising, e.g. `OverflowError`), the batch is halved and
    /// each half re-run, down to the lone cases that make it fail: about 2·k·log₂(n) calls for k
    /// failing cases in n, instead of n lone re-runs, and the other cases are still compared.
    public func oracleSuspects(_ cases: [FuzzCase], serial: T8nOutput? = nil, seed: UInt64, stats: inout FuzzStats,
                               log: (String) -> Void) -> (suspects: [FuzzCase], crashes: [(FuzzCase, String)], explained: [(FuzzCase, String)]) {
        guard let oracle, !cases.isEmpty else { return ([], [], []) }
        let block = self.block(cases, seed: seed)
        guard let serial = serial ?? (try? block.reference()) else { return (cases, [], []) }
        stats.oracleCalls += 1
        do {
            let run = try oracle.apply(block)
            stats.rejected += run.result.rejected.count
            let d = Self.compare(oracle: run, lockstep: serial)
            guard !d.isEmpty else { return ([], [], []) }
            stats.batchDifferences += 1
            log("batch seed 0x\(String(seed, radix: 16)) (\(cases.count) cases): \(d.count) differences, first \(d[0]); re-running suspects alone")
            let all = Self.perCaseSuspects(cases, oracle: run, lockstep: serial) ?? attribute(d, cases: cases, reference: serial)
            // Known deviations recognised from the batch: they need no lone re-run.
            let executed = Set(run.result.receipts.map(\.transactionHash))
            var suspects: [FuzzCase] = [], explained: [(FuzzCase, String)] = []
            for c in all {
                let i = cases.firstIndex { $0.slot == c.slot }
                let reason = serial.result.rejected.first { $0.index == i }?.error
                if let reason, KnownSpecDeviation.isTypedChainId(c, specExecuted: executed.contains(c.transaction.hash), lockstepRejection: reason) {
                    explained.append((c, reason))
                } else {
                    suspects.append(c)
                }
            }
            return (suspects, [], explained)
        } catch {
            if cases.count == 1 {
                log("case \(cases[0].feature) (case seed 0x\(String(cases[0].seed, radix: 16)), batch seed 0x\(String(seed, radix: 16))) alone makes the oracle fail: \(error.message.suffix(300))")
                return ([], [(cases[0], error.message)], [])
            }
            stats.oracleFailures += 1
            log("batch seed 0x\(String(seed, radix: 16)) (\(cases.count) cases): oracle failed: \(error.message.suffix(200)); bisecting")
            let half = cases.count / 2
            let a = oracleSuspects(Array(cases[..<half]), seed: seed, stats: &stats, log: log)
            let b = oracleSuspects(Array(cases[half...]), seed: seed, stats: &stats, log: log)
            return (a.suspects + b.suspects, a.crashes + b.crashes, a.explained + b.explained)
        }
    }

    /// A case on which the oracle fails alone: a divergence (the spec gives no result, Lockstep
    /// does), explained when `KnownSpecDeviation` recognises it.
    func oracleFailure(_ c: FuzzCase, error: String, seed: UInt64) -> Divergence {
        let ours = try? block([c], seed: seed).reference()
        let verdict = ours.map { o in o.result.rejected.isEmpty ? "valid, gas used \(o.result.gasUsed)" : "rejected: \(o.result.rejected.map(\.error).joined(separator: "; "))" }
        var d = Divergence(kind: .oracle, fork: fork, fuzzCase: c,
                           differences: [T8nDifference(field: "oracle", expected: "the spec fails: " + String(error.suffix(300)),
                                                       actual: "Lockstep: " + (verdict ?? "rejects the block"))],
                           traceDifference: nil, unshrunkCodeBytes: c.accounts.reduce(0) { $0 + $1.code.count } + c.transaction.data.count)
        d.explanation = KnownSpecDeviation.explainFailure(c, fork: fork, error: error)
        return d
    }

    /// A batch the tool fails on while no case fails alone: shrunk by transactions
    /// (`ExternalGate.shrink`, within `shrinkBudget` tool runs), traced, given a verdict, and
    /// written. Reported, never hidden: an interaction of cases in one block, or a
    /// non-determinism that recurs only now and then, is still the tool's.
    func keepBatch(_ f: ExternalFinding, cases: [FuzzCase], seed: UInt64, stats: inout FuzzStats) -> Divergence? {
        guard let executor else { return nil }
        var finding = f
        if finding.kind != .nondeterminism {
            let r = executor.shrink(f, budget: shrinkBudget)
            stats.toolCalls += r.runs
            finding = r.finding
            if r.steps == 0, finding.kind == .mismatch {
                (finding.traceDifference, finding.traces) = executor.traceDifference(finding.input)
            }
        }
        let kept = Set(finding.input.transactions.map(\.hash))
        let first = cases.first { kept.contains($0.transaction.hash) } ?? cases[0]
        finding.origin = "batch of \(cases.count) fuzz cases (batch seed 0x\(String(seed, radix: 16)), \(finding.input.transactions.count) kept), no case failing alone, of `\(campaignLabel)`"
        finding.verdict = verdict(finding.input, finding: finding, stats: &stats)
        var d = Divergence(kind: .executor, fork: fork, fuzzCase: first, differences: finding.differences, traceDifference: finding.traceDifference,
                           unshrunkCodeBytes: 0, external: finding)
        if let outDir { d.file = try? ExternalCounterexample.write(finding, repeatCount: executor.repeatCount, to: outDir) }
        return d
    }

    /// Three-way: the spec's result on `input` compared with Lockstep's and with the tool's,
    /// said in words (which side is wrong). Nil without the spec.
    func verdict(_ input: T8nCase, finding: ExternalFinding, stats: inout FuzzStats) -> String? {
        guard let oracle, let executor else { return nil }
        guard finding.kind == .mismatch else {
            return finding.kind == .nondeterminism ? "the tool is wrong: it gives two results for one input" : nil
        }
        stats.oracleCalls += 1
        stats.toolCalls += 1
        let spec: ExternalRun
        do { spec = try oracle.apply(input) } catch { return "no verdict: the execution spec failed on the block (\(error))" }
        guard let lockstep = try? input.reference() else { return "no verdict: Lockstep's reference rejects the block" }
        let tool: ExternalRun
        do { tool = try executor.tool.apply(input) } catch { return "no verdict: the tool failed on a further run (\(error))" }
        let specVsLockstep = Self.compare(oracle: spec, lockstep: lockstep)
        let specVsTool = T8nComparison.differences(expected: spec.result, expectedAlloc: spec.alloc, actual: tool.result, actualAlloc: tool.alloc)
        switch (specVsLockstep.isEmpty, specVsTool.isEmpty) {
        case (true, false): return "the tool is wrong: the execution spec agrees with Lockstep (the spec and the tool differ on \(specVsTool.map(\.field).prefix(3).joined(separator: ", ")))"
        case (false, true): return "Lockstep is wrong: the execution spec agrees with the tool (the spec and Lockstep differ on \(specVsLockstep.map(\.field).prefix(3).joined(separator: ", "))); a Lockstep bug, unless it is a known spec deviation"
        case (false, false): return "all three differ: the spec differs from Lockstep on \(specVsLockstep.map(\.field).prefix(3).joined(separator: ", ")) and from the tool on \(specVsTool.map(\.field).prefix(3).joined(separator: ", "))"
        case (true, true): return "inconclusive: the spec agrees with both on a further run (the tool's result changed between runs)"
        }
    }

    /// Oracle differences read "expected (the execution spec) …, actual (Lockstep) …".
    static func compare(oracle run: ExternalRun, lockstep: T8nOutput) -> [T8nDifference] {
        T8nComparison.differences(expected: run.result, expectedAlloc: run.alloc, actual: lockstep.result, actualAlloc: lockstep.postState)
    }

    /// Per-case comparison of a batch: each case's receipt found by transaction hash on both
    /// sides (status, gas used, logs, presence = validity) and its own accounts in both
    /// post-states. Nil when the oracle gives no transaction hashes or no case differs (then
    /// the difference is block-level and `attribute` decides).
    static func perCaseSuspects(_ cases: [FuzzCase], oracle run: ExternalRun, lockstep: T8nOutput) -> [FuzzCase]? {
        guard !run.result.receipts.contains(where: { $0.transactionHash == .zero }) else { return nil }
        let ours = Dictionary(lockstep.result.receipts.map { ($0.transactionHash, $0) }, uniquingKeysWith: { a, _ in a })
        let theirs = Dictionary(run.result.receipts.map { ($0.transactionHash, $0) }, uniquingKeysWith: { a, _ in a })
        let allocDiffs = T8nComparison.allocDifferences(expected: run.alloc, actual: lockstep.postState).map(\.field)
        let out = cases.filter { c in
            let h = c.transaction.hash
            let a = theirs[h], b = ours[h]
            if (a == nil) != (b == nil) { return true }
            if let a, let b, a.succeeded != b.succeeded || a.gasUsed != b.gasUsed || a.logs != b.logs { return true }
            return c.ownedAddresses.contains { addr in allocDiffs.contains { $0.hasPrefix("alloc[\(addr)]") } }
        }
        return out.isEmpty ? nil : out
    }

    /// The cases a difference points at: by receipt / rejection index and by owned account;
    /// every case when only block-level fields (coinbase, roots) differ.
    func attribute(_ diffs: [T8nDifference], cases: [FuzzCase], reference: T8nOutput) -> [FuzzCase] {
        // Receipt indices are the oracle's (expected side) when it is the oracle's comparison;
        // both sides include the same transactions unless `rejected` differs, which names them.
        let rejected = Set(reference.result.rejected.map(\.index))
        let included = cases.indices.filter { !rejected.contains($0) }
        var hit = Set<Int>()
        // A difference in validity is the cause of everything after it (receipts shift): the
        // cases whose validity differs are the suspects.
        if let d = diffs.first(where: { $0.field == "rejected" }) {
            func indices(_ s: String) -> Set<Int> { Set(s.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }) }
            let flipped = indices(d.expected).symmetricDifference(indices(d.actual))
            if !flipped.isEmpty { return flipped.sorted().filter { $0 < cases.count }.map { cases[$0] } }
        }
        for d in diffs {
            if d.field.hasPrefix("receipts["), let n = Int(d.field.dropFirst(9).prefix { $0.isNumber }), n < included.count { hit.insert(included[n]) }
            if d.field == "rejected" {
                for (i, _) in cases.enumerated() where d.expected.contains("\(i)") || d.actual.contains("\(i)") { hit.insert(i) }
            }
            if d.field.hasPrefix("alloc[") {
                for (i, c) in cases.enumerated() where c.ownedAddresses.contains(where: { d.field.contains($0.description) }) { hit.insert(i) }
            }
        }
        return hit.isEmpty ? cases : hit.sorted().map { cases[$0] }
    }

    /// Re-runs `c` alone; a divergence when it still differs (then traced, shrunk and written).
    func confirm(_ c: FuzzCase, seed: UInt64, kind: Divergence.Kind, stats: inout FuzzStats) -> Divergence? {
        if kind == .executor { return confirmExecutor(c, seed: seed, stats: &stats) }
        guard let diffs = differences(c, seed: seed, kind: kind) else { return nil }
        let codeBytes = c.accounts.reduce(0) { $0 + $1.code.count } + c.transaction.data.count
        var d = Divergence(kind: kind, fork: fork, fuzzCase: c, differences: diffs, traceDifference: nil, unshrunkCodeBytes: codeBytes)
        if kind == .oracle, let why = KnownSpecDeviation.explain(c, diffs) {
            // Not shrunk (it is recognised exactly); written so the file documents the deviation.
            d.explanation = why
            if let outDir, let stateTestOracle {
                d.file = try? DifferentialCounterexample.write(d, block: block([c], seed: seed, systemContracts: false), oracle: stateTestOracle, to: outDir)
            }
            return d
        }
        let (shrunk, steps, _) = shrink(c, seed: seed, kind: kind)
        d.fuzzCase = shrunk; d.shrinkSteps = steps
        d.differences = differences(shrunk, seed: seed, kind: kind) ?? diffs
        if kind == .oracle, let oracle {
            let gate = ExternalGate(tool: oracle, forks: [fork])
            d.traceDifference = gate.check(block([shrunk], seed: seed), seed: seed)?.traceDifference
        }
        if let outDir, let stateTestOracle {
            d.file = try? DifferentialCounterexample.write(d, block: block([shrunk], seed: seed, systemContracts: false), oracle: stateTestOracle, to: outDir)
        }
        return d
    }

    /// `confirm` for the tool under test: the case alone through `ExternalGate.evaluate` with
    /// every `--repeat` run; a finding is shrunk (one run per try, same kind of finding;
    /// non-determinism is not shrunk), re-checked with traces, given a verdict (three-way) and
    /// written as an `external_executor` counterexample.
    func confirmExecutor(_ c: FuzzCase, seed: UInt64, stats: inout FuzzStats) -> Divergence? {
        guard let executor else { return nil }
        var seconds = 0.0
        guard let found = executor.evaluate(block([c], seed: seed), seed: c.seed, toolSeconds: &seconds, traces: false).finding else {
            stats.toolCalls += executor.repeatCount
            return nil
        }
        stats.toolCalls += executor.repeatCount
        let codeBytes = c.accounts.reduce(0) { $0 + $1.code.count } + c.transaction.data.count
        var shrunk = c, steps = 0
        if found.kind != .nondeterminism {
            (shrunk, steps, _) = shrink(c, seed: seed, kind: .executor, sameAs: found.kind)
        }
        var finding = executor.evaluate(block([shrunk], seed: seed), seed: c.seed, toolSeconds: &seconds, traces: true).finding
        if finding == nil { shrunk = c; steps = 0; finding = executor.evaluate(block([c], seed: seed), seed: c.seed, toolSeconds: &seconds, traces: true).finding }
        stats.toolCalls += 2 * executor.repeatCount
        stats.toolSeconds += seconds
        var f = finding ?? found
        f.origin = "fuzz case \(shrunk.feature) (case seed 0x\(String(shrunk.seed, radix: 16)), slot \(shrunk.slot)\(steps > 0 ? ", shrunk \(steps) steps from \(codeBytes) bytes" : "")) of `\(campaignLabel)`"
        f.verdict = verdict(f.input, finding: f, stats: &stats) ?? KnownSpecDeviation.explainExecutor(shrunk, f)
        var d = Divergence(kind: .executor, fork: fork, fuzzCase: shrunk, differences: f.differences, traceDifference: f.traceDifference,
                           unshrunkCodeBytes: codeBytes, shrinkSteps: steps, external: f)
        if let outDir { d.file = try? ExternalCounterexample.write(f, repeatCount: executor.repeatCount, to: outDir) }
        return d
    }

    /// The differences of one case run alone (nil when it agrees). For `executor`, one run of
    /// the tool; with `sameAs`, only a finding of that kind counts (so shrinking keeps the bug).
    func differences(_ c: FuzzCase, seed: UInt64, kind: Divergence.Kind, sameAs: ExternalFinding.Kind? = nil) -> [T8nDifference]? {
        let alone = block([c], seed: seed)
        guard let serial = try? alone.reference() else { return [T8nDifference(field: "block", expected: "valid", actual: "Lockstep rejects the block")] }
        let d: [T8nDifference]
        switch kind {
        case .executor:
            guard let executor else { return nil }
            let once = ExternalGate(tool: executor.tool, forks: [fork], repeatCount: 1)
            var ignored = 0.0
            let finding = once.evaluate(alone, seed: c.seed, reference: serial, toolSeconds: &ignored, traces: false).finding
            meter.runs += 1; meter.seconds += ignored
            guard let f = finding, sameAs == nil || f.kind == sameAs else { return nil }
            d = f.differences.isEmpty ? [T8nDifference(field: "tool", expected: "a result", actual: f.message)] : f.differences
        case .oracle:
            guard let oracle, let run = try? oracle.apply(alone) else { return nil }
            var x = Self.compare(oracle: run, lockstep: serial)
            if serial.result.rejected.map(\.index) != run.result.rejected.map(\.index) {
                // The reasons, for the report (each tool words them its own way).
                x.append(T8nDifference(field: "rejected.reason", expected: run.result.rejected.map(\.error).joined(separator: "; ").ifEmpty("none"),
                                       actual: serial.result.rejected.map(\.error).joined(separator: "; ").ifEmpty("none")))
            }
            d = x
        case .parallel:
            var all: [T8nDifference] = []
            for mode in parallelModes {
                guard let out = try? alone.reference(executor: mode.executor()) else {
                    all.append(T8nDifference(field: "block", expected: "valid", actual: "parallel executor rejects the block")); continue
                }
                all += T8nComparison.differences(expected: serial.result, expectedAlloc: serial.postState, actual: out.result, actualAlloc: out.postState)
            }
            d = all
        }
        return d.isEmpty ? nil : d
    }

    /// Delta debugging while the case still diverges (same kind): code bytes of each account,
    /// calldata, the access and authorisation lists, then the value; at most `shrinkBudget` runs.
    func shrink(_ c: FuzzCase, seed: UInt64, kind: Divergence.Kind, sameAs: ExternalFinding.Kind? = nil) -> (FuzzCase, Int, runs: Int) {
        var runs = 0
        var current = c
        var steps = 0
        func failing(_ x: FuzzCase) -> Bool {
            guard runs < shrinkBudget else { return false }
            runs += 1
            return differences(x, seed: seed, kind: kind, sameAs: sameAs) != nil
        }
        func resigned(_ x: FuzzCase) -> FuzzCase {
            var y = x
            _ = y.transaction.sign(privateKey: y.senderKey, chainId: y.transaction.chainId)
            return y
        }
        for i in current.accounts.indices where !current.accounts[i].code.isEmpty {
            let (code, s) = Shrinker.removingChunks(current.accounts[i].code, keepOne: false) { kept in
                var x = current; x.accounts[i].code = kept; return failing(x)
            }
            current.accounts[i].code = code; steps += s
        }
        let (data, s1) = Shrinker.removingChunks(current.transaction.data, keepOne: false) { kept in
            var x = current; x.transaction.data = kept; return failing(resigned(x))
        }
        current.transaction.data = data; current = resigned(current); steps += s1
        let (list, s2) = Shrinker.removingChunks(current.transaction.accessList, keepOne: false) { kept in
            var x = current; x.transaction.accessList = kept; return failing(resigned(x))
        }
        current.transaction.accessList = list; current = resigned(current); steps += s2
        if current.transaction.type == .setCode {
            let (auths, s3) = Shrinker.removingChunks(current.transaction.authorizationList, keepOne: true) { kept in
                var x = current; x.transaction.authorizationList = kept; return failing(resigned(x))
            }
            current.transaction.authorizationList = auths; current = resigned(current); steps += s3
        }
        if !current.transaction.value.isZero {
            var x = current; x.transaction.value = .zero; x = resigned(x)
            if failing(x) { current = x; steps += 1 }
        }
        return (current, steps, runs)
    }

    /// Runs cases `start..<start+count` (or until `deadline`), batch by batch.
    public func campaign(seed: UInt64, start: Int = 0, count: Int, deadline: ContinuousClock.Instant? = nil,
                         stats: inout FuzzStats, log: (String) -> Void = { _ in }) -> [Divergence] {
        let t0 = ContinuousClock.now
        var found: [Divergence] = []
        var next = start
        while next < start + count {
            if let deadline, ContinuousClock.now >= deadline { break }
            let n = min(batchSize * 4, start + count - next)
            for batch in batches(seed: seed, start: next, count: n) {
                if let deadline, ContinuousClock.now >= deadline { break }
                let batchSeed = Self.caseSeed(seed ^ 0xba7c, next)
                let ds = run(batch: batch, seed: batchSeed, stats: &stats, log: log)
                stats.explained += ds.filter { $0.explanation != nil }.count
                found += ds
                next += batch.count
                if ds.contains(where: { $0.kind == .executor }) {
                    log("stopping at the first batch the tool fails (\(next - start) of \(count == .max / 4 ? "unbounded" : String(count)) cases run)")
                    stats.seconds += (ContinuousClock.now - t0).secondsValue
                    stats.toolCalls += meter.runs; stats.toolSeconds += meter.seconds
                    meter.runs = 0; meter.seconds = 0
                    return found
                }
            }
        }
        stats.seconds += (ContinuousClock.now - t0).secondsValue
        stats.toolCalls += meter.runs; stats.toolSeconds += meter.seconds
        meter.runs = 0; meter.seconds = 0
        return found
    }
}

/// Counts tool runs made where no `FuzzStats` is at hand (one runner, one thread).
final class ToolMeter {
    var runs = 0
    var seconds = 0.0
}

extension Duration {
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Divergences where the execution spec (ethereum-execution 2.20.0) is the one that deviates
/// from the EIPs; each is recognised precisely (the case's fields and the observed difference).
public enum KnownSpecDeviation {
    /// A typed transaction (EIP-2930/1559/4844/7702) whose `chainId` is not the chain's. The
    /// deviation is in the spec's own state transition, not in the t8n wrapper: in
    /// ethereum-execution 2.20.0 `forks/{cancun,prague,osaka}/fork.py` `check_transaction` calls
    /// `sender_address = recover_sender(block_env.chain_id, tx)`, and `transactions.py`
    /// `recover_sender` reads `chain_id` only in the legacy branch (`if v != U256(35) +
    /// chain_id_x2 and v != U256(36) + chain_id_x2: raise InvalidSignatureError("bad v")`); the
    /// typed branches recover from `signing_hash_2930/1559/4844/7702(tx)`, which hash the tx's
    /// own `tx.chain_id`, and nothing compares it with the block's. The t8n tool
    /// (`ethereum_spec_tools/evm_tools/t8n`) only passes `--state.chainid` into the block
    /// environment and calls `fork.process_transaction`; it neither adds nor skips a check.
    /// EIP-2930 makes `chainId` the first field of the signed payload
    /// (`0x01 || rlp([chainId, nonce, gasPrice, gasLimit, to, value, data, accessList, …])`), as
    /// EIP-1559/4844/7702 do, for the replay protection EIP-155 introduced; the execution spec
    /// itself agrees that the missing comparison was a bug: ethereum/execution-specs PR #3000
    /// "fix(specs): check chain id" ("EELS didn't check incoming transaction's chain id"),
    /// merged after 2.20.0, with wrong-chain-id fixtures following (PR #3125). Geth rejects it
    /// ("invalid chain id for signer"), and so does Lockstep.
    public static let typedChainId = "typed transaction with a foreign chainId: the execution spec 2.20.0 itself executes it (fork.py check_transaction → recover_sender(block_env.chain_id, tx) uses chain_id only for a legacy EIP-155 v; the typed branches never compare tx.chain_id with the block's; the t8n wrapper adds or skips nothing), fixed upstream by ethereum/execution-specs PR #3000 \"fix(specs): check chain id\"; Lockstep rejects it, as geth does, since EIP-2930/1559/4844/7702 sign chainId to bind the transaction to one chain"

    /// Before Osaka the spec's MODEXP computes `exp_start = U256(96) + base_length` before it
    /// charges gas; `U256` addition raises `OverflowError` above 2²⁵⁶−1, so a base length above
    /// 2²⁵⁶−97 (a legitimate EIP-198 input: its gas cost is unaffordable, the call fails out of
    /// gas) makes the whole t8n call fail instead. Osaka checks EIP-7823's 1024-byte limit first.
    public static let modexpBaseLengthOverflow = "MODEXP base length above 2^256-97 before Osaka: the spec's `exp_start = U256(96) + base_length` raises OverflowError and the t8n call fails (the EIP-198 call is out of gas; Lockstep runs it so)"

    /// The widest MODEXP base length the spec holds before Osaka (2²⁵⁶−97).
    public static let widestModexpBaseLength = UInt256.max &- UInt256(96)

    /// A spec failure on one case that is a known limitation of the spec.
    public static func explainFailure(_ c: FuzzCase, fork: Hardfork, error: String) -> String? {
        let data = c.transaction.data
        if fork < .osaka, error.contains("OverflowError"), c.feature == "modexp" || c.feature.hasPrefix("precompile"), data.count >= 32,
           UInt256(bigEndian: Array(data[0..<32])) > widestModexpBaseLength {
            return modexpBaseLengthOverflow
        }
        return nil
    }

    /// The typed chain-id deviation seen in a batch: the spec executed the case's transaction
    /// (its hash has a receipt), Lockstep rejected it for its chain id.
    public static func isTypedChainId(_ c: FuzzCase, specExecuted: Bool, lockstepRejection: String) -> Bool {
        let tx = c.transaction
        guard tx.type != .legacy, let id = tx.chainId, id != FuzzLayout.chainId else { return false }
        return specExecuted && lockstepRejection.contains("chain id")
    }

    /// The same deviation seen from `--executor` (expected = Lockstep, actual = the tool): the
    /// tool executes the foreign-chainId typed transaction Lockstep rejects. Still a failure
    /// (the EIPs reject it); the text says so and that the execution spec behaves the same.
    public static func explainExecutor(_ c: FuzzCase, _ f: ExternalFinding) -> String? {
        let tx = c.transaction
        guard f.kind == .mismatch, tx.type != .legacy, let id = tx.chainId, id != FuzzLayout.chainId,
              f.differences.contains(where: { $0.field == "rejected" && $0.actual == "[]" && $0.expected != "[]" }) else { return nil }
        return "the tool is wrong by the EIPs: it executes a type-\(tx.type.rawValue) transaction signed for chain \(id.decimalString) on chain \(FuzzLayout.chainId.decimalString), which Lockstep rejects (EIP-2930/1559/4844/7702 bind the signed payload to the chain); the execution spec has the same known deviation"
    }

    public static func explain(_ c: FuzzCase, _ diffs: [T8nDifference]) -> String? {
        let tx = c.transaction
        if tx.type != .legacy, let id = tx.chainId, id != FuzzLayout.chainId,
           diffs.contains(where: { $0.field == "rejected" && $0.expected == "[]" }),
           diffs.contains(where: { $0.field == "rejected.reason" && $0.actual.contains("chain id") }) {
            return typedChainId
        }
        return nil
    }
}
