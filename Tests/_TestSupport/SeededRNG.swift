import EVMCore

/// SplitMix64: a tiny, fast, seedable generator. Every random test takes one of these so a
/// failure can print its seed and be replayed exactly.
public struct SeededRNG: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64
    public init(seed: UInt64) { self.state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension UInt256 {
    /// Random value biased toward edges: small, near powers of two, near max, signed extremes.
    public static func edgeBiased<R: RandomNumberGenerator>(using rng: inout R) -> UInt256 {
        switch rng.next() % 8 {
        case 0: return UInt256(rng.next() % 4)
        case 1: return UInt256.max &- UInt256(rng.next() % 4)
        case 2: return UInt256.one.shiftedLeft(Int(rng.next() % 256)) &+ UInt256(Int(rng.next() % 3) - 1)
        case 3: return UInt256.signedMin &+ UInt256(Int(rng.next() % 3) - 1)
        case 4: return UInt256(rng.next())
        default:
            // Random width so all limb counts appear.
            let width = Int(rng.next() % 257)
            let v = UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next())
            return width == 256 ? v : v & (UInt256.one.shiftedLeft(width) &- .one)
        }
    }
}
