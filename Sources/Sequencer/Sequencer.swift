import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import SequencerModel

/// Input the sequencer refuses outright (everything about single transactions is a rejection
/// with a reason instead).
public enum SequencerError: Error, Equatable, CustomStringConvertible {
    case duplicateId(Int)
    case invalidPolicy(String)
    /// The arrival time is so late that the batches it could be decided in have no `UInt64`
    /// close time (see `SequencerPolicy.withinTimeHorizon`).
    case arrivalBeyondHorizon(id: Int, arrival: UInt64)

    public var description: String {
        switch self {
        case .duplicateId(let id): return "transaction id \(id) appears twice in the stream"
        case .invalidPolicy(let why): return "invalid policy: \(why)"
        case .arrivalBeyondHorizon(let id, let t):
            return "transaction id \(id): arrival \(t) is too late: the batches it could be decided in have no 64-bit close time"
        }
    }
}

/// The refining sequencer: intake → nonce lanes and replacement → access prediction →
/// conflict-aware grouping under the ordering rules → batches of parallel groups.
public enum Sequencer {
    /// Orders `input` into batches. `seed` only orders ties — ordinary (not forced, not
    /// express-lane) candidates equal in fairness bucket, kind rank, tip (fee ordering) and
    /// ready time, which no rule orders: seed 0 orders them by id, any other seed by a keyed
    /// hash of the id. For `reference` the output is a function of (input, seed) alone (R19):
    /// nothing else — time, hash-table iteration order, the process — reaches it. `faults` is
    /// for tests only (`PlantedFaults`, e.g. `planted:R19`): the tie salt passes through it;
    /// nil keeps the sequencer as it is.
    public static func sequence(_ input: SequencerInput, seed: UInt64 = 0,
                                faults: (any FaultHook)? = nil) throws(SequencerError) -> SequencerOutput {
        let p = input.policy
        if p.batchInterval == 0 { throw .invalidPolicy("batchInterval must be positive") }
        if p.fairnessWindow == 0 { throw .invalidPolicy("fairnessWindow must be positive") }
        if p.maxGroupsPerBatch < 1 || p.maxTxsPerGroup < 1 { throw .invalidPolicy("group limits must be positive") }
        if p.deferralBound < 0 { throw .invalidPolicy("deferralBound must not be negative") }
        if p.deferralBound > SequencerPolicy.maxDeferralBound {
            throw .invalidPolicy("deferralBound \(p.deferralBound) is above the maximum \(SequencerPolicy.maxDeferralBound)")
        }
        var seen = Set<Int>()
        for t in input.stream where !seen.insert(t.id).inserted { throw .duplicateId(t.id) }
        for t in input.stream where !p.withinTimeHorizon(t.arrival) {
            throw .arrivalBeyondHorizon(id: t.id, arrival: t.arrival)
        }
        let salt = faults.value(at: .tieSalt, real: seed)
        let run = BuildRun(input, tieSalt: salt)
        return run.execute()
    }

    /// The R4 replacement rule: both the fee cap and the tip rise by at least 10%.
    public static func isSufficientReplacement(_ new: Transaction, over old: Transaction) -> Bool {
        func atLeast110(_ n: UInt256, _ o: UInt256) -> Bool {
            let a = n.multipliedFullWidth(by: UInt256(10)), b = o.multipliedFullWidth(by: UInt256(11))
            return (a.high, a.low) >= (b.high, b.low)
        }
        return atLeast110(new.maxFeePerGas, old.maxFeePerGas) && atLeast110(new.maxPriorityFeePerGas, old.maxPriorityFeePerGas)
    }
}

/// The 192-bit bound on nonce keys.
let nonceKeyLimit = UInt256.one.shiftedLeft(192)

/// Sort key of a candidate unit in policy order. `tie` (then `id`, unique) orders units the
/// policy leaves equal, so the order is total and depends on nothing but the key fields.
struct OrderKey: Comparable {
    var cls: Int
    var a: UInt64
    var b: Int
    var c: UInt256
    var d: UInt64
    var tie: UInt64 = 0
    var id: Int
    static func < (x: OrderKey, y: OrderKey) -> Bool {
        if x.cls != y.cls { return x.cls < y.cls }
        if x.a != y.a { return x.a < y.a }
        if x.b != y.b { return x.b < y.b }
        if x.c != y.c { return x.c > y.c }   // higher tip first
        if x.d != y.d { return x.d < y.d }
        if x.tie != y.tie { return x.tie < y.tie }
        return x.id < y.id
    }

    /// The tie rank of transaction `id` under `salt`: 0 for salt 0 (id order), else a
    /// SplitMix64-style finaliser of (salt, id), a bijection of id for a fixed salt.
    static func tieRank(_ id: Int, salt: UInt64) -> UInt64 {
        guard salt != 0 else { return 0 }
        var z = salt &+ UInt64(bitPattern: Int64(id)) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A candidate: one transaction, or a whole bundle in member order.
struct Unit {
    var members: [Int]
    var key: OrderKey
    var readyTime: UInt64
    var forced: Bool
    var express: Bool
}

final class BuildRun {
    let input: SequencerInput
    let policy: SequencerPolicy
    let predictor: AccessPredictor
    let state: InMemoryState
    let byId: [Int: IntakeTx]
    let arrivals: [IntakeTx]
    let tieSalt: UInt64
    var nextArrival = 0

    var pool: [Int] = []                       // admitted, undecided, in arrival order
    var admitted: [Int: Int] = [:]             // id → admission batch
    var deferrals: [Int: Int] = [:]
    var decided = Set<Int>()
    var rejections: [Rejection] = []
    var laneNext: [Lane: UInt64] = [:]
    var laneReady: [Lane: UInt64] = [:]
    var laneExecutor: [Lane: Address] = [:]
    var executorLane: [Address: Lane] = [:]
    var holder: [LaneSeq: Int] = [:]
    var nextExpress: UInt64
    var lastUpdateTime: [UInt64: UInt64] = [:]
    var openFeeds = Set<UInt64>()
    /// Per feed, the placed liquidation received last (R6: an update received before it is too late).
    var placedDependent: [UInt64: (arrival: UInt64, id: Int)] = [:]
    var batchSwaps: [(id: Int, actor: Address, pool: Address, dir: Bool)] = []
    var batches: [Batch] = []

    struct LaneSeq: Hashable { var lane: Lane; var seq: UInt64 }

    /// The batch slot an arrival time falls in, bounded so slot arithmetic cannot overflow.
    /// (Exact for every input `Sequencer.sequence` accepts: see `SequencerPolicy.withinTimeHorizon`.)
    static func slot(_ arrival: UInt64, _ interval: UInt64) -> Int { Int(clamping: arrival / max(1, interval)) }

    init(_ input: SequencerInput, tieSalt: UInt64 = 0) {
        self.input = input
        self.tieSalt = tieSalt
        policy = input.policy
        predictor = AccessPredictor(fork: input.fork, block: input.block)
        state = input.pre.copy()
        var m: [Int: IntakeTx] = [:]
        for t in input.stream { m[t.id] = t }
        byId = m
        arrivals = input.stream.sorted { ($0.arrival, $0.id) < ($1.arrival, $1.id) }
        nextExpress = input.policy.expressStart
        for f in input.policy.feeds { lastUpdateTime[f.feed] = f.initialUpdateTime }
    }

    func execute() -> SequencerOutput {
        var k = 0
        while nextArrival < arrivals.count || !pool.isEmpty {
            if pool.isEmpty, nextArrival < arrivals.count {
                k = max(k, BuildRun.slot(arrivals[nextArrival].arrival, policy.batchInterval))
            }
            admit(upTo: k)
            buildBatch(k)
            ageUndecided(k)
            k &+= 1
        }
        return SequencerOutput(batches: batches, rejections: rejections.sorted { ($0.batch, $0.id) < ($1.batch, $1.id) })
    }

    // MARK: Intake (R1/R2 lanes, R4 replacement)

    func admit(upTo k: Int) {
        let close = policy.batchTime(k)
        while nextArrival < arrivals.count, arrivals[nextArrival].arrival < close {
            let t = arrivals[nextArrival]
            nextArrival += 1
            admitted[t.id] = k
            if t.nonceKey >= nonceKeyLimit { reject(t.id, .invalidNonceKey, k, cascade: false); continue }
            let lane = t.lane
            if let e = laneExecutor[lane], e != t.executor { reject(t.id, .laneExecutorMismatch, k, cascade: false); continue }
            if let l = executorLane[t.executor], l != lane { reject(t.id, .laneExecutorMismatch, k, cascade: false); continue }
            laneExecutor[lane] = t.executor
            executorLane[t.executor] = lane
            if laneNext[lane] == nil { laneNext[lane] = state.account(t.executor)?.nonce ?? 0 }
            if t.seq < laneNext[lane]! { reject(t.id, .nonceTooLow, k, cascade: false); continue }
            let slot = LaneSeq(lane: lane, seq: t.seq)
            if let h = holder[slot], !decided.contains(h), let old = byId[h] {
                if Sequencer.isSufficientReplacement(t.tx.transaction, over: old.tx.transaction) {
                    reject(h, .replaced(by: t.id), k, cascade: false)
                    holder[slot] = t.id
                    pool.append(t.id)
                } else {
                    reject(t.id, .underpricedReplacement(holder: h), k, cascade: false)
                }
            } else {
                holder[slot] = t.id
                pool.append(t.id)
            }
        }
    }

    // MARK: Rejection with reasons (R16: never silent)

    func reject(_ id: Int, _ reason: RejectionReason, _ batch: Int, cascade: Bool = true) {
        var work: [(Int, RejectionReason)] = [(id, reason)]
        while let (x, why) = work.popLast() {
            guard !decided.contains(x), let t = byId[x] else { continue }
            decided.insert(x)
            pool.removeAll { $0 == x }
            rejections.append(Rejection(id: x, reason: why, batch: batch))
            guard cascade else { continue }
            for y in pool {
                guard let u = byId[y] else { continue }
                if u.lane == t.lane && u.seq > t.seq { work.append((y, .predecessorRejected(x))) }
                if let b = t.bundle, let c = u.bundle, b.id == c.id { work.append((y, .bundleMemberInvalid(member: x))) }
            }
        }
    }

    func ageUndecided(_ k: Int) {
        let units = candidateUnits().map(\.members)
        let candidates = Set(units.joined())
        for id in pool.sorted() where !decided.contains(id) {
            deferrals[id, default: 0] += 1
            if deferrals[id]! > policy.deferralBound {
                guard let t = byId[id] else { continue }
                let reason: RejectionReason
                if let s = t.expressSeq, s != nextExpress { reason = .expressGap(expected: nextExpress) }
                else if candidates.contains(id) { reason = .deferralBound }
                else if t.bundle != nil { reason = .bundleIncomplete }
                else { reason = .nonceGap }
                reject(id, reason, k)
            }
        }
        // At the end of the stream nothing can fill a gap any more.
        if nextArrival >= arrivals.count {
            let stuck = pool.filter { !candidates.contains($0) }.sorted()
            for id in stuck where !decided.contains(id) {
                guard let t = byId[id] else { continue }
                let reason: RejectionReason = t.bundle != nil ? .bundleIncomplete
                    : (t.expressSeq.map { $0 != nextExpress } ?? false) ? .expressGap(expected: nextExpress) : .nonceGap
                reject(id, reason, k)
            }
        }
    }

    // MARK: Candidates in policy order

    func rank(_ kind: TxKind) -> Int {
        switch kind {
        case .oracleUpdate: return 0
        case .user, .liquidation, .forced: return 1
        case .privileged, .backrun: return 2
        }
    }

    /// Pool transactions whose lane predecessors are all placed or ahead of them, grouped into
    /// units (whole bundles), sorted in policy order.
    func candidateUnits() -> [Unit] {
        var byLane: [Lane: [IntakeTx]] = [:]
        for id in pool { if let t = byId[id] { byLane[t.lane, default: []].append(t) } }
        var ready: [Int: UInt64] = [:]
        for lane in byLane.keys.sorted() {
            var expected = laneNext[lane] ?? 0
            var rt = laneReady[lane] ?? 0
            for t in byLane[lane]!.sorted(by: { $0.seq < $1.seq }) {
                guard t.seq == expected else { break }
                rt = max(rt, t.arrival)
                ready[t.id] = rt
                expected &+= 1
            }
        }
        var units: [Unit] = []
        var bundles: [UInt64: [IntakeTx]] = [:]
        var expressSeqs = Set<UInt64>()
        for id in pool { if let t = byId[id], let s = t.expressSeq { expressSeqs.insert(s) } }
        for id in pool.sorted() {
            guard let t = byId[id], let rt = ready[id] else { continue }
            if let b = t.bundle { bundles[b.id, default: []].append(t); continue }
            units.append(makeUnit([t], readyTime: rt, expressSeqs: expressSeqs))
        }
        for bid in bundles.keys.sorted() {
            let members = bundles[bid]!.sorted { $0.bundle!.index < $1.bundle!.index }
            guard let size = members.first?.bundle?.size, members.count == size,
                  members.enumerated().allSatisfy({ $0.element.bundle!.index == $0.offset }) else { continue }
            let rt = members.compactMap { ready[$0.id] }.max() ?? 0
            units.append(makeUnit(members, readyTime: rt, expressSeqs: expressSeqs))
        }
        return units.sorted { $0.key < $1.key }
    }

    func makeUnit(_ members: [IntakeTx], readyTime: UInt64, expressSeqs: Set<UInt64>) -> Unit {
        let head = members[0]
        let key: OrderKey
        let forced: Bool, express: Bool
        if case .forced(let l1) = head.kind {
            key = OrderKey(cls: 0, a: l1, b: 0, c: .zero, d: 0, id: head.id); forced = true; express = false
        } else if let s = head.expressSeq {
            key = OrderKey(cls: 1, a: s, b: 0, c: .zero, d: 0, id: head.id); forced = false; express = true
        } else {
            let bucket = readyTime / policy.fairnessWindow
            let tip = policy.ordering == .fee ? head.tx.transaction.maxPriorityFeePerGas : UInt256.zero
            key = OrderKey(cls: 2, a: bucket, b: rank(head.kind), c: tip, d: readyTime, tie: OrderKey.tieRank(head.id, salt: tieSalt), id: head.id)
            forced = false; express = false
        }
        return Unit(members: members.map(\.id), key: key, readyTime: readyTime, forced: forced, express: express)
    }

    // MARK: Rule checks at placement

    enum Verdict {
        case ok, skip, reject(RejectionReason)
        func merged(_ o: Verdict) -> Verdict {
            switch (self, o) {
            case (.reject, _): return self
            case (_, .reject): return o
            case (.skip, _), (_, .skip): return .skip
            default: return .ok
            }
        }
    }

    /// R3: every EIP-7702 authorization must be effective where the transaction runs (the
    /// authority's nonce equals the authorization's). A nonce still ahead waits; one already
    /// used is rejected.
    func authorizationCheck(_ t: IntakeTx) -> Verdict {
        for auth in t.tx.transaction.authorizationList {
            guard let authority = auth.authority() else { continue }
            if !auth.chainId.isZero && auth.chainId != input.block.chainId { continue }
            let current = state.account(authority)?.nonce ?? 0
            if auth.nonce > current { return .skip }
            if auth.nonce < current || authority == t.executor { return .reject(.authorizationNonce(authority: authority)) }
        }
        return .ok
    }

    static func swapDirection(_ t: IntakeTx, pools: [Address]) -> (pool: Address, dir: Bool)? {
        guard let to = t.tx.transaction.to, pools.contains(to) else { return nil }
        let word = t.tx.transaction.data.prefix(32)
        return (to, word.contains { $0 != 0 })
    }

    func ruleCheck(_ t: IntakeTx, batch k: Int, extraSwaps: [(id: Int, actor: Address, pool: Address, dir: Bool)]) -> Verdict {
        if laneNext[t.lane] != t.seq { return .skip }
        if let s = t.expressSeq, s != nextExpress { return .skip }
        let now = policy.batchTime(k)
        switch t.kind {
        case .privileged, .backrun:
            // R7: hold while an update's first dependent (known before this tx) is still out.
            for f in openFeeds.sorted() {
                let waiting = pool.contains { id in
                    guard let d = byId[id], !decided.contains(id), case .liquidation(let g) = d.kind else { return false }
                    return g == f && d.arrival <= t.arrival
                }
                if waiting { return .skip }
            }
        case .oracleUpdate(let f):
            // R6: once a liquidation of this feed received after this update is placed, the
            // update can never go before it (it was held back by a nonce gap of its lane while
            // the liquidation was ready: waiting would have broken R11's fairness instead).
            if let d = placedDependent[f], d.arrival > t.arrival { return .reject(.dependentAlreadyPlaced(liquidation: d.id)) }
        case .liquidation(let f):
            if let fp = policy.feed(f) {
                let last = lastUpdateTime[f] ?? fp.initialUpdateTime
                if now > last && now - last > fp.maxAge { return .reject(.staleFeed(feed: f)) }
                if let end = fp.downtimeEnd, now >= end, now - end < fp.grace { return .reject(.feedGracePeriod(feed: f)) }
            }
        default: break
        }
        if let (p, dir) = BuildRun.swapDirection(t, pools: policy.pools) {
            let swaps = batchSwaps + extraSwaps
            for (i, a) in swaps.enumerated() where a.actor == t.actor && a.pool == p && a.dir != dir {
                for v in swaps[(i + 1)...] where v.actor != t.actor && v.pool == p && v.dir == a.dir {
                    return .reject(.sandwich(front: a.id, victim: v.id))
                }
            }
        }
        return .ok
    }

    // MARK: Batch building (R5, R11–R15, R17, R18)

    func buildBatch(_ k: Int) {
        batchSwaps = []
        var groups: [[Int]] = []
        var access: [TxAccess] = []
        var predictedById: [Int: PredictedAccess] = [:]
        while groups.count < policy.maxGroupsPerBatch {
            let units = candidateUnits()
            if units.isEmpty { break }
            var group: [Int] = []
            var groupAccess = PredictedAccess.empty
            var groupPredictions: [(Int, PredictedAccess)] = []
            var skipped: [(Unit, PredictedAccess?)] = []
            var closeAfter = false
            var placedBundle = false
            var laneTaken = Set<Lane>()
            scan: for unit in units {
                if closeAfter || group.count >= policy.maxTxsPerGroup { break }
                guard unit.members.allSatisfy({ !decided.contains($0) }) else { continue }
                // R5: a forced transaction left behind keeps everything after it out of the group.
                if skipped.contains(where: { $0.0.forced }) { break }
                // R11: nothing overtakes a skipped transaction that became ready Δ earlier.
                if !unit.forced && !unit.express,
                   skipped.contains(where: { !$0.0.forced && !$0.0.express && $0.0.readyTime <= unit.readyTime && unit.readyTime - $0.0.readyTime >= policy.fairnessWindow }) {
                    break
                }
                if unit.members.count > 1 {
                    // R18: a bundle goes alone, one member per group, contiguously.
                    guard group.isEmpty, skipped.isEmpty, policy.maxGroupsPerBatch - groups.count >= unit.members.count else {
                        skipped.append((unit, nil)); continue
                    }
                    if placeBundle(unit, batch: k, groups: &groups, access: &access, predicted: &predictedById) {
                        placedBundle = true
                        break scan
                    }
                    continue
                }
                let id = unit.members[0]
                guard let t = byId[id] else { continue }
                if laneTaken.contains(t.lane) { skipped.append((unit, nil)); continue }
                // R10: a privileged transaction never overtakes a skipped user transaction that
                // was ready before it arrived (its lane successors may conflict).
                if t.kind.isPrivileged, skipped.contains(where: { s in
                    !s.0.forced && !s.0.express && s.0.readyTime < t.arrival
                        && !s.0.members.contains { byId[$0]?.kind.isPrivileged ?? false }
                }) {
                    skipped.append((unit, nil)); continue
                }
                let prediction: PredictedAccess
                switch predictor.predict(t.tx, on: state) {
                case .rejected(let e):
                    if laneNext[t.lane] == t.seq { reject(id, .invalid("\(e)"), k) } else { skipped.append((unit, nil)) }
                    continue
                case .valid(let pa): prediction = pa
                }
                // Keep the order of conflicting transactions (R6, R10 and serial equivalence).
                // Without a prediction, only a skipped lane *predecessor* holds this one back: a
                // skipped successor (fee order can rank it first) must not block the
                // transaction it waits for.
                if skipped.contains(where: { $0.1.map { $0.conflicts(with: prediction) }
                        ?? ($0.0.members.contains { m in byId[m].map { $0.lane == t.lane && $0.seq < t.seq } ?? false }) }) {
                    skipped.append((unit, prediction)); continue
                }
                if groupAccess.conflicts(with: prediction) { skipped.append((unit, prediction)); continue }
                // R6: an update of the feed this liquidation reads, received before it, that this
                // scan skipped without a prediction (its lane was taken in this group, or R10
                // held it) goes first: the conflict test above cannot see it.
                if case .liquidation(let f) = t.kind, skipped.contains(where: { s in s.1 == nil && s.0.members.contains { m in
                    guard let u = byId[m], case .oracleUpdate(let g) = u.kind else { return false }
                    return g == f && u.arrival < t.arrival
                } }) {
                    skipped.append((unit, prediction)); continue
                }
                let touchesBeneficiary = prediction.touches(input.block.coinbase)
                if touchesBeneficiary && !group.isEmpty { skipped.append((unit, prediction)); continue }
                switch authorizationCheck(t).merged(ruleCheck(t, batch: k, extraSwaps: [])) {
                case .skip: skipped.append((unit, prediction)); continue
                case .reject(let r): reject(id, r, k); continue
                case .ok: break
                }
                group.append(id)
                laneTaken.insert(t.lane)
                groupAccess.formUnion(prediction)
                groupPredictions.append((id, prediction))
                noteSwap(t)
                if touchesBeneficiary { closeAfter = true }
            }
            if placedBundle { continue }
            if group.isEmpty { break }
            commitGroup(group, batch: k)
            for (id, pa) in groupPredictions { predictedById[id] = pa; access.append(record(id, pa)) }
            groups.append(group)
        }
        guard !groups.isEmpty else { return }
        batches.append(Batch(index: k, time: policy.batchTime(k), groups: groups, access: access.sorted { $0.id < $1.id },
                             blockAccessList: blockAccessList(groups: groups, predicted: predictedById)))
    }

    func noteSwap(_ t: IntakeTx) {
        if let (p, d) = BuildRun.swapDirection(t, pools: policy.pools) { batchSwaps.append((t.id, t.actor, p, d)) }
    }

    /// Places a bundle as consecutive singleton groups, or rejects it whole.
    func placeBundle(_ unit: Unit, batch k: Int, groups: inout [[Int]], access: inout [TxAccess],
                     predicted: inout [Int: PredictedAccess]) -> Bool {
        let scratch = state.copy()
        var preds: [PredictedAccess] = []
        var extra: [(id: Int, actor: Address, pool: Address, dir: Bool)] = []
        var lanePos: [Lane: UInt64] = [:]
        for id in unit.members {
            guard let t = byId[id] else { return false }
            let expected = lanePos[t.lane] ?? laneNext[t.lane] ?? 0
            if t.seq != expected { return false }
            lanePos[t.lane] = expected &+ 1
            if t.expressSeq != nil { reject(id, .bundleMemberInvalid(member: id), k); return false }
            switch predictor.predict(t.tx, on: scratch) {
            case .rejected(let e): reject(id, .invalid("\(e)"), k); return false
            case .valid(let pa): preds.append(pa)
            }
            let saved = laneNext[t.lane]
            laneNext[t.lane] = t.seq
            let verdict = ruleCheck(t, batch: k, extraSwaps: extra)
            laneNext[t.lane] = saved
            switch verdict {
            case .skip: return false
            case .reject(let r): reject(id, r, k); return false
            case .ok: break
            }
            if let (p, d) = BuildRun.swapDirection(t, pools: policy.pools) { extra.append((t.id, t.actor, p, d)) }
            let result = SerialExecutor().execute(preState: scratch, block: input.block, transactions: [t.tx], fork: input.fork)
            scratch.apply(result.diff)
        }
        for (id, pa) in zip(unit.members, preds) {
            guard let t = byId[id] else { continue }
            noteSwap(t)
            commitGroup([id], batch: k)
            predicted[id] = pa
            access.append(record(id, pa))
            groups.append([id])
        }
        return true
    }

    /// Executes a finished group on the running state and records its effects on the rules.
    func commitGroup(_ group: [Int], batch k: Int) {
        let txs = group.compactMap { byId[$0]?.tx }
        let result = SerialExecutor().execute(preState: state, block: input.block, transactions: txs, fork: input.fork)
        state.apply(result.diff)
        for id in group {
            guard let t = byId[id] else { continue }
            decided.insert(id)
            pool.removeAll { $0 == id }
            holder[LaneSeq(lane: t.lane, seq: t.seq)] = nil
            laneNext[t.lane] = t.seq &+ 1
            laneReady[t.lane] = max(laneReady[t.lane] ?? 0, t.arrival)
            if let s = t.expressSeq, s == nextExpress { nextExpress = s &+ 1 }
            // R3: an authorization consumed a nonce of its authority's lane.
            for auth in t.tx.transaction.authorizationList {
                guard let authority = auth.authority(), let lane = executorLane[authority] else { continue }
                let now = state.account(authority)?.nonce ?? 0
                if now > (laneNext[lane] ?? 0) {
                    laneNext[lane] = now
                    let used = pool.filter { id in byId[id].map { $0.lane == lane && $0.seq < now } ?? false }
                    for id in used { reject(id, .nonceTooLow, k, cascade: false) }
                }
            }
            switch t.kind {
            case .oracleUpdate(let f): lastUpdateTime[f] = policy.batchTime(k); openFeeds.insert(f)
            case .liquidation(let f):
                openFeeds.remove(f)
                if t.arrival > placedDependent[f]?.arrival ?? 0 { placedDependent[f] = (t.arrival, id) }
            default: break
            }
        }
    }

    // MARK: Emitted access lists

    func record(_ id: Int, _ pa: PredictedAccess) -> TxAccess {
        var byAddress: [Address: Set<UInt256>] = [:]
        for key in pa.reads.union(pa.writes) {
            switch key {
            case .account(let a): byAddress[a, default: []].formUnion([])
            case .slot(let a, let s): byAddress[a, default: []].insert(s)
            }
        }
        let list = byAddress.keys.sorted().map { a in
            AccessListEntry(address: a, storageKeys: byAddress[a]!.sorted().map { Bytes32($0) })
        }
        return TxAccess(id: id, reads: pa.reads.sorted(), writes: pa.writes.sorted(), accessList: list)
    }

    func blockAccessList(groups: [[Int]], predicted: [Int: PredictedAccess]) -> [AccountAccessEntry] {
        var writers: [Address: [UInt256: [Int]]] = [:]
        var reads: [Address: Set<UInt256>] = [:]
        var changes: [Address: [Int]] = [:]
        var addresses = Set<Address>()
        for id in groups.joined() {
            guard let pa = predicted[id] else { continue }
            for key in pa.writes {
                addresses.insert(key.address)
                switch key {
                case .account(let a): changes[a, default: []].append(id)
                case .slot(let a, let s): writers[a, default: [:]][s, default: []].append(id)
                }
            }
            for case .slot(let a, let s) in pa.reads.subtracting(pa.writes) { addresses.insert(a); reads[a, default: []].insert(s) }
            for case .account(let a) in pa.reads { addresses.insert(a) }
        }
        return addresses.sorted().map { a in
            let w = writers[a] ?? [:]
            let slots = w.keys.sorted()
            return AccountAccessEntry(address: a, writtenSlots: slots, writers: slots.map { w[$0]! },
                                      storageReads: (reads[a] ?? []).subtracting(slots).sorted(), accountChanges: changes[a] ?? [])
        }
    }
}
