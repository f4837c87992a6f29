import EVMCore

extension BN254 {
    /// An element of the base field Fp, held in Montgomery form a·R mod p with R = 2^256, as four
    /// 64-bit limbs (least significant first). Multiplication is Montgomery's CIOS method
    /// (Koç, Acar, Kaliski, "Analyzing and Comparing Montgomery Multiplication Algorithms", 1996).
    /// Every stored value is fully reduced (< p), so equality is limb equality.
    struct Fp: FieldArithmetic, Hashable {
        /// a·R mod p.
        var montgomery: UInt256

        private init(montgomery: UInt256) { self.montgomery = montgomery }

        static let modulus = BN254.p

        /// -p⁻¹ mod 2^64, by Newton's iteration for the inverse modulo a power of two.
        static let inverseNegModulus: UInt64 = {
            let p0 = BN254.p.w0
            var inv: UInt64 = 1
            for _ in 0..<6 { inv = inv &* (2 &- p0 &* inv) }   // each step doubles the correct low bits
            return 0 &- inv
        }()

        /// R mod p = 2^256 − k·p.
        static let rModP: UInt256 = {
            var v = UInt256.zero &- BN254.p   // 2^256 − p
            while !(v < BN254.p) { v = v &- BN254.p }
            return v
        }()

        /// R² mod p, by doubling R mod p 256 times.
        static let rSquaredModP: UInt256 = {
            var v = rModP
            for _ in 0..<256 { v = addModP(v, v) }
            return v
        }()

        static let zero = Fp(montgomery: .zero)
        static let one = Fp(montgomery: rModP)

        /// The element with canonical value `value`, or nil when `value` ≥ p.
        init?(canonical value: UInt256) {
            guard value < BN254.p else { return nil }
            self.init(montgomery: Fp.montgomeryProduct(value, Fp.rSquaredModP))
        }

        /// A small constant.
        init(_ value: UInt64) {
            self.init(montgomery: Fp.montgomeryProduct(UInt256(value), Fp.rSquaredModP))
        }

        /// The canonical value in [0, p).
        var canonical: UInt256 { Fp.montgomeryProduct(montgomery, .one) }

        var isZero: Bool { montgomery.isZero }

        // MARK: Arithmetic

        /// (a + b) mod p for a, b < p. p < 2^254, so a + b never carries out of 256 bits.
        @inline(__always)
        static func addModP(_ a: UInt256, _ b: UInt256) -> UInt256 {
            let s = a &+ b
            return s < BN254.p ? s : s &- BN254.p
        }

        static func + (a: Fp, b: Fp) -> Fp { Fp(montgomery: addModP(a.montgomery, b.montgomery)) }

        static func - (a: Fp, b: Fp) -> Fp {
            let d = a.montgomery &- b.montgomery
            return Fp(montgomery: a.montgomery < b.montgomery ? d &+ BN254.p : d)
        }

        static prefix func - (a: Fp) -> Fp { a.isZero ? a : Fp(montgomery: BN254.p &- a.montgomery) }

        static func * (a: Fp, b: Fp) -> Fp { Fp(montgomery: montgomeryProduct(a.montgomery, b.montgomery)) }

        func squared() -> Fp { self * self }

        func doubled() -> Fp { self + self }

        /// Fermat: a^(p−2).
        func inverse() -> Fp? {
            guard !isZero else { return nil }
            let e = BN254.p &- UInt256(2)
            return power([e.w0, e.w1, e.w2, e.w3])
        }

        /// a + b·c + carry as a 128-bit (low, high) pair; cannot overflow.
        @inline(__always)
        private static func mac(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
            let (hi, lo) = b.multipliedFullWidth(by: c)
            let (s1, o1) = lo.addingReportingOverflow(a)
            let (s2, o2) = s1.addingReportingOverflow(carry)
            return (s2, hi &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0))
        }

        /// a·b·R⁻¹ mod p for a, b < p (CIOS, four limbs). The running total stays below 2p < 2^255.
        static func montgomeryProduct(_ a: UInt256, _ b: UInt256) -> UInt256 {
            let p = BN254.p
            let n0 = inverseNegModulus
            var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0, t4: UInt64 = 0
            for i in 0..<4 {
                let bi = b[limb: i]
                var c: UInt64
                (t0, c) = mac(t0, a.w0, bi, 0)
                (t1, c) = mac(t1, a.w1, bi, c)
                (t2, c) = mac(t2, a.w2, bi, c)
                (t3, c) = mac(t3, a.w3, bi, c)
                let (s4, o4) = t4.addingReportingOverflow(c)
                let t5: UInt64 = o4 ? 1 : 0
                // Add m·p so the low limb becomes zero, then shift one limb right.
                let m = t0 &* n0
                (_, c) = mac(t0, m, p.w0, 0)
                (t0, c) = mac(t1, m, p.w1, c)
                (t1, c) = mac(t2, m, p.w2, c)
                (t2, c) = mac(t3, m, p.w3, c)
                let (s3, o3) = s4.addingReportingOverflow(c)
                t3 = s3
                t4 = t5 &+ (o3 ? 1 : 0)
            }
            let t = UInt256(w0: t0, w1: t1, w2: t2, w3: t3)
            return (t4 != 0 || !(t < p)) ? t &- p : t
        }
    }
}

extension BN254.Fp: CustomStringConvertible {
    var description: String { canonical.hexString }
}
