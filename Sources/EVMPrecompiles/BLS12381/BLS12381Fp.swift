import EVMCore

extension BLS12381 {
    /// An element of the base field Fp (p of 381 bits), held in Montgomery form a·R mod p with
    /// R = 2^384, as six 64-bit limbs (least significant first). Multiplication is Montgomery's CIOS
    /// method (Koç, Acar, Kaliski, "Analyzing and Comparing Montgomery Multiplication Algorithms",
    /// 1996), written out limb by limb. Every stored value is fully reduced (< p), so equality is
    /// limb equality.
    struct Fp: FieldArithmetic, Hashable {
        var l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64, l4: UInt64, l5: UInt64

        /// Raw limbs (least significant first), no conversion.
        init(limbs l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64, _ l5: UInt64) {
            self.l0 = l0; self.l1 = l1; self.l2 = l2; self.l3 = l3; self.l4 = l4; self.l5 = l5
        }

        /// The modulus p as raw limbs.
        static let modulus = Fp(limbs: 0xb9fe_ffff_ffff_aaab, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624, 0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a)
        /// −p⁻¹ mod 2^64.
        static let inverseNegModulus: UInt64 = {
            let p0 = modulus.l0
            var inv: UInt64 = 1
            for _ in 0..<6 { inv = inv &* (2 &- p0 &* inv) }   // Newton: each step doubles the correct low bits
            return 0 &- inv
        }()

        /// R mod p, i.e. 1 in Montgomery form: 2^384 − k·p, by repeated subtraction from 2^384 − p.
        static let one: Fp = {
            var v = subtractRaw(Fp.zero, modulus).value   // 2^384 − p (wraps)
            while !v.isBelowModulus { v = subtractRaw(v, modulus).value }
            return v
        }()

        static let zero = Fp(limbs: 0, 0, 0, 0, 0, 0)

        /// R² mod p, by doubling R mod p 384 times.
        static let rSquared: Fp = {
            var v = one
            for _ in 0..<384 { v = v + v }
            return v
        }()

        var isZero: Bool { (l0 | l1 | l2 | l3 | l4 | l5) == 0 }

        /// Whether the raw limbs, read as an integer, are < p.
        var isBelowModulus: Bool {
            let m = Fp.modulus
            let a = [l5, l4, l3, l2, l1, l0], b = [m.l5, m.l4, m.l3, m.l2, m.l1, m.l0]
            for i in 0..<6 where a[i] != b[i] { return a[i] < b[i] }
            return false
        }

        /// a − b on raw limbs with the borrow out.
        @inline(__always)
        static func subtractRaw(_ a: Fp, _ b: Fp) -> (value: Fp, borrow: Bool) {
            let (d0, b0) = a.l0.subtractingReportingOverflow(b.l0)
            let (d1, b1) = sbb(a.l1, b.l1, b0)
            let (d2, b2) = sbb(a.l2, b.l2, b1)
            let (d3, b3) = sbb(a.l3, b.l3, b2)
            let (d4, b4) = sbb(a.l4, b.l4, b3)
            let (d5, b5) = sbb(a.l5, b.l5, b4)
            return (Fp(limbs: d0, d1, d2, d3, d4, d5), b5)
        }

        /// a + b on raw limbs (no carry out: both are < p < 2^382).
        @inline(__always)
        static func addRaw(_ a: Fp, _ b: Fp) -> Fp {
            let (s0, c0) = a.l0.addingReportingOverflow(b.l0)
            let (s1, c1) = adc(a.l1, b.l1, c0)
            let (s2, c2) = adc(a.l2, b.l2, c1)
            let (s3, c3) = adc(a.l3, b.l3, c2)
            let (s4, c4) = adc(a.l4, b.l4, c3)
            let (s5, _) = adc(a.l5, b.l5, c4)
            return Fp(limbs: s0, s1, s2, s3, s4, s5)
        }

        @inline(__always)
        static func sbb(_ a: UInt64, _ b: UInt64, _ borrow: Bool) -> (UInt64, Bool) {
            let (d, o1) = a.subtractingReportingOverflow(b)
            let (e, o2) = d.subtractingReportingOverflow(borrow ? 1 : 0)
            return (e, o1 || o2)
        }

        @inline(__always)
        static func adc(_ a: UInt64, _ b: UInt64, _ carry: Bool) -> (UInt64, Bool) {
            let (s, o1) = a.addingReportingOverflow(b)
            let (t, o2) = s.addingReportingOverflow(carry ? 1 : 0)
            return (t, o1 || o2)
        }

        /// a + b·c + carry as (low, high); cannot overflow 128 bits.
        @inline(__always)
        static func mac(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
            let (hi, lo) = b.multipliedFullWidth(by: c)
            let (s1, o1) = lo.addingReportingOverflow(a)
            let (s2, o2) = s1.addingReportingOverflow(carry)
            return (s2, hi &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0))
        }

        // MARK: Arithmetic

        static func + (a: Fp, b: Fp) -> Fp {
            let s = addRaw(a, b)
            let (d, borrow) = subtractRaw(s, modulus)
            return borrow ? s : d
        }

        static func - (a: Fp, b: Fp) -> Fp {
            let (d, borrow) = subtractRaw(a, b)
            return borrow ? addRaw(d, modulus) : d
        }

        static prefix func - (a: Fp) -> Fp { a.isZero ? a : subtractRaw(modulus, a).value }

        func doubled() -> Fp { self + self }

        func squared() -> Fp { self * self }

        /// The CIOS running total t0…t6.
        struct Accumulator { var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0, t4: UInt64 = 0, t5: UInt64 = 0 }

        /// One CIOS round: t += a·bi, then add k·p so the low limb becomes zero and shift one limb
        /// right. p < 2^382, so the total stays below 2p and one carry word suffices.
        @inline(__always)
        static func cios(_ acc: inout Accumulator, _ a: Fp, _ bi: UInt64) {
            let m = modulus
            var c: UInt64 = 0
            var t0, t1, t2, t3, t4, t5: UInt64
            (t0, c) = mac(acc.t0, a.l0, bi, 0)
            (t1, c) = mac(acc.t1, a.l1, bi, c)
            (t2, c) = mac(acc.t2, a.l2, bi, c)
            (t3, c) = mac(acc.t3, a.l3, bi, c)
            (t4, c) = mac(acc.t4, a.l4, bi, c)
            (t5, c) = mac(acc.t5, a.l5, bi, c)
            let t6 = c
            let k = t0 &* inverseNegModulus
            (_, c) = mac(t0, k, m.l0, 0)
            (acc.t0, c) = mac(t1, k, m.l1, c)
            (acc.t1, c) = mac(t2, k, m.l2, c)
            (acc.t2, c) = mac(t3, k, m.l3, c)
            (acc.t3, c) = mac(t4, k, m.l4, c)
            (acc.t4, c) = mac(t5, k, m.l5, c)
            acc.t5 = t6 &+ c
        }

        /// a·b·R⁻¹ mod p (CIOS, six rounds, one per limb of b), then one conditional subtraction.
        static func * (a: Fp, b: Fp) -> Fp {
            var acc = Accumulator()
            cios(&acc, a, b.l0)
            cios(&acc, a, b.l1)
            cios(&acc, a, b.l2)
            cios(&acc, a, b.l3)
            cios(&acc, a, b.l4)
            cios(&acc, a, b.l5)
            let t = Fp(limbs: acc.t0, acc.t1, acc.t2, acc.t3, acc.t4, acc.t5)
            let (d, borrow) = subtractRaw(t, modulus)
            return borrow ? t : d
        }

        /// The inverse by the binary extended Euclidean algorithm (Menezes, van Oorschot, Vanstone,
        /// "Handbook of Applied Cryptography", Algorithm 2.22, "binary inversion" in Fp), about
        /// five times faster here than Fermat's a^(p−2) (`inverseByFermat`, which tests compare it
        /// with). Invariants, for the raw value A = a·R of `self`: u ≡ x1·A and v ≡ x2·A (mod p),
        /// with 0 < u, v < 2^381 and x1, x2 < p; the loop ends when u or v is 1, so x1 or x2 is
        /// A⁻¹. The Montgomery form of a⁻¹ is A⁻¹·R² = mont(A⁻¹, R³). Nil for zero.
        func inverse() -> Fp? {
            guard !isZero else { return nil }
            let one = Fp(limbs: 1, 0, 0, 0, 0, 0)
            var u = self, v = Fp.modulus
            var x1 = one, x2 = Fp.zero
            /// x/2 mod p for x < p: x even → x >> 1, else (x + p) >> 1 (x + p < 2^382, no overflow).
            func half(_ x: Fp) -> Fp { (x.l0 & 1 == 0 ? x : Fp.addRaw(x, Fp.modulus)).shiftedRightOne }
            while u != one && v != one {
                while u.l0 & 1 == 0 { u = u.shiftedRightOne; x1 = half(x1) }
                while v.l0 & 1 == 0 { v = v.shiftedRightOne; x2 = half(x2) }
                let (d, borrow) = Fp.subtractRaw(u, v)
                if borrow {
                    v = Fp.subtractRaw(v, u).value
                    x2 = x2 - x1
                } else {
                    u = d
                    x1 = x1 - x2
                }
            }
            return (u == one ? x1 : x2) * Fp.rCubed
        }

        /// Fermat: a^(p−2) (the reference for `inverse`).
        func inverseByFermat() -> Fp? {
            guard !isZero else { return nil }
            return power(Fp.pMinus2)
        }

        /// The raw limbs shifted right by one bit.
        var shiftedRightOne: Fp {
            Fp(limbs: (l0 >> 1) | (l1 << 63), (l1 >> 1) | (l2 << 63), (l2 >> 1) | (l3 << 63),
               (l3 >> 1) | (l4 << 63), (l4 >> 1) | (l5 << 63), l5 >> 1)
        }

        /// R³ mod p in Montgomery form's raw limbs (mont(R², R²) = R³), for `inverse`.
        static let rCubed: Fp = rSquared * rSquared

        static let pMinus2: [UInt64] = [0xb9fe_ffff_ffff_aaa9, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624, 0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a]
        /// (p + 1)/4: p ≡ 3 (mod 4), so a square a has the roots ±a^((p+1)/4).
        static let pPlus1Over4: [UInt64] = [0xee7f_bfff_ffff_eaab, 0x07aa_ffff_ac54_ffff, 0xd9cc_34a8_3dac_3d89, 0xd91d_d2e1_3ce1_44af, 0x92c6_e9ed_90d2_eb35, 0x0680_447a_8e5f_f9a6]
        /// (p − 1)/2, for Euler's criterion and the "sign" of an element.
        static let pMinus1Over2: [UInt64] = [0xdcff_7fff_ffff_d555, 0x0f55_ffff_58a9_ffff, 0xb398_6950_7b58_7b12, 0xb23b_a5c2_79c2_895f, 0x258d_d3db_21a5_d66b, 0x0d00_88f5_1cbf_f34d]

        /// A square root, nil when `self` is not a square.
        func squareRoot() -> Fp? {
            let root = power(Fp.pPlus1Over4)
            return root.squared() == self ? root : nil
        }

        // MARK: Conversions

        /// A small constant.
        init(_ value: UInt64) {
            self = Fp(limbs: value, 0, 0, 0, 0, 0) * Fp.rSquared
        }

        /// The element with canonical value given as 48 big-endian bytes at `offset` of `bytes`
        /// (zeros past the end), nil when the value is ≥ p.
        init?(bigEndian bytes: [UInt8], at offset: Int = 0) {
            /// The big-endian 64-bit word at byte `start` (zeros past the end of `bytes`).
            func word(_ start: Int) -> UInt64 {
                var w: UInt64 = 0
                for i in start..<(start + 8) {
                    w = (w << 8) | ((i >= 0 && i < bytes.count) ? UInt64(bytes[i]) : 0)
                }
                return w
            }
            let v = Fp(limbs: word(offset + 40), word(offset + 32), word(offset + 24),
                       word(offset + 16), word(offset + 8), word(offset))
            guard v.isBelowModulus else { return nil }
            self = v * Fp.rSquared
        }

        /// From a hex string of at most 96 digits (used for constants); nil if not valid or ≥ p.
        init?(hex: String) {
            let digits = hex.hasPrefix("0x") ? String(hex.dropFirst(2)) : hex
            guard digits.count <= 96, let bytes = try? Hex.decode(String(repeating: "0", count: 96 - digits.count) + digits) else { return nil }
            self.init(bigEndian: bytes)
        }

        /// The canonical value's raw limbs.
        var canonicalLimbs: Fp { self * Fp(limbs: 1, 0, 0, 0, 0, 0) }

        /// The canonical value as 48 big-endian bytes.
        var bigEndianBytes: [UInt8] {
            let c = canonicalLimbs
            var out = [UInt8]()
            out.reserveCapacity(48)
            for limb in [c.l5, c.l4, c.l3, c.l2, c.l1, c.l0] {
                for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: limb >> UInt64(shift))) }
            }
            return out
        }

        /// Whether the canonical value is > (p − 1)/2 (the "lexicographically largest" of ±y in
        /// the ZCash point compression used by EIP-4844).
        var isLexicographicallyLargest: Bool {
            let c = canonicalLimbs
            let h = Fp.halfModulus
            let a = [c.l5, c.l4, c.l3, c.l2, c.l1, c.l0], b = [h.l5, h.l4, h.l3, h.l2, h.l1, h.l0]
            for i in 0..<6 where a[i] != b[i] { return a[i] > b[i] }
            return false
        }

        /// (p − 1)/2 as raw limbs.
        static let halfModulus = Fp(limbs: 0xdcff_7fff_ffff_d555, 0x0f55_ffff_58a9_ffff, 0xb398_6950_7b58_7b12, 0xb23b_a5c2_79c2_895f, 0x258d_d3db_21a5_d66b, 0x0d00_88f5_1cbf_f34d)

        /// The sgn0 of RFC 9380 §4.1: the parity of the canonical value.
        var sgn0: Bool { canonicalLimbs.l0 & 1 == 1 }
    }
}

extension BLS12381.Fp: CustomStringConvertible {
    var description: String { "0x" + Hex.encode(bigEndianBytes) }
}
