import EVMCore

// 0x16–0x1e: bitwise logic, BYTE, shifts (EIP-145) and CLZ (EIP-7939).
extension Stack {
    @inline(__always) mutating func and() { let a = pop(); top = a & top }
    @inline(__always) mutating func or() { let a = pop(); top = a | top }
    @inline(__always) mutating func xor() { let a = pop(); top = a ^ top }
    @inline(__always) mutating func not() { top = ~top }
    @inline(__always) mutating func byte() { let i = pop(); top = UInt256.evmByte(index: i, value: top) }
    @inline(__always) mutating func shl() { let s = pop(); top = UInt256.evmShl(shift: s, value: top) }
    @inline(__always) mutating func shr() { let s = pop(); top = UInt256.evmShr(shift: s, value: top) }
    @inline(__always) mutating func sar() { let s = pop(); top = UInt256.evmSar(shift: s, value: top) }
    @inline(__always) mutating func clz() { top = UInt256(UInt64(top.leadingZeroBitCount)) }
}
