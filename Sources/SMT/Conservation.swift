import EVMCore

// Conservation of value over a batch of transfers, as bit-vector queries.
//
// Every balance has two views. The *word* view is a 256-bit term built with the executor's
// wrapping arithmetic (`bvsub`/`bvadd`): it is what the Swift code computes, and what
// `evaluate` compares with an executor's post-state. The *wide* view is a `256 + k`-bit term
// (k ≥ 16, enough for every summand) written so that it stays equal to the zero-extended word:
//     zext(a −w b) = zext(a) − zext(b) + 2^256·[a <u b]
//     zext(a +w b) = zext(a) + zext(b) − 2^256·[a +w b <u a]
// (`proveWrapIdentities` has Z3 prove both at 256 bits; by induction over the movements the
// wide view is the zero-extended word view). Sums are taken over wide views, so they cannot
// wrap, and Z3's rewriter cancels the amounts: what is left for the SAT solver is whether a
// borrow or carry can fire. Comparing sums of the word views zero-extended instead is an
// adder-equivalence problem bit-blasting cannot do (measured on this machine: `unknown` after
// 60 s for a batch of 2 transfers).
//
// The conservation query for one asset asserts (each tracked by name, so an unsat core says
// which facts conservation rested on):
//   • every debit is covered: the amount (its parts summed without wrapping) ≤ the balance it
//     reads;
//   • no credit overflows a word (`OverflowAssumption.perCredit`, the default) — or, the
//     stronger statement, the asset's total supply fits in a word (`.supplyBound`), from which
//     that follows on chain (slower: measured 3.8 s for 40 transfers against 0.02 s);
//   • Σ pre ≠ Σ post + Σ burned.
// `unsat` means conserved for every pre-state satisfying the assumptions; `sat` gives concrete
// pre balances and amounts for which value appears or disappears; `unknown` is a failure.

/// Whose balance: ether, or one ERC-20 token's `balanceOf` mapping (by contract address).
public enum Asset: Hashable, Comparable, Sendable, CustomStringConvertible {
    case ether
    case token(Address)

    public var description: String {
        switch self {
        case .ether: return "ether"
        case .token(let a): return "token \(a)"
        }
    }
}

/// An amount of a transfer: a concrete value, or a 256-bit solver variable of that name (the
/// same name is the same variable throughout a batch).
public enum Amount: Hashable, Sendable, CustomStringConvertible {
    case value(UInt256)
    case symbol(String)

    public static let zero = Amount.value(.zero)

    public var description: String {
        switch self {
        case .value(let v): return v.decimalString
        case .symbol(let s): return s
        }
    }
}

/// One transaction of a batch, as far as balances are concerned. `burnedFee` and `tip` are in
/// ether (gas used × base fee, gas used × priority fee) and are paid whether or not the value
/// moved; `moved` is false for a transaction that executed but failed (a revert: fees only).
public struct Transfer: Sendable, Equatable, CustomStringConvertible {
    public var label: String
    public var from: Address
    public var to: Address
    public var asset: Asset
    public var value: Amount
    public var burnedFee: Amount
    public var tip: Amount
    public var moved: Bool

    public init(label: String, from: Address, to: Address, asset: Asset = .ether, value: Amount,
                burnedFee: Amount = .zero, tip: Amount = .zero, moved: Bool = true) {
        self.label = label; self.from = from; self.to = to; self.asset = asset; self.value = value
        self.burnedFee = burnedFee; self.tip = tip; self.moved = moved
    }

    public var description: String {
        "\(label): \(from) → \(to) \(value) \(asset)\(moved ? "" : " (failed)") fee \(burnedFee) burned + \(tip) tip"
    }
}

/// One change of one balance. A debit's amounts are summed without wrapping for its coverage
/// check, then subtracted (wrapping) as one; a burn leaves the ledger (counted separately).
public struct Movement: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case debit, credit, burn }
    public var kind: Kind
    /// The account; ignored for a burn.
    public var account: Address
    public var asset: Asset
    public var amounts: [Amount]

    public static func debit(_ a: Address, _ asset: Asset, _ amounts: [Amount]) -> Movement {
        Movement(kind: .debit, account: a, asset: asset, amounts: amounts)
    }
    public static func credit(_ a: Address, _ asset: Asset, _ amounts: [Amount]) -> Movement {
        Movement(kind: .credit, account: a, asset: asset, amounts: amounts)
    }
    public static func burn(_ asset: Asset, _ amounts: [Amount]) -> Movement {
        Movement(kind: .burn, account: .zero, asset: asset, amounts: amounts)
    }
}

/// How a transfer changes balances. `reference` is what the EVM does; other semantics exist to
/// show the check can fail (tests plant them).
public struct TransferSemantics: Sendable {
    public var name: String
    public var movements: @Sendable (_ transfer: Transfer, _ coinbase: Address) -> [Movement]

    public init(name: String, movements: @escaping @Sendable (Transfer, Address) -> [Movement]) {
        self.name = name; self.movements = movements
    }

    /// The sender pays value (ether) and both fee parts in one covered debit, as the EVM's
    /// up-front charge; the coinbase gets the tip, the base fee is burned; a token value moves
    /// from sender to recipient in the token's mapping with its own covered debit. A failed
    /// transfer pays the fees only.
    public static let reference = TransferSemantics(name: "reference") { t, coinbase in
        var etherDebit: [Amount] = [t.burnedFee, t.tip]
        if t.moved && t.asset == .ether { etherDebit.append(t.value) }
        var out: [Movement] = [.debit(t.from, .ether, etherDebit), .credit(coinbase, .ether, [t.tip]), .burn(.ether, [t.burnedFee])]
        if t.moved {
            if t.asset == .ether {
                out.append(.credit(t.to, .ether, [t.value]))
            } else {
                out.append(.debit(t.from, t.asset, [t.value]))
                out.append(.credit(t.to, t.asset, [t.value]))
            }
        }
        return out
    }
}

/// A (asset, account) balance cell.
public struct BalanceKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var asset: Asset
    public var account: Address
    public init(_ asset: Asset, _ account: Address) { self.asset = asset; self.account = account }
    public static func < (a: BalanceKey, b: BalanceKey) -> Bool { (a.asset, a.account) < (b.asset, b.account) }
    public var description: String { "\(asset) \(account)" }
}

/// Concrete values for which an asset is not conserved.
public struct ConservationWitness: Sendable, CustomStringConvertible {
    public var asset: Asset
    /// Pre and post balances of every account the batch touches in this asset, sorted.
    public var pre: [(account: Address, balance: UInt256)]
    public var post: [(account: Address, balance: UInt256)]
    /// Values of the symbolic amounts.
    public var amounts: [(name: String, value: UInt256)]
    /// Decimal, widened: Σ pre and Σ post + Σ burned.
    public var sumBefore: String
    public var sumAfterPlusBurned: String
    /// (Σ after + burned) − Σ before, signed decimal: value created (> 0) or lost (< 0).
    public var excess: String

    public var description: String {
        var lines = ["\(asset) not conserved: Σ before \(sumBefore), Σ after + burned \(sumAfterPlusBurned) (excess \(excess))"]
        for (p, q) in zip(pre, post) { lines.append("  \(p.account): \(p.balance.decimalString) → \(q.balance.decimalString)") }
        for a in amounts { lines.append("  \(a.name) = \(a.value.decimalString)") }
        return lines.joined(separator: "\n")
    }
}

public enum ConservationVerdict: Sendable, CustomStringConvertible {
    /// unsat: conserved; `core` names the assumptions the proof used (when asked for).
    case conserved(core: [String]?)
    case violated(ConservationWitness)
    /// No pre-state satisfies the assumptions (`core`: the conflicting ones): the "proof"
    /// would hold over an empty set of inputs. A failure, never a pass.
    case vacuous(core: [String])
    /// A failure, never a pass.
    case unknown(String)

    public var isConserved: Bool { if case .conserved = self { return true } else { return false } }
    public var witness: ConservationWitness? { if case .violated(let w) = self { return w } else { return nil } }

    public var description: String {
        switch self {
        case .conserved(let core): return "conserved (unsat\(core.map { "; core: \($0.count) assumptions" } ?? ""))"
        case .violated(let w): return "VIOLATED\n\(w)"
        case .vacuous(let core): return "VACUOUS (the assumptions are unsatisfiable: \(core.isEmpty ? "?" : core.joined(separator: "; ")))"
        case .unknown(let r): return "UNKNOWN (\(r))"
        }
    }
}

public struct AssetReport: Sendable, CustomStringConvertible {
    public var asset: Asset
    public var accounts: Int
    public var movements: Int
    public var verdict: ConservationVerdict
    public var seconds: Double

    public var description: String {
        "\(asset): \(accounts) accounts, \(movements) movements: \(verdict)  [\(formatSeconds(seconds))]"
    }
}

public enum ConservationError: Error, Equatable, CustomStringConvertible {
    /// A concrete pre-state lacks a balance the encoding needs.
    case missingBalance(String)
    /// A symbolic amount was left in a term that had to be concrete.
    case notConcrete(String)

    public var description: String {
        switch self {
        case .missingBalance(let k): return "no pre-state balance given for \(k)"
        case .notConcrete(let k): return "\(k) is symbolic; give it a value"
        }
    }
}

/// What rules out a credit wrapping a balance past 2^256.
public enum OverflowAssumption: Sendable, Equatable {
    /// Each credit's no-overflow is its own tracked assumption.
    case perCredit
    /// Only the asset's total supply (Σ pre) is assumed below 2^256; Z3 derives the rest.
    case supplyBound
}

/// The bit-vector encoding of a batch: pre balances (fresh 256-bit constants named
/// `pre <asset> <account>`), post balances in the word and the wide view (see the file
/// comment), the burned amounts, and the conditions each movement relies on. One per
/// `Z3Context`; not thread-safe.
public final class LedgerEncoding {
    public let context: Z3Context
    public let coinbase: Address
    /// Width of the wide view and of every sum: 256 + enough bits for all summands (≥ 16).
    public let wideWidth: Int
    public private(set) var pre: [BalanceKey: Term] = [:]
    /// Word view (256 bits, the executor's wrapping arithmetic).
    public private(set) var post: [BalanceKey: Term] = [:]
    /// Wide view, equal to the zero-extended word view.
    public private(set) var postWide: [BalanceKey: Term] = [:]
    /// Burned amounts per asset, each at `wideWidth`.
    public private(set) var burned: [Asset: [Term]] = [:]
    /// Coverage of each debit, by a name that says which transfer and account.
    public private(set) var coverage: [(name: String, asset: Asset, condition: Term)] = []
    /// No-overflow of each credit (used with `OverflowAssumption.perCredit`).
    public private(set) var noOverflow: [(name: String, asset: Asset, condition: Term)] = []
    /// The symbolic amounts by name.
    public private(set) var symbols: [String: Term] = [:]
    public private(set) var movementCount: [Asset: Int] = [:]
    private let twoTo256: Term
    /// Σ of every concrete amount of the batch (nil once it passes 2^240): every pre balance
    /// set to it, and every symbolic amount to 0, covers every debit and overflows no credit,
    /// so it witnesses that the assumptions are satisfiable (checked by evaluation).
    private var concreteTotal: UInt256? = .zero

    /// Encodes `transfers` in order under `semantics`.
    public init(context: Z3Context, transfers: [Transfer], coinbase: Address, semantics: TransferSemantics = .reference) throws {
        self.context = context
        self.coinbase = coinbase
        let all = transfers.map { semantics.movements($0, coinbase) }
        let summands = all.reduce(0) { $0 + $1.reduce(0) { $0 + $1.amounts.count + 2 } } + 2
        var extra = 16
        while (1 << extra) < summands { extra += 1 }
        wideWidth = 256 + extra
        twoTo256 = try context.numeral(decimal: twoTo256Decimal, width: wideWidth)
        for (t, moves) in zip(transfers, all) {
            for (j, m) in moves.enumerated() { try apply(m, label: "\(t.label) movement \(j)") }
        }
    }

    func amount(_ a: Amount) throws -> Term {
        switch a {
        case .value(let v): return try context.numeral(v)
        case .symbol(let name):
            if let t = symbols[name] { return t }
            let t = try context.bitVector(name, width: 256)
            symbols[name] = t
            return t
        }
    }

    func current(_ key: BalanceKey) throws -> (word: Term, wide: Term) {
        if let t = post[key], let w = postWide[key] { return (t, w) }
        let t = try context.bitVector("pre \(key.asset) \(key.account)", width: 256)
        pre[key] = t
        post[key] = t
        let w = try widen(t)
        postWide[key] = w
        return (t, w)
    }

    func widen(_ t: Term) throws -> Term { try t.zeroExtend(by: wideWidth - 256) }

    /// 2^256 when `condition`, else 0, at the wide width.
    func wrap(_ condition: Term) throws -> Term {
        try context.ite(condition, twoTo256, context.numeral(0, width: wideWidth))
    }

    private func apply(_ m: Movement, label: String) throws {
        movementCount[m.asset, default: 0] += 1
        let parts = try m.amounts.map(amount)
        for a in m.amounts {
            if case .value(let v) = a, let t = concreteTotal {
                let sum = t &+ v
                concreteTotal = sum < t || sum >= UInt256.one.shiftedLeft(240) ? nil : sum
            }
        }
        var word = try context.numeral(0, width: 256)
        var partsWide = try context.numeral(0, width: wideWidth)
        for p in parts {
            word = try word.add(p)
            partsWide = try partsWide.add(widen(p))
        }
        switch m.kind {
        case .burn:
            burned[m.asset, default: []].append(try widen(word))
        case .credit:
            let key = BalanceKey(m.asset, m.account)
            let (cur, curWide) = try current(key)
            let next = try cur.add(word)
            let carry = try next.ult(cur)
            noOverflow.append((name: "\(label): credit of \(m.asset) \(m.account) stays below 2^256", asset: m.asset, condition: try carry.not()))
            post[key] = next
            postWide[key] = try curWide.add(widen(word)).sub(wrap(carry))
        case .debit:
            let key = BalanceKey(m.asset, m.account)
            let (cur, curWide) = try current(key)
            // Covered: the parts, summed without wrapping, are at most the balance read — said
            // as "their sum fits in a word, and the word sum borrows nothing", so the second
            // atom is literally the negated borrow of the wide view.
            let borrow = try cur.ult(word)
            coverage.append((name: "\(label): debit of \(m.asset) \(m.account) covered", asset: m.asset,
                             condition: try partsWide.ult(twoTo256).and(borrow.not())))
            post[key] = try cur.sub(word)
            postWide[key] = try curWide.sub(widen(word)).add(wrap(borrow))
        }
    }

    public var assets: [Asset] { Set(pre.keys.map(\.asset)).union(burned.keys).sorted() }

    func keys(_ asset: Asset) -> [BalanceKey] { pre.keys.filter { $0.asset == asset }.sorted() }

    /// Σ pre and Σ post + Σ burned of `asset`, at `wideWidth`, over the wide views.
    public func sums(_ asset: Asset) throws -> (before: Term, after: Term) {
        var before = try context.numeral(0, width: wideWidth), after = before
        for k in keys(asset) {
            before = try before.add(widen(pre[k]!))
            after = try after.add(postWide[k]!)
        }
        for b in burned[asset] ?? [] { after = try after.add(b) }
        return (before, after)
    }

    /// Proves (or refutes) conservation of `asset` over the batch. With `withCore`, an unsat
    /// verdict is re-checked with every assumption tracked to name the ones the proof used.
    /// That second check is much slower (tracked assumptions switch off Z3's preprocessing,
    /// which is what cancels the sums: measured `unknown` after 120 s for 300 movements that
    /// the plain check proves in 0.05 s), so it is off by default; a timeout there leaves
    /// `core` nil without changing the verdict.
    ///
    /// The assumptions alone are checked satisfiable first: if no pre-state satisfies them the
    /// statement is about nothing and the verdict is `vacuous` (with the conflicting ones),
    /// never `conserved`. `resourceLimit` is Z3's `rlimit` per query (nil: none).
    public func check(_ asset: Asset, overflow: OverflowAssumption = .perCredit, withCore: Bool = false,
                      timeoutMilliseconds: UInt32 = 60_000, resourceLimit: UInt32? = nil) throws -> ConservationVerdict {
        let (before, after) = try sums(asset)
        var named: [(String, Term)] = []
        for (i, c) in coverage.enumerated() where c.asset == asset { named.append(("#\(i) \(c.name)", c.condition)) }
        switch overflow {
        case .perCredit:
            for (i, c) in noOverflow.enumerated() where c.asset == asset { named.append(("+\(i) \(c.name)", c.condition)) }
        case .supplyBound:
            named.append(("supply of \(asset) < 2^256", try before.ult(twoTo256)))
        }
        let goal = try before.ne(after)
        var witness: [(from: Term, to: Term)]? = nil
        if let total = concreteTotal {
            let balance = try context.numeral(total), zero = try context.numeral(.zero)
            witness = pre.keys.sorted().map { (from: pre[$0]!, to: balance) } + symbols.keys.sorted().map { (from: symbols[$0]!, to: zero) }
        }
        let verdict = try Proof.check(premises: named.map { (name: $0.0, term: $0.1) }, negatedGoal: goal, witness: witness) {
            try Solver(context: context, timeoutMilliseconds: timeoutMilliseconds, resourceLimit: resourceLimit)
        }
        named.append(("sums differ", goal))
        switch verdict {
        case .proven:
            guard withCore else { return .conserved(core: nil) }
            let tracked = try Solver(context: context, timeoutMilliseconds: timeoutMilliseconds, resourceLimit: resourceLimit)
            for (n, a) in named { try tracked.add(a, tracking: n) }
            if case .unsat(let core) = try tracked.check() { return .conserved(core: core) }
            return .conserved(core: nil)
        case .vacuous(let core): return .vacuous(core: core)
        case .unknown(let stage, let reason): return .unknown("\(stage): \(reason)")
        case .refuted(let model):
            let ks = keys(asset)
            let up = try model.eval(after.sub(before)), down = try model.eval(before.sub(after))
            let excess = try up.ult(down).simplified().isTrue ? try up.numeralString() : "-" + (try down.numeralString())
            return .violated(ConservationWitness(
                asset: asset,
                pre: try ks.map { (account: $0.account, balance: try model.value(pre[$0]!)) },
                post: try ks.map { (account: $0.account, balance: try model.value(post[$0]!)) },
                amounts: try symbols.keys.sorted().map { (name: $0, value: try model.value(symbols[$0]!)) },
                sumBefore: try model.eval(before).numeralString(), sumAfterPlusBurned: try model.eval(after).numeralString(),
                excess: excess))
        }
    }

    /// Checks every asset the batch touches.
    public func checkAll(overflow: OverflowAssumption = .perCredit, withCore: Bool = false,
                         timeoutMilliseconds: UInt32 = 60_000, resourceLimit: UInt32? = nil) throws -> [AssetReport] {
        try assets.map { asset in
            let t0 = monotonicSeconds()
            let v = try check(asset, overflow: overflow, withCore: withCore, timeoutMilliseconds: timeoutMilliseconds,
                              resourceLimit: resourceLimit)
            return AssetReport(asset: asset, accounts: keys(asset).count, movements: movementCount[asset] ?? 0, verdict: v,
                               seconds: monotonicSeconds() - t0)
        }
    }

    /// The post balances (word view) for concrete pre balances, by evaluating the same terms
    /// the proof is about (so comparing them with an executor's post-state checks the encoding
    /// itself). `preBalances` must give every key of `pre`; the batch must have no symbolic
    /// amounts.
    public func evaluate(preBalances: [BalanceKey: UInt256]) throws -> [BalanceKey: UInt256] {
        let pairs = try concrete(preBalances)
        var out: [BalanceKey: UInt256] = [:]
        for (k, t) in post { out[k] = try t.substituting(pairs).simplified().uint256() }
        return out
    }

    /// The debits whose coverage is false on concrete pre balances: movements an executor
    /// performed although the balance they read was short (its sender's balance wrapped).
    /// The proof assumes coverage, so on real data this must be empty for the proof to apply.
    public func uncoveredDebits(preBalances: [BalanceKey: UInt256]) throws -> [String] {
        let pairs = try concrete(preBalances)
        var out: [String] = []
        for c in coverage {
            let v = try c.condition.substituting(pairs).simplified()
            if v.isFalse { out.append(c.name) } else if !v.isTrue { throw ConservationError.notConcrete(c.name) }
        }
        return out
    }

    private func concrete(_ preBalances: [BalanceKey: UInt256]) throws -> [(from: Term, to: Term)] {
        if let s = symbols.keys.sorted().first { throw ConservationError.notConcrete(s) }
        var pairs: [(from: Term, to: Term)] = []
        for k in pre.keys.sorted() {
            guard let v = preBalances[k] else { throw ConservationError.missingBalance(k.description) }
            pairs.append((from: pre[k]!, to: try context.numeral(v)))
        }
        return pairs
    }

    /// Proves, at 256 bits and the wide width, the two identities the wide view rests on:
    /// `zext(a −w b) = zext(a) − zext(b) + 2^256·[a <u b]` and
    /// `zext(a +w b) = zext(a) + zext(b) − 2^256·[a +w b <u a]`. Returns the solver's verdict
    /// for each (both `unsat` when they hold).
    /// `faults` is for tests only (`PlantedFault.droppedWrapTerms` answers `wrapCorrection`
    /// with false: the classic mistake, the identities without their 2^256 correction); both
    /// must then come out `sat`, with a borrow or carry in the model.
    public static func proveWrapIdentities(wideWidth: Int = 272, timeoutMilliseconds: UInt32 = 60_000,
                                           faults: (any FaultHook)? = nil) throws -> [(name: String, result: SolverResult)] {
        let c = try Z3Context()
        let a = try c.bitVector("a", width: 256), b = try c.bitVector("b", width: 256)
        let z = { (t: Term) throws -> Term in try t.zeroExtend(by: wideWidth - 256) }
        let zero = try c.numeral(0, width: wideWidth)
        let two = faults.value(at: .wrapCorrection, real: true) ? try c.numeral(decimal: twoTo256Decimal, width: wideWidth) : zero
        let sub = try z(a.sub(b)).ne(z(a).sub(z(b)).add(c.ite(a.ult(b), two, zero)))
        let add = try z(a.add(b)).ne(z(a).add(z(b)).sub(c.ite(a.add(b).ult(a), two, zero)))
        return try [("wrapping subtraction", sub), ("wrapping addition", add)].map { name, negated in
            let s = try Solver(context: c, timeoutMilliseconds: timeoutMilliseconds)
            try s.add(negated)
            return (name: name, result: try s.check())
        }
    }
}

extension FaultPoint where Value == Bool {
    /// `LedgerEncoding.proveWrapIdentities`: whether the identities carry their 2^256 term.
    public static var wrapCorrection: FaultPoint<Bool> { FaultPoint("LedgerEncoding.wrapCorrection") }
}

/// 2^256 in decimal.
let twoTo256Decimal = "115792089237316195423570985008687907853269984665640564039457584007913129639936"

/// Seconds since the first call, monotonic.
func monotonicSeconds() -> Double {
    let d = ContinuousClock.now - processStart
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
private let processStart = ContinuousClock.now
