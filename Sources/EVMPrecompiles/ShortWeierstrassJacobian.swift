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

    /// P + Q, "add-2007-bl", falling back to doubling when P = Q. When either operand has Z = 1
    /// (decoded input points, the common case in MSM buckets) the mixed formula "madd-2007-bl"
    /// is used instead, which saves four multiplications and a squaring.
    static func + (p: JacobianPoint, q: JacobianPoint) -> JacobianPoint {
        if p.isInfinity { return q }
        if q.isInfinity { return p }
        if q.z == .one { return p.addingAffine(x: q.x, y: q.y) }
        if p.z == .one { return q.addingAffine(x: p.x, y: p.y) }
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

    /// self + (x, y) for an affine point (x, y) (Z₂ = 1), "madd-2007-bl"; self must not be
    /// infinity. Falls back to doubling when the points are equal and gives infinity when they
    /// are opposite.
    func addingAffine(x x2: Field, y y2: Field) -> JacobianPoint {
        let z1z1 = z.squared()
        let u2 = x2 * z1z1
        let s2 = y2 * z * z1z1
        let h = u2 - x
        let rr = (s2 - y).doubled()
        if h.isZero {
            return rr.isZero ? doubled() : .infinity
        }
        let hh = h.squared()
        let i = hh.doubled().doubled()
        let j = h * i
        let v = x * i
        let x3 = rr.squared() - j - v.doubled()
        let y3 = rr * (v - x3) - (y * j).doubled()
        let z3 = (z + h).squared() - z1z1 - hh
        return JacobianPoint(x: x3, y: y3, z: z3)
    }

    static prefix func - (p: JacobianPoint) -> JacobianPoint { p.negated }

    static func - (p: JacobianPoint, q: JacobianPoint) -> JacobianPoint { p + q.negated }

    /// k·P with a fixed 4-bit window (most significant window first): the multiples 0·P…15·P
    /// are precomputed, then each window costs four doublings and at most one addition. Any
    /// 256-bit k is accepted (no reduction modulo the group order); 0·P and k·O are infinity.
    func multiplied(by k: UInt256) -> JacobianPoint {
        if isInfinity || k.isZero { return .infinity }
        var table = [JacobianPoint](repeating: .infinity, count: 16)
        table[1] = self
        for i in 2..<16 { table[i] = (i & 1 == 0) ? table[i / 2].doubled() : table[i - 1] + self }
        var result = JacobianPoint.infinity
        var window = 63
        while window >= 0 {
            result = result.doubled().doubled().doubled().doubled()
            let digit = Int((k[limb: window >> 4] >> UInt64((window & 15) * 4)) & 0xf)
            if digit != 0 { result = result + table[digit] }
            window -= 1
        }
        return result
    }

    /// Σ kᵢ·Pᵢ by Pippenger's bucket method (as described in Bernstein, Doumen, Lange, Oosterwijk,
    /// "Faster batch forgery identification", 2012, §4): the 256-bit scalars are cut into
    /// c-bit windows; per window every point is added once into the bucket of its digit, and the
    /// buckets are summed by the running-sum trick (Σ j·B_j with 2·2^c additions). Windows are
    /// combined most significant first with c doublings each. For few pairs, where the bucket
    /// sums cost more than they save, it is the sum of windowed multiplications instead
    /// (`pippengerWindow` decides). The result equals Σ Pᵢ.multiplied(by: kᵢ) for any scalars
    /// (tested on both paths).
    static func multiScalarMultiplication(_ pairs: [(point: JacobianPoint, scalar: UInt256)]) -> JacobianPoint {
        guard let c = pippengerWindow(count: pairs.count) else {
            return pairs.reduce(JacobianPoint.infinity) { $0 + $1.point.multiplied(by: $1.scalar) }
        }
        let windows = (256 + c - 1) / c
        let mask = (UInt64(1) << UInt64(c)) - 1
        var result = JacobianPoint.infinity
        var buckets = [JacobianPoint](repeating: .infinity, count: 1 << c)
        var window = windows - 1
        while window >= 0 {
            for _ in 0..<c { result = result.doubled() }
            for j in 0..<buckets.count { buckets[j] = .infinity }
            let shift = window * c
            for (point, scalar) in pairs where !point.isInfinity {
                let digit = Int(scalar.bits(from: shift, count: c) & mask)
                if digit != 0 { buckets[digit] = buckets[digit] + point }
            }
            // Σ j·B_j = Σ_{j} (B_{2^c−1} + … + B_j), accumulated from the top bucket down.
            var running = JacobianPoint.infinity
            var windowSum = JacobianPoint.infinity
            var j = buckets.count - 1
            while j >= 1 {
                running = running + buckets[j]
                windowSum = windowSum + running
                j -= 1
            }
            result = result + windowSum
            window -= 1
        }
        return result
    }

    /// The Pippenger window width (1…16 bits) for n pairs, or nil when n separate windowed
    /// multiplications are cheaper. Estimated group operations: Pippenger with width c costs
    /// 256 doublings + ⌈256/c⌉·(n + 2^(c+1)) additions; one windowed multiplication costs
    /// 256 doublings + 64 additions + 14 for its table, i.e. 334·n for the separate sum.
    static func pippengerWindow(count n: Int) -> Int? {
        var best = 1, bestCost = Int.max
        for c in 1...16 {
            let cost = 256 + ((256 + c - 1) / c) * (n + (1 << (c + 1)))
            if cost < bestCost { best = c; bestCost = cost }
        }
        return bestCost < 334 * n ? best : nil
    }
}

extension UInt256 {
    /// Bits [from, from + count) as an integer (count ≤ 64); bits past 255 read as zero.
    func bits(from start: Int, count: Int) -> UInt64 {
        guard start < 256, count > 0 else { return 0 }
        let limb = start >> 6, offset = UInt64(start & 63)
        var value = self[limb: limb] >> offset
        if offset != 0, limb < 3, Int(64 - offset) < count { value |= self[limb: limb + 1] << (64 - offset) }
        return count >= 64 ? value : value & ((UInt64(1) << UInt64(count)) - 1)
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
