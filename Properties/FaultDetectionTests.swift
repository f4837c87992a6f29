import Foundation
import Testing
import EVMCore
import ParallelExecutor
import Counterexamples
import DeFiContracts
import Generators
import PropertyKit
import PlantedFaults

/// Each property must be able to fail: run against a test-only faulty executor or contract, it
/// finds a counterexample, shrinks it, and the file it writes replays to the same difference.
@Suite struct FaultDetectionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var make: @Sendable () -> any BlockProperty
        var testDescription: String { label }
    }

    static var faultyToken: BlockGenerator {
        var g = BlockGenerator(minTransactions: 4, maxTransactions: 30, conflictRate: 0.6)
        g.faults = PlantedFault.sampleTokenInvertedBalanceCheck
        return g
    }

    static let cases: [Case] = [
        Case(label: "parallel skipValidation") {
            ParallelMatchesSerialProperty(generator: BlockGenerator(minTransactions: 10, maxTransactions: 30, conflictRate: 0.8),
                                          variant: .parallelFaults([.skipValidation]))
        },
        Case(label: "parallel skipValidation, generated programs only") {
            var g = BlockGenerator(minTransactions: 6, maxTransactions: 20, senders: 64, conflictRate: 0)
            g.defiRate = 0
            g.programRate = 1
            g.edgeRate = 0   // programs only: the shrunk counterexample must be a program's
            return ParallelMatchesSerialProperty(generator: g, variant: .parallelFaults([.skipValidation]))
        },
        Case(label: "parallel skipValidation, DeFi calls") {
            ParallelMatchesSerialProperty(generator: .defi(), variant: .parallelFaults([.skipValidation]))
        },
        Case(label: "parallel dropBeneficiaryFees") {
            ParallelMatchesSerialProperty(generator: BlockGenerator(minTransactions: 4, maxTransactions: 20), variant: .parallelFaults([.dropBeneficiaryFees]))
        },
        Case(label: "ether dropRefund") { EtherConservationProperty(variant: .dropRefund) },
        Case(label: "ether mintEther") { EtherConservationProperty(variant: .mintEther) },
        Case(label: "token faulty bytecode") { TokenConservationProperty(generator: faultyToken) },
        Case(label: "nonce skipNonceBump") { NonceOnceProperty(variant: .skipNonceBump) },
        Case(label: "receipts perTransactionCumulativeGas") { ReceiptsConsistentProperty(variant: .perTransactionCumulativeGas) },
        Case(label: "journal leakRevertedWrites") { JournalRevertProperty(variant: .leakRevertedWrites) },
        Case(label: "token DeFi skipBalanceCheck") {
            TokenConservationProperty(generator: .defi(PlantedFault.tokenSkipBalanceCheck))
        },
        Case(label: "compiled Vyper token skipBalanceCheck") {
            TokenConservationProperty(generator: .defi(PlantedFault.vyperTokenSkipBalanceCheck))
        },
        Case(label: "compiled Vyper pool swappedReserves (ConstantProductPool_swappedReserves.vy)") {
            AMMInvariantsProperty(generator: .defi(PlantedFault.vyperPoolSwappedReserves))
        },
        Case(label: "amm swappedReserves") { AMMInvariantsProperty(generator: .defi(PlantedFault.poolSwappedReserves)) },
        Case(label: "lending repayKeepsTotalDebt") {
            LendingSolvencyProperty(generator: .defi(PlantedFault.lendingRepayKeepsTotalDebt))
        },
        Case(label: "staking claimKeepsPending") {
            StakingSolvencyProperty(generator: .defi(PlantedFault.stakingClaimKeepsPending))
        },
    ]

    @Test(arguments: cases)
    func faultIsCaughtAndReplays(c: Case) throws {
        let p = c.make()
        let (_, found) = PropertyRunner.run(p, cases: 20, seed: 0xfa17)
        let f = try #require(found, "\(c.label) was not detected")
        #expect(f.input.transactions.count <= f.originalSize)
        if c.label.contains("compiled") {
            // Issue 14: the planted bug in the compiled contract shrinks to at most 3 transactions.
            #expect(f.input.transactions.count <= 3, "shrunk to \(f.input.transactions.count) transactions")
            print("FaultDetectionTests: \(c.label): block seed \(f.blockSeed), \(f.originalSize) transactions shrunk to \(f.input.transactions.count): \(f.violation.difference)")
        }
        if p.name == ParallelMatchesSerial.name { #expect(f.violation.trace != nil) }
        if c.label.contains("generated programs") {
            // The code shrinker ran: some contract of the shrunk input is shorter than generated.
            let original = p.generator.generate(seed: f.blockSeed).pre
            let shorter = f.input.pre.accounts.contains { a, acct in
                guard acct.hasCode, let o = original.account(a) else { return false }
                return f.input.pre.code(hash: acct.codeHash).bytes.count < original.code(hash: o.codeHash).bytes.count
            }
            #expect(shorter, "no contract code was shrunk")
        }

        // LOCKSTEP_FAULT_DIR keeps the files (to try `lockstep replay`/`report` on them); by
        // default they go to a temporary folder that is removed.
        let keep = ProcessInfo.processInfo.environment["LOCKSTEP_FAULT_DIR"]
        let dir = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-faults-\(UUID().uuidString)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: dir) } }
        let url = try CounterexampleFile(failure: f).write(to: dir)
        #expect(url.lastPathComponent.count == 16 + 5)
        let loaded = try CounterexampleFile.load(path: url.path)
        switch try loaded.replay() {
        case .reproduced(let v, let identical):
            #expect(identical, "replayed difference \(v.difference) differs from stored \(loaded.firstDifference)")
        case .fixed:
            Issue.record("\(c.label): stored counterexample does not reproduce")
        }
        #expect(CounterexampleStore.classify(path: url.path) == .reproduced(f.violation.difference.description))
    }

    /// The real token, unlike the faulty one, conserves supply on the same blocks.
    @Test func realTokenConservesWhereFaultyOneDoesNot() {
        var real = Self.faultyToken
        real.faults = nil
        #expect(PropertyRunner.run(TokenConservationProperty(generator: real), cases: 20, seed: 0xfa17).failure == nil)
    }
}
