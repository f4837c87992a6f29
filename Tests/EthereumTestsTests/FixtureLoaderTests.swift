import EVMCore
import Foundation
import Testing
@testable import EthereumTests

@Suite struct FixtureLoaderTests {
    let file = SampleFixture.file
    let account = SampleFixture.account

    @Test func parsesEveryFieldOfTheSample() throws {
        let loaded = try StateTestFile.parse(SampleFixture.data, relativePath: file)
        #expect(loaded.path == file)
        #expect(loaded.folder == "stExample")
        let test = try #require(loaded.tests.first)
        #expect(loaded.tests.count == 1)
        #expect(test.name == "add11")

        #expect(test.env.coinbase == Address(hex: "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba"))
        #expect(test.env.gasLimit == UInt256(0xff11_2233_4455_66 as UInt64))
        #expect(test.env.number == 1)
        #expect(test.env.timestamp == 1000)
        #expect(test.env.difficulty == 0x20000)
        #expect(test.env.random == Bytes32(UInt256(0x20000 as UInt64)))
        #expect(test.env.baseFee == 10)
        #expect(test.env.excessBlobGas == 0)

        #expect(test.pre.count == 2)
        let address = try #require(Address(hex: account))
        let senderAddress = try #require(Address(hex: SampleFixture.sender))
        let acct = try #require(test.pre[address])
        #expect(acct.balance == UInt256(1_000_000_000_000_000_000 as UInt64))
        #expect(acct.nonce == 0)
        #expect(acct.code == [0x60, 0x01, 0x60, 0x01, 0x01, 0x60, 0x00, 0x55, 0x00])
        #expect(acct.storage == [UInt256(1): UInt256(2), UInt256(0x100): UInt256.max])
        let senderAcct = try #require(test.pre[senderAddress])
        #expect(senderAcct.nonce == UInt64.max)
        #expect(senderAcct.code.isEmpty && senderAcct.storage.isEmpty)

        let tx = test.transaction
        #expect(tx.data == [[], [0x12, 0x34]])
        // Gas limits wider than 64 bits are kept.
        #expect(tx.gasLimit == [UInt256(400_000), UInt256(w0: .max, w1: 0xff, w2: 0, w3: 0)])
        #expect(tx.value == [.word(100_000)])
        #expect(tx.nonce == 0)
        #expect(tx.to == Address(hex: account))
        #expect(tx.sender == Address(hex: SampleFixture.sender))
        #expect(tx.secretKey.hexString == "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8")
        #expect(tx.gasPrice == 10)
        #expect(tx.maxFeePerGas == nil && tx.maxPriorityFeePerGas == nil)
        #expect(tx.blobVersionedHashes == nil && tx.maxFeePerBlobGas == nil && tx.authorizationList == nil)
        let lists = try #require(tx.accessLists)
        #expect(lists.count == 2)
        #expect(lists[0] == [AccessEntry(address: address, storageKeys: [Bytes32(UInt256.one)])])
        #expect(lists[1] == nil)

        let post = try #require(test.post["Cancun"])
        #expect(post.count == 2)
        #expect(post[0].indexes == PostIndexes(data: 0, gas: 0, value: 0))
        #expect(post[0].hash.hexString == "0xe8010ce590f401c9d61fef8ab05bea9bcec24281b795e5868809bc4e515aa530")
        #expect(post[0].logs == Keccak256.emptyListHash)
        #expect(post[0].txbytes == [0xf8, 0x63, 0x80, 0x0a])
        #expect(post[0].expectException == nil)
        #expect(post[1].expectException == "TransactionException.INTRINSIC_GAS_TOO_LOW")
    }

    @Test func expandsOneCasePerPostEntry() throws {
        let cases = try StateTestFile.parse(SampleFixture.data, relativePath: file).cases()
        #expect(cases.count == 2)
        let c0 = cases[0], c1 = cases[1]
        #expect(c0.file == file && c0.folder == "stExample" && c0.testName == "add11")
        #expect(c0.fork == "Cancun" && c0.hardfork == .cancun)
        #expect(c0.index == 0 && c1.index == 1)
        #expect(c0.id == "\(file):add11:Cancun:0")
        #expect(c0.transaction.data == [] && c1.transaction.data == [0x12, 0x34])
        #expect(c0.transaction.gasLimit == 400_000 && c1.transaction.gasLimit == UInt256(w0: .max, w1: 0xff, w2: 0, w3: 0))
        #expect(c0.transaction.accessList?.count == 1)
        #expect(c1.transaction.accessList == nil)
        #expect(c0.transaction.impliedType == 1 && c1.transaction.impliedType == 0)
        #expect(c0.expectException == nil)
        #expect(c1.expectException == "TransactionException.INTRINSIC_GAS_TOO_LOW")
        #expect(c1.expectedStateRoot == Bytes32(UInt256.one))
        #expect(c0.pre.count == 2 && c0.env == c1.env)
    }

    @Test func contractCreationAndOversizedValue() throws {
        var data = try SampleFixture.with(["add11", "transaction", "to"], "")
        var test = try #require(try StateTestFile.parse(data, relativePath: file).tests.first)
        #expect(test.transaction.to == nil)

        let big = "0x:bigint 0x10000000000000000000000000000000000000000000000000000000000000001"
        data = try SampleFixture.with(["add11", "transaction", "value"], [big, "0x:bigint 0x05"])
        test = try #require(try StateTestFile.parse(data, relativePath: file).tests.first)
        #expect(test.transaction.value[0] == .exceeds256Bits([1] + [UInt8](repeating: 0, count: 31) + [1]))
        #expect(test.transaction.value[0].word == nil)
        #expect(test.transaction.value[1] == .word(5))
    }

    @Test func unknownForkIsKeptWithoutHardfork() throws {
        let entry: [String: Any] = [
            "hash": "0x" + String(repeating: "0", count: 64), "logs": "0x" + String(repeating: "0", count: 64),
            "indexes": ["data": 0, "gas": 0, "value": 0],
        ]
        let data = try SampleFixture.with(["add11", "post", "Amsterdam"], [entry])
        let test = try #require(try StateTestFile.parse(data, relativePath: file).tests.first)
        #expect(test.forkNames == ["Cancun", "Amsterdam"])
        let cases = try test.cases(file: file, folder: "stExample")
        #expect(cases.map(\.fork) == ["Cancun", "Cancun", "Amsterdam"])
        #expect(cases[2].hardfork == nil)
        #expect(cases[2].txbytes == nil)
    }

    // MARK: Malformed input: each error names file, test and field

    private func failure(_ data: Data) -> FixtureError? {
        do {
            _ = try StateTestFile.parse(data, relativePath: file)
            return nil
        } catch {
            return error
        }
    }

    @Test func badHexInBalance() throws {
        let error = try #require(failure(try SampleFixture.with(["add11", "pre", account, "balance"], "0x0dg0")))
        #expect(error.file == file && error.test == "add11")
        #expect(error.field == "pre.\(account).balance")
        #expect(error.problem == .invalidHexCharacter("g", at: 4))
        #expect(error.description == "\(file): test \"add11\": pre.\(account).balance: invalid hex character 'g' at 4")
    }

    @Test func badHexInCodeAndData() throws {
        var error = try #require(failure(try SampleFixture.with(["add11", "pre", account, "code"], "0x60z1")))
        #expect(error.field == "pre.\(account).code" && error.problem == .invalidHexCharacter("z", at: 4))
        error = try #require(failure(try SampleFixture.with(["add11", "transaction", "data", "1"], "0x123")))
        #expect(error.field == "transaction.data[1]" && error.problem == .oddHexLength(digits: 3))
        error = try #require(failure(try SampleFixture.with(["add11", "transaction", "gasLimit", "0"], "400000")))
        #expect(error.field == "transaction.gasLimit[0]" && error.problem == .missingHexPrefix("400000"))
        error = try #require(failure(try SampleFixture.with(["add11", "env", "currentNumber"], "0x")))
        #expect(error.field == "env.currentNumber" && error.problem == .emptyNumber)
    }

    @Test func badStorageKey() throws {
        let storage: [String: Any] = ["0xzz": "0x01"]
        let error = try #require(failure(try SampleFixture.with(["add11", "pre", account, "storage"], storage)))
        #expect(error.field == "pre.\(account).storage.0xzz")
        #expect(error.problem == .invalidHexCharacter("z", at: 2))
        let dup: [String: Any] = ["0x01": "0x01", "0x0001": "0x02"]
        let dupError = try #require(failure(try SampleFixture.with(["add11", "pre", account, "storage"], dup)))
        #expect(dupError.problem == .duplicateKey("0x01") || dupError.problem == .duplicateKey("0x0001"))
    }

    @Test func missingFields() throws {
        var error = try #require(failure(try SampleFixture.with(["add11", "env", "currentCoinbase"], nil)))
        #expect(error.description == "\(file): test \"add11\": env.currentCoinbase: missing field")
        error = try #require(failure(try SampleFixture.with(["add11", "pre", account, "nonce"], nil)))
        #expect(error.field == "pre.\(account).nonce" && error.problem == .missingField)
        error = try #require(failure(try SampleFixture.with(["add11", "post", "Cancun", "1", "hash"], nil)))
        #expect(error.field == "post.Cancun[1].hash" && error.problem == .missingField)
        error = try #require(failure(try SampleFixture.with(["add11", "transaction"], nil)))
        #expect(error.field == "transaction" && error.problem == .missingField)
        error = try #require(failure(try SampleFixture.with(["add11", "transaction", "gasPrice"], nil)))
        #expect(error.field == "transaction.gasPrice" && error.problem == .missingField)
    }

    @Test func wrongTypes() throws {
        var error = try #require(failure(try SampleFixture.with(["add11", "pre", account, "nonce"], 0)))
        #expect(error.field == "pre.\(account).nonce" && error.problem == .wrongType(expected: "string", found: "number"))
        error = try #require(failure(try SampleFixture.with(["add11", "transaction", "data"], "0x")))
        #expect(error.field == "transaction.data" && error.problem == .wrongType(expected: "array", found: "string"))
        error = try #require(failure(try SampleFixture.with(["add11", "post", "Cancun", "0", "indexes", "gas"], true)))
        #expect(error.field == "post.Cancun[0].indexes.gas" && error.problem == .wrongType(expected: "integer", found: "boolean"))
        error = try #require(failure(try SampleFixture.with(["add11", "post", "Cancun", "0", "indexes", "gas"], 0.5)))
        #expect(error.field == "post.Cancun[0].indexes.gas")
        error = try #require(failure(try SampleFixture.with(["add11", "env"], [1, 2])))
        #expect(error.field == "env" && error.problem == .wrongType(expected: "object", found: "array"))
        error = try #require(failure(Data("[1, 2]".utf8)))
        #expect(error.test == nil && error.problem == .wrongType(expected: "object", found: "array"))
    }

    @Test func sizeAndRangeChecks() throws {
        var error = try #require(failure(try SampleFixture.with(["add11", "pre", account, "nonce"], "0x010000000000000000")))
        #expect(error.field == "pre.\(account).nonce" && error.problem == .tooLarge(maxBits: 64))
        error = try #require(failure(try SampleFixture.with(["add11", "pre", account, "balance"], "0x1" + String(repeating: "0", count: 64))))
        #expect(error.problem == .tooLarge(maxBits: 256))
        error = try #require(failure(try SampleFixture.with(["add11", "transaction", "to"], "0x1234")))
        #expect(error.field == "transaction.to" && error.problem == .wrongByteLength(expected: 20, found: 2))
        error = try #require(failure(try SampleFixture.with(["add11", "post", "Cancun", "0", "logs"], "0x1dcc")))
        #expect(error.field == "post.Cancun[0].logs" && error.problem == .wrongByteLength(expected: 32, found: 2))
        error = try #require(failure(try SampleFixture.with(["add11", "post", "Cancun", "1", "indexes", "data"], 2)))
        #expect(error.field == "post.Cancun[1].indexes.data" && error.problem == .indexOutOfRange(index: 2, count: 2))
        error = try #require(failure(try SampleFixture.with(["add11", "transaction", "accessLists", "1"], nil)))
        #expect(error.field == "transaction.accessLists" && error.problem == .inconsistent("1 access lists for 2 data variants"))
        error = try #require(failure(try SampleFixture.with(["add11", "transaction", "value"], [])))
        #expect(error.field == "transaction.value" && error.problem == .emptyList)
    }

    @Test func duplicateAccountsDifferingOnlyInCase() throws {
        var text = SampleFixture.text
        text = text.replacingOccurrences(of: "\"0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b\" : {",
                                         with: "\"0x095E7BAEA6A6C7C4C2DFEB977EFAC326AF552D87\" : {")
        let error = try #require(failure(Data(text.utf8)))
        #expect(error.field?.hasPrefix("pre.0x095") == true)
        if case .duplicateKey = error.problem {} else { Issue.record("expected duplicateKey, got \(error.problem)") }
    }

    @Test func truncatedAndInvalidJSON() throws {
        let truncated = Data(SampleFixture.text.utf8.prefix(SampleFixture.text.utf8.count / 2))
        let error = try #require(failure(truncated))
        #expect(error.file == file && error.test == nil && error.field == nil)
        if case .invalidJSON(let why) = error.problem { #expect(!why.isEmpty) } else {
            Issue.record("expected invalidJSON, got \(error.problem)")
        }
        #expect(error.description.hasPrefix("\(file): invalid JSON: "))
        #expect(failure(Data()) != nil)
        #expect(failure(Data([0xff, 0xfe, 0x00])) != nil)
    }

    @Test func unreadableFile() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/\(UUID().uuidString).json")
        #expect(throws: FixtureError.self) { try StateTestFile.load(contentsOf: missing, relativePath: "x.json") }
    }

    @Test func oneBadTestDoesNotHideTheOthers() throws {
        let good = try JSONSerialization.jsonObject(with: SampleFixture.data) as? [String: Any]
        let add11 = try #require(good?["add11"])
        let bad = try #require(try JSONSerialization.jsonObject(
            with: try SampleFixture.with(["add11", "env", "currentTimestamp"], "0xq")) as? [String: Any])["add11"]
        let both = try JSONSerialization.data(withJSONObject: ["zzz_bad": bad as Any, "aaa_good": add11])
        let results = try StateTestFile.parseTests(both, relativePath: "two.json")
        #expect(results.count == 2)
        if case .success(let t) = results[0] { #expect(t.name == "aaa_good") } else { Issue.record("first should load") }
        if case .failure(let e) = results[1] {
            #expect(e.description == "two.json: test \"zzz_bad\": env.currentTimestamp: invalid hex character 'q' at 2")
        } else {
            Issue.record("second should fail")
        }
        #expect(throws: FixtureError.self) { try StateTestFile.parse(both, relativePath: "two.json") }
    }

    @Test func hexNumberParsing() {
        #expect(FixtureHex.number("0x00", maxBits: 64) == .success(.zero))
        #expect(FixtureHex.number("0xffffffffffffffff", maxBits: 64) == .success(UInt256(UInt64.max)))
        #expect(FixtureHex.number("0x0000000000000000000000ffffffffffffffff", maxBits: 64) == .success(UInt256(UInt64.max)))
        #expect(FixtureHex.number("0x1ffffffffffffffff", maxBits: 64) == .failure(.tooLarge(maxBits: 64)))
        #expect(FixtureHex.number("0x" + String(repeating: "f", count: 64), maxBits: 256) == .success(.max))
        #expect(FixtureHex.number("0x:bigint 0x10", maxBits: 256) == .success(16))
        #expect(FixtureHex.number("0x:bigint 0x1g", maxBits: 256) == .failure(.invalidHexCharacter("g", at: 13)))
        #expect(FixtureHex.number("10", maxBits: 256) == .failure(.missingHexPrefix("10")))
        #expect(FixtureHex.bigNumber("0x0") == .success([]))
        #expect(FixtureHex.bigNumber("0x00123") == .success([0x01, 0x23]))
    }
}
