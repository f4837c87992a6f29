import EVMCore
import SMT

// Target `OpcodeProofs`: the opcode prover. Checks the Swift `UInt256` opcode implementations
// (`OpcodeTable.reference`) against the Z3 bit-vector specifications of `SMT/EVMTerms.swift`:
// boundary models, seeded random cases, spec-vs-reference checks and small-width proofs of the
// limb models (`LimbModels.swift`); the per-opcode specs live in `OpcodeSpecs.swift`.
// May import only `EVMCore` and `SMT` (every Z3 call goes through `SMT`); only the CLI
// (`lockstep prove opcodes`) and `SMTTests` import it.

// MARK: - Implementations under test

/// One opcode's implementation: operands in stack order (top of stack first).
public enum OpcodeImplementation: Sendable {
    case unary(@Sendable (UInt256) -> UInt256)
    case binary(@Sendable (UInt256, UInt256) -> UInt256)
    case ternary(@Sendable (UInt256, UInt256, UInt256) -> UInt256)

    public var arity: Int {
        switch self { case .unary: return 1; case .binary: return 2; case .ternary: return 3 }
    }

    /// Runs the implementation; nil when the operand count does not match the arity.
    public func callAsFunction(_ x: [UInt256]) -> UInt256? {
        switch self {
        case .unary(let f): return x.count == 1 ? f(x[0]) : nil
        case .binary(let f): return x.count == 2 ? f(x[0], x[1]) : nil
        case .ternary(let f): return x.count == 3 ? f(x[0], x[1], x[2]) : nil
        }
    }
}

/// Implementations keyed by opcode name (upper case, as in the opcode table).
public struct OpcodeTable: Sendable {
    public var entries: [String: OpcodeImplementation]

    public init(_ entries: [String: OpcodeImplementation]) { self.entries = entries }

    public subscript(name: String) -> OpcodeImplementation? {
        get { entries[name] }
        set { entries[name] = newValue }
    }

    /// A copy with one opcode replaced, e.g. by a deliberately broken variant.
    public func replacing(_ name: String, with implementation: OpcodeImplementation) -> OpcodeTable {
        var t = self
        t.entries[name] = implementation
        return t
    }

    /// The `EVMCore.UInt256` implementation the interpreter uses.
    public static let reference = OpcodeTable([
        "ADD": .binary { $0 &+ $1 },
        "MUL": .binary { $0 &* $1 },
        "SUB": .binary { $0 &- $1 },
        "DIV": .binary(UInt256.evmDiv),
        "SDIV": .binary(UInt256.evmSdiv),
        "MOD": .binary(UInt256.evmMod),
        "SMOD": .binary(UInt256.evmSmod),
        "ADDMOD": .ternary(UInt256.evmAddmod),
        "MULMOD": .ternary(UInt256.evmMulmod),
        "EXP": .binary(UInt256.evmExp),
        "SIGNEXTEND": .binary { UInt256.evmSignExtend(byteIndex: $0, value: $1) },
        "LT": .binary { $0 < $1 ? .one : .zero },
        "GT": .binary { $0 > $1 ? .one : .zero },
        "SLT": .binary { UInt256.signedLess($0, $1) ? .one : .zero },
        "SGT": .binary { UInt256.signedLess($1, $0) ? .one : .zero },
        "EQ": .binary { $0 == $1 ? .one : .zero },
        "ISZERO": .unary { $0.isZero ? .one : .zero },
        "AND": .binary { $0 & $1 },
        "OR": .binary { $0 | $1 },
        "XOR": .binary { $0 ^ $1 },
        "NOT": .unary { ~$0 },
        "BYTE": .binary { UInt256.evmByte(index: $0, value: $1) },
        "SHL": .binary { UInt256.evmShl(shift: $0, value: $1) },
        "SHR": .binary { UInt256.evmShr(shift: $0, value: $1) },
        "SAR": .binary { UInt256.evmSar(shift: $0, value: $1) },
        "CLZ": .unary { UInt256(UInt64($0.leadingZeroBitCount)) },
    ])
}

// MARK: - Reports

public struct OpcodeCounterexample: Sendable, CustomStringConvertible {
    /// Operands in stack order.
    public let inputs: [UInt256]
    public let swiftOutput: UInt256
    public let specOutput: UInt256
    /// Where the input came from: a boundary constraint's label, or the random seed.
    public let origin: String

    public var description: String {
        "inputs [\(inputs.map(\.hexString).joined(separator: ", "))]: swift \(swiftOutput.hexString), spec \(specOutput.hexString) (\(origin))"
    }
}

/// A point where a Z3 specification, evaluated on numerals, differs from the interpreter's
/// `UInt256` arithmetic (`OpcodeTable.reference`): the spec is wrong (or weaker than the EVM
/// there), so nothing proven against it would mean anything.
public struct SpecMismatch: Sendable, CustomStringConvertible {
    /// Operands in stack order.
    public let inputs: [UInt256]
    public let specOutput: UInt256
    public let referenceOutput: UInt256
    /// "fixed boundary set, operand i" or "random case n, seed s".
    public let origin: String

    public var description: String {
        "inputs [\(inputs.map(\.hexString).joined(separator: ", "))]: spec \(specOutput.hexString), reference \(referenceOutput.hexString) (\(origin))"
    }
}

/// Builds an opcode's specification term from its operands (stack order, any width).
public typealias OpcodeSpecBuilder = @Sendable ([Term]) throws -> Term

/// Extra boundary constraints over an opcode's 256-bit operands, as (label, constraint).
public typealias OpcodeBoundaryBuilder = @Sendable (Z3Context, [Term]) throws -> [(label: String, constraint: Term)]

/// The result of one small-width proof that the limb model equals the specification.
public enum ProofResult: Sendable, CustomStringConvertible {
    case proven(width: Int, seconds: Double)
    /// The model disagrees with the specification at this width for these operands.
    case refuted(width: Int, inputs: [String], model: String, spec: String)
    /// Z3 gave up (timeout, …): a failure, never a pass.
    case unknown(width: Int, reason: String)
    /// The proof would say nothing (e.g. the model is the spec term itself): a failure.
    case vacuous(width: Int, reason: String)
    case error(width: Int, message: String)

    public var isProven: Bool { if case .proven = self { return true } else { return false } }
    public var width: Int {
        switch self {
        case .proven(let w, _), .refuted(let w, _, _, _), .unknown(let w, _), .vacuous(let w, _), .error(let w, _): return w
        }
    }

    public var description: String {
        switch self {
        case .proven(let w, let s): return "\(w)-bit proof: unsat in \(formatSeconds(s))"
        case .refuted(let w, let inputs, let m, let s):
            return "\(w)-bit proof refuted: inputs [\(inputs.joined(separator: ", "))] model \(m) spec \(s)"
        case .unknown(let w, let reason): return "\(w)-bit proof: unknown (\(reason))"
        case .vacuous(let w, let reason): return "\(w)-bit proof: vacuous (\(reason))"
        case .error(let w, let message): return "\(w)-bit proof: error \(message)"
        }
    }
}

public struct OpcodeReport: Sendable, CustomStringConvertible {
    public enum Outcome: Sendable {
        /// The limb model is proven equal to the spec at every listed width, 256 among them,
        /// the spec agreed with the reference, and the Swift code agreed with the 256-bit spec
        /// on every concrete case.
        case proven(widths: [Int], cases: Int)
        /// Checked, not proven: every concrete case agreed, and the proofs that ran (at the
        /// widths listed, maybe none) held, but there is no 256-bit proof; `reason` says why.
        case checked(cases: Int, widths: [Int], reason: String)
        /// Z3 gave up (timeout, resource limit) on a proof or a boundary query: a failure.
        case unknown(reason: String)
        /// A boundary constraint or proof premise has no model: it checked nothing. A failure.
        case vacuous(reason: String)
        /// The specification disagrees with the reference: found before any proof ran.
        case specMismatch(SpecMismatch)
        /// The Swift code disagrees with the spec.
        case counterexample(OpcodeCounterexample)
        /// A proof was refuted, or Z3 reported an error: never a pass.
        case failed(reason: String)
    }

    public let opcode: String
    public let outcome: Outcome
    public let boundaryCases: Int
    public let randomCases: Int
    /// Evaluations of the spec compared with the reference before anything else.
    public let specCheckCases: Int
    /// Time the spec check took (part of `seconds`).
    public var specCheckSeconds: Double = 0
    public let proofs: [ProofResult]
    public let seconds: Double

    /// Proven or checked; unknown, vacuous, a spec mismatch, a counterexample or an error fail.
    public var passed: Bool {
        switch outcome {
        case .proven, .checked: return true
        case .unknown, .vacuous, .specMismatch, .counterexample, .failed: return false
        }
    }

    public var counterexample: OpcodeCounterexample? {
        if case .counterexample(let c) = outcome { return c }
        return nil
    }

    public var description: String {
        let name = opcode + String(repeating: " ", count: Swift.max(0, 10 - opcode.count))
        let cases = "\(boundaryCases) boundary + \(randomCases) random; spec = reference on \(specCheckCases) in \(formatSeconds(specCheckSeconds))"
        let body: String
        switch outcome {
        case .proven(let widths, let n):
            body = "proven (limb model = spec at \(widths.map(String.init).joined(separator: "/")) bits), checked \(n) cases (\(cases))"
        case .checked(let n, let widths, let reason):
            let w = widths.isEmpty ? "" : "limb model = spec at \(widths.map(String.init).joined(separator: "/")) bits only; "
            body = "checked, not proven (\(w)\(reason)), checked \(n) cases (\(cases))"
        case .unknown(let reason):
            body = "UNKNOWN \(reason) (not proven: a failure)"
        case .vacuous(let reason):
            body = "VACUOUS \(reason)"
        case .specMismatch(let m):
            body = "SPEC MISMATCH \(m)"
        case .counterexample(let c):
            body = "COUNTEREXAMPLE \(c)"
        case .failed(let reason):
            body = "FAILED \(reason)"
        }
        return "\(name) \(body)  [\(formatSeconds(seconds))]"
    }
}

public enum OpcodeProverError: Error, Equatable, CustomStringConvertible {
    case unknownOpcode(String)
    case missingImplementation(String)
    case arityMismatch(String, expected: Int, got: Int)

    public var description: String {
        switch self {
        case .unknownOpcode(let n): return "no specification for opcode \(n)"
        case .missingImplementation(let n): return "no implementation for opcode \(n)"
        case .arityMismatch(let n, let e, let g): return "\(n): implementation takes \(g) operands, spec \(e)"
        }
    }
}

// MARK: - Prover

/// Checks the Swift implementation of each pure stack opcode against the `EVMTerms` spec, and
/// the spec against the interpreter's arithmetic, in this order:
/// (0) the spec is evaluated on numerals (substitute constants, simplify) at every point of
///     the fixed boundary set (`fixedBoundaryValues` for each operand in turn, the others
///     drawn from `partnerValues`, plus every value below an index operand's bound) and on
///     seeded random points, and must equal `OpcodeTable.reference` there — a spec that drops
///     a case (division by zero, −2^255 / −1, a shift ≥ 256, SIGNEXTEND ≥ 31, BYTE ≥ 32)
///     stops here as `specMismatch`, before any proof;
/// (a) boundary inputs that Z3 finds as models of boundary constraints (several per
///     constraint, each blocked once found; a constraint without a model is `vacuous`), each
///     run through the implementation under test and compared with the spec under the model;
/// (b) seeded random inputs, the spec evaluated by substituting constants and simplifying;
/// (c) where feasible, proofs (`Proof.check`) that the limb algorithm (`LimbModels`) equals
///     the spec for all inputs at the listed widths.
/// An opcode is `proven` only with a 256-bit proof; without one it is `checked` with the
/// reason. An `unknown` answer anywhere is `unknown`, a failure. Every opcode runs in its own
/// `Z3Context`.
public enum OpcodeProver {
    /// Names of every opcode with a specification, in opcode order.
    public static var opcodeNames: [String] { specs.map(\.name) }

    /// The fixed boundary set every operand of every opcode ranges over in the spec check:
    /// 0, 1, 2, 2^255 − 1, 2^255 (the signed minimum), 2^256 − 1 (−1), and every power of two
    /// 2^k (k = 0…255) with its neighbours 2^k − 1 and 2^k + 1; ascending, without repeats.
    public static let fixedBoundaryValues: [UInt256] = {
        var set: Set<UInt256> = [.zero, .one, 2, UInt256.signedMin &- .one, .signedMin, .max]
        for k in 0..<256 {
            let p = UInt256.one.shiftedLeft(k)
            set.formUnion([p &- .one, p, p &+ .one])
        }
        return set.sorted()
    }()

    /// The values the other operands take while one ranges over `fixedBoundaryValues`: the
    /// listed special values 0, 1, 2, 2^255 − 1, 2^255, 2^256 − 1 (without 2 for three
    /// operands, so the check stays in seconds: 3 · 766 · 25 cases).
    public static func partnerValues(arity: Int) -> [UInt256] {
        let core: [UInt256] = [.zero, .one, 2, UInt256.signedMin &- .one, .signedMin, .max]
        return arity >= 3 ? core.filter { $0 != 2 } : core
    }

    /// - Parameters:
    ///   - opcodes: names to check (nil: all).
    ///   - implementation: the code under test; `.reference` is `EVMCore.UInt256`.
    ///   - specOverrides: replacement specifications by opcode name (tests plant weakened
    ///     specs here to show the reference check rejects them).
    ///   - modelOverrides: replacement limb models by opcode name (tests plant the spec itself
    ///     as the "model", which must be reported `vacuous`, not proven).
    ///   - extraBoundaries: boundary constraints added by opcode name (tests plant an
    ///     unsatisfiable one to show it is reported `vacuous`).
    ///   - randomCases: random inputs per opcode (for the implementation, and again for the spec).
    ///   - seed: seed for the random inputs (printed in counterexamples).
    ///   - slowProofs: also prove at the larger widths (minutes; see BENCHMARKS.md).
    ///   - fullWidth: also attempt the 256-bit proof of every limb model that lacks one, with
    ///     this budget. Proven: the opcode is proven. Unknown: it stays *checked, not proven*,
    ///     the attempt named in the reason (the issue-19 rule: a full-width proof completes or
    ///     is reported checked-not-proven, never proven). Refuted: failing.
    ///   - modelsPerBoundary: models enumerated per boundary constraint (some use fewer).
    ///   - proofTimeoutMilliseconds: per proof query; a timeout is `unknown`, a failure.
    ///   - proofResourceLimit: Z3 `rlimit` per proof query (nil: none); running out is
    ///     `unknown`. Deterministic, so tests use it to force `unknown`.
    public static func run(opcodes: [String]? = nil, implementation: OpcodeTable = .reference,
                           specOverrides: [String: OpcodeSpecBuilder] = [:],
                           modelOverrides: [String: OpcodeSpecBuilder] = [:],
                           extraBoundaries: [String: OpcodeBoundaryBuilder] = [:],
                           randomCases: Int = 1000, seed: UInt64 = 0x5EED,
                           slowProofs: Bool = false,
                           fullWidth: (timeoutMilliseconds: UInt32, resourceLimit: UInt32?)? = nil,
                           modelsPerBoundary: Int = 3,
                           proofTimeoutMilliseconds: UInt32 = 60_000,
                           proofResourceLimit: UInt32? = nil) throws -> [OpcodeReport] {
        let names = opcodes?.map { $0.uppercased() } ?? opcodeNames
        var selected: [OpcodeSpec] = []
        for name in names {
            guard var spec = specs.first(where: { $0.name == name }) else { throw OpcodeProverError.unknownOpcode(name) }
            guard let impl = implementation[name] else { throw OpcodeProverError.missingImplementation(name) }
            guard impl.arity == spec.arity else {
                throw OpcodeProverError.arityMismatch(name, expected: spec.arity, got: impl.arity)
            }
            if let o = specOverrides[name] { spec.spec = o }
            if let o = modelOverrides[name] { spec.model = o }
            if let extra = extraBoundaries[name] {
                let own = spec.extra
                spec.extra = { c, v in try own(c, v) + extra(c, v).map { Boundary(label: $0.label, constraint: $0.constraint, models: nil) } }
            }
            selected.append(spec)
        }
        for name in Set(specOverrides.keys).union(modelOverrides.keys).union(extraBoundaries.keys) where !specs.contains(where: { $0.name == name }) {
            throw OpcodeProverError.unknownOpcode(name)
        }
        return selected.map { spec in
            check(spec, implementation[spec.name]!, randomCases: randomCases, seed: seed,
                  slowProofs: slowProofs, fullWidth: fullWidth, modelsPerBoundary: modelsPerBoundary,
                  proofTimeout: proofTimeoutMilliseconds, proofResourceLimit: proofResourceLimit)
        }
    }

    /// The four counts of a run: proven, checked (not proven), unknown, failing (spec
    /// mismatches, counterexamples, refuted proofs, errors and vacuous checks; `vacuous`
    /// counts the last separately as well).
    public struct Summary: Sendable, Equatable {
        public var proven = 0, checked = 0, unknown = 0, failing = 0, vacuous = 0
        public init(proven: Int = 0, checked: Int = 0, unknown: Int = 0, failing: Int = 0, vacuous: Int = 0) {
            self.proven = proven; self.checked = checked; self.unknown = unknown; self.failing = failing; self.vacuous = vacuous
        }
        public var total: Int { proven + checked + unknown + failing }
        /// True when every opcode is proven or checked, and there was at least one.
        public var passed: Bool { total > 0 && unknown == 0 && failing == 0 }
    }

    public static func summary(_ reports: [OpcodeReport]) -> Summary {
        var s = Summary()
        for r in reports {
            switch r.outcome {
            case .proven: s.proven += 1
            case .checked: s.checked += 1
            case .unknown: s.unknown += 1
            case .vacuous: s.failing += 1; s.vacuous += 1
            case .specMismatch, .counterexample, .failed: s.failing += 1
            }
        }
        return s
    }

    /// A printable table of reports with a summary line.
    public static func render(_ reports: [OpcodeReport]) -> String {
        var lines = reports.map(\.description)
        let s = summary(reports)
        let notPassed = reports.filter { !$0.passed }.map(\.opcode)
        lines.append("\(reports.count) opcodes: \(s.proven) proven, \(s.checked) checked (not proven), \(s.unknown) unknown, "
                     + "\(s.failing) failing (\(s.vacuous) vacuous) (Z3 \(z3Version()))"
                     + (notPassed.isEmpty ? "" : "; not passed: \(notPassed.joined(separator: " "))"))
        return lines.joined(separator: "\n")
    }

    // MARK: One opcode

    /// The spec check's input tuples: each operand in turn over the fixed boundary set (plus
    /// every value below its bound for an index operand), the others over the partner values.
    static func fixedSpecInputs(_ spec: OpcodeSpec) -> [(inputs: [UInt256], operand: Int)] {
        let partners = partnerValues(arity: spec.arity)
        var out: [(inputs: [UInt256], operand: Int)] = []
        for i in 0..<spec.arity {
            var own = fixedBoundaryValues
            if let bound = spec.smallOperands[i] {
                let present = Set(own)
                own += (0..<bound).map { UInt256($0) }.filter { !present.contains($0) }
            }
            var rest: [[UInt256]] = [[]]
            for _ in 0..<(spec.arity - 1) { rest = rest.flatMap { r in partners.map { r + [$0] } } }
            for v in own {
                for r in rest {
                    var t = r
                    t.insert(v, at: i)
                    out.append((t, i))
                }
            }
        }
        return out
    }

    static func check(_ spec: OpcodeSpec, _ impl: OpcodeImplementation, randomCases: Int, seed: UInt64,
                      slowProofs: Bool, fullWidth: (timeoutMilliseconds: UInt32, resourceLimit: UInt32?)? = nil,
                      modelsPerBoundary: Int, proofTimeout: UInt32,
                      proofResourceLimit: UInt32?) -> OpcodeReport {
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        var boundaryCount = 0, randomCount = 0, specCount = 0
        var specSeconds = 0.0
        var mismatch: SpecMismatch? = nil
        var found: OpcodeCounterexample? = nil
        var failure: String? = nil
        var unknown: String? = nil
        var vacuous: String? = nil
        var fullWidthUnknown: String? = nil
        var proofs: [ProofResult] = []
        do {
            let ctx = try Z3Context()
            let vars = try (0..<spec.arity).map { try ctx.bitVector("x\($0)", width: 256) }
            let symbolicSpec: Term? = spec.constantOperandsOnly ? nil : try spec.spec(vars)

            func specValue(_ inputs: [UInt256]) throws -> UInt256 {
                let nums = try inputs.map { try ctx.numeral($0, width: 256) }
                let t: Term
                if let symbolicSpec {
                    t = try symbolicSpec.substituting(Array(zip(vars, nums)).map { (from: $0.0, to: $0.1) }).simplified()
                } else {
                    t = try spec.spec(nums).simplified()
                }
                return try t.uint256()
            }

            // (0) The spec against the interpreter's arithmetic, before anything relies on it.
            let reference = OpcodeTable.reference[spec.name]
            guard let reference else { throw OpcodeProverError.missingImplementation("reference \(spec.name)") }
            var specInputs = fixedSpecInputs(spec).map { ($0.inputs, "fixed boundary set, operand \($0.operand)") }
            var specRng = ProverRNG(seed: (seed ^ spec.seedSalt) &+ 0x5bec)
            specInputs += (0..<randomCases).map { (spec.randomInputs(&specRng), "spec random case \($0), seed \(hex(seed))") }
            // Batched: one simplification of a conjunction of `spec(case) = reference(case)`
            // per chunk (Z3_simplify sets up its rewriters on every call, which dominated the
            // per-case cost); a chunk that does not simplify to `true` is redone case by case
            // to name the first mismatch.
            // Numerals are cached: the fixed set repeats ~800 values across ~20k cases, and
            // making a numeral (decimal digits, parsed by Z3) was most of a case's cost.
            var numerals: [UInt256: Term] = [:]
            func numeral(_ v: UInt256) throws -> Term {
                if let t = numerals[v] { return t }
                let t = try ctx.numeral(v, width: 256)
                numerals[v] = t
                return t
            }
            func specTerm(_ inputs: [UInt256]) throws -> Term {
                let nums = try inputs.map(numeral)
                if let symbolicSpec {
                    return try symbolicSpec.substituting(Array(zip(vars, nums)).map { (from: $0.0, to: $0.1) })
                }
                return try spec.spec(nums)
            }
            var chunkStart = 0
            specCheck: while chunkStart < specInputs.count {
                let chunk = specInputs[chunkStart..<Swift.min(chunkStart + 256, specInputs.count)]
                chunkStart += chunk.count
                let wants = chunk.map { reference($0.0)! }
                let agree = try ctx.and(zip(chunk, wants).map { try specTerm($0.0.0).eq(numeral($0.1)) }).simplified()
                if agree.isTrue { specCount += chunk.count; continue }
                for ((inputs, origin), want) in zip(chunk, wants) {
                    let got = try specValue(inputs)
                    specCount += 1
                    if got != want {
                        mismatch = SpecMismatch(inputs: inputs, specOutput: got, referenceOutput: want, origin: origin)
                        break specCheck
                    }
                }
                // Every case agreed one by one although the conjunction did not simplify to true.
                throw Z3Error.conversion("spec check: conjunction of \(chunk.count) agreeing cases did not simplify to true")
            }

            specSeconds = elapsed()

            // (a) Boundary models.
            if mismatch == nil {
                boundaries: for boundary in try spec.boundaries(ctx, vars) {
                    let solver = try Solver(context: ctx, timeoutMilliseconds: 10_000, kind: .simple)
                    try solver.add(boundary.constraint)
                    for k in 0..<(boundary.models ?? modelsPerBoundary) {
                        let result = try solver.check()
                        guard case .sat(let model) = result else {
                            if case .unknown(let reason) = result {
                                unknown = "boundary '\(boundary.label)': \(reason)"
                                break boundaries
                            }
                            // unsat: fewer models than asked for — none at all checks nothing.
                            if k == 0 {
                                vacuous = "boundary '\(boundary.label)' has no model (the constraint is unsatisfiable)"
                                break boundaries
                            }
                            break
                        }
                        let inputs = try vars.map { try model.value($0) }
                        let want = try symbolicSpec.map { try model.value($0) } ?? specValue(inputs)
                        boundaryCount += 1
                        guard let got = impl(inputs) else { failure = "arity"; break boundaries }
                        if got != want {
                            found = OpcodeCounterexample(inputs: inputs, swiftOutput: got, specOutput: want,
                                                         origin: "boundary: \(boundary.label)")
                            break boundaries
                        }
                        // Block this model.
                        try solver.add(ctx.or(zip(vars, inputs).map { try $0.0.ne(ctx.numeral($0.1, width: 256)) }))
                    }
                }
            }

            // (b) Random inputs.
            if mismatch == nil && found == nil && failure == nil && unknown == nil && vacuous == nil {
                var rng = ProverRNG(seed: seed ^ spec.seedSalt)
                for i in 0..<randomCases {
                    let inputs = spec.randomInputs(&rng)
                    let want = try specValue(inputs)
                    randomCount += 1
                    guard let got = impl(inputs) else { failure = "arity"; break }
                    if got != want {
                        found = OpcodeCounterexample(inputs: inputs, swiftOutput: got, specOutput: want,
                                                     origin: "random case \(i), seed \(hex(seed))")
                        break
                    }
                }
            }

            // (c) Proofs of the limb model (skipped once anything above failed).
            if let model = spec.model, mismatch == nil, found == nil, failure == nil, unknown == nil, vacuous == nil {
                for width in spec.proofWidths + (slowProofs ? spec.slowProofWidths : []) {
                    proofs.append(prove(spec, model: model, width: width, timeout: proofTimeout, resourceLimit: proofResourceLimit))
                }
                // (d) The 256-bit attempt, once everything smaller held (EXP has no symbolic
                // 256-bit spec, so nothing to attempt).
                if let budget = fullWidth, !spec.constantOperandsOnly, !proofs.contains(where: { $0.width == 256 }),
                   proofs.allSatisfy(\.isProven) {
                    let attempt = prove(spec, model: model, width: 256, timeout: budget.timeoutMilliseconds, resourceLimit: budget.resourceLimit)
                    if case .unknown = attempt { fullWidthUnknown = attempt.description } else { proofs.append(attempt) }
                }
            }
        } catch {
            failure = "Z3: \(error)"
        }

        let total = boundaryCount + randomCount
        let outcome: OpcodeReport.Outcome
        if let mismatch {
            outcome = .specMismatch(mismatch)
        } else if let found {
            outcome = .counterexample(found)
        } else if let failure {
            outcome = .failed(reason: failure)
        } else if let vacuous {
            outcome = .vacuous(reason: vacuous)
        } else if let unknown {
            outcome = .unknown(reason: unknown)
        } else if let v = proofs.first(where: { if case .vacuous = $0 { return true } else { return false } }) {
            outcome = .vacuous(reason: v.description)
        } else if let bad = proofs.first(where: { if case .unknown = $0 { return false }; return !$0.isProven }) {
            outcome = .failed(reason: bad.description)
        } else if let u = proofs.first(where: { if case .unknown = $0 { return true } else { return false } }) {
            outcome = .unknown(reason: u.description)
        } else if proofs.contains(where: { $0.width == 256 }) {
            outcome = .proven(widths: proofs.map(\.width), cases: total)
        } else {
            var reason = spec.fullWidthGap ?? (spec.model == nil ? "no limb model" : "no 256-bit proof")
            if let attempt = fullWidthUnknown { reason = "attempted: \(attempt); " + reason }
            outcome = .checked(cases: total, widths: proofs.map(\.width), reason: reason)
        }
        return OpcodeReport(opcode: spec.name, outcome: outcome, boundaryCases: boundaryCount,
                            randomCases: randomCount, specCheckCases: specCount, specCheckSeconds: specSeconds,
                            proofs: proofs, seconds: elapsed())
    }

    /// Asks Z3 for inputs at `width` where the limb model and the spec differ: unsat is a proof.
    /// The statement has no premises (every input of the width), so it cannot be vacuous.
    static func prove(_ spec: OpcodeSpec, model: ([Term]) throws -> Term, width: Int, timeout: UInt32,
                      resourceLimit: UInt32? = nil) -> ProofResult {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let ctx = try Z3Context()
            let vars = try (0..<spec.arity).map { try ctx.bitVector("x\($0)", width: width) }
            let m = try model(vars), s = try spec.spec(vars)
            // A "model" that is the spec term itself proves m = m: nothing about the algorithm.
            if m.isSameTerm(s) {
                return .vacuous(width: width, reason: "the limb model is the specification term itself")
            }
            let verdict = try Proof.check(premises: [], negatedGoal: m.ne(s)) {
                try Solver(context: ctx, timeoutMilliseconds: timeout, resourceLimit: resourceLimit)
            }
            switch verdict {
            case .proven:
                let d = clock.now - start
                return .proven(width: width, seconds: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
            case .refuted(let mdl):
                return .refuted(width: width, inputs: try vars.map { try mdl.eval($0).numeralString() },
                                model: try mdl.eval(m).numeralString(), spec: try mdl.eval(s).numeralString())
            case .unknown(_, let reason):
                return .unknown(width: width, reason: reason)
            case .vacuous(let core):
                return .vacuous(width: width, reason: "unsatisfiable premises \(core)")
            }
        } catch {
            return .error(width: width, message: "\(error)")
        }
    }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

// MARK: - Random inputs

/// `SplitMix64`, seeded; biased toward the values where word arithmetic breaks.
struct ProverRNG {
    var base: SplitMix64
    init(seed: UInt64) { base = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { base.next() }

    mutating func word() -> UInt256 {
        switch next() % 10 {
        case 0: return UInt256(next() % 5)
        case 1: return UInt256.max &- UInt256(next() % 5)
        case 2: return UInt256.one.shiftedLeft(Int(next() % 256)) &+ UInt256(Int(next() % 3) - 1)
        case 3: return UInt256.signedMin &+ UInt256(Int(next() % 3) - 1)
        case 4: return UInt256(next())
        case 5: return UInt256.zero &- UInt256(next() % 1000)        // small negative
        default:
            let v = UInt256(w0: next(), w1: next(), w2: next(), w3: next())
            let width = Int(next() % 257)
            return width == 256 ? v : v & (UInt256.one.shiftedLeft(width) &- .one)
        }
    }

    /// A shift amount, byte index or byte width: mostly small, sometimes huge.
    mutating func small(below bound: UInt64) -> UInt256 {
        switch next() % 8 {
        case 0: return word()
        case 1: return UInt256(w0: next() % bound, w1: 1 &+ next() % 3, w2: 0, w3: 0)   // high limb set
        default: return UInt256(next() % bound)
        }
    }
}
