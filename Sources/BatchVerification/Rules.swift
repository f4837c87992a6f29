/// The catalogue of rules a sequencer's output must respect, with their text: the one place
/// they are written down. `BatchVerifier` checks each by its `id`; `lockstep verify-batch`
/// prints the text beside each verdict. Sources: geth's txpool and ordering, ERC-4337's
/// NonceManager, RIP-7712, EIP-7702, EIP-2930, EIP-7928, the Timeboost spec, Themis/Aequitas,
/// mev-inspect's sandwich definition, Chainlink SVR, UMA Oval, Flashbots' fair-market principles.
///
/// Invariant: ids are `R1`…`R19` in order, unique; R19 is the only rule that needs a second run.
public struct SequencerRule: Sendable, Hashable {
    public let id: String
    public let text: String

    public static let catalogue: [SequencerRule] = [
        .init(id: "R1", text: "per-sender nonce order, contiguous from the on-chain nonce"),
        .init(id: "R2", text: "2D nonces: R1 per (sender, key), no constraint across keys"),
        .init(id: "R3", text: "EIP-7702 authority nonces are the next ones when the authorization runs"),
        .init(id: "R4", text: "one transaction per (sender, nonce); a replacement needs at least +10% fee cap and tip"),
        .init(id: "R5", text: "forced/system transactions first, in L1 order"),
        .init(id: "R6", text: "an oracle update received before a transaction that reads that feed is ordered before it"),
        .init(id: "R7", text: "nothing privileged between an oracle update and its first dependent, except a declared back-run at +1"),
        .init(id: "R8", text: "no dependent liquidation on a stale feed or within the grace period after downtime"),
        .init(id: "R9", text: "no sandwich: the same actor before and after a victim on the same pool, in opposite directions"),
        .init(id: "R10", text: "no privileged front-run of a conflicting user transaction received earlier"),
        .init(id: "R11", text: "receive-order fairness within the window Δ"),
        .init(id: "R12", text: "express-lane sequence numbers in order, without gaps"),
        .init(id: "R13", text: "the declared fee policy is followed"),
        .init(id: "R14", text: "within a parallel group W(a) ∩ (R(b) ∪ W(b)) = ∅, and the group run in parallel equals serial in output order"),
        .init(id: "R15", text: "actual accesses ⊆ predicted, else the transaction is serialised or deferred"),
        .init(id: "R16", text: "no silent drop: every valid transaction appears exactly once within K batches or is rejected with a reason"),
        .init(id: "R17", text: "deferral keeps per-sender/key order and is bounded"),
        .init(id: "R18", text: "bundles all-or-nothing and contiguous"),
        .init(id: "R19", text: "the same input and seed give the same output"),
    ]

    /// The rule with `id`, nil for an unknown id.
    public static func named(_ id: String) -> SequencerRule? { catalogue.first { $0.id == id } }

    /// The rules one output can be checked against alone (all but R19, which needs a rerun).
    public static var singleRun: [SequencerRule] { catalogue.filter { $0.id != "R19" } }
}
