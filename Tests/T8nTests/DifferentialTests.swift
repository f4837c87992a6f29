import Foundation
import Testing
import Differential
import EVMCore
import EVMState
import EVMExecution
import EthereumTests
import Oracles
import ParallelExecutor
import T8n
import _TestSupport

/// `lockstep fuzz`'s pieces: generated cases are independent (disjoint accounts), valid for
/// Lockstep's transition, and agree with the execution spec on a fixed-seed slice; every stored
/// differential counterexample replays as fixed.
@Suite("fuzz: differential testing against the execution spec", .serialized)
struct DifferentialTests {
    static let forks: [Hardfork] = [.cancun, .prague, .osaka]

    @Test("Cases of one batch own disjoint accounts; the generator is deterministic in (seed, slot)")
    func casesAreDisjointAndDeterministic() {
        for fork in Self.forks {
            let runner = DifferentialRunner(fork: fork, generator: FuzzGenerator(fork: fork), oracleCommand: "false", batchSize: 24)
            let batches = runner.batches(seed: 7, start: 0, count: 60)
            #expect(batches.reduce(0) { $0 + $1.count } == 60)
            for batch in batches {
                var owned = Set<Address>()
                for c in batch {
                    #expect(owned.isDisjoint(with: c.ownedAddresses), "slot \(c.slot) shares an account")
                    owned.formUnion(c.ownedAddresses)
                }
                let maxBlobs = Int(BlobGas.maxPerBlock(fork: fork) / BlobGas.perBlob)
                let used = batch.map { $0.transaction.blobVersionedHashes.count }.filter { $0 <= min(maxBlobs, Transaction.maxBlobsPerTransaction(fork: fork)) }.reduce(0, +)
                #expect(used <= maxBlobs, "valid blob cases of one batch exceed the block's blob budget")
            }
            let a = FuzzGenerator(fork: fork).generate(seed: 99, slot: 3), b = FuzzGenerator(fork: fork).generate(seed: 99, slot: 3)
            #expect(a.transaction == b.transaction && a.feature == b.feature)
        }
    }

    @Test("Focus modes produce programs dense in the opcode / calls of the precompile")
    func focusModes() throws {
        let clz = try #require(FuzzFocus.opcode(named: "CLZ"))
        let g = FuzzGenerator(fork: .osaka, focus: clz)
        var dense = 0
        for s in 0..<20 {
            let c = g.generate(seed: UInt64(s), slot: 0)
            if c.accounts.contains(where: { $0.code.contains(0x1e) }) { dense += 1 }
        }
        #expect(dense >= 15)
        let p = try #require(FuzzFocus.precompile(named: "0x0b"))
        let pc = FuzzGenerator(fork: .prague, focus: p).generate(seed: 1, slot: 0)
        #expect(pc.feature == "precompile:0x0b")
        #expect(FuzzFocus.opcode(named: "NOPE") == nil && FuzzFocus.precompile(named: "0x99") == nil)
    }

    @Test("Lockstep's serial and parallel executors agree on generated batches of every fork")
    func parallelMatchesSerialOnBatches() throws {
        for fork in Self.forks {
            let runner = DifferentialRunner(fork: fork, generator: FuzzGenerator(fork: fork), oracleCommand: "false", batchSize: 32)
            for (i, batch) in runner.batches(seed: 0xfeed, start: 0, count: 24).enumerated() {
                let block = runner.block(batch, seed: UInt64(i))
                let serial = try block.reference()
                #expect(serial.result.receipts.count + serial.result.rejected.count == batch.count)
                let parallel = try block.reference(executor: ExecutionMode.parallel(.deterministic(seed: UInt64(i), workers: 4, abortBias: 0.5)).executor())
                let d = T8nComparison.differences(expected: serial.result, expectedAlloc: serial.postState, actual: parallel.result, actualAlloc: parallel.postState)
                #expect(d.isEmpty, "\(fork) batch \(i): \(d.prefix(3))")
            }
        }
    }

    @Test("Before Osaka the generator keeps MODEXP base lengths within what the spec holds (2^256-97); Osaka keeps 2^256-1")
    func modexpBaseLengthWithinSpec() {
        var widest: [Hardfork: UInt256] = [:]
        for fork in Self.forks {
            let g = FuzzGenerator(fork: fork, focus: .feature("modexp"))
            for s in 0..<400 {
                let data = g.generate(seed: UInt64(s), slot: 0).transaction.data
                let bl = UInt256(bigEndian: Array(data.prefix(32)))
                widest[fork] = max(widest[fork] ?? .zero, bl)
            }
        }
        #expect(widest[.cancun] == KnownSpecDeviation.widestModexpBaseLength)
        #expect(widest[.prague] == KnownSpecDeviation.widestModexpBaseLength)
        #expect(widest[.osaka] == UInt256.max)
    }

    /// A batch on which the spec raises is bisected down to the case that makes it raise (a
    /// handful of calls, not one per case), and that case is recognised as the spec's limitation.
    @Test("An oracle failure is bisected to the lone failing case (Cancun MODEXP base length 2^256-1 → OverflowError)")
    func oracleFailureIsBisected() throws {
        guard let spec = ExternalTools.spec else {
            print("skipped: .build-tools/venv/bin/ethereum-spec-evm absent (bash scripts/setup.sh installs it)")
            return
        }
        let runner = DifferentialRunner(fork: .cancun, generator: FuzzGenerator(fork: .cancun, focus: .feature("tx")),
                                        oracleCommand: ExternalTools.quoted(spec) + " t8n", batchSize: 4)
        var batch = try #require(runner.batches(seed: 0xb15, start: 0, count: 4).first)
        try #require(batch.count == 4)
        // Case 2 becomes a MODEXP call with base length 2^256-1 (a legitimate input: out of gas).
        var bad = FuzzGenerator(fork: .cancun, focus: .feature("modexp")).generate(seed: 5, slot: 2)
        bad.transaction.data = UInt256.max.bigEndianBytes + UInt256(1).bigEndianBytes + UInt256(1).bigEndianBytes + [3, 5]
        _ = bad.transaction.sign(privateKey: bad.senderKey, chainId: bad.transaction.chainId)
        batch[2] = bad
        var stats = FuzzStats()
        let (suspects, crashes, _) = runner.oracleSuspects(batch, seed: 0x77, stats: &stats, log: { _ in })
        #expect(crashes.map(\.0.slot) == [2], "\(crashes.map(\.1))")
        #expect(crashes.first?.1.contains("OverflowError") == true)
        #expect(stats.oracleCalls == 5, "4 → 2+2 → 1+1: five calls")
        #expect(suspects.allSatisfy { $0.slot != 2 })
        let why = try #require(crashes.first).1
        #expect(KnownSpecDeviation.explainFailure(bad, fork: .cancun, error: why) == KnownSpecDeviation.modexpBaseLengthOverflow)
        #expect(KnownSpecDeviation.explainFailure(bad, fork: .osaka, error: why) == nil)
    }

    /// The CI slice: a fixed seed, a few hundred cases across the three forks, batched (one
    /// oracle process per batch). Skips when the spec is not installed.
    @Test("Fixed-seed slice: Lockstep agrees with ethereum-spec-evm on every case (Cancun, Prague, Osaka)")
    func fixedSeedSliceAgreesWithSpec() throws {
        guard let spec = ExternalTools.spec else {
            print("skipped: .build-tools/venv/bin/ethereum-spec-evm absent (bash scripts/setup.sh installs it)")
            return
        }
        let cases = Int(ProcessInfo.processInfo.environment["LOCKSTEP_FUZZ_CASES"] ?? "") ?? 100
        let vectors = FuzzGenerator.loadVectors()
        var total = 0
        for fork in Self.forks {
            var runner = DifferentialRunner(fork: fork, generator: FuzzGenerator(fork: fork, vectors: vectors),
                                            oracleCommand: ExternalTools.quoted(spec) + " t8n", batchSize: 100)
            runner.shrinkBudget = 10
            var stats = FuzzStats()
            let found = runner.campaign(seed: 0x51ce, count: cases, stats: &stats)
            total += stats.cases
            let unexplained = found.filter { $0.explanation == nil }
            #expect(unexplained.isEmpty, "\(fork): \(unexplained.map(\.report).joined(separator: "\n"))")
            print("fuzz slice \(fork): \(stats.cases) cases, \(stats.oracleCalls) oracle calls, \(String(format: "%.1f", stats.seconds)) s, \(stats.explained) explained (known spec deviations)")
            #expect(stats.unconfirmed == 0, "\(fork): a batch differed but no case alone")
        }
        #expect(total == 3 * cases)
    }

    /// Reproduced / fixed as for the other counterexamples: a Lockstep divergence must replay as
    /// fixed; a file that records a spec deviation (`specVerdict: spec-wrong`) must keep
    /// reproducing (Lockstep keeps the EIP's behaviour).
    @Test("Every stored differential counterexample replays through the state-test runner: fixed, or still diverging where the spec is wrong")
    func storedDifferentialCounterexamples() {
        let dir = FixturePaths.packageRoot.appendingPathComponent("Counterexamples/differential")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        for f in files {
            let path = dir.appendingPathComponent(f).path
            let outcome = DifferentialCounterexample.replay(path: path)
            if DifferentialCounterexample.isSpecWrong(path: path) {
                if case .reproduced = outcome {} else { Issue.record("\(f): a spec-wrong file must still diverge, got \(outcome)") }
            } else {
                #expect(outcome == .fixed, "\(f): \(outcome)")
            }
        }
    }

    /// A stored file is bound to its content: one edited byte (the first `L` becomes `l`), or the
    /// unedited file under another name, and the file is refused as stale, never replayed as
    /// reproduced or fixed.
    @Test("An edited differential counterexample is refused: its name is no longer its content hash")
    func editedDifferentialCounterexampleIsRefused() throws {
        let dir = FixturePaths.packageRoot.appendingPathComponent("Counterexamples/differential")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        let f = try #require(files.first, "no stored differential counterexample")
        var data = try Data(contentsOf: dir.appendingPathComponent(f))
        #expect(DifferentialCounterexample.contentName(data) == String(f.dropLast(5)), "\(f) is not named by its content hash")
        let i = try #require(data.firstIndex(of: UInt8(ascii: "L")))
        data[i] = UInt8(ascii: "l")
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-diffcx-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let edited = tmp.appendingPathComponent(f)
        try data.write(to: edited)
        guard case .stale(let why) = DifferentialCounterexample.replay(path: edited.path) else {
            Issue.record("an edited file replayed"); return
        }
        #expect(why.contains("content hash"), "\(why)")
        let renamed = tmp.appendingPathComponent("renamed.json")
        try Data(contentsOf: dir.appendingPathComponent(f)).write(to: renamed)
        guard case .stale(let why2) = DifferentialCounterexample.replay(path: renamed.path) else {
            Issue.record("a renamed file replayed"); return
        }
        #expect(why2.contains("content hash"), "\(why2)")
    }
}
