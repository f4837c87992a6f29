import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution

/// The data the sequencer and the batch verifier share: the intake stream, the policy, and the
/// emitted batches. No behaviour beyond plain accessors lives here, so the verifier can check
/// the sequencer's output without running any of the sequencer's code.

/// What a transaction is, as far as the ordering rules care.
public enum TxKind: Sendable, Hashable {
    case user
    /// An L1-forced or system transaction; `l1Index` is its position in L1 order (R5).
    case forced(l1Index: UInt64)
    /// An oracle price update for `feed` (R6–R8).
    case oracleUpdate(feed: UInt64)
    /// A liquidation priced by `feed` (depends on it: R6, R8).
    case liquidation(feed: UInt64)
    /// A privileged / searcher transaction (R7, R10).
    case privileged
    /// A declared back-run of the oracle update for `feed` (the one R7 exception).
    case backrun(feed: UInt64)

    public var isPrivileged: Bool {
        switch self { case .privileged, .backrun: return true; default: return false }
    }
    public var isForced: Bool { if case .forced = self { return true } else { return false } }
}

/// A bundle membership: bundle `id`, member `index` of `size` (R18).
public struct BundleRef: Sendable, Hashable {
    public var id: UInt64
    public var index: Int
    public var size: Int
    public init(id: UInt64, index: Int, size: Int) { self.id = id; self.index = index; self.size = size }
}

/// One transaction as it arrives at the sequencer.
///
/// Nonces are two-dimensional (ERC-4337 / RIP-7712): the logical account `actor` has
/// independent lanes keyed by `nonceKey` (the upper 192 bits of a 256-bit nonce; 0 is the
/// ordinary lane) and the sequence within a lane is `tx.transaction.nonce`. The transaction
/// that executes on the EVM is sent by the lane's executor (`tx.sender`): for key 0 the actor
/// itself, for other keys the account's per-key executor, so lanes of one actor do not share
/// an EVM nonce and can sit in one parallel group.
public struct IntakeTx: Sendable, Hashable {
    public var id: Int
    /// Arrival time in milliseconds.
    public var arrival: UInt64
    public var kind: TxKind
    public var actor: Address
    public var nonceKey: UInt256
    public var tx: RecoveredTransaction
    public var bundle: BundleRef?
    /// Express-lane sequence number (R12).
    public var expressSeq: UInt64?

    public init(id: Int, arrival: UInt64, kind: TxKind = .user, actor: Address? = nil, nonceKey: UInt256 = .zero,
                tx: RecoveredTransaction, bundle: BundleRef? = nil, expressSeq: UInt64? = nil) {
        self.id = id; self.arrival = arrival; self.kind = kind; self.actor = actor ?? tx.sender
        self.nonceKey = nonceKey; self.tx = tx; self.bundle = bundle; self.expressSeq = expressSeq
    }

    /// Sequence within the lane.
    public var seq: UInt64 { tx.transaction.nonce }
    public var lane: Lane { Lane(actor: actor, key: nonceKey) }
    public var executor: Address { tx.sender }
}

/// A nonce lane: (account, 192-bit key).
public struct Lane: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var actor: Address
    public var key: UInt256
    public init(actor: Address, key: UInt256) { self.actor = actor; self.key = key }
    public static func < (a: Lane, b: Lane) -> Bool { (a.actor, a.key) < (b.actor, b.key) }
    public var description: String { "\(actor)/\(key)" }
}

/// A piece of state a transaction reads or writes: an account's fields (balance, nonce,
/// code) or one storage slot.
public enum AccessKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    case account(Address)
    case slot(Address, UInt256)

    public var address: Address {
        switch self { case .account(let a), .slot(let a, _): return a }
    }
    public static func < (x: AccessKey, y: AccessKey) -> Bool {
        switch (x, y) {
        case (.account(let a), .account(let b)): return a < b
        case (.account(let a), .slot(let b, _)): return a <= b
        case (.slot(let a, _), .account(let b)): return a < b
        case (.slot(let a, let k), .slot(let b, let l)): return (a, k) < (b, l)
        }
    }
    public var description: String {
        switch self {
        case .account(let a): return "\(a)"
        case .slot(let a, let k): return "\(a)[\(k)]"
        }
    }
}

public enum OrderingMode: String, Sendable, Hashable { case arrival, fee }

/// One oracle feed's policy (R8).
public struct FeedPolicy: Sendable, Hashable {
    public var feed: UInt64
    /// A liquidation needs an update at most this old (ms) at its batch time.
    public var maxAge: UInt64
    /// Time of the feed's last on-chain update before the stream.
    public var initialUpdateTime: UInt64
    /// A downtime that ended at `downtimeEnd`; no liquidation in [downtimeEnd, downtimeEnd + grace).
    public var downtimeEnd: UInt64?
    public var grace: UInt64
    public init(feed: UInt64, maxAge: UInt64, initialUpdateTime: UInt64 = 0, downtimeEnd: UInt64? = nil, grace: UInt64 = 0) {
        self.feed = feed; self.maxAge = maxAge; self.initialUpdateTime = initialUpdateTime
        self.downtimeEnd = downtimeEnd; self.grace = grace
    }
}

/// The sequencer's policy, as data.
public struct SequencerPolicy: Sendable, Hashable {
    public var ordering: OrderingMode = .arrival
    /// Fairness window Δ (ms) (R11): and the bucket width fee ordering works within.
    public var fairnessWindow: UInt64 = 100
    /// Batch k closes at (k+1)·interval and takes what arrived before.
    public var batchInterval: UInt64 = 100
    public var maxGroupsPerBatch = 8
    public var maxTxsPerGroup = 64
    /// K: a transaction is included within K batches after admission or rejected (R16, R17).
    public var deferralBound = 3
    public var feeds: [FeedPolicy] = []
    /// AMM pools: a call to one is a swap whose direction is calldata word 0 ≠ 0 (R9).
    public var pools: [Address] = []
    /// First express-lane sequence number (R12).
    public var expressStart: UInt64 = 0
    public init() {}

    public func feed(_ id: UInt64) -> FeedPolicy? { feeds.first { $0.feed == id } }
    /// The time batch `k` closes (its timestamp). Exact for every batch of an input
    /// `withinTimeHorizon` accepts; beyond that it saturates at `UInt64.max` instead of wrapping.
    public func batchTime(_ k: Int) -> UInt64 {
        let (t, overflow) = (UInt64(clamping: k) &+ 1).multipliedReportingOverflow(by: batchInterval)
        return overflow ? .max : t
    }

    /// The batch an arrival at `arrival` is admitted in: batch k takes the arrivals in
    /// [k·interval, (k+1)·interval). Saturates at `Int.max` (only for arrivals
    /// `withinTimeHorizon` refuses), so it never traps.
    public func admissionBatch(_ arrival: UInt64) -> Int { Int(clamping: arrival / max(1, batchInterval)) }

    /// The largest deferral bound K a policy may set: a run visits at most K + 1 batches after the
    /// last admission, one at a time, so K bounds its length (the time between arrivals is
    /// skipped in O(1)).
    public static let maxDeferralBound = 1 << 16

    /// True when every batch a transaction arriving at `arrival` can be decided in — its
    /// admission batch up to K + 1 batches later — has an `Int` index and a close time that fits
    /// in `UInt64`. An arrival beyond that (e.g. `UInt64.max`) cannot be given a batch time: the
    /// sequencer refuses the input rather than wrap or saturate.
    public func withinTimeHorizon(_ arrival: UInt64) -> Bool {
        let interval = max(1, batchInterval)
        let slot = arrival / interval
        let (last, o1) = slot.addingReportingOverflow(UInt64(clamping: max(0, deferralBound)) &+ 2)
        if o1 || last > UInt64(Int.max) { return false }
        return !last.multipliedReportingOverflow(by: interval).overflow
    }
}

/// Everything a sequencing run starts from.
public struct SequencerInput: @unchecked Sendable {
    public var fork: Hardfork
    public var block: BlockEnv
    public var pre: InMemoryState
    public var policy: SequencerPolicy
    public var stream: [IntakeTx]
    public init(fork: Hardfork, block: BlockEnv, pre: InMemoryState, policy: SequencerPolicy, stream: [IntakeTx]) {
        self.fork = fork; self.block = block; self.pre = pre; self.policy = policy; self.stream = stream
    }
}

/// Why a transaction was not included.
public enum RejectionReason: Sendable, Hashable, CustomStringConvertible {
    case duplicateId
    case invalidNonceKey
    case laneExecutorMismatch
    case nonceTooLow
    case replaced(by: Int)
    case underpricedReplacement(holder: Int)
    case invalid(String)
    case predecessorRejected(Int)
    case nonceGap
    case sandwich(front: Int, victim: Int)
    case staleFeed(feed: UInt64)
    case feedGracePeriod(feed: UInt64)
    case deferralBound
    case bundleIncomplete
    case bundleMemberInvalid(member: Int)
    case expressGap(expected: UInt64)
    case authorizationNonce(authority: Address)
    /// R6: an oracle update whose feed's liquidation `liquidation`, received after it, is
    /// already placed (the update was held back by its lane meanwhile).
    case dependentAlreadyPlaced(liquidation: Int)

    public var description: String {
        switch self {
        case .duplicateId: return "duplicate id"
        case .invalidNonceKey: return "nonce key wider than 192 bits"
        case .laneExecutorMismatch: return "lane executor does not match earlier transactions of the lane"
        case .nonceTooLow: return "nonce already used"
        case .replaced(let by): return "replaced by tx \(by)"
        case .underpricedReplacement(let h): return "replacement of tx \(h) without +10% fee cap and tip"
        case .invalid(let e): return "invalid: \(e)"
        case .predecessorRejected(let p): return "lane predecessor \(p) rejected"
        case .nonceGap: return "nonce gap not filled within the deferral bound"
        case .sandwich(let f, let v): return "would complete a sandwich (front-run \(f), victim \(v))"
        case .staleFeed(let f): return "feed \(f) stale"
        case .feedGracePeriod(let f): return "feed \(f) in its grace period after downtime"
        case .deferralBound: return "deferred more than K batches"
        case .bundleIncomplete: return "bundle incomplete"
        case .bundleMemberInvalid(let m): return "bundle member \(m) invalid"
        case .expressGap(let e): return "express-lane gap: expected sequence \(e)"
        case .authorizationNonce(let a): return "EIP-7702 authorization for \(a) carries a used nonce"
        case .dependentAlreadyPlaced(let l): return "liquidation \(l) of its feed, received after it, is already placed (R6)"
        }
    }
}

public struct Rejection: Sendable, Hashable {
    public var id: Int
    public var reason: RejectionReason
    /// The batch during which the decision was made.
    public var batch: Int
    public init(id: Int, reason: RejectionReason, batch: Int) { self.id = id; self.reason = reason; self.batch = batch }
}

/// The predicted accesses of one included transaction and its EIP-2930 access list.
public struct TxAccess: Sendable, Hashable {
    public var id: Int
    public var reads: [AccessKey]
    public var writes: [AccessKey]
    public var accessList: [AccessListEntry]
    public init(id: Int, reads: [AccessKey], writes: [AccessKey], accessList: [AccessListEntry]) {
        self.id = id; self.reads = reads; self.writes = writes; self.accessList = accessList
    }
}

/// One account's entry in a batch-level access list (EIP-7928 shape: which transactions of
/// the batch write which slots / account fields, and which slots are only read).
public struct AccountAccessEntry: Sendable, Hashable {
    public var address: Address
    public var writtenSlots: [UInt256]
    public var writers: [[Int]]
    public var storageReads: [UInt256]
    /// Transactions that change balance, nonce or code.
    public var accountChanges: [Int]
    public init(address: Address, writtenSlots: [UInt256], writers: [[Int]], storageReads: [UInt256], accountChanges: [Int]) {
        self.address = address; self.writtenSlots = writtenSlots; self.writers = writers
        self.storageReads = storageReads; self.accountChanges = accountChanges
    }
}

/// One emitted batch: ordered parallel groups of transaction ids.
public struct Batch: Sendable, Hashable {
    public var index: Int
    public var time: UInt64
    public var groups: [[Int]]
    public var access: [TxAccess]
    public var blockAccessList: [AccountAccessEntry]
    public init(index: Int, time: UInt64, groups: [[Int]], access: [TxAccess], blockAccessList: [AccountAccessEntry]) {
        self.index = index; self.time = time; self.groups = groups; self.access = access; self.blockAccessList = blockAccessList
    }
    public var ids: [Int] { groups.flatMap { $0 } }
}

public struct SequencerOutput: Sendable, Hashable {
    public var batches: [Batch]
    public var rejections: [Rejection]
    public init(batches: [Batch], rejections: [Rejection]) { self.batches = batches; self.rejections = rejections }
    /// Every included id in output (execution) order.
    public var order: [Int] { batches.flatMap(\.ids) }
}

extension FaultPoint where Value == UInt64 {
    /// `Sequencer`: the salt that orders ties, given the run's seed (declared here, beside the
    /// data the sequencer and its verifier share, so `PlantedFaults` needs no `Sequencer`).
    public static var tieSalt: FaultPoint<UInt64> { FaultPoint("Sequencer.tieSalt") }
}
