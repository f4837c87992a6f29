import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import SequencerModel

/// What speculative execution of one transaction on a given state says it reads and writes.
public struct PredictedAccess: Sendable, Hashable {
    public var reads: Set<AccessKey>
    public var writes: Set<AccessKey>

    /// True when `self` and `other` may not share a parallel group:
    /// W(a) ∩ (R(b) ∪ W(b)) ≠ ∅ or W(b) ∩ (R(a) ∪ W(a)) ≠ ∅.
    public func conflicts(with other: PredictedAccess) -> Bool {
        !writes.isDisjoint(with: other.reads) || !writes.isDisjoint(with: other.writes) || !other.writes.isDisjoint(with: reads)
    }

    public mutating func formUnion(_ o: PredictedAccess) { reads.formUnion(o.reads); writes.formUnion(o.writes) }
    public static let empty = PredictedAccess(reads: [], writes: [])

    public func touches(_ address: Address) -> Bool {
        reads.contains { $0.address == address } || writes.contains { $0.address == address }
    }
}

/// Access prediction: the declared EIP-2930 list plus one speculative execution against the
/// state the transaction's group will start from. The block beneficiary's fee credit is
/// commutative and left out (it is added outside the journal), so only a real access to the
/// beneficiary shows up.
public struct AccessPredictor {
    public let fork: Hardfork
    public let block: BlockEnv

    public init(fork: Hardfork, block: BlockEnv) { self.fork = fork; self.block = block }

    public enum Prediction {
        case valid(PredictedAccess)
        case rejected(TransactionError)
    }

    public func predict(_ rtx: RecoveredTransaction, on state: InMemoryState) -> Prediction {
        let journal = JournaledState(base: state)
        let applied = TransactionProcessor(fork: fork, block: block)
            .apply(rtx.transaction, sender: rtx.sender, state: journal, deferCoinbasePayment: true)
        if case .rejected(let e) = applied.outcome { return .rejected(e) }
        var reads = Set<AccessKey>(), writes = Set<AccessKey>()
        for (address, acct) in journal.accounts {
            reads.insert(.account(address))
            acct.storage.forEach { key, _ in reads.insert(.slot(address, key)) }
        }
        // Declared accesses count as reads: the transaction pre-warms them and a later
        // version of it may touch them.
        for entry in rtx.transaction.accessList {
            reads.insert(.account(entry.address))
            for k in entry.storageKeys { reads.insert(.slot(entry.address, k.word)) }
        }
        for (address, d) in journal.diff().accounts {
            if d.account != state.account(address) || d.storageCleared { writes.insert(.account(address)) }
            if d.storageCleared, let slots = state.storage[address] {
                for k in slots.keys { writes.insert(.slot(address, k)) }
            }
            for k in d.storage.keys { writes.insert(.slot(address, k)) }
        }
        reads.formUnion(writes)
        return .valid(PredictedAccess(reads: reads, writes: writes))
    }
}
