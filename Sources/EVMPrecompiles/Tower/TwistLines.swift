/// The line functions of the Miller loop, shared by BN254 (D-type twist) and BLS12-381 (M-type
/// twist). A line through points of the twist E'(Fp2), evaluated at P = (xP, yP) ∈ E(Fp) and
/// scaled by factors in proper subfields of Fp12 (which the final exponentiation maps to 1),
/// has three Fp2 coefficients: one free of P, one times xP, one times yP. Where they sit among
/// the powers of w depends on the twist: D-type l0 = yTerm, l1 = xTerm, l3 = constant (BN254);
/// M-type l0 = constant, l2 = xTerm, l3 = yTerm (BLS12-381). Vertical lines are left out (nil),
/// as the final exponentiation removes them too.
struct TwistLine<P: TowerParameters>: Equatable {
    /// The coefficient free of P.
    var constant: TowerFp2<P>
    /// The coefficient carrying xP (already multiplied by it).
    var xTerm: TowerFp2<P>
    /// The coefficient carrying yP (already multiplied by it).
    var yTerm: TowerFp2<P>

    /// Tangent at T = (X, Y, Z) (Jacobian): with λ = 3X²/(2YZ) the affine line
    /// y − λx + (λ·x_T − y_T), times 2YZ³: constant 3X³ − 2Y², xTerm −3X²Z²·xP, yTerm 2YZ³·yP.
    /// Nil (a factor of 1) when T is infinity or the tangent is vertical (Y = 0).
    static func tangent(x: TowerFp2<P>, y: TowerFp2<P>, z: TowerFp2<P>, xP: P.Base, yP: P.Base) -> TwistLine? {
        if z.isZero || y.isZero { return nil }
        let z2 = z.squared()
        let x2 = x.squared()
        let y2 = y.squared()
        let threeX2 = x2.doubled() + x2
        return TwistLine(constant: threeX2 * x - y2.doubled(),
                         xTerm: -(threeX2 * z2).scaled(by: xP),
                         yTerm: (y * z2 * z).doubled().scaled(by: yP))
    }

    /// Line through T = (X, Y, Z) and the affine Q = (xQ, yQ): with N = yQ·Z³ − Y and
    /// D = (xQ·Z² − X)·Z (so λ = N/D): constant N·xQ − D·yQ, xTerm −N·xP, yTerm D·yP.
    /// T = Q falls back to the tangent; T = −Q or T = O give a vertical line (nil).
    static func chord(x: TowerFp2<P>, y: TowerFp2<P>, z: TowerFp2<P>, xQ: TowerFp2<P>, yQ: TowerFp2<P>,
                      xP: P.Base, yP: P.Base) -> TwistLine? {
        if z.isZero { return nil }
        let z2 = z.squared()
        let n = yQ * z2 * z - y
        let d = (xQ * z2 - x) * z
        if d.isZero {
            return n.isZero ? tangent(x: x, y: y, z: z, xP: xP, yP: yP) : nil
        }
        return TwistLine(constant: n * xQ - d * yQ, xTerm: -(n.scaled(by: xP)), yTerm: d.scaled(by: yP))
    }
}

extension TowerFp12 {
    /// f^((p⁶ − 1)(p² + 1)), the "easy part" of the final exponentiation (p¹² − 1)/r: the p⁶-power
    /// Frobenius is the conjugate, the p²-power two Frobenius maps. The result lies in the
    /// cyclotomic subgroup, where the inverse is the conjugate. Nil for f = 0.
    func finalExponentiationEasyPart() -> TowerFp12? {
        guard let fInverse = inverse() else { return nil }
        let f1 = conjugate * fInverse          // f^(p⁶ − 1)
        return f1.frobenius(2) * f1            // ^(p² + 1)
    }
}
