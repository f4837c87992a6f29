import EVMCore
import Foundation
import Testing
import _TestSupport
import SequencerModel
import Sequencer
import BatchVerification
import Counterexamples
import PlantedFaults

/// R19, same input + seed → same output: the verifier compares two runs' outputs (never
/// re-running the sequencer), checks that both claim the same stream and seed, and names the
/// first difference; a test-only sequencer variant that salts its tie-break per run is caught,
/// shrunk, stored and replayed like the planted R1–R18 violations.
enum TieStream {
    /// `ties` self-transfers of distinct users arriving in the same millisecond (equal in every
    /// policy key, independent, so they share one group in tie order), then `tail` transfers
    /// arriving later, one by one.
    static func input(ties: Int = 8, tail: Int = 4, mode: OrderingMode = .arrival) -> SequencerInput {
        var s: [IntakeTx] = []
        for i in 0..<ties {
            s.append(IntakeTx(id: s.count, arrival: 10, tx: World.transfer(World.user(i), nonce: 0, to: World.user(i), amount: 1)))
        }
        for i in 0..<tail {
            s.append(IntakeTx(id: s.count, arrival: 300 + 100 * UInt64(i),
                              tx: World.transfer(World.user(i), nonce: 1, to: World.user((i + 1) % World.users), amount: 1)))
        }
        return World.input(s, policy: World.policy(mode))
    }
}

@Suite(.serialized) struct RerunDifferenceTests {
    static let base = SequencerOutput(
        batches: [Batch(index: 0, time: 100, groups: [[1, 2], [3]], access: [], blockAccessList: []),
                  Batch(index: 2, time: 300, groups: [[4]], access: [], blockAccessList: [])],
        rejections: [Rejection(id: 5, reason: .nonceGap, batch: 2)])

    @Test func identicalOutputsHaveNoDifference() {
        #expect(BatchVerifier.firstRerunDifference(Self.base, Self.base) == nil)
    }

    /// A swap inside a group is located to batch index, group and position, with both txs.
    @Test func swapInsideAGroupIsLocated() throws {
        var b = Self.base
        b.batches[0].groups[0] = [2, 1]
        let d = try #require(BatchVerifier.firstRerunDifference(Self.base, b))
        #expect(d.batch == 0 && d.group == 0 && d.position == 0)
        #expect(d.txs == [1, 2])
        #expect(d.description == "batch 0 group 0 position 0: transaction: first run tx 1, rerun tx 2")
    }

    /// A transaction moved to the next group: the first run's group ends where the rerun's goes on.
    @Test func groupBoundaryMoveIsLocated() throws {
        var b = Self.base
        b.batches[0].groups = [[1, 2, 3]]
        let d = try #require(BatchVerifier.firstRerunDifference(Self.base, b))
        #expect(d.batch == 0 && d.group == 0 && d.position == 2 && d.txs == [3])
        #expect(d.first.hasPrefix("end of group"))
    }

    /// The batch index (not the list position) names the batch; an extra batch and a changed
    /// rejection are found too.
    @Test func batchLevelAndRejectionDifferences() throws {
        var b = Self.base
        b.batches[1].groups = [[4], [6]]
        let g = try #require(BatchVerifier.firstRerunDifference(Self.base, b))
        #expect(g.batch == 2 && g.group == 1 && g.position == 0 && g.txs == [6] && g.first == "no group 1")
        var c = Self.base
        c.batches.append(Batch(index: 3, time: 400, groups: [[7]], access: [], blockAccessList: []))
        let e = try #require(BatchVerifier.firstRerunDifference(Self.base, c))
        #expect(e.field == "batch count" && e.batch == 3 && e.txs == [7])
        var r = Self.base
        r.rejections[0].reason = .deferralBound
        let f = try #require(BatchVerifier.firstRerunDifference(Self.base, r))
        #expect(f.field == "rejection 0" && f.batch == nil && f.txs == [5, 5])
    }
}

@Suite(.serialized) struct RerunPremiseTests {
    let input = TieStream.input()

    @Test func sameClaimPassesAndEachMismatchNamesItsField() throws {
        let run = SequencerRun(sequencer: "reference", seed: 7, input: input)
        try BatchVerifier.checkRerunPremise(input: input, first: run, rerun: run)
        try BatchVerifier.checkRerunPremise(input: input, first: nil, rerun: nil)
        try BatchVerifier.checkRerunPremise(input: input, first: run, rerun: nil)
        // The seed's notation does not matter, its value does.
        var decimal = run; decimal.seed = "7"
        try BatchVerifier.checkRerunPremise(input: input, first: run, rerun: decimal)

        func field(_ a: SequencerRun?, _ b: SequencerRun?) -> String? {
            do { try BatchVerifier.checkRerunPremise(input: input, first: a, rerun: b); return nil } catch {
                if case .incomparableRuns(let f, _, _) = error { return f }
                return "\(error)"
            }
        }
        #expect(field(run, SequencerRun(sequencer: "reference", seed: 8, input: input)) == "run.seed")
        #expect(field(run, SequencerRun(sequencer: "planted:R19", seed: 7, input: input)) == "run.sequencer")
        var other = input; other.stream.removeLast()
        #expect(field(run, SequencerRun(sequencer: "reference", seed: 7, input: other)) == "rerun: run.stream")
        var bad = run; bad.seed = "0xnope"
        #expect(field(bad, run) == "first run: run.seed")
        var wide = run; wide.seed = "0x10000000000000000"
        #expect(field(run, wide) == "rerun: run.seed")
    }

    /// The digest is of the decoded input: whitespace, key order and number notation of the
    /// file do not change it; a changed value does.
    @Test func streamDigestSurvivesAFileRoundTrip() throws {
        let decoded = try StreamFile.decode(StreamFile.encode(input))
        #expect(StreamFile.digest(decoded) == StreamFile.digest(input))
        var json = try #require(try JSONSerialization.jsonObject(with: StreamFile.encode(input)) as? [String: Any])
        var block = try #require(json["block"] as? [String: Any])
        block["baseFee"] = "7"          // the writer says 0x7
        json["block"] = block
        let compact = try JSONSerialization.data(withJSONObject: json)
        #expect(try StreamFile.digest(StreamFile.decode(compact)) == StreamFile.digest(input))
        block["baseFee"] = "8"
        json["block"] = block
        #expect(try StreamFile.digest(StreamFile.decode(JSONSerialization.data(withJSONObject: json))) != StreamFile.digest(input))
        #expect(StreamFile.digest(input).count == 66)
        #expect(StreamFile.digest(TieStream.input(ties: 7)) != StreamFile.digest(input))
    }
}

@Suite(.serialized) struct BatchesFileRunTests {
    /// Files without `run` (written before R19) read as before and are written byte for byte as
    /// before; with `run`, it round-trips; the batch access list now comes back too.
    @Test func runFieldIsOptionalAndRoundTrips() throws {
        let input = TieStream.input()
        let out = try sequenced(input)
        let plain = BatchesFile.encode(out)
        #expect(!String(decoding: plain, as: UTF8.self).contains("\"run\""))
        #expect(try BatchesFile.decodeFile(plain).run == nil)
        let run = SequencerRun(sequencer: "reference", seed: 0x5eed, input: input)
        let stamped = BatchesFile.encode(out, run: run)
        let file = try BatchesFile.decodeFile(stamped)
        #expect(file.run == run)
        #expect(try file.run?.seedValue() == 0x5eed)
        let back = try file.output()
        #expect(back.batches.map(\.groups) == out.batches.map(\.groups))
        #expect(back.batches.map(\.blockAccessList) == out.batches.map(\.blockAccessList))
        #expect(BatchesFile.encode(back, run: run) != Data() && BatchesFile(back, run: run).run == run)
        // A run without a seed is a typed error, not a trap.
        let text = String(decoding: stamped, as: UTF8.self).replacingOccurrences(of: "\"seed\" : \"0x5eed\",", with: "")
        #expect(throws: SequencerJSONError.self) { try BatchesFile.decodeFile(Data(text.utf8)) }
    }
}

@Suite(.serialized) struct R19Tests {
    /// The real sequencer run twice on generated streams (as a decoded file the second time,
    /// as the CLI would) gives identical batches for each seed: R19 passes, along with R1–R18.
    @Test(arguments: [(UInt64(91), UInt64(0), OrderingMode.arrival), (92, 0x5eed, .fee)])
    func realSequencerPassesR19(streamSeed: UInt64, tieSeed: UInt64, mode: OrderingMode) throws {
        let input = World.input(StreamGenerator(count: 40).generate(seed: streamSeed), policy: World.policy(mode))
        let first = try Sequencer.sequence(input, seed: tieSeed)
        let again = try Sequencer.sequence(try StreamFile.decode(StreamFile.encode(input)), seed: tieSeed)
        let d = BatchVerifier.firstRerunDifference(first, again)
        #expect(d == nil, "stream seed \(streamSeed), tie seed \(tieSeed): \(d.map { "\($0)" } ?? "")")
        let v = try BatchVerifier.verify(input: input, output: first, rerun: again)
        #expect(v.rulesChecked.last == "R19")
        #expect(v.passed, "stream seed \(streamSeed), tie seed \(tieSeed) \(mode): \(v.violations)")
    }

    /// More seeds, comparison only (no Z3): identical runs for every (stream, tie) seed pair.
    @Test func realSequencerIsDeterministicAcrossSeeds() throws {
        for streamSeed in UInt64(100)..<104 {
            for tieSeed: UInt64 in [0, 1, 0xdead_beef] {
                var input = World.input(StreamGenerator(count: 30, gapRate: 0.05).generate(seed: streamSeed))
                input.policy.ordering = streamSeed % 2 == 0 ? .arrival : .fee
                let a = try Sequencer.sequence(input, seed: tieSeed), b = try Sequencer.sequence(input, seed: tieSeed)
                #expect(BatchVerifier.firstRerunDifference(a, b) == nil, "stream seed \(streamSeed), tie seed \(tieSeed)")
                #expect(a == b)
            }
        }
    }

    /// The seed is part of the claim: on a stream with ties, two seeds order the tie
    /// differently, each output alone passes R1–R18 (no rule orders a tie), and comparing the
    /// two is refused as incomparable rather than reported as an R19 violation.
    @Test func seedOrdersTiesAndIsPartOfTheClaim() throws {
        let input = TieStream.input()
        let a = try Sequencer.sequence(input, seed: 1), b = try Sequencer.sequence(input, seed: 2)
        let byId = try Sequencer.sequence(input)
        #expect(byId.batches[0].groups[0] == Array(0..<8), "seed 0 orders ties by id")
        #expect(Set(a.batches[0].groups[0]) == Set(0..<8))
        #expect(a.batches[0].groups[0] != b.batches[0].groups[0], "seeds 1 and 2 order the 8-way tie alike")
        #expect(try verify(input, a).passed)
        #expect(throws: BatchVerifierError.incomparableRuns(field: "run.seed", first: "0x1", rerun: "0x2")) {
            try BatchVerifier.checkRerunPremise(input: input, first: SequencerRun(sequencer: "reference", seed: 1, input: input),
                                                rerun: SequencerRun(sequencer: "reference", seed: 2, input: input))
        }
    }

    /// Two runs of the planted variant on one input and seed (salted afresh per run). An
    /// 8-way tie has 8! orders, so a few attempts make identical runs all but impossible.
    static func plantedRuns(_ input: SequencerInput, seed: UInt64) throws -> (SequencerOutput, SequencerOutput) {
        let first = try Sequencer.sequence(input, seed: seed, faults: PlantedFault.plantedR19)
        for _ in 0..<5 {
            let second = try Sequencer.sequence(input, seed: seed, faults: PlantedFault.plantedR19)
            if second != first { return (first, second) }
        }
        Issue.record("planted:R19 gave the same output 6 times (seed \(seed))")
        return (first, first)
    }

    /// The planted nondeterministic variant: each run alone keeps R1–R18, the pair breaks R19
    /// with the first difference as witness, and the counterexample shrinks to the two tied
    /// transactions the runs ordered differently, is written, read back byte-identically and
    /// replays bit for bit.
    @Test func plantedNondeterminismIsCaughtShrunkAndReplayed() throws {
        let seed: UInt64 = 0x5eed
        let input = TieStream.input()
        // LOCKSTEP_R19_SAMPLE=FILE writes this stream for trying `lockstep sequence --variant planted:R19` by hand.
        if let path = ProcessInfo.processInfo.environment["LOCKSTEP_R19_SAMPLE"] {
            try StreamFile.encode(input).write(to: URL(fileURLWithPath: path))
        }
        let (first, second) = try Self.plantedRuns(input, seed: seed)
        #expect(try verify(input, first).passed, "one run alone keeps R1–R18")
        let v = try BatchVerifier.verify(input: input, output: first, rerun: second)
        let r19 = v.violations.filter { $0.rule == "R19" }
        #expect(r19.count == 1 && v.violations.count == 1, "\(v.violations)")
        let d = try #require(BatchVerifier.firstRerunDifference(first, second))
        #expect(d.batch == 0 && d.group == 0 && d.position != nil && d.txs.count == 2, "\(d)")
        #expect(r19.first?.txs == d.txs)
        #expect(r19.first?.explanation.contains("batch 0 group 0 position") == true)

        let shrunk = try #require(try BatchVerifier.shrink(input: input, output: first, rule: "R19", variant: "planted:R19",
                                                           seed: seed, rerun: second))
        #expect(shrunk.input.stream.count == 2, "shrunk to \(shrunk.input.stream.map(\.id)) (seed \(seed))")
        #expect(Set(shrunk.input.stream.map(\.id)).isSubset(of: Set(0..<8)), "only tied transactions can be ordered differently")
        let shrunkRerun = try #require(shrunk.rerun)
        let sd = try #require(BatchVerifier.firstRerunDifference(shrunk.output, shrunkRerun))
        #expect(sd.txs.count == 2 && Set(sd.txs) == Set(shrunk.input.stream.map(\.id)))
        let seqCase = try #require(shrunk.file.sequencer)
        #expect(seqCase.rule == "R19" && seqCase.rerun != nil)
        let run = SequencerRun(sequencer: "planted:R19", seed: seed, input: shrunk.input)
        #expect(seqCase.batches.run == run && seqCase.rerun?.run == run)
        #expect(shrunk.file.variant == "planted:R19" && shrunk.file.seeds.run == "0x5eed")
        try expectCounterexample("R19", input: input, bad: first, rerun: second, variant: "planted:R19", seed: seed)
    }

    /// A stored R19 file whose second run is repaired to match the first replays as fixed; one
    /// whose rerun claims another seed cannot be judged and is a typed error naming the field.
    @Test func repairedOrMismatchedR19Files() throws {
        let input = TieStream.input(ties: 4, tail: 0)
        let (first, second) = try Self.plantedRuns(input, seed: 3)
        let file = try #require(try BatchVerifier.shrink(input: input, output: first, rule: "R19", variant: "planted:R19",
                                                         seed: 3, rerun: second)).file
        var fixed = file
        var seq = try #require(fixed.sequencer)
        seq.rerun = BatchesFile(try seq.decoded().1, run: seq.batches.run)
        fixed.sequencer = seq
        #expect(try fixed.replay() == .fixed)
        var mismatched = file
        var seq2 = try #require(mismatched.sequencer)
        seq2.rerun?.run?.seed = "0x4"
        mismatched.sequencer = seq2
        #expect(throws: CounterexampleError.self) { try mismatched.replay() }
        let url = try mismatched.write(to: faultDirectory())
        if case .stale(let why) = CounterexampleStore.classify(path: url.path) {
            #expect(why.contains("run.seed"), "\(why)")
        } else {
            Issue.record("a rerun claiming another seed should be stale")
        }
        if ProcessInfo.processInfo.environment["LOCKSTEP_FAULT_DIR"] == nil { try? FileManager.default.removeItem(at: url) }
    }
}

/// R19 across processes: Swift seeds its hash tables afresh in every process, so Set and
/// Dictionary iteration order differs between two `lockstep sequence` runs. This runs the
/// built CLI twice on one stream (from the same build folder as this test bundle; skipped when
/// absent) and checks the batches files are byte-identical and that `verify-batch --rerun`
/// exits 0, 1 or 2 as documented.
@Suite(.serialized) struct R19CommandLineTests {
    static let binary: URL? = {
        let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lockstep")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }()

    /// Runs the CLI with hash seeding left random; returns the exit status and standard output.
    static func lockstep(_ args: [String]) throws -> (Int32, String) {
        guard let binary else { throw CocoaError(.fileNoSuchFile) }
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_DETERMINISTIC_HASHING"] = nil
        let (status, data) = try runSubprocess(binary, args, environment: env)
        return (status, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func sequenceTwiceThenVerifyRerun() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-r19-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let streamSeed: UInt64 = 93
        let input = World.input(StreamGenerator(count: 40, gapRate: 0.05).generate(seed: streamSeed), policy: World.policy(.fee))
        try StreamFile.encode(input).write(to: URL(fileURLWithPath: path("stream.json")))
        for name in ["b1.json", "b2.json"] {
            #expect(try Self.lockstep(["sequence", path("stream.json"), "--seed", "0x5eed", "-o", path(name)]).0 == 0)
        }
        let b1 = try Data(contentsOf: URL(fileURLWithPath: path("b1.json"))), b2 = try Data(contentsOf: URL(fileURLWithPath: path("b2.json")))
        #expect(b1 == b2, "stream seed \(streamSeed): two processes wrote different batches")
        let (ok, text) = try Self.lockstep(["verify-batch", path("stream.json"), path("b1.json"), "--rerun", path("b2.json")])
        #expect(ok == 0 && text.contains("R19: pass"), "\(text)")

        // The planted variant on a stream with an 8-way tie: exit 1, naming the first difference.
        try StreamFile.encode(TieStream.input()).write(to: URL(fileURLWithPath: path("ties.json")))
        var failed = false
        for _ in 0..<5 where !failed {
            for name in ["p1.json", "p2.json"] {
                _ = try Self.lockstep(["sequence", path("ties.json"), "--variant", "planted:R19", "-o", path(name)])
            }
            let (code, out) = try Self.lockstep(["verify-batch", path("ties.json"), path("p1.json"), "--rerun", path("p2.json")])
            if code == 1 {
                failed = true
                #expect(out.contains("R19: FAIL") && out.contains("batch 0 group 0 position"), "\(out)")
            }
        }
        #expect(failed, "planted:R19 never differed between two processes")

        // Different seeds are no claim of "same input + seed": exit 2, no verdict.
        #expect(try Self.lockstep(["sequence", path("ties.json"), "--seed", "1", "-o", path("s1.json")]).0 == 0)
        #expect(try Self.lockstep(["sequence", path("ties.json"), "--seed", "2", "-o", path("s2.json")]).0 == 0)
        #expect(try Self.lockstep(["verify-batch", path("ties.json"), path("s1.json"), "--rerun", path("s2.json")]).0 == 2)
    }
}
