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
            let op: UInt8 = pc < codeCount ? code[pc] : 0x00
            let e = table[Int(op)]
            if traced { f.traceBegin(op: op, pc: pc, staticGas: Int64(e.gas)) }
            if f.sp < Int(e.minStack) || f.sp > Int(e.maxStack) { return stackFault(e, sp: f.sp) }
            f.gas &-= Int64(e.gas)
            if f.gas < 0 { return .outOfGas }
            f.pc = pc &+ 1

            switch op {
            // 0x00 – 0x0b: stop and arithmetic
            case 0x00: return .success
            case 0x01: f.add()
            case 0x02: f.mul()
            case 0x03: f.sub()
            case 0x04: f.div()
            case 0x05: f.sdiv()
            case 0x06: f.mod()
            case 0x07: f.smod()
            case 0x08: f.addmod()
            case 0x09: f.mulmod()
            case 0x0a: if let s = f.exp() { return s }
            case 0x0b: f.signextend()
            // 0x10 – 0x1e: comparison and bitwise
            case 0x10: f.lt()
            case 0x11: f.gt()
            case 0x12: f.slt()
            case 0x13: f.sgt()
            case 0x14: f.eq()
            case 0x15: f.iszero()
            case 0x16: f.and()
            case 0x17: f.or()
            case 0x18: f.xor()
            case 0x19: f.not()
            case 0x1a: f.byte()
            case 0x1b: f.shl()
            case 0x1c: f.shr()
            case 0x1d: f.sar()
            case 0x1e: f.clz()
            // 0x20
            case 0x20: if let s = f.keccak256() { return s }
            // 0x30 – 0x3f: environment
            case 0x30: f.address()
            case 0x31: if let s = f.balance() { return s }
            case 0x32: f.origin()
            case 0x33: f.caller()
            case 0x34: f.callvalue()
            case 0x35: f.calldataload()
            case 0x36: f.calldatasize()
            case 0x37: if let s = f.calldatacopy() { return s }
            case 0x38: f.codesize()
            case 0x39: if let s = f.codecopy() { return s }
            case 0x3a: f.gasprice()
            case 0x3b: if let s = f.extcodesize() { return s }
            case 0x3c: if let s = f.extcodecopy() { return s }
            case 0x3d: f.returndatasize()
            case 0x3e: if let s = f.returndatacopy() { return s }
            case 0x3f: if let s = f.extcodehash() { return s }
            // 0x40 – 0x4a: block
            case 0x40: f.blockhash()
            case 0x41: f.coinbase()
            case 0x42: f.timestamp()
            case 0x43: f.number()
            case 0x44: f.prevrandao()
            case 0x45: f.gaslimit()
            case 0x46: f.chainid()
            case 0x47: f.selfbalance()
            case 0x48: f.basefee()
            case 0x49: f.blobhash()
            case 0x4a: f.blobbasefee()
            // 0x50 – 0x5f: stack, memory, storage, flow
            case 0x50: f.sp &-= 1
            case 0x51: if let s = f.mload() { return s }
            case 0x52: if let s = f.mstore() { return s }
            case 0x53: if let s = f.mstore8() { return s }
            case 0x54: if let s = f.sload() { return s }
            case 0x55: if let s = f.sstore() { return s }
            case 0x56: if let s = f.jump() { return s }
            case 0x57: if let s = f.jumpi() { return s }
            case 0x58: f.push(UInt256(UInt64(pc)))
            case 0x59: f.push(UInt256(UInt64(f.memory.size)))
            case 0x5a: f.push(UInt256(UInt64(f.gas)))
            case 0x5b: break
            case 0x5c: f.tload()
            case 0x5d: if let s = f.tstore() { return s }
            case 0x5e: if let s = f.mcopy() { return s }
            case 0x5f: f.push(.zero)
            // 0x60 – 0x9f: push, dup, swap
            case 0x60: f.push1()
            case 0x61...0x7f: f.pushN(Int(op) &- 0x5f)
            case 0x80...0x8f: f.dup(Int(op) &- 0x7f)
            case 0x90...0x9f: f.swap(Int(op) &- 0x8f)
            // 0xa0 – 0xa4: logs
            case 0xa0...0xa4: if let s = f.log(topics: Int(op) &- 0xa0) { return s }
            // 0xf0 – 0xff: system
            case 0xf0: if let s = f.create(kind: .create) { return s }
            case 0xf1: if let s = f.call(kind: .call) { return s }
            case 0xf2: if let s = f.call(kind: .callCode) { return s }
            case 0xf3: return f.returnOp(revert: false)
            case 0xf4: if let s = f.call(kind: .delegateCall) { return s }
            case 0xf5: if let s = f.create(kind: .create2) { return s }
            case 0xfa: if let s = f.call(kind: .staticCall) { return s }
            case 0xfd: return f.returnOp(revert: true)
            case 0xff: return f.selfdestruct()
            default: return .invalidOpcode   // 0xFE INVALID, and any byte the table let through
            }
            if traced { f.traceFlush() }
        }
    }
}
