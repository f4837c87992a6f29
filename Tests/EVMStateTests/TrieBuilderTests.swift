import Dispatch
import EVMCore
import EVMState
import Testing
import _TestSupport

/// `TrieBuilder` (one pass over sorted leaves, optionally split over threads) must give the
/// same root as inserting the same pairs into `Trie` one by one.
@Suite struct TrieBuilderTests {
    /// The builder's body, shared by the test's threads (it writes distinct slots only).
    final class Body: @unchecked Sendable {
        let run: (Int) -> Void
        init(_ run: @escaping (Int) -> Void) { self.run = run }
    }

    /// Leaves shaped to hit every node kind: random keys (branches near the root), keys that
    /// share long prefixes (extensions, deep branches), 1-byte values (leaves under 32 bytes,
    /// embedded in their parent) and long values (hashed references), duplicates (later wins).
    static func leaves(count: Int, seed: UInt64) -> [(key: Bytes32, value: [UInt8])] {
        var rng = SeededRNG(seed: seed)
        var out: [(key: Bytes32, value: [UInt8])] = []
        let base = UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next())
        for i in 0..<count {
            let key: UInt256
            switch rng.next() % 4 {
            case 0: key = base &+ UInt256(rng.next() % 64)                       // shared 60-nibble prefix
            case 1: key = UInt256(w0: rng.next(), w1: rng.next(), w2: base.w2, w3: base.w3)
            case 2 where i > 0: key = out[Int(rng.next() % UInt64(out.count))].key.word   // duplicate
            default: key = UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next())
            }
            let length = rng.next() % 2 == 0 ? 1 : Int(rng.next() % 40) + 1
            out.append((key: Bytes32(key), value: (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) | 1 }))
        }
        return out
    }

    static func insertionRoot(_ leaves: [(key: Bytes32, value: [UInt8])]) -> Bytes32 {
        var t = Trie()
        for l in leaves { t.update(key: l.key.bytes, value: l.value) }
        return t.rootHash
    }

    @Test(arguments: [0, 1, 2, 3, 16, 17, 63, 64, 65, 200, 1500])
    func sameRootAsInsertion(count: Int) {
        for seed in UInt64(1)...8 {
            let leaves = Self.leaves(count: count, seed: seed &* 7919 &+ UInt64(count))
            let expected = Self.insertionRoot(leaves)
            #expect(TrieBuilder.root(leaves) == expected, "count \(count) seed \(seed)")
            // Subtries in reverse order, and on real threads: the split must not matter.
            let reversed: TrieBuilder.ForEach = { n, body in for i in (0..<n).reversed() { body(i) } }
            #expect(TrieBuilder.root(leaves, concurrently: reversed) == expected, "count \(count) seed \(seed), reversed")
            let threads: TrieBuilder.ForEach = { n, body in
                withoutActuallyEscaping(body) { b in
                    let box = Body(b)
                    DispatchQueue.concurrentPerform(iterations: n) { box.run($0) }
                }
            }
            #expect(TrieBuilder.root(leaves, concurrently: threads) == expected, "count \(count) seed \(seed), threads")
        }
    }

    @Test func emptyIsTheEmptyTrieRoot() {
        #expect(TrieBuilder.root([]) == Keccak256.emptyTrieRoot)
        #expect(StateRoot.storageRoot([UInt256(1): .zero]) == Keccak256.emptyTrieRoot)
    }

    /// The storage root skips zero values and hashes slots, like a `SecureTrie` of the non-zero slots.
    @Test func storageRootMatchesSecureTrie() {
        var rng = SeededRNG(seed: 0x5107)
        var storage: [UInt256: UInt256] = [:]
        for _ in 0..<700 { storage[UInt256(rng.next() % 5000)] = rng.next() % 5 == 0 ? .zero : UInt256(rng.next()) }
        var t = SecureTrie()
        for (k, v) in storage where !v.isZero { t.update(key: k.bigEndianBytes, value: RLP.encode(v)) }
        #expect(StateRoot.storageRoot(storage) == t.rootHash)
        let reversed: TrieBuilder.ForEach = { n, body in for i in (0..<n).reversed() { body(i) } }
        #expect(StateRoot.storageRoot(storage, concurrently: reversed) == t.rootHash)
    }
}
