import ArgumentParser
import EVMExecution
import EVMInterpreter
import Foundation
import SequencerModel
import Counterexamples
import Generators
import Oracles

/// `lockstep replay FILE [--trace]`
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-run one counterexample file exactly.",
        discussion: """
            Re-runs the stored concrete input (and, for parallel properties, the stored schedule step for step), \
            prints the property, the input (disassembled code, decoded transactions) and the first difference. \
            Exits 1 when it still reproduces, 0 when fixed, 2 when the file cannot be read.
            """)

    @Argument(help: ArgumentHelp("A counterexample JSON file.", valueName: "file"))
    var file: String

    @Flag(name: .long, help: "Also print EIP-3155 traces (one JSON line per step) of the serial execution, per transaction.")
    var trace = false

    @Option(name: .long, help: ArgumentHelp("External-executor counterexamples: replay through this command instead of the stored one.",
                                            valueName: "CMD"))
    var executor: String?

    func run() throws {
        if let data = FileManager.default.contents(atPath: file), ExternalCounterexample.isExternal(data) {
            let override = executor.map { $0.hasPrefix("t8n:") ? String($0.dropFirst(4)) : $0 }
            try ExternalCheck.replay(data: data, file: file, override: override)
            return
        }
        let cx: CounterexampleFile
        let input: BlockInput
        let outcome: CounterexampleFile.ReplayOutcome
        do {
            cx = try CounterexampleFile.load(path: file)
            input = try cx.blockInput()
            outcome = try cx.replay()
        } catch {
            FileHandle.standardError.write(Data("lockstep replay: error: \(file): \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        print("Property \(cx.property) (variant \(cx.variant)), fork \(cx.fork), run seed \(cx.seeds.run), block seed \(cx.seeds.block)"
              + (cx.seeds.schedule.map { ", schedule seed \($0)" } ?? "") + ", written by \(cx.toolVersion)")
        print("Shrunk from \(cx.unshrunkTransactions) to \(input.transactions.count) transactions (\(cx.shrinkSteps) shrinks).")
        for line in CounterexampleRendering.text(input) { print(line) }
        if let s = cx.schedule {
            print("Schedule (\(s.workers) workers, \(s.steps.count) steps): "
                  + s.steps.filter { $0.action != .fetch }.map(\.description).joined(separator: ", "))
        }
        if let seq = cx.sequencer {
            if let (stream, out) = try? seq.decoded() {
                print("Sequencer rule \(seq.rule): \(stream.stream.count) stream transactions (ids \(stream.stream.map(\.id))); batches (groups of ids, in order):")
                for b in out.batches { print("  batch \(b.index) @\(b.time): \(b.groups)") }
                for r in out.rejections { print("  rejected \(r.id) (batch \(r.batch)): \(r.reason)") }
            }
            if let rerun = try? seq.decodedRerun() {
                let run = seq.rerun?.run.map { " (\($0.sequencer), seed \($0.seed))" } ?? ""
                print("Second run's batches\(run), same stream and seed:")
                for b in rerun.batches { print("  batch \(b.index) @\(b.time): \(b.groups)") }
                for r in rerun.rejections { print("  rejected \(r.id) (batch \(r.batch)): \(r.reason)") }
            }
            print("Stored violations:")
            for v in seq.violations { print("  \(v)") }
        }
        if let ds = cx.doubleSpend {
            print("Parallel group \(ds.group) executed by \(cx.variant); Z3 model: "
                  + ds.solverModel.keys.sorted().map { "\($0) = \(ds.solverModel[$0]!)" }.joined(separator: ", "))
            print("Constraints: " + ds.constraints.joined(separator: "; "))
        }
        print("Stored first difference: \(cx.firstDifference.field) expected \(cx.firstDifference.expected) actual \(cx.firstDifference.actual)")
        if trace {
            let state = input.pre.copy()
            for (i, tx) in input.transactions.enumerated() {
                print("--- EIP-3155 trace of T\(i) (serial) ---")
                let tracer = JSONLTracer { print($0, terminator: "") }
                let r = SerialExecutor(tracer: tracer).execute(preState: state, block: input.block, transactions: [tx], fork: input.fork)
                state.apply(r.diff)
            }
        }
        switch outcome {
        case .reproduced(let v, let identical):
            print("REPRODUCED\(identical ? " (bit for bit)" : " (with a different first difference)"): \(v.difference)")
            throw ExitCode(1)
        case .fixed:
            print("FIXED: the property holds on this input now.")
        }
    }
}
