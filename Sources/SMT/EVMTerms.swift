import EVMCore

/// The EVM's pure stack operations as bit-vector terms: the specification the Swift `UInt256`
/// code is checked against. Every builder is width-generic (the width is read from the
/// operands; 256 for the EVM, 8…64 for proofs at small widths) and takes its operands in the
/// EVM's stack order (top of stack first), so `evmShl(shift, value)` like the opcode.
///
/// SMT-LIB and the EVM disagree on division by zero (`bvudiv(x, 0)` is all ones, `bvurem(x, 0)`
/// is x); every division here is guarded with `ite(b = 0, 0, …)`.
public enum EVMTerms {
    // MARK: Helpers

    static func zero(_ width: Int, _ c: Z3Context) throws -> Term { try c.numeral(0, width: width) }

    /// A Boolean as a word: 1 or 0.
    public static func word(_ condition: Term, width: Int) throws -> Term {
        let c = condition.context
        return try c.ite(condition, c.numeral(1, width: width), c.numeral(0, width: width))
    }

    static func sameWidth(_ terms: Term...) throws -> Int {
        let w = try terms[0].bitWidth()
        for t in terms.dropFirst() where try t.bitWidth() != w {
            throw Z3Error.conversion("operands of different widths")
        }
        return w
    }

    /// Bit `i` of `x` as a Boolean.
    public static func bit(_ x: Term, _ i: Int) throws -> Term {
        try x.extract(high: i, low: i).eq(x.context.numeral(1, width: 1))
    }

    // MARK: Arithmetic

    public static func evmAdd(_ a: Term, _ b: Term) throws -> Term { try a.add(b) }
    public static func evmSub(_ a: Term, _ b: Term) throws -> Term { try a.sub(b) }
    public static func evmMul(_ a: Term, _ b: Term) throws -> Term { try a.mul(b) }

    /// `DIV`: `a / b`, 0 when `b = 0`.
    public static func evmDiv(_ a: Term, _ b: Term) throws -> Term {
        let w = try sameWidth(a, b), c = a.context
        return try c.ite(b.eq(zero(w, c)), zero(w, c), a.udiv(b))
    }

    /// `MOD`: `a mod b`, 0 when `b = 0`.
    public static func evmMod(_ a: Term, _ b: Term) throws -> Term {
        let w = try sameWidth(a, b), c = a.context
        return try c.ite(b.eq(zero(w, c)), zero(w, c), a.urem(b))
    }

    /// `SDIV`: signed, truncating; 0 when `b = 0`; `-2^(w-1) / -1` wraps to `-2^(w-1)` (as `bvsdiv`).
    public static func evmSdiv(_ a: Term, _ b: Term) throws -> Term {
        let w = try sameWidth(a, b), c = a.context
        return try c.ite(b.eq(zero(w, c)), zero(w, c), a.sdiv(b))
    }

    /// `SMOD`: signed remainder taking the dividend's sign (`bvsrem`); 0 when `b = 0`.
    public static func evmSmod(_ a: Term, _ b: Term) throws -> Term {
        let w = try sameWidth(a, b), c = a.context
        return try c.ite(b.eq(zero(w, c)), zero(w, c), a.srem(b))
    }

    /// `ADDMOD`: `(a + b) mod n` with the sum taken at w+1 bits; 0 when `n = 0`.
    public static func evmAddmod(_ a: Term, _ b: Term, _ n: Term) throws -> Term {
        let w = try sameWidth(a, b, n), c = a.context
        let sum = try a.zeroExtend(by: 1).add(b.zeroExtend(by: 1))
        let r = try sum.urem(n.zeroExtend(by: 1)).extract(high: w - 1, low: 0)
        return try c.ite(n.eq(zero(w, c)), zero(w, c), r)
    }

    /// `MULMOD`: `(a * b) mod n` with the product taken at 2w bits; 0 when `n = 0`.
    public static func evmMulmod(_ a: Term, _ b: Term, _ n: Term) throws -> Term {
        let w = try sameWidth(a, b, n), c = a.context
        let product = try a.zeroExtend(by: w).mul(b.zeroExtend(by: w))
        let r = try product.urem(n.zeroExtend(by: w)).extract(high: w - 1, low: 0)
        return try c.ite(n.eq(zero(w, c)), zero(w, c), r)
    }

    /// `EXP` with a constant exponent: `base^exponent mod 2^w`, by square-and-multiply over
    /// the exponent's bits (a term of at most 2·256 multiplications).
    public static func evmExp(_ base: Term, exponent: UInt256) throws -> Term {
        let w = try base.bitWidth(), c = base.context
        var result = try c.numeral(1, width: w)
        var square = base
        let bits = exponent.bitWidth
        for i in 0..<bits {
            if (exponent[limb: i >> 6] >> UInt64(i & 63)) & 1 == 1 { result = try result.mul(square) }
            if i + 1 < bits { square = try square.mul(square) }
        }
        return result
    }

    /// `EXP` defined by repeated multiplication over every exponent value, for a symbolic
    /// exponent at a small width (`w ≤ 10`): `ite(e = 0, 1, ite(e = 1, b, ite(e = 2, b·b, …)))`.
    public static func evmExpByEnumeration(_ base: Term, _ exponent: Term) throws -> Term {
        let w = try sameWidth(base, exponent), c = base.context
        guard w <= 10 else { throw Z3Error.conversion("exponent enumeration needs width ≤ 10, got \(w)") }
        var powers: [Term] = [try c.numeral(1, width: w)]
        for _ in 1..<(1 << w) { powers.append(try powers[powers.count - 1].mul(base)) }
        var result = powers[powers.count - 1]
        for k in stride(from: (1 << w) - 2, through: 0, by: -1) {
            result = try c.ite(exponent.eq(c.numeral(k, width: w)), powers[k], result)
        }
        return result
    }

    // MARK: Bytes and signs

    /// `SIGNEXTEND(b, x)`: extend the sign of byte `b` (0 = least significant); `b ≥ w/8 - 1`
    /// leaves `x` unchanged.
    public static func evmSignextend(_ b: Term, _ x: Term) throws -> Term {
        let w = try sameWidth(b, x), c = b.context
        let bytes = w / 8
        var result = x
        if bytes >= 2 {
            for k in stride(from: bytes - 2, through: 0, by: -1) {
                let kept = try x.extract(high: 8 * k + 7, low: 0)
                result = try c.ite(b.eq(c.numeral(k, width: w)), kept.signExtend(by: w - 8 * k - 8), result)
            }
        }
        return result
    }

    /// `BYTE(i, x)`: byte `i` counted from the most significant; 0 when `i ≥ w/8`.
    public static func evmByte(_ i: Term, _ x: Term) throws -> Term {
        let w = try sameWidth(i, x), c = i.context
        let bytes = w / 8
        guard bytes >= 1 else { throw Z3Error.conversion("BYTE needs width ≥ 8") }
        let shift = try c.numeral(bytes - 1, width: w).sub(i).mul(c.numeral(8, width: w))
        let byte = try x.lshr(shift).bitAnd(c.numeral(0xff, width: w))
        return try c.ite(i.ult(c.numeral(bytes, width: w)), byte, zero(w, c))
    }

    // MARK: Shifts (EVM order: shift first)

    /// `SHL(shift, value)`; 0 when `shift ≥ w` (as `bvshl`).
    public static func evmShl(_ shift: Term, _ value: Term) throws -> Term {
        _ = try sameWidth(shift, value)
        return try value.shl(shift)
    }

    /// `SHR(shift, value)`; 0 when `shift ≥ w`.
    public static func evmShr(_ shift: Term, _ value: Term) throws -> Term {
        _ = try sameWidth(shift, value)
        return try value.lshr(shift)
    }

    /// `SAR(shift, value)`; all sign bits when `shift ≥ w`.
    public static func evmSar(_ shift: Term, _ value: Term) throws -> Term {
        _ = try sameWidth(shift, value)
        return try value.ashr(shift)
    }

    // MARK: Comparisons and bitwise

    public static func evmLt(_ a: Term, _ b: Term) throws -> Term { try word(a.ult(b), width: sameWidth(a, b)) }
    public static func evmGt(_ a: Term, _ b: Term) throws -> Term { try word(a.ugt(b), width: sameWidth(a, b)) }
    public static func evmSlt(_ a: Term, _ b: Term) throws -> Term { try word(a.slt(b), width: sameWidth(a, b)) }
    public static func evmSgt(_ a: Term, _ b: Term) throws -> Term { try word(a.sgt(b), width: sameWidth(a, b)) }
    public static func evmEq(_ a: Term, _ b: Term) throws -> Term { try word(a.eq(b), width: sameWidth(a, b)) }
    public static func evmIszero(_ a: Term) throws -> Term {
        let w = try a.bitWidth()
        return try word(a.eq(zero(w, a.context)), width: w)
    }
    public static func evmAnd(_ a: Term, _ b: Term) throws -> Term { try a.bitAnd(b) }
    public static func evmOr(_ a: Term, _ b: Term) throws -> Term { try a.bitOr(b) }
    public static func evmXor(_ a: Term, _ b: Term) throws -> Term { try a.bitXor(b) }
    public static func evmNot(_ a: Term) throws -> Term { try a.bitNot() }

    /// `CLZ` (EIP-7939): the number of leading zero bits, `w` for zero; written as the
    /// definition, a priority chain over the bits from the top.
    public static func evmClz(_ x: Term) throws -> Term {
        let w = try x.bitWidth(), c = x.context
        var result = try c.numeral(w, width: w)
        for i in 0..<w {   // bit i set and nothing above it: w - 1 - i leading zeros
            result = try c.ite(bit(x, i), c.numeral(w - 1 - i, width: w), result)
        }
        return result
    }
}
