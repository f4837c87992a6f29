import EVMCore

public enum Interpreter {
    /// Runs one frame's code. Does NOT handle value transfer, depth, checkpoints or code
    /// deposit (the host does). Returns status, gas left, refund accumulated by this frame
    /// (+ successful children's refunds), output.
    ///
    /// Gas left and refund follow `ExecutionStatus`: success keeps both; revert keeps the gas
    /// and drops the refund; exceptional halts return neither (and no output).
    public static func run(message: Message, code: Bytecode, host: some Host, tracer: (any Tracer)?) -> CallResult {
        tracer?.frameStart(message, code: code)
        let result: CallResult
        if code.isEmpty {
            result = CallResult(status: .success, gasLeft: message.gas)
        } else {
            result = execute(message: message, code: code, host: host, tracer: tracer)
        }
        tracer?.frameEnd(result, depth: message.depth &+ 1)
        return result
    }

    static func execute<H: Host>(message: Message, code: Bytecode, host: H, tracer: (any Tracer)?) -> CallResult {
        let stack = UnsafeMutablePointer<UInt256>.allocate(capacity: InstructionTable.stackLimit)
        defer { stack.deallocate() }
        let table = InstructionTable.forFork(host.fork)
        return code.bytes.withUnsafeBufferPointer { codeBuffer in
          code.jumpdests.withUnsafeBufferPointer { jumpdests in
            table.entries.withUnsafeBufferPointer { entries in
                var frame = Frame(host: host, message: message, bytecode: code, code: codeBuffer, jumpdests: jumpdests,
                                  stack: stack, tracer: tracer)
                defer { frame.memory.release() }
                let status: ExecutionStatus
                if tracer == nil {
                    status = loop(&frame, entries.baseAddress!, traced: false)
                } else {
                    status = loop(&frame, entries.baseAddress!, traced: true)
                    if status.consumesAllGas { frame.traceFlushHalt(status) } else { frame.traceFlush() }
                }
                switch status {
                case .success:
                    return CallResult(status: .success, gasLeft: frame.gas, gasRefund: frame.refund, output: frame.output)
                case .revert:
                    return CallResult(status: .revert, gasLeft: frame.gas, gasRefund: 0, output: frame.output)
                default:
                    return CallResult(status: status, gasLeft: 0, gasRefund: 0, output: [])
                }
            }
          }
        }
    }

    /// Stack check failure: undefined opcode, underflow or overflow.
    @inline(never)
    static func stackFault(_ e: InstructionEntry, sp: Int) -> ExecutionStatus {
        if !e.isDefined { return .invalidOpcode }
        return sp < Int(e.minStack) ? .stackUnderflow : .stackOverflow
    }

    /// The dispatch loop. Returns how the frame ended; output is left in `f.output`.
    /// Tracing costs the untraced path one predictable branch per instruction (`traced` is
    /// loop-invariant). A generic "trace mode" parameter was tried: LLVM merged the two
    /// specialisations back into one function with an indirect call per step.
    static func loop<H: Host>(_ f: inout Frame<H>, _ table: UnsafePointer<InstructionEntry>,
                              traced: Bool) -> ExecutionStatus {
        let code = f.code
        let codeCount = code.count
        while true {
            let pc = f.pc
            let op: UInt8 = pc < codeCount ? code[pc] : Opcode.stop.rawValue
            let e = table[Int(op)]
            if traced { f.traceBegin(op: op, pc: pc, staticGas: Int64(e.gas)) }
            if f.sp < Int(e.minStack) || f.sp > Int(e.maxStack) { return stackFault(e, sp: f.sp) }
            f.gas &-= Int64(e.gas)
            if f.gas < 0 { return .outOfGas }
            f.pc = pc &+ 1

            switch op {
            // 0x00 – 0x0b: stop and arithmetic
            case Opcode.stop.rawValue: return .success
            case Opcode.add.rawValue: f.add()
            case Opcode.mul.rawValue: f.mul()
            case Opcode.sub.rawValue: f.sub()
            case Opcode.div.rawValue: f.div()
            case Opcode.sdiv.rawValue: f.sdiv()
            case Opcode.mod.rawValue: f.mod()
            case Opcode.smod.rawValue: f.smod()
            case Opcode.addmod.rawValue: f.addmod()
            case Opcode.mulmod.rawValue: f.mulmod()
            case Opcode.exp.rawValue: if let s = f.exp() { return s }
            case Opcode.signextend.rawValue: f.signextend()
            // 0x10 – 0x1e: comparison and bitwise
            case Opcode.lt.rawValue: f.lt()
            case Opcode.gt.rawValue: f.gt()
            case Opcode.slt.rawValue: f.slt()
            case Opcode.sgt.rawValue: f.sgt()
            case Opcode.eq.rawValue: f.eq()
            case Opcode.iszero.rawValue: f.iszero()
            case Opcode.and.rawValue: f.and()
            case Opcode.or.rawValue: f.or()
            case Opcode.xor.rawValue: f.xor()
            case Opcode.not.rawValue: f.not()
            case Opcode.byte.rawValue: f.byte()
            case Opcode.shl.rawValue: f.shl()
            case Opcode.shr.rawValue: f.shr()
            case Opcode.sar.rawValue: f.sar()
            case Opcode.clz.rawValue: f.clz()
            // 0x20
            case Opcode.keccak256.rawValue: if let s = f.keccak256() { return s }
            // 0x30 – 0x3f: environment
            case Opcode.address.rawValue: f.address()
            case Opcode.balance.rawValue: if let s = f.balance() { return s }
            case Opcode.origin.rawValue: f.origin()
            case Opcode.caller.rawValue: f.caller()
            case Opcode.callvalue.rawValue: f.callvalue()
            case Opcode.calldataload.rawValue: f.calldataload()
            case Opcode.calldatasize.rawValue: f.calldatasize()
            case Opcode.calldatacopy.rawValue: if let s = f.calldatacopy() { return s }
            case Opcode.codesize.rawValue: f.codesize()
            case Opcode.codecopy.rawValue: if let s = f.codecopy() { return s }
            case Opcode.gasprice.rawValue: f.gasprice()
            case Opcode.extcodesize.rawValue: if let s = f.extcodesize() { return s }
            case Opcode.extcodecopy.rawValue: if let s = f.extcodecopy() { return s }
            case Opcode.returndatasize.rawValue: f.returndatasize()
            case Opcode.returndatacopy.rawValue: if let s = f.returndatacopy() { return s }
            case Opcode.extcodehash.rawValue: if let s = f.extcodehash() { return s }
            // 0x40 – 0x4a: block
            case Opcode.blockhash.rawValue: f.blockhash()
            case Opcode.coinbase.rawValue: f.coinbase()
            case Opcode.timestamp.rawValue: f.timestamp()
            case Opcode.number.rawValue: f.number()
            case Opcode.prevrandao.rawValue: f.prevrandao()
            case Opcode.gaslimit.rawValue: f.gaslimit()
            case Opcode.chainid.rawValue: f.chainid()
            case Opcode.selfbalance.rawValue: f.selfbalance()
            case Opcode.basefee.rawValue: f.basefee()
            case Opcode.blobhash.rawValue: f.blobhash()
            case Opcode.blobbasefee.rawValue: f.blobbasefee()
            // 0x50 – 0x5f: stack, memory, storage, flow
            case Opcode.pop.rawValue: f.sp &-= 1
            case Opcode.mload.rawValue: if let s = f.mload() { return s }
            case Opcode.mstore.rawValue: if let s = f.mstore() { return s }
            case Opcode.mstore8.rawValue: if let s = f.mstore8() { return s }
            case Opcode.sload.rawValue: if let s = f.sload() { return s }
            case Opcode.sstore.rawValue: if let s = f.sstore() { return s }
            case Opcode.jump.rawValue: if let s = f.jump() { return s }
            case Opcode.jumpi.rawValue: if let s = f.jumpi() { return s }
            case Opcode.pc.rawValue: f.push(UInt256(UInt64(pc)))
            case Opcode.msize.rawValue: f.push(UInt256(UInt64(f.memory.size)))
            case Opcode.gas.rawValue: f.push(UInt256(UInt64(f.gas)))
            case Opcode.jumpdest.rawValue: break
            case Opcode.tload.rawValue: f.tload()
            case Opcode.tstore.rawValue: if let s = f.tstore() { return s }
            case Opcode.mcopy.rawValue: if let s = f.mcopy() { return s }
            case Opcode.push0.rawValue: f.push(.zero)
            // 0x60 – 0x9f: push, dup, swap
            case Opcode.push1.rawValue: f.push1()
            case Opcode.push2.rawValue...Opcode.push32.rawValue: f.pushN(Int(op) &- Int(Opcode.push0.rawValue))
            case Opcode.dup1.rawValue...Opcode.dup16.rawValue: f.dup(Int(op) &- Int(Opcode.dup1.rawValue) &+ 1)
            case Opcode.swap1.rawValue...Opcode.swap16.rawValue: f.swap(Int(op) &- Int(Opcode.swap1.rawValue) &+ 1)
            // 0xa0 – 0xa4: logs
            case Opcode.log0.rawValue...Opcode.log4.rawValue: if let s = f.log(topics: Int(op) &- Int(Opcode.log0.rawValue)) { return s }
            // 0xf0 – 0xff: system
            case Opcode.create.rawValue: if let s = f.create(kind: .create) { return s }
            case Opcode.call.rawValue: if let s = f.call(kind: .call) { return s }
            case Opcode.callcode.rawValue: if let s = f.call(kind: .callCode) { return s }
            case Opcode.return.rawValue: return f.returnOp(revert: false)
            case Opcode.delegatecall.rawValue: if let s = f.call(kind: .delegateCall) { return s }
            case Opcode.create2.rawValue: if let s = f.create(kind: .create2) { return s }
            case Opcode.staticcall.rawValue: if let s = f.call(kind: .staticCall) { return s }
            case Opcode.revert.rawValue: return f.returnOp(revert: true)
            case Opcode.selfdestruct.rawValue: return f.selfdestruct()
            default: return .invalidOpcode   // 0xFE INVALID, and any byte the table let through
            }
            if traced { f.traceFlush() }
        }
    }
}
