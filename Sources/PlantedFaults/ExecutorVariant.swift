import EVMCore
import EVMState
import EVMExecution
import EVMAssembly
import Generators

/// The executor a property checks: `reference` (the real code), the parallel executor with
/// planted faults, or one of the `blockExecutor` faults of the catalogue, whose result is the
/// serial one rewritten. They live in `PlantedFaults` (not in a test target) so that
/// `lockstep replay` can reproduce the counterexamples the fault-detection tests write.
public enum ExecutorVariant: Sendable, Equatable {
    case reference
    /// The parallel executor with these planted faults (`parallel_matches_serial`).
    case parallelFaults(PlantedFaultSet)
    /// A `blockExecutor` fault: the serial result rewritten (see `PlantedFault.summary`).
    case planted(PlantedFault)

    public static var dropRefund: ExecutorVariant { .planted(.dropRefund) }
    public static var mintEther: ExecutorVariant { .planted(.mintEther) }
    public static var skipNonceBump: ExecutorVariant { .planted(.skipNonceBump) }
    public static var perTransactionCumulativeGas: ExecutorVariant { .planted(.perTransactionCumulativeGas) }
    public static var leakRevertedWrites: ExecutorVariant { .planted(.leakRevertedWrites) }

    /// The hook the parallel executor is given: the planted faults of `parallelFaults`, nil
    /// for every other variant.
    public var hook: (any FaultHook)? {
        if case .parallelFaults(let f) = self { return f.hook }
        return nil
    }

    /// Every name `init?(name:)` accepts but the `parallel:` combinations: `reference`, each
    /// parallel fault alone and each `blockExecutor` fault.
    public static var names: [String] {
        ["reference"] + PlantedFault.of(.parallelExecutor).map { "parallel:\($0.name)" } + PlantedFault.of(.blockExecutor).map(\.name)
    }

    /// Stable name stored in counterexample files.
    public var name: String {
        switch self {
        case .reference: return "reference"
        case .parallelFaults(let f): return "parallel:" + f.sorted.map(\.name).joined(separator: "+")
        case .planted(let f): return f.name
        }
    }

    /// Parses `name`; nil for names this version does not know.
    public init?(name: String) {
        switch name {
        case "reference": self = .reference
        default:
            if let f = PlantedFault(rawValue: name), f.area == .blockExecutor { self = .planted(f); return }
            guard name.hasPrefix("parallel:") else { return nil }
            var f = PlantedFaultSet([])
            for part in name.dropFirst("parallel:".count).split(separator: "+") {
                guard let p = PlantedFault(rawValue: String(part)), p.area == .parallelExecutor else { return nil }
                f.faults.insert(p)
            }
            self = .parallelFaults(f)
        }
    }

    /// Executes `input` with this variant (serially for all but `parallelFaults`).
    public func execute(_ input: BlockInput) -> BlockResult {
        let serial = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        switch self {
        case .reference, .parallelFaults:
            return serial
        case .planted(let fault):
            return Self.rewrite(fault, serial, input)
        }
    }

    /// The serial result as the `blockExecutor` fault `fault` leaves it.
    static func rewrite(_ fault: PlantedFault, _ serial: BlockResult, _ input: BlockInput) -> BlockResult {
        switch fault {
        case .dropRefund:
            return rewrite(serial, input) { diff, state in
                for (tx, o) in zip(input.transactions, serial.outcomes) {
                    guard let r = o.receipt else { continue }
                    let price = tx.transaction.effectiveGasPrice(baseFee: input.block.baseFee)
                    let kept = UInt256(tx.transaction.gasLimit - r.gasUsed) &* price
                    Self.adjust(&diff, state, tx.sender) { $0.balance = $0.balance &- kept }
                }
            }
        case .mintEther:
            return rewrite(serial, input) { diff, state in
                let n = serial.receipts.count
                if n > 0 { Self.adjust(&diff, state, input.block.coinbase) { $0.balance = $0.balance &+ UInt256(n) } }
            }
        case .skipNonceBump:
            return rewrite(serial, input) { diff, state in
                var seen: Set<Address> = []
                for (tx, o) in zip(input.transactions, serial.outcomes) where o.receipt != nil {
                    if !seen.insert(tx.sender).inserted { Self.adjust(&diff, state, tx.sender) { $0.nonce -= 1 } }
                }
            }
        case .perTransactionCumulativeGas:
            var r = serial
            r.outcomes = serial.outcomes.map {
                guard case .executed(var rec) = $0 else { return $0 }
                rec.cumulativeGasUsed = rec.gasUsed
                return .executed(rec)
            }
            return r
        case .leakRevertedWrites:
            // Run the block again with REVERT turned into STOP in every contract: its diff is
            // what a journal that never rolls back would leave; the receipts stay the real ones.
            let leaky = input.pre.copy()
            for (a, acct) in input.pre.accounts where acct.hasCode {
                let code = input.pre.code(hash: acct.codeHash).bytes
                let patched = Disassembler.instructions(code).reduce(into: code) { c, ins in if ins.opcode == 0xfd { c[ins.offset] = 0x00 } }
                leaky.setAccount(a, nonce: acct.nonce, balance: acct.balance, code: patched,
                                 storage: input.pre.storage[a] ?? [:])
            }
            let leaked = SerialExecutor().execute(preState: leaky, block: input.block, transactions: input.transactions, fork: input.fork)
            var r = serial
            // Keep only the storage writes of the leaked run on top of the real one.
            var diff = serial.diff
            for (a, d) in leaked.diff.accounts where !d.storage.isEmpty {
                var cur = diff.accounts[a] ?? AccountDiff(account: input.pre.account(a), storage: [:], storageCleared: false,
                                                          code: input.pre.account(a).map { input.pre.code(hash: $0.codeHash) })
                for (k, v) in d.storage { cur.storage[k] = v }
                diff.accounts[a] = cur
            }
            let post = input.pre.copy()
            post.apply(diff)
            r.diff = diff
            r.stateRoot = post.stateRoot()
            return r
        default:
            return serial
        }
    }

    private static func rewrite(_ result: BlockResult, _ input: BlockInput, _ body: (inout StateDiff, InMemoryState) -> Void) -> BlockResult {
        let post = input.pre.copy()
        post.apply(result.diff)
        var diff = result.diff
        body(&diff, post)
        let fixed = input.pre.copy()
        fixed.apply(diff)
        var r = result
        r.diff = diff
        r.stateRoot = fixed.stateRoot()
        return r
    }

    private static func adjust(_ diff: inout StateDiff, _ post: InMemoryState, _ a: Address, _ change: (inout Account) -> Void) {
        var d = diff.accounts[a] ?? AccountDiff(account: post.account(a), storage: [:], storageCleared: false,
                                                code: post.account(a).flatMap { $0.hasCode ? post.code(hash: $0.codeHash) : nil })
        var acct = d.account ?? Account()
        change(&acct)
        d.account = acct
        diff.accounts[a] = d
    }
}

