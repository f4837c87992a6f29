import EVMCore

/// A short Weierstrass curve y² = x³ + b (a = 0) over `Field`.
protocol ShortWeierstrassCurve: Sendable {
    associatedtype Field: FieldArithmetic
    static var b: Field { get }
}

/// A point of `Curve` in Jacobian coordinates: (X, Y, Z) stands for the affine point
/// (X/Z², Y/Z³); Z = 0 is the point at infinity. Doubling and addition follow the
/// Explicit-Formulas Database entries for a = 0: "dbl-2009-l" and "add-2007-bl" (Bernstein–Lange).
struct JacobianPoint<Curve: ShortWeierstrassCurve>: Sendable {
    typealias Field = Curve.Field
    var x: Field
    var y: Field
    var z: Field

    static var infinity: JacobianPoint { JacobianPoint(x: .one, y: .one, z: .zero) }

    init(x: Field, y: Field, z: Field) {
        self.x = x; self.y = y; self.z = z
    }

    /// The affine point (x, y); not checked to be on the curve.
    init(affineX: Field, affineY: Field) {
        self.init(x: affineX, y: affineY, z: .one)
    }

    var isInfinity: Bool { z.isZero }

    /// Whether the affine point (x, y) satisfies y² = x³ + b.
    static func isOnCurve(x: Field, y: Field) -> Bool {
        y.squared() == x.squared() * x + Curve.b
    }

    /// Whether this point is on the curve (infinity counts): Y² = X³ + b·Z⁶.
    var isOnCurve: Bool {
        if isInfinity { return true }
        let z2 = z.squared()
        let z6 = z2.squared() * z2
        return y.squared() == x.squared() * x + Curve.b * z6
    }

    /// The affine coordinates, nil for infinity.
    var affine: (x: Field, y: Field)? {
        guard let zInv = z.inverse() else { return nil }
        let zInv2 = zInv.squared()
        return (x * zInv2, y * zInv2 * zInv)
    }

    var negated: JacobianPoint { JacobianPoint(x: x, y: -y, z: z) }

    /// 2·P, "dbl-2009-l".
    func doubled() -> JacobianPoint {
        if isInfinity || y.isZero { return .infinity }
        let a = x.squared()
        let b = y.squared()
        let c = b.squared()
        let d = ((x + b).squared() - a - c).doubled()
        let e = a.doubled() + a
        let f = e.squared()
        let x3 = f - d.doubled()
        let y3 = e * (d - x3) - c.doubled().doubled().doubled()
        let z3 = (y * z).doubled()
        return JacobianPoint(x: x3, y: y3, z: z3)
    }

    /// P + Q, "add-2007-bl", falling back to doubling when P = Q.
    static func + (p: JacobianPoint, q: JacobianPoint) -> JacobianPoint {
        if p.isInfinity { return q }
        if q.isInfinity { return p }
        let z1z1 = p.z.squared()
        let z2z2 = q.z.squared()
        let u1 = p.x * z2z2
        let u2 = q.x * z1z1
        let s1 = p.y * q.z * z2z2
        let s2 = q.y * p.z * z1z1
        let h = u2 - u1
        let rr = (s2 - s1).doubled()
        if h.isZero {
            return rr.isZero ? p.doubled() : .infinity
        }
        let i = h.doubled().squared()
        let j = h * i
        let v = u1 * i
        let x3 = rr.squared() - j - v.doubled()
        let y3 = rr * (v - x3) - (s1 * j).doubled()
        let z3 = ((p.z + q.z).squared() - z1z1 - z2z2) * h
        return JacobianPoint(x: x3, y: y3, z: z3)
    }

    static prefix func - (p: JacobianPoint) -> JacobianPoint { p.negated }

    static func - (p: JacobianPoint, q: JacobianPoint) -> JacobianPoint { p + q.negated }

    /// k·P by double-and-add over the bits of k, most significant first.
    func multiplied(by k: UInt256) -> JacobianPoint {
        var result = JacobianPoint.infinity
        let width = k.bitWidth
        var bit = width - 1
        while bit >= 0 {
            result = result.doubled()
            if (k[limb: bit >> 6] >> UInt64(bit & 63)) & 1 == 1 { result = result + self }
            bit -= 1
        }
        return result
    }
}

extension JacobianPoint: Equatable {
    /// Equality of the points represented, whatever their Z.
    static func == (p: JacobianPoint, q: JacobianPoint) -> Bool {
        if p.isInfinity || q.isInfinity { return p.isInfinity && q.isInfinity }
        let z1z1 = p.z.squared(), z2z2 = q.z.squared()
        return p.x * z2z2 == q.x * z1z1 && p.y * q.z * z2z2 == q.y * p.z * z1z1
    }
}
