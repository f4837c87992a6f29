import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import ParallelExecutor
import SMT
import SequencerModel

/// A rule-respecting reordering that changes a user's outcome.
///
/// **What the verifier concludes from one.** A witness is *not* a rule violation: the
/// alternative order satisfies every ordering rule the verifier encodes (R1/R2 lane order,
/// R3 authority nonces, R5, R6, R7, R9, R10, R11, R12, R18) and keeps every transaction in its batch (so R8, R16
/// and R17 are untouched). It shows that the rule catalogue leaves the sequencer a choice
/// that matters to `user` — typically which of two conflicting transactions received within
/// one fairness window Δ goes first (the front-run half of a sandwich, two swaps on one pool,
/// a transfer racing a stake). The verdict still passes; the witness is a *fairness finding*
/// to report (`lockstep verify-batch --fairness`), to audit with the stated policy (arrival or
/// fee order inside Δ), and, when it recurs for the same actor, to tighten Δ or the policy.
/// When the search returns no witness for a conflicting pair, Z3 proved (unsat) that every
/// rule-respecting order keeps that pair as emitted, or re-execution showed no user's
/// outcome depends on it.
public struct FairnessWitness: Sendable, Hashable, CustomStringConvertible {
    /// The batch reordered (its index).
    public var batch: Int
    /// The emitted order had `first` before `second`; the alternative reverses them.
    public var first: Int
    public var second: Int
    /// The batch's transaction ids in the alternative order (the emitted order is in the output).
    public var alternative: [Int]
    /// Whose outcome changes, and how: `balance` (ether before gas fees), `status of tx N`
    /// (success / revert / rejected) or `slot 0xCONTRACT:0xKEY` (a holder-keyed balance).
    public var user: Address
    public var field: String
    public var emitted: String
    public var reordered: String

    public var description: String {
        "batch \(batch): reversing \(first)→\(second) (order \(alternative)) changes \(user) \(field): \(emitted) → \(reordered)"
    }
}

/// The outcome of a search: the witnesses, and how many conflicting pairs the rules pin.
public struct FairnessReport: Sendable {
    public var witnesses: [FairnessWitness]
    /// Conflicting pairs examined.
    public var pairs: Int
    /// Pairs whose order every rule-respecting order keeps (Z3 unsat).
    public var pinned: Int
    /// Pairs with a rule-respecting reversal that changes no user's outcome.
    public var harmless: Int
}

extension BatchVerifier {
    /// Searches, batch by batch, for rule-respecting reorderings that change a user's outcome.
    ///
    /// For each pair of transactions of one batch that conflict (one writes what the other
    /// reads or writes, measured by re-execution; only such pairs can change an outcome),
    /// emitted `a` before `b`: positions are 32-bit bit-vector variables confined to the
    /// batch's range and pairwise distinct, other batches are fixed where they are, every
    /// ordering-rule instance is asserted, and `p(b) < p(a)` is added. If Z3 finds an order,
    /// the smallest change — `b` moved to just before `a` — is tried first (checked against the
    /// same constraints); otherwise Z3's model is used. The whole output is re-executed serially
    /// in the alternative order and each user's outcome compared with the emitted order's.
    ///
    /// Users are the executors (and actors) of `user` and `liquidation` transactions. A user's
    /// outcome: its ether balance plus the gas fees it paid (so gas-cost differences alone do
    /// not count), the status of each of its transactions, and every written storage slot
    /// whose key's low 160 bits are its address (the holder-keyed layouts of the toolkit's
    /// token, pool and staking contracts; Solidity keccak mappings are not recognised).
    ///
    /// Deterministic: pairs are taken in emitted order; at most `maxPairs` are examined and
    /// the search stops after `maxWitnesses` witnesses. `unknown` from Z3 is an error.
    public static func searchReorderings(input: SequencerInput, output: SequencerOutput, maxPairs: Int = 64,
                                         maxWitnesses: Int = 8) throws(BatchVerifierError) -> FairnessReport {
        var c = Checker(input: input, output: output, workers: 1)
        c.execution(compareParallel: false)
        return try c.fairness(maxPairs: maxPairs, maxWitnesses: maxWitnesses)
    }
}

extension Checker {
    struct Outcome {
        var values: [Address: [String: String]] = [:]
        var post: InMemoryState
        /// Written slots whose key's low 160 bits are a user's address.
        var slots: Set<AccessKey> = []
    }

    func users() -> Set<Address> {
        var u = Set<Address>()
        for id in output.order {
            guard let t = tx[id] else { continue }
            switch t.kind {
            case .user, .liquidation: u.insert(t.executor); u.insert(t.actor)
            default: break
            }
        }
        return u
    }

    static let holderMask = UInt256.one.shiftedLeft(160) &- .one

    /// Serial execution of `order` from the pre-state; each user's statuses and balance.
    func outcome(_ order: [Int], users: Set<Address>) -> Outcome {
        let txs = order.compactMap { tx[$0] }
        let r = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: txs.map(\.tx), fork: input.fork)
        let post = input.pre.copy()
        post.apply(r.diff)
        var out = Outcome(post: post)
        var fees: [Address: UInt256] = [:]
        for (t, o) in zip(txs, r.outcomes) {
            guard users.contains(t.executor) || users.contains(t.actor) else { continue }
            let status: String
            switch o {
            case .executed(let rc):
                status = rc.success ? "success" : "reverted"
                let price = t.tx.transaction.effectiveGasPrice(baseFee: input.fork >= .london ? input.block.baseFee : .zero)
                fees[t.executor, default: .zero] = fees[t.executor, default: .zero] &+ price &* UInt256(rc.gasUsed)
            case .rejected(let e): status = "rejected (\(e))"
            }
            out.values[t.actor, default: [:]]["status of tx \(t.id)"] = status
        }
        for u in users {
            let bal = (post.account(u)?.balance ?? .zero) &+ fees[u, default: .zero]
            out.values[u, default: [:]]["balance"] = bal.description
        }
        for (a, d) in r.diff.accounts {
            for k in d.storage.keys where users.contains(Address(truncating: k & Self.holderMask)) { out.slots.insert(.slot(a, k)) }
        }
        return out
    }

    /// Adds, for every holder-keyed slot either run wrote, its final value in `o`.
    func withSlots(_ o: Outcome, _ slots: Set<AccessKey>) -> [Address: [String: String]] {
        var v = o.values
        for case .slot(let a, let k) in slots {
            v[Address(truncating: k & Self.holderMask), default: [:]]["slot \(a):\(k.hexString)"] = o.post.storage(a, k).description
        }
        return v
    }

    /// Fields in the order a witness reports them: statuses, then holder-keyed slots, then balance.
    static func fieldRank(_ f: String) -> Int { f.hasPrefix("status") ? 0 : f.hasPrefix("slot") ? 1 : 2 }

    func conflict(_ a: Int, _ b: Int) -> Bool {
        let wa = actualWrites[a] ?? [], wb = actualWrites[b] ?? []
        let ra = actualReads[a] ?? [], rb = actualReads[b] ?? []
        return !wa.isDisjoint(with: rb.union(wb)) || !wb.isDisjoint(with: ra)
    }

    /// R3 as ordering facts, for the search only (the verifier checks R3 concretely on the
    /// emitted order): an EIP-7702 authorization by A with nonce n consumes A's nonce n where it
    /// runs, so A's own transactions with nonce < n stay before it and those with nonce ≥ n
    /// after it — a reordering across them would skip the authorization or invalidate A's tx.
    func authorizationInstances() -> [Instance] {
        var out: [Instance] = []
        let placed = output.order.compactMap { tx[$0] }
        for t in placed {
            for auth in t.tx.transaction.authorizationList {
                guard let authority = auth.authority(), auth.chainId.isZero || auth.chainId == input.block.chainId else { continue }
                for x in placed where x.tx.sender == authority && x.id != t.id {
                    let shape: Shape = x.seq < auth.nonce ? .before(x.id, t.id) : .before(t.id, x.id)
                    out.append(Instance(rule: "R3", txs: [x.id, t.id], shape: shape,
                                        why: "authorization for \(authority) with nonce \(auth.nonce) against its nonce-\(x.seq) tx"))
                }
            }
        }
        return out
    }

    mutating func fairness(maxPairs: Int, maxWitnesses: Int) throws(BatchVerifierError) -> FairnessReport {
        let all = instances() + authorizationInstances()
        let users = users()
        let base = outcome(output.order, users: users)
        var report = FairnessReport(witnesses: [], pairs: 0, pinned: 0, harmless: 0)
        var start = 0
        do {
            for b in output.batches {
                let ids = b.ids.filter { tx[$0] != nil }
                defer { start += ids.count }
                guard ids.count > 1 else { continue }
                let inBatch = Set(ids)
                // Rule instances wholly about other batches are already satisfied by fixed positions.
                let relevant = all.filter { !inBatch.isDisjoint(with: $0.txs) }
                for (i, a) in ids.enumerated() {
                    for second in ids[(i + 1)...] where conflict(a, second) {
                        if report.pairs >= maxPairs || report.witnesses.count >= maxWitnesses { return report }
                        report.pairs += 1
                        guard let alt = try reversal(a, second, ids: ids, start: start, inBatch: inBatch, rules: relevant) else {
                            report.pinned += 1
                            continue
                        }
                        var order = output.order
                        order.replaceSubrange(start..<(start + ids.count), with: alt)
                        let other = outcome(order, users: users)
                        let slots = base.slots.union(other.slots)
                        let ev = withSlots(base, slots), rv = withSlots(other, slots)
                        var found = false
                        for u in users.sorted(by: { $0 < $1 }) {
                            let e = ev[u] ?? [:], r = rv[u] ?? [:]
                            let fields = Set(e.keys).union(r.keys).sorted { (Self.fieldRank($0), $0) < (Self.fieldRank($1), $1) }
                            for field in fields where e[field] != r[field] {
                                report.witnesses.append(FairnessWitness(batch: b.index, first: a, second: second, alternative: alt, user: u,
                                                                        field: field, emitted: e[field] ?? "untouched",
                                                                        reordered: r[field] ?? "untouched"))
                                found = true
                                break
                            }
                        }
                        if !found { report.harmless += 1 }
                    }
                }
            }
        } catch let e as BatchVerifierError {
            throw e
        } catch {
            throw BatchVerifierError.solver("\(error)")
        }
        return report
    }

    /// An order of the batch `ids` (positions `start…`) satisfying every rule with `second`
    /// before `first`, or nil when Z3 proves none exists.
    func reversal(_ first: Int, _ second: Int, ids: [Int], start: Int, inBatch: Set<Int>, rules: [Instance]) throws -> [Int]? {
        let z = try Z3Context()
        let solver = try Solver(context: z, timeoutMilliseconds: 20_000, kind: .simple)
        var vars: [Int: Term] = [:]
        for id in ids { vars[id] = try z.bitVector("p\(id)", width: 32) }
        func p(_ id: Int) throws -> Term {
            if let v = vars[id] { return v }
            return try z.numeral(pos[id] ?? 0, width: 32)
        }
        let lo = try z.numeral(start, width: 32), hi = try z.numeral(start + ids.count, width: 32)
        for id in ids { try solver.add(z.and([p(id).uge(lo), p(id).ult(hi)])) }
        try solver.add(z.distinct(ids.map { vars[$0]! }))
        for inst in rules { try solver.add(term(inst.shape, p, z)) }
        try solver.add(p(second).ult(p(first)))
        // Smallest change first: `second` moved to just before `first`.
        var moved = ids.filter { $0 != second }
        moved.insert(second, at: moved.firstIndex(of: first) ?? 0)
        try solver.push()
        for (k, id) in moved.enumerated() { try solver.add(p(id).eq(z.numeral(start + k, width: 32))) }
        let small = try solver.check()
        try solver.pop()
        switch small {
        case .sat: return moved
        case .unknown(let reason): throw BatchVerifierError.solver("unknown: \(reason)")
        case .unsat: break
        }
        switch try solver.check() {
        case .sat(let m):
            var placed: [(Int, Int)] = []
            for id in ids { placed.append((Int(try m.value(p(id)).w0), id)) }
            return placed.sorted { $0.0 < $1.0 }.map(\.1)
        case .unsat: return nil
        case .unknown(let reason): throw BatchVerifierError.solver("unknown: \(reason)")
        }
    }
}

extension BatchVerifier {
    /// Executes `output` group after group, each group through the parallel executor
    /// (deterministic driver, `workers`, schedule seed `seed + group index`) on the state the
    /// previous *parallel* groups left, and compares with one serial execution of the whole
    /// output order: per transaction status, gas and logs, then the final state root. Nil when
    /// they agree — "sequencing then parallel execution equals serial execution in output order".
    public static func groupedParallelDifference(input: SequencerInput, output: SequencerOutput, seed: UInt64,
                                                 workers: Int = 2) -> ResultDifference? {
        let byId = Dictionary(input.stream.map { ($0.id, $0.tx) }, uniquingKeysWith: { a, _ in a })
        let order = output.order.compactMap { byId[$0] }
        let serial = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: order, fork: input.fork)
        let state = input.pre.copy()
        var outcomes: [TxOutcome] = []
        var root = serial.stateRoot
        var gi: UInt64 = 0
        for b in output.batches {
            for g in b.groups {
                let txs = g.compactMap { byId[$0] }
                guard !txs.isEmpty else { continue }
                let r = ParallelExecutor(driver: .deterministic(seed: seed &+ gi, workers: max(1, workers), abortBias: 0.3))
                    .execute(preState: state, block: input.block, transactions: txs, fork: input.fork)
                gi += 1
                state.apply(r.diff)
                outcomes += r.outcomes
                root = r.stateRoot
            }
        }
        guard outcomes.count == serial.outcomes.count else {
            return ResultDifference(field: "outcome count", expected: "\(serial.outcomes.count)", actual: "\(outcomes.count)")
        }
        for (i, (s, p)) in zip(serial.outcomes, outcomes).enumerated() {
            switch (s, p) {
            case (.executed(let a), .executed(let b)):
                if a.success != b.success || a.gasUsed != b.gasUsed || a.logsHash != b.logsHash {
                    return ResultDifference(field: "tx \(output.order[i]) receipt", expected: "success \(a.success) gas \(a.gasUsed) logs \(a.logs.count)",
                                            actual: "success \(b.success) gas \(b.gasUsed) logs \(b.logs.count)")
                }
            case (.rejected, .rejected): break
            default:
                return ResultDifference(field: "tx \(output.order[i]) outcome", expected: "\(s)", actual: "\(p)")
            }
        }
        if root != serial.stateRoot {
            return ResultDifference(field: "state root", expected: serial.stateRoot.hexString, actual: root.hexString)
        }
        return nil
    }
}
