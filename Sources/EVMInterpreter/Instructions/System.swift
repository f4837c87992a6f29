import EVMCore

/// EIP-3860 (Shanghai): init code size limit (2 × the EIP-170 code size limit).
let maxInitCodeSize = 49152
/// CALL value transfer cost and the stipend the callee receives with it.
let callValueCost: Int64 = 9000
let callStipend: Int64 = 2300
/// Cost of a call or self-destruct that brings a new account into existence.
let newAccountCost: Int64 = 25000
/// EIP-2929 cold-account cost of SELFDESTRUCT's beneficiary (no warm charge).
let coldSelfdestructCost: Int64 = 2600
/// Pre-London SELFDESTRUCT refund.
let selfdestructRefund: Int64 = 24000

// 0xf0–0xff: CREATE, CALL, CALLCODE, RETURN, DELEGATECALL, CREATE2, STATICCALL, REVERT,
// INVALID (in the dispatch loop), SELFDESTRUCT.
extension Frame {
    /// CALL / CALLCODE / DELEGATECALL / STATICCALL.
    ///
    /// Order: static-context check for value, memory for the argument and return regions,
    /// EIP-2929 cold surcharge, EIP-7702 delegation access (Prague+), value and new-account
    /// costs, then the callee's gas (EIP-150 all-but-1/64 cap from Tangerine Whistle; before
    /// that exactly the requested amount, which must be affordable).
    mutating func call(kind: CallKind) -> ExecutionStatus? {
        let gasArg = pop()
        let to = Address(truncating: pop())
        let hasValueArg = kind == .call || kind == .callCode
        let value: UInt256 = hasValueArg ? pop() : .zero
        let argsOffset = pop(), argsSize = pop(), retOffset = pop(), retSize = pop()

        if kind == .call && message.isStatic && !value.isZero { return .staticStateChange }
        guard let argsAt = memoryRegion(argsOffset, argsSize),
              let retAt = memoryRegion(retOffset, retSize) else { return .outOfGas }
        let argsCount = Int(argsSize.w0), retCount = Int(retSize.w0)

        guard chargeAccountAccess(to) else { return .outOfGas }
        if fork >= .prague, let target = host.code(to).delegationTarget {
            let cost: Int64 = host.accessAccount(target) == .cold ? 2600 : 100
            guard charge(cost) else { return .outOfGas }
        }

        var extra: Int64 = 0
        if !value.isZero { extra = callValueCost }
        if kind == .call {
            if fork >= .spuriousDragon {
                if !value.isZero && host.accountIsDead(to) { extra &+= newAccountCost }
            } else if !host.accountExists(to) {
                extra &+= newAccountCost
            }
        }
        guard charge(extra) else { return .outOfGas }

        var childGas: Int64
        if fork >= .tangerineWhistle {
            let cap = gas &- gas / 64
            if let g = gasArg.uint64IfFits, g < UInt64(cap) { childGas = Int64(g) } else { childGas = cap }
        } else {
            guard let g = gasArg.uint64IfFits, g <= UInt64(gas) else { return .outOfGas }
            childGas = Int64(g)
        }
        gas &-= childGas
        if tracer != nil { traceFlush() }
        if !value.isZero { childGas &+= callStipend }

        let input = memory.bytes(argsAt, argsCount)
        let child = Message(kind: kind,
                            isStatic: message.isStatic || kind == .staticCall,
                            depth: message.depth &+ 1,
                            gas: childGas,
                            recipient: (kind == .call || kind == .staticCall) ? to : message.recipient,
                            sender: kind == .delegateCall ? message.sender : message.recipient,
                            codeAddress: to,
                            value: kind == .delegateCall ? message.value : value,
                            input: input)
        let result = host.call(child)
        if host.stopRequested { return .outOfGas }
        gas &+= result.gasLeft
        if result.status == .success { refund &+= result.gasRefund }
        returnData = result.output
        let n = Swift.min(retCount, result.output.count)
        if n > 0 {
            result.output.withUnsafeBufferPointer { out in
                memory.pointer(retAt).update(from: out.baseAddress!, count: n)
            }
        }
        push(result.status == .success ? .one : .zero)
        return nil
    }

    /// CREATE / CREATE2: memory for the init code, EIP-3860 limit and 2 gas per word
    /// (Shanghai+), 6 gas per word of hashing for CREATE2, then all remaining gas
    /// (all but 1/64 from Tangerine Whistle) goes to the init frame.
    mutating func create(kind: CallKind) -> ExecutionStatus? {
        let value = pop(), offset = pop(), size = pop()
        let salt: UInt256 = kind == .create2 ? pop() : .zero
        if message.isStatic { return .staticStateChange }
        guard let o = memoryRegion(offset, size) else { return .outOfGas }
        let n = Int(size.w0)
        let words = Frame.words(n)
        if fork >= .shanghai {
            guard n <= maxInitCodeSize else { return .outOfGas }
            guard charge(2 &* words) else { return .outOfGas }
        }
        if kind == .create2 {
            guard charge(6 &* words) else { return .outOfGas }
        }
        if tracer != nil { traceFlush() }
        let childGas = fork >= .tangerineWhistle ? gas &- gas / 64 : gas
        gas &-= childGas

        let child = Message(kind: kind, isStatic: false, depth: message.depth &+ 1, gas: childGas,
                            recipient: .zero, sender: message.recipient, codeAddress: .zero,
                            value: value, input: memory.bytes(o, n), salt: salt)
        let result = host.call(child)
        if host.stopRequested { return .outOfGas }
        gas &+= result.gasLeft
        if result.status == .success { refund &+= result.gasRefund }
        returnData = result.status == .revert ? result.output : []
        if result.status == .success, let created = result.createdAddress {
            push(created.word)
        } else {
            push(.zero)
        }
        return nil
    }

    /// RETURN / REVERT: output is the memory region (after expansion).
    mutating func returnOp(revert: Bool) -> ExecutionStatus {
        let offset = pop(), size = pop()
        guard let o = memoryRegion(offset, size) else { return .outOfGas }
        output = memory.bytes(o, Int(size.w0))
        return revert ? .revert : .success
    }

    /// SELFDESTRUCT: 5000 (Tangerine Whistle+), 2600 for a cold beneficiary (Berlin+), 25000
    /// when it creates an account (Tangerine: beneficiary does not exist; Spurious Dragon+:
    /// beneficiary is dead and the balance is non-zero). Refund 24000 before London when the
    /// account was not already destroyed. Ends the frame successfully.
    mutating func selfdestruct() -> ExecutionStatus {
        let beneficiary = Address(truncating: pop())
        if message.isStatic { return .staticStateChange }
        let me = message.recipient
        if fork >= .berlin && host.accessAccount(beneficiary) == .cold {
            guard charge(coldSelfdestructCost) else { return .outOfGas }
        }
        if fork >= .spuriousDragon {
            if host.accountIsDead(beneficiary) && !host.balance(me).isZero {
                guard charge(newAccountCost) else { return .outOfGas }
            }
        } else if fork >= .tangerineWhistle {
            if !host.accountExists(beneficiary) {
                guard charge(newAccountCost) else { return .outOfGas }
            }
        }
        let first = host.selfDestruct(me, beneficiary: beneficiary)
        if fork < .london && first { refund &+= selfdestructRefund }
        return .success
    }
}
