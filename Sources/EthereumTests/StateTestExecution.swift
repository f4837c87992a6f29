import Foundation
import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import EVMPrecompiles

/// Runs one state-test case on an executor and judges it: the state root after the one
/// transaction must equal `hash`, the logs hash must equal `logs`, and a case with
/// `expectException` must be rejected (leaving the pre-state root).
public enum StateTestExecution {
    /// The input of a case as executors see it, or the reason it cannot be built.
    public static func blockInput(_ c: StateTestCase) -> Result<(pre: InMemoryState, block: BlockEnv, tx: RecoveredTransaction, fork: Hardfork), BuildError> {
        guard let fork = c.hardfork else { return .failure(.unsupportedFork(c.fork)) }
        let pre = InMemoryState()
        for (address, account) in c.pre {
            pre.setAccount(address, nonce: account.nonce, balance: account.balance, code: account.code, storage: account.storage)
        }
        // The fillers answer BLOCKHASH(n) with keccak256 of n's decimal digits.
        pre.blockHashFallback = { n in Keccak256.hash(Array(String(n).utf8)) }
        let env = c.env
        let block = BlockEnv(coinbase: env.coinbase, number: env.number.uint64IfFits ?? .max,
                             timestamp: env.timestamp.uint64IfFits ?? .max, gasLimit: env.gasLimit.uint64IfFits ?? .max,
                             difficulty: env.difficulty ?? .zero, prevRandao: env.random?.word ?? env.difficulty ?? .zero,
                             baseFee: env.baseFee ?? .zero, excessBlobGas: env.excessBlobGas.map { $0.uint64IfFits ?? .max },
                             chainId: 1)
        let tx: Transaction
        do throws(BuildError) {
            tx = try transaction(c)
        } catch {
            return .failure(error)
        }
        let sender: Address
        if let s = c.transaction.sender {
            sender = s
        } else if let s = Secp256k1.address(privateKey: c.transaction.secretKey) {
            sender = s
        } else {
            return .failure(.invalidTransaction("secretKey does not give a public key"))
        }
        return .success((pre, block, RecoveredTransaction(transaction: tx, sender: sender), fork))
    }

    public enum BuildError: Error, Sendable, Equatable, CustomStringConvertible {
        case unsupportedFork(String)
        /// The transaction cannot even be represented (e.g. a field over its type's range):
        /// such a case must expect an exception.
        case invalidTransaction(String)

        public var description: String {
            switch self {
            case .unsupportedFork(let f): return "unsupported fork \(f)"
            case .invalidTransaction(let why): return "invalid transaction: \(why)"
            }
        }
    }

    /// The case's transaction: decoded from `txbytes` when present (so the codec is exercised
    /// on every case), else built from the template fields.
    static func transaction(_ c: StateTestCase) throws(BuildError) -> Transaction {
        if let bytes = c.txbytes, !bytes.isEmpty {
            do {
                return try Transaction.decode(bytes)
            } catch {
                throw .invalidTransaction("txbytes: \(error)")
            }
        }
        let t = c.transaction
        guard let nonce = t.nonce.uint64IfFits else { throw .invalidTransaction("nonce exceeds 64 bits") }
        guard let gas = t.gasLimit.uint64IfFits else { throw .invalidTransaction("gasLimit exceeds 64 bits") }
        guard let value = t.value.word else { throw .invalidTransaction("value exceeds 256 bits") }
        let type: TxType = TxType(rawValue: t.impliedType) ?? .legacy
        var tx = Transaction(type: type, chainId: type == .legacy ? nil : 1, nonce: nonce,
                             gasPrice: t.gasPrice ?? t.maxFeePerGas ?? .zero,
                             maxPriorityFeePerGas: t.maxPriorityFeePerGas ?? t.gasPrice ?? .zero,
                             maxFeePerGas: t.maxFeePerGas ?? t.gasPrice ?? .zero,
                             gasLimit: gas, to: t.to, value: value, data: t.data)
        tx.accessList = (t.accessList ?? []).map { AccessListEntry(address: $0.address, storageKeys: $0.storageKeys) }
        tx.blobVersionedHashes = t.blobVersionedHashes ?? []
        tx.maxFeePerBlobGas = t.maxFeePerBlobGas ?? .zero
        tx.authorizationList = (t.authorizationList ?? []).map {
            Authorization(chainId: $0.chainId, address: $0.address, nonce: $0.nonce.uint64IfFits ?? .max,
                          yParity: UInt8(truncatingIfNeeded: $0.yParity.w0), r: $0.r, s: $0.s)
        }
        return tx
    }

    /// Runs and judges one case (see `CaseOutcome.judge`) on `executor` (the serial oracle when
    /// nil). With `trace` and no executor, EIP-3155 lines go to stderr, followed by the summary
    /// line; a given executor traces only if it was built with its own tracer.
    public static func run(_ c: StateTestCase, trace: Bool, executor: (any BlockExecutor)? = nil) -> CaseOutcome {
        let input: (pre: InMemoryState, block: BlockEnv, tx: RecoveredTransaction, fork: Hardfork)
        switch blockInput(c) {
        case .failure(.unsupportedFork(let f)):
            return .failed("unsupported fork \(f)")
        case .failure(let e):
            // Not representable: correct only if the case expects a rejection of an unchanged state.
            return CaseOutcome.judge(c, stateRoot: c.expectException != nil ? c.expectedStateRoot : .zero,
                                     logsHash: Keccak256.emptyListHash, rejection: "\(e)")
        case .success(let i):
            input = i
        }
        let tracer: JSONLTracer? = trace && executor == nil ? JSONLTracer { line in FileHandle.standardError.write(Data(line.utf8)) } : nil
        let chosen: any BlockExecutor = executor ?? SerialExecutor(tracer: tracer)
        let result = chosen.execute(preState: input.pre, block: input.block, transactions: [input.tx], fork: input.fork)
        if let missing = result.unimplementedPrecompiles.first {
            return CaseOutcome(pass: false, stateRoot: result.stateRoot, error: "needs precompile \(missing)", needsPrecompile: missing)
        }
        switch result.outcomes.first {
        case .rejected(let reason)?:
            return CaseOutcome.judge(c, stateRoot: result.stateRoot, logsHash: Keccak256.emptyListHash, rejection: "\(reason)")
        case .executed(let receipt)?:
            if trace {
                let summary = "{\"output\":\"\(Hex.encode(receipt.output))\",\"gasUsed\":\"0x\(String(receipt.gasUsed, radix: 16))\",\"pass\":\(receipt.success)}\n"
                FileHandle.standardError.write(Data(summary.utf8))
            }
            return CaseOutcome.judge(c, stateRoot: result.stateRoot, logsHash: receipt.logsHash, rejection: nil)
        case nil:
            return .failed("executor returned no outcome")
        }
    }
}
