import Testing
import EVMCore
import EVMState
import DeFiContracts
import Generators
import ParallelExecutor
import SMT
import PlantedFaults

/// The one catalogue of planted faults: stable, unique names that parse back; each injected
/// fault changes exactly the value at its own point and nothing else; without a hook every
/// point keeps the real value.
@Suite struct PlantedFaultCatalogueTests {
    @Test func namesAreUniqueAndParseBack() {
        let names = PlantedFault.allCases.map(\.name)
        #expect(Set(names).count == names.count, "duplicate names in \(names)")
        for f in PlantedFault.allCases {
            #expect(PlantedFault(named: f.name) == f)
            #expect(PlantedFault(named: f.kebabName) == f, "\(f.kebabName)")
            #expect(!f.summary.isEmpty)
        }
        #expect(PlantedFault(named: "skip-validation") == .skipValidation)
        #expect(PlantedFault(named: "skipvalidation") == nil)
        // Every area has a fault, and the names stored in existing counterexample files stay.
        for a in PlantedFault.Area.allCases { #expect(!PlantedFault.of(a).isEmpty, "\(a)") }
        #expect(PlantedFault.staleBalanceReads.name == "parallelGroup:staleBalanceReads")
        #expect(PlantedFault.plantedR19.name == "planted:R19")
    }

    @Test func executorVariantNamesRoundTrip() {
        for n in ExecutorVariant.names { #expect(ExecutorVariant(name: n)?.name == n, "\(n)") }
        let combined = ExecutorVariant(name: "parallel:ignoreEstimates+skipValidation")
        #expect(combined == .parallelFaults([.skipValidation, .ignoreEstimates]))
        #expect(combined?.name == "parallel:skipValidation+ignoreEstimates")
        #expect(ExecutorVariant(name: "parallel:dropRefund") == nil)
        #expect(ExecutorVariant(name: "token:skipBalanceCheck") == nil)
        #expect(ExecutorVariant.reference.hook == nil && ExecutorVariant.dropRefund.hook == nil)
    }

    /// Each injected fault answers its own point with a value other than the real one and
    /// leaves every other point alone.
    @Test func eachInjectedFaultActsAtItsOwnPointOnly() {
        func answers(_ h: (any FaultHook)?) -> [String] {
            [
                "\(h.value(at: .readSetValidation, real: false))",   // a failing validation
                "\(h.value(at: .estimateBlocksReader, real: true))",
                "\(h.value(at: .deferredBeneficiaryFee, real: UInt256(7)))",
                "\(h.value(at: .erc20BalanceCheck, real: true))",
                "\(h.value(at: .lendingRepayLowersTotalDebt, real: true))",
                "\(h.value(at: .stakingClaimClearsPending, real: true))",
                "\(h.value(at: .poolReserveLocals, real: [2, 3]))",
                "\(h.value(at: .vyperTokenContract, real: "ERC20"))",
                "\(h.value(at: .vyperPoolContract, real: "ConstantProductPool"))",
                "\(h.value(at: .vyperLendingContract, real: "LendingMarket"))",
                "\(h.value(at: .vyperStakingContract, real: "StakingRewards"))",
                "\(h.value(at: .sampleTokenCode, real: SampleContracts.token))",
                "\(h.value(at: .wrapCorrection, real: true))",
                "\(h.value(at: FaultPoint<UInt64>("Sequencer.tieSalt"), real: 5) != 5)",
            ]
        }
        let real = answers(nil)
        for f in PlantedFault.allCases {
            let changed = zip(real, answers(f)).filter { $0 != $1 }.count
            #expect(changed == (f.injected ? 1 : 0), "\(f.name) changes \(changed) points")
        }
        // A set applies each of its faults.
        let set: PlantedFaultSet = [.skipValidation, .dropBeneficiaryFees]
        #expect(zip(real, answers(set)).filter { $0 != $1 }.count == 2)
        #expect(PlantedFaultSet([]).hook == nil)
    }

    /// The contract faults reach the deployed code through `DeFiWorld` and `BlockGenerator`;
    /// with no hook the code is the real one.
    @Test func contractFaultsChangeOnlyTheirContract() {
        func codes(_ faults: (any FaultHook)?) -> [Address: [UInt8]] {
            let state = InMemoryState()
            DeFiWorld(users: [Address(low: 0x1001)], updater: Address(low: 0x1001), faults: faults).install(in: state)
            var g = BlockGenerator(minTransactions: 2, maxTransactions: 2)
            g.faults = faults
            let pre = g.generate(seed: 1).pre
            var out: [Address: [UInt8]] = [BlockGenerator.tokenAddr: pre.code(hash: pre.account(BlockGenerator.tokenAddr)!.codeHash).bytes]
            for a in DeFiWorld.contracts { out[a] = state.code(hash: state.account(a)!.codeHash).bytes }
            return out
        }
        let real = codes(nil)
        #expect(real[DeFiWorld.tokenA] == ERC20Token.code && real[DeFiWorld.pool] == ConstantProductPool.code)
        #expect(real[BlockGenerator.tokenAddr] == SampleContracts.token)
        for f in PlantedFault.of(.contract) {
            let planted = codes(f)
            let changed = real.keys.filter { real[$0] != planted[$0] }
            // Each suite's ERC-20 is deployed twice (token A and token B).
            #expect(changed.count == (f == .tokenSkipBalanceCheck || f == .vyperTokenSkipBalanceCheck ? 2 : 1), "\(f.name) changes \(changed)")
        }
    }
}
