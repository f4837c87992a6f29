/// The one way a test-only planted fault reaches production code (issue 18).
///
/// A production component that tests must be able to break on purpose — the parallel
/// executor, the sequencer, the sample DeFi contracts, the block generator's sample token —
/// takes an optional `faults: (any FaultHook)?` that defaults to nil and passes the values it
/// computed at its named `FaultPoint`s through it. It carries no fault logic of its own: with
/// nil (every real run) each point keeps the value the component computed; what a planted
/// fault does instead, its name, area and description are all in the `PlantedFaults` target
/// (`PlantedFault`, the one catalogue, and `PlantedFaultSet`), which nothing in production
/// imports.
///
/// Invariants: a hook is pure for every point but the sequencer's tie salt (whose planted
/// fault breaks determinism on purpose); a hook that does not know a point returns `real`
/// unchanged; the real value is always computed first, so a point costs one optional check on
/// the real path.
public protocol FaultHook: Sendable {
    /// The value production code uses at `point`, given the `real` one it computed.
    func value<Value>(at point: FaultPoint<Value>, real: Value) -> Value
}

/// A named injection point whose value has type `Value`. Each production target declares its
/// own points (as static members of a constrained extension) next to the code that asks them;
/// the names are stable (`Component.what`) and unique across the package.
public struct FaultPoint<Value>: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }
}

extension Optional where Wrapped == any FaultHook {
    /// `real` without a hook, else the hook's value at `point`.
    @inlinable @inline(__always)
    public func value<Value>(at point: FaultPoint<Value>, real: Value) -> Value {
        guard let hook = self else { return real }
        return hook.value(at: point, real: real)
    }
}
