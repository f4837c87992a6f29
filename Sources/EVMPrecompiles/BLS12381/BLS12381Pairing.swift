import EVMCore

extension BLS12381 {
    /// The optimal-ate pairing e: G1 × G2 → GT ⊂ Fp12* for BLS12 curves (Vercauteren, "Optimal
    /// pairings", 2010): the Miller loop f_{x,Q}(P) over the bits of |x|, conjugated because x < 0,
    /// then the final exponentiation. Lines are evaluated from Jacobian coordinates and scaled by
    /// factors in proper subfields of Fp12, which the final exponentiation maps to 1; vertical
    /// lines are left out for the same reason.
    enum OptimalAte {
        /// A line value l₀ + l₂·w² + l₃·w³ ∈ Fp12 (the other coefficients are zero).
        struct Line: Equatable {
            var l0: Fp2
            var l2: Fp2
            var l3: Fp2

            var asFp12: Fp12 { Fp12(Fp6(l0, l2, .zero), Fp6(.zero, l3, .zero)) }

            init(l0: Fp2, l2: Fp2, l3: Fp2) { self.l0 = l0; self.l2 = l2; self.l3 = l3 }

            /// The M-type placement of a twist line: l0 = constant, l2 = xTerm, l3 = yTerm.
            init(_ line: TwistLine<Tower>) { self.init(l0: line.constant, l2: line.xTerm, l3: line.yTerm) }
        }

        /// e(P, Q).
        static func pairing(_ p: G1, _ q: G2) -> Fp12 {
            finalExponentiation(millerLoop(p, q))
        }

        /// Whether ∏ e(Pᵢ, Qᵢ) = 1, sharing one Miller loop and one final exponentiation.
        static func productIsOne(_ pairs: [(G1, G2)]) -> Bool {
            finalExponentiation(millerLoop(pairs)) == .one
        }

        /// f_{x,Q}(P) = conj(f_{|x|,Q}(P)) up to factors the final exponentiation removes; 1 when
        /// P or Q is infinity.
        static func millerLoop(_ p: G1, _ q: G2) -> Fp12 { millerLoop([(p, q)]) }

        /// ∏ f_{x,Qᵢ}(Pᵢ) by one loop over the bits of |x| that squares the accumulator once per
        /// bit for all pairs (a multi-Miller loop): pairs with a point at infinity contribute 1
        /// and are skipped. Equals the product of the single-pair loops (tested).
        static func millerLoop(_ pairs: [(G1, G2)]) -> Fp12 {
            var ps: [(x: Fp, y: Fp)] = [], qs: [(x: Fp2, y: Fp2)] = [], ts: [G2] = []
            for (p, q) in pairs {
                guard let pa = p.affine, let qa = q.affine else { continue }
                ps.append(pa); qs.append(qa); ts.append(G2(affineX: qa.x, affineY: qa.y))
            }
            var f = Fp12.one
            if ts.isEmpty { return f }
            let loop = BLS12381.xAbs
            var bit = 63 - loop.leadingZeroBitCount - 1
            while bit >= 0 {
                f = f.squared()
                for i in ts.indices {
                    f = f.multiplied(by: doublingLine(ts[i], xP: ps[i].x, yP: ps[i].y))
                    ts[i] = ts[i].doubled()
                }
                if (loop >> UInt64(bit)) & 1 == 1 {
                    for i in ts.indices {
                        f = f.multiplied(by: additionLine(ts[i], xQ: qs[i].x, yQ: qs[i].y, xP: ps[i].x, yP: ps[i].y))
                        ts[i] = ts[i] + G2(affineX: qs[i].x, affineY: qs[i].y)
                    }
                }
                bit -= 1
            }
            return f.conjugate
        }

        /// Tangent at T evaluated at P through the M-type untwisting ψ(x, y) = (x·w⁻², y·w⁻³),
        /// times w³ (`TwistLine.tangent`, M-type placement); nil (a factor of 1) when the tangent
        /// is vertical.
        static func doublingLine(_ t: G2, xP: Fp, yP: Fp) -> Line? {
            TwistLine.tangent(x: t.x, y: t.y, z: t.z, xP: xP, yP: yP).map(Line.init)
        }

        /// Line through T and Q = (xQ, yQ) evaluated at P (`TwistLine.chord`, M-type placement);
        /// T = Q falls back to the tangent, a vertical line is nil.
        static func additionLine(_ t: G2, xQ: Fp2, yQ: Fp2, xP: Fp, yP: Fp) -> Line? {
            TwistLine.chord(x: t.x, y: t.y, z: t.z, xQ: xQ, yQ: yQ, xP: xP, yP: yP).map(Line.init)
        }

        /// f^((p¹² − 1)/r) up to a cube: the easy part (p⁶ − 1)(p² + 1) by Frobenius maps, then the
        /// hard part through 3·(p⁴ − p² + 1)/r = (x − 1)²·(x + p)·(x² + p² − 1) + 3 (Hayashida,
        /// Hayasaka, Teruya, "Efficient Final Exponentiation via Cyclotomic Structure for Pairings
        /// over Families of Elliptic Curves", 2020). The extra power 3 is coprime to r, so the
        /// result is still a non-degenerate bilinear pairing and is 1 exactly when the true
        /// pairing value is.
        static func finalExponentiation(_ f: Fp12) -> Fp12 {
            guard let m = easyPart(f) else { return .zero }
            return hardPart(m)
        }

        /// f^((p⁶ − 1)(p² + 1)) (`TowerFp12.finalExponentiationEasyPart`); nil for f = 0.
        static func easyPart(_ f: Fp12) -> Fp12? { f.finalExponentiationEasyPart() }

        /// m^x for m in the cyclotomic subgroup: conj(m^|x|), as x < 0 (cyclotomic squarings).
        static func powerX(_ m: Fp12) -> Fp12 { m.cyclotomicPower(BLS12381.xAbs).conjugate }

        /// m^(3·(p⁴ − p² + 1)/r) for m in the cyclotomic subgroup.
        static func hardPart(_ m: Fp12) -> Fp12 {
            let a = powerX(m) * m.conjugate                  // m^(x − 1)
            let b = powerX(a) * a.conjugate                  // m^((x − 1)²)
            let c = powerX(b) * b.frobenius()                // ·(x + p)
            let d = powerX(powerX(c)) * c.frobenius(2) * c.conjugate   // ·(x² + p² − 1)
            return d * m.squared() * m                       // + 3
        }
    }
}

extension TowerFp12 where P == BLS12381.Tower {
    /// Multiplication by a line value l0 + l2·w² + l3·w³ (the M-type twist's shape); a nil line
    /// stands for 1.
    func multiplied(by line: BLS12381.OptimalAte.Line?) -> TowerFp12 {
        guard let line else { return self }
        return multiplied(w0: line.l0, w2: line.l2, w3: line.l3)
    }
}
