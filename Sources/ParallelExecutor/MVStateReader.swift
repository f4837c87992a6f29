import EVMCore
import EVMState

/// The `StateReader` one incarnation of transaction `tx` executes against: reads go to
/// multi-version memory (falling back to the pre-block state) and are recorded with their
/// origin for validation. Reading an ESTIMATE sets `blockedBy` and raises `stop`: the
/// interpreter ends every frame at its next state access, the rest of the transaction runs on
/// placeholder values, and the result is discarded (never recorded).
///
/// Each location is read from multi-version memory at most once per incarnation and the
/// answer is cached, so the incarnation sees one consistent value per location (a later
/// write by another transaction cannot show up half-way through it; validation catches it)
/// and repeated reads (the storage-clear marker on every slot read) cost a dictionary probe.
///
/// `creditOnly` names the recipient of a plain value transfer: its account is recorded as a
/// code-hash-only read (`ReadOrigin.codeHash`), because the transfer's outcome depends only
/// on the recipient having no code; the executor then publishes the credit as a balance delta.
/// If the recipient turns out to have code, the read is recorded in full (`creditOnlyHeld`
/// is false) and the transaction is an ordinary one.
final class MVStateReader: StateReader {
    let tx: Int
    let mv: MVMemory
    let pre: InMemoryState
    let codes: CodeStore
    let creditOnly: Address?
    /// Raised on the first blocked read, so the interpreter stops at its next state access.
    let stop = JournaledState.StopSignal()
    /// Reads in first-use order, with their origin.
    private(set) var reads: [(Location, ReadOrigin)] = []
    /// Location → (value, or nil for "from the pre-state"; index of the writing tx or -1).
    private var cache: [Location: (MVValue?, Int)] = [:]
    private(set) var blockedBy: Int?
    /// The credit-only recipient was read and had no code.
    private(set) var creditOnlyHeld = false
    /// The full origin the credit-only read replaced, for `restoreCreditOnlyRead`.
    private var creditOnlyOrigin: (index: Int, origin: ReadOrigin)?

    init(tx: Int, mv: MVMemory, pre: InMemoryState, codes: CodeStore, creditOnly: Address? = nil) {
        self.tx = tx; self.mv = mv; self.pre = pre; self.codes = codes; self.creditOnly = creditOnly
        cache.reserveCapacity(8)
        reads.reserveCapacity(16)
        storageOf.reserveCapacity(4)
    }

    static func baseValue(_ l: Location, pre: InMemoryState) -> MVValue? {
        switch l {
        case .account(let a): return .account(pre.account(a))
        case .storage(let a, let k): return .storage(pre.storage(a, k))
        case .storageClear: return nil
        }
    }

    /// Reads and records, through the cache; returns (value or nil for base, index of the
    /// writing tx or -1).
    private func get(_ l: Location) -> (MVValue?, Int) {
        if let hit = cache[l] { return hit }
        let answer = fetch(l)
        cache[l] = answer   // after a blocked read, a placeholder: the incarnation is discarded
        return answer
    }

    /// Reads from multi-version memory and records the read, without the cache: for storage
    /// slots, which `JournaledState` asks for at most once per incarnation (it keeps every slot
    /// it loaded), so caching them would only cost a second table.
    private func fetch(_ l: Location) -> (MVValue?, Int) {
        switch mv.read(l, tx: tx, base: { MVStateReader.baseValue(l, pre: pre) }) {
        case .blocked(let by):
            if blockedBy == nil { blockedBy = by; stop.raised = true }
            return (nil, -1)
        case .base:
            reads.append((l, .base))
            return (nil, -1)
        case .value(let v, let origin):
            reads.append((l, origin))
            if case .version(let ver) = origin { return (v, ver.tx) }
            return (v, tx - 1)   // resolved deltas: treat as the latest writer below
        }
    }

    /// Per address whose storage this incarnation read: the writer of its storage-clear marker
    /// (-1: none below this transaction) and its pre-state storage. Few addresses per
    /// transaction, so a linear scan beats hashing.
    private var storageOf: [(address: Address, clearer: Int, pre: [UInt256: UInt256]?)] = []

    private func storageInfo(_ a: Address) -> (clearer: Int, pre: [UInt256: UInt256]?) {
        for e in storageOf where e.address == a { return (e.clearer, e.pre) }
        let (_, clearer) = get(.storageClear(a))
        let info = (address: a, clearer: clearer, pre: pre.storage[a])
        storageOf.append(info)
        return (info.clearer, info.pre)
    }

    func account(_ address: Address) -> Account? {
        let (v, _) = get(.account(address))
        let acct: Account?
        if case .account(let a)? = v { acct = a } else { acct = v == nil ? pre.account(address) : nil }
        if address == creditOnly, !creditOnlyHeld, blockedBy == nil, let last = reads.last, last.0 == .account(address),
           !(acct?.hasCode ?? false) {
            creditOnlyOrigin = (reads.count - 1, last.1)
            reads[reads.count - 1].1 = .codeHash(Keccak256.emptyHash)
            creditOnlyHeld = true
        }
        return acct
    }

    /// Records the credit-only recipient's read in full again (the transaction did not turn
    /// out to be a plain credit).
    func restoreCreditOnlyRead() {
        if let (i, o) = creditOnlyOrigin { reads[i].1 = o }
        creditOnlyOrigin = nil
        creditOnlyHeld = false
    }

    /// The account record this incarnation read for `address` (nil when it did not read it;
    /// `.some(nil)` when the account did not exist).
    func accountRead(_ address: Address) -> Account?? {
        guard let (v, _) = cache[.account(address)] else { return nil }
        if case .account(let a)? = v { return .some(a) }
        return v == nil ? .some(pre.account(address)) : nil
    }

    func code(hash: Bytes32) -> Bytecode { codes.get(hash) ?? pre.code(hash: hash) }

    func storage(_ address: Address, _ key: UInt256) -> UInt256 {
        let (v, writer) = fetch(.storage(address, key))
        let (clearer, preStorage) = storageInfo(address)
        if clearer > writer || (clearer >= 0 && v == nil) { return .zero }
        if case .storage(let s)? = v { return s }
        return preStorage?[key] ?? .zero
    }

    func hasStorage(_ address: Address) -> Bool {
        let (clearer, preStorage) = storageInfo(address)
        return clearer < 0 && !(preStorage?.isEmpty ?? true)
    }

    func blockHash(_ number: UInt64) -> Bytes32 { pre.blockHash(number) }
}
