import BigInt
import EVMCore

extension BN254 {
    /// The optimal-ate pairing e: G1 × G2 → GT ⊂ Fp12* (Vercauteren, "Optimal pairings", 2010;
    /// the BN form with 6x + 2 and two Frobenius lines as in Beuchat et al., "High-Speed Software
    /// Implementation of the Optimal Ate Pairing over Barreto–Naehrig Curves", 2010, Algorithm 1).
    /// Lines are evaluated from Jacobian coordinates and scaled by factors in Fp2 and Fp6, which
    /// the final exponentiation maps to 1; vertical lines are left out for the same reason.
    enum OptimalAte {
        /// A line function value l₀ + l₁·w + l₃·w³ ∈ Fp12 (the other three coefficients are zero).
        struct Line: Equatable {
            var l0: Fp2
            var l1: Fp2
            var l3: Fp2

            var asFp12: Fp12 { Fp12(Fp6(l0, .zero, .zero), Fp6(l1, l3, .zero)) }

            init(l0: Fp2, l1: Fp2, l3: Fp2) { self.l0 = l0; self.l1 = l1; self.l3 = l3 }

            /// The D-type placement of a twist line: l0 = yTerm, l1 = xTerm, l3 = constant.
            init(_ line: TwistLine<Tower>) { self.init(l0: line.yTerm, l1: line.xTerm, l3: line.constant) }
        }

        /// e(P, Q).
        static func pairing(_ p: G1, _ q: G2) -> Fp12 {
            finalExponentiation(millerLoop(p, q))
        }

        /// Whether ∏ e(Pᵢ, Qᵢ) = 1, sharing one final exponentiation.
        static func productIsOne(_ pairs: [(G1, G2)]) -> Bool {
            var f = Fp12.one
            for (p, q) in pairs where !p.isInfinity && !q.isInfinity {
                f = f * millerLoop(p, q)
            }
            return finalExponentiation(f) == .one
        }

        /// f_{6x+2,Q}(P) · l_{T,π(Q)}(P) · l_{T+π(Q),−π²(Q)}(P); 1 when P or Q is infinity.
        static func millerLoop(_ p: G1, _ q: G2) -> Fp12 {
            guard let (xP, yP) = p.affine, let (xQ, yQ) = q.affine else { return .one }
            let qPoint = G2(affineX: xQ, affineY: yQ)
            var t = qPoint
            var f = Fp12.one
            let loop = ateLoopCount
            var bit = loop.bitWidth - 2
            while bit >= 0 {
                f = f.squared().multiplied(by: doublingLine(t, xP: xP, yP: yP))
                t = t.doubled()
                if (loop[limb: bit >> 6] >> UInt64(bit & 63)) & 1 == 1 {
                    f = f.multiplied(by: additionLine(t, xQ: xQ, yQ: yQ, xP: xP, yP: yP))
                    t = t + qPoint
                }
                bit -= 1
            }
            let q1 = twistFrobenius(x: xQ, y: yQ)
            let q2pos = twistFrobenius(x: q1.x, y: q1.y)
            let q2 = (x: q2pos.x, y: -q2pos.y)
            f = f.multiplied(by: additionLine(t, xQ: q1.x, yQ: q1.y, xP: xP, yP: yP))
            t = t + G2(affineX: q1.x, affineY: q1.y)
            f = f.multiplied(by: additionLine(t, xQ: q2.x, yQ: q2.y, xP: xP, yP: yP))
            return f
        }

        /// Tangent at T evaluated at P, untwisted by ψ(x, y) = (x w², y w³) (`TwistLine.tangent`,
        /// D-type placement); nil (a factor of 1) when the tangent is vertical.
        static func doublingLine(_ t: G2, xP: Fp, yP: Fp) -> Line? {
            TwistLine.tangent(x: t.x, y: t.y, z: t.z, xP: xP, yP: yP).map(Line.init)
        }

        /// Line through T and Q = (xQ, yQ) evaluated at P (`TwistLine.chord`, D-type placement);
        /// T = Q falls back to the tangent, a vertical line is nil.
        static func additionLine(_ t: G2, xQ: Fp2, yQ: Fp2, xP: Fp, yP: Fp) -> Line? {
            TwistLine.chord(x: t.x, y: t.y, z: t.z, xQ: xQ, yQ: yQ, xP: xP, yP: yP).map(Line.init)
        }

        /// (p¹² − 1)/r = (p⁶ − 1)(p² + 1) · (p⁴ − p² + 1)/r: the first two factors by Frobenius
        /// maps (the "easy part"), the last (the "hard part") by the BN addition chain in the
        /// parameter x of Scott, Benger, Charlemagne, Dominguez Perez, Kachisa, "On the Final
        /// Exponentiation for Calculating Pairings on Ordinary Elliptic Curves" (2009), §5.
        static func finalExponentiation(_ f: Fp12) -> Fp12 {
            guard let m = easyPart(f) else { return .zero }
            return hardPart(m)
        }

        /// f^((p⁶ − 1)(p² + 1)) (`TowerFp12.finalExponentiationEasyPart`); nil for f = 0.
        static func easyPart(_ f: Fp12) -> Fp12? { f.finalExponentiationEasyPart() }

        /// m^((p⁴ − p² + 1)/r) for m in the cyclotomic subgroup, writing the exponent as
        /// λ₀ + λ₁p + λ₂p² + λ₃p³ with λᵢ polynomials in x and sharing m^x, m^(x²), m^(x³):
        /// y0 = m^(p+p²+p³), y1 = 1/m, y2 = (m^(x²))^(p²), y3 = 1/(m^x)^p, y4 = 1/(m^x·(m^(x²))^p),
        /// y5 = 1/m^(x²), y6 = 1/(m^(x³)·(m^(x³))^p), result y0·y1²·y2⁶·y3¹²·y4¹²·y5¹⁸·y6³⁰
        /// evaluated with the paper's vectorial addition chain; m^x by cyclotomic squarings (Granger–Scott).
        static func hardPart(_ m: Fp12) -> Fp12 {
            let mp = m.frobenius()
            let mp2 = m.frobenius(2)
            let mp3 = mp2.frobenius()
            let mx = m.cyclotomicPower(BN254.x)      // powers of m stay in the cyclotomic subgroup
            let mx2 = mx.cyclotomicPower(BN254.x)
            let mx3 = mx2.cyclotomicPower(BN254.x)
            let y0 = mp * mp2 * mp3
            let y1 = m.conjugate
            let y2 = mx2.frobenius(2)
            let y3 = mx.frobenius().conjugate
            let y4 = (mx * mx2.frobenius()).conjugate
            let y5 = mx2.conjugate
            let y6 = (mx3 * mx3.frobenius()).conjugate
            var t0 = y6.squared() * y4 * y5
            var t1 = y3 * y5 * t0
            t0 = t0 * y2
            t1 = (t1.squared() * t0).squared()
            t0 = t1 * y1
            t1 = t1 * y0
            return t0.squared() * t1
        }

        /// The hard part by plain square-and-multiply with the exponent (p⁴ − p² + 1)/r: slow, kept
        /// as the reference the addition chain is tested against.
        static func hardPartBySquareAndMultiply(_ m: Fp12) -> Fp12 {
            m.power(hardPartExponent)
        }

        /// (p⁴ − p² + 1)/r as 64-bit words, least significant first.
        static let hardPartExponent: [UInt64] = {
            let p = BigUInt(words: [UInt(BN254.p.w0), UInt(BN254.p.w1), UInt(BN254.p.w2), UInt(BN254.p.w3)])
            let r = BigUInt(words: [UInt(BN254.r.w0), UInt(BN254.r.w1), UInt(BN254.r.w2), UInt(BN254.r.w3)])
            let p2 = p * p
            let e = (p2 * p2 - p2 + 1) / r
            return e.words.map { UInt64($0) }
        }()
    }
}

extension TowerFp12 where P == BN254.Tower {
    /// Multiplication by a line value l0 + l1·w + l3·w³ (the D-type twist's shape); a nil line
    /// stands for 1.
    func multiplied(by line: BN254.OptimalAte.Line?) -> TowerFp12 {
        guard let line else { return self }
        return multiplied(w0: line.l0, w1: line.l1, w3: line.l3)
    }
}
