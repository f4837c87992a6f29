import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import ParallelExecutor
import DeFiContracts
import EVMAssembly
import Generators
import PlantedFaults

/// One side of a comparison as a counterexample stores it: the post-state root, one line per
/// transaction outcome, and property-specific values (sums, nonces) by name.
public struct ResultSide: Sendable, Equatable, Codable {
    public var stateRoot: String
    public var receipts: [String]
    public var values: [String: String]

    public init(stateRoot: String, receipts: [String], values: [String: String] = [:]) {
        self.stateRoot = stateRoot; self.receipts = receipts; self.values = values
    }

    public init(_ result: BlockResult, values: [String: String] = [:]) {
        self.init(stateRoot: result.stateRoot.hexString, receipts: result.outcomes.enumerated().map { ResultSide.line($0.offset, $0.element) },
                  values: values)
    }

    static func line(_ i: Int, _ o: TxOutcome) -> String {
        switch o {
        case .rejected(let e): return "tx \(i): rejected (\(e))"
        case .executed(let r):
            return "tx \(i): \(r.status) gasUsed \(r.gasUsed) cumulative \(r.cumulativeGasUsed) logs \(r.logs.count)"
                + (r.contractAddress.map { " created \($0)" } ?? "")
        }
    }
}

/// A property violated by one concrete input.
public struct Violation: Sendable, Equatable {
    public var difference: ResultDifference
    public var expected: ResultSide
    public var actual: ResultSide
    /// The schedule under which it failed (parallel properties).
    public var trace: ScheduleTrace?

    public init(difference: ResultDifference, expected: ResultSide, actual: ResultSide, trace: ScheduleTrace? = nil) {
        self.difference = difference; self.expected = expected; self.actual = actual; self.trace = trace
    }
}

/// A property of block execution: a generator of inputs and a check of one input.
public protocol BlockProperty: Sendable {
    var name: String { get }
    var generator: BlockGenerator { get set }
    var variant: ExecutorVariant { get }
    /// Checks one input; `seed` picks schedules for properties that have them.
    func check(_ input: BlockInput, seed: UInt64) -> Violation?
    /// Re-runs exactly what a counterexample recorded (the schedule trace, when there is one).
    func replay(_ input: BlockInput, trace: ScheduleTrace?) -> Violation?
    /// Whether shrinking may simplify contract code. True for properties of the executor (the
    /// code is just input); false for properties of the contracts themselves (token supply,
    /// pool, market, staking invariants), where editing the code would change the subject.
    var shrinksCode: Bool { get }
}

extension BlockProperty {
    public func replay(_ input: BlockInput, trace: ScheduleTrace?) -> Violation? { check(input, seed: 0) }
    public var shrinksCode: Bool { true }
}

/// Widened (320-bit) sums of 256-bit amounts, so no total wraps.
public struct WideSum: Sendable, Equatable, CustomStringConvertible {
    public private(set) var high: UInt64 = 0
    public private(set) var low: UInt256 = .zero
    public init() {}
    public mutating func add(_ v: UInt256) {
        let (s, o) = low.addingReportingOverflow(v)
        low = s
        if o { high &+= 1 }
    }
    public var description: String { high == 0 ? low.decimalString : "\(high)·2^256 + \(low.decimalString)" }
}

/// `parallel_matches_serial`: the parallel executor's result equals the serial one's under
/// deterministic schedules (each check tries four, alternating the abort bias).
public struct ParallelMatchesSerialProperty: BlockProperty {
    public var name: String { ParallelMatchesSerial.name }
    public var generator: BlockGenerator
    public var variant: ExecutorVariant
    public var schedules: Int
    public var workers: Int

    /// The default generator draws blocks of 2–200 transactions: 1 in 8 from the whole range,
    /// the rest from 2–40 (`largeBlockRate`), so the gate's budget stays about what it was with
    /// 2–40 only.
    public init(generator: BlockGenerator = BlockGenerator(minTransactions: 2, maxTransactions: 200, conflictRate: 0.5),
                variant: ExecutorVariant = .reference, schedules: Int = 4, workers: Int = 4) {
        self.generator = generator; self.variant = variant; self.schedules = schedules; self.workers = workers
    }


    public func check(_ input: BlockInput, seed: UInt64) -> Violation? {
        for s in 0..<schedules {
            let driver = ParallelExecutor.Driver.deterministic(seed: seed &+ UInt64(s), workers: workers, abortBias: s % 2 == 0 ? 0 : 0.7)
            if let v = run(input, driver: driver) { return v }
        }
        return nil
    }

    public func replay(_ input: BlockInput, trace: ScheduleTrace?) -> Violation? {
        guard let trace else { return check(input, seed: 0) }
        return run(input, driver: .replay(trace))
    }

    func run(_ input: BlockInput, driver: ParallelExecutor.Driver) -> Violation? {
        let serial = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        let (parallel, report) = ParallelExecutor(driver: driver, faults: variant.hook)
            .executeWithReport(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        guard let d = ResultComparison.firstDifference(expected: serial, actual: parallel) else { return nil }
        return Violation(difference: d, expected: ResultSide(serial), actual: ResultSide(parallel), trace: report.trace)
    }
}

/// `ether_conservation`: Σ balances before = Σ balances after + burned base fee
/// (Σ gasUsed × baseFee) + burned blob fee (Σ blobGasUsed × blobBaseFee). Tips stay in the sum
/// (they move to the beneficiary). Sums are widened.
public struct EtherConservationProperty: BlockProperty {
    public let name = "ether_conservation"
    public var generator: BlockGenerator
    public var variant: ExecutorVariant
    public init(generator: BlockGenerator = BlockGenerator(minTransactions: 2, maxTransactions: 40), variant: ExecutorVariant = .reference) {
        self.generator = generator; self.variant = variant
    }

    public func check(_ input: BlockInput, seed: UInt64) -> Violation? {
        let result = variant.execute(input)
        let post = input.pre.copy()
        post.apply(result.diff)
        var before = WideSum(), after = WideSum()
        for (_, a) in input.pre.accounts { before.add(a.balance) }
        for (_, a) in post.accounts { after.add(a.balance) }
        let blobFee = TransactionProcessor(fork: input.fork, block: input.block).blobBaseFee
        var burned = WideSum()
        for r in result.receipts {
            burned.add(UInt256(r.gasUsed) &* input.block.baseFee)
            burned.add(UInt256(r.blobGasUsed) &* blobFee)
        }
        var accounted = after
        accounted.add(burned.low)
        if burned.high > 0 { for _ in 0..<burned.high { accounted.add(.max); accounted.add(.one) } }
        guard accounted != before else { return nil }
        let d = ResultDifference(field: "sum of balances + burned fees", expected: before.description, actual: accounted.description)
        return Violation(difference: d,
                         expected: ResultSide(stateRoot: input.pre.stateRoot().hexString, receipts: [], values: ["balances before": before.description]),
                         actual: ResultSide(result, values: ["balances after": after.description, "burned": burned.description]),
                         trace: nil)
    }
}

/// `token_conservation`: the sample token's holder balances (slot = holder address) always sum
/// to the same total, and for every `ERC20Token` of the DeFi world the total supply equals the
/// sum of the balances after the block whenever it did before.
public struct TokenConservationProperty: BlockProperty {
    public let name = "token_conservation"
    public var shrinksCode: Bool { false }
    public var generator: BlockGenerator
    public var variant: ExecutorVariant
    public init(generator: BlockGenerator = BlockGenerator(minTransactions: 2, maxTransactions: 40, conflictRate: 0.6),
                variant: ExecutorVariant = .reference) {
        self.generator = generator; self.variant = variant
    }

    public func check(_ input: BlockInput, seed: UInt64) -> Violation? {
        let result = variant.execute(input)
        let post = input.pre.copy()
        post.apply(result.diff)
        let token = BlockGenerator.tokenAddr
        var before = WideSum(), after = WideSum()
        for (_, v) in input.pre.storage[token] ?? [:] { before.add(v) }
        for (_, v) in post.storage[token] ?? [:] { after.add(v) }
        if before == after {
            // Every DeFi token: supply = Σ balances after the block, when it held before.
            let pre = DeFiLedger(input.pre), now = DeFiLedger(post)
            for t in DeFiWorld.tokens where pre.tokenSupplyMismatch(t) == nil {
                guard let m = now.tokenSupplyMismatch(t) else { continue }
                return Violation(difference: ResultDifference(field: "token \(t) Σ balances vs totalSupply", expected: m.supply, actual: m.sum),
                                 expected: ResultSide(stateRoot: input.pre.stateRoot().hexString, receipts: [], values: ["token \(t) supply": m.supply]),
                                 actual: ResultSide(result, values: ["token \(t) Σ balances": m.sum]), trace: nil)
            }
            return nil
        }
        return Violation(difference: ResultDifference(field: "token \(token) total supply", expected: before.description, actual: after.description),
                         expected: ResultSide(stateRoot: input.pre.stateRoot().hexString, receipts: [], values: ["token supply": before.description]),
                         actual: ResultSide(result, values: ["token supply": after.description]), trace: nil)
    }
}

/// `nonce_once`: every (sender, nonce) executes at most once, and each sender's nonce grows by
/// exactly the number of its executed transactions.
public struct NonceOnceProperty: BlockProperty {
    public let name = "nonce_once"
    public var generator: BlockGenerator
    public var variant: ExecutorVariant
    public init(generator: BlockGenerator = BlockGenerator(minTransactions: 2, maxTransactions: 40, senders: 6), variant: ExecutorVariant = .reference) {
        self.generator = generator; self.variant = variant
    }

    public func check(_ input: BlockInput, seed: UInt64) -> Violation? {
        let result = variant.execute(input)
        let post = input.pre.copy()
        post.apply(result.diff)
        var executed: [Address: Int] = [:]
        var pairs: Set<String> = []
        for (i, (tx, o)) in zip(input.transactions, result.outcomes).enumerated() where o.receipt != nil {
            let key = "\(tx.sender)/\(tx.transaction.nonce)"
            if !pairs.insert(key).inserted {
                return Violation(difference: ResultDifference(field: "tx \(i) (sender, nonce) \(key)", expected: "executed at most once", actual: "executed twice"),
                                 expected: ResultSide(stateRoot: "", receipts: []), actual: ResultSide(result), trace: nil)
            }
            executed[tx.sender, default: 0] += 1
        }
        for sender in Set(input.transactions.map(\.sender)).sorted() {
            let n0 = input.pre.account(sender)?.nonce ?? 0
            let n1 = post.account(sender)?.nonce ?? 0
            let want = n0 + UInt64(executed[sender] ?? 0)
            if n1 != want {
                return Violation(difference: ResultDifference(field: "nonce of \(sender)", expected: "\(want)", actual: "\(n1)"),
                                 expected: ResultSide(stateRoot: "", receipts: [], values: ["nonce \(sender)": "\(want)"]),
                                 actual: ResultSide(result, values: ["nonce \(sender)": "\(n1)"]), trace: nil)
            }
        }
        return nil
    }
}

/// `receipts_consistent`: cumulative gas is monotone and equals the running sum of gas used,
/// no receipt uses more than its gas limit, and failed transactions have no logs.
public struct ReceiptsConsistentProperty: BlockProperty {
    public let name = "receipts_consistent"
    public var generator: BlockGenerator
    public var variant: ExecutorVariant
    public init(generator: BlockGenerator = BlockGenerator(minTransactions: 2, maxTransactions: 40), variant: ExecutorVariant = .reference) {
        self.generator = generator; self.variant = variant
    }

    public func check(_ input: BlockInput, seed: UInt64) -> Violation? {
        let result = variant.execute(input)
        var running: UInt64 = 0
        func fail(_ field: String, _ e: String, _ a: String) -> Violation {
            Violation(difference: ResultDifference(field: field, expected: e, actual: a),
                      expected: ResultSide(stateRoot: "", receipts: []), actual: ResultSide(result), trace: nil)
        }
        for (i, (tx, o)) in zip(input.transactions, result.outcomes).enumerated() {
            guard let r = o.receipt else { continue }
            if r.gasUsed > tx.transaction.gasLimit { return fail("tx \(i) gasUsed", "≤ \(tx.transaction.gasLimit)", "\(r.gasUsed)") }
            running += r.gasUsed
            if r.cumulativeGasUsed != running { return fail("tx \(i) cumulativeGasUsed", "\(running)", "\(r.cumulativeGasUsed)") }
            if !r.success && !r.logs.isEmpty { return fail("tx \(i) logs", "none (failed)", "\(r.logs.count)") }
        }
        return nil
    }
}

/// `journal_revert`: a transaction whose top frame failed changes nothing but the sender's
/// nonce and balance and the beneficiary's balance (checked transaction by transaction).
public struct JournalRevertProperty: BlockProperty {
    public let name = "journal_revert"
    public var generator: BlockGenerator
    public var variant: ExecutorVariant
    public init(generator: BlockGenerator = BlockGenerator(minTransactions: 2, maxTransactions: 30), variant: ExecutorVariant = .reference) {
        self.generator = generator; self.variant = variant
    }

    public func check(_ input: BlockInput, seed: UInt64) -> Violation? {
        let state = input.pre.copy()
        for (i, tx) in input.transactions.enumerated() {
            let one = BlockInput(fork: input.fork, block: input.block, pre: state, transactions: [tx])
            let result = variant.execute(one)
            if let r = result.receipts.first, !r.success {
                for (a, d) in result.diff.accounts.sorted(by: { $0.key < $1.key }) {
                    if a == tx.sender || a == input.block.coinbase {
                        // An empty beneficiary touched by a zero fee is deleted (EIP-161): not a leak.
                        let emptyDeleted = d.account == nil && d.storage.isEmpty && (state.account(a)?.isEmpty ?? true)
                        if !emptyDeleted && (!d.storage.isEmpty || d.storageCleared || d.code != nil && state.account(a)?.hasCode != true) {
                            return violation(i, "account \(a) storage/code", "unchanged", "changed", result)
                        }
                        continue
                    }
                    if let k = d.storage.keys.sorted().first {
                        return violation(i, "storage \(a):\(k)", state.storage(a, k).hexString, d.storage[k]!.hexString, result)
                    }
                    if d.account != state.account(a) {
                        return violation(i, "account \(a)", ResultComparison.describe(state.account(a)), ResultComparison.describe(d.account), result)
                    }
                }
            }
            state.apply(result.diff)
        }
        return nil
    }

    func violation(_ i: Int, _ field: String, _ e: String, _ a: String, _ r: BlockResult) -> Violation {
        Violation(difference: ResultDifference(field: "tx \(i) (reverted) \(field)", expected: e, actual: a),
                  expected: ResultSide(stateRoot: "", receipts: []), actual: ResultSide(r), trace: nil)
    }
}

/// Every property, by name, with its default generator and the reference executor.
public enum PropertyCatalog {
    public static let all: [any BlockProperty] = [
        ParallelMatchesSerialProperty(), EtherConservationProperty(), TokenConservationProperty(),
        NonceOnceProperty(), ReceiptsConsistentProperty(), JournalRevertProperty(),
        AMMInvariantsProperty(), LendingSolvencyProperty(), StakingSolvencyProperty(),
    ]
    public static var names: [String] { all.map(\.name) }

    /// The property called `name`, checking `variant`.
    public static func property(named name: String, variant: ExecutorVariant = .reference) -> (any BlockProperty)? {
        switch name {
        case "parallel_matches_serial": return ParallelMatchesSerialProperty(variant: variant)
        case "ether_conservation": return EtherConservationProperty(variant: variant)
        case "token_conservation": return TokenConservationProperty(variant: variant)
        case "nonce_once": return NonceOnceProperty(variant: variant)
        case "receipts_consistent": return ReceiptsConsistentProperty(variant: variant)
        case "journal_revert": return JournalRevertProperty(variant: variant)
        case "amm_invariants": return AMMInvariantsProperty(variant: variant)
        case "lending_solvency": return LendingSolvencyProperty(variant: variant)
        case "staking_solvency": return StakingSolvencyProperty(variant: variant)
        default: return nil
        }
    }
}
