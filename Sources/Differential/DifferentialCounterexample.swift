import EVMCore
import EVMState
import EVMExecution
import EthereumTests
import Foundation
import Oracles
import T8n

/// A divergence as a filled GeneralStateTests file: `pre` = the case's accounts, one
/// transaction (signed by `secretKey`), and `post.<Fork>[0].hash/logs` filled by the execution
/// spec in state-test mode (`ethereum-spec-evm t8n --state-test`: one transaction, no system
/// calls; a rejected transaction leaves the pre-state, recorded as `expectException`).
/// `lockstep statetest FILE` replays it: it fails while Lockstep still diverges (reproduced) and
/// passes once fixed. `_info.lockstep` keeps the fuzz provenance (feature, seed, differences,
/// first differing trace step); a case where the spec is the one that is wrong says so there
/// (`specVerdict: "spec-wrong: …"` with the EIP reasoning): such a file keeps reproducing by
/// design, and the replay test expects exactly that.
public enum DifferentialCounterexample {
    static func hex(_ b: [UInt8]) -> String { Hex.encodePrefixed(b) }
    static func hex(_ v: UInt256) -> String { "0x" + String(v.hexString.dropFirst(2).drop { $0 == "0" }).ifEmpty("0") }
    static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

    /// The state-test JSON of a one-case block, filled by `oracle` (state-test mode).
    public static func json(_ d: Divergence, block: T8nCase, oracle: ExternalTransitionTool) throws -> [String: Any] {
        let c = d.fuzzCase
        let run = try oracle.apply(block)
        let tx = c.transaction
        var pre: [String: Any] = [:]
        for a in c.accounts {
            var storage: [String: String] = [:]
            for (k, v) in a.storage where !v.isZero { storage[hex(k)] = hex(v) }
            pre[a.address.description] = ["nonce": hex(a.nonce), "balance": hex(a.balance), "code": hex(a.code), "storage": storage]
        }
        var t: [String: Any] = ["data": [hex(tx.data)], "gasLimit": [hex(tx.gasLimit)], "value": [hex(tx.value)],
                                "nonce": hex(tx.nonce), "to": tx.to?.description ?? "", "secretKey": c.senderKey.hexString,
                                "sender": c.sender.description]
        if tx.type == .legacy || tx.type == .accessList { t["gasPrice"] = hex(tx.gasPrice) } else {
            t["maxFeePerGas"] = hex(tx.maxFeePerGas); t["maxPriorityFeePerGas"] = hex(tx.maxPriorityFeePerGas)
        }
        if tx.type != .legacy {
            t["accessLists"] = [tx.accessList.map { ["address": $0.address.description, "storageKeys": $0.storageKeys.map(\.hexString)] }]
        }
        if tx.type == .blob { t["blobVersionedHashes"] = tx.blobVersionedHashes.map(\.hexString); t["maxFeePerBlobGas"] = hex(tx.maxFeePerBlobGas) }
        if tx.type == .setCode {
            t["authorizationList"] = tx.authorizationList.map {
                ["chainId": hex($0.chainId), "address": $0.address.description, "nonce": hex($0.nonce),
                 "v": hex(UInt64($0.yParity)), "r": hex($0.r), "s": hex($0.s)] as [String: Any]
            }
        }
        var post: [String: Any] = ["hash": run.result.stateRoot.hexString, "logs": run.result.logsHash.hexString,
                                   "indexes": ["data": 0, "gas": 0, "value": 0], "txbytes": hex(tx.encoded())]
        if let r = run.result.rejected.first { post["expectException"] = "TR_Spec: " + r.error }
        let env = block.env
        var envJSON: [String: Any] = ["currentCoinbase": env.coinbase.description, "currentGasLimit": hex(env.gasLimit),
                                      "currentNumber": hex(env.number), "currentTimestamp": hex(env.timestamp),
                                      "currentBaseFee": hex(env.baseFee ?? 7), "currentRandom": hex(env.random ?? .zero),
                                      "currentDifficulty": "0x0"]
        if let x = env.excessBlobGas { envJSON["currentExcessBlobGas"] = hex(x) }
        let info: [String: Any] = [
            "comment": "lockstep fuzz: \(d.kind == .oracle ? "Lockstep vs the execution spec" : "parallel vs serial"); post filled by the execution spec (ethereum-spec-evm t8n --state-test)",
            "lockstep": ["feature": c.feature, "fork": d.fork.fixtureName, "caseSeed": hex(c.seed), "slot": c.slot,
                         "shrinkSteps": d.shrinkSteps, "unshrunkBytes": d.unshrunkCodeBytes,
                         "differences": d.differences.prefix(20).map(\.description), "trace": d.traceDifference ?? "",
                         "specVerdict": d.explanation.map { "spec-wrong: " + $0 } ?? "spec-right: Lockstep diverged; fixed once `lockstep statetest` passes"] as [String: Any],
        ]
        let name = "fuzz_\(d.fork.fixtureName.lowercased())_\(c.feature.replacingOccurrences(of: ":", with: "_"))"
        return [name: ["_info": info, "env": envJSON, "pre": pre, "transaction": t, "post": [d.fork.fixtureName: [post]]] as [String: Any]]
    }

    /// Writes `dir/<16-hex content hash>.json`; returns the path.
    public static func write(_ d: Divergence, block: T8nCase, oracle: ExternalTransitionTool, to dir: String) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: try json(d, block: block, oracle: oracle), options: [.prettyPrinted, .sortedKeys])
        let name = contentName(data)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = (dir as NSString).appendingPathComponent("\(name).json")
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    public enum Replay: Sendable, Equatable { case reproduced(String), fixed, stale(String) }

    /// True when the file records a known deviation of the spec (`specVerdict` "spec-wrong: …").
    public static func isSpecWrong(path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return false }
        return root.values.contains { test in
            (((test as? [String: Any])?["_info"] as? [String: Any])?["lockstep"] as? [String: Any])?["specVerdict"]
                .flatMap { $0 as? String }?.hasPrefix("spec-wrong") ?? false
        }
    }

    /// The first 16 hex digits of keccak256 of the file's bytes: the name `write` gives it.
    public static func contentName(_ data: Data) -> String {
        String(Keccak256.hash(Array(data)).hexString.dropFirst(2).prefix(16))
    }

    /// Replays one file through Lockstep's state-test runner (serial).
    ///
    /// Every file is bound to its content: its name must be `contentName` of its bytes (the name
    /// `write` gives it). Any other name — an edited file, or one renamed — is `.stale` (refused,
    /// not replayed); rename an intentionally edited file to its new content name. The bytes are
    /// hashed as stored (not a canonical form), so even a whitespace edit is refused.
    public static func replay(path: String) -> Replay {
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        guard let data = FileManager.default.contents(atPath: path) else { return .stale("cannot read \(path)") }
        let expected = contentName(data)
        if expected != base.lowercased() {
            return .stale("file name \(base) is not the content hash \(expected): the file was edited after it was written")
        }
        var failures: [String] = []
        var passed = 0
        do {
            let runner = StateTestRunner(filter: try CaseFilter(), onReport: nil)
            let summary = try runner.run(paths: [path]) { c in
                let o = StateTestExecution.run(c, trace: false)
                if o.pass { passed += 1 } else { failures.append("\(c.testName) \(c.fork): \(o.error ?? "state root or logs differ")") }
                return o
            }
            if summary.total.loadErrors > 0 { return .stale("\(summary.total.loadErrors) load errors") }
        } catch {
            return .stale("\(error)")
        }
        if !failures.isEmpty { return .reproduced(failures.joined(separator: "; ")) }
        return passed > 0 ? .fixed : .stale("no case ran")
    }
}

extension String {
    func ifEmpty(_ s: String) -> String { isEmpty ? s : self }
}
