import EVMCore
import EVMState
import EVMInterpreter

/// The first field where two block results differ, in a fixed order: state root, then each
/// transaction's outcome (rejection reason, status, gas, cumulative gas, logs, created
/// address), then the state diff account by account.
public struct ResultDifference: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var expected: String
    public var actual: String
    public var description: String { "\(field) expected \(expected) actual \(actual)" }

    public init(field: String, expected: String, actual: String) {
        self.field = field; self.expected = expected; self.actual = actual
    }

    /// The field with every number (decimal or `0x…` hex: indices, addresses, slots) replaced
    /// by `#`: what kind of difference this is. Shrinking keeps a candidate only when its
    /// failure is of the original kind, so a simplification that breaks something else (say,
    /// a token contract shrunk to `return true`) is not mistaken for the bug being shrunk.
    public var kind: String {
        let c = Array(field.utf8)
        var out: [UInt8] = []
        var i = 0
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        func isHex(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x66) }
        while i < c.count {
            guard isDigit(c[i]) else { out.append(c[i]); i += 1; continue }
            if c[i] == 0x30, i + 1 < c.count, c[i + 1] | 0x20 == 0x78 {   // 0x…
                i += 2
                while i < c.count, isHex(c[i]) { i += 1 }
            } else {
                while i < c.count, isDigit(c[i]) { i += 1 }
            }
            out.append(0x23)   // #
        }
        return String(decoding: out, as: UTF8.self)
    }
}

public enum ResultComparison {
    public static func firstDifference(expected e: BlockResult, actual a: BlockResult) -> ResultDifference? {
        if e.outcomes.count != a.outcomes.count {
            return ResultDifference(field: "outcome count", expected: "\(e.outcomes.count)", actual: "\(a.outcomes.count)")
        }
        for (i, (x, y)) in zip(e.outcomes, a.outcomes).enumerated() {
            switch (x, y) {
            case (.rejected(let r1), .rejected(let r2)):
                if r1 != r2 { return ResultDifference(field: "tx \(i) rejection", expected: "\(r1)", actual: "\(r2)") }
            case (.rejected(let r1), .executed):
                return ResultDifference(field: "tx \(i) outcome", expected: "rejected (\(r1))", actual: "executed")
            case (.executed, .rejected(let r2)):
                return ResultDifference(field: "tx \(i) outcome", expected: "executed", actual: "rejected (\(r2))")
            case (.executed(let r1), .executed(let r2)):
                if r1.status != r2.status { return ResultDifference(field: "tx \(i) status", expected: "\(r1.status)", actual: "\(r2.status)") }
                if r1.gasUsed != r2.gasUsed { return ResultDifference(field: "tx \(i) gasUsed", expected: "\(r1.gasUsed)", actual: "\(r2.gasUsed)") }
                if r1.cumulativeGasUsed != r2.cumulativeGasUsed {
                    return ResultDifference(field: "tx \(i) cumulativeGasUsed", expected: "\(r1.cumulativeGasUsed)", actual: "\(r2.cumulativeGasUsed)")
                }
                if r1.logs != r2.logs { return ResultDifference(field: "tx \(i) logs", expected: "\(r1.logs.count) logs \(r1.logsHash)", actual: "\(r2.logs.count) logs \(r2.logsHash)") }
                if r1.contractAddress != r2.contractAddress {
                    return ResultDifference(field: "tx \(i) contractAddress", expected: "\(r1.contractAddress.map { "\($0)" } ?? "none")", actual: "\(r2.contractAddress.map { "\($0)" } ?? "none")")
                }
                if r1.output != r2.output { return ResultDifference(field: "tx \(i) output", expected: Hex.encodePrefixed(r1.output), actual: Hex.encodePrefixed(r2.output)) }
            }
        }
        if e.stateRoot != a.stateRoot {
            // Name the account that differs, for a readable counterexample.
            if let d = diffDifference(e.diff, a.diff) { return d }
            return ResultDifference(field: "stateRoot", expected: "\(e.stateRoot)", actual: "\(a.stateRoot)")
        }
        return nil
    }

    static func diffDifference(_ e: StateDiff, _ a: StateDiff) -> ResultDifference? {
        let addrs = Set(e.accounts.keys).union(a.accounts.keys).sorted()
        for addr in addrs {
            let x = e.accounts[addr], y = a.accounts[addr]
            if x?.account != y?.account {
                return ResultDifference(field: "account \(addr)", expected: describe(x?.account), actual: describe(y?.account))
            }
            let keys = Set(x?.storage.keys.map { $0 } ?? []).union(y?.storage.keys.map { $0 } ?? []).sorted()
            for k in keys where x?.storage[k] != y?.storage[k] {
                return ResultDifference(field: "storage \(addr):\(k)", expected: "\(x?.storage[k] ?? .zero)", actual: "\(y?.storage[k] ?? .zero)")
            }
        }
        return nil
    }

    /// One line for an account (or `absent`), as differences print it.
    public static func describe(_ a: Account?) -> String {
        guard let a else { return "absent" }
        return "nonce \(a.nonce) balance \(a.balance.decimalString) code \(a.codeHash)"
    }
}
