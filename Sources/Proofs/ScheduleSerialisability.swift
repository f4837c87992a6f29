import Foundation
import EVMCore
import EVMExecution
import ParallelExecutor
import SMT
import Generators

/// The kinds of ordering constraints a recorded history imposes on an explaining serial order.
public enum ScheduleEdgeKind: String, Sendable, CaseIterable, Comparable {
    /// Read-from: the reader saw this writer's value, so the writer comes first.
    case readFrom = "rf"
    /// Write-write: committed order of two writers of one location (credits commute and are
    /// not ordered among themselves, only against full writes).
    case writeWrite = "ww"
    /// Anti-dependency: the reader saw a value older than this writer's, so the reader comes
    /// first. Together with `ww` this is "no writer strictly between the read-from writer and
    /// the reader": the writers of a location are totally ordered, so it suffices to put the
    /// reader before the first writer (and the credits) above what it saw.
    case antiDependency = "rw"
    /// The dependency guard's tail: executed in order after every earlier transaction.
    case inOrder = "in-order"
    /// A read whose value no committed write explains (an aborted incarnation's write, a
    /// location the writer's committed incarnation did not write): a self-loop, never satisfiable.
    case unexplained = "unexplained"

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// One ordering constraint: `from` before `to`, because of `location`.
public struct ScheduleEdge: Sendable, Hashable, CustomStringConvertible {
    public var kind: ScheduleEdgeKind
    public var from: Int
    public var to: Int
    public var location: AccessLocation?
    /// What was observed, in words.
    public var reason: String

    public var description: String {
        "T\(from) →\(kind.rawValue)→ T\(to)\(location.map { " on \($0)" } ?? ""): \(reason)"
    }
}

/// The verdict of one history.
public struct ScheduleVerdict: Sendable {
    public var transactions: Int
    public var edges: [ScheduleEdge]
    /// Is the committed result explained by the block's own order (pos(i) = i)?
    public var presetOrder: OrderVerdict
    /// Is it explained by any order at all?
    public var anyOrder: OrderVerdict
    public var presetSeconds: Double
    public var anySeconds: Double
    /// Why the history gives the check nothing to work on (nil: it does). A committed
    /// transaction of the parallel prefix with no recorded read or write cannot be a real
    /// execution (every transaction reads its sender's nonce and balance), so its access sets
    /// were not recorded and a "serialisable" answer would hold over an empty set of inputs.
    public var vacuity: String? = nil

    public var edgeCounts: [ScheduleEdgeKind: Int] { edges.reduce(into: [:]) { $0[$1.kind, default: 0] += 1 } }
    /// The preset order explains the result, over a non-vacuous history (an `unknown` is
    /// never a pass).
    public var serialisableInPresetOrder: Bool { presetOrder.isOrdered && vacuity == nil }

    /// What `lockstep prove schedule` passes on: serialisable in the preset order, not vacuous,
    /// and the any-order question answered (not `unknown`).
    public var proven: Bool {
        if case .unknown = anyOrder { return false }
        return serialisableInPresetOrder
    }

    /// The edges behind one order verdict's cycle (or core when no cycle was extracted).
    public func explanation(_ verdict: OrderVerdict) -> [ScheduleEdge] {
        guard case .violated(let core, let cycle) = verdict else { return [] }
        return (cycle.isEmpty ? core : cycle).map { edges[$0] }
    }

    /// The transactions on a violation's cycle, in cycle order.
    public func cycleTransactions(_ verdict: OrderVerdict) -> [Int] { explanation(verdict).map(\.from) }

    public var summary: String {
        let counts = ScheduleEdgeKind.allCases.map { "\($0.rawValue) \(edgeCounts[$0] ?? 0)" }.joined(separator: ", ")
        func line(_ name: String, _ v: OrderVerdict, _ s: Double) -> String {
            let t = String(format: "%.3f s", s)
            switch v {
            case .ordered: return "\(name): serialisable (\(t))"
            case .violated(let core, _):
                let cyc = explanation(v)
                return "\(name): NOT serialisable (\(t)); unsat core \(core.count) constraint(s); cycle:\n"
                    + cyc.map { "    \($0)" }.joined(separator: "\n")
            case .unknown(let r): return "\(name): UNKNOWN (\(r), \(t)) — a failure"
            }
        }
        let against = edges.filter { $0.from >= $0.to }.count
        return "\(transactions) txs, edges: \(counts)\n"
            + (vacuity.map { "  VACUOUS: \($0) — not proven\n" } ?? "")
            + line("  preset order (pos(i) = i)", presetOrder, presetSeconds)
            + (against > 0 ? "\n    (\(against) edge(s) in all point against the block order)" : "") + "\n"
            + line("  any order", anyOrder, anySeconds)
    }
}

/// Is a parallel run's committed result serialisable? From the access sets of the committed
/// incarnations (`AccessSets`), every read-from, write-write and anti-dependency edge is
/// derived and Z3 is asked for integer positions satisfying all of them — once pinned to the
/// block's order (the result Block-STM must produce) and once free (is there any explaining
/// order?). Each edge is a tracked assertion, so an unsat core names the transactions and
/// locations of the cycle.
public enum ScheduleSerialisability {
    /// The ordering constraints of a history. Deterministic: edges come out in transaction,
    /// then read/write order.
    public static func edges(_ sets: AccessSets) -> [ScheduleEdge] {
        let n = sets.transactions.count, m = sets.inOrderFrom
        var writers: [AccessLocation: [(tx: Int, delta: Bool)]] = [:]
        var order: [AccessLocation] = []   // first-write order, for deterministic output
        for t in 0..<m {
            var seen = Set<AccessLocation>()
            for w in sets.transactions[t].writes where seen.insert(w.location).inserted {
                if writers[w.location] == nil { order.append(w.location) }
                writers[w.location, default: []].append((t, w.isDelta))
            }
        }
        var out: [ScheduleEdge] = []
        // Write-write.
        for l in order {
            var lastFull: Int?
            var credits: [Int] = []
            for (t, delta) in writers[l] ?? [] {
                if delta {
                    if let f = lastFull { out.append(ScheduleEdge(kind: .writeWrite, from: f, to: t, location: l, reason: "credit after full write")) }
                    credits.append(t)
                } else {
                    if !credits.isEmpty {
                        for d in credits { out.append(ScheduleEdge(kind: .writeWrite, from: d, to: t, location: l, reason: "full write after credit")) }
                    } else if let f = lastFull {
                        out.append(ScheduleEdge(kind: .writeWrite, from: f, to: t, location: l, reason: "committed order"))
                    }
                    lastFull = t
                    credits = []
                }
            }
        }
        // Reads.
        func committedWrite(_ t: Int, _ l: AccessLocation, delta: Bool) -> Bool {
            t >= 0 && t < m && sets.transactions[t].writes.contains(AccessWrite(l, delta: delta))
        }
        for b in 0..<m {
            for r in sets.transactions[b].reads {
                let l = r.location
                func unexplained(_ why: String) { out.append(ScheduleEdge(kind: .unexplained, from: b, to: b, location: l, reason: why)) }
                let full: Int?, credits: [Int]
                switch r.origin {
                case .base: (full, credits) = (nil, [])
                case .unexplained:
                    unexplained("read a value no committed full write plus credits after it yields")
                    continue
                case .write(let a, let inc):
                    guard committedWrite(a, l, delta: false), a != b, sets.transactions[a].incarnation == inc else {
                        unexplained(a < 0 || a >= n ? "read from T\(a), outside the block"
                                    : a >= m ? "read from T\(a).\(inc), which ran in order later"
                                    : sets.transactions[a].incarnation != inc
                                        ? "read T\(a).\(inc), but T\(a) committed incarnation \(sets.transactions[a].incarnation)"
                                        : "read T\(a).\(inc), whose committed write set lacks the location")
                        continue
                    }
                    (full, credits) = (a, [])
                case .combined(let f, let cs):
                    if let f, !committedWrite(f, l, delta: false) || f == b {
                        unexplained("read T\(f)'s value, but T\(f)'s committed write set lacks the location")
                        continue
                    }
                    if let c = cs.first(where: { !committedWrite($0, l, delta: true) || $0 == b }) {
                        unexplained("read T\(c)'s credit, but T\(c)'s committed write set has no credit there")
                        continue
                    }
                    (full, credits) = (f, cs)
                }
                // Read-from: the full writer and every credit included.
                if let f = full { out.append(ScheduleEdge(kind: .readFrom, from: f, to: b, location: l, reason: "value read")) }
                for c in credits { out.append(ScheduleEdge(kind: .readFrom, from: c, to: b, location: l, reason: "credit included in the value read")) }
                // Anti-dependency: above the full writer, every credit not included, up to and
                // including the next full writer (later writers follow it by write-write edges).
                let included = Set(credits)
                let seen = r.origin.description
                for w in writers[l] ?? [] where w.tx != b && w.tx > (full ?? -1) {
                    if w.delta && included.contains(w.tx) { continue }
                    out.append(ScheduleEdge(kind: .antiDependency, from: b, to: w.tx, location: l,
                                            reason: "read \(seen); T\(w.tx) \(w.delta ? "credits" : "overwrites") it"))
                    if !w.delta { break }
                }
            }
        }
        // The in-order tail.
        if m < n {
            for t in 0..<m { out.append(ScheduleEdge(kind: .inOrder, from: t, to: m, location: nil, reason: "T\(m) ran in order after the parallel prefix")) }
            for t in (m + 1)..<max(m + 1, n) {
                out.append(ScheduleEdge(kind: .inOrder, from: t - 1, to: t, location: nil, reason: "ran in order"))
            }
        }
        return out
    }

    /// Derives the edges and asks Z3 both questions.
    /// `resourceLimit` is Z3's `rlimit` per query (nil: none); running out is `unknown`.
    public static func check(_ sets: AccessSets, timeoutMilliseconds: UInt32 = 60_000,
                             resourceLimit: UInt32? = nil) throws -> ScheduleVerdict {
        let es = edges(sets)
        let n = sets.transactions.count
        let constraints = es.map { Precedence(before: $0.from, after: $0.to, label: $0.description) }
        let t0 = Date()
        let preset = try PrecedenceProver.check(count: n, constraints: constraints, fixedOrder: Array(0..<n),
                                                timeoutMilliseconds: timeoutMilliseconds, resourceLimit: resourceLimit)
        let t1 = Date()
        let any = try PrecedenceProver.check(count: n, constraints: constraints, timeoutMilliseconds: timeoutMilliseconds,
                                             resourceLimit: resourceLimit)
        let t2 = Date()
        return ScheduleVerdict(transactions: n, edges: es, presetOrder: preset, anyOrder: any,
                               presetSeconds: t1.timeIntervalSince(t0), anySeconds: t2.timeIntervalSince(t1),
                               vacuity: vacuity(sets))
    }

    /// Why `sets` is vacuous, or nil: a transaction of the parallel prefix without any
    /// recorded read or write (see `ScheduleVerdict.vacuity`).
    public static func vacuity(_ sets: AccessSets) -> String? {
        let empty = (0..<sets.inOrderFrom).filter { sets.transactions[$0].reads.isEmpty && sets.transactions[$0].writes.isEmpty }
        guard !empty.isEmpty else { return nil }
        let names = empty.prefix(5).map { "T\($0)" }.joined(separator: ", ") + (empty.count > 5 ? ", …" : "")
        return "\(empty.count) of \(sets.inOrderFrom) committed transaction(s) recorded no read or write (\(names)): the access sets were not recorded"
    }

    /// Runs `input` through the parallel executor with access sets recorded and checks them.
    public static func run(_ input: BlockInput, driver: ParallelExecutor.Driver, faults: (any FaultHook)? = nil,
                           timeoutMilliseconds: UInt32 = 60_000, resourceLimit: UInt32? = nil) throws -> (verdict: ScheduleVerdict, report: ParallelReport, result: BlockResult) {
        try run(input, executor: ParallelExecutor(driver: driver, faults: faults), timeoutMilliseconds: timeoutMilliseconds,
                resourceLimit: resourceLimit)
    }

    /// The same with a configured executor (its `recordAccessSets` is turned on).
    public static func run(_ input: BlockInput, executor configured: ParallelExecutor,
                           timeoutMilliseconds: UInt32 = 60_000, resourceLimit: UInt32? = nil) throws -> (verdict: ScheduleVerdict, report: ParallelReport, result: BlockResult) {
        var executor = configured
        executor.recordAccessSets = true
        let (result, report) = executor.executeWithReport(preState: input.pre, block: input.block,
                                                          transactions: input.transactions, fork: input.fork)
        guard let sets = report.accessSets else { throw ScheduleCheckError.noAccessSets }
        return (try check(sets, timeoutMilliseconds: timeoutMilliseconds, resourceLimit: resourceLimit), report, result)
    }
}

public enum ScheduleCheckError: Error, CustomStringConvertible {
    case noAccessSets
    public var description: String { "the parallel executor recorded no access sets" }
}
