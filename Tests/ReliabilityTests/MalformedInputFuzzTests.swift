import Foundation
import Testing
import EVMCore
import EthereumTests
import SequencerModel
import Sequencer
import Counterexamples
import Generators

/// Seeded damage to valid documents of every JSON loader: each mutant either loads (and then
/// runs without trapping) or is refused with the loader's typed error. A crash fails the whole
/// run, so reaching the end is the property; the count of refusals shows the mutants were bad.
/// `LOCKSTEP_FUZZ_CASES` (default 150 per loader) and `LOCKSTEP_FUZZ_SEED` (default 0x16) set the
/// campaign; a failure prints the seed and the mutant's index.
@Suite struct MalformedInputFuzzTests {
    static let cases = ProcessInfo.processInfo.environment["LOCKSTEP_FUZZ_CASES"].flatMap(Int.init) ?? 150
    static let seed = ProcessInfo.processInfo.environment["LOCKSTEP_FUZZ_SEED"].flatMap { UInt64($0.hasPrefix("0x") ? String($0.dropFirst(2)) : $0, radix: $0.hasPrefix("0x") ? 16 : 10) } ?? 0x16

    /// Mutants of `doc`; `load` returns true when it accepted the mutant.
    func campaign(_ name: String, _ doc: Data, salt: UInt64, load: (Data) -> Bool) {
        var m = JSONMutator(rng: SplitMix64(seed: Self.seed ^ salt))
        var refused = 0
        let start = Date()
        for _ in 0..<Self.cases {
            if !load(Data(m.mutate(Array(doc)))) { refused += 1 }
        }
        #expect(refused > 0, "\(name): no mutant was refused (seed \(Self.seed))")
        print("fuzz \(name): \(Self.cases) mutants, \(refused) refused with a typed error, \(String(format: "%.2f", Date().timeIntervalSince(start))) s (LOCKSTEP_FUZZ_SEED=\(Self.seed))")
    }

    @Test func fixtureLoader() {
        campaign("fixture", Inputs.fixture(), salt: 1) { data in
            do {
                let file = try StateTestFile.parse(data, relativePath: "mutant.json")
                for c in try file.cases() { _ = StateTestExecution.run(c, trace: false) }
                return true
            } catch {
                return false  // FixtureError: typed
            }
        }
    }

    @Test func streamLoaderAndSequencer() {
        campaign("stream", StreamFile.encode(Inputs.stream(count: 4)), salt: 2) { data in
            let input: SequencerInput
            do { input = try StreamFile.decode(data) } catch { return false }
            do { _ = try Sequencer.sequence(input) } catch { return false }  // SequencerError: typed
            return true
        }
    }

    @Test func batchesLoader() throws {
        let out = try Sequencer.sequence(Inputs.stream(count: 4))
        campaign("batches", BatchesFile.encode(out), salt: 3) { data in
            do { _ = try BatchesFile.decode(data); return true } catch { return false }
        }
    }

    @Test func counterexampleLoader() throws {
        let file = try #require(CounterexampleTamperTests.genuine)
        campaign("counterexample", file.encoded(), salt: 4) { data in
            do {
                let f = try CounterexampleFile.decode(data)
                _ = try f.blockInput()
                return true
            } catch {
                return false  // CounterexampleError: typed
            }
        }
    }
}
