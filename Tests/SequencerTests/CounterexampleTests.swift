import EVMCore
import Foundation
import Testing
import SequencerModel
import BatchVerification
import Counterexamples

/// Where planted-violation counterexamples go: `LOCKSTEP_FAULT_DIR` when set (to keep them for
/// `lockstep replay`), else a fresh temporary folder. They are test-only and never belong in
/// `Counterexamples/`.
func faultDirectory() -> URL {
    if let d = ProcessInfo.processInfo.environment["LOCKSTEP_FAULT_DIR"] { return URL(fileURLWithPath: d, isDirectory: true) }
    return FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-seq-cx-\(ProcessInfo.processInfo.processIdentifier)")
}

/// A planted violation of `rule` shrinks to a smaller stream that still violates it, is written
/// as a `sequencer_rules` counterexample file, reads back byte-identically, and replays bit for
/// bit (the same violations of the same rule). `rerun` (R19) is the second run's output.
func expectCounterexample(_ rule: String, input: SequencerInput, bad: SequencerOutput, rerun: SequencerOutput? = nil,
                          variant: String? = nil, seed: UInt64 = 0) throws {
    let name = variant ?? "planted:\(rule)"
    let shrunk = try #require(try BatchVerifier.shrink(input: input, output: bad, rule: rule, variant: name, seed: seed, rerun: rerun))
    #expect(shrunk.verdict.violates(rule))
    if input.stream.count > 4 {
        #expect(shrunk.input.stream.count < input.stream.count, "\(rule): not shrunk (\(input.stream.count) txs)")
    }
    #expect(shrunk.file.unshrunkTransactions == input.stream.count)
    let url = try shrunk.file.write(to: faultDirectory())
    #expect(url.path.hasSuffix("\(SequencerCase.property)/\(shrunk.file.contentHash).json"))
    let loaded = try CounterexampleFile.load(path: url.path)
    #expect(loaded == shrunk.file)
    #expect(loaded.encoded() == (try Data(contentsOf: url)))
    switch try loaded.replay() {
    case .reproduced(let v, let identical):
        #expect(identical, "\(rule): replay differs: \(v.difference)")
        #expect(v.difference.field == "rule \(rule)")
    case .fixed:
        Issue.record("\(rule): the stored counterexample does not reproduce")
    }
    #expect(CounterexampleStore.classify(path: url.path) == .reproduced(loaded.firstDifference.field + " expected holds actual " + loaded.firstDifference.actual))
    if ProcessInfo.processInfo.environment["LOCKSTEP_FAULT_DIR"] == nil { try? FileManager.default.removeItem(at: url) }
}

@Suite(.serialized) struct SequencerCounterexampleTests {
    /// The sandwich planted in the scenario shrinks to the three swaps that form it.
    @Test func sandwichShrinksToItsThreeSwaps() throws {
        let input = Scenario.input
        let out = try sequenced(input)
        var l = removing(11, from: layout(out))
        let b = try #require(batchIndex(of: 10, l))
        l[b].1.append([11])
        let shrunk = try #require(try BatchVerifier.shrink(input: input, output: rebuilt(out, l), rule: "R9", variant: "planted:R9"))
        #expect(Set(shrunk.input.stream.map(\.id)) == [9, 10, 11], "\(shrunk.input.stream.map(\.id))")
        #expect(shrunk.steps > 0)
        #expect(shrunk.file.sequencer?.violations.count == 1)
    }

    /// A correct output is no counterexample; a file whose batches are fixed replays as fixed.
    @Test func correctOutputGivesNoneAndAFixedFileSaysFixed() throws {
        let input = Scenario.input
        let out = try sequenced(input)
        #expect(try BatchVerifier.shrink(input: input, output: out, rule: "R9", variant: "planted:R9") == nil)
        var l = removing(11, from: layout(out))
        let b = try #require(batchIndex(of: 10, l))
        l[b].1.append([11])
        var file = try #require(try BatchVerifier.shrink(input: input, output: rebuilt(out, l), rule: "R9", variant: "planted:R9")).file
        // Repair the stored batches: drop the back-run and reject it instead.
        var seq = try #require(file.sequencer)
        let (si, so) = try seq.decoded()
        var fixedOut = BatchVerifier.removing([11], input: si, output: so).1
        fixedOut.rejections.append(Rejection(id: 11, reason: .sandwich(front: 9, victim: 10), batch: 0))
        seq.batches = BatchesFile(fixedOut)
        file.sequencer = seq
        #expect(try file.replay() == .fixed)
    }

    /// A malformed sequencer section is a typed error naming the field, never a trap.
    @Test func malformedSequencerSectionIsATypedError() throws {
        let input = Scenario.input
        let out = try sequenced(input)
        var l = removing(11, from: layout(out))
        let b = try #require(batchIndex(of: 10, l))
        l[b].1.append([11])
        let file = try #require(try BatchVerifier.shrink(input: input, output: rebuilt(out, l), rule: "R9", variant: "planted:R9")).file
        var text = String(decoding: file.encoded(), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"ordering\" : \"arrival\"", with: "\"ordering\" : \"sideways\"")
        #expect(throws: CounterexampleError.self) { try CounterexampleFile.decode(Data(text.utf8)) }
    }
}
