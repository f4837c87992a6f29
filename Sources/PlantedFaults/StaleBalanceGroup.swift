import EVMCore
import EVMState
import EVMExecution
import Generators

/// A deliberately faulty model of executing one parallel group (`PlantedFault.staleBalanceReads`),
/// test-only like the other planted faults; `lockstep replay` reproduces its counterexamples.
///
/// Every transaction of the group reads **balances** from the group's pre-state — as a
/// Block-STM schedule that never validates its balance reads would — and its balance changes
/// are merged into the result as wrapping deltas; nonces, code and storage follow the serial
/// order (last writer wins). So two transfers from one sender are each checked against the
/// same pre balance: both can pass although together they exceed it, and the sender's
/// balance then wraps below zero. The real `ParallelExecutor` validates reads and equals the
/// serial executor; this model is what it must never become.
public enum StaleBalanceGroup {
    public static let name = PlantedFault.staleBalanceReads.name

    /// Executes all of `input`'s transactions as one group.
    public static func execute(_ input: BlockInput) -> BlockResult {
        let running = input.pre.copy()
        var outcomes: [TxOutcome] = []
        var diff = StateDiff()
        var cumulative: UInt64 = 0
        for tx in input.transactions {
            // The view: the serial state so far with every balance reset to the group's pre-state.
            let view = running.copy()
            var reset = StateDiff()
            for (a, acct) in running.accounts {
                let stale = input.pre.account(a)?.balance ?? .zero
                guard acct.balance != stale else { continue }
                var v = acct
                v.balance = stale
                reset.accounts[a] = AccountDiff(account: v, storage: [:], storageCleared: false,
                                                code: acct.hasCode ? running.code(hash: acct.codeHash) : nil)
            }
            view.apply(reset)
            let r = SerialExecutor().execute(preState: view, block: input.block, transactions: [tx], fork: input.fork)
            var merged = r.diff
            for (a, d) in r.diff.accounts {
                guard var acct = d.account else { continue }
                let delta = acct.balance &- (view.account(a)?.balance ?? .zero)
                acct.balance = (running.account(a)?.balance ?? .zero) &+ delta
                merged.accounts[a]?.account = acct
            }
            running.apply(merged)
            diff.merge(merged)
            var outcome = r.outcomes[0]
            if case .executed(var rec) = outcome {
                cumulative += rec.gasUsed
                rec.cumulativeGasUsed = cumulative
                outcome = .executed(rec)
            }
            outcomes.append(outcome)
        }
        return BlockResult(outcomes: outcomes, diff: diff, stateRoot: running.stateRoot())
    }
}
