import Foundation

/// "Item `before` must come strictly before item `after`": one edge of a precedence graph,
/// with a label for reports. `before == after` is allowed and can never hold (it encodes an
/// observation that no order explains).
public struct Precedence: Sendable, Hashable {
    public var before: Int
    public var after: Int
    public var label: String

    public init(before: Int, after: Int, label: String) {
        self.before = before; self.after = after; self.label = label
    }
}

/// The answer to "is there an order of the items satisfying every precedence?".
public enum OrderVerdict: Sendable {
    /// Satisfiable; `order` lists every item once, each precedence respected (a linear
    /// extension built from Z3's model).
    case ordered(order: [Int])
    /// Unsatisfiable. `core` holds indices into the constraint list whose conjunction Z3
    /// proved unsatisfiable; `cycle` is a cycle through core constraints only, in order
    /// (each constraint's `after` is the next one's `before`, the last closes on the first).
    case violated(core: [Int], cycle: [Int])
    /// The solver gave up (timeout, resource limit). Always a failure, never a pass.
    case unknown(reason: String)

    public var isOrdered: Bool { if case .ordered = self { return true } else { return false } }
}

/// Orders as Z3 integer problems: one `Int` position per item, one tracked assertion
/// `pos(before) < pos(after)` per distinct (before, after) pair, so an unsat core names the
/// pairs (and through them the labels) that cannot all hold.
///
/// Invariant: strict precedences over integer positions are satisfiable exactly when the
/// constraint graph is acyclic, so every core contains a cycle and `cycle(in:)` always finds
/// one; the tests check Z3's answer against that.
public enum PrecedenceProver {
    /// Errors for inputs that name items outside `0..<count`.
    public enum InputError: Error, Equatable, CustomStringConvertible {
        case itemOutOfRange(constraint: Int, item: Int, count: Int)
        case negativeCount(Int)
        case orderLength(Int, count: Int)
        public var description: String {
            switch self {
            case .itemOutOfRange(let c, let i, let n): return "constraint \(c) names item \(i), outside 0..<\(n)"
            case .negativeCount(let n): return "item count \(n) is negative"
            case .orderLength(let l, let n): return "fixed order has \(l) positions for \(n) items"
            }
        }
    }

    /// Checks the precedences over `count` items.
    /// - Parameter fixedOrder: when set, positions are pinned (`pos(i) = fixedOrder[i]`,
    ///   untracked), so the question becomes "does this particular order satisfy every
    ///   constraint?" and the core lists the constraints it breaks (a self-loop or a pair whose
    ///   pinned positions are reversed).
    /// - Parameter resourceLimit: Z3's `rlimit` for the query (nil: none); running out is
    ///   `unknown`, as is a timeout.
    public static func check(count: Int, constraints: [Precedence], fixedOrder: [Int]? = nil,
                             timeoutMilliseconds: UInt32 = 60_000, resourceLimit: UInt32? = nil) throws -> OrderVerdict {
        guard count >= 0 else { throw InputError.negativeCount(count) }
        for (k, c) in constraints.enumerated() {
            for item in [c.before, c.after] where !(0..<count).contains(item) {
                throw InputError.itemOutOfRange(constraint: k, item: item, count: count)
            }
        }
        if let f = fixedOrder, f.count != count { throw InputError.orderLength(f.count, count: count) }
        let z = try Z3Context()
        let solver = try Solver(context: z, timeoutMilliseconds: timeoutMilliseconds, resourceLimit: resourceLimit, kind: .simple)
        let pos = try (0..<count).map { try z.integer("pos\($0)") }
        if let f = fixedOrder {
            for i in 0..<count { try solver.add(pos[i].eq(z.integer(f[i]))) }
        }
        // One tracked assertion per distinct pair; remember the first constraint of each.
        struct Pair: Hashable { let before: Int, after: Int }
        var firstOfPair: [Pair: Int] = [:]
        var pairOf: [Int] = []   // tracker index → constraint index
        for (k, c) in constraints.enumerated() {
            let key = Pair(before: c.before, after: c.after)
            if firstOfPair[key] != nil { continue }
            firstOfPair[key] = k
            pairOf.append(k)
            try solver.add(pos[c.before].lt(pos[c.after]), tracking: "p\(pairOf.count - 1)")
        }
        switch try solver.check() {
        case .sat(let model):
            let p = try pos.map { try model.integer($0) }
            // Ties have no constraint between them (all are strict), so any tie-break works.
            let order = (0..<count).sorted { (p[$0], $0) < (p[$1], $1) }
            // Z3's model is checked, not trusted: every precedence must hold in it (and the
            // pinned positions, if any), else the answer is an error rather than a pass.
            if let k = constraints.firstIndex(where: { p[$0.before] >= p[$0.after] }) {
                throw Z3Error.conversion("model violates constraint \(k) (\(constraints[k].label))")
            }
            if let f = fixedOrder, let i = (0..<count).first(where: { p[$0] != f[$0] }) {
                throw Z3Error.conversion("model moves pinned item \(i) to \(p[i])")
            }
            return .ordered(order: order)
        case .unsat(let names):
            var core: [Int] = []
            for n in names {
                guard n.hasPrefix("p"), let t = Int(n.dropFirst()), pairOf.indices.contains(t) else {
                    throw Z3Error.conversion("unexpected core element \(n)")
                }
                core.append(pairOf[t])
            }
            core.sort()
            let cycle: [Int]
            if let f = fixedOrder {
                // Against a pinned order one reversed pair is already the whole story.
                cycle = core.first { f[constraints[$0].before] >= f[constraints[$0].after] }.map { [$0] } ?? []
            } else {
                cycle = Self.cycle(in: core, of: constraints)
            }
            return .violated(core: core, cycle: cycle)
        case .unknown(let reason):
            return .unknown(reason: reason)
        }
    }

    /// A shortest-found cycle among `subset` (indices into `constraints`), as constraint
    /// indices in cycle order; empty when the subset is acyclic. Breadth-first search from
    /// each edge's head back to its tail, so the first cycle found through the edge is one of
    /// the shortest through it.
    public static func cycle(in subset: [Int], of constraints: [Precedence]) -> [Int] {
        var out: [Int: [Int]] = [:]
        for k in subset { out[constraints[k].before, default: []].append(k) }
        var best: [Int] = []
        for k in subset {
            let start = constraints[k]
            if start.before == start.after { return [k] }
            // BFS from start.after to start.before.
            var via: [Int: Int] = [start.after: -1]
            var queue = [start.after], head = 0
            var found = false
            while head < queue.count && !found {
                let node = queue[head]; head += 1
                for e in out[node] ?? [] {
                    let next = constraints[e].after
                    if via[next] != nil { continue }
                    via[next] = e
                    if next == start.before { found = true; break }
                    queue.append(next)
                }
            }
            guard found else { continue }
            var path: [Int] = []
            var node = start.before
            while let e = via[node], e >= 0 { path.append(e); node = constraints[e].before }
            let cyc = [k] + path.reversed()
            if best.isEmpty || cyc.count < best.count { best = cyc }
        }
        return best
    }
}
