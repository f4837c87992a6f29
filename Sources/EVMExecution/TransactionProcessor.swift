import EVMCore
import EVMState
import EVMInterpreter
import EVMPrecompiles

/// What one transaction did.
public struct Receipt: Sendable {
    public var type: TxType
    /// EIP-658 status: the top frame succeeded.
    public var success: Bool
    /// How the top frame ended (success, revert, out of gas, …).
    public var status: ExecutionStatus
    /// Gas charged to the sender after refunds (and the EIP-7623 floor).
    public var gasUsed: UInt64
    /// Running total within the block.
    public var cumulativeGasUsed: UInt64
    public var logs: [Log]
    public var contractAddress: Address?
    public var output: [UInt8]
    /// Blob gas charged (EIP-4844).
    public var blobGasUsed: UInt64

    /// keccak256(rlp(logs)) as state tests report it.
    public var logsHash: Bytes32 {
        LogsHash.compute(logs.map { (address: $0.address, topics: $0.topics, data: $0.data) })
    }
}

/// A transaction's fate: executed (successfully or not), or rejected before execution with no
/// effect on the state.
public enum TxOutcome: Sendable {
    case executed(Receipt)
    case rejected(TransactionError)

    public var receipt: Receipt? { if case .executed(let r) = self { return r } else { return nil } }
}

/// EIP-4844 blob gas constants and the blob base fee.
public enum BlobGas {
    public static let perBlob: UInt64 = 131_072

    /// Blob gas one block may use: 6 blobs (EIP-4844), 9 from Prague (EIP-7691).
    public static func maxPerBlock(fork: Hardfork) -> UInt64 { (fork >= .prague ? 9 : 6) * perBlob }

    /// The per-block blob gas target: 3 blobs (EIP-4844), 6 from Prague (EIP-7691).
    public static func targetPerBlock(fork: Hardfork) -> UInt64 { (fork >= .prague ? 6 : 3) * perBlob }

    /// Denominator of the blob base fee exponent (EIP-4844 Cancun; EIP-7691 Prague).
    public static func updateFraction(fork: Hardfork) -> UInt64 { fork >= .prague ? 5_007_716 : 3_338_477 }

    /// `fake_exponential(1, excess, fraction)` from EIP-4844, saturating at 2^256 − 1.
    public static func baseFee(excessBlobGas: UInt64, fork: Hardfork) -> UInt256 {
        let denominator = UInt256(updateFraction(fork: fork))
        let numerator = UInt256(excessBlobGas)
        var i: UInt64 = 1
        var output = UInt256.zero
        var accum = denominator  // factor (1) × denominator
        while !accum.isZero {
            let (o, overflow) = output.addingReportingOverflow(accum)
            if overflow { return .max }
            output = o
            let (hi, lo) = accum.multipliedFullWidth(by: numerator)
            if !hi.isZero { return .max }
            let (dhi, dlo) = denominator.multipliedFullWidth(by: UInt256(i))
            if !dhi.isZero { return .max }
            accum = UInt256.evmDiv(lo, dlo)
            i += 1
        }
        return UInt256.evmDiv(output, denominator)
    }
}

/// Applies one transaction to a journaled state: validation against the state, gas purchase,
/// execution of the top frame, refunds, fee payment and end-of-transaction clean-up. This is
/// the code both executors share; it is written to be read next to the Yellow Paper.
public struct TransactionProcessor {
    public let fork: Hardfork
    public let block: BlockEnv

    public init(fork: Hardfork, block: BlockEnv) { self.fork = fork; self.block = block }

    /// The largest gas limit any transaction may have: 2^63 - 1, the Yellow Paper's bound on a
    /// block's gas limit (and the largest gas an `Int64` frame counter holds). A transaction
    /// above it is `gasAllowanceExceeded` against every block.
    public static let maxGasLimit = UInt64(Int64.max)

    /// The blob base fee for this block (zero before Cancun).
    public var blobBaseFee: UInt256 {
        guard fork >= .cancun else { return .zero }
        return BlobGas.baseFee(excessBlobGas: block.excessBlobGas ?? 0, fork: fork)
    }

    /// What `apply` produced.
    public struct Applied: Sendable {
        public var outcome: TxOutcome
        /// A precompile this build lacks was called (the outcome is not trustworthy).
        public var unimplementedPrecompile: String?
        /// With `deferCoinbasePayment`, the fee the beneficiary is owed and was not yet paid.
        public var deferredCoinbaseFee: UInt256
    }

    /// Executes `tx` from `sender` on `state`. On rejection the state is untouched.
    /// `cumulativeGasBefore` is the block gas used so far (for the receipt and the gas-pool check).
    /// `deferCoinbasePayment` leaves the beneficiary's fee out of the state and returns it
    /// instead, so a parallel executor can add it lazily without every transaction reading the
    /// beneficiary's balance. Only valid when the beneficiary is not an existing empty account
    /// (whose zero-fee touch would delete it under EIP-161).
    public func apply(_ tx: Transaction, sender: Address, state: JournaledState, cumulativeGasBefore: UInt64 = 0,
                      deferCoinbasePayment: Bool = false, tracer: (any Tracer)? = nil) -> Applied {
        do throws(TransactionError) {
            return try applyChecked(tx, sender: sender, state: state, cumulativeGasBefore: cumulativeGasBefore,
                                    deferCoinbasePayment: deferCoinbasePayment, tracer: tracer)
        } catch {
            state.revert(to: 0)
            return Applied(outcome: .rejected(error), unimplementedPrecompile: nil, deferredCoinbaseFee: .zero)
        }
    }

    func applyChecked(_ tx: Transaction, sender: Address, state: JournaledState, cumulativeGasBefore: UInt64,
                      deferCoinbasePayment: Bool, tracer: (any Tracer)?) throws(TransactionError) -> Applied {
        // 1. Stateless validity (type allowed by fork, signature fields, blob rules, sizes).
        try tx.validate(fork: fork, chainId: block.chainId)

        // 2. Block gas pool. A gas limit above 2^63 - 1 (the Yellow Paper's bound on any block
        // gas limit, and the width of the interpreter's signed gas counter) exceeds every valid
        // block's allowance, whatever `block.gasLimit` says: rejected here, so the conversion to
        // the frame's `Int64` gas below cannot trap.
        if tx.gasLimit > TransactionProcessor.maxGasLimit { throw .gasAllowanceExceeded }
        let (poolUse, poolOverflow) = cumulativeGasBefore.addingReportingOverflow(tx.gasLimit)
        if poolOverflow || poolUse > block.gasLimit { throw .gasAllowanceExceeded }

        // 3. Nonce and sender (EIP-2681, EIP-3607).
        let stateNonce = state.nonce(sender)
        if stateNonce == UInt64.max { throw .nonceMaxValue }
        if tx.nonce < stateNonce { throw .nonceTooLow }
        if tx.nonce > stateNonce { throw .nonceTooHigh }
        let senderCode = state.code(sender)
        if !senderCode.isEmpty && !(fork >= .prague && senderCode.delegationTarget != nil) { throw .senderNotEOA }

        // 4. Fee caps.
        let london = fork >= .london
        if london {
            if tx.maxFeePerGas < block.baseFee { throw .feeCapLessThanBaseFee }
            if tx.maxPriorityFeePerGas > tx.maxFeePerGas { throw .priorityFeeGreaterThanMaxFee }
        }
        let blobGasUsed = UInt64(tx.blobVersionedHashes.count) &* BlobGas.perBlob
        let blobFee = blobBaseFee
        if tx.type == .blob && tx.maxFeePerBlobGas < blobFee { throw .insufficientMaxFeePerBlobGas }

        // 5. Up-front balance: gas at the fee cap + value + blob gas at its cap.
        let feeCap = london ? tx.maxFeePerGas : tx.gasPrice
        var required = try checkedMul(UInt256(tx.gasLimit), feeCap)
        required = try checkedAdd(required, tx.value)
        if tx.type == .blob {
            required = try checkedAdd(required, try checkedMul(UInt256(blobGasUsed), tx.maxFeePerBlobGas))
        }
        if state.balance(sender) < required { throw .insufficientAccountFunds }

        // 6. Intrinsic gas (and the EIP-7623 floor).
        let (intrinsic, floor) = IntrinsicGas.compute(tx, fork: fork)
        if tx.gasLimit < intrinsic { throw .intrinsicGasTooLow }
        if fork >= .prague && tx.gasLimit < floor { throw .floorDataGasTooLow }

        // --- The transaction is valid: from here on it executes and pays. ---
        let gasPrice = tx.effectiveGasPrice(baseFee: london ? block.baseFee : .zero)
        state.subBalance(sender, UInt256(tx.gasLimit) &* gasPrice &+ UInt256(blobGasUsed) &* blobFee)
        if tx.to != nil { state.setNonce(sender, stateNonce + 1) }

        let evm = EVM(state: state, block: block,
                      tx: TxEnv(origin: sender, gasPrice: gasPrice, blobHashes: tx.blobVersionedHashes, blobBaseFee: blobFee),
                      fork: fork, tracer: tracer)

        // EIP-2929/2930 warm set; EIP-3651 warm coinbase.
        if fork >= .berlin {
            state.warmAccount(sender)
            if let to = tx.to { state.warmAccount(to) }
            for p in Precompiles.addresses(for: fork) { state.warmAccount(p) }
            for entry in tx.accessList {
                state.warmAccount(entry.address)
                for k in entry.storageKeys { state.warmSlot(entry.address, k.word) }
            }
            if fork >= .shanghai { state.warmAccount(block.coinbase) }
        }

        // EIP-7702 authorisations.
        var refund: Int64 = 0
        if tx.type == .setCode { refund += applyAuthorizations(tx.authorizationList, state: state) }

        // 7. Execute.
        let gas = Int64(truncatingIfNeeded: tx.gasLimit - intrinsic)  // ≤ maxGasLimit (step 2)
        let message: Message
        if let to = tx.to {
            message = Message(kind: .call, depth: 0, gas: gas, recipient: to, sender: sender, codeAddress: to,
                              value: tx.value, input: tx.data)
        } else {
            message = Message(kind: .create, depth: 0, gas: gas, recipient: .zero, sender: sender, codeAddress: .zero,
                              value: tx.value, input: tx.data)
        }
        let result = evm.call(message)

        // 8. Refunds (EIP-3529 cap gasUsed/5 from London, /2 before) and the EIP-7623 floor.
        var gasUsed = tx.gasLimit - UInt64(max(0, result.gasLeft))
        refund += result.gasRefund
        let cap = gasUsed / (london ? 5 : 2)
        gasUsed -= min(UInt64(max(0, refund)), cap)
        if fork >= .prague { gasUsed = max(gasUsed, floor) }

        // 9. Return unused gas; pay the beneficiary (touching it even for a zero fee).
        state.addBalance(sender, UInt256(tx.gasLimit - gasUsed) &* gasPrice)
        let tip = london ? gasPrice &- block.baseFee : gasPrice
        let fee = UInt256(gasUsed) &* tip
        if !deferCoinbasePayment { state.addBalance(block.coinbase, fee) }

        // 10. End of transaction: destroyed accounts go, and touched empty ones (EIP-161).
        state.finalize(clearEmpty: fork >= .spuriousDragon)

        let receipt = Receipt(type: tx.type, success: result.status == .success, status: result.status,
                              gasUsed: gasUsed, cumulativeGasUsed: cumulativeGasBefore + gasUsed,
                              logs: result.status == .success ? evm.logs : [],
                              contractAddress: tx.to == nil ? result.createdAddress : nil,
                              output: result.output, blobGasUsed: tx.type == .blob ? blobGasUsed : 0)
        return Applied(outcome: .executed(receipt), unimplementedPrecompile: evm.unimplementedPrecompile,
                       deferredCoinbaseFee: deferCoinbasePayment ? fee : .zero)
    }

    /// EIP-7702: each valid authorisation sets the authority's code to a delegation designator
    /// (or clears it for the zero address) and bumps its nonce; invalid ones are skipped.
    /// Returns the refund for authorities that already existed.
    func applyAuthorizations(_ list: [Authorization], state: JournaledState) -> Int64 {
        var refund: Int64 = 0
        for auth in list {
            if !auth.chainId.isZero && auth.chainId != block.chainId { continue }
            if auth.nonce == UInt64.max { continue }
            guard let authority = auth.authority() else { continue }
            state.warmAccount(authority)
            let code = state.code(authority)
            if !code.isEmpty && code.delegationTarget == nil { continue }
            if state.nonce(authority) != auth.nonce { continue }
            if state.exists(authority) { refund += 25_000 - 12_500 }
            state.setCode(authority, auth.address == .zero ? .empty : .delegation(to: auth.address))
            state.setNonce(authority, auth.nonce + 1)
        }
        return refund
    }

    func checkedMul(_ a: UInt256, _ b: UInt256) throws(TransactionError) -> UInt256 {
        let (hi, lo) = a.multipliedFullWidth(by: b)
        if !hi.isZero { throw .insufficientAccountFunds }
        return lo
    }

    func checkedAdd(_ a: UInt256, _ b: UInt256) throws(TransactionError) -> UInt256 {
        let (s, o) = a.addingReportingOverflow(b)
        if o { throw .insufficientAccountFunds }
        return s
    }
}
