/// What the curve formulas need from a field: ring operations and inversion.
/// Implemented by each prime field (`PrimeField`) and the extension fields of the tower
/// (`TowerFp2`, `TowerFp6`, `TowerFp12`).
protocol FieldArithmetic: Equatable, Sendable {
    static var zero: Self { get }
    static var one: Self { get }
    var isZero: Bool { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    func squared() -> Self
    func doubled() -> Self
    /// The multiplicative inverse, nil for zero.
    func inverse() -> Self?
}

extension FieldArithmetic {
    /// `self` raised to the power whose bits are `exponent` (64-bit words, least significant first).
    func power(_ exponent: [UInt64]) -> Self {
        var result = Self.one
        for word in exponent.reversed() {
            for bit in stride(from: 63, through: 0, by: -1) {
                result = result.squared()
                if (word >> UInt64(bit)) & 1 == 1 { result = result * self }
            }
        }
        return result
    }
}
