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
/// (the execution spec) and in Lockstep, or in Lockstep's serial and parallel executors.
public struct Divergence {
    public enum Kind: String, Sendable { case oracle, parallel }
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

    public var report: String {
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
public struct DifferentialRunner {
    public var fork: Hardfork
    public var generator: FuzzGenerator
    public var oracle: ExternalTransitionTool
    /// The oracle in state-test mode (one transaction, no system calls) for filling counterexamples.
    public var stateTestOracle: ExternalTransitionTool
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
            return cases.compactMap { confirm($0, seed: seed, kind: .oracle) }
        }
        for mode in parallelModes {
            guard let out = try? block.reference(executor: mode.executor()) else { suspects += cases.map { ($0, .parallel) }; break }
            let d = T8nComparison.differences(expected: serial.result, expectedAlloc: serial.postState, actual: out.result, actualAlloc: out.postState)
            if !d.isEmpty { suspects += attribute(d, cases: cases, reference: serial).map { ($0, .parallel) } }
        }
        var found: [Divergence] = []
        let oracleRun = oracleSuspects(cases, serial: serial, seed: seed, stats: &stats, log: log)
        suspects += oracleRun.suspects.map { ($0, .oracle) }
        for (c, error) in oracleRun.crashes { found.append(oracleFailure(c, error: error, seed: seed)) }
        for (c, reason) in oracleRun.explained {
            // Recognised from the batch itself (no lone re-run, no file: the deviation is on record
            // as Counterexamples/differential/460491da37f37f96.json).
            var d = Divergence(kind: .oracle, fork: fork, fuzzCase: c,
                               differences: [T8nDifference(field: "rejected", expected: "executed (in the batch)", actual: "rejected: " + reason)],
                               traceDifference: nil, unshrunkCodeBytes: c.accounts.reduce(0) { $0 + $1.code.count } + c.transaction.data.count)
            d.explanation = KnownSpecDeviation.typedChainId
            found.append(d)
        }
        var seen = Set<Int>()
        var confirmed = 0
        for (c, kind) in suspects where !seen.contains(c.slot * 2 + (kind == .oracle ? 0 : 1)) {
            seen.insert(c.slot * 2 + (kind == .oracle ? 0 : 1))
            if kind == .oracle { stats.oracleCalls += 1 }
            if let d = confirm(c, seed: seed, kind: kind) { found.append(d); confirmed += 1 }
        }
        // Suspects re-run alone of which none differs: an interaction of cases (the cases the
        // batch itself explained or the spec failed on do not hide it).
        if !suspects.isEmpty && confirmed == 0 { stats.unconfirmed += 1 }
        return found
    }

    /// One oracle call for `cases` (whose Lockstep transition is `serial`, or computed here when
    /// nil): the cases to re-run alone, and the cases on which the oracle itself fails. When the
    /// oracle fails on a batch (the spec raising, e.g. `OverflowError`), the batch is halved and
    /// each half re-run, down to the lone cases that make it fail: about 2·k·log₂(n) calls for k
    /// failing cases in n, instead of n lone re-runs, and the other cases are still compared.
    public func oracleSuspects(_ cases: [FuzzCase], serial: T8nOutput? = nil, seed: UInt64, stats: inout FuzzStats,
                               log: (String) -> Void) -> (suspects: [FuzzCase], crashes: [(FuzzCase, String)], explained: [(FuzzCase, String)]) {
        guard !cases.isEmpty else { return ([], [], []) }
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
    func confirm(_ c: FuzzCase, seed: UInt64, kind: Divergence.Kind) -> Divergence? {
        guard let diffs = differences(c, seed: seed, kind: kind) else { return nil }
        let codeBytes = c.accounts.reduce(0) { $0 + $1.code.count } + c.transaction.data.count
        var d = Divergence(kind: kind, fork: fork, fuzzCase: c, differences: diffs, traceDifference: nil, unshrunkCodeBytes: codeBytes)
        if kind == .oracle, let why = KnownSpecDeviation.explain(c, diffs) {
            // Not shrunk (it is recognised exactly); written so the file documents the deviation.
            d.explanation = why
            if let outDir { d.file = try? DifferentialCounterexample.write(d, block: block([c], seed: seed, systemContracts: false), oracle: stateTestOracle, to: outDir) }
            return d
        }
        let (shrunk, steps) = shrink(c, seed: seed, kind: kind)
        d.fuzzCase = shrunk; d.shrinkSteps = steps
        d.differences = differences(shrunk, seed: seed, kind: kind) ?? diffs
        if kind == .oracle {
            let gate = ExternalGate(tool: oracle, forks: [fork])
            d.traceDifference = gate.check(block([shrunk], seed: seed), seed: seed)?.traceDifference
        }
        if let outDir { d.file = try? DifferentialCounterexample.write(d, block: block([shrunk], seed: seed, systemContracts: false), oracle: stateTestOracle, to: outDir) }
        return d
    }

    /// The differences of one case run alone (nil when it agrees).
    func differences(_ c: FuzzCase, seed: UInt64, kind: Divergence.Kind) -> [T8nDifference]? {
        let alone = block([c], seed: seed)
        guard let serial = try? alone.reference() else { return [T8nDifference(field: "block", expected: "valid", actual: "Lockstep rejects the block")] }
        let d: [T8nDifference]
        switch kind {
        case .oracle:
            guard let run = try? oracle.apply(alone) else { return nil }
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
    func shrink(_ c: FuzzCase, seed: UInt64, kind: Divergence.Kind) -> (FuzzCase, Int) {
        var runs = 0
        var current = c
        var steps = 0
        func failing(_ x: FuzzCase) -> Bool {
            guard runs < shrinkBudget else { return false }
            runs += 1
            return differences(x, seed: seed, kind: kind) != nil
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
        return (current, steps)
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
            }
        }
        stats.seconds += (ContinuousClock.now - t0).secondsValue
        return found
    }
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
