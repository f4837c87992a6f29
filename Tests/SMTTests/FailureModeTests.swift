import EVMCore
import Foundation
import OpcodeProofs
import SMT
import Testing

// Issue 19: the Z3 layer must be able to fail. Each test weakens one piece — a spec that drops
// an EVM case, a solver that runs out of resources, premises no input satisfies — and checks
// that the result is reported as such, never as "proven".

private let seed: UInt64 = 0x19_F411

/// One planted spec: the opcode, the weakened spec, and what its mismatch inputs must show.
private struct PlantedSpec: Sendable {
    let opcode: String
    let what: String
    let spec: OpcodeSpecBuilder
    let witnesses: @Sendable ([UInt256]) -> Bool
}

private func n(_ c: Z3Context, _ v: UInt256) throws -> Term { try c.numeral(v) }

private let plantedSpecs: [PlantedSpec] = [
    PlantedSpec(opcode: "DIV", what: "no division-by-zero guard (bvudiv(a, 0) = all ones)",
                spec: { try $0[0].udiv($0[1]) }, witnesses: { $0[1].isZero }),
    PlantedSpec(opcode: "MOD", what: "no modulus-zero guard (bvurem(a, 0) = a)",
                spec: { try $0[0].urem($0[1]) }, witnesses: { $0[1].isZero }),
    PlantedSpec(opcode: "SDIV", what: "no division-by-zero guard",
                spec: { try $0[0].sdiv($0[1]) }, witnesses: { $0[1].isZero }),
    PlantedSpec(opcode: "SDIV", what: "−2^255 / −1 treated as overflow, saturating to 2^255 − 1",
                spec: { v in
                    let c = v[0].context
                    let overflow = try v[0].eq(n(c, .signedMin)).and(v[1].eq(n(c, .max)))
                    return try c.ite(overflow, n(c, UInt256.signedMin &- .one), EVMTerms.evmSdiv(v[0], v[1]))
                },
                witnesses: { $0[0] == .signedMin && $0[1] == .max }),
    PlantedSpec(opcode: "SMOD", what: "a − b·(a sdiv b) with the saturating SDIV (wrong at −2^255 mod −1)",
                spec: { v in
                    let c = v[0].context
                    let overflow = try v[0].eq(n(c, .signedMin)).and(v[1].eq(n(c, .max)))
                    let q = try c.ite(overflow, n(c, UInt256.signedMin &- .one), EVMTerms.evmSdiv(v[0], v[1]))
                    return try c.ite(v[1].eq(n(c, .zero)), n(c, .zero), v[0].sub(q.mul(v[1])))
                },
                witnesses: { $0[0] == .signedMin && $0[1] == .max }),
    PlantedSpec(opcode: "SMOD", what: "no modulus-zero guard (bvsrem(a, 0) = a)",
                spec: { try $0[0].srem($0[1]) }, witnesses: { $0[1].isZero }),
    PlantedSpec(opcode: "SHL", what: "shift amount taken modulo 256",
                spec: { v in try v[1].shl(v[0].bitAnd(n(v[0].context, 255))) },
                witnesses: { $0[0] >= UInt256(256 as UInt64) }),
    PlantedSpec(opcode: "SHR", what: "shift amount taken from its low limb only",
                spec: { v in try v[1].lshr(v[0].extract(high: 63, low: 0).zeroExtend(by: 192)) },
                witnesses: { $0[0] >= UInt256.one.shiftedLeft(64) }),
    PlantedSpec(opcode: "SAR", what: "a shift ≥ 256 gives 0 instead of the sign fill",
                spec: { v in
                    let c = v[0].context
                    return try c.ite(v[0].uge(n(c, 256)), n(c, .zero), v[1].ashr(v[0]))
                },
                witnesses: { $0[0] >= UInt256(256 as UInt64) && $0[1].isNegative }),
    PlantedSpec(opcode: "SIGNEXTEND", what: "byte index taken modulo 32",
                spec: { v in
                    let c = v[0].context
                    return try EVMTerms.evmSignextend(v[0].bitAnd(n(c, 31)), v[1])
                },
                witnesses: { $0[0] >= UInt256(32 as UInt64) }),
    PlantedSpec(opcode: "SIGNEXTEND", what: "index 31 extends bit 255 over nothing, but ≥ 32 extends byte 0",
                spec: { v in
                    let c = v[0].context
                    return try c.ite(v[0].uge(n(c, 32)), v[1].extract(high: 7, low: 0).signExtend(by: 248), EVMTerms.evmSignextend(v[0], v[1]))
                },
                witnesses: { $0[0] >= UInt256(32 as UInt64) }),
    PlantedSpec(opcode: "BYTE", what: "byte index taken modulo 32",
                spec: { v in
                    let c = v[0].context
                    return try EVMTerms.evmByte(v[0].bitAnd(n(c, 31)), v[1])
                },
                witnesses: { $0[0] >= UInt256(32 as UInt64) }),
    PlantedSpec(opcode: "ADDMOD", what: "the sum taken at 256 bits (wraps)",
                spec: { v in
                    let c = v[0].context
                    return try c.ite(v[2].eq(n(c, .zero)), n(c, .zero), v[0].add(v[1]).urem(v[2]))
                },
                witnesses: { $0[0] &+ $0[1] < $0[0] }),
    PlantedSpec(opcode: "MULMOD", what: "the product taken at 256 bits (wraps)",
                spec: { v in
                    let c = v[0].context
                    return try c.ite(v[2].eq(n(c, .zero)), n(c, .zero), v[0].mul(v[1]).urem(v[2]))
                },
                witnesses: { !$0[0].isZero && UInt256.evmDiv($0[0] &* $0[1], $0[0]) != $0[1] }),   // the product wrapped
]

extension SMTTests {
    @Suite struct FailureModes {
        // MARK: Every spec against the concrete reference

        @Test func fixedBoundarySetHasEveryListedValue() {
            let set = Set(OpcodeProver.fixedBoundaryValues)
            let listed: [UInt256] = [.zero, .one, 2, UInt256.signedMin &- .one, .signedMin, .max]
            for v in listed { #expect(set.contains(v), "\(v.hexString)") }
            for k in 0..<256 {
                let p = UInt256.one.shiftedLeft(k)
                #expect(set.contains(p) && set.contains(p &- .one) && set.contains(p &+ .one), "2^\(k)")
            }
            // 0, 1, 2 and 2^k ± 1 (k = 0…255) overlap only at the bottom; 2^256 − 1 = 2^255·2 − 1 is not 2^k ± 1.
            #expect(OpcodeProver.fixedBoundaryValues.count == set.count)
            #expect(OpcodeProver.fixedBoundaryValues == OpcodeProver.fixedBoundaryValues.sorted())
            // A run over no opcode checked nothing: it does not pass.
            #expect(!OpcodeProver.summary([]).passed)
            #expect(set.count > 3 * 256 - 10 && set.count <= 3 * 256 + 6)
        }

        /// Every spec that drops one EVM case fails the reference check on the fixed boundary
        /// set alone (no random cases), before any boundary model or proof runs.
        @Test(arguments: plantedSpecs.indices)
        func weakenedSpecFailsTheReferenceCheck(index: Int) throws {
            let planted = plantedSpecs[index]
            let reports = try OpcodeProver.run(opcodes: [planted.opcode], specOverrides: [planted.opcode: planted.spec],
                                               randomCases: 0, seed: seed)
            let r = try #require(reports.first)
            print("\(planted.opcode) (\(planted.what)): \(r)")
            guard case .specMismatch(let m) = r.outcome else {
                Issue.record("\(planted.opcode) spec with \(planted.what) not rejected: \(r)")
                return
            }
            #expect(m.origin.hasPrefix("fixed boundary set"), "\(m)")
            #expect(planted.witnesses(m.inputs), "mismatch at an unrelated point: \(m)")
            #expect(OpcodeTable.reference[planted.opcode]?(m.inputs) == m.referenceOutput)
            #expect(m.specOutput != m.referenceOutput)
            // Nothing after the spec check ran, and nothing passed.
            #expect(r.boundaryCases == 0 && r.randomCases == 0 && r.proofs.isEmpty)
            #expect(!r.passed)
            let s = OpcodeProver.summary(reports)
            #expect(s.failing == 1 && s.proven == 0 && s.checked == 0 && !s.passed)
        }

        // The unchanged specs pass the same check on every fixed point: `Prover.referenceImplementationPasses`.

        @Test func randomSpecCasesCatchAMidRangeWeakening() throws {
            // Wrong only where bits 203…200 of the first operand read 1010: no value of the fixed
            // set or the partner set has that pattern (each is 0, a single bit, a run of ones
            // from bit 0, or one of those plus 1), so only the seeded random values find it.
            let spec: OpcodeSpecBuilder = { v in
                let c = v[0].context
                let odd = try v[0].extract(high: 203, low: 200).eq(c.numeral(0b1010, width: 4))
                return try c.ite(odd, v[0].bitOr(v[1]).add(n(c, .one)), v[0].bitOr(v[1]))
            }
            let noRandom = try OpcodeProver.run(opcodes: ["OR"], specOverrides: ["OR": spec], randomCases: 0, seed: seed)
            if case .specMismatch = noRandom[0].outcome { Issue.record("the fixed set was not expected to hit this") }
            let reports = try OpcodeProver.run(opcodes: ["OR"], specOverrides: ["OR": spec], randomCases: 2000, seed: seed)
            guard case .specMismatch(let m) = reports[0].outcome else {
                Issue.record("seed \(seed): random spec cases missed the weakening: \(reports[0])")
                return
            }
            #expect(m.origin.contains("random") && m.origin.contains("seed"), "\(m)")
        }

        // MARK: unknown is never proven

        @Test func resourceLimitMakesOpcodeProofsUnknown() throws {
            let reports = try OpcodeProver.run(opcodes: ["ADD", "MUL", "SDIV"], randomCases: 20, seed: seed, proofResourceLimit: 1)
            print(OpcodeProver.render(reports))
            for r in reports {
                guard case .unknown(let reason) = r.outcome else {
                    Issue.record("\(r.opcode) with rlimit 1: expected unknown, got \(r)")
                    continue
                }
                #expect(!reason.isEmpty)
                #expect(!r.passed)
            }
            let s = OpcodeProver.summary(reports)
            #expect(s.unknown == 3 && s.proven == 0 && s.checked == 0 && !s.passed, "\(s)")
            #expect(OpcodeProver.render(reports).contains("0 proven, 0 checked (not proven), 3 unknown, 0 failing"))
        }

        @Test func unfinishedFullWidthProofIsCheckedNotProven() throws {
            // The 256-bit MUL proof, attempted with a small resource limit: it cannot finish, so
            // MUL stays checked, not proven, with the attempt in the reason; it is not a pass
            // turned into a failure either (the small-width proof held).
            let reports = try OpcodeProver.run(opcodes: ["MUL", "ADD"], randomCases: 10, seed: seed,
                                               fullWidth: (timeoutMilliseconds: 30_000, resourceLimit: 20_000))
            print(OpcodeProver.render(reports))
            guard case .checked(_, let widths, let reason) = reports[0].outcome else {
                Issue.record("MUL with an unfinished 256-bit proof: \(reports[0])")
                return
            }
            #expect(widths == [8] && reason.hasPrefix("attempted: 256-bit proof: unknown"), "\(reason)")
            // ADD has its 256-bit proof already: proven, nothing more attempted.
            if case .proven(let w, _) = reports[1].outcome { #expect(w.last == 256) } else { Issue.record("ADD: \(reports[1])") }
            #expect(OpcodeProver.summary(reports) == OpcodeProver.Summary(proven: 1, checked: 1))
        }

        // MARK: Vacuity

        @Test func unsatisfiableBoundaryIsVacuous() throws {
            let planted: OpcodeBoundaryBuilder = { c, v in
                [(label: "planted: x0 < 0", constraint: try v[0].ult(c.numeral(.zero)))]
            }
            let reports = try OpcodeProver.run(opcodes: ["ADD"], extraBoundaries: ["ADD": planted], randomCases: 10, seed: seed)
            guard case .vacuous(let reason) = reports[0].outcome else {
                Issue.record("expected vacuous, got \(reports[0])")
                return
            }
            #expect(reason.contains("planted: x0 < 0"))
            #expect(reports[0].proofs.isEmpty)
            let s = OpcodeProver.summary(reports)
            #expect(s.vacuous == 1 && s.failing == 1 && !s.passed)
        }

        @Test func specAsItsOwnLimbModelIsVacuous() throws {
            // A "limb model" that just returns the spec term makes every proof m = m.
            let reports = try OpcodeProver.run(opcodes: ["ADD"], modelOverrides: ["ADD": { try EVMTerms.evmAdd($0[0], $0[1]) }],
                                               randomCases: 10, seed: seed)
            guard case .vacuous(let reason) = reports[0].outcome else { Issue.record("expected vacuous, got \(reports[0])"); return }
            #expect(reason.contains("the limb model is the specification term itself"))
            #expect(!OpcodeProver.summary(reports).passed)
            // A planted wrong model is refuted at the first proof width: failing, not proven.
            let wrong = try OpcodeProver.run(opcodes: ["ADD"], modelOverrides: ["ADD": { try $0[0].bitOr($0[1]) }], randomCases: 10, seed: seed)
            guard case .failed(let why) = wrong[0].outcome else { Issue.record("expected failed, got \(wrong[0])"); return }
            #expect(why.contains("refuted"), "\(why)")
        }

        @Test func proofWithUnsatisfiablePremisesIsVacuousNotProven() throws {
            let c = try Z3Context()
            let x = try c.bitVector("x", width: 8)
            // x > 200 and x < 100: no input; "x = x + 1" would be "proven" over it.
            let premises = [(name: "x > 200", term: try x.ugt(c.numeral(200, width: 8))),
                            (name: "x < 100", term: try x.ult(c.numeral(100, width: 8)))]
            let goal = try x.eq(x.add(c.numeral(1, width: 8)))
            let v = try Proof.check(premises: premises, negatedGoal: goal.not()) { try Solver(context: c) }
            guard case .vacuous(let core) = v else { Issue.record("expected vacuous, got \(v)"); return }
            #expect(Set(core) == ["x > 200", "x < 100"])
            #expect(!v.isProven)
            // With satisfiable premises the same false goal is refuted, and a true one proven.
            let one = [premises[0]]
            if case .refuted(let m) = try Proof.check(premises: one, negatedGoal: goal.not(), makeSolver: { try Solver(context: c) }) {
                #expect(try m.value(x) > UInt256(200 as UInt64))
            } else { Issue.record("expected refuted") }
            let trueGoal = try x.ugt(c.numeral(100, width: 8))
            #expect(try Proof.check(premises: one, negatedGoal: trueGoal.not(), makeSolver: { try Solver(context: c) }).isProven)
            // A witness that misses the premises does not stand in for them: the solver decides.
            let miss = [(from: x, to: try c.numeral(250, width: 8))]
            if case .vacuous = try Proof.check(premises: premises, negatedGoal: goal.not(), witness: miss, makeSolver: { try Solver(context: c) }) {
            } else { Issue.record("a non-satisfying witness must not make vacuous premises pass") }
            // One that satisfies them skips the premises query; the goal is still decided by Z3.
            let hit = [(from: x, to: try c.numeral(201, width: 8))]
            #expect(try Proof.check(premises: one, negatedGoal: trueGoal.not(), witness: hit, makeSolver: { try Solver(context: c) }).isProven)
            if case .refuted = try Proof.check(premises: one, negatedGoal: goal.not(), witness: hit, makeSolver: { try Solver(context: c) }) {
            } else { Issue.record("expected refuted with a witness") }
            // Out of resources: unknown at the premises, never proven.
            let u = try Proof.check(premises: one, negatedGoal: trueGoal.not(), makeSolver: { try Solver(context: c, resourceLimit: 1) })
            if case .unknown = u {} else if case .proven = u { Issue.record("rlimit 1 still proved: \(u)") }
        }

        @Test func conservationOverUncoverableDebitsIsVacuous() throws {
            // The sender pays value 2^256 − 1 and a tip of 2^256 − 1: no balance covers both, so
            // "conserved whenever every debit is covered" would hold over no pre-state at all.
            let a = Address(low: 0xa), b = Address(low: 0xb), cb = Address(low: 0xc0ffee)
            let t = Transfer(label: "t0", from: a, to: b, value: .value(.max), tip: .value(.max))
            let c = try Z3Context()
            let ledger = try LedgerEncoding(context: c, transfers: [t], coinbase: cb)
            let v = try ledger.check(.ether)
            guard case .vacuous(let core) = v else { Issue.record("expected vacuous, got \(v)"); return }
            #expect(core.contains { $0.contains("t0 movement 0") && $0.contains("covered") }, "\(core)")
            #expect(!v.isConserved)
            // One debit of 2^256 − 1 alone is coverable: conserved.
            let ok = try LedgerEncoding(context: c, transfers: [Transfer(label: "t1", from: a, to: b, value: .value(.max))], coinbase: cb)
            #expect(try ok.check(.ether).isConserved)
        }

        @Test func conservationUnderAResourceLimitIsUnknown() throws {
            let a = Address(low: 0xa), b = Address(low: 0xb), cb = Address(low: 0xc0ffee)
            let ts: [Transfer] = (0..<6).map { (i: Int) -> Transfer in
                let amount = UInt256(1_000 + UInt64(i))
                return Transfer(label: "t\(i)", from: i % 2 == 0 ? a : b, to: i % 2 == 0 ? b : a,
                                value: .value(amount), burnedFee: .value(147_000), tip: .value(21_000))
            }
            let c = try Z3Context()
            let ledger = try LedgerEncoding(context: c, transfers: ts, coinbase: cb)
            #expect(try ledger.check(.ether).isConserved)
            let v = try ledger.check(.ether, resourceLimit: 1)
            guard case .unknown(let reason) = v else { Issue.record("expected unknown with rlimit 1, got \(v)"); return }
            #expect(!reason.isEmpty && !v.isConserved)
        }

        @Test func precedenceUnderAResourceLimitIsUnknown() throws {
            // A long chain with one back edge: with rlimit 1 the answer is unknown, not ordered.
            let n = 300
            var cs = (0..<(n - 1)).map { Precedence(before: $0, after: $0 + 1, label: "c\($0)") }
            cs.append(Precedence(before: n - 1, after: 0, label: "back"))
            let free = try PrecedenceProver.check(count: n, constraints: cs)
            if case .violated = free {} else { Issue.record("the cycle must be found: \(free)") }
            let v = try PrecedenceProver.check(count: n, constraints: Array(cs.dropLast()), resourceLimit: 1)
            if case .unknown = v {} else { Issue.record("expected unknown with rlimit 1, got \(v)") }
            #expect(!v.isOrdered)
        }
    }
}
