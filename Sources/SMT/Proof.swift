/// The answer to "does the goal hold for every input satisfying the premises?", asked the one
/// way every proof in Lockstep asks it: first the premises alone must be satisfiable (else the
/// statement is about an empty set of inputs and proves nothing: `vacuous`), then the premises
/// with the goal negated must be unsatisfiable (`proven`). A model of the negated query is a
/// counterexample; `unknown` at either step (timeout, resource limit) is a failure, never a
/// pass.
public enum ProofVerdict: CustomStringConvertible {
    case proven
    /// The premises alone are unsatisfiable; `core` names them when they were tracked.
    case vacuous(core: [String])
    /// A model of premises ∧ ¬goal.
    case refuted(Model)
    /// Z3 gave up; `stage` says whether on the premises or on the negated goal.
    case unknown(stage: String, reason: String)

    public var isProven: Bool { if case .proven = self { return true } else { return false } }

    public var description: String {
        switch self {
        case .proven: return "proven (unsat)"
        case .vacuous(let core): return "VACUOUS (the premises are unsatisfiable\(core.isEmpty ? "" : ": \(core.joined(separator: "; "))"))"
        case .refuted: return "REFUTED (sat)"
        case .unknown(let stage, let reason): return "UNKNOWN at the \(stage) (\(reason))"
        }
    }
}

public enum Proof {
    /// Checks `premises ⊨ goal` given `negatedGoal = ¬goal`. `makeSolver` is called once per
    /// step (two fresh solvers: an incremental solver would lose Z3's preprocessing, which some
    /// queries depend on). The premises check is skipped only when there are none (the empty
    /// conjunction is `true`). When the premises are unsatisfiable, they are re-checked tracked
    /// by name so the verdict says which ones conflict.
    ///
    /// - Parameter witness: a candidate assignment (constant → numeral). When every premise
    ///   simplifies to `true` under it, the premises are satisfiable without asking the solver
    ///   (which can be slow to find a model of many wide constraints); otherwise the solver
    ///   decides as usual.
    public static func check(premises: [(name: String, term: Term)], negatedGoal: Term,
                             witness: [(from: Term, to: Term)]? = nil,
                             makeSolver: () throws -> Solver) throws -> ProofVerdict {
        var witnessed = false
        if let witness, !premises.isEmpty {
            witnessed = try premises.allSatisfy { try $0.term.substituting(witness).simplified().isTrue }
        }
        if !premises.isEmpty && !witnessed {
            let s = try makeSolver()
            for p in premises { try s.add(p.term) }
            switch try s.check() {
            case .sat: break
            case .unknown(let reason): return .unknown(stage: "premises", reason: reason)
            case .unsat:
                let tracked = try makeSolver()
                var seen = Set<String>()
                for (i, p) in premises.enumerated() {
                    let name = seen.insert(p.name).inserted ? p.name : "\(p.name) #\(i)"
                    seen.insert(name)
                    try tracked.add(p.term, tracking: name)
                }
                if case .unsat(let core) = try tracked.check() { return .vacuous(core: core) }
                return .vacuous(core: [])
            }
        }
        let s = try makeSolver()
        for p in premises { try s.add(p.term) }
        try s.add(negatedGoal)
        switch try s.check() {
        case .unsat: return .proven
        case .sat(let model): return .refuted(model)
        case .unknown(let reason): return .unknown(stage: "negated goal", reason: reason)
        }
    }
}

/// Seconds for reports, shared by the proofs built on `SMT` (the opcode prover, conservation).
package func formatSeconds(_ s: Double) -> String {
    let ms = Int((s * 1000).rounded())
    return "\(ms / 1000).\(String(repeating: "0", count: 3 - String(ms % 1000).count))\(ms % 1000) s"
}
