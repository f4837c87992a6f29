import EVMCore

// 0x10–0x15: comparisons push 1 or 0.
extension Stack {
    @inline(__always) mutating func lt() { let a = pop(); top = a < top ? .one : .zero }
    @inline(__always) mutating func gt() { let a = pop(); top = a > top ? .one : .zero }
    @inline(__always) mutating func slt() { let a = pop(); top = UInt256.signedLess(a, top) ? .one : .zero }
    @inline(__always) mutating func sgt() { let a = pop(); top = UInt256.signedLess(top, a) ? .one : .zero }
    @inline(__always) mutating func eq() { let a = pop(); top = a == top ? .one : .zero }
    @inline(__always) mutating func iszero() { top = top.isZero ? .one : .zero }
}
