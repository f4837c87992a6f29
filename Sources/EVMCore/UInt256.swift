/// A 256-bit unsigned integer with the EVM's wrapping semantics.
///
/// Invariants and edge cases:
/// - Four `UInt64` limbs, **least significant first** (`w0` is bits 0–63).
/// - Every operation is total: nothing traps. `+ - *` wrap modulo 2^256 (`&+ &- &*`),
///   division and modulo by zero give 0 (EVM `DIV`/`MOD`/`SDIV`/`SMOD`/`ADDMOD`/`MULMOD`).
/// - Signed operations read the value as two's complement; `SDIV(-2^255, -1) = -2^255`.
/// - Shifts take the shift amount as a full `UInt256`; any amount ≥ 256 shifts everything out.
@frozen
public struct UInt256: Sendable, Hashable {
    public var w0: UInt64
    public var w1: UInt64
    public var w2: UInt64
    public var w3: UInt64

    /// Feeds one word into the hasher: the limbs folded with distinct odd multipliers (each
    /// limb's multiplication is a bijection, so words differing in one limb never collide).
    /// Equality still compares all four limbs; this only makes dictionary and set keys (storage
    /// slots, warm sets) cheaper than the synthesized four-`combine` hash.
    @inlinable @inline(__always)
    public func hash(into hasher: inout Hasher) {
        hasher.combine(w0 ^ (w1 &* 0x9E37_79B9_7F4A_7C15) ^ (w2 &* 0xC2B2_AE3D_27D4_EB4F) ^ (w3 &* 0x1656_67B1_9E37_79F9))
    }

    /// The hash `Dictionary` and `Set` use (the standard library's customisation point behind
    /// `hash(into:)`): two 64×64→128-bit multiply folds of the limbs keyed by the table's
    /// per-instance `seed`, instead of SipHash through a `Hasher` (which was ~30% of every
    /// warm SLOAD/SSTORE). Every limb passes through a multiplication keyed by the seed, so
    /// an input chosen without knowing the per-process seed cannot force collisions.
    /// Consistent with `==` (equal words hash equally under every seed).
    @inlinable @inline(__always)
    public func _rawHashValue(seed: Int) -> Int {
        Int(truncatingIfNeeded: UInt256.mixHash(w0, w1, w2, w3, seed: UInt64(UInt(bitPattern: seed))))
    }

    /// hi ⊕ lo of the 128-bit product: every output bit depends on every input bit of both.
    @inlinable @inline(__always)
    static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let p = a.multipliedFullWidth(by: b)
        return p.high ^ p.low
    }

    /// Seeded mix of four limbs (see `_rawHashValue(seed:)`); shared by `Address`, `Bytes32`
    /// and storage-slot keys.
    @inlinable @inline(__always)
    public static func mixHash(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64, seed: UInt64) -> UInt64 {
        let s1 = seed &* 0x9E37_79B9_7F4A_7C15
        let h = fold(a ^ seed ^ 0xA076_1D64_78BD_642F, b ^ s1 ^ 0xE703_7ED1_A0B4_28DB)
            ^ fold(c ^ s1 ^ 0x8EBC_6AF0_9C88_C6E3, d ^ seed ^ 0x5899_65CC_7537_4CC3)
        return fold(h ^ 0x1D8E_4E27_C47D_124F, s1 | 1)
    }

    @inlinable @inline(__always)
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    @inlinable @inline(__always)
    public init(_ v: UInt64) { self.init(w0: v, w1: 0, w2: 0, w3: 0) }

    /// Converts a non-negative `Int`; negative values are taken modulo 2^256 (two's complement).
    @inlinable @inline(__always)
    public init(_ v: Int) {
        let fill: UInt64 = v < 0 ? .max : 0
        self.init(w0: UInt64(bitPattern: Int64(v)), w1: fill, w2: fill, w3: fill)
    }

    public static let zero = UInt256(w0: 0, w1: 0, w2: 0, w3: 0)
    public static let one = UInt256(w0: 1, w1: 0, w2: 0, w3: 0)
    public static let max = UInt256(w0: .max, w1: .max, w2: .max, w3: .max)
    /// -2^255, the most negative signed value.
    public static let signedMin = UInt256(w0: 0, w1: 0, w2: 0, w3: 1 << 63)

    @inlinable @inline(__always)
    public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

    /// True when the two's-complement reading is negative (bit 255 set).
    @inlinable @inline(__always)
    public var isNegative: Bool { (w3 >> 63) != 0 }

    /// The value as a `UInt64` when it fits, else nil.
    @inlinable @inline(__always)
    public var uint64IfFits: UInt64? { (w1 | w2 | w3) == 0 ? w0 : nil }

    /// The value clamped to `Int.max`; useful for memory offsets and sizes where anything
    /// large is an out-of-gas condition anyway.
    @inlinable @inline(__always)
    public var clampedInt: Int {
        if (w1 | w2 | w3) != 0 || w0 > UInt64(Int.max) { return Int.max }
        return Int(w0)
    }

    @inlinable
    public subscript(limb i: Int) -> UInt64 {
        get {
            switch i { case 0: return w0; case 1: return w1; case 2: return w2; default: return w3 }
        }
        set {
            switch i { case 0: w0 = newValue; case 1: w1 = newValue; case 2: w2 = newValue; default: w3 = newValue }
        }
    }

    /// Number of significant bits (0 for zero).
    @inlinable
    public var bitWidth: Int {
        if w3 != 0 { return 256 - w3.leadingZeroBitCount }
        if w2 != 0 { return 192 - w2.leadingZeroBitCount }
        if w1 != 0 { return 128 - w1.leadingZeroBitCount }
        return 64 - w0.leadingZeroBitCount
    }

    /// EVM `CLZ` (EIP-7939): leading zero bits, 256 for zero.
    @inlinable
    public var leadingZeroBitCount: Int { 256 - bitWidth }

    /// Number of significant bytes (0 for zero); used for EXP gas.
    @inlinable
    public var byteWidth: Int { (bitWidth + 7) / 8 }
}

// MARK: - Comparison

extension UInt256: Comparable {
    @inlinable @inline(__always)
    public static func < (a: UInt256, b: UInt256) -> Bool {
        if a.w3 != b.w3 { return a.w3 < b.w3 }
        if a.w2 != b.w2 { return a.w2 < b.w2 }
        if a.w1 != b.w1 { return a.w1 < b.w1 }
        return a.w0 < b.w0
    }

    /// Signed (two's complement) less-than, EVM `SLT`.
    @inlinable @inline(__always)
    public static func signedLess(_ a: UInt256, _ b: UInt256) -> Bool {
        let an = a.isNegative, bn = b.isNegative
        if an != bn { return an }
        return a < b
    }
}

// MARK: - Wrapping arithmetic

extension UInt256 {
    @inlinable @inline(__always)
    public static func &+ (a: UInt256, b: UInt256) -> UInt256 {
        let (r0, c0) = a.w0.addingReportingOverflow(b.w0)
        var (r1, c1) = a.w1.addingReportingOverflow(b.w1)
        var c: Bool
        (r1, c) = r1.addingReportingOverflow(c0 ? 1 : 0); c1 = c1 || c
        var (r2, c2) = a.w2.addingReportingOverflow(b.w2)
        (r2, c) = r2.addingReportingOverflow(c1 ? 1 : 0); c2 = c2 || c
        let r3 = a.w3 &+ b.w3 &+ (c2 ? 1 : 0)
        return UInt256(w0: r0, w1: r1, w2: r2, w3: r3)
    }

    /// Addition that also reports the carry out of bit 255.
    @inlinable
    public func addingReportingOverflow(_ b: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let r = self &+ b
        return (r, r < self)
    }

    @inlinable @inline(__always)
    public static func &- (a: UInt256, b: UInt256) -> UInt256 {
        let (r0, b0) = a.w0.subtractingReportingOverflow(b.w0)
        var (r1, b1) = a.w1.subtractingReportingOverflow(b.w1)
        var c: Bool
        (r1, c) = r1.subtractingReportingOverflow(b0 ? 1 : 0); b1 = b1 || c
        var (r2, b2) = a.w2.subtractingReportingOverflow(b.w2)
        (r2, c) = r2.subtractingReportingOverflow(b1 ? 1 : 0); b2 = b2 || c
        let r3 = a.w3 &- b.w3 &- (b2 ? 1 : 0)
        return UInt256(w0: r0, w1: r1, w2: r2, w3: r3)
    }

    @inlinable @inline(__always)
    public static func &* (a: UInt256, b: UInt256) -> UInt256 {
        // Schoolbook, keeping only the low 256 bits.
        var r0: UInt64 = 0, r1: UInt64 = 0, r2: UInt64 = 0, r3: UInt64 = 0
        var hi: UInt64, lo: UInt64, c: Bool
        // a.w0 * b
        (hi, lo) = a.w0.multipliedFullWidth(by: b.w0); r0 = lo; r1 = hi
        (hi, lo) = a.w0.multipliedFullWidth(by: b.w1)
        (r1, c) = r1.addingReportingOverflow(lo); r2 = hi &+ (c ? 1 : 0)
        (hi, lo) = a.w0.multipliedFullWidth(by: b.w2)
        (r2, c) = r2.addingReportingOverflow(lo); r3 = hi &+ (c ? 1 : 0)
        r3 = r3 &+ a.w0 &* b.w3
        // a.w1 * b
        (hi, lo) = a.w1.multipliedFullWidth(by: b.w0)
        (r1, c) = r1.addingReportingOverflow(lo)
        var carry = hi &+ (c ? 1 : 0)
        (r2, c) = r2.addingReportingOverflow(carry); r3 = r3 &+ (c ? 1 : 0)
        (hi, lo) = a.w1.multipliedFullWidth(by: b.w1)
        (r2, c) = r2.addingReportingOverflow(lo)
        carry = hi &+ (c ? 1 : 0)
        r3 = r3 &+ carry &+ a.w1 &* b.w2
        // a.w2 * b
        (hi, lo) = a.w2.multipliedFullWidth(by: b.w0)
        (r2, c) = r2.addingReportingOverflow(lo)
        r3 = r3 &+ hi &+ (c ? 1 : 0) &+ a.w2 &* b.w1
        // a.w3 * b
        r3 = r3 &+ a.w3 &* b.w0
        return UInt256(w0: r0, w1: r1, w2: r2, w3: r3)
    }

    /// Two's-complement negation (`0 - x`).
    @inlinable @inline(__always)
    public var negated: UInt256 { UInt256.zero &- self }

    /// Absolute value of the signed reading (`-2^255` stays `2^255` as unsigned).
    @inlinable @inline(__always)
    public var signedMagnitude: UInt256 { isNegative ? negated : self }
}

// MARK: - Bitwise

extension UInt256 {
    @inlinable @inline(__always)
    public static func & (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(w0: a.w0 & b.w0, w1: a.w1 & b.w1, w2: a.w2 & b.w2, w3: a.w3 & b.w3)
    }
    @inlinable @inline(__always)
    public static func | (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(w0: a.w0 | b.w0, w1: a.w1 | b.w1, w2: a.w2 | b.w2, w3: a.w3 | b.w3)
    }
    @inlinable @inline(__always)
    public static func ^ (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(w0: a.w0 ^ b.w0, w1: a.w1 ^ b.w1, w2: a.w2 ^ b.w2, w3: a.w3 ^ b.w3)
    }
    @inlinable @inline(__always)
    public static prefix func ~ (a: UInt256) -> UInt256 {
        UInt256(w0: ~a.w0, w1: ~a.w1, w2: ~a.w2, w3: ~a.w3)
    }

    /// Left shift by a bit count in 0...; counts ≥ 256 give zero.
    @inlinable
    public func shiftedLeft(_ n: Int) -> UInt256 {
        if n <= 0 { return n == 0 ? self : self }
        if n >= 256 { return .zero }
        let limbs = n >> 6, bits = n & 63
        var r = UInt256.zero
        for i in stride(from: 3, through: limbs, by: -1) {
            var v = self[limb: i - limbs] << UInt64(bits)
            if bits != 0 && i - limbs - 1 >= 0 { v |= self[limb: i - limbs - 1] >> UInt64(64 - bits) }
            r[limb: i] = v
        }
        return r
    }

    /// Logical right shift by a bit count; counts ≥ 256 give zero.
    @inlinable
    public func shiftedRight(_ n: Int) -> UInt256 {
        if n <= 0 { return self }
        if n >= 256 { return .zero }
        let limbs = n >> 6, bits = n & 63
        var r = UInt256.zero
        for i in 0..<(4 - limbs) {
            var v = self[limb: i + limbs] >> UInt64(bits)
            if bits != 0 && i + limbs + 1 <= 3 { v |= self[limb: i + limbs + 1] << UInt64(64 - bits) }
            r[limb: i] = v
        }
        return r
    }

    /// EVM `SHL`: `value << shift`, zero when `shift ≥ 256`.
    @inlinable
    public static func evmShl(shift: UInt256, value: UInt256) -> UInt256 {
        guard let s = shift.uint64IfFits, s < 256 else { return .zero }
        return value.shiftedLeft(Int(s))
    }

    /// EVM `SHR`: logical `value >> shift`, zero when `shift ≥ 256`.
    @inlinable
    public static func evmShr(shift: UInt256, value: UInt256) -> UInt256 {
        guard let s = shift.uint64IfFits, s < 256 else { return .zero }
        return value.shiftedRight(Int(s))
    }

    /// EVM `SAR`: arithmetic `value >> shift`; shifts ≥ 256 give 0 or all ones by sign.
    @inlinable
    public static func evmSar(shift: UInt256, value: UInt256) -> UInt256 {
        let neg = value.isNegative
        guard let s = shift.uint64IfFits, s < 256 else { return neg ? .max : .zero }
        if !neg { return value.shiftedRight(Int(s)) }
        return ~((~value).shiftedRight(Int(s)))
    }

    /// EVM `BYTE(i, x)`: the i-th byte counting from the most significant; 0 when `i ≥ 32`.
    @inlinable
    public static func evmByte(index: UInt256, value: UInt256) -> UInt256 {
        guard let i = index.uint64IfFits, i < 32 else { return .zero }
        let bitFromLow = (31 - Int(i)) * 8
        let limb = value[limb: bitFromLow >> 6]
        return UInt256((limb >> UInt64(bitFromLow & 63)) & 0xff)
    }

    /// EVM `SIGNEXTEND(b, x)`: extend the sign of byte `b` (0 = least significant); `b ≥ 31`
    /// returns `x` unchanged.
    @inlinable
    public static func evmSignExtend(byteIndex: UInt256, value: UInt256) -> UInt256 {
        guard let b = byteIndex.uint64IfFits, b < 31 else { return value }
        let bit = Int(b) * 8 + 7
        let mask = UInt256.one.shiftedLeft(bit + 1) &- .one   // bits 0...bit
        let signSet = !(value.shiftedRight(bit) & .one).isZero
        return signSet ? (value | ~mask) : (value & mask)
    }
}

// MARK: - Division

extension UInt256 {
    /// Unsigned quotient and remainder; both are zero when `divisor` is zero.
    @inlinable
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        if divisor.isZero { return (.zero, .zero) }
        if (w1 | w2 | w3 | divisor.w1 | divisor.w2 | divisor.w3) == 0 {
            return (UInt256(w0 / divisor.w0), UInt256(w0 % divisor.w0))
        }
        if self < divisor { return (.zero, self) }
        var u: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (w0, w1, w2, w3, 0, 0, 0, 0)
        var q: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        var v: (UInt64, UInt64, UInt64, UInt64) = (divisor.w0, divisor.w1, divisor.w2, divisor.w3)
        var r: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &u) { ub in
            withUnsafeMutableBytes(of: &v) { vb in
                withUnsafeMutableBytes(of: &q) { qb in
                    withUnsafeMutableBytes(of: &r) { rb in
                        UInt256.knuthDivide(
                            u: ub.baseAddress!.assumingMemoryBound(to: UInt64.self), uCount: 4,
                            v: vb.baseAddress!.assumingMemoryBound(to: UInt64.self), vCount: divisor.limbCount,
                            q: qb.baseAddress!.assumingMemoryBound(to: UInt64.self),
                            r: rb.baseAddress!.assumingMemoryBound(to: UInt64.self))
                    }
                }
            }
        }
        return (UInt256(w0: q.0, w1: q.1, w2: q.2, w3: q.3), UInt256(w0: r.0, w1: r.1, w2: r.2, w3: r.3))
    }

    /// Number of limbs up to and including the most significant non-zero one.
    @inlinable
    var limbCount: Int {
        if w3 != 0 { return 4 }
        if w2 != 0 { return 3 }
        if w1 != 0 { return 2 }
        return w0 != 0 ? 1 : 0
    }

    /// Knuth, TAOCP vol. 2, 4.3.1, Algorithm D with base 2^64.
    /// `u` has `uCount` limbs (least significant first) and room for `uCount + 1`;
    /// `v` has `vCount ≥ 1` limbs with `v[vCount-1] ≠ 0`. Writes `uCount - vCount + 1` quotient
    /// limbs to `q` and `vCount` remainder limbs to `r`. `u` and `v` are clobbered.
    @usableFromInline
    static func knuthDivide(u: UnsafeMutablePointer<UInt64>, uCount: Int,
                            v: UnsafeMutablePointer<UInt64>, vCount n: Int,
                            q: UnsafeMutablePointer<UInt64>, r: UnsafeMutablePointer<UInt64>) {
        // Trim leading zero limbs of u.
        var m = uCount
        while m > 0 && u[m - 1] == 0 { m -= 1 }
        if m < n {
            for i in 0..<n { r[i] = i < m ? u[i] : 0 }
            return
        }
        if n == 1 {
            let d = v[0]
            var rem: UInt64 = 0
            for i in stride(from: m - 1, through: 0, by: -1) {
                let (qq, rr) = d.dividingFullWidth((rem, u[i]))
                q[i] = qq; rem = rr
            }
            r[0] = rem
            return
        }
        let s = UInt64(v[n - 1].leadingZeroBitCount)
        // Normalise v.
        if s > 0 {
            for i in stride(from: n - 1, through: 1, by: -1) { v[i] = (v[i] << s) | (v[i - 1] >> (64 - s)) }
            v[0] <<= s
            u[m] = u[m - 1] >> (64 - s)
            for i in stride(from: m - 1, through: 1, by: -1) { u[i] = (u[i] << s) | (u[i - 1] >> (64 - s)) }
            u[0] <<= s
        } else {
            u[m] = 0
        }
        let vTop = v[n - 1], vNext = v[n - 2]
        for j in stride(from: m - n, through: 0, by: -1) {
            var qhat: UInt64, rhat: UInt64
            var rhatOverflow = false
            if u[j + n] >= vTop {
                qhat = .max
                let (sum, o) = u[j + n - 1].addingReportingOverflow(vTop)
                // rhat = (u[j+n]*b + u[j+n-1]) - qhat*vTop = u[j+n-1] + vTop when u[j+n] == vTop
                rhat = sum; rhatOverflow = o
            } else {
                (qhat, rhat) = vTop.dividingFullWidth((u[j + n], u[j + n - 1]))
            }
            while !rhatOverflow {
                let (ph, pl) = qhat.multipliedFullWidth(by: vNext)
                if ph > rhat || (ph == rhat && pl > u[j + n - 2]) {
                    qhat &-= 1
                    let (nr, o) = rhat.addingReportingOverflow(vTop)
                    rhat = nr; rhatOverflow = o
                } else { break }
            }
            // Multiply and subtract.
            var borrow: UInt64 = 0, carry: UInt64 = 0
            for i in 0..<n {
                let (ph, pl) = qhat.multipliedFullWidth(by: v[i])
                let (p, c1) = pl.addingReportingOverflow(carry)
                carry = ph &+ (c1 ? 1 : 0)
                let (d1, b1) = u[i + j].subtractingReportingOverflow(p)
                let (d2, b2) = d1.subtractingReportingOverflow(borrow)
                u[i + j] = d2
                borrow = (b1 || b2) ? 1 : 0
            }
            let (t1, b1) = u[j + n].subtractingReportingOverflow(carry)
            let (t2, b2) = t1.subtractingReportingOverflow(borrow)
            u[j + n] = t2
            if b1 || b2 {
                qhat &-= 1
                var c: UInt64 = 0
                for i in 0..<n {
                    let (s1, c1) = u[i + j].addingReportingOverflow(v[i])
                    let (s2, c2) = s1.addingReportingOverflow(c)
                    u[i + j] = s2
                    c = (c1 || c2) ? 1 : 0
                }
                u[j + n] &+= c
            }
            q[j] = qhat
        }
        // Unnormalise the remainder.
        for i in 0..<n {
            r[i] = s > 0 ? (u[i] >> s) | (u[i + 1] << (64 - s)) : u[i]
        }
    }

    /// EVM `DIV`.
    @inlinable
    public static func evmDiv(_ a: UInt256, _ b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b).quotient }

    /// EVM `MOD`.
    @inlinable
    public static func evmMod(_ a: UInt256, _ b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b).remainder }

    /// EVM `SDIV`: truncates toward zero; `b = 0` gives 0; `-2^255 / -1 = -2^255`.
    @inlinable
    public static func evmSdiv(_ a: UInt256, _ b: UInt256) -> UInt256 {
        if b.isZero { return .zero }
        let q = a.signedMagnitude.quotientAndRemainder(dividingBy: b.signedMagnitude).quotient
        return a.isNegative != b.isNegative ? q.negated : q
    }

    /// EVM `SMOD`: the result takes the dividend's sign; `b = 0` gives 0.
    @inlinable
    public static func evmSmod(_ a: UInt256, _ b: UInt256) -> UInt256 {
        if b.isZero { return .zero }
        let r = a.signedMagnitude.quotientAndRemainder(dividingBy: b.signedMagnitude).remainder
        return a.isNegative ? r.negated : r
    }

    /// EVM `ADDMOD`: `(a + b) mod n` computed at 257 bits; `n = 0` gives 0.
    @inlinable
    public static func evmAddmod(_ a: UInt256, _ b: UInt256, _ n: UInt256) -> UInt256 {
        if n.isZero { return .zero }
        let (s, carry) = a.addingReportingOverflow(b)
        if !carry { return evmMod(s, n) }
        return wideMod(lo: s, hi: .one, n)
    }

    /// EVM `MULMOD`: `(a * b) mod n` computed at 512 bits; `n = 0` gives 0.
    @inlinable
    public static func evmMulmod(_ a: UInt256, _ b: UInt256, _ n: UInt256) -> UInt256 {
        if n.isZero { return .zero }
        let (hi, lo) = a.multipliedFullWidth(by: b)
        if hi.isZero { return evmMod(lo, n) }
        return wideMod(lo: lo, hi: hi, n)
    }

    /// `(hi · 2^256 + lo) mod n` for `n ≠ 0`.
    @usableFromInline
    static func wideMod(lo: UInt256, hi: UInt256, _ n: UInt256) -> UInt256 {
        var u: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (lo.w0, lo.w1, lo.w2, lo.w3, hi.w0, hi.w1, hi.w2, hi.w3, 0)
        var v: (UInt64, UInt64, UInt64, UInt64) = (n.w0, n.w1, n.w2, n.w3)
        var q: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        var r: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let vc = n.limbCount
        withUnsafeMutableBytes(of: &u) { ub in
            withUnsafeMutableBytes(of: &v) { vb in
                withUnsafeMutableBytes(of: &q) { qb in
                    withUnsafeMutableBytes(of: &r) { rb in
                        knuthDivide(u: ub.baseAddress!.assumingMemoryBound(to: UInt64.self), uCount: 8,
                                    v: vb.baseAddress!.assumingMemoryBound(to: UInt64.self), vCount: vc,
                                    q: qb.baseAddress!.assumingMemoryBound(to: UInt64.self),
                                    r: rb.baseAddress!.assumingMemoryBound(to: UInt64.self))
                    }
                }
            }
        }
        return UInt256(w0: r.0, w1: r.1, w2: r.2, w3: r.3)
    }

    /// Full 512-bit product.
    @inlinable
    public func multipliedFullWidth(by b: UInt256) -> (high: UInt256, low: UInt256) {
        var r: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &r) { rb in
            let p = rb.baseAddress!.assumingMemoryBound(to: UInt64.self)
            for i in 0..<4 {
                var carry: UInt64 = 0
                let ai = self[limb: i]
                if ai == 0 { continue }
                for j in 0..<4 {
                    let (h, l) = ai.multipliedFullWidth(by: b[limb: j])
                    let (s1, c1) = p[i + j].addingReportingOverflow(l)
                    let (s2, c2) = s1.addingReportingOverflow(carry)
                    p[i + j] = s2
                    carry = h &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
                }
                p[i + 4] = carry
            }
        }
        return (UInt256(w0: r.4, w1: r.5, w2: r.6, w3: r.7), UInt256(w0: r.0, w1: r.1, w2: r.2, w3: r.3))
    }

    /// EVM `EXP`: `base ** exponent mod 2^256`.
    @inlinable
    public static func evmExp(_ base: UInt256, _ exponent: UInt256) -> UInt256 {
        var result = UInt256.one
        var b = base
        let bits = exponent.bitWidth
        var i = 0
        while i < bits {
            if (exponent[limb: i >> 6] >> UInt64(i & 63)) & 1 == 1 { result = result &* b }
            i += 1
            if i < bits { b = b &* b }
        }
        return result
    }
}

// MARK: - Bytes and text

extension UInt256 {
    /// Reads up to 32 big-endian bytes (shorter input is left-padded with zeros; longer input
    /// keeps the last 32 bytes).
    @inlinable
    public init<C: Collection>(bigEndian bytes: C) where C.Element == UInt8 {
        var r = UInt256.zero
        var idx = 0
        let count = bytes.count
        for byte in bytes {
            let fromLow = count - 1 - idx
            idx += 1
            if fromLow >= 32 { continue }
            r[limb: fromLow >> 3] |= UInt64(byte) << UInt64((fromLow & 7) * 8)
        }
        self = r
    }

    /// The 32-byte big-endian encoding.
    @inlinable
    public var bigEndianBytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBufferPointer { writeBigEndian(to: $0.baseAddress!) }
        return out
    }

    /// Writes the 32-byte big-endian encoding to `p`.
    @inlinable @inline(__always)
    public func writeBigEndian(to p: UnsafeMutablePointer<UInt8>) {
        let raw = UnsafeMutableRawPointer(p)
        raw.storeBytes(of: w3.bigEndian, toByteOffset: 0, as: UInt64.self)
        raw.storeBytes(of: w2.bigEndian, toByteOffset: 8, as: UInt64.self)
        raw.storeBytes(of: w1.bigEndian, toByteOffset: 16, as: UInt64.self)
        raw.storeBytes(of: w0.bigEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// Minimal big-endian bytes (empty for zero), as RLP encodes integers.
    public var minimalBigEndianBytes: [UInt8] {
        let bytes = bigEndianBytes
        return Array(bytes.drop(while: { $0 == 0 }))
    }

    /// Parses `0x`-prefixed (or bare) hex of at most 64 digits. Returns nil on bad input.
    public init?(hex: some StringProtocol) {
        var s = Substring(hex)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        if s.isEmpty { self = .zero; return }
        if s.count > 64 {
            // Allow leading zeros beyond 64 digits.
            let trimmed = s.drop(while: { $0 == "0" })
            if trimmed.count > 64 { return nil }
            s = trimmed
        }
        var r = UInt256.zero
        for ch in s.utf8 {
            guard let d = hexDigitValue(ch) else { return nil }
            r = r.shiftedLeft(4) | UInt256(UInt64(d))
        }
        self = r
    }

    /// Parses decimal digits. Returns nil on bad input or overflow.
    public init?(decimal: some StringProtocol) {
        if decimal.isEmpty { return nil }
        var r = UInt256.zero
        let ten = UInt256(10 as UInt64)
        for ch in decimal.utf8 {
            guard ch >= 48 && ch <= 57 else { return nil }
            let (hi, lo) = r.multipliedFullWidth(by: ten)
            if !hi.isZero { return nil }
            let (s, o) = lo.addingReportingOverflow(UInt256(UInt64(ch - 48)))
            if o { return nil }
            r = s
        }
        self = r
    }

    /// `0x`-prefixed minimal hex (`0x0` for zero).
    public var hexString: String {
        if isZero { return "0x0" }
        var s = ""
        var started = false
        for limb in [w3, w2, w1, w0] {
            if !started {
                if limb == 0 { continue }
                s = String(limb, radix: 16)
                started = true
            } else {
                let part = String(limb, radix: 16)
                s += String(repeating: "0", count: 16 - part.count) + part
            }
        }
        return "0x" + s
    }

    /// Decimal representation.
    public var decimalString: String {
        if isZero { return "0" }
        var digits: [UInt8] = []
        var v = self
        let ten = UInt256(10 as UInt64)
        while !v.isZero {
            let (q, r) = v.quotientAndRemainder(dividingBy: ten)
            digits.append(UInt8(r.w0) + 48)
            v = q
        }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }
}

extension UInt256: CustomStringConvertible {
    public var description: String { hexString }
}

extension UInt256: ExpressibleByIntegerLiteral {
    @inlinable
    public init(integerLiteral value: UInt64) { self.init(value) }
}

@inlinable @inline(__always)
func hexDigitValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 48...57: return c - 48
    case 97...102: return c - 87
    case 65...70: return c - 55
    default: return nil
    }
}
