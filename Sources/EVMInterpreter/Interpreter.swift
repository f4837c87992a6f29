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
    ///
    /// `pc`, `gas` and the stack (`st`) live in locals, so the hot instructions — arithmetic,
    /// comparison, bitwise, PUSH/DUP/SWAP/POP, JUMP/JUMPI — run on registers. Everything
    /// else goes through `step`, which takes the whole frame: the locals are stored into `f`
    /// before it and reloaded after (`f` is exact whenever an instruction outside the hot
    /// set runs, and when the loop returns). Keeping them in the frame instead put a store
    /// and a dependent reload of `pc` and `sp` on every instruction's critical path.
    ///
    /// Tracing costs the untraced path one predictable branch per instruction (`traced` is
    /// loop-invariant). A generic "trace mode" parameter was tried: LLVM merged the two
    /// specialisations back into one function with an indirect call per step.
    static func loop<H: Host>(_ f: inout Frame<H>, _ table: UnsafePointer<InstructionEntry>,
                              traced: Bool) -> ExecutionStatus {
        let code = f.code
        let codeCount = code.count
        let jumpdests = f.jumpdests
        var st = f.st
        var pc = f.pc
        var gas = f.gas
        while true {
            let op: UInt8 = pc < codeCount ? code[pc] : Opcode.stop.rawValue
            let e = table[Int(op)]
            if traced {
                f.st = st; f.pc = pc; f.gas = gas
                f.traceBegin(op: op, pc: pc, staticGas: Int64(e.gas))
            }
            if st.sp < Int(e.minStack) || st.sp > Int(e.maxStack) {
                f.st = st; f.pc = pc; f.gas = gas
                return stackFault(e, sp: st.sp)
            }
            gas &-= Int64(e.gas)
            if gas < 0 { f.gas = gas; return .outOfGas }
            pc &+= 1

            switch op {
            case Opcode.stop.rawValue:
                f.st = st; f.pc = pc; f.gas = gas
                return .success
            // 0x01 – 0x0b: arithmetic (EXP charges gas: `step`)
            case Opcode.add.rawValue: st.add()
            case Opcode.mul.rawValue: st.mul()
            case Opcode.sub.rawValue: st.sub()
            case Opcode.div.rawValue: st.div()
            case Opcode.sdiv.rawValue: st.sdiv()
            case Opcode.mod.rawValue: st.mod()
            case Opcode.smod.rawValue: st.smod()
            case Opcode.addmod.rawValue: st.addmod()
            case Opcode.mulmod.rawValue: st.mulmod()
            case Opcode.signextend.rawValue: st.signextend()
            // 0x10 – 0x1e: comparison and bitwise
            case Opcode.lt.rawValue: st.lt()
            case Opcode.gt.rawValue: st.gt()
            case Opcode.slt.rawValue: st.slt()
            case Opcode.sgt.rawValue: st.sgt()
            case Opcode.eq.rawValue: st.eq()
            case Opcode.iszero.rawValue: st.iszero()
            case Opcode.and.rawValue: st.and()
            case Opcode.or.rawValue: st.or()
            case Opcode.xor.rawValue: st.xor()
            case Opcode.not.rawValue: st.not()
            case Opcode.byte.rawValue: st.byte()
            case Opcode.shl.rawValue: st.shl()
            case Opcode.shr.rawValue: st.shr()
            case Opcode.sar.rawValue: st.sar()
            case Opcode.clz.rawValue: st.clz()
            // 0x50 – 0x5f: the stack and flow part
            case Opcode.pop.rawValue: st.sp &-= 1
            case Opcode.jump.rawValue:
                guard let d = Flow.target(st.pop(), codeCount: codeCount, jumpdests: jumpdests) else {
                    f.st = st; f.pc = pc; f.gas = gas
                    return .badJumpDestination
                }
                pc = d
            case Opcode.jumpi.rawValue:
                let dest = st.pop(), condition = st.pop()
                if !condition.isZero {
                    guard let d = Flow.target(dest, codeCount: codeCount, jumpdests: jumpdests) else {
                        f.st = st; f.pc = pc; f.gas = gas
                        return .badJumpDestination
                    }
                    pc = d
                }
            case Opcode.pc.rawValue: st.push(UInt256(UInt64(pc &- 1)))
            case Opcode.msize.rawValue: st.push(UInt256(UInt64(f.memory.size)))
            case Opcode.gas.rawValue: st.push(UInt256(UInt64(gas)))
            case Opcode.jumpdest.rawValue: break
            case Opcode.push0.rawValue: st.push(.zero)
            // 0x60 – 0x9f: push, dup, swap
            case Opcode.push1.rawValue: st.push1(code, &pc)
            case Opcode.push2.rawValue...Opcode.push32.rawValue: st.pushN(Int(op) &- Int(Opcode.push0.rawValue), code, &pc)
            case Opcode.dup1.rawValue...Opcode.dup16.rawValue: st.dup(Int(op) &- Int(Opcode.dup1.rawValue) &+ 1)
            case Opcode.swap1.rawValue...Opcode.swap16.rawValue: st.swap(Int(op) &- Int(Opcode.swap1.rawValue) &+ 1)
            default:
                f.st = st; f.pc = pc; f.gas = gas
                let halt = step(&f, op)
                st = f.st; pc = f.pc; gas = f.gas
                if let halt { return halt }
            }
            if traced {
                f.st = st; f.pc = pc; f.gas = gas
                f.traceFlush()
            }
        }
    }

    /// Every instruction outside the loop's register set, on the whole frame (`f.pc` already
    /// past the opcode, static gas charged). Returns the halt status, or nil to go on.
    @inline(__always)
    static func step<H: Host>(_ f: inout Frame<H>, _ op: UInt8) -> ExecutionStatus? {
        switch op {
        case Opcode.exp.rawValue: return f.exp()
        // 0x20
        case Opcode.keccak256.rawValue: return f.keccak256()
        // 0x30 – 0x3f: environment
        case Opcode.address.rawValue: f.address()
        case Opcode.balance.rawValue: return f.balance()
        case Opcode.origin.rawValue: f.origin()
        case Opcode.caller.rawValue: f.caller()
        case Opcode.callvalue.rawValue: f.callvalue()
        case Opcode.calldataload.rawValue: f.calldataload()
        case Opcode.calldatasize.rawValue: f.calldatasize()
        case Opcode.calldatacopy.rawValue: return f.calldatacopy()
        case Opcode.codesize.rawValue: f.codesize()
        case Opcode.codecopy.rawValue: return f.codecopy()
        case Opcode.gasprice.rawValue: f.gasprice()
        case Opcode.extcodesize.rawValue: return f.extcodesize()
        case Opcode.extcodecopy.rawValue: return f.extcodecopy()
        case Opcode.returndatasize.rawValue: f.returndatasize()
        case Opcode.returndatacopy.rawValue: return f.returndatacopy()
        case Opcode.extcodehash.rawValue: return f.extcodehash()
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
        // 0x50 – 0x5e: memory, storage, transient storage
        case Opcode.mload.rawValue: return f.mload()
        case Opcode.mstore.rawValue: return f.mstore()
        case Opcode.mstore8.rawValue: return f.mstore8()
        case Opcode.sload.rawValue: return f.sload()
        case Opcode.sstore.rawValue: return f.sstore()
        case Opcode.tload.rawValue: f.tload()
        case Opcode.tstore.rawValue: return f.tstore()
        case Opcode.mcopy.rawValue: return f.mcopy()
        // 0xa0 – 0xa4: logs
        case Opcode.log0.rawValue...Opcode.log4.rawValue: return f.log(topics: Int(op) &- Int(Opcode.log0.rawValue))
        // 0xf0 – 0xff: system
        case Opcode.create.rawValue: return f.create(kind: .create)
        case Opcode.call.rawValue: return f.call(kind: .call)
        case Opcode.callcode.rawValue: return f.call(kind: .callCode)
        case Opcode.return.rawValue: return f.returnOp(revert: false)
        case Opcode.delegatecall.rawValue: return f.call(kind: .delegateCall)
        case Opcode.create2.rawValue: return f.create(kind: .create2)
        case Opcode.staticcall.rawValue: return f.call(kind: .staticCall)
        case Opcode.revert.rawValue: return f.returnOp(revert: true)
        case Opcode.selfdestruct.rawValue: return f.selfdestruct()
        default: return .invalidOpcode   // 0xFE INVALID, and any byte the table let through
        }
        return nil
    }
}
