import SMT
import Testing
import _TestSupport

extension SMTTests {
    /// Integer sort in the wrapper, and `PrecedenceProver` (positions as Z3 integers with
    /// tracked precedences) against an independent acyclicity check.
    @Suite struct Precedences {
        @Test func integerTermsAndModels() throws {
            let c = try Z3Context()
            let x = try c.integer("x"), y = try c.integer("y")
            let s = try Solver(context: c, timeoutMilliseconds: 10_000)
            try s.add(x.lt(y))
            try s.add(y.le(c.integer(-5)))
            try s.add(x.ge(c.integer(-7)))
            guard case .sat(let m) = try s.check() else { Issue.record("expected sat"); return }
            let xv = try m.integer(x), yv = try m.integer(y)
            #expect(xv < yv && yv <= -5 && xv >= -7, "x=\(xv) y=\(yv)")
            let bv = try c.bitVector("b", width: 8)
            #expect(x.isInteger && !bv.isInteger)
            // Integers are exact beyond any small bit width, and cores name tracked assertions.
            let s2 = try Solver(context: c, timeoutMilliseconds: 10_000)
            let big = try c.integer(1 << 62)
            try s2.add(x.ge(big), tracking: "x big")
            try s2.add(x.lt(y), tracking: "x below y")
            try s2.add(y.le(c.integer((1 << 62) + 1)), tracking: "y bound")
            guard case .sat(let m2) = try s2.check() else { Issue.record("expected sat"); return }
            #expect(try m2.integer(x) == 1 << 62 && m2.integer(y) == (1 << 62) + 1)
            try s2.add(y.le(big), tracking: "y tighter")
            guard case .unsat(let core) = try s2.check() else { Issue.record("expected unsat"); return }
            #expect(core == ["x below y", "x big", "y tighter"])
        }

        @Test func mixingIntegerAndBitVectorIsAnError() throws {
            let c = try Z3Context()
            let x = try c.integer("x"), b = try c.bitVector("b", width: 8)
            #expect(throws: Z3Error.self) { try x.lt(b) }
            #expect(throws: Z3Error.self) { try b.lt(b) }
            #expect(throws: Z3Error.self) { try b.int() }
            // The context is still usable afterwards.
            let s = try Solver(context: c)
            try s.add(x.gt(c.integer(3)))
            #expect(try s.check().isSat)
        }

        @Test func chainIsOrderedFreeAndPinned() throws {
            let cs = [Precedence(before: 0, after: 1, label: "a"), Precedence(before: 1, after: 3, label: "b"),
                      Precedence(before: 2, after: 3, label: "c")]
            guard case .ordered(let order) = try PrecedenceProver.check(count: 4, constraints: cs) else {
                Issue.record("chain must be ordered"); return
            }
            #expect(order.sorted() == [0, 1, 2, 3])
            for c in cs { #expect(order.firstIndex(of: c.before)! < order.firstIndex(of: c.after)!) }
            #expect(try PrecedenceProver.check(count: 4, constraints: cs, fixedOrder: [0, 1, 2, 3]).isOrdered)
        }

        @Test func cycleIsNamedByTheCore() throws {
            let cs = [Precedence(before: 3, after: 4, label: "unrelated"),
                      Precedence(before: 0, after: 1, label: "x"), Precedence(before: 1, after: 2, label: "y"),
                      Precedence(before: 2, after: 0, label: "z"), Precedence(before: 0, after: 1, label: "x again")]
            guard case .violated(let core, let cycle) = try PrecedenceProver.check(count: 5, constraints: cs) else {
                Issue.record("cycle must be unsat"); return
            }
            // Pairs are tracked once: the duplicate (0,1) is represented by its first constraint.
            #expect(core == [1, 2, 3])
            #expect(cycle.count == 3 && Set(cycle) == [1, 2, 3])
            for (i, k) in cycle.enumerated() {
                #expect(cs[k].after == cs[cycle[(i + 1) % cycle.count]].before, "cycle \(cycle) is not closed")
            }
        }

        @Test func pinnedOrderBreaksOnlyTheReversedEdge() throws {
            let cs = [Precedence(before: 0, after: 1, label: "fine"), Precedence(before: 2, after: 1, label: "reversed"),
                      Precedence(before: 0, after: 2, label: "fine too")]
            guard case .violated(let core, let cycle) = try PrecedenceProver.check(count: 3, constraints: cs, fixedOrder: [0, 1, 2]) else {
                Issue.record("pinned order must break"); return
            }
            #expect(core == [1] && cycle == [1])
            guard case .ordered(let order) = try PrecedenceProver.check(count: 3, constraints: cs) else {
                Issue.record("acyclic constraints must be ordered"); return
            }
            #expect(order == [0, 2, 1])
        }

        @Test func selfLoopIsUnsatisfiable() throws {
            let cs = [Precedence(before: 0, after: 1, label: "ok"), Precedence(before: 1, after: 1, label: "impossible")]
            guard case .violated(let core, let cycle) = try PrecedenceProver.check(count: 2, constraints: cs) else {
                Issue.record("self-loop must be unsat"); return
            }
            #expect(core == [1] && cycle == [1])
        }

        @Test func badInputIsATypedError() {
            #expect(throws: PrecedenceProver.InputError.itemOutOfRange(constraint: 0, item: 2, count: 2)) {
                try PrecedenceProver.check(count: 2, constraints: [Precedence(before: 0, after: 2, label: "")])
            }
            #expect(throws: PrecedenceProver.InputError.itemOutOfRange(constraint: 0, item: -1, count: 2)) {
                try PrecedenceProver.check(count: 2, constraints: [Precedence(before: -1, after: 0, label: "")])
            }
            #expect(throws: PrecedenceProver.InputError.negativeCount(-1)) {
                try PrecedenceProver.check(count: -1, constraints: [])
            }
            #expect(throws: PrecedenceProver.InputError.orderLength(1, count: 2)) {
                try PrecedenceProver.check(count: 2, constraints: [], fixedOrder: [0])
            }
        }

        /// Z3's verdict equals Kahn's algorithm on 300 seeded random graphs (about half cyclic);
        /// every model is a valid order and every cycle is closed and made of core edges.
        @Test func agreesWithTopologicalSortOnRandomGraphs() throws {
            var rng = SeededRNG(seed: 0x0dd5_eed)
            var cyclic = 0
            for round in 0..<300 {
                let n = Int.random(in: 2...12, using: &rng)
                let m = Int.random(in: 1...(2 * n), using: &rng)
                // Mostly forward edges; a few backward ones make cycles likely but not certain.
                let cs: [Precedence] = (0..<m).map { k in
                    var a = Int.random(in: 0..<n, using: &rng), b = Int.random(in: 0..<n, using: &rng)
                    if a == b { b = (a + 1) % n }
                    if Int.random(in: 0..<8, using: &rng) != 0, a > b { swap(&a, &b) }
                    return Precedence(before: a, after: b, label: "e\(k)")
                }
                let acyclic = kahnAcyclic(n, cs)
                let verdict = try PrecedenceProver.check(count: n, constraints: cs, timeoutMilliseconds: 10_000)
                switch verdict {
                case .ordered(let order):
                    #expect(acyclic, "round \(round): Z3 ordered a cyclic graph")
                    #expect(order.sorted() == Array(0..<n))
                    let at = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
                    for c in cs { #expect(at[c.before]! < at[c.after]!, "round \(round): order breaks \(c.label)") }
                case .violated(let core, let cycle):
                    cyclic += 1
                    #expect(!acyclic, "round \(round): Z3 rejected an acyclic graph")
                    #expect(!kahnAcyclic(n, core.map { cs[$0] }), "round \(round): core is not itself cyclic")
                    #expect(!cycle.isEmpty && cycle.allSatisfy(core.contains))
                    for (i, k) in cycle.enumerated() {
                        #expect(cs[k].after == cs[cycle[(i + 1) % cycle.count]].before, "round \(round): cycle not closed")
                    }
                case .unknown(let r):
                    Issue.record("round \(round): unknown \(r)")
                }
            }
            #expect(cyclic > 30 && cyclic < 270, "the generator should give both kinds (\(cyclic) cyclic)")
        }
    }
}

/// Acyclicity by Kahn's algorithm (independent of Z3).
private func kahnAcyclic(_ n: Int, _ cs: [Precedence]) -> Bool {
    var indegree = [Int](repeating: 0, count: n)
    var out = [[Int]](repeating: [], count: n)
    for c in cs { out[c.before].append(c.after); indegree[c.after] += 1 }
    var ready = (0..<n).filter { indegree[$0] == 0 }
    var done = 0
    while let v = ready.popLast() {
        done += 1
        for w in out[v] {
            indegree[w] -= 1
            if indegree[w] == 0 { ready.append(w) }
        }
    }
    return done == n
}
