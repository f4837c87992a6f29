import ArgumentParser
import Foundation
import SequencerModel
import Sequencer
import Verification

/// `lockstep sequence STREAM.json [-o BATCHES.json]`: runs the refining sequencer on a stream
/// file and writes the batches file, printing groups, sizes, deferrals and rejections.
struct SequenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sequence",
        abstract: "Order a transaction stream into batches of parallel groups.",
        discussion: "STREAM.json and the batches format are described in the README (Sequencer section).")

    @Argument(help: ArgumentHelp("The stream file.", valueName: "stream"))
    var stream: String

    @Option(name: .shortAndLong, help: "Where to write the batches file (default: standard output).")
    var output: String?

    func run() throws {
        let input = try StreamFile.decode(try Data(contentsOf: URL(fileURLWithPath: stream)))
        let out = try Sequencer.sequence(input)
        let data = BatchesFile.encode(out)
        if let output { try data.write(to: URL(fileURLWithPath: output)) } else { print(String(decoding: data, as: UTF8.self)) }
        let groups = out.batches.flatMap(\.groups)
        let sizes = groups.map(\.count)
        let mean = sizes.isEmpty ? 0 : Double(sizes.reduce(0, +)) / Double(sizes.count)
        let admission = Dictionary(uniqueKeysWithValues: input.stream.map { ($0.id, Int($0.arrival / max(1, input.policy.batchInterval))) })
        let deferred = out.batches.reduce(0) { acc, b in acc + b.ids.filter { (admission[$0] ?? b.index) < b.index }.count }
        var summary = "summary: \(out.batches.count) batches, \(groups.count) groups, \(out.order.count) included, "
        summary += "\(out.rejections.count) rejected, \(deferred) deferred; group size mean \(String(format: "%.2f", mean)) "
        summary += "max \(sizes.max() ?? 0); predicted parallelism \(String(format: "%.2f", mean))x"
        FileHandle.standardError.write(Data((summary + "\n").utf8))
        for r in out.rejections { FileHandle.standardError.write(Data("rejected \(r.id) (batch \(r.batch)): \(r.reason)\n".utf8)) }
    }
}

/// `lockstep verify-batch STREAM.json BATCHES.json [--fairness]`, or `lockstep verify-batch
/// COUNTEREXAMPLE.json` (a `sequencer_rules` counterexample file carries both): checks every
/// rule; exit 1 on a violation. `--fairness` also searches for rule-respecting reorderings that
/// change a user's outcome and prints them as findings (they do not change the exit code).
struct VerifyBatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-batch",
        abstract: "Check a batches file against its stream: rules R1–R18 (concrete and Z3).")

    @Argument(help: ArgumentHelp("The stream file, or a sequencer_rules counterexample file.", valueName: "stream"))
    var stream: String

    @Argument(help: ArgumentHelp("The batches file (omitted for a counterexample file).", valueName: "batches"))
    var batches: String?

    @Flag(name: .long, help: "Search for rule-respecting reorderings that change a user's outcome (Z3 + re-execution).")
    var fairness = false

    func run() throws {
        let input: SequencerInput, out: SequencerOutput
        if let batches {
            input = try StreamFile.decode(try Data(contentsOf: URL(fileURLWithPath: stream)))
            out = try BatchesFile.decode(try Data(contentsOf: URL(fileURLWithPath: batches)))
        } else {
            let cx = try CounterexampleFile.load(path: stream)
            guard let seq = cx.sequencer else { throw ValidationError("\(stream) is not a sequencer_rules counterexample; give STREAM.json BATCHES.json") }
            (input, out) = try seq.decoded()
        }
        let verdict = try BatchVerifier.verify(input: input, output: out)
        for rule in verdict.rulesChecked {
            let vs = verdict.violations.filter { $0.rule == rule }
            print("\(rule): \(vs.isEmpty ? "pass" : "FAIL")")
            for v in vs { print("  txs \(v.txs): \(v.explanation)") }
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
