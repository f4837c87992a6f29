import Foundation
import EVMCore
import EVMExecution
import SequencerModel
import Generators

/// Small valid inputs of every loader, and ways to damage them, shared by the bad-input suite
/// and the malformed-input fuzz.
enum Inputs {
    static let sender = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"
    static let target = "0x095e7baea6a6c7c4c2dfeb977efac326af552d87"

    /// A one-test state fixture (add11's shape, no `txbytes`) with `gasLimit` as its only gas
    /// variant and a block gas limit of 2^64 - 1, so only the transaction's own gas limit decides.
    static func fixture(gasLimit: String = "0x061a80", post: String? = nil, extra: String = "") -> Data {
        let post = post ?? """
            { "Cancun" : [ { "hash" : "0xe8010ce590f401c9d61fef8ab05bea9bcec24281b795e5868809bc4e515aa530",
                             "indexes" : { "data" : 0, "gas" : 0, "value" : 0 },
                             "logs" : "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347" } ] }
            """
        return Data("""
        {
            "add11" : {
                "env" : {
                    "currentBaseFee" : "0x0a",
                    "currentCoinbase" : "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba",
                    "currentDifficulty" : "0x020000",
                    "currentExcessBlobGas" : "0x00",
                    "currentGasLimit" : "0xffffffffffffffff",
                    "currentNumber" : "0x01",
                    "currentRandom" : "0x0000000000000000000000000000000000000000000000000000000000020000",
                    "currentTimestamp" : "0x03e8"\(extra)
                },
                "post" : \(post),
                "pre" : {
                    "\(target)" : { "balance" : "0x0de0b6b3a7640000", "code" : "0x600160010160005500", "nonce" : "0x00", "storage" : { } },
                    "\(sender)" : { "balance" : "0x0de0b6b3a7640000", "code" : "0x", "nonce" : "0x00", "storage" : { } }
                },
                "transaction" : {
                    "data" : [ "0x" ], "gasLimit" : [ "\(gasLimit)" ], "gasPrice" : "0x0a", "nonce" : "0x00",
                    "secretKey" : "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8",
                    "sender" : "\(sender)", "to" : "\(target)", "value" : [ "0x0186a0" ]
                }
            }
        }
        """.utf8)
    }

    /// A generated stream of `count` transactions (SequencerWorld), as an input.
    static func stream(count: Int = 6, seed: UInt64 = 7, policy: SequencerPolicy = SequencerWorld.policy()) -> SequencerInput {
        SequencerWorld.input(SequencerStreamGenerator(count: count, gapRate: 0).generate(seed: seed), policy: policy)
    }

    /// The stream file of `input` as a JSON object tree, for editing one field.
    static func streamTree(_ input: SequencerInput) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: StreamFile.encode(input)) as! [String: Any]
    }

    static func data(_ tree: Any) throws -> Data { try JSONSerialization.data(withJSONObject: tree, options: [.sortedKeys]) }

    /// `tree` with `f` applied to `stream[i]`.
    static func editingEntry(_ tree: [String: Any], _ i: Int, _ f: (inout [String: Any]) -> Void) -> [String: Any] {
        var t = tree
        var s = t["stream"] as! [[String: Any]]
        f(&s[i])
        t["stream"] = s
        return t
    }

    /// A legacy transfer from SequencerWorld's first user with the given gas limit.
    static func transfer(gasLimit: UInt64, nonce: UInt64 = 0) -> RecoveredTransaction {
        var t = SequencerWorld.transfer(SequencerWorld.user(0), nonce: nonce, to: SequencerWorld.user(1), amount: 1)
        t.transaction.gasLimit = gasLimit
        return t
    }
}

/// Seeded byte-level damage to a JSON document: each result is a plausible malformed input
/// (truncated, cut, an extreme number spliced in, a key repeated, a byte changed).
struct JSONMutator {
    var rng: SplitMix64

    static let extremes = ["0x8000000000000000", "0x7fffffffffffffff", "0x8000000000000001", "0xffffffffffffffff",
                           "0x10000000000000000", "0x" + String(repeating: "f", count: 64), "0x1" + String(repeating: "0", count: 64),
                           "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
                           "-1", "-9223372036854775809", "1e400", "0.5", "\"\"", "null", "true", "[]", "{}", "\"0x\"", "\"0xzz\""]

    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(rng.next() % UInt64(n)) }

    mutating func mutate(_ doc: [UInt8]) -> [UInt8] {
        guard doc.count > 2 else { return doc }
        var b = doc
        switch below(6) {
        case 0:  // truncate
            b.removeSubrange(below(b.count)...)
        case 1:  // cut a range
            let i = below(b.count), n = 1 + below(min(64, b.count - i))
            b.removeSubrange(i..<min(b.count, i + n))
        case 2:  // an extreme value in place of a scalar (number or string token)
            let starts = b.indices.filter { (b[$0] == UInt8(ascii: ":") || b[$0] == UInt8(ascii: "[")) }
            guard let s = starts.isEmpty ? nil : starts[below(starts.count)] else { break }
            var i = s + 1
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A { i += 1 }
            var j = i
            if j < b.count, b[j] == UInt8(ascii: "\"") {
                j += 1
                while j < b.count, b[j] != UInt8(ascii: "\"") { j += 1 }
                j = min(b.count, j + 1)
            } else {
                while j < b.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(b[j]) { j += 1 }
            }
            var v = Self.extremes[below(Self.extremes.count)]
            if below(2) == 0, v.hasPrefix("0x") { v = "\"" + v + "\"" }
            b.replaceSubrange(i..<j, with: Array(v.utf8))
        case 3:  // repeat the first key of some object: `{"k": …` → `{"k": 0, "k": …`
            let opens = b.indices.filter { b[$0] == UInt8(ascii: "{") }
            guard !opens.isEmpty else { break }
            let o = opens[below(opens.count)]
            var i = o + 1
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A { i += 1 }
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { break }
            var j = i + 1
            while j < b.count, b[j] != UInt8(ascii: "\"") { j += 1 }
            guard j < b.count else { break }
            let key = Array(b[i...j])
            b.insert(contentsOf: key + Array(": \"0x01\", ".utf8), at: i)
        case 4:  // change one byte
            b[below(b.count)] = UInt8(truncatingIfNeeded: rng.next())
        default:  // nest deeply
            let i = below(b.count)
            b.insert(contentsOf: Array(String(repeating: "[", count: 5000).utf8), at: i)
        }
        return b
    }
}
