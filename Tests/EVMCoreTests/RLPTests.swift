import Testing
import Foundation
import BigInt
import EVMCore
import _TestSupport

/// RLP against the ethereum/tests `RLPTests` vectors plus hand-written edge cases.
///
/// Vector format: `in` is the value to encode (a string = its UTF-8 bytes, a JSON integer or a
/// `"#<decimal>"` big integer = minimal big-endian bytes, an array = a list), `"INVALID"` when
/// `out` must be rejected by the decoder, or `"VALID"` when `out` must decode (the random
/// vectors give only the encoding). `out` is hex, with or without `0x`.
@Suite struct RLPTests {
    static let rlpDirectory = Fixtures.ethereumTests("RLPTests")

    struct Vector {
        let file: String
        let name: String
        let input: Any
        let out: String
    }

    static func loadVectors() throws -> [Vector] {
        guard let dir = rlpDirectory else { return [] }
        var vectors: [Vector] = []
        for url in Fixtures.jsonFiles(under: dir) {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
            guard let cases = json as? [String: Any] else {
                Issue.record("\(url.lastPathComponent): top level is not an object")
                continue
            }
            for (name, body) in cases.sorted(by: { $0.key < $1.key }) {
                guard let body = body as? [String: Any], let input = body["in"], let out = body["out"] as? String else {
                    Issue.record("\(url.lastPathComponent)/\(name): missing in/out")
                    continue
                }
                vectors.append(Vector(file: url.lastPathComponent, name: name, input: input, out: out))
            }
        }
        return vectors
    }

    /// The item a vector's `in` describes.
    static func expectedItem(_ input: Any) -> RLPItem? {
        if let s = input as? String {
            if s.hasPrefix("#") {
                guard let big = BigUInt(s.dropFirst(), radix: 10) else { return nil }
                return .bytes(Array(big.serialize()))
            }
            return .bytes(Array(s.utf8))
        }
        if let list = input as? [Any] {
            var items: [RLPItem] = []
            for element in list {
                guard let item = expectedItem(element) else { return nil }
                items.append(item)
            }
            return .list(items)
        }
        if let n = input as? NSNumber {
            return .bytes(UInt256(n.uint64Value).minimalBigEndianBytes)
        }
        return nil
    }

    @Test(.enabled(if: rlpDirectory != nil, "ethereum/tests fixtures absent (set LOCKSTEP_ETHEREUM_TESTS)"))
    func ethereumVectors() throws {
        let vectors = try Self.loadVectors()
        var valid = 0, invalid = 0, decodeOnly = 0
        for v in vectors {
            let label = "\(v.file)/\(v.name)"
            let outBytes = try Hex.decode(v.out)
            if let marker = v.input as? String, marker == "INVALID" {
                invalid += 1
                #expect(throws: RLPError.self, "\(label) must be rejected") { _ = try RLP.decode(outBytes) }
            } else if let marker = v.input as? String, marker == "VALID" {
                decodeOnly += 1
                let item = try RLP.decode(outBytes)
                #expect(RLP.encode(item) == outBytes, "\(label) re-encodes")
            } else {
                valid += 1
                guard let expected = Self.expectedItem(v.input) else {
                    Issue.record("\(label): cannot interpret `in`")
                    continue
                }
                #expect(RLP.encode(expected) == outBytes, "\(label) encodes to out")
                let decoded = try RLP.decode(outBytes)
                #expect(decoded == expected, "\(label) decodes back to in")
                #expect(RLP.encode(decoded) == outBytes, "\(label) round-trips")
            }
        }
        print("RLPTests: \(valid) valid, \(invalid) invalid, \(decodeOnly) decode-only vectors ran")
        // rlptest.json has 28 cases, invalidRLPTest.json 26, RandomRLPTests/example.json 1.
        #expect(valid >= 28)
        #expect(invalid >= 26)
        #expect(decodeOnly >= 1)
    }

    // MARK: Edge cases beyond the vectors

    @Test func integerEncoding() {
        #expect(RLP.encode(UInt64(0)) == [0x80])
        #expect(RLP.encode(UInt64(0x7f)) == [0x7f])
        #expect(RLP.encode(UInt64(0x80)) == [0x81, 0x80])
        #expect(RLP.encode(UInt256.max) == [0xa0] + [UInt8](repeating: 0xff, count: 32))
    }

    @Test func lengthBoundaries() throws {
        // 55 bytes: short form; 56 bytes: long form with one length byte.
        let s55 = [UInt8](repeating: 0xaa, count: 55)
        let s56 = [UInt8](repeating: 0xaa, count: 56)
        #expect(RLP.encode(bytes: s55).prefix(1) == [0xb7])
        #expect(RLP.encode(bytes: s56).prefix(2) == [0xb8, 56])
        #expect(try RLP.decode(RLP.encode(bytes: s56)) == .bytes(s56))
        let list = RLP.encodeList([RLP.encode(bytes: s55)])   // payload 56 bytes
        #expect(list.prefix(2) == [0xf8, 56])
        #expect(try RLP.decode(list) == .list([.bytes(s55)]))
    }

    @Test func typedErrors() {
        #expect(throws: RLPError.empty) { try RLP.decode([UInt8]()) }
        #expect(throws: RLPError.trailingBytes(1)) { try RLP.decode([0x80, 0x80]) }
        #expect(throws: RLPError.nonCanonicalSingleByte) { try RLP.decode([0x81, 0x00]) }
        #expect(throws: RLPError.nonCanonicalLength) { try RLP.decode([0xb8, 0x01, 0xff]) }
        #expect(throws: RLPError.truncated(needed: 3, available: 2)) { try RLP.decode([0x83, 0x01, 0x02]) }
        // An item inside a list may not run past the list's end.
        #expect(throws: RLPError.truncated(needed: 2, available: 1)) { try RLP.decode([0xc2, 0x82, 0x01]) }
        // Eight length bytes describe more than Int can index.
        #expect(throws: RLPError.lengthOverflow) { try RLP.decode([0xbf, 0x7f] + [UInt8](repeating: 0xff, count: 7)) }
    }

    @Test func deepNestingIsRejectedNotCrashed() throws {
        // 100 000 nested one-item lists, each with a correct length header, would recurse
        // 100 000 frames deep. Built inside out in reverse so it costs O(size), not O(size²).
        var reversed: [UInt8] = [0xc0]
        for _ in 0..<100_000 {
            let n = reversed.count
            let header: [UInt8] = n < 56 ? [0xc0 + UInt8(n)] : {
                let len = UInt256(UInt64(n)).minimalBigEndianBytes
                return [0xf7 + UInt8(len.count)] + len
            }()
            reversed.append(contentsOf: header.reversed())
        }
        let enc = Array(reversed.reversed())
        #expect(throws: RLPError.nestingTooDeep(maxDepth: RLP.maxDepth)) { try RLP.decode(enc) }

        // Nesting exactly at the limit still decodes.
        var ok: [UInt8] = [0xc0]
        for _ in 0..<(RLP.maxDepth - 1) { ok = RLP.encodeList([ok]) }
        var item = try RLP.decode(ok)
        var depth = 0
        while case .list(let inner) = item, let first = inner.first { item = first; depth += 1 }
        #expect(depth == RLP.maxDepth - 1)
    }

    @Test func fieldAccessors() throws {
        #expect(try RLPItem.bytes([0x01, 0x00]).asUInt64() == 256)
        #expect(throws: RLPError.nonCanonicalInteger) { try RLPItem.bytes([0x00, 0x01]).asUInt64() }
        #expect(throws: RLPError.integerTooLarge(maxBytes: 8)) { try RLPItem.bytes([UInt8](repeating: 1, count: 9)).asUInt64() }
        #expect(throws: RLPError.expectedList) { try RLPItem.bytes([]).asList() }
        #expect(throws: RLPError.wrongLength(expected: 20, actual: 19)) {
            try RLPItem.bytes([UInt8](repeating: 1, count: 19)).asAddress()
        }
    }

    @Test func randomRoundTrip() throws {
        var rng = SeededRNG(seed: 0x5eed_0001)
        func randomItem(_ depth: Int) -> RLPItem {
            if depth > 3 || rng.next() % 3 != 0 {
                let len = Int(rng.next() % 70)
                return .bytes((0..<len).map { _ in UInt8(truncatingIfNeeded: rng.next() % 3 == 0 ? rng.next() % 0x80 : rng.next()) })
            }
            return .list((0..<Int(rng.next() % 5)).map { _ in randomItem(depth + 1) })
        }
        for _ in 0..<500 {
            let item = randomItem(0)
            let enc = RLP.encode(item)
            #expect(try RLP.decode(enc) == item, "seed 0x5eed0001")
        }
    }
}
