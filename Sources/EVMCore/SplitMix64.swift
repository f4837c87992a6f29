/// SplitMix64 (Steele, Lea and Flood, 2014): the one seeded generator every random thing in
/// Lockstep draws from — block and program generators, the deterministic schedule driver, the
/// opcode prover's random inputs and the tests. A seed fully determines the stream, so a
/// failure that prints its seed replays exactly.
///
/// Invariants: `next()` advances `state` by the golden-ratio increment 0x9E3779B97F4A7C15
/// (wrapping) and returns the finalised state; any seed, including 0, gives a full-period
/// stream of 2^64 values. Not cryptographic.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    /// The counter; the next output is a function of `state &+ 0x9E37_79B9_7F4A_7C15` alone.
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
