import EVMCore

// 0x01–0x0b: arithmetic. Binary operations pop `a` (top) and replace the new top `b` with
// `a op b`, as the Yellow Paper orders operands (μs[0] op μs[1]).
extension Stack {
    @inline(__always) mutating func add() { let a = pop(); top = a &+ top }
    @inline(__always) mutating func mul() { let a = pop(); top = a &* top }
    @inline(__always) mutating func sub() { let a = pop(); top = a &- top }
    @inline(__always) mutating func div() { let a = pop(); top = UInt256.evmDiv(a, top) }
    @inline(__always) mutating func sdiv() { let a = pop(); top = UInt256.evmSdiv(a, top) }
    @inline(__always) mutating func mod() { let a = pop(); top = UInt256.evmMod(a, top) }
    @inline(__always) mutating func smod() { let a = pop(); top = UInt256.evmSmod(a, top) }

    @inline(__always) mutating func addmod() {
        let a = pop(), b = pop()
        top = UInt256.evmAddmod(a, b, top)
    }

    @inline(__always) mutating func mulmod() {
        let a = pop(), b = pop()
        top = UInt256.evmMulmod(a, b, top)
    }

    @inline(__always) mutating func signextend() {
        let b = pop()
        top = UInt256.evmSignExtend(byteIndex: b, value: top)
    }
}

// EXP charges dynamic gas, so it is a frame method (run on the dispatch loop's slow path).
extension Frame {
    /// EXP: 10 static + per exponent byte 10 (Frontier–Tangerine) or 50 (EIP-160, Spurious Dragon+).
    @inline(__always) mutating func exp() -> ExecutionStatus? {
        let base = pop()
        let exponent = top
        let perByte: Int64 = fork >= .spuriousDragon ? 50 : 10
        guard charge(perByte &* Int64(exponent.byteWidth)) else { return .outOfGas }
        top = UInt256.evmExp(base, exponent)
        return nil
    }
}
