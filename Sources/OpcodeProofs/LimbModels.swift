import EVMCore
import SMT

/// Width-generic symbolic models of the algorithms in `EVMCore/UInt256.swift`: the same steps
/// on four limbs of `w/4` bits instead of four `UInt64`s (least significant first). At
/// `w = 256` a model is the Swift algorithm; at 8…64 bits Z3 can prove it equal to the
/// `EVMTerms` specification for every input. A proof covers the algorithm; the concrete checks
/// in `OpcodeProver` cover the Swift code that implements it.
enum LimbModels {
    struct Limbs {
        var l: [Term]          // 4 limbs, least significant first
        let width: Int         // limb width
        var context: Z3Context { l[0].context }

        init(_ x: Term) throws {
            let w = try x.bitWidth()
            guard w % 4 == 0, w >= 8 else { throw Z3Error.conversion("limb model needs width multiple of 4, ≥ 8") }
            width = w / 4
            l = try (0..<4).map { try x.extract(high: ($0 + 1) * (w / 4) - 1, low: $0 * (w / 4)) }
        }

        init(limbs: [Term], width: Int) { l = limbs; self.width = width }

        func joined() throws -> Term { try l[3].concat(l[2]).concat(l[1]).concat(l[0]) }
        subscript(i: Int) -> Term { l[i] }
    }

    static func num(_ v: Int, _ w: Int, _ c: Z3Context) throws -> Term { try c.numeral(v, width: w) }

    /// `x.addingReportingOverflow(y)` on one limb: (sum, carry).
    static func addOverflow(_ x: Term, _ y: Term) throws -> (Term, Term) {
        let s = try x.add(y)
        return (s, try s.ult(x))
    }

    static func subOverflow(_ x: Term, _ y: Term) throws -> (Term, Term) {
        (try x.sub(y), try x.ult(y))
    }

    static func boolToLimb(_ b: Term, _ w: Int) throws -> Term {
        try b.context.ite(b, num(1, w, b.context), num(0, w, b.context))
    }

    /// `multipliedFullWidth` on one limb: (high, low).
    static func mulFull(_ x: Term, _ y: Term) throws -> (Term, Term) {
        let w = try x.bitWidth()
        let p = try x.zeroExtend(by: w).mul(y.zeroExtend(by: w))
        return (try p.extract(high: 2 * w - 1, low: w), try p.extract(high: w - 1, low: 0))
    }

    // MARK: Arithmetic

    /// `&+`: limb sums with the carry chain as written in Swift.
    static func add(_ a: Term, _ b: Term) throws -> Term {
        let x = try Limbs(a), y = try Limbs(b), w = x.width
        let (r0, c0) = try addOverflow(x[0], y[0])
        var (r1, c1) = try addOverflow(x[1], y[1])
        var k: Term
        (r1, k) = try addOverflow(r1, boolToLimb(c0, w)); c1 = try c1.or(k)
        var (r2, c2) = try addOverflow(x[2], y[2])
        (r2, k) = try addOverflow(r2, boolToLimb(c1, w)); c2 = try c2.or(k)
        let r3 = try x[3].add(y[3]).add(boolToLimb(c2, w))
        return try Limbs(limbs: [r0, r1, r2, r3], width: w).joined()
    }

    /// `&-`: limb differences with the borrow chain.
    static func sub(_ a: Term, _ b: Term) throws -> Term {
        let x = try Limbs(a), y = try Limbs(b), w = x.width
        let (r0, b0) = try subOverflow(x[0], y[0])
        var (r1, b1) = try subOverflow(x[1], y[1])
        var k: Term
        (r1, k) = try subOverflow(r1, boolToLimb(b0, w)); b1 = try b1.or(k)
        var (r2, b2) = try subOverflow(x[2], y[2])
        (r2, k) = try subOverflow(r2, boolToLimb(b1, w)); b2 = try b2.or(k)
        let r3 = try x[3].sub(y[3]).sub(boolToLimb(b2, w))
        return try Limbs(limbs: [r0, r1, r2, r3], width: w).joined()
    }

    /// `&*`: the truncated schoolbook product in the order the Swift code adds its terms.
    static func mul(_ a: Term, _ b: Term) throws -> Term {
        let x = try Limbs(a), y = try Limbs(b), w = x.width
        var hi: Term, lo: Term, cf: Term
        var r0: Term, r1: Term, r2: Term, r3: Term
        (hi, lo) = try mulFull(x[0], y[0]); r0 = lo; r1 = hi
        (hi, lo) = try mulFull(x[0], y[1])
        (r1, cf) = try addOverflow(r1, lo); r2 = try hi.add(boolToLimb(cf, w))
        (hi, lo) = try mulFull(x[0], y[2])
        (r2, cf) = try addOverflow(r2, lo); r3 = try hi.add(boolToLimb(cf, w))
        r3 = try r3.add(x[0].mul(y[3]))
        (hi, lo) = try mulFull(x[1], y[0])
        (r1, cf) = try addOverflow(r1, lo)
        var carry = try hi.add(boolToLimb(cf, w))
        (r2, cf) = try addOverflow(r2, carry); r3 = try r3.add(boolToLimb(cf, w))
        (hi, lo) = try mulFull(x[1], y[1])
        (r2, cf) = try addOverflow(r2, lo)
        carry = try hi.add(boolToLimb(cf, w))
        r3 = try r3.add(carry).add(x[1].mul(y[2]))
        (hi, lo) = try mulFull(x[2], y[0])
        (r2, cf) = try addOverflow(r2, lo)
        r3 = try r3.add(hi).add(boolToLimb(cf, w)).add(x[2].mul(y[1]))
        r3 = try r3.add(x[3].mul(y[0]))
        return try Limbs(limbs: [r0, r1, r2, r3], width: w).joined()
    }

    /// `multipliedFullWidth`: the 8-limb product, row by row with a running carry.
    static func mulFullWidth(_ a: Term, _ b: Term) throws -> Term {
        let x = try Limbs(a), y = try Limbs(b), c = x.context, w = x.width
        var p = try (0..<8).map { _ in try num(0, w, c) }
        for i in 0..<4 {
            var carry = try num(0, w, c)
            for j in 0..<4 {
                let (h, l) = try mulFull(x[i], y[j])
                let (s1, c1) = try addOverflow(p[i + j], l)
                let (s2, c2) = try addOverflow(s1, carry)
                p[i + j] = s2
                carry = try h.add(boolToLimb(c1, w)).add(boolToLimb(c2, w))
            }
            p[i + 4] = carry
        }
        let high = try Limbs(limbs: Array(p[4..<8]), width: w).joined()
        let low = try Limbs(limbs: Array(p[0..<4]), width: w).joined()
        return try high.concat(low)
    }

    static func isNegative(_ x: Term) throws -> Term {
        let w = try x.bitWidth()
        return try EVMTerms.bit(x, w - 1)
    }

    static func magnitude(_ x: Term) throws -> Term {
        try x.context.ite(isNegative(x), x.neg(), x)
    }

    /// `evmSdiv`: quotient of magnitudes, negated when the signs differ.
    static func sdiv(_ a: Term, _ b: Term) throws -> Term {
        let c = a.context, w = try a.bitWidth()
        let q = try EVMTerms.evmDiv(magnitude(a), magnitude(b))
        let differ = try isNegative(a).eq(isNegative(b)).not()
        let signed = try c.ite(differ, q.neg(), q)
        return try c.ite(b.eq(num(0, w, c)), num(0, w, c), signed)
    }

    /// `evmSmod`: remainder of magnitudes with the dividend's sign.
    static func smod(_ a: Term, _ b: Term) throws -> Term {
        let c = a.context, w = try a.bitWidth()
        let r = try EVMTerms.evmMod(magnitude(a), magnitude(b))
        let signed = try c.ite(isNegative(a), r.neg(), r)
        return try c.ite(b.eq(num(0, w, c)), num(0, w, c), signed)
    }

    /// `evmAddmod`: w-bit sum; without carry `mod n`, with carry `(2^w + sum) mod n` at 2w bits.
    static func addmod(_ a: Term, _ b: Term, _ n: Term) throws -> Term {
        let c = a.context, w = try a.bitWidth()
        let (s, carry) = try addOverflow(a, b)
        let plain = try EVMTerms.evmMod(s, n)
        let wide = try num(1, w, c).concat(s).urem(n.zeroExtend(by: w)).extract(high: w - 1, low: 0)
        return try c.ite(n.eq(num(0, w, c)), num(0, w, c), c.ite(carry, wide, plain))
    }

    /// `evmMulmod`: limb full-width product; high half zero → `mod n`, else 2w-bit remainder.
    static func mulmod(_ a: Term, _ b: Term, _ n: Term) throws -> Term {
        let c = a.context, w = try a.bitWidth()
        let full = try mulFullWidth(a, b)
        let hi = try full.extract(high: 2 * w - 1, low: w), lo = try full.extract(high: w - 1, low: 0)
        let plain = try EVMTerms.evmMod(lo, n)
        let wide = try full.urem(n.zeroExtend(by: w)).extract(high: w - 1, low: 0)
        return try c.ite(n.eq(num(0, w, c)), num(0, w, c), c.ite(hi.eq(num(0, w, c)), plain, wide))
    }

    /// `evmExp`: square-and-multiply over the exponent's bits (leading zero bits change nothing).
    static func exp(_ base: Term, _ e: Term) throws -> Term {
        let c = base.context, w = try base.bitWidth()
        var result = try num(1, w, c)
        var square = base
        for i in 0..<w {
            result = try c.ite(EVMTerms.bit(e, i), result.mul(square), result)
            square = try square.mul(square)
        }
        return result
    }

    // MARK: Comparisons and bitwise

    /// `<`: lexicographic from the top limb.
    static func lessThan(_ a: Term, _ b: Term) throws -> Term {
        let x = try Limbs(a), y = try Limbs(b), c = x.context
        var r = try x[0].ult(y[0])
        for i in 1..<4 { r = try c.ite(x[i].eq(y[i]), r, x[i].ult(y[i])) }
        return r
    }

    /// `signedLess`: sign bits differ → `a` negative; else unsigned `<`.
    static func signedLess(_ a: Term, _ b: Term) throws -> Term {
        let c = a.context
        let an = try isNegative(a), bn = try isNegative(b)
        return try c.ite(an.eq(bn), lessThan(a, b), an)
    }

    static func equal(_ a: Term, _ b: Term) throws -> Term {
        let x = try Limbs(a), y = try Limbs(b)
        return try x.context.and((0..<4).map { try x[$0].eq(y[$0]) })
    }

    static func isZero(_ a: Term) throws -> Term {
        let x = try Limbs(a)
        return try x[0].bitOr(x[1]).bitOr(x[2]).bitOr(x[3]).eq(num(0, x.width, x.context))
    }

    static func limbwise(_ a: Term, _ b: Term, _ f: (Term, Term) throws -> Term) throws -> Term {
        let x = try Limbs(a), y = try Limbs(b)
        return try Limbs(limbs: (0..<4).map { try f(x[$0], y[$0]) }, width: x.width).joined()
    }

    static func not(_ a: Term) throws -> Term {
        let x = try Limbs(a)
        return try Limbs(limbs: x.l.map { try $0.bitNot() }, width: x.width).joined()
    }

    // MARK: Shifts

    /// `uint64IfFits` at width w: the value when limbs 1…3 are zero, and whether it is `< bound`.
    /// A faithful analogue of the Swift guard only when every in-range amount fits in one limb
    /// (`bound ≤ 2^(w/4)`): shifts need w ≥ 16, BYTE and SIGNEXTEND w ≥ 16.
    static func smallValue(_ x: Term, below bound: Int) throws -> (value: Term, ok: Term) {
        let v = try Limbs(x), c = v.context, w = v.width
        let fits = try v[1].bitOr(v[2]).bitOr(v[3]).eq(num(0, w, c))
        let low = try v[0].zeroExtend(by: 3 * w)   // back to full width for the comparison
        return (low, try fits.and(low.ult(num(bound, 4 * w, c))))
    }

    /// `shiftedLeft(n)` / `shiftedRight(n)` for `0 ≤ n < w`: whole-limb moves plus a bit shift
    /// with the neighbour limb's spill, as in the Swift loops.
    static func limbShift(_ value: Term, by n: Term, left: Bool) throws -> Term {
        let v = try Limbs(value), c = v.context, w = v.width
        let logW = w.trailingZeroBitCount
        let limbs = try n.extract(high: logW + 1, low: logW)                 // n >> log2(w), 0…3
        let bits = try n.extract(high: logW - 1, low: 0).zeroExtend(by: w - logW)   // n & (w-1)
        let bitsZero = try bits.eq(num(0, w, c))
        let back = try num(w, w, c).sub(bits)
        var out: [Term] = []
        for i in 0..<4 {
            var r = try num(0, w, c)
            for k in 0..<4 {
                let src = left ? i - k : i + k
                guard src >= 0, src <= 3 else { continue }
                var part = left ? try v[src].shl(bits) : try v[src].lshr(bits)
                let spill = left ? src - 1 : src + 1
                if spill >= 0 && spill <= 3 {
                    let s = left ? try v[spill].lshr(back) : try v[spill].shl(back)
                    part = try c.ite(bitsZero, part, part.bitOr(s))
                }
                r = try c.ite(limbs.eq(num(k, 2, c)), part, r)
            }
            out.append(r)
        }
        return try Limbs(limbs: out, width: w).joined()
    }

    static func shl(_ shift: Term, _ value: Term) throws -> Term {
        let c = value.context, w = try value.bitWidth()
        let (n, ok) = try smallValue(shift, below: w)
        return try c.ite(ok, limbShift(value, by: n, left: true), num(0, w, c))
    }

    static func shr(_ shift: Term, _ value: Term) throws -> Term {
        let c = value.context, w = try value.bitWidth()
        let (n, ok) = try smallValue(shift, below: w)
        return try c.ite(ok, limbShift(value, by: n, left: false), num(0, w, c))
    }

    /// `evmSar`: negative values shift their complement and complement back.
    static func sar(_ shift: Term, _ value: Term) throws -> Term {
        let c = value.context, w = try value.bitWidth()
        let (n, ok) = try smallValue(shift, below: w)
        let neg = try isNegative(value)
        let ones = try num(0, w, c).bitNot()
        let inRange = try c.ite(neg, limbShift(value.bitNot(), by: n, left: false).bitNot(),
                                limbShift(value, by: n, left: false))
        return try c.ite(ok, inRange, c.ite(neg, ones, num(0, w, c)))
    }

    /// `evmByte`: pick the limb holding the byte, shift within it, mask. Needs limbs of whole
    /// bytes (w ≥ 32).
    static func byte(_ index: Term, _ value: Term) throws -> Term {
        let c = value.context, w = try value.bitWidth()
        let v = try Limbs(value), lw = v.width
        guard lw % 8 == 0 else { throw Z3Error.conversion("BYTE model needs byte-sized limbs") }
        let bytes = w / 8
        let (i, ok) = try smallValue(index, below: bytes)
        let bitFromLow = try num(bytes - 1, w, c).sub(i).mul(num(8, w, c))
        let logW = lw.trailingZeroBitCount
        let limbIndex = try bitFromLow.lshr(num(logW, w, c))
        let within = try bitFromLow.bitAnd(num(lw - 1, w, c)).extract(high: lw - 1, low: 0)
        var limb = v[0]
        for k in 1..<4 { limb = try c.ite(limbIndex.eq(num(k, w, c)), v[k], limb) }
        let b = try limb.lshr(within).bitAnd(num(0xff, lw, c)).zeroExtend(by: w - lw)
        return try c.ite(ok, b, num(0, w, c))
    }

    /// `evmSignExtend`: mask below the sign bit, fill or clear above it.
    static func signextend(_ byteIndex: Term, _ value: Term) throws -> Term {
        let c = value.context, w = try value.bitWidth()
        let (b, ok) = try smallValue(byteIndex, below: w / 8 - 1)
        let bit = try b.mul(num(8, w, c)).add(num(7, w, c))
        let mask = try num(1, w, c).shl(bit.add(num(1, w, c))).sub(num(1, w, c))
        let signSet = try value.lshr(bit).bitAnd(num(1, w, c)).eq(num(0, w, c)).not()
        let extended = try c.ite(signSet, value.bitOr(mask.bitNot()), value.bitAnd(mask))
        return try c.ite(ok, extended, value)
    }

    /// `leadingZeroBitCount` = `w - bitWidth`, with `bitWidth` from the top non-zero limb and
    /// that limb's own leading-zero count.
    static func clz(_ x: Term) throws -> Term {
        let v = try Limbs(x), c = v.context, lw = v.width, w = 4 * lw
        var bitWidth = try num(lw, w, c).sub(EVMTerms.evmClz(v[0]).zeroExtend(by: w - lw))
        for k in 1..<4 {
            let here = try num((k + 1) * lw, w, c).sub(EVMTerms.evmClz(v[k]).zeroExtend(by: w - lw))
            bitWidth = try c.ite(v[k].eq(num(0, lw, c)), bitWidth, here)
        }
        return try num(w, w, c).sub(bitWidth)
    }
}
