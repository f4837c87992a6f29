import EVMCore
import EVMState
import EVMExecution
import EVMInterpreter
import ParallelExecutor
import SMT
import Generators
import PropertyKit
import PlantedFaults

/// The double-spend part of a counterexample file (`property` = `no_double_spend`): two
/// transfers from one sender placed in one parallel group whose faulty execution
/// (`StaleBalanceGroup`) lets both through while serial execution rejects the second. The
/// pre-state balance and the values come from a Z3 model of `DoubleSpendSearch`; `input` holds
/// the concrete block built from it. Replay executes `input` serially (the reference) and with
/// the faulty group model: reproduced while they differ. Absent (not encoded) in every other
/// file.
public struct DoubleSpendCase: Codable, Equatable, Sendable {
    public static let property = "no_double_spend"

    /// Indices of the transactions in the parallel group (this model: all of them, in order).
    public var group: [Int]
    public var sender: String
    /// The Z3 model: `balance`, `value0`, `value1` (0x hex), and the constraints it satisfies.
    public var solverModel: [String: String]
    public var constraints: [String]

    /// Re-executes: serial (expected) against the faulty parallel group (actual).
    public func replay(_ input: BlockInput, stored: CounterexampleFile.Difference) throws(CounterexampleError) -> CounterexampleFile.ReplayOutcome {
        guard group == Array(input.transactions.indices), group.count >= 2 else {
            throw .invalidValue(field: "doubleSpend.group", value: "\(group)", reason: "expected every transaction index in order (at least 2)")
        }
        let senderAddress = try CounterexampleFile.address(sender, "doubleSpend.sender")
        let (serial, faulty) = Self.execute(input)
        guard let d = ResultComparison.firstDifference(expected: serial, actual: faulty) else { return .fixed }
        let v = Violation(difference: d, expected: Self.side(serial, input, senderAddress), actual: Self.side(faulty, input, senderAddress), trace: nil)
        return .reproduced(v, identical: d.field == stored.field && d.expected == stored.expected && d.actual == stored.actual)
    }

    /// The real Block-STM executor on the same input under `schedules` seeded schedules: the
    /// first difference from serial execution, or nil when every schedule equals it (what a
    /// correct parallel executor must give on a double-spend input).
    public static func realParallelDifference(_ input: BlockInput, seed: UInt64, schedules: Int = 8) -> ResultDifference? {
        let serial = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        for k in 0..<max(1, schedules) {
            let driver = ParallelExecutor.Driver.deterministic(seed: seed &+ UInt64(k), workers: 2, abortBias: k % 2 == 0 ? 0 : 0.7)
            let (parallel, _) = ParallelExecutor(driver: driver)
                .executeWithReport(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
            if let d = ResultComparison.firstDifference(expected: serial, actual: parallel) { return d }
        }
        return nil
    }

    static func execute(_ input: BlockInput) -> (serial: BlockResult, faulty: BlockResult) {
        (SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork),
         StaleBalanceGroup.execute(input))
    }

    static func side(_ r: BlockResult, _ input: BlockInput, _ sender: Address) -> ResultSide {
        let post = input.pre.copy()
        post.apply(r.diff)
        return ResultSide(r, values: ["sender balance before": (input.pre.account(sender)?.balance ?? .zero).decimalString,
                                      "sender balance after": (post.account(sender)?.balance ?? .zero).decimalString])
    }
}

extension CounterexampleFile {
    /// A double-spend counterexample: `variant` is the faulty parallel model's name.
    public init(doubleSpend c: DoubleSpendCase, input: BlockInput, seed: UInt64, toolVersion: String = ToolVersion.current) throws(CounterexampleError) {
        schemaVersion = Self.currentSchema
        property = DoubleSpendCase.property
        variant = StaleBalanceGroup.name
        self.toolVersion = toolVersion
        fork = input.fork.fixtureName
        seeds = Seeds(run: Self.hex64(seed), block: Self.hex64(seed), schedule: nil)
        self.input = Self.encode(input)
        schedule = nil
        unshrunkTransactions = input.transactions.count
        shrinkSteps = 0
        casesRun = 1
        let sender = try Self.address(c.sender, "doubleSpend.sender")
        let (serial, faulty) = DoubleSpendCase.execute(input)
        expected = DoubleSpendCase.side(serial, input, sender)
        actual = DoubleSpendCase.side(faulty, input, sender)
        let d = ResultComparison.firstDifference(expected: serial, actual: faulty)
            ?? ResultDifference(field: "(none)", expected: "", actual: "")
        firstDifference = Difference(field: d.field, expected: d.expected, actual: d.actual)
        doubleSpend = c
    }
}

/// Z3's double-spend search turned into a replayable counterexample file.
public enum DoubleSpendCounterexample {
    public static let sender = Address(low: 0x5e4d)
    public static let recipients = [Address(low: 0x4ec0), Address(low: 0x4ec1)]
    public static let baseFee = UInt256(7)

    /// The two-transfer block of a witness: the sender holds exactly `balance`; both transfers
    /// are EIP-1559 with fee cap = effective price = `query.gasPrice` (so the up-front check
    /// is exactly `cost_i ≤ balance`), 21 000 gas, nonces 0 and 1.
    public static func block(_ w: DoubleSpendWitness, query: DoubleSpendQuery, seed: UInt64) -> BlockInput {
        let pre = InMemoryState()
        pre.setAccount(sender, nonce: 0, balance: w.balance, code: [], storage: [:])
        let tip = query.gasPrice > baseFee ? query.gasPrice &- baseFee : .zero
        let txs = [w.value0, w.value1].enumerated().map { i, v in
            RecoveredTransaction(transaction: Transaction(type: .dynamicFee, chainId: 1, nonce: UInt64(i), gasPrice: query.gasPrice,
                                                          maxPriorityFeePerGas: tip, maxFeePerGas: query.gasPrice, gasLimit: query.gas,
                                                          to: recipients[i], value: v, data: []),
                                 sender: sender)
        }
        let env = BlockEnv(coinbase: Address(low: 0xc0ffee), number: 1, timestamp: 1000, gasLimit: 30_000_000,
                           prevRandao: UInt256(seed), baseFee: baseFee, excessBlobGas: 0, chainId: 1)
        return BlockInput(fork: .cancun, block: env, pre: pre, transactions: txs)
    }

    public enum Outcome {
        case found(DoubleSpendWitness, CounterexampleFile)
        case notFound(DoubleSpendResult)
    }

    /// Runs the search and builds the file (not written).
    public static func search(query: DoubleSpendQuery = DoubleSpendQuery(), seed: UInt64 = 0, timeoutMilliseconds: UInt32 = 30_000) throws -> Outcome {
        guard query.gasPrice >= baseFee else { throw Z3Error.conversion("gasPrice \(query.gasPrice.decimalString) below the base fee \(baseFee.decimalString)") }
        // A transfer uses exactly 21 000 gas: with a larger limit the up-front check and the final charge differ.
        guard query.gas == 21_000 else { throw Z3Error.conversion("gas \(query.gas): a plain transfer's up-front check equals its charge only at 21000") }
        let result = try DoubleSpendSearch.find(query, timeoutMilliseconds: timeoutMilliseconds)
        guard case .found(let w, let constraints) = result else { return .notFound(result) }
        let input = block(w, query: query, seed: seed)
        let c = DoubleSpendCase(group: [0, 1], sender: sender.hexString,
                                solverModel: ["balance": w.balance.hexString, "value0": w.value0.hexString, "value1": w.value1.hexString],
                                constraints: constraints)
        return .found(w, try CounterexampleFile(doubleSpend: c, input: input, seed: seed))
    }
}
