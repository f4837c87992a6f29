import EVMCore
import EVMState

/// Delta-debugging shrinking of failing blocks. Every shrinker here takes a `failing`
/// predicate (true while the reduced input still shows the failure) and returns the smallest
/// failing input it found with the number of successful reduction steps; it never returns an
/// input for which `failing` was not observed true (or the original input itself).
///
/// The whole-element passes (`shrinkTransactions`, `shrinkAccounts`) share one loop,
/// `removingChunks`; the instruction and value passes live in `CodeShrinker.swift`.
public enum Shrinker {
    /// The delta-debugging loop: removes chunks of `items` — halves, then quarters, … then
    /// single elements — while `failing` holds for what remains. After a successful removal it
    /// retries at the same position; the chunk size halves only after a full pass without
    /// progress, so the result is 1-minimal (removing any single element makes it pass).
    /// With `keepOne` the empty list is never tried. Order of the kept elements is preserved.
    public static func removingChunks<T>(_ items: [T], keepOne: Bool,
                                         failing: ([T]) -> Bool) -> (kept: [T], steps: Int) {
        var current = items
        var steps = 0
        var chunk = max(1, current.count / 2)
        while chunk >= 1 {
            var i = 0
            var progressed = false
            while i < current.count {
                var candidate = current
                candidate.removeSubrange(i..<min(current.count, i + chunk))
                if !(keepOne && candidate.isEmpty) && failing(candidate) {
                    current = candidate
                    steps += 1
                    progressed = true
                } else {
                    i += chunk
                }
            }
            if !progressed { chunk /= 2 }
        }
        return (current, steps)
    }

    /// Removes transactions (at least one stays) while `failing` holds.
    public static func shrinkTransactions(_ input: BlockInput, failing: (BlockInput) -> Bool) -> (BlockInput, Int) {
        let (kept, steps) = removingChunks(Array(input.transactions.indices), keepOne: true) { failing(input.keeping($0)) }
        return (input.keeping(kept), steps)
    }

    /// Drops pre-state accounts (possibly all) while `failing` holds.
    public static func shrinkAccounts(_ input: BlockInput, failing: (BlockInput) -> Bool) -> (BlockInput, Int) {
        let (kept, steps) = removingChunks(input.pre.accounts.keys.sorted(), keepOne: false) { failing(input.keepingAccounts($0)) }
        return (input.keepingAccounts(kept), steps)
    }
}

extension BlockInput {
    /// The same block with a pre-state holding only `kept` accounts (code and storage kept).
    public func keepingAccounts(_ kept: [Address]) -> BlockInput {
        let state = InMemoryState()
        for a in kept {
            guard let acct = pre.account(a) else { continue }
            state.setAccount(a, nonce: acct.nonce, balance: acct.balance, code: pre.code(hash: acct.codeHash).bytes,
                             storage: pre.storage[a] ?? [:])
        }
        var b = self
        b.pre = state
        return b
    }
}
