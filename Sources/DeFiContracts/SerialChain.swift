import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import EVMAssembly

/// A state plus the reference executor: one transaction per call, applied in order, with the
/// sender's nonce tracked — the way the contract tests drive the sample contracts, and a quick
/// way to set up a scenario. Each call is a one-transaction block at `timestamp`.
public final class SerialChain {
    public let state: InMemoryState
    public var fork: Hardfork
    public var timestamp: UInt64
    public var coinbase = Address(low: 0xc0ffee)
    public var gasLimit: UInt64 = 1_000_000

    public init(state: InMemoryState = InMemoryState(), fork: Hardfork = .cancun, timestamp: UInt64 = 1000) {
        self.state = state; self.fork = fork; self.timestamp = timestamp
    }

    /// Executes `data` sent from `from` to `to` and applies the result. Returns the receipt, or
    /// nil when the transaction was rejected (e.g. the sender cannot pay for gas).
    @discardableResult
    public func call(from: Address, to: Address, data: [UInt8], value: UInt256 = .zero) -> Receipt? {
        let nonce = state.account(from)?.nonce ?? 0
        let tx = Transaction(type: .dynamicFee, chainId: 1, nonce: nonce, gasPrice: 10, maxPriorityFeePerGas: 1,
                             maxFeePerGas: 10, gasLimit: gasLimit, to: to, value: value, data: data)
        let env = BlockEnv(coinbase: coinbase, number: 1, timestamp: timestamp, gasLimit: 30_000_000,
                           prevRandao: .zero, baseFee: UInt256(7), excessBlobGas: 0, chainId: 1)
        let result = SerialExecutor().execute(preState: state, block: env,
                                              transactions: [RecoveredTransaction(transaction: tx, sender: from)], fork: fork)
        state.apply(result.diff)
        return result.outcomes.first?.receipt
    }

    /// A read-only call (executed, then its state changes discarded): the return words, or nil
    /// when it reverted.
    public func view(_ to: Address, _ data: [UInt8], from: Address = Address(low: 0x5ee)) -> [UInt256]? {
        let snapshot = state.copy()
        let env = BlockEnv(coinbase: coinbase, number: 1, timestamp: timestamp, gasLimit: 30_000_000,
                           prevRandao: .zero, baseFee: .zero, excessBlobGas: 0, chainId: 1)
        let tx = Transaction(type: .dynamicFee, chainId: 1, nonce: snapshot.account(from)?.nonce ?? 0, gasPrice: 0,
                             maxPriorityFeePerGas: 0, maxFeePerGas: 0, gasLimit: gasLimit, to: to, value: .zero, data: data)
        let result = SerialExecutor().execute(preState: snapshot, block: env,
                                              transactions: [RecoveredTransaction(transaction: tx, sender: from)], fork: fork)
        guard let r = result.outcomes.first?.receipt, r.success else { return nil }
        return ABI.words(r.output)
    }
}
