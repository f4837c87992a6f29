/// Edge-biased random values, shared by the unit tests (through `_TestSupport`'s seeded RNG) and
/// by the generators of `Generators` and `Differential` (SplitMix64): one definition of
/// "interesting" 256-bit values. Production code: `lockstep check` and `lockstep fuzz` draw from it.
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
