import EVMCore

/// Two ether transfers from one sender, with their full up-front cost
/// `cost_i = gas × gasPrice + value_i` (a plain transfer to an externally owned account uses
/// exactly its 21 000 gas, so the up-front cost is also what it finally pays).
///
/// Two readings of the same pair:
/// • **serial** (the EVM): transfer 1 is checked against the balance transfer 0 left;
/// • **faulty parallel group**: both are checked against the group's pre-state balance, as a
///   schedule that never re-validates its reads would do, and both debits are applied.
/// A *double spend* is a pre-state balance for which both succeed in the parallel reading but
/// the second fails serially. (That the serial reading never double-spends is the arithmetic
/// fact c0 ≤ b ∧ c1 ≤ b − c0 ⇒ c0 + c1 ≤ b; bit-blasting needs 22 s for it at 258 bits on this
/// machine, so it is not asked here — replay shows the executor rejecting the second.)
public struct DoubleSpendQuery: Sendable, Equatable {
    public var gas: UInt64
    public var gasPrice: UInt256
    /// Balances and values are searched below 2^`valueBits` (realistic amounts; ≤ 200).
    public var valueBits: Int

    public init(gas: UInt64 = 21_000, gasPrice: UInt256 = UInt256(20 as UInt64), valueBits: Int = 80) {
        self.gas = gas; self.gasPrice = gasPrice; self.valueBits = valueBits
    }
}

public struct DoubleSpendWitness: Sendable, Equatable, CustomStringConvertible {
    public var balance: UInt256
    public var value0: UInt256
    public var value1: UInt256
    public var cost0: UInt256
    public var cost1: UInt256

    public var description: String {
        "balance \(balance.decimalString), value0 \(value0.decimalString) (cost \(cost0.decimalString)), "
            + "value1 \(value1.decimalString) (cost \(cost1.decimalString)): each cost ≤ balance, sum \((cost0 &+ cost1).decimalString) > balance"
    }
}

public enum DoubleSpendResult: Sendable, CustomStringConvertible {
    case found(DoubleSpendWitness, constraints: [String])
    /// No double spend exists under the constraints; `core` names the ones that exclude it.
    case impossible(core: [String])
    case unknown(String)

    public var description: String {
        switch self {
        case .found(let w, _): return "double spend: \(w)"
        case .impossible(let core): return "impossible (unsat; core: \(core.joined(separator: "; ")))"
        case .unknown(let r): return "unknown (\(r))"
        }
    }
}

public enum DoubleSpendSearch {
    struct Terms {
        let b, v0, v1, c0, c1, bound: Term
    }

    /// All arithmetic at 256 + 2 bits: no sum or product of these bounded values wraps.
    static let width = 258

    static func terms(_ c: Z3Context, _ q: DoubleSpendQuery) throws -> Terms {
        guard q.valueBits >= 1 && q.valueBits <= 200 else { throw Z3Error.conversion("valueBits \(q.valueBits): expected 1…200") }
        let b = try c.bitVector("balance", width: width)
        let v0 = try c.bitVector("value0", width: width), v1 = try c.bitVector("value1", width: width)
        let fee = try c.numeral(UInt256(q.gas) &* q.gasPrice, width: width)
        let bound = try c.numeral(.one.shiftedLeft(q.valueBits), width: width)
        return Terms(b: b, v0: v0, v1: v1, c0: try fee.add(v0), c1: try fee.add(v1), bound: bound)
    }

    /// Bounds common to both readings: amounts below 2^valueBits, values ≥ 1.
    static func bounds(_ s: Solver, _ t: Terms, _ c: Z3Context) throws -> [String] {
        let one = try c.numeral(1, width: width)
        let named: [(String, Term)] = [
            ("balance < 2^bits", try t.b.ult(t.bound)),
            ("value0 < 2^bits", try t.v0.ult(t.bound)), ("value1 < 2^bits", try t.v1.ult(t.bound)),
            ("value0 ≥ 1", try t.v0.uge(one)), ("value1 ≥ 1", try t.v1.uge(one)),
        ]
        for (n, a) in named { try s.add(a, tracking: n) }
        return named.map(\.0)
    }

    /// Searches balances for which both transfers pass the parallel group's (stale) check but
    /// the second fails serially.
    public static func find(_ q: DoubleSpendQuery = DoubleSpendQuery(), timeoutMilliseconds: UInt32 = 30_000) throws -> DoubleSpendResult {
        let c = try Z3Context()
        let t = try terms(c, q)
        let s = try Solver(context: c, timeoutMilliseconds: timeoutMilliseconds)
        var names = try bounds(s, t, c)
        let named: [(String, Term)] = [
            ("parallel: cost0 ≤ pre balance", try t.c0.ule(t.b)),
            ("parallel: cost1 ≤ pre balance (stale read)", try t.c1.ule(t.b)),
            ("serial: cost1 > balance after tx0", try t.c1.ugt(t.b.sub(t.c0))),
        ]
        for (n, a) in named { try s.add(a, tracking: n) }
        names += named.map(\.0)
        switch try s.check() {
        case .sat(let m):
            let w = DoubleSpendWitness(balance: try m.value(t.b), value0: try m.value(t.v0), value1: try m.value(t.v1),
                                       cost0: try m.value(t.c0), cost1: try m.value(t.c1))
            return .found(w, constraints: names)
        case .unsat(let core): return .impossible(core: core)
        case .unknown(let r): return .unknown(r)
        }
    }
}
