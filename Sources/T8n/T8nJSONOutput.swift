import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import EthereumTests
import Foundation

/// Writers for the t8n files (`result.json`, `alloc.json`, and the inputs `env.json` and
/// `txs.json` for handing a case to another tool). Numbers are minimal `0x` hex, byte
/// strings `0x` hex, as geth writes them.
public enum T8nJSON {
    static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
    static func hex(_ v: UInt256) -> String { v.hexString }
    static func hex(_ b: [UInt8]) -> String { Hex.encodePrefixed(b) }

    public static func result(_ r: T8nResult) -> [String: Any] {
        var d: [String: Any] = [
            "stateRoot": r.stateRoot.hexString, "txRoot": r.txRoot.hexString, "receiptsRoot": r.receiptsRoot.hexString,
            "logsHash": r.logsHash.hexString, "logsBloom": hex(r.logsBloom), "gasUsed": hex(r.gasUsed),
            "rejected": r.rejected.map { ["index": $0.index, "error": $0.error] as [String: Any] },
            "receipts": r.receipts.map(receipt),
        ]
        d["currentDifficulty"] = r.currentDifficulty.map(hex) ?? NSNull()
        d["currentBaseFee"] = r.currentBaseFee.map(hex) ?? NSNull()
        if let w = r.withdrawalsRoot { d["withdrawalsRoot"] = w.hexString }
        if let e = r.currentExcessBlobGas { d["currentExcessBlobGas"] = hex(e) }
        if let b = r.blobGasUsed { d["blobGasUsed"] = hex(b) }
        if let reqs = r.requests { d["requests"] = reqs.map(hex) }
        if let h = r.requestsHash { d["requestsHash"] = h.hexString }
        return d
    }

    static func receipt(_ r: T8nReceipt) -> [String: Any] {
        var d: [String: Any] = [
            "type": hex(UInt64(r.type.rawValue)), "status": r.succeeded ? "0x1" : "0x0", "succeeded": r.succeeded,
            "cumulativeGasUsed": hex(r.cumulativeGasUsed), "gasUsed": hex(r.gasUsed), "logsBloom": hex(r.logsBloom),
            "transactionHash": r.transactionHash.hexString, "transactionIndex": hex(UInt64(r.transactionIndex)),
            "contractAddress": (r.contractAddress ?? .zero).hexString, "blockHash": Bytes32.zero.hexString,
            "root": r.postStateRoot.map { $0.hexString } ?? "0x",
            "logs": r.logs.map { ["address": $0.address.hexString, "topics": $0.topics.map(\.hexString), "data": hex($0.data)] as [String: Any] },
        ]
        if r.blobGasUsed > 0 { d["blobGasUsed"] = hex(r.blobGasUsed) }
        return d
    }

    /// `alloc.json` of a state: every account with balance, nonce, code and non-zero storage.
    public static func alloc(_ state: InMemoryState) -> [String: Any] {
        var d: [String: Any] = [:]
        for (a, acct) in state.accounts {
            var e: [String: Any] = ["balance": hex(acct.balance)]
            if acct.nonce != 0 { e["nonce"] = hex(acct.nonce) }
            if acct.hasCode { e["code"] = hex(state.code(hash: acct.codeHash).bytes) }
            let slots = (state.storage[a] ?? [:]).filter { !$0.value.isZero }
            if !slots.isEmpty {
                var s: [String: String] = [:]
                for (k, v) in slots { s[Bytes32(k).hexString] = Bytes32(v).hexString }
                e["storage"] = s
            }
            d[a.hexString] = e
        }
        return d
    }

    public static func env(_ env: T8nEnv) -> [String: Any] {
        var d: [String: Any] = ["currentCoinbase": env.coinbase.hexString, "currentGasLimit": hex(env.gasLimit),
                                "currentNumber": hex(env.number), "currentTimestamp": hex(env.timestamp)]
        if let v = env.difficulty { d["currentDifficulty"] = hex(v) }
        if let v = env.random { d["currentRandom"] = Bytes32(v).hexString }
        if let v = env.baseFee { d["currentBaseFee"] = hex(v) }
        if let v = env.parentBaseFee { d["parentBaseFee"] = hex(v) }
        if let v = env.parentGasUsed { d["parentGasUsed"] = hex(v) }
        if let v = env.parentGasLimit { d["parentGasLimit"] = hex(v) }
        if let v = env.excessBlobGas { d["currentExcessBlobGas"] = hex(v) }
        if let v = env.parentExcessBlobGas { d["parentExcessBlobGas"] = hex(v) }
        if let v = env.parentBlobGasUsed { d["parentBlobGasUsed"] = hex(v) }
        if let v = env.parentBeaconBlockRoot { d["parentBeaconBlockRoot"] = v.hexString }
        if !env.blockHashes.isEmpty || env.blockHashesGiven {
            var h: [String: String] = [:]
            for (n, v) in env.blockHashes { h[hex(n)] = v.hexString }
            d["blockHashes"] = h
        }
        d["withdrawals"] = env.withdrawals.map {
            ["index": hex($0.index), "validatorIndex": hex($0.validatorIndex), "address": $0.address.hexString,
             "amount": hex($0.amount)] as [String: Any]
        }
        if !env.ommers.isEmpty { d["ommers"] = env.ommers.map { ["delta": hex($0.delta), "address": $0.address.hexString] as [String: Any] } }
        return d
    }

    /// One JSON transaction. With `secretKey`, v/r/s are written as zero so the reader signs it;
    /// without, the transaction's own signature is written.
    public static func transaction(_ tx: Transaction, secretKey: Bytes32? = nil) -> [String: Any] {
        var d: [String: Any] = ["type": hex(UInt64(tx.type.rawValue)), "nonce": hex(tx.nonce), "gas": hex(tx.gasLimit),
                                "value": hex(tx.value), "input": hex(tx.data)]
        if let to = tx.to { d["to"] = to.hexString }
        if let id = tx.chainId, tx.type != .legacy || secretKey == nil { d["chainId"] = hex(id) }
        if tx.type.hasDynamicFee {
            d["maxFeePerGas"] = hex(tx.maxFeePerGas); d["maxPriorityFeePerGas"] = hex(tx.maxPriorityFeePerGas)
        } else {
            d["gasPrice"] = hex(tx.gasPrice)
        }
        if tx.type != .legacy {
            d["accessList"] = tx.accessList.map { ["address": $0.address.hexString, "storageKeys": $0.storageKeys.map(\.hexString)] as [String: Any] }
        }
        if tx.type == .blob {
            d["maxFeePerBlobGas"] = hex(tx.maxFeePerBlobGas)
            d["blobVersionedHashes"] = tx.blobVersionedHashes.map(\.hexString)
        }
        if tx.type == .setCode {
            d["authorizationList"] = tx.authorizationList.map {
                ["chainId": hex($0.chainId), "address": $0.address.hexString, "nonce": hex($0.nonce),
                 "v": hex(UInt64($0.yParity)), "yParity": hex(UInt64($0.yParity)), "r": hex($0.r), "s": hex($0.s)] as [String: Any]
            }
        }
        if let key = secretKey {
            d["secretKey"] = key.hexString
            d["v"] = "0x0"; d["r"] = "0x0"; d["s"] = "0x0"
            if tx.type == .legacy { d["protected"] = tx.chainId != nil }
        } else {
            d["v"] = hex(tx.v); d["r"] = hex(tx.r); d["s"] = hex(tx.s)
            if tx.type != .legacy { d["yParity"] = hex(tx.v) }
        }
        return d
    }

    /// Signed transactions as the `txs.rlp` form: a JSON string `0x…` of `rlp([tx…])`.
    public static func transactionsRLP(_ txs: [Transaction]) -> String {
        hex(RLP.encodeList(txs.map { $0.type == .legacy ? $0.encoded() : RLP.encode(bytes: $0.encoded()) }))
    }

    /// Serialises to JSON text (sorted keys, so equal values give equal bytes).
    public static func data(_ value: Any, pretty: Bool = true) -> Data {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        return (try? JSONSerialization.data(withJSONObject: value, options: options)) ?? Data("null".utf8)
    }
}

// MARK: - Reading a result back (another tool's output)

extension T8nInput {
    /// Reads a `result.json` written by any t8n tool. Accepts both geth's receipt fields
    /// (`status`, `logsBloom`, `gasUsed`) and the execution spec's (`succeeded`, `bloom`);
    /// a receipt without `gasUsed` gets it from the cumulative totals. Fields a tool leaves out
    /// stay nil.
    public static func result(_ n: FixtureNode) throws(T8nParseError) -> T8nResult {
        do throws(FixtureError) {
            var receipts: [T8nReceipt] = []
            var previous: UInt64 = 0
            for (i, rn) in try (n.t8nOptional("receipts")?.array() ?? []).enumerated() {
                let cumulative = try rn.field("cumulativeGasUsed").t8nUInt64()
                let succeeded: Bool
                if let s = try rn.t8nOptional("succeeded"), let b = s.value as? Bool { succeeded = b }
                else { succeeded = try rn.t8nOptional("status")?.t8nNumber() == .one }
                let gasUsed = try rn.t8nOptional("gasUsed")?.t8nUInt64() ?? (cumulative &- previous)
                previous = cumulative
                let bloom = try rn.t8nFirst("logsBloom", "bloom")?.bytes() ?? []
                var logs: [Log] = []
                for ln in try rn.t8nOptional("logs")?.array() ?? [] {
                    logs.append(Log(address: try ln.field("address").address(),
                                    topics: try ln.field("topics").array().map { t throws(FixtureError) in try t.bytes32() },
                                    data: try ln.field("data").bytes()))
                }
                let typeNumber = try rn.t8nOptional("type")?.t8nNumber(maxBits: 8).w0 ?? 0
                let contract = try rn.t8nOptional("contractAddress")?.address()
                let root = try rn.t8nOptional("root").flatMap { r throws(FixtureError) -> Bytes32? in
                    (r.value as? String).map { $0.count > 2 } == true ? try r.bytes32() : nil }
                receipts.append(T8nReceipt(type: TxType(rawValue: UInt8(truncatingIfNeeded: typeNumber)) ?? .legacy,
                                           postStateRoot: root, succeeded: succeeded, cumulativeGasUsed: cumulative,
                                           gasUsed: gasUsed, logsBloom: bloom, logs: logs,
                                           transactionHash: try rn.t8nOptional("transactionHash")?.bytes32() ?? .zero,
                                           contractAddress: contract == .zero ? nil : contract, transactionIndex: i,
                                           blobGasUsed: try rn.t8nOptional("blobGasUsed")?.t8nUInt64() ?? 0))
            }
            var rejected: [T8nRejection] = []
            for rj in try n.t8nOptional("rejected")?.array() ?? [] {
                rejected.append(T8nRejection(index: Int(try rj.field("index").t8nUInt64() & 0x7fff_ffff),
                                             error: (try? rj.field("error").string()) ?? ""))
            }
            // geth before 1.13 wrote `receiptRoot`.
            let receiptsRootNode: FixtureNode
            if let node = try n.t8nFirst("receiptsRoot", "receiptRoot") { receiptsRootNode = node } else { receiptsRootNode = try n.field("receiptsRoot") }
            var r = T8nResult(stateRoot: try n.field("stateRoot").bytes32(), txRoot: try n.field("txRoot").bytes32(),
                              receiptsRoot: try receiptsRootNode.bytes32(), logsHash: try n.field("logsHash").bytes32(),
                              logsBloom: try n.field("logsBloom").bytes(), receipts: receipts,
                              rejected: rejected.sorted { $0.index < $1.index },
                              gasUsed: try n.field("gasUsed").t8nUInt64())
            r.currentDifficulty = try n.t8nOptional("currentDifficulty")?.t8nNumber()
            r.currentBaseFee = try n.t8nOptional("currentBaseFee")?.t8nNumber()
            r.withdrawalsRoot = try n.t8nOptional("withdrawalsRoot")?.bytes32()
            r.currentExcessBlobGas = try n.t8nOptional("currentExcessBlobGas")?.t8nUInt64()
            r.blobGasUsed = try n.t8nOptional("blobGasUsed")?.t8nUInt64()
            r.requestsHash = try n.t8nOptional("requestsHash")?.bytes32()
            r.requests = try n.t8nOptional("requests")?.array().map { q throws(FixtureError) in try q.bytes() }
            return r
        } catch {
            throw T8nParseError(error)
        }
    }
}
