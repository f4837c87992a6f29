import EVMCore
import EVMState
import Foundation
import ParallelExecutor
import Testing
import T8n

/// `lockstep t8n` (in process, through `T8nTool.run` with real files) on the examples of geth's
/// `cmd/evm` documentation and test data (`testdata/1`, `5`, `13`, `26`): the inputs as geth
/// ships them, the expected roots, receipts, rejections and post-states as geth's `exp.json`
/// records them (test vectors, facts only), and the exit codes geth's tests expect.
@Suite("t8n: geth's documented examples")
struct GethExampleTests {
    /// A scratch directory with the given files; the run's outputs land in `out/`.
    final class Scratch {
        let dir: String
        init(_ files: [String: String]) throws {
            dir = NSTemporaryDirectory() + "t8n-tests-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        }
        deinit { try? FileManager.default.removeItem(atPath: dir) }
        func json(_ name: String) throws -> [String: Any] {
            let data = try #require(FileManager.default.contents(atPath: dir + "/out/" + name), "no \(name) written")
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        func text(_ name: String) -> String? {
            FileManager.default.contents(atPath: dir + "/out/" + name).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// Runs `lockstep t8n` in process on files of `s`; returns the exit code and stderr.
    static func run(_ s: Scratch, fork: String, reward: Int64 = 0, txs: String = "txs.json", env: String = "env.json",
                    parallel: Bool = false,
                    configure: (inout T8nArguments) -> Void = { _ in }) -> (code: Int32, stderr: String) {
        var a = T8nArguments()
        a.inputAlloc = s.dir + "/alloc.json"; a.inputEnv = s.dir + "/" + env; a.inputTxs = s.dir + "/" + txs
        a.outputBasedir = s.dir + "/out"; a.fork = fork; a.reward = reward
        configure(&a)
        var err = ""
        let code = T8nTool.run(a, executor: parallel ? ParallelExecutor(driver: .threaded(workers: 2)) : nil,
                               io: T8nIO(readStdin: { Data() }, writeStdout: { _ in }, writeStderr: { err += $0 }))
        return (code, err)
    }

    // MARK: testdata/1: a transfer and the same transaction again (rejected: nonce too low)

    static let alloc1 = """
    {"a94f5374fce5edbc8e2a8697c15331677e6ebf0b": {"balance": "0x5ffd4878be161d74", "code": "0x", "nonce": "0xac", "storage": {}},
     "0x8a8eafb1cf62bfbeb1741769dae1a9dd47996192": {"balance": "0xfeedbead", "nonce": "0x00"}}
    """
    static let env1 = """
    {"currentCoinbase": "0xc94f5374fce5edbc8e2a8697c15331677e6ebf0b", "currentDifficulty": "0x20000",
     "currentGasLimit": "0x750a163df65e8a", "currentNumber": "1", "currentTimestamp": "1000"}
    """
    static let tx1 = """
    {"gas": "0x5208", "gasPrice": "0x2", "hash": "0x0557bacce3375c98d806609b8d5043072f0b6a8bae45ae5a67a00d3a1a18d673",
     "input": "0x", "nonce": "0x0", "r": "0x9500e8ba27d3c33ca7764e107410f44cbd8c19794bde214d694683a7aa998cdb",
     "s": "0x7235ae07e4bd6e0206d102b1f8979d6adab280466b6a82d2208ee08951f1f600",
     "to": "0x8a8eafb1cf62bfbeb1741769dae1a9dd47996192", "v": "0x1b", "value": "0x1"}
    """

    @Test("testdata/1 (Byzantium): roots, one receipt, rejection of index 1, post-state")
    func transferAndRejection() throws {
        let s = try Scratch(["alloc.json": Self.alloc1, "env.json": Self.env1, "txs.json": "[\(Self.tx1), \(Self.tx1)]"])
        let (code, err) = Self.run(s, fork: "Byzantium")
        #expect(code == 0, "stderr: \(err)")
        let r = try s.json("result.json")
        #expect(r["stateRoot"] as? String == "0x84208a19bc2b46ada7445180c1db162be5b39b9abc8c0a54b05d32943eae4e13")
        #expect(r["txRoot"] as? String == "0xc4761fd7b87ff2364c7c60b6c5c8d02e522e815328aaea3f20e3b7b7ef52c42d")
        #expect(r["receiptsRoot"] as? String == "0x056b23fbba480696b65fe5a59b8f2148a1299103c4f57df839233af2cf4ca2d2")
        #expect(r["logsHash"] as? String == "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347")
        #expect(r["gasUsed"] as? String == "0x5208")
        #expect(r["currentDifficulty"] as? String == "0x20000")
        let receipts = try #require(r["receipts"] as? [[String: Any]])
        #expect(receipts.count == 1)
        #expect(receipts.first?["status"] as? String == "0x1")
        #expect(receipts.first?["transactionHash"] as? String == "0x0557bacce3375c98d806609b8d5043072f0b6a8bae45ae5a67a00d3a1a18d673")
        let rejected = try #require(r["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["index"] as? Int } == [1])
        let reason = (rejected.first?["error"] as? String) ?? ""
        #expect(reason.lowercased().contains("nonce"))
        let alloc = try s.json("alloc.json")
        #expect((alloc["0x8a8eafb1cf62bfbeb1741769dae1a9dd47996192"] as? [String: Any])?["balance"] as? String == "0xfeed1a9d")
        #expect((alloc["0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"] as? [String: Any])?["nonce"] as? String == "0xac")
        #expect((alloc["0xc94f5374fce5edbc8e2a8697c15331677e6ebf0b"] as? [String: Any])?["balance"] as? String == "0xa410")
    }

    @Test("An unsupported fork (geth's Frontier+1346 case) exits 3")
    func badForkExit3() throws {
        let s = try Scratch(["alloc.json": Self.alloc1, "env.json": Self.env1, "txs.json": "[\(Self.tx1)]"])
        let (code, err) = Self.run(s, fork: "Frontier+1346")
        #expect(code == T8nExit.config)
        #expect(err.contains("Frontier+1346"))
        #expect(s.text("result.json") == nil, "no output on a configuration error")
    }

    @Test("Chaining through stdin/stdout: combined {alloc, env, txs} in, {result, alloc} out")
    func stdinStdout() throws {
        let combined = "{\"alloc\": \(Self.alloc1), \"env\": \(Self.env1), \"txs\": [\(Self.tx1)]}"
        var a = T8nArguments()
        a.inputAlloc = "stdin"; a.inputEnv = "stdin"; a.inputTxs = "stdin"
        a.outputResult = "stdout"; a.outputAlloc = "stdout"; a.fork = "Byzantium"
        var out = Data()
        let code = T8nTool.run(a, io: T8nIO(readStdin: { Data(combined.utf8) }, writeStdout: { out += $0 }, writeStderr: { _ in }))
        #expect(code == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any])
        #expect((obj["result"] as? [String: Any])?["stateRoot"] as? String == "0x84208a19bc2b46ada7445180c1db162be5b39b9abc8c0a54b05d32943eae4e13")
        #expect((obj["alloc"] as? [String: Any])?.count == 3)
    }

    // MARK: testdata/5: no transactions, two ommers, reward 0x80

    @Test("testdata/5 (Byzantium, --state.reward 0x80): miner and ommer rewards")
    func ommerRewards() throws {
        let env = """
        {"currentCoinbase": "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "currentDifficulty": "0x20000",
         "currentGasLimit": "0x750a163df65e8a", "currentNumber": "1", "currentTimestamp": "1000",
         "ommers": [{"delta": 1, "address": "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
                    {"delta": 2, "address": "0xcccccccccccccccccccccccccccccccccccccccc"}]}
        """
        let s = try Scratch(["alloc.json": "{}", "env.json": env, "txs.json": "[]"])
        let (code, err) = Self.run(s, fork: "Byzantium", reward: 0x80)
        #expect(code == 0, "stderr: \(err)")
        let r = try s.json("result.json")
        #expect(r["stateRoot"] as? String == "0xa7312add33811645c6aa65d928a1a4f49d65d448801912c069a0aa8fe9c1f393")
        #expect(r["txRoot"] as? String == "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
        #expect(r["receiptsRoot"] as? String == "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
        let alloc = try s.json("alloc.json")
        func balance(_ a: String) -> String? { (alloc[a] as? [String: Any])?["balance"] as? String }
        #expect(balance("0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") == "0x88")
        #expect(balance("0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb") == "0x70")
        #expect(balance("0xcccccccccccccccccccccccccccccccccccccccc") == "0x60")
    }

    // MARK: testdata/13: JSON transactions signed with secretKey, then the same as RLP

    static let alloc13 = """
    {"0x1111111111111111111111111111111111111111": {"balance": "0x010000000000", "code": "0xfe", "nonce": "0x01", "storage": {}},
     "0xa94f5374Fce5edBC8E2a8697C15331677e6EbF0B": {"balance": "0x010000000000", "code": "0x", "nonce": "0x01", "storage": {}},
     "0xd02d72E067e77158444ef2020Ff2d325f929B363": {"balance": "0x01000000000000", "code": "0x", "nonce": "0x01", "storage": {}}}
    """
    static let env13 = """
    {"currentCoinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba", "currentDifficulty": "0x020000", "currentNumber": "0x01",
     "currentTimestamp": "0x079e", "previousHash": "0xcb23ee65a163121f640673b41788ee94633941405f95009999b502eedfbbfd4f",
     "currentGasLimit": "0x40000000", "currentBaseFee": "0x036b",
     "blockHashes": {"0": "0xcb23ee65a163121f640673b41788ee94633941405f95009999b502eedfbbfd4f"}}
    """
    static func keyed13(nonce: Int) -> String {
        """
        {"input": "0x", "gas": "0x84d0", "nonce": "0x\(nonce)", "to": "0x1111111111111111111111111111111111111111", "value": "0x0",
         "v": "0x0", "r": "0x0", "s": "0x0", "secretKey": "0x41f6e321b31e72173f8ff2e292359e1862f24fba42fe6f97efaf641980eff298",
         "chainId": "0x1", "type": "0x2", "maxFeePerGas": "0xfa0", "maxPriorityFeePerGas": "0x0", "accessList": []}
        """
    }
    static let body13 = "0xf8d2b86702f864010180820fa08284d09411111111111111111111111111111111111111118080c001a0b7dfab36232379bb3d1497a4f91c1966b1f932eae3ade107bf5d723b9cb474e0a06261c359a10f2132f126d250485b90cf20f30340801244a08ef6142ab33d1904b86702f864010280820fa08284d09411111111111111111111111111111111111111118080c080a0d4ec563b6568cd42d998fc4134b36933c6568d01533b5adf08769270243c6c7fa072bf7c21eac6bbeae5143371eef26d5e279637f3bd73482b55979d76d935b1e9"

    @Test("testdata/13 (London): secretKey signing gives geth's body byte for byte; the body as RLP input gives geth's roots")
    func signingAndRLP() throws {
        let s = try Scratch(["alloc.json": Self.alloc13, "env.json": Self.env13,
                             "txs.json": "[\(Self.keyed13(nonce: 1)), \(Self.keyed13(nonce: 2))]",
                             "signed_txs.rlp": "\"\(Self.body13)\""])
        let (code, err) = Self.run(s, fork: "London") { $0.outputBody = "signed_txs.rlp" }
        #expect(code == 0, "stderr: \(err)")
        #expect(s.text("signed_txs.rlp")?.trimmingCharacters(in: .whitespacesAndNewlines) == "\"\(Self.body13)\"")
        let fromJSON = try s.json("result.json")

        let (code2, err2) = Self.run(s, fork: "London", txs: "signed_txs.rlp")
        #expect(code2 == 0, "stderr: \(err2)")
        let r = try s.json("result.json")
        #expect(r["stateRoot"] as? String == "0xe4b924a6adb5959fccf769d5b7bb2f6359e26d1e76a2443c5a91a36d826aef61")
        #expect(r["txRoot"] as? String == "0x013509c8563d41c0ae4bf38f2d6d19fc6512a1d0d6be045079c8c9f68bf45f9d")
        #expect(r["receiptsRoot"] as? String == "0xa532a08aa9f62431d6fe5d924951b8efb86ed3c54d06fee77788c3767dd13420")
        #expect(r["gasUsed"] as? String == "0x109a0")
        let receipts = try #require(r["receipts"] as? [[String: Any]])
        #expect(receipts.map { $0["status"] as? String } == ["0x0", "0x0"], "code 0xfe (INVALID) fails both")
        #expect(receipts.map { $0["transactionHash"] as? String } == [
            "0xa98a24882ea90916c6a86da650fbc6b14238e46f0af04a131ce92be897507476",
            "0x36bad80acce7040c45fd32764b5c2b2d2e6f778669fb41791f73f546d56e739a"])
        #expect(fromJSON["stateRoot"] as? String == r["stateRoot"] as? String, "JSON and RLP input agree")
    }

    // MARK: testdata/26: a Shanghai withdrawal

    @Test("testdata/26 (Shanghai): a withdrawal of 0x2a Gwei, withdrawalsRoot")
    func withdrawal() throws {
        let env = """
        {"currentCoinbase": "0xc94f5374fce5edbc8e2a8697c15331677e6ebf0b", "currentDifficulty": null, "currentRandom": "0xdeadc0de",
         "currentGasLimit": "0x750a163df65e8a", "currentBaseFee": "0x500", "currentNumber": "1", "currentTimestamp": "1000",
         "withdrawals": [{"index": "0x42", "validatorIndex": "0x42", "address": "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b", "amount": "0x2a"}]}
        """
        let alloc = #"{"a94f5374fce5edbc8e2a8697c15331677e6ebf0b": {"balance": "0x0", "code": "0x", "nonce": "0xac", "storage": {}}}"#
        let s = try Scratch(["alloc.json": alloc, "env.json": env, "txs.json": "[]"])
        let (code, err) = Self.run(s, fork: "Shanghai")
        #expect(code == 0, "stderr: \(err)")
        let r = try s.json("result.json")
        #expect(r["stateRoot"] as? String == "0x6e061c2f6513af27d267a0e3b07cb9a10f1ba3a0f65ab648d3a17c36e15021d2")
        #expect(r["withdrawalsRoot"] as? String == "0x4921c0162c359755b2ae714a0978a1dad2eb8edce7ff9b38b9b6fc4cbc547eb5")
        #expect(r["currentBaseFee"] as? String == "0x500")
        #expect(r["gasUsed"] as? String == "0x0")
        let post = try s.json("alloc.json")
        #expect((post["0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"] as? [String: Any])?["balance"] as? String == "0x9c7652400")
    }

    @Test("Paris without currentRandom exits 3 (geth's testdata/24 env-missingrandom case)")
    func missingRandomExit3() throws {
        let env = #"{"currentCoinbase": "0xc94f5374fce5edbc8e2a8697c15331677e6ebf0b", "currentGasLimit": "0x750a163df65e8a", "currentBaseFee": "0x500", "currentNumber": "1", "currentTimestamp": "1000"}"#
        let s = try Scratch(["alloc.json": "{}", "env.json": env, "txs.json": "[]"])
        #expect(Self.run(s, fork: "Paris").code == T8nExit.config)
    }

    // MARK: testdata/4: BLOCKHASH of an ancestor not given

    @Test("testdata/4 (Berlin): BLOCKHASH(3) with only block 1's hash given exits 4; with block 3's hash given it runs")
    func missingBlockHashExit4() throws {
        // The account's code is geth's: PUSH1 3 BLOCKHASH. The sender's key is the well-known
        // test key of 0xa94f…0b; the tool signs the transaction (secretKey).
        let alloc = """
        {"0x095e7baea6a6c7c4c2dfeb977efac326af552d87": {"balance": "0x0de0b6b3a7640000", "code": "0x600340", "nonce": "0x00", "storage": {}},
         "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b": {"balance": "0x0de0b6b3a7640000", "code": "0x", "nonce": "0x00", "storage": {}}}
        """
        let tx = """
        [{"gas": "0x5f5e100", "gasPrice": "0x1", "nonce": "0x0", "to": "0x095e7baea6a6c7c4c2dfeb977efac326af552d87", "value": "0x0",
          "input": "0x", "v": "0x0", "r": "0x0", "s": "0x0", "secretKey": "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8"}]
        """
        func env(_ hashes: String) -> String {
            """
            {"currentCoinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba", "currentDifficulty": "0x020000", "currentGasLimit": "0x3b9aca00",
             "currentNumber": "0x05", "currentTimestamp": "0x03e8", "blockHashes": {\(hashes)}}
            """
        }
        let s = try Scratch(["alloc.json": alloc, "txs.json": tx,
                             "env.json": env(#""1": "0xdac58aa524e50956d0c0bae7f3f8bb9d35381365d07804dd5b48a5a297c06af4""#),
                             "env3.json": env(#""0x3": "0xdac58aa524e50956d0c0bae7f3f8bb9d35381365d07804dd5b48a5a297c06af4""#)])
        let (code, err) = Self.run(s, fork: "Berlin")
        #expect(code == T8nExit.missingBlockHash)
        #expect(err.contains("getHash(3)"))
        let (code3, err3) = Self.run(s, fork: "Berlin", env: "env3.json")
        #expect(code3 == 0, "stderr: \(err3)")
        #expect(Self.run(s, fork: "Berlin", parallel: true).code == T8nExit.missingBlockHash, "--parallel decides exit 4 the same way")
        #expect(Self.run(s, fork: "Berlin", env: "env3.json", parallel: true).code == 0)
    }

    // MARK: EIP-2935 / EIP-4788 inputs as geth's t8n treats them

    /// A Prague env with `blockHashes` as given (nil = no `blockHashes` key) and an alloc whose
    /// EIP-2935 history contract is a stand-in storing `calldata + 1` in slot 0, so a call with
    /// the zero hash (slot 0 = 1) and no call (slot 0 empty) can be told apart. The EIP-7002/7251
    /// request contracts are stand-ins returning no requests (without code the block is invalid).
    static func historyRun(blockHashes: String?, beaconRoot: Bool = true, fork: String = "Prague") throws -> (code: Int32, slot0: String?, stderr: String) {
        let alloc = #"{"0x0000F90827F1C53a10cb7A02335B175320002935": {"balance": "0x0", "nonce": "0x1", "code": "0x5f356001015f5500", "storage": {}}, "#
            + #""0x00000961Ef480Eb55e80D19ad83579A64c007002": {"balance": "0x0", "nonce": "0x1", "code": "0x00", "storage": {}}, "#
            + #""0x0000BBdDc7CE488642fb579F8B00f3a590007251": {"balance": "0x0", "nonce": "0x1", "code": "0x00", "storage": {}}}"#
        var env = #"{"currentCoinbase": "0xc94f5374fce5edbc8e2a8697c15331677e6ebf0b", "currentGasLimit": "0x1000000", "currentNumber": "0x10", "#
            + #""currentTimestamp": "0x1000", "currentBaseFee": "0x7", "currentRandom": "0x0000000000000000000000000000000000000000000000000000000000000001", "#
            + #""currentExcessBlobGas": "0x0", "withdrawals": []"#
        if beaconRoot { env += #", "parentBeaconBlockRoot": "0x00000000000000000000000000000000000000000000000000000000000000aa""# }
        if let blockHashes { env += #", "blockHashes": {\#(blockHashes)}"# }
        env += "}"
        let s = try Scratch(["alloc.json": alloc, "env.json": env, "txs.json": "[]"])
        let (code, err) = Self.run(s, fork: fork)
        guard code == 0 else { return (code, nil, err) }
        let post = try s.json("alloc.json")
        let account = post.first { $0.key.lowercased() == "0x0000f90827f1c53a10cb7a02335b175320002935" }?.value as? [String: Any]
        let storage = account?["storage"] as? [String: String] ?? [:]
        let slot0 = storage.first { UInt256(hex: $0.key) == .zero }?.value
        return (code, slot0.flatMap { UInt256(hex: $0) }.map { $0.hexString }, err)
    }

    @Test("Prague: a missing parent hash is the zero hash (exit 0, the history call gets 0), as in geth; no blockHashes at all skips the call")
    func pragueParentHashAsGeth() throws {
        let missing = try Self.historyRun(blockHashes: #""0x5": "0x00000000000000000000000000000000000000000000000000000000000000bb""#)
        #expect(missing.code == 0, "stderr: \(missing.stderr)")
        #expect(missing.slot0 == UInt256(1).hexString, "called with the zero hash")
        let given = try Self.historyRun(blockHashes: #""0xf": "0x00000000000000000000000000000000000000000000000000000000000000bb""#)
        #expect(given.code == 0)
        #expect(given.slot0 == UInt256(0xbc).hexString, "called with the parent's hash")
        let empty = try Self.historyRun(blockHashes: "")
        #expect(empty.code == 0)
        #expect(empty.slot0 == UInt256(1).hexString, "an empty blockHashes object is given: zero hash")
        let absent = try Self.historyRun(blockHashes: nil)
        #expect(absent.code == 0)
        #expect(absent.slot0 == nil, "no blockHashes: geth skips the EIP-2935 call")
    }

    @Test("Cancun and later without parentBeaconBlockRoot exit 3, as geth's applyCancunChecks does")
    func cancunBeaconRootRequired() throws {
        for fork in ["Cancun", "Prague"] {
            let r = try Self.historyRun(blockHashes: nil, beaconRoot: false, fork: fork)
            #expect(r.code == T8nExit.config, "\(fork): \(r.stderr)")
            #expect(r.stderr.contains("parentBeaconBlockRoot"))
        }
    }

    // MARK: input errors

    @Test("Malformed JSON exits 10, a missing file 11, a non-list RLP string 12; each message names the file")
    func inputErrorCodes() throws {
        let s = try Scratch(["alloc.json": "{ not json", "good.json": Self.alloc1, "env.json": Self.env1, "txs.json": "[]",
                             "bad.rlp": "\"0x01\""])
        let (c10, e10) = Self.run(s, fork: "Byzantium")
        #expect(c10 == T8nExit.json)
        #expect(e10.contains("alloc.json"))
        let (c11, e11) = Self.run(s, fork: "Byzantium", env: "nonexistent.json") { $0.inputAlloc = s.dir + "/good.json" }
        #expect(c11 == T8nExit.io)
        #expect(e11.contains("nonexistent.json"))
        let (c12, _) = Self.run(s, fork: "Byzantium", txs: "bad.rlp") { $0.inputAlloc = s.dir + "/good.json" }
        #expect(c12 == T8nExit.rlp)
    }

    @Test("A wrongly typed field is a typed error naming the field path, exit 10")
    func fieldPathInError() throws {
        let env = #"{"currentCoinbase": "0xc94f5374fce5edbc8e2a8697c15331677e6ebf0b", "currentDifficulty": "0x20000", "currentGasLimit": [1], "currentNumber": "1", "currentTimestamp": "1000"}"#
        let s = try Scratch(["alloc.json": "{}", "env.json": env, "txs.json": "[]"])
        let (code, err) = Self.run(s, fork: "Byzantium")
        #expect(code == T8nExit.json)
        #expect(err.contains("currentGasLimit"))
    }

    // MARK: traces

    @Test("--trace writes trace-<index>-<txhash>.jsonl per executed transaction (EIP-3155 lines, summary last)")
    func traceFiles() throws {
        let s = try Scratch(["alloc.json": Self.alloc1, "env.json": Self.env1, "txs.json": "[\(Self.tx1), \(Self.tx1)]"])
        let (code, _) = Self.run(s, fork: "Byzantium") { $0.trace = true }
        #expect(code == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: s.dir + "/out").filter { $0.hasPrefix("trace-") }
        #expect(files == ["trace-0-0x0557bacce3375c98d806609b8d5043072f0b6a8bae45ae5a67a00d3a1a18d673.jsonl"],
                "the rejected index 1 gets no trace")
        let lines = try #require(s.text(files[0])).split(separator: "\n")
        let lastLine = try #require(lines.last)
        let last = try #require(try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any])
        #expect(last["gasUsed"] != nil && last["output"] != nil, "summary line: \(last)")
    }
}
