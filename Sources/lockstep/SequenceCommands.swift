import ArgumentParser
import Foundation
import PlantedFaults
import SequencerModel
import Sequencer
import BatchVerification
import Counterexamples

/// `lockstep sequence STREAM.json [-o BATCHES.json] [--seed S]`: runs the refining sequencer on
/// a stream file and writes the batches file, stamped with the run's identity (sequencer,
/// seed, stream digest: what R19 compares runs by), printing groups, sizes, deferrals and
/// rejections.
struct SequenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sequence",
        abstract: "Order a transaction stream into batches of parallel groups.",
        discussion: "STREAM.json and the batches format are described in the README (Sequencer section).")

    @Argument(help: ArgumentHelp("The stream file.", valueName: "stream"))
    var stream: String

    @Option(name: .shortAndLong, help: "Where to write the batches file (default: standard output).")
    var output: String?

    @Option(name: .long, help: "Seed ordering ties the policy leaves open (decimal or 0x hex; 0 = by id). Recorded in the batches file.")
    var seed: String = "0"

    @Option(name: .long, help: ArgumentHelp("Test only: a planted sequencer fault (\(PlantedFault.of(.sequencer).map(\.name).joined(separator: ", "))); `planted:R19` breaks ties differently on every run (violates R19 on purpose).",
                                            visibility: .hidden))
    var variant: String = "reference"

    /// A seed given as decimal or `0x` hex.
    static func parseSeed(_ s: String) -> UInt64? {
        s.hasPrefix("0x") || s.hasPrefix("0X") ? UInt64(s.dropFirst(2), radix: 16) : UInt64(s)
    }

    func run() throws {
        guard let seed = Self.parseSeed(seed) else { throw ValidationError("--seed: \(self.seed) is not a 64-bit decimal or 0x-hex number") }
        let planted: PlantedFaultSet
        if variant == "reference" { planted = [] } else {
            switch PlantedFaultSet.parse([variant], area: .sequencer) {
            case .success(let f): planted = f
            case .failure:
                throw ValidationError("--variant: unknown \(self.variant) (known: \((["reference"] + PlantedFault.of(.sequencer).map(\.name)).joined(separator: ", ")))")
            }
        }
        let input = try InputError.load(stream) { try StreamFile.decode($0) }
        let out: SequencerOutput
        do { out = try Sequencer.sequence(input, seed: seed, faults: planted.hook) } catch {
            throw InputError(description: "\(stream): \(error)")
        }
        let run = SequencerRun(sequencer: variant, seed: seed, input: input)
        let data = BatchesFile.encode(out, run: run)
        if let output { try data.write(to: URL(fileURLWithPath: output)) } else { print(String(decoding: data, as: UTF8.self)) }
        let groups = out.batches.flatMap(\.groups)
        let sizes = groups.map(\.count)
        let mean = sizes.isEmpty ? 0 : Double(sizes.reduce(0, +)) / Double(sizes.count)
        let admission = Dictionary(uniqueKeysWithValues: input.stream.map { ($0.id, input.policy.admissionBatch($0.arrival)) })
        let deferred = out.batches.reduce(0) { acc, b in acc + b.ids.filter { (admission[$0] ?? b.index) < b.index }.count }
        var summary = "summary (\(run.sequencer), seed \(run.seed)): \(out.batches.count) batches, \(groups.count) groups, \(out.order.count) included, "
        summary += "\(out.rejections.count) rejected, \(deferred) deferred; group size mean \(String(format: "%.2f", mean)) "
        summary += "max \(sizes.max() ?? 0); predicted parallelism \(String(format: "%.2f", mean))x"
        FileHandle.standardError.write(Data((summary + "\n").utf8))
        for r in out.rejections { FileHandle.standardError.write(Data("rejected \(r.id) (batch \(r.batch)): \(r.reason)\n".utf8)) }
    }
}

/// `lockstep verify-batch STREAM.json BATCHES.json [--rerun BATCHES2.json] [--fairness]`, or
/// `lockstep verify-batch COUNTEREXAMPLE.json` (a `sequencer_rules` counterexample file carries
/// both, and for R19 the rerun): checks every rule; exit 1 on a violation. `--rerun` adds R19:
/// the second run's batches must equal the first's — exit 2 (no verdict) when the two files'
/// `run` identities show they are not the same input and seed. `--fairness` also searches for
/// rule-respecting reorderings that change a user's outcome and prints them as findings (they
/// do not change the exit code).
struct VerifyBatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-batch",
        abstract: "Check a batches file against its stream: rules R1–R18 (concrete and Z3), R19 with --rerun.")

    @Argument(help: ArgumentHelp("The stream file, or a sequencer_rules counterexample file.", valueName: "stream"))
    var stream: String

    @Argument(help: ArgumentHelp("The batches file (omitted for a counterexample file).", valueName: "batches"))
    var batches: String?

    @Option(name: .long, help: ArgumentHelp("A second run's batches file (same stream, same seed): checks R19, identical output.",
                                            valueName: "batches2"))
    var rerun: String?

    @Flag(name: .long, help: "Search for rule-respecting reorderings that change a user's outcome (Z3 + re-execution).")
    var fairness = false

    func run() throws {
        let input: SequencerInput, out: SequencerOutput
        var firstRun: SequencerRun?, second: (SequencerOutput, SequencerRun?)?
        if let batches {
            input = try InputError.load(stream) { try StreamFile.decode($0) }
            let file = try InputError.load(batches) { try BatchesFile.decodeFile($0) }
            do { out = try file.output() } catch { throw InputError(description: "\(batches): \(error)") }
            firstRun = file.run
        } else {
            let cx: CounterexampleFile
            do { cx = try CounterexampleFile.load(path: stream) } catch { throw InputError(description: "\(stream): \(error)") }
            guard let seq = cx.sequencer else { throw ValidationError("\(stream) is not a sequencer_rules counterexample; give STREAM.json BATCHES.json") }
            do {
                (input, out) = try seq.decoded()
                if let r = try seq.decodedRerun() { second = (r, seq.rerun?.run) }
            } catch { throw InputError(description: "\(stream): \(error)") }
            firstRun = seq.batches.run
        }
        if let rerun {
            let file = try InputError.load(rerun) { try BatchesFile.decodeFile($0) }
            do { second = (try file.output(), file.run) } catch { throw InputError(description: "\(rerun): \(error)") }
        }
        if let second {
            do { try BatchVerifier.checkRerunPremise(input: input, first: firstRun, rerun: second.1) } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let verdict = try BatchVerifier.verify(input: input, output: out, rerun: second?.0)
        for rule in verdict.rulesChecked {
            let vs = verdict.violations.filter { $0.rule == rule }
            print("\(rule): \(vs.isEmpty ? "pass" : "FAIL")  (\(SequencerRule.named(rule)?.text ?? "unknown rule"))")
            for v in vs { print("  txs \(v.txs): \(v.explanation)") }
        }
        if let second {
            let claim = [firstRun, second.1].compactMap { $0 }
            var line = "  R19 compared runs: "
            if let c = claim.first { line += "sequencer \(c.sequencer), seed \(c.seed), stream \(c.stream)" }
            if claim.count < 2 { line += (claim.isEmpty ? "" : "; ") + "\(2 - claim.count) file(s) without run identity (same input + seed taken on trust)" }
            print(line)
        } else {
            print("R19: not checked (give --rerun BATCHES2.json, a second run on the same stream and seed)")
        }
        if fairness {
            let r = try BatchVerifier.searchReorderings(input: input, output: out)
            print("fairness: \(r.pairs) conflicting pairs, \(r.pinned) pinned by the rules, \(r.harmless) reversible without effect, "
                  + "\(r.witnesses.count) witnesses (findings, not violations)")
            for w in r.witnesses { print("  \(w)") }
        }
        if !verdict.passed { throw ExitCode(1) }
    }
}
