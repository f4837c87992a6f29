import Foundation
import EVMCore
import EVMState
import EVMExecution
import ParallelExecutor
import Generators
import PlantedFaults

/// A property that failed, shrunk, with everything a counterexample file records.
public struct PropertyFailure {
    public var property: String
    public var variant: ExecutorVariant
    public var runSeed: UInt64
    public var blockSeed: UInt64
    /// The shrunk input.
    public var input: BlockInput
    /// Transactions before shrinking.
    public var originalSize: Int
    public var shrinkSteps: Int
    public var casesRun: Int
    public var violation: Violation

    /// The proptest/Hypothesis-style report (without the `Replay:` line, which needs a path).
    public var message: String {
        var schedule = ""
        if let t = violation.trace {
            let shown = t.steps.filter { $0.action != .fetch }.prefix(8).map(\.description).joined(separator: ", ")
            schedule = ", schedule [\(shown)\(t.steps.count > 8 ? "…" : "")]"
        }
        let accounts = Set(input.transactions.flatMap { [$0.sender] + ($0.transaction.to.map { [$0] } ?? []) }).count
        return """
            Property \(property) failed after \(casesRun) cases, \(shrinkSteps) shrinks (seed 0x\(String(runSeed, radix: 16))).
            Minimal failing input: \(input.transactions.count) txs, \(accounts) accounts\(schedule)
            First difference: \(violation.difference)
            """
    }
}

/// `K/N`: this job runs the cases whose index ≡ K−1 (mod N).
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int
    public static let all = Shard(index: 1, count: 1)

    public init(index: Int, count: Int) { self.index = index; self.count = count }

    /// Parses `K/N` with 1 ≤ K ≤ N; nil otherwise.
    public init?(parsing s: String) {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 1, k <= n else { return nil }
        self.init(index: k, count: n)
    }

    public func owns(_ caseIndex: Int) -> Bool { caseIndex % count == index - 1 }
    public var description: String { "\(index)/\(count)" }
}

/// Runs a property over generated cases, shrinks the first failure.
public enum PropertyRunner {
    /// The block seed of case `index`: a function of the run seed, the property name and the
    /// index only, so shards and budgets never change which block a case index means.
    public static func blockSeed(runSeed: UInt64, property: String, index: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in property.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        var r = SplitMix64(seed: runSeed ^ h &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        return r.next()
    }

    /// Checks cases `0..<cases` owned by `shard` until `deadline`. Returns how many were checked
    /// and the first failure, shrunk.
    public static func run(_ p: any BlockProperty, cases: Int, seed: UInt64, shard: Shard = .all,
                           deadline: ContinuousClock.Instant? = nil,
                           progress: ((_ casesRun: Int) -> Void)? = nil) -> (casesRun: Int, failure: PropertyFailure?) {
        var run = 0
        var index = 0
        while index < cases {
            defer { index += 1 }
            guard shard.owns(index) else { continue }
            if let deadline, ContinuousClock.now >= deadline { break }
            let blockSeed = blockSeed(runSeed: seed, property: p.name, index: index)
            let input = p.generator.generate(seed: blockSeed)
            run += 1
            if p.check(input, seed: blockSeed) != nil {
                return (run, shrink(p, input: input, runSeed: seed, blockSeed: blockSeed, casesRun: run))
            }
            progress?(run)
        }
        return (run, nil)
    }

    static func shrink(_ p: any BlockProperty, input: BlockInput, runSeed: UInt64, blockSeed: UInt64, casesRun: Int) -> PropertyFailure? {
        // A candidate counts as failing only with a difference of the original kind.
        let kind = p.check(input, seed: blockSeed)?.difference.kind
        func failing(_ b: BlockInput) -> Bool { p.check(b, seed: blockSeed).map { $0.difference.kind == kind } ?? false }
        let (fewerTxs, txSteps) = Shrinker.shrinkTransactions(input, failing: failing)
        let (fewerAccounts, accountSteps) = Shrinker.shrinkAccounts(fewerTxs, failing: failing)
        let (simplerCode, codeSteps) = p.shrinksCode ? Shrinker.shrinkCode(fewerAccounts, failing: failing) : (fewerAccounts, 0)
        let (shrunk, valueSteps) = Shrinker.shrinkTransactionValues(simplerCode, failing: failing)
        let steps = txSteps + accountSteps + codeSteps + valueSteps
        if let v = p.check(shrunk, seed: blockSeed) {
            return PropertyFailure(property: p.name, variant: p.variant, runSeed: runSeed, blockSeed: blockSeed, input: shrunk,
                                   originalSize: input.transactions.count, shrinkSteps: steps, casesRun: casesRun, violation: v)
        }
        guard let v = p.check(input, seed: blockSeed) else { return nil }
        return PropertyFailure(property: p.name, variant: p.variant, runSeed: runSeed, blockSeed: blockSeed, input: input,
                               originalSize: input.transactions.count, shrinkSteps: 0, casesRun: casesRun, violation: v)
    }
}
