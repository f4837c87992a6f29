import Foundation
import Testing
import EVMCore
import ParallelExecutor
import EthereumTests
import SequencerModel
import Sequencer
import BatchVerification
import Counterexamples

/// Every numeric field of every file format (each field once, at its first occurrence), set in turn to each extreme value (2^63 ± 1,
/// 2^64 − 1, 2^64, 2^256 − 1, 2^256, −1), is either accepted — and then the verb's work
/// (executing the case, sequencing, verifying, replaying) runs to the end without trapping —
/// or refused with the loader's typed error naming the field.
@Suite struct ExtremeNumberTests {
    static let hexExtremes = ["0x7fffffffffffffff", "0x8000000000000000", "0x8000000000000001", "0xffffffffffffffff",
                              "0x10000000000000000", "0x" + String(repeating: "f", count: 64), "0x1" + String(repeating: "0", count: 64)]
    static let jsonExtremes: [NSNumber] = [NSNumber(value: Int64.max), NSNumber(value: UInt64(1) << 63), NSNumber(value: UInt64.max),
                                           NSNumber(value: -1), NSNumber(value: Int64.min)]

    /// A leaf of a JSON tree: its path (keys and indexes) and whether it is a number or a hex string.
    struct Leaf { var path: [String]; var isNumber: Bool }

    static func leaves(_ node: Any, _ path: [String] = []) -> [Leaf] {
        if let d = node as? [String: Any] { return d.keys.sorted().flatMap { leaves(d[$0]!, path + [$0]) } }
        if let a = node as? [Any] { return a.indices.flatMap { leaves(a[$0], path + ["\($0)"]) } }
        if let n = node as? NSNumber, String(cString: n.objCType) != "c" { return [Leaf(path: path, isNumber: true)] }
        if let s = node as? String, s.hasPrefix("0x"), s.count <= 66 { return [Leaf(path: path, isNumber: false)] }
        return []
    }

    static func replacing(_ node: Any, _ path: ArraySlice<String>, _ value: Any) -> Any {
        guard let k = path.first else { return value }
        if var d = node as? [String: Any] { d[k] = replacing(d[k]!, path.dropFirst(), value); return d }
        if var a = node as? [Any], let i = Int(k) { a[i] = replacing(a[i], path.dropFirst(), value); return a }
        return node
    }

    /// The last key of `path` that names a field (not an index, not a hex map key).
    static func fieldName(_ path: [String]) -> String? { path.last { Int($0) == nil && !$0.hasPrefix("0x") } }

    /// Runs `load` on every (leaf, extreme) mutant of `doc`; returns (accepted, refused). `load`
    /// returns nil when it accepted the mutant, else the error text, which must name the field.
    /// `consistency`: a refusal may instead say which stored result no longer holds (a
    /// counterexample whose input was changed is refused at its `expected` side or schedule).
    static func sweep(_ doc: Data, _ name: String, consistency: Bool = false, load: (Data) -> String?) throws -> (Int, Int) {
        let tree = try JSONSerialization.jsonObject(with: doc)
        var accepted = 0, refused = 0
        // Every field once: the first occurrence of each path with array indexes and hex map
        // keys erased (stream[3].tx.gasLimit is the field stream[0].tx.gasLimit already covers).
        var seen = Set<String>()
        let fields = leaves(tree).filter { leaf in
            seen.insert(leaf.path.map { Int($0) != nil ? "[]" : $0.hasPrefix("0x") ? "{}" : $0 }.joined(separator: ".")).inserted
        }
        for leaf in fields {
            let values: [Any] = leaf.isNumber ? jsonExtremes : hexExtremes
            for v in values {
                let mutant = try JSONSerialization.data(withJSONObject: replacing(tree, leaf.path[...], v), options: [.sortedKeys])
                if let why = load(mutant) {
                    refused += 1
                    if let f = fieldName(leaf.path) {
                        #expect(why.contains(f) || (consistency && why.contains("does not hold")),
                                "\(name): \(leaf.path.joined(separator: ".")) = \(v): refusal does not name \(f): \(why)")
                    }
                } else {
                    accepted += 1
                }
            }
        }
        print("extremes \(name): \(accepted) accepted and run, \(refused) refused naming the field")
        return (accepted, refused)
    }

    @Test func fixtureFields() throws {
        let (a, r) = try Self.sweep(Inputs.fixture(), "fixture") { data in
            do {
                let file = try StateTestFile.parse(data, relativePath: "x.json")
                for c in try file.cases() {
                    _ = StateTestExecution.run(c, trace: false)
                    _ = StateTestExecution.run(c, trace: false, executor: ParallelExecutor(driver: .deterministic(seed: 1, workers: 2, abortBias: 0.5)))
                }
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(a > 0 && r > 0)
    }

    @Test func streamFields() throws {
        let (a, r) = try Self.sweep(StreamFile.encode(Inputs.stream(count: 3)), "stream") { data in
            do {
                let input = try StreamFile.decode(data)
                do { _ = try Sequencer.sequence(input) } catch { return nil }  // a refused policy/arrival: typed, checked elsewhere
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(a > 0 && r > 0)
    }

    @Test func batchesFields() throws {
        let input = Inputs.stream(count: 3)
        let out = try Sequencer.sequence(input)
        let (a, r) = try Self.sweep(BatchesFile.encode(out), "batches") { data in
            do {
                let o = try BatchesFile.decode(data)
                _ = try? BatchVerifier.verify(input: input, output: o)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(a > 0 && r > 0)
    }

    @Test func counterexampleFields() throws {
        let file = try #require(CounterexampleTamperTests.genuine)
        let (a, r) = try Self.sweep(file.encoded(), "counterexample", consistency: true) { data in
            do {
                let f = try CounterexampleFile.decode(data)
                _ = try f.replay()
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(a >= 0 && r > 0)
    }
}
