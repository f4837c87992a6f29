import EVMCore

// 0x5f–0x9f: PUSH0 (inline in the loop), PUSH1–PUSH32, DUP1–DUP16, SWAP1–SWAP16.
// Immediate bytes past the end of the code read as zero (the code is implicitly zero-padded).
// PUSH takes the code and the dispatch loop's `pc` (the first immediate byte), which it
// advances past the immediate.
extension Stack {
    @inline(__always)
    mutating func push1(_ code: UnsafeBufferPointer<UInt8>, _ pc: inout Int) {
        let b: UInt8 = pc < code.count ? code[pc] : 0
        push(UInt256(UInt64(b)))
        pc &+= 1
    }

    /// Big-endian bytes `[lo, hi)` of the zero-padded code as a UInt64 (hi − lo ≤ 8).
    @inline(__always)
    static func immediateLimb(_ code: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> UInt64 {
        var r: UInt64 = 0
        var i = lo
        let n = code.count
        while i < hi {
            r = (r << 8) | (i < n ? UInt64(code[i]) : 0)
            i &+= 1
        }
        return r
    }

    /// PUSH2–PUSH32. A push of ≤ 8 bytes lying wholly in the code (and not in its first 8
    /// bytes) is one unaligned big-endian load of the 8 bytes ending at the immediate's end,
    /// masked to the immediate; PUSH32 in the code is one 32-byte load; anything cut off by
    /// the end of the code goes byte by byte with zero padding.
    @inline(__always)
    mutating func pushN(_ n: Int, _ code: UnsafeBufferPointer<UInt8>, _ pc: inout Int) {
        let start = pc
        let end = start &+ n
        var v = UInt256.zero
        if n <= 8, end >= 8, end <= code.count, let b = code.baseAddress {
            let w = UInt64(bigEndian: UnsafeRawPointer(b + (end &- 8)).loadUnaligned(as: UInt64.self))
            v.w0 = n == 8 ? w : w & ((1 &<< UInt64(n &* 8)) &- 1)
        } else if n == 32, end <= code.count, let b = code.baseAddress {
            v = UInt256(bigEndianPointer: b + start)
        } else {
            v.w0 = Self.immediateLimb(code, Swift.max(start, end &- 8), end)
            if n > 8 { v.w1 = Self.immediateLimb(code, Swift.max(start, end &- 16), end &- 8) }
            if n > 16 { v.w2 = Self.immediateLimb(code, Swift.max(start, end &- 24), end &- 16) }
            if n > 24 { v.w3 = Self.immediateLimb(code, start, end &- 24) }
        }
        push(v)
        pc = end
    }

    /// DUP and SWAP copy words limb by limb (8-byte loads and stores). The words they copy
    /// were usually just written by an arithmetic instruction as four 8-byte stores; a
    /// 16-byte vector load of such a word cannot be forwarded from those stores and stalls
    /// (measured: about a quarter of the counter loop's time before this).
    @inline(__always)
    static func copyWord(_ from: UnsafeMutablePointer<UInt256>, _ to: UnsafeMutablePointer<UInt256>) {
        let s = UnsafeMutableRawPointer(from), d = UnsafeMutableRawPointer(to)
        let l0 = s.load(fromByteOffset: 0, as: UInt64.self), l1 = s.load(fromByteOffset: 8, as: UInt64.self)
        let l2 = s.load(fromByteOffset: 16, as: UInt64.self), l3 = s.load(fromByteOffset: 24, as: UInt64.self)
        d.storeBytes(of: l0, toByteOffset: 0, as: UInt64.self)
        d.storeBytes(of: l1, toByteOffset: 8, as: UInt64.self)
        d.storeBytes(of: l2, toByteOffset: 16, as: UInt64.self)
        d.storeBytes(of: l3, toByteOffset: 24, as: UInt64.self)
    }

    @inline(__always)
    mutating func dup(_ n: Int) {
        Self.copyWord(base + (sp &- n), base + sp)
        sp &+= 1
    }

    @inline(__always)
    mutating func swap(_ n: Int) {
        let i = base + (sp &- 1), j = base + (sp &- 1 &- n)
        let t = i.pointee
        Self.copyWord(j, i)
        j.pointee = t
    }
}
