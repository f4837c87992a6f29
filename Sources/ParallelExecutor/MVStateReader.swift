import EVMCore
import EVMState

/// The `StateReader` one incarnation of transaction `tx` executes against: reads go to
/// multi-version memory (falling back to the pre-block state) and are recorded with their
/// origin for validation. Reading an ESTIMATE sets `blockedBy`; the execution then runs to its
/// end on placeholder values and its result is discarded (never recorded).
final class MVStateReader: StateReader {
    let tx: Int
    let mv: MVMemory
    let pre: InMemoryState
    let codes: CodeStore
    private(set) var reads: [(Location, ReadOrigin)] = []
    private var seen: Set<Location> = []
    private(set) var blockedBy: Int?

    init(tx: Int, mv: MVMemory, pre: InMemoryState, codes: CodeStore) {
        self.tx = tx; self.mv = mv; self.pre = pre; self.codes = codes
    }

    static func baseValue(_ l: Location, pre: InMemoryState) -> MVValue? {
        switch l {
        case .account(let a): return .account(pre.account(a))
        case .storage(let a, let k): return .storage(pre.storage(a, k))
        case .storageClear: return nil
        }
    }

    /// Reads and records; returns (value or nil for base, index of the writing tx or -1).
    private func get(_ l: Location) -> (MVValue?, Int) {
        let r = mv.read(l, tx: tx, base: { MVStateReader.baseValue(l, pre: pre) })
        switch r {
        case .blocked(let by):
            if blockedBy == nil { blockedBy = by }
            return (nil, -1)
        case .base:
            note(l, .base)
            return (nil, -1)
        case .value(let v, let origin):
            note(l, origin)
            switch origin {
            case .version(let ver): return (v, ver.tx)
            default: return (v, tx - 1)   // resolved deltas: treat as the latest writer below
            }
        }
    }

    private func note(_ l: Location, _ o: ReadOrigin) {
        if seen.insert(l).inserted { reads.append((l, o)) }
    }

    func account(_ address: Address) -> Account? {
        let (v, _) = get(.account(address))
        if case .account(let a)? = v { return a }
        return v == nil ? pre.account(address) : nil
    }

    func code(hash: Bytes32) -> Bytecode { codes.get(hash) ?? pre.code(hash: hash) }

    func storage(_ address: Address, _ key: UInt256) -> UInt256 {
        let (v, writer) = get(.storage(address, key))
        let (_, clearer) = get(.storageClear(address))
        if clearer > writer || (clearer >= 0 && v == nil) { return .zero }
        if case .storage(let s)? = v { return s }
        return pre.storage(address, key)
    }

    func hasStorage(_ address: Address) -> Bool {
        let (_, clearer) = get(.storageClear(address))
        return clearer < 0 && pre.hasStorage(address)
    }

    func blockHash(_ number: UInt64) -> Bytes32 { pre.blockHash(number) }
}
