import EVMCore

/// What the simplified SWU map needs beyond field arithmetic: square roots and sgn0.
protocol SSWUField: FieldArithmetic {
    func squareRoot() -> Self?
    var sgn0: Bool { get }
}

extension BLS12381.Fp: SSWUField {}
extension BLS12381.Fp2: SSWUField {}

extension BLS12381 {
    /// The field-to-curve maps of EIP-2537 (RFC 9380 §6.6.2 simplified SWU for AB ≠ 0 onto an
    /// isogenous curve E', §6.6.3 the isogeny back to E, §7 clear_cofactor by h_eff).
    enum MapToCurve {
        typealias K = HashToCurveConstants

        /// map_to_curve_simple_swu(u) on y² = x³ + A·x + B with non-square Z (RFC 9380 §6.6.2,
        /// straight-line form as in EIP-2537's field_to_curve.md).
        static func simplifiedSWU<F: SSWUField>(_ u: F, a: F, b: F, z: F) -> (x: F, y: F) {
            let zu2 = z * u.squared()
            let denominator = zu2.squared() + zu2                        // Z²u⁴ + Zu²
            let tv1 = denominator.inverse() ?? .zero                     // inv0
            let bOverA = b * (a.inverse() ?? .zero)
            let x1 = tv1.isZero ? b * ((z * a).inverse() ?? .zero) : -bOverA * (F.one + tv1)
            let gx1 = x1.squared() * x1 + a * x1 + b
            let x: F, y: F
            if let root = gx1.squareRoot() {
                (x, y) = (x1, root)
            } else {
                let x2 = zu2 * x1
                let gx2 = x2.squared() * x2 + a * x2 + b
                // Z is chosen so that exactly one of gx1, gx2 is square.
                (x, y) = (x2, gx2.squareRoot() ?? .zero)
            }
            return (x, u.sgn0 == y.sgn0 ? y : -y)
        }

        /// Σ cᵢ·xⁱ by Horner's rule.
        static func evaluate<F: FieldArithmetic>(_ coefficients: [F], at x: F) -> F {
            var acc = F.zero
            for c in coefficients.reversed() { acc = acc * x + c }
            return acc
        }

        /// iso_map (RFC 9380 §6.6.3): x = x_num/x_den, y = y'·y_num/y_den; a zero denominator
        /// gives the identity.
        static func isogeny<F: FieldArithmetic>(x: F, y: F, xNum: [F], xDen: [F], yNum: [F], yDen: [F]) -> (x: F, y: F)? {
            guard let xDenInverse = evaluate(xDen, at: x).inverse(),
                  let yDenInverse = evaluate(yDen, at: x).inverse() else { return nil }
            return (evaluate(xNum, at: x) * xDenInverse, y * evaluate(yNum, at: x) * yDenInverse)
        }

        /// map_to_curve for G1: SSWU onto E'₁, the 11-isogeny to E, then multiplication by h_eff.
        static func mapToG1(_ u: Fp) -> G1 {
            let (xp, yp) = simplifiedSWU(u, a: K.g1A, b: K.g1B, z: K.g1Z)
            guard let (x, y) = isogeny(x: xp, y: yp, xNum: K.g1XNumerator, xDen: K.g1XDenominator,
                                       yNum: K.g1YNumerator, yDen: K.g1YDenominator) else { return .infinity }
            return G1(affineX: x, affineY: y).multiplied(by: UInt256(K.g1CofactorMultiplier))
        }

        /// map_to_curve for G2: SSWU onto E'₂, the 3-isogeny to the twist, then clear_cofactor (multiplication by h_eff, computed
        /// with ψ as in RFC 9380 Appendix G.3).
        static func mapToG2(_ u: Fp2) -> G2 {
            let (xp, yp) = simplifiedSWU(u, a: K.g2A, b: K.g2B, z: K.g2Z)
            guard let (x, y) = isogeny(x: xp, y: yp, xNum: K.g2XNumerator, xDen: K.g2XDenominator,
                                       yNum: K.g2YNumerator, yDen: K.g2YDenominator) else { return .infinity }
            return clearCofactorG2(G2(affineX: x, affineY: y))
        }
    }
}
