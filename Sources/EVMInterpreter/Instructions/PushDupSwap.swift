import EVMCore

// 0x5f–0x9f: PUSH0 (inline in the loop), PUSH1–PUSH32, DUP1–DUP16, SWAP1–SWAP16.
// Immediate bytes past the end of the code read as zero (the code is implicitly zero-padded).
extension Frame {
    @inline(__always)
    mutating func push1() {
        let b: UInt8 = pc < code.count ? code[pc] : 0
        push(UInt256(UInt64(b)))
        pc &+= 1
    }

    /// Big-endian bytes `[lo, hi)` of the zero-padded code as a UInt64 (hi − lo ≤ 8).
    @inline(__always)
    func immediateLimb(_ lo: Int, _ hi: Int) -> UInt64 {
        var r: UInt64 = 0
        var i = lo
        let n = code.count
        while i < hi {
            r = (r << 8) | (i < n ? UInt64(code[i]) : 0)
            i &+= 1
        }
        return r
    }

    mutating func pushN(_ n: Int) {
        let start = pc
        let end = start &+ n
        var v = UInt256.zero
        if n == 32 && end <= code.count, let b = code.baseAddress {
            v = UInt256(bigEndianPointer: b + start)
        } else {
            v.w0 = immediateLimb(Swift.max(start, end &- 8), end)
            if n > 8 { v.w1 = immediateLimb(Swift.max(start, end &- 16), end &- 8) }
            if n > 16 { v.w2 = immediateLimb(Swift.max(start, end &- 24), end &- 16) }
            if n > 24 { v.w3 = immediateLimb(start, end &- 24) }
        }
        push(v)
        pc = end
    }

    @inline(__always)
    mutating func dup(_ n: Int) { push(stack[sp &- n]) }

    @inline(__always)
    mutating func swap(_ n: Int) {
        let i = sp &- 1, j = sp &- 1 &- n
        let t = stack[i]
        stack[i] = stack[j]
        stack[j] = t
    }
}
