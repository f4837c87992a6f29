import Foundation

/// A small valid fixture (shaped like stExample/add11, with two data and two gas variants and
/// an access list) and helpers to damage it in one place.
enum SampleFixture {
    static let file = "GeneralStateTests/stExample/add11.json"
    static let account = "0x095e7baea6a6c7c4c2dfeb977efac326af552d87"
    static let sender = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"

    static let text = """
    {
        "add11" : {
            "_info" : { "comment" : "sample" },
            "env" : {
                "currentBaseFee" : "0x0a",
                "currentCoinbase" : "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba",
                "currentDifficulty" : "0x020000",
                "currentExcessBlobGas" : "0x00",
                "currentGasLimit" : "0xff112233445566",
                "currentNumber" : "0x01",
                "currentRandom" : "0x0000000000000000000000000000000000000000000000000000000000020000",
                "currentTimestamp" : "0x03e8"
            },
            "post" : {
                "Cancun" : [
                    {
                        "hash" : "0xe8010ce590f401c9d61fef8ab05bea9bcec24281b795e5868809bc4e515aa530",
                        "indexes" : { "data" : 0, "gas" : 0, "value" : 0 },
                        "logs" : "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
                        "txbytes" : "0xf863800a"
                    },
                    {
                        "expectException" : "TransactionException.INTRINSIC_GAS_TOO_LOW",
                        "hash" : "0x0000000000000000000000000000000000000000000000000000000000000001",
                        "indexes" : { "data" : 1, "gas" : 1, "value" : 0 },
                        "logs" : "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
                        "txbytes" : "0x01"
                    }
                ]
            },
            "pre" : {
                "0x095e7baea6a6c7c4c2dfeb977efac326af552d87" : {
                    "balance" : "0x0de0b6b3a7640000",
                    "code" : "0x600160010160005500",
                    "nonce" : "0x00",
                    "storage" : { "0x01" : "0x02", "0x0100" : "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff" }
                },
                "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b" : {
                    "balance" : "0x0de0b6b3a7640000",
                    "code" : "0x",
                    "nonce" : "0xffffffffffffffff",
                    "storage" : { }
                }
            },
            "transaction" : {
                "accessLists" : [
                    [ { "address" : "0x095e7baea6a6c7c4c2dfeb977efac326af552d87",
                        "storageKeys" : [ "0x0000000000000000000000000000000000000000000000000000000000000001" ] } ],
                    null
                ],
                "data" : [ "0x", "0x1234" ],
                "gasLimit" : [ "0x061a80", "0xffffffffffffffffff" ],
                "gasPrice" : "0x0a",
                "nonce" : "0x00",
                "secretKey" : "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8",
                "sender" : "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b",
                "to" : "0x095e7baea6a6c7c4c2dfeb977efac326af552d87",
                "value" : [ "0x0186a0" ]
            }
        }
    }
    """

    static var data: Data { Data(text.utf8) }

    /// The sample with the value at `path` (object keys, or decimal indexes into arrays)
    /// replaced by `value`, or removed when `value` is nil.
    static func with(_ path: [String], _ value: Any?) throws -> Data {
        let root = try JSONSerialization.jsonObject(with: data)
        let changed = replacing(root, path: path[...], value: value)
        return try JSONSerialization.data(withJSONObject: changed)
    }

    private static func replacing(_ node: Any, path: ArraySlice<String>, value: Any?) -> Any {
        guard let key = path.first else { return value as Any }
        let rest = path.dropFirst()
        if var dict = node as? [String: Any] {
            if rest.isEmpty {
                dict[key] = value
            } else {
                dict[key] = replacing(dict[key] as Any, path: rest, value: value)
            }
            return dict
        }
        if var array = node as? [Any], let i = Int(key) {
            if rest.isEmpty {
                if let value { array[i] = value } else { array.remove(at: i) }
            } else {
                array[i] = replacing(array[i], path: rest, value: value)
            }
            return array
        }
        return node
    }
}
