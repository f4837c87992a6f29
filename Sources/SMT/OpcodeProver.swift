import EVMCore

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

/// The result of one small-width proof that the limb model equals the specification.
public enum ProofResult: Sendable, CustomStringConvertible {
    case proven(width: Int, seconds: Double)
    /// The model disagrees with the specification at this width for these operands.
    case refuted(width: Int, inputs: [String], model: String, spec: String)
    /// Z3 gave up (timeout, …): a failure, never a pass.
    case unknown(width: Int, reason: String)
    case error(width: Int, message: String)

    public var isProven: Bool { if case .proven = self { return true } else { return false } }
    public var width: Int {
        switch self {
        case .proven(let w, _), .refuted(let w, _, _, _), .unknown(let w, _), .error(let w, _): return w
        }
    }

    public var description: String {
        switch self {
        case .proven(let w, let s): return "\(w)-bit proof: unsat in \(formatSeconds(s))"
        case .refuted(let w, let inputs, let m, let s):
            return "\(w)-bit proof refuted: inputs [\(inputs.joined(separator: ", "))] model \(m) spec \(s)"
        case .unknown(let w, let reason): return "\(w)-bit proof: unknown (\(reason))"
        case .error(let w, let message): return "\(w)-bit proof: error \(message)"
        }
    }
}

public struct OpcodeReport: Sendable, CustomStringConvertible {
    public enum Outcome: Sendable {
        /// The limb model is proven equal to the spec at every listed width, and the Swift code
        /// agreed with the 256-bit spec on every concrete case.
        case proven(widths: [Int], cases: Int)
        /// No proof for this opcode; the Swift code agreed on every concrete case.
        case checked(cases: Int)
        /// The Swift code disagrees with the spec.
        case counterexample(OpcodeCounterexample)
        /// A proof was refuted or unknown, or Z3 reported an error: never a pass.
        case failed(reason: String)
    }

    public let opcode: String
    public let outcome: Outcome
    public let boundaryCases: Int
    public let randomCases: Int
    public let proofs: [ProofResult]
    public let seconds: Double

    public var passed: Bool {
        switch outcome { case .proven, .checked: return true; case .counterexample, .failed: return false }
    }

    public var counterexample: OpcodeCounterexample? {
        if case .counterexample(let c) = outcome { return c }
        return nil
    }

    public var description: String {
        let name = opcode + String(repeating: " ", count: Swift.max(0, 10 - opcode.count))
        let cases = "\(boundaryCases) boundary + \(randomCases) random"
        let body: String
        switch outcome {
        case .proven(let widths, let n):
            body = "proven (limb model = spec at \(widths.map(String.init).joined(separator: "/")) bits), checked \(n) cases (\(cases))"
        case .checked(let n):
            body = "checked \(n) cases (\(cases))"
        case .counterexample(let c):
            body = "COUNTEREXAMPLE \(c)"
        case .failed(let reason):
            body = "FAILED \(reason)"
        }
        return "\(name) \(body)  [\(formatSeconds(seconds))]"
    }
}

func formatSeconds(_ s: Double) -> String {
    let ms = Int((s * 1000).rounded())
    return "\(ms / 1000).\(String(repeating: "0", count: 3 - String(ms % 1000).count))\(ms % 1000) s"
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

/// Checks the Swift implementation of each pure stack opcode against the `EVMTerms` spec:
/// (a) boundary inputs that Z3 finds as models of boundary constraints (several per
/// constraint, each blocked once found), each run through Swift and compared with Z3's
/// evaluation of the spec under the model; (b) seeded random inputs, the spec evaluated by
/// substituting constants and simplifying; (c) where feasible, proofs at small widths that the
/// limb algorithm (`LimbModels`) equals the spec for all inputs. Every opcode runs in its own
/// `Z3Context`.
public enum OpcodeProver {
    /// Names of every opcode with a specification, in opcode order.
    public static var opcodeNames: [String] { specs.map(\.name) }

    /// - Parameters:
    ///   - opcodes: names to check (nil: all).
    ///   - implementation: the code under test; `.reference` is `EVMCore.UInt256`.
    ///   - randomCases: random inputs per opcode.
    ///   - seed: seed for the random inputs (printed in counterexamples).
    ///   - slowProofs: also prove at the larger widths (minutes; see BENCHMARKS.md).
    ///   - modelsPerBoundary: models enumerated per boundary constraint (some use fewer).
    ///   - proofTimeoutMilliseconds: per proof query; a timeout is a failure.
    public static func run(opcodes: [String]? = nil, implementation: OpcodeTable = .reference,
                           randomCases: Int = 1000, seed: UInt64 = 0x5EED,
                           slowProofs: Bool = false, modelsPerBoundary: Int = 3,
                           proofTimeoutMilliseconds: UInt32 = 60_000) throws -> [OpcodeReport] {
        let names = opcodes?.map { $0.uppercased() } ?? opcodeNames
        var selected: [OpcodeSpec] = []
        for name in names {
            guard let spec = specs.first(where: { $0.name == name }) else { throw OpcodeProverError.unknownOpcode(name) }
            guard let impl = implementation[name] else { throw OpcodeProverError.missingImplementation(name) }
            guard impl.arity == spec.arity else {
                throw OpcodeProverError.arityMismatch(name, expected: spec.arity, got: impl.arity)
            }
            selected.append(spec)
        }
        return selected.map { spec in
            check(spec, implementation[spec.name]!, randomCases: randomCases, seed: seed,
                  slowProofs: slowProofs, modelsPerBoundary: modelsPerBoundary,
                  proofTimeout: proofTimeoutMilliseconds)
        }
    }

    /// A printable table of reports with a summary line.
    public static func render(_ reports: [OpcodeReport]) -> String {
        var lines = reports.map(\.description)
        let proven = reports.filter { if case .proven = $0.outcome { return true } else { return false } }.count
        let checked = reports.filter { if case .checked = $0.outcome { return true } else { return false } }.count
        let failing = reports.count - proven - checked
        lines.append("\(reports.count) opcodes: \(proven) proven, \(checked) checked, \(failing) failing (Z3 \(z3Version()))")
        return lines.joined(separator: "\n")
    }

    // MARK: One opcode

    static func check(_ spec: OpcodeSpec, _ impl: OpcodeImplementation, randomCases: Int, seed: UInt64,
                      slowProofs: Bool, modelsPerBoundary: Int, proofTimeout: UInt32) -> OpcodeReport {
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        var boundaryCount = 0, randomCount = 0
        var found: OpcodeCounterexample? = nil
        var failure: String? = nil
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

            // (a) Boundary models.
            boundaries: for boundary in try spec.boundaries(ctx, vars) {
                let solver = try Solver(context: ctx, timeoutMilliseconds: 10_000, kind: .simple)
                try solver.add(boundary.constraint)
                for _ in 0..<(boundary.models ?? modelsPerBoundary) {
                    let result = try solver.check()
                    guard case .sat(let model) = result else {
                        if case .unknown(let reason) = result {
                            failure = "boundary '\(boundary.label)': unknown (\(reason))"
                            break boundaries
                        }
                        break   // unsat: fewer models than asked for
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

            // (b) Random inputs.
            if found == nil && failure == nil {
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

            // (c) Proofs of the limb model at small widths (skipped once the code is known wrong).
            if let model = spec.model, found == nil, failure == nil {
                for width in spec.proofWidths + (slowProofs ? spec.slowProofWidths : []) {
                    proofs.append(prove(spec, model: model, width: width, timeout: proofTimeout))
                }
            }
        } catch {
            failure = "Z3: \(error)"
        }

        let total = boundaryCount + randomCount
        let outcome: OpcodeReport.Outcome
        if let found {
            outcome = .counterexample(found)
        } else if let failure {
            outcome = .failed(reason: failure)
        } else if let bad = proofs.first(where: { !$0.isProven }) {
            outcome = .failed(reason: bad.description)
        } else if !proofs.isEmpty {
            outcome = .proven(widths: proofs.map(\.width), cases: total)
        } else {
            outcome = .checked(cases: total)
        }
        return OpcodeReport(opcode: spec.name, outcome: outcome, boundaryCases: boundaryCount,
                            randomCases: randomCount, proofs: proofs, seconds: elapsed())
    }

    /// Asks Z3 for inputs at `width` where the limb model and the spec differ: unsat is a proof.
    static func prove(_ spec: OpcodeSpec, model: ([Term]) throws -> Term, width: Int, timeout: UInt32) -> ProofResult {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let ctx = try Z3Context()
            let vars = try (0..<spec.arity).map { try ctx.bitVector("x\($0)", width: width) }
            let m = try model(vars), s = try spec.spec(vars)
            let solver = try Solver(context: ctx, timeoutMilliseconds: timeout)
            try solver.add(m.ne(s))
            switch try solver.check() {
            case .unsat:
                let d = clock.now - start
                return .proven(width: width, seconds: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
            case .sat(let mdl):
                return .refuted(width: width, inputs: try vars.map { try mdl.eval($0).numeralString() },
                                model: try mdl.eval(m).numeralString(), spec: try mdl.eval(s).numeralString())
            case .unknown(let reason):
                return .unknown(width: width, reason: reason)
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
