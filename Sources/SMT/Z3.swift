import CZ3
import EVMCore

// Target `SMT`: the Z3 wrapper (this file, the only one calling `CZ3`), the one proof procedure
// (`Proof.swift`), the EVM's stack operations as bit-vector terms (`EVMTerms.swift`), the
// ledger encodings (`Conservation.swift`, `DoubleSpend.swift`) and the integer precedence
// prover (`PrecedenceProver.swift`). May import only `CZ3` and `EVMCore`; the opcode prover
// built on it is the `OpcodeProofs` target, and nothing here imports it.
//
// The only file in Lockstep that calls into Z3's C API.
//
// Memory model: the context is created with `Z3_mk_context_rc`, so every AST, sort, model,
// solver, parameter set and AST vector is reference counted by hand. Each handle Swift sees is
// a small final class that calls `Z3_*_inc_ref` when it is created and `Z3_*_dec_ref` in
// `deinit`, exactly once, and holds a strong reference to its `Z3Context`; the context calls
// `Z3_del_context` in its own `deinit`, which therefore runs only after every handle is gone.
// A handle can neither leak (ARC releases it) nor be freed twice (only its deinit releases it),
// nor outlive its context. `Z3Context.liveHandles` counts the handles alive, for leak tests.
//
// Errors: Z3's default error handler prints and calls `exit`. Every context installs a handler
// that does nothing; Z3 still records the error code in the context, and every wrapper call
// reads `Z3_get_error_code` afterwards and throws `Z3Error` (then resets the code).
//
// Strings: Z3 returns strings in a buffer that the next call may overwrite; every one is
// copied into a Swift `String` before any other Z3 call.
//
// Concurrency: a Z3 context is not thread-safe. `Z3Context` and every handle are deliberately
// not `Sendable`: create one context per task and keep it (and its terms) on that task.

/// Z3's error codes, as Swift values.
public enum Z3ErrorCode: Int, Sendable, Equatable {
    case sortError = 1, indexOutOfBounds, invalidArgument, parserError, noParser, invalidPattern,
         memoryOut, fileAccessError, internalFatal, invalidUsage, decRefError, exception
    case unknownCode = -1
}

public enum Z3Error: Error, Equatable, CustomStringConvertible {
    /// Z3 reported an error for a call.
    case api(code: Z3ErrorCode, message: String)
    /// A call returned no object although no error code was set.
    case nullResult(String)
    /// A value could not be converted (not a numeral, too wide, not a bit-vector, …).
    case conversion(String)

    public var description: String {
        switch self {
        case .api(let code, let message): return "Z3 error \(code): \(message)"
        case .nullResult(let what): return "Z3 returned no result for \(what)"
        case .conversion(let what): return "conversion failed: \(what)"
        }
    }
}

/// One Z3 context. Not thread-safe: one per task.
public final class Z3Context {
    @usableFromInline let raw: Z3_context
    /// Number of Swift handles (terms, sorts, models, solvers, …) alive in this context.
    public fileprivate(set) var liveHandles = 0

    public init() throws {
        guard let cfg = Z3_mk_config() else { throw Z3Error.nullResult("Z3_mk_config") }
        defer { Z3_del_config(cfg) }
        Z3_set_param_value(cfg, "model", "true")
        guard let ctx = Z3_mk_context_rc(cfg) else { throw Z3Error.nullResult("Z3_mk_context_rc") }
        raw = ctx
        // Replace the default handler (which exits): record only; callers read the code.
        Z3_set_error_handler(ctx) { _, _ in }
    }

    deinit { Z3_del_context(raw) }

    /// Throws if the last call recorded an error, and clears it.
    fileprivate func check(_ what: @autoclosure () -> String) throws {
        let code = Z3_get_error_code(raw)
        if code == Z3_OK { return }
        let message = Z3_get_error_msg(raw, code).map { String(cString: $0) } ?? "(no message)"
        Z3_set_error(raw, Z3_OK)
        let swiftCode = Z3ErrorCode(rawValue: Int(code.rawValue)) ?? .unknownCode
        throw Z3Error.api(code: swiftCode, message: "\(what()): \(message)")
    }

    /// Wraps a freshly returned AST (checks errors and null, takes a reference).
    fileprivate func term(_ what: @autoclosure () -> String, _ make: (Z3_context) -> Z3_ast?) throws -> Term {
        let ast = make(raw)
        try check(what())
        guard let ast else { throw Z3Error.nullResult(what()) }
        return Term(context: self, raw: ast)
    }

    /// Throws unless every term was made by this context (a foreign AST is undefined
    /// behaviour in the C API, not an error code).
    fileprivate func owns(_ terms: [Term], _ what: @autoclosure () -> String) throws {
        for t in terms where t.context !== self { throw Z3Error.conversion("\(what()): term from another context") }
    }

    fileprivate func symbol(_ name: String) throws -> Z3_symbol {
        let s = Z3_mk_string_symbol(raw, name)
        try check("symbol \(name)")
        guard let s else { throw Z3Error.nullResult("symbol \(name)") }
        return s
    }

    fileprivate func copyString(_ p: Z3_string?, _ what: @autoclosure () -> String) throws -> String {
        try check(what())
        guard let p else { throw Z3Error.nullResult(what()) }
        return String(cString: p)
    }

    // MARK: Sorts

    public func bitVectorSort(width: Int) throws -> Sort {
        guard width > 0, width <= 1 << 20 else { throw Z3Error.conversion("bit-vector width \(width)") }
        let s = Z3_mk_bv_sort(raw, UInt32(width))
        try check("bv sort \(width)")
        guard let s else { throw Z3Error.nullResult("bv sort") }
        return Sort(context: self, raw: s)
    }

    public func boolSort() throws -> Sort {
        let s = Z3_mk_bool_sort(raw)
        try check("bool sort")
        guard let s else { throw Z3Error.nullResult("bool sort") }
        return Sort(context: self, raw: s)
    }

    /// The mathematical integers (unbounded; no wrapping).
    public func intSort() throws -> Sort {
        let s = Z3_mk_int_sort(raw)
        try check("int sort")
        guard let s else { throw Z3Error.nullResult("int sort") }
        return Sort(context: self, raw: s)
    }

    // MARK: Constants and numerals

    /// A fresh bit-vector constant (a variable for the solver).
    public func bitVector(_ name: String, width: Int) throws -> Term {
        let sort = try bitVectorSort(width: width)
        let sym = try symbol(name)
        return try term("const \(name)") { Z3_mk_const($0, sym, sort.raw) }
    }

    /// A fresh Boolean constant.
    public func boolean(_ name: String) throws -> Term {
        let sort = try boolSort()
        let sym = try symbol(name)
        return try term("const \(name)") { Z3_mk_const($0, sym, sort.raw) }
    }

    public func bool(_ value: Bool) throws -> Term {
        try term("bool literal") { value ? Z3_mk_true($0) : Z3_mk_false($0) }
    }

    /// A fresh integer constant.
    public func integer(_ name: String) throws -> Term {
        let sort = try intSort()
        let sym = try symbol(name)
        return try term("const \(name)") { Z3_mk_const($0, sym, sort.raw) }
    }

    /// An integer numeral (exact: integer terms never wrap).
    public func integer(_ value: Int) throws -> Term {
        let sort = try intSort()
        return try term("int numeral \(value)") { Z3_mk_int64($0, Int64(value), sort.raw) }
    }

    /// A bit-vector numeral from decimal digits, reduced modulo 2^width.
    public func numeral(decimal: String, width: Int) throws -> Term {
        guard !decimal.isEmpty, decimal.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw Z3Error.conversion("not a decimal numeral: \(decimal)")
        }
        let sort = try bitVectorSort(width: width)
        return try term("numeral \(decimal)") { Z3_mk_numeral($0, decimal, sort.raw) }
    }

    /// A bit-vector numeral; values wider than `width` are reduced modulo 2^width.
    public func numeral(_ value: UInt256, width: Int = 256) throws -> Term {
        try numeral(decimal: value.decimalString, width: width)
    }

    public func numeral(_ value: Int, width: Int) throws -> Term {
        if value >= 0 { return try numeral(decimal: String(value), width: width) }
        // Two's complement at `width`.
        return try numeral(decimal: String(value.magnitude), width: width).neg()
    }

    // MARK: N-ary Boolean operations

    public func and(_ terms: [Term]) throws -> Term {
        try owns(terms, "and")
        if terms.isEmpty { return try bool(true) }
        let raws: [Z3_ast?] = terms.map { $0.raw }
        return try withExtendedLifetime(terms) {
            try term("and") { c in raws.withUnsafeBufferPointer { Z3_mk_and(c, UInt32($0.count), $0.baseAddress) } }
        }
    }

    public func or(_ terms: [Term]) throws -> Term {
        try owns(terms, "or")
        if terms.isEmpty { return try bool(false) }
        let raws: [Z3_ast?] = terms.map { $0.raw }
        return try withExtendedLifetime(terms) {
            try term("or") { c in raws.withUnsafeBufferPointer { Z3_mk_or(c, UInt32($0.count), $0.baseAddress) } }
        }
    }

    public func distinct(_ terms: [Term]) throws -> Term {
        try owns(terms, "distinct")
        let raws: [Z3_ast?] = terms.map { $0.raw }
        return try withExtendedLifetime(terms) {
            try term("distinct") { c in raws.withUnsafeBufferPointer { Z3_mk_distinct(c, UInt32($0.count), $0.baseAddress) } }
        }
    }

    /// `if cond then a else b`.
    public func ite(_ cond: Term, _ a: Term, _ b: Term) throws -> Term {
        try owns([cond, a, b], "ite")
        return try withExtendedLifetime((cond, a, b)) { try term("ite") { Z3_mk_ite($0, cond.raw, a.raw, b.raw) } }
    }
}

/// A Z3 sort (reference counted as an AST).
public final class Sort {
    public let context: Z3Context
    let raw: Z3_sort

    fileprivate init(context: Z3Context, raw: Z3_sort) {
        self.context = context
        self.raw = raw
        Z3_inc_ref(context.raw, Z3_sort_to_ast(context.raw, raw))
        context.liveHandles += 1
    }

    deinit {
        Z3_dec_ref(context.raw, Z3_sort_to_ast(context.raw, raw))
        context.liveHandles -= 1
    }
}

/// A Z3 term (Boolean or bit-vector expression). Operations throw `Z3Error` on misuse, such as
/// mixing widths, instead of exiting.
public final class Term: CustomStringConvertible {
    public let context: Z3Context
    let raw: Z3_ast

    fileprivate init(context: Z3Context, raw: Z3_ast) {
        self.context = context
        self.raw = raw
        Z3_inc_ref(context.raw, raw)
        context.liveHandles += 1
    }

    deinit {
        Z3_dec_ref(context.raw, raw)
        context.liveHandles -= 1
    }

    /// SMT-LIB text of the term.
    public var description: String {
        let s = Z3_ast_to_string(context.raw, raw)
        return (try? context.copyString(s, "ast_to_string")) ?? "<unprintable term>"
    }

    /// True for a term of integer sort.
    public var isInteger: Bool {
        let c = context.raw
        guard let sort = Z3_get_sort(c, raw) else { Z3_set_error(c, Z3_OK); return false }
        return Z3_get_sort_kind(c, sort) == Z3_INT_SORT
    }

    /// The value of an integer numeral; throws for a non-numeral or one outside `Int`.
    public func int() throws -> Int {
        guard isNumeral, isInteger else { throw Z3Error.conversion("not an integer numeral: \(self)") }
        var v: Int64 = 0
        let ok = Z3_get_numeral_int64(context.raw, raw, &v)
        try context.check("get_numeral_int64")
        guard ok else { throw Z3Error.conversion("integer numeral outside 64 bits: \(self)") }
        return Int(v)
    }

    /// Bit width, or nil for a non-bit-vector term.
    public var width: Int? {
        let c = context.raw
        guard let sort = Z3_get_sort(c, raw), Z3_get_sort_kind(c, sort) == Z3_BV_SORT else {
            Z3_set_error(c, Z3_OK)
            return nil
        }
        return Int(Z3_get_bv_sort_size(c, sort))
    }

    /// Bit width; throws for a non-bit-vector term.
    public func bitWidth() throws -> Int {
        guard let w = width else { throw Z3Error.conversion("not a bit-vector: \(self)") }
        return w
    }

    public var isNumeral: Bool { Z3_is_numeral_ast(context.raw, raw) }

    /// True when both are the same AST (Z3 hash-conses terms, so a structurally identical
    /// term built twice is the same AST): a syntactic identity, no solving.
    public func isSameTerm(_ other: Term) -> Bool {
        other.context === context && Z3_is_eq_ast(context.raw, raw, other.raw)
    }

    /// True when the term is the literal `true`.
    public var isTrue: Bool { Z3_get_bool_value(context.raw, raw) == Z3_L_TRUE }
    /// True when the term is the literal `false`.
    public var isFalse: Bool { Z3_get_bool_value(context.raw, raw) == Z3_L_FALSE }

    /// Decimal digits of a numeral.
    public func numeralString() throws -> String {
        guard isNumeral else { throw Z3Error.conversion("not a numeral: \(self)") }
        return try context.copyString(Z3_get_numeral_string(context.raw, raw), "numeral string")
    }

    /// The value of a bit-vector numeral of at most 256 bits.
    public func uint256() throws -> UInt256 {
        let digits = try numeralString()
        guard let v = UInt256(decimal: digits) else { throw Z3Error.conversion("numeral \(digits) exceeds 256 bits") }
        return v
    }

    /// Z3's simplifier; on a term without free constants this evaluates it to a literal.
    public func simplified() throws -> Term {
        try context.term("simplify") { Z3_simplify($0, raw) }
    }

    /// Replaces each `from` term by its `to` term.
    public func substituting(_ pairs: [(from: Term, to: Term)]) throws -> Term {
        try context.owns(pairs.flatMap { [$0.from, $0.to] }, "substitute")
        let from: [Z3_ast?] = pairs.map { $0.from.raw }
        let to: [Z3_ast?] = pairs.map { $0.to.raw }
        return try withExtendedLifetime(pairs.map { [$0.from, $0.to] }) {
            try context.term("substitute") { c in
                from.withUnsafeBufferPointer { f in
                    to.withUnsafeBufferPointer { t in Z3_substitute(c, raw, UInt32(f.count), f.baseAddress, t.baseAddress) }
                }
            }
        }
    }

    // MARK: Building blocks

    private func unary(_ name: String, _ f: (Z3_context?, Z3_ast?) -> Z3_ast?) throws -> Term {
        try context.term(name) { f($0, raw) }
    }

    private func binary(_ name: String, _ other: Term, _ f: (Z3_context?, Z3_ast?, Z3_ast?) -> Z3_ast?) throws -> Term {
        guard other.context === context else { throw Z3Error.conversion("\(name): terms from different contexts") }
        return try withExtendedLifetime(other) { try context.term(name) { f($0, raw, other.raw) } }
    }

    // Boolean
    public func not() throws -> Term { try unary("not", Z3_mk_not) }
    public func implies(_ o: Term) throws -> Term { try binary("implies", o, Z3_mk_implies) }
    public func and(_ o: Term) throws -> Term { try context.and([self, o]) }
    public func or(_ o: Term) throws -> Term { try context.or([self, o]) }
    public func eq(_ o: Term) throws -> Term { try binary("=", o, Z3_mk_eq) }
    public func ne(_ o: Term) throws -> Term { try eq(o).not() }

    // Integer arithmetic and comparison (integer sort only: Z3 reports a sort error, thrown
    // here, for bit-vector operands — use `ult`/`slt`… for those).
    public func lt(_ o: Term) throws -> Term { try binary("<", o, Z3_mk_lt) }
    public func le(_ o: Term) throws -> Term { try binary("<=", o, Z3_mk_le) }
    public func gt(_ o: Term) throws -> Term { try binary(">", o, Z3_mk_gt) }
    public func ge(_ o: Term) throws -> Term { try binary(">=", o, Z3_mk_ge) }

    // Bit-vector arithmetic (SMT-LIB semantics; see EVMTerms for the EVM's).
    public func add(_ o: Term) throws -> Term { try binary("bvadd", o, Z3_mk_bvadd) }
    public func sub(_ o: Term) throws -> Term { try binary("bvsub", o, Z3_mk_bvsub) }
    public func mul(_ o: Term) throws -> Term { try binary("bvmul", o, Z3_mk_bvmul) }
    public func udiv(_ o: Term) throws -> Term { try binary("bvudiv", o, Z3_mk_bvudiv) }
    public func urem(_ o: Term) throws -> Term { try binary("bvurem", o, Z3_mk_bvurem) }
    public func sdiv(_ o: Term) throws -> Term { try binary("bvsdiv", o, Z3_mk_bvsdiv) }
    public func srem(_ o: Term) throws -> Term { try binary("bvsrem", o, Z3_mk_bvsrem) }
    public func neg() throws -> Term { try unary("bvneg", Z3_mk_bvneg) }
    public func bitAnd(_ o: Term) throws -> Term { try binary("bvand", o, Z3_mk_bvand) }
    public func bitOr(_ o: Term) throws -> Term { try binary("bvor", o, Z3_mk_bvor) }
    public func bitXor(_ o: Term) throws -> Term { try binary("bvxor", o, Z3_mk_bvxor) }
    public func bitNot() throws -> Term { try unary("bvnot", Z3_mk_bvnot) }
    /// `self << o` (SMT-LIB operand order: value first).
    public func shl(_ o: Term) throws -> Term { try binary("bvshl", o, Z3_mk_bvshl) }
    public func lshr(_ o: Term) throws -> Term { try binary("bvlshr", o, Z3_mk_bvlshr) }
    public func ashr(_ o: Term) throws -> Term { try binary("bvashr", o, Z3_mk_bvashr) }
    public func ult(_ o: Term) throws -> Term { try binary("bvult", o, Z3_mk_bvult) }
    public func ule(_ o: Term) throws -> Term { try binary("bvule", o, Z3_mk_bvule) }
    public func ugt(_ o: Term) throws -> Term { try binary("bvugt", o, Z3_mk_bvugt) }
    public func uge(_ o: Term) throws -> Term { try binary("bvuge", o, Z3_mk_bvuge) }
    public func slt(_ o: Term) throws -> Term { try binary("bvslt", o, Z3_mk_bvslt) }
    public func sle(_ o: Term) throws -> Term { try binary("bvsle", o, Z3_mk_bvsle) }
    public func sgt(_ o: Term) throws -> Term { try binary("bvsgt", o, Z3_mk_bvsgt) }
    public func sge(_ o: Term) throws -> Term { try binary("bvsge", o, Z3_mk_bvsge) }
    /// `self` in the high bits, `o` in the low bits.
    public func concat(_ o: Term) throws -> Term { try binary("concat", o, Z3_mk_concat) }

    /// Bits `high...low` (inclusive).
    public func extract(high: Int, low: Int) throws -> Term {
        guard high >= low, low >= 0 else { throw Z3Error.conversion("extract \(high):\(low)") }
        return try context.term("extract \(high):\(low)") { Z3_mk_extract($0, UInt32(high), UInt32(low), raw) }
    }

    public func zeroExtend(by n: Int) throws -> Term {
        guard n >= 0 else { throw Z3Error.conversion("zero_extend \(n)") }
        if n == 0 { return self }
        return try context.term("zero_extend \(n)") { Z3_mk_zero_ext($0, UInt32(n), raw) }
    }

    public func signExtend(by n: Int) throws -> Term {
        guard n >= 0 else { throw Z3Error.conversion("sign_extend \(n)") }
        if n == 0 { return self }
        return try context.term("sign_extend \(n)") { Z3_mk_sign_ext($0, UInt32(n), raw) }
    }
}

/// A satisfying assignment.
public final class Model: CustomStringConvertible {
    public let context: Z3Context
    let raw: Z3_model

    fileprivate init(context: Z3Context, raw: Z3_model) {
        self.context = context
        self.raw = raw
        Z3_model_inc_ref(context.raw, raw)
        context.liveHandles += 1
    }

    deinit {
        Z3_model_dec_ref(context.raw, raw)
        context.liveHandles -= 1
    }

    /// Evaluates `term` under the model, completing unassigned constants with defaults.
    public func eval(_ term: Term) throws -> Term {
        try context.owns([term], "model_eval")
        var out: Z3_ast? = nil
        let ok = withExtendedLifetime(term) { Z3_model_eval(context.raw, raw, term.raw, true, &out) }
        try context.check("model_eval")
        guard ok, let out else { throw Z3Error.nullResult("model_eval of \(term)") }
        return Term(context: context, raw: out)
    }

    /// The value of a bit-vector term (at most 256 bits) under the model.
    public func value(_ term: Term) throws -> UInt256 { try eval(term).uint256() }

    /// The value of an integer term under the model.
    public func integer(_ term: Term) throws -> Int { try eval(term).int() }

    /// The value of a Boolean term under the model.
    public func truth(_ term: Term) throws -> Bool {
        let t = try eval(term)
        if t.isTrue { return true }
        if t.isFalse { return false }
        throw Z3Error.conversion("not a Boolean literal: \(t)")
    }

    public var description: String {
        let s = Z3_model_to_string(context.raw, raw)
        return (try? context.copyString(s, "model_to_string")) ?? "<unprintable model>"
    }
}

/// The outcome of a check. `unknown` is a failure for every caller: never a pass.
public enum SolverResult: CustomStringConvertible {
    case sat(Model)
    case unsat(core: [String])
    case unknown(reason: String)

    public var isSat: Bool { if case .sat = self { return true } else { return false } }
    public var isUnsat: Bool { if case .unsat = self { return true } else { return false } }

    public var description: String {
        switch self {
        case .sat(let m): return "sat\n\(m)"
        case .unsat(let core): return core.isEmpty ? "unsat" : "unsat (core: \(core.joined(separator: ", ")))"
        case .unknown(let reason): return "unknown (\(reason))"
        }
    }
}

/// An incremental solver with an optional timeout.
public final class Solver {
    public let context: Z3Context
    let raw: Z3_solver
    /// Tracking literals by name, for unsat cores.
    private var trackers: [String: Term] = [:]

    /// Which Z3 solver to create.
    public enum Kind: Sendable {
        /// `Z3_mk_solver`: the combined solver (tactics for the detected logic, then incremental).
        case general
        /// `Z3_mk_simple_solver`: the incremental SMT core only; much cheaper to start, so it
        /// suits many small queries.
        case simple
    }

    /// - Parameters:
    ///   - timeoutMilliseconds: per `check`; `nil` for none. A timeout yields `.unknown`.
    ///   - resourceLimit: Z3's `rlimit` per `check` (deterministic work units, unlike a
    ///     timeout); `nil` or 0 for none. Running out yields `.unknown` — how the tests force
    ///     an unknown answer reproducibly.
    public init(context: Z3Context, timeoutMilliseconds: UInt32? = nil, randomSeed: UInt32? = nil,
                resourceLimit: UInt32? = nil, kind: Kind = .general) throws {
        self.context = context
        let s = kind == .general ? Z3_mk_solver(context.raw) : Z3_mk_simple_solver(context.raw)
        try context.check("mk_solver")
        guard let s else { throw Z3Error.nullResult("mk_solver") }
        raw = s
        Z3_solver_inc_ref(context.raw, s)
        context.liveHandles += 1
        let limit = resourceLimit.flatMap { $0 == 0 ? nil : $0 }
        if timeoutMilliseconds != nil || randomSeed != nil || limit != nil {
            let params = try Params(context: context)
            if let t = timeoutMilliseconds { try params.set("timeout", t) }
            if let r = randomSeed { try params.set("random_seed", r) }
            if let l = limit { try params.set("rlimit", l) }
            Z3_solver_set_params(context.raw, s, params.raw)
            try context.check("solver_set_params")
        }
    }

    deinit {
        Z3_solver_dec_ref(context.raw, raw)
        context.liveHandles -= 1
    }

    public func add(_ assertion: Term) throws {
        try context.owns([assertion], "assert")
        withExtendedLifetime(assertion) { Z3_solver_assert(context.raw, raw, assertion.raw) }
        try context.check("assert")
    }

    /// Asserts `assertion` tracked by `name`; an unsat result lists the names in its core.
    public func add(_ assertion: Term, tracking name: String) throws {
        guard trackers[name] == nil else { throw Z3Error.conversion("tracking name used twice: \(name)") }
        try context.owns([assertion], "assert_and_track \(name)")
        let literal = try context.boolean(name)
        withExtendedLifetime((assertion, literal)) {
            Z3_solver_assert_and_track(context.raw, raw, assertion.raw, literal.raw)
        }
        try context.check("assert_and_track \(name)")
        trackers[name] = literal
    }

    public func push() throws {
        Z3_solver_push(context.raw, raw)
        try context.check("push")
    }

    public func pop() throws {
        Z3_solver_pop(context.raw, raw, 1)
        try context.check("pop")
    }

    public func check() throws -> SolverResult {
        let r = Z3_solver_check(context.raw, raw)
        try context.check("check")
        if r == Z3_L_TRUE {
            let m = Z3_solver_get_model(context.raw, raw)
            try context.check("get_model")
            guard let m else { throw Z3Error.nullResult("get_model") }
            return .sat(Model(context: context, raw: m))
        }
        if r == Z3_L_FALSE {
            let core = try AstVector(context: context, Z3_solver_get_unsat_core(context.raw, raw), "get_unsat_core")
            var names: [String] = []
            for i in 0..<core.count {
                let ast = Z3_ast_vector_get(context.raw, core.raw, UInt32(i))
                try context.check("ast_vector_get")
                let app = Z3_to_app(context.raw, ast)
                let decl = Z3_get_app_decl(context.raw, app)
                let sym = Z3_get_decl_name(context.raw, decl)
                try context.check("core element name")
                names.append(try context.copyString(Z3_get_symbol_string(context.raw, sym), "symbol string"))
            }
            return .unsat(core: names.sorted())
        }
        let reason = try context.copyString(Z3_solver_get_reason_unknown(context.raw, raw), "reason_unknown")
        return .unknown(reason: reason)
    }
}

/// Solver parameters (reference counted).
final class Params {
    let context: Z3Context
    let raw: Z3_params

    init(context: Z3Context) throws {
        self.context = context
        let p = Z3_mk_params(context.raw)
        try context.check("mk_params")
        guard let p else { throw Z3Error.nullResult("mk_params") }
        raw = p
        Z3_params_inc_ref(context.raw, p)
        context.liveHandles += 1
    }

    deinit {
        Z3_params_dec_ref(context.raw, raw)
        context.liveHandles -= 1
    }

    func set(_ key: String, _ value: UInt32) throws {
        let sym = try context.symbol(key)
        Z3_params_set_uint(context.raw, raw, sym, value)
        try context.check("params_set_uint \(key)")
    }
}

/// An AST vector (reference counted), used for unsat cores.
final class AstVector {
    let context: Z3Context
    let raw: Z3_ast_vector

    init(context: Z3Context, _ v: Z3_ast_vector?, _ what: String) throws {
        self.context = context
        try context.check(what)
        guard let v else { throw Z3Error.nullResult(what) }
        raw = v
        Z3_ast_vector_inc_ref(context.raw, v)
        context.liveHandles += 1
    }

    deinit {
        Z3_ast_vector_dec_ref(context.raw, raw)
        context.liveHandles -= 1
    }

    var count: Int { Int(Z3_ast_vector_size(context.raw, raw)) }
}

/// Bytes Z3 has allocated and not freed, process-wide (its own counter): what a leak test
/// measures.
public func z3AllocatedBytes() -> UInt64 { Z3_get_estimated_alloc_size() }

/// Z3's version, for reports.
public func z3Version() -> String {
    var major: UInt32 = 0, minor: UInt32 = 0, build: UInt32 = 0, revision: UInt32 = 0
    Z3_get_version(&major, &minor, &build, &revision)
    return "\(major).\(minor).\(build)"
}
