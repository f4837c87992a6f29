import EVMCore
import EVMState
import EVMExecution
import Foundation
import T8n

/// One field on which two transitions of the same case disagree.
public struct T8nDifference: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var expected: String
    public var actual: String
    public init(field: String, expected: String, actual: String) { self.field = field; self.expected = expected; self.actual = actual }
    public var description: String { "\(field): expected \(expected), actual \(actual)" }
}

/// Field-by-field comparison of two transition results (reference first).
///
/// Compared: state root, receipts root, logs hash and bloom, gas used, base fee, excess blob
/// gas, withdrawals root, requests and their hash (when both tools report them), per receipt
/// status, cumulative gas, gas used and logs, the rejected indices (not the error texts: every
/// tool words them differently), and the post-state account by account. `txRoot` and
/// `receiptsRoot` are compared only when neither side rejected anything: the execution spec's
/// t8n keys both tries by the index among all parsed transactions (a rejected one leaves its
/// index taken), geth and Lockstep by the index among the included ones; the receipts
/// themselves are still compared one by one. Fields one tool leaves
/// out (e.g. `blobGasUsed` in the execution spec) are not compared.
public enum T8nComparison {
    public static func differences(expected e: T8nResult, expectedAlloc ea: InMemoryState,
                                   actual a: T8nResult, actualAlloc aa: InMemoryState) -> [T8nDifference] {
        var out: [T8nDifference] = []
        func check<T: Equatable>(_ field: String, _ x: T, _ y: T, _ show: (T) -> String) {
            if x != y { out.append(T8nDifference(field: field, expected: show(x), actual: show(y))) }
        }
        func both<T: Equatable>(_ field: String, _ x: T?, _ y: T?, _ show: (T) -> String) {
            if let x, let y { check(field, x, y, show) }
        }
        // Per transaction first: the most specific place a divergence shows.
        check("rejected", e.rejected.map(\.index), a.rejected.map(\.index)) { "\($0)" }
        check("receipts.count", e.receipts.count, a.receipts.count) { "\($0)" }
        for (i, (x, y)) in zip(e.receipts, a.receipts).enumerated() {
            check("receipts[\(i)].status", x.succeeded, y.succeeded) { $0 ? "success" : "failure" }
            check("receipts[\(i)].gasUsed", x.gasUsed, y.gasUsed) { "\($0)" }
            check("receipts[\(i)].cumulativeGasUsed", x.cumulativeGasUsed, y.cumulativeGasUsed) { "\($0)" }
            check("receipts[\(i)].logs", x.logs.count, y.logs.count) { "\($0) logs" }
            if x.logs.count == y.logs.count {
                for (j, (lx, ly)) in zip(x.logs, y.logs).enumerated() {
                    check("receipts[\(i)].logs[\(j)]", lx, ly) { "\($0.address) topics \($0.topics.count) data \(Hex.encodePrefixed($0.data.prefix(16)))…" }
                }
            }
            if x.transactionHash != .zero && y.transactionHash != .zero {
                check("receipts[\(i)].transactionHash", x.transactionHash, y.transactionHash) { $0.hexString }
            }
        }
        check("stateRoot", e.stateRoot, a.stateRoot) { $0.hexString }
        check("logsHash", e.logsHash, a.logsHash) { $0.hexString }
        check("logsBloom", e.logsBloom, a.logsBloom) { Hex.encodePrefixed($0.prefix(8)) + "…" }
        check("gasUsed", e.gasUsed, a.gasUsed) { "\($0)" }
        if e.rejected.isEmpty && a.rejected.isEmpty {
            check("receiptsRoot", e.receiptsRoot, a.receiptsRoot) { $0.hexString }
            check("txRoot", e.txRoot, a.txRoot) { $0.hexString }
        }
        both("currentBaseFee", e.currentBaseFee, a.currentBaseFee) { $0.decimalString }
        both("currentExcessBlobGas", e.currentExcessBlobGas, a.currentExcessBlobGas) { "\($0)" }
        both("blobGasUsed", e.blobGasUsed, a.blobGasUsed) { "\($0)" }
        both("withdrawalsRoot", e.withdrawalsRoot, a.withdrawalsRoot) { $0.hexString }
        both("requestsHash", e.requestsHash, a.requestsHash) { $0.hexString }
        both("requests", e.requests, a.requests) { $0.map { Hex.encodePrefixed($0.prefix(8)) + "…(\($0.count) bytes)" }.joined(separator: ", ") }
        out += allocDifferences(expected: ea, actual: aa)
        return out
    }

    /// Account-by-account differences of two post-states (balance, nonce, code, each slot).
    public static func allocDifferences(expected e: InMemoryState, actual a: InMemoryState) -> [T8nDifference] {
        var out: [T8nDifference] = []
        let addresses = Set(e.accounts.keys).union(a.accounts.keys).sorted()
        for addr in addresses {
            let x = e.accounts[addr], y = a.accounts[addr]
            guard let x, let y else {
                out.append(T8nDifference(field: "alloc[\(addr)]", expected: x == nil ? "absent" : "present", actual: y == nil ? "absent" : "present"))
                continue
            }
            if x.balance != y.balance { out.append(.init(field: "alloc[\(addr)].balance", expected: x.balance.decimalString, actual: y.balance.decimalString)) }
            if x.nonce != y.nonce { out.append(.init(field: "alloc[\(addr)].nonce", expected: "\(x.nonce)", actual: "\(y.nonce)")) }
            if x.codeHash != y.codeHash { out.append(.init(field: "alloc[\(addr)].code", expected: x.codeHash.hexString, actual: y.codeHash.hexString)) }
            let sx = (e.storage[addr] ?? [:]).filter { !$0.value.isZero }, sy = (a.storage[addr] ?? [:]).filter { !$0.value.isZero }
            for k in Set(sx.keys).union(sy.keys).sorted() where sx[k] != sy[k] {
                out.append(.init(field: "alloc[\(addr)].storage[\(k.hexString)]", expected: (sx[k] ?? .zero).hexString, actual: (sy[k] ?? .zero).hexString))
            }
        }
        return out
    }
}

/// Step-by-step comparison of two EIP-3155 traces of one transaction.
public enum TraceDiff {
    /// One instruction step. Equality is pc, opcode, gas left, depth and stack; `opName` is
    /// for the report only (tools name undefined opcodes differently: geth "opcode 0xdd not
    /// defined", the execution spec otherwise).
    public struct Step: Equatable {
        public var pc: Int
        public var op: Int
        public var gas: UInt64
        public var depth: Int
        public var stack: [UInt256]
        public var opName: String

        public static func == (a: Step, b: Step) -> Bool {
            a.pc == b.pc && a.op == b.op && a.gas == b.gas && a.depth == b.depth && a.stack == b.stack
        }
    }

    /// The instruction steps of a JSONL trace: summary lines and the execution spec's
    /// precompile pseudo-steps (`"op": "0x…"` strings) are skipped; numbers may be hex strings or
    /// JSON numbers; stack items are normalised.
    public static func steps(_ lines: [String]) -> [Step] {
        lines.compactMap { line in
            guard let obj = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  let pc = number(obj["pc"]), let op = obj["op"] as? NSNumber, let gas = number(obj["gas"]),
                  let depth = number(obj["depth"]) else { return nil }
            let stack = (obj["stack"] as? [Any] ?? []).compactMap { ($0 as? String).flatMap { UInt256(hex: $0) } }
            return Step(pc: Int(truncatingIfNeeded: pc), op: op.intValue, gas: gas, depth: Int(truncatingIfNeeded: depth),
                        stack: stack, opName: obj["opName"] as? String ?? "")
        }
    }

    static func number(_ v: Any?) -> UInt64? {
        if let n = v as? NSNumber { return n.uint64Value }
        if let s = v as? String { return s.hasPrefix("0x") ? UInt64(s.dropFirst(2), radix: 16) : UInt64(s) }
        return nil
    }

    /// The first step where the traces disagree (pc, opcode, gas left, depth or stack), or where
    /// one ends early; nil when they agree step for step.
    public static func firstDifference(expected: [String], actual: [String]) -> String? {
        let x = steps(expected), y = steps(actual)
        for (i, (a, b)) in zip(x, y).enumerated() where a != b {
            var what: [String] = []
            if a.pc != b.pc { what.append("pc \(a.pc) vs \(b.pc)") }
            if a.op != b.op { what.append("op \(a.opName) vs \(b.opName)") }
            if a.gas != b.gas { what.append("gas \(a.gas) vs \(b.gas)") }
            if a.depth != b.depth { what.append("depth \(a.depth) vs \(b.depth)") }
            if a.stack != b.stack { what.append("stack [\(a.stack.map(\.hexString).joined(separator: ","))] vs [\(b.stack.map(\.hexString).joined(separator: ","))]") }
            let prev = i > 0 ? " after \(x[i - 1].opName) at pc \(x[i - 1].pc)" : ""
            return "step \(i) (\(a.opName) at pc \(a.pc), depth \(a.depth)\(prev)): \(what.joined(separator: "; "))"
        }
        if x.count != y.count {
            // Name the first step only one side has (an opcode the other does not execute).
            let n = min(x.count, y.count)
            let next = x.count > y.count ? x[n] : y[n]
            func name(_ s: Step) -> String { s.opName.isEmpty ? "op 0x" + String(s.op, radix: 16) : s.opName }
            let shorter = x.count > y.count ? "actual" : "expected", longer = x.count > y.count ? "expected" : "actual"
            let ends = n > 0 ? "; the \(shorter) trace ends after \(name(x[n - 1])) at pc \(x[n - 1].pc), depth \(x[n - 1].depth)" : ""
            return "expected \(x.count) steps, actual \(y.count) (identical for the first \(n)\(ends)); step \(n) is \(name(next)) at pc \(next.pc), depth \(next.depth) in the \(longer) trace only"
        }
        return nil
    }
}
