import EVMCore

/// The tests' name for `EVMCore.SplitMix64`, the one seeded generator: every random test takes
/// one so a failure can print its seed and be replayed exactly.
public typealias SeededRNG = SplitMix64
