import EVMCore
import ParallelExecutor
import DeFiContracts
import Generators
import SequencerModel
import SMT

/// Every deliberately faulty variant of the project, in one catalogue (issue 18). They exist
/// to show that each property, rule check, proof and gate can fail; none is ever used by a
/// real run. Production code never names them: it exposes `FaultPoint`s and takes an optional
/// `FaultHook` (nil by default); a fault of the kinds `injected` acts through that hook. The
/// rest are whole models built on top of the real code here (`ExecutorVariant` rewrites the
/// serial result, `StaleBalanceGroup` executes a parallel group wrongly).
///
/// `name` (the raw value) is stable: counterexample files store it (`variant`), and the CLI
/// flags that select planted faults (`check --variant` / `--contract-fault`, `sequence
/// --variant`, `prove schedule --fault`) accept it and list the names of their area from here.
public enum PlantedFault: String, CaseIterable, Sendable, Hashable, Comparable {
    // MARK: parallel executor (`ParallelExecutor`, through its fault points)
    case skipValidation
    case ignoreEstimates
    case dropBeneficiaryFees
    // MARK: block executor (the serial result rewritten; `ExecutorVariant`)
    case dropRefund
    case mintEther
    case skipNonceBump
    case perTransactionCumulativeGas
    case leakRevertedWrites
    // MARK: contracts (the sample contracts' code builders, through their fault points)
    case tokenSkipBalanceCheck = "token:skipBalanceCheck"
    case poolSwappedReserves = "pool:swappedReserves"
    case lendingRepayKeepsTotalDebt = "lending:repayKeepsTotalDebt"
    case stakingClaimKeepsPending = "staking:claimKeepsPending"
    case vyperTokenSkipBalanceCheck = "vyper-token:skipBalanceCheck"
    case vyperPoolSwappedReserves = "vyper-pool:swappedReserves"
    case sampleTokenInvertedBalanceCheck = "sample-token:invertedBalanceCheck"
    // MARK: sequencer (through its tie-salt point)
    case plantedR19 = "planted:R19"
    // MARK: parallel group model (`StaleBalanceGroup`, the double-spend counterexamples)
    case staleBalanceReads = "parallelGroup:staleBalanceReads"
    // MARK: proofs (the SMT encodings, through their fault points)
    case droppedWrapTerms = "ledger:droppedWrapTerms"

    /// Which part of the project the fault breaks.
    public enum Area: String, CaseIterable, Sendable {
        /// `ParallelExecutor` (`check --variant parallel:…`, `prove schedule --fault`).
        case parallelExecutor
        /// The serial executor's result (`check --variant`).
        case blockExecutor
        /// A sample contract's bytecode (`check --contract-fault`).
        case contract
        /// `Sequencer` (`sequence --variant`).
        case sequencer
        /// A model of one parallel group (`prove conservation --double-spend`).
        case parallelGroupModel
        /// A lemma of an SMT proof (`SMTTests`).
        case proof
    }

    public var name: String { rawValue }

    public var area: Area {
        switch self {
        case .skipValidation, .ignoreEstimates, .dropBeneficiaryFees: return .parallelExecutor
        case .dropRefund, .mintEther, .skipNonceBump, .perTransactionCumulativeGas, .leakRevertedWrites: return .blockExecutor
        case .tokenSkipBalanceCheck, .poolSwappedReserves, .lendingRepayKeepsTotalDebt, .stakingClaimKeepsPending,
             .vyperTokenSkipBalanceCheck, .vyperPoolSwappedReserves, .sampleTokenInvertedBalanceCheck: return .contract
        case .plantedR19: return .sequencer
        case .staleBalanceReads: return .parallelGroupModel
        case .droppedWrapTerms: return .proof
        }
    }

    /// What the fault does, in one sentence.
    public var summary: String {
        switch self {
        case .skipValidation: return "every read-set validation passes, so stale reads are committed"
        case .ignoreEstimates: return "readers look through ESTIMATE markers of an aborted transaction (take them for values)"
        case .dropBeneficiaryFees: return "the beneficiary's deferred fee is never credited"
        case .dropRefund: return "unused gas is never returned to the sender (the ether disappears)"
        case .mintEther: return "the beneficiary is credited one extra wei per executed transaction"
        case .skipNonceBump: return "the sender's nonce is not bumped for every executed transaction after its first"
        case .perTransactionCumulativeGas: return "each receipt's own gas is written as its cumulative gas"
        case .leakRevertedWrites: return "reverts are reported but the reverted frame's storage writes are kept"
        case .tokenSkipBalanceCheck: return "ERC20Token transfer/transferFrom skip the balance check (the sender's balance wraps)"
        case .poolSwappedReserves: return "the AMM prices swaps with the reserves swapped, so swaps toward the scarcer side pay out too much and k decreases"
        case .lendingRepayKeepsTotalDebt: return "the lending market's repay clears the user's debt but not the total debt"
        case .stakingClaimKeepsPending: return "staking's claim pays the pending reward without clearing it"
        case .vyperTokenSkipBalanceCheck: return "the Vyper ERC-20 compiled from ERC20_skipBalanceCheck.vy (no balance check, unsafe_sub)"
        case .vyperPoolSwappedReserves: return "the Vyper pool compiled from ConstantProductPool_swappedReserves.vy (swap prices with the reserves swapped)"
        case .sampleTokenInvertedBalanceCheck: return "the generated blocks' sample token checks the balance with LT for GT, so an overdraft goes through and wraps"
        case .plantedR19: return "ties are ordered by a salt drawn from the system RNG on every run (breaks R19; each run alone keeps R1–R18)"
        case .staleBalanceReads: return "one parallel group in which every transaction reads the group's pre-state balances and balance changes merge as wrapping deltas"
        case .droppedWrapTerms: return "the wide-ledger wrap identities lose their 2^256 correction term (the classic mistake)"
        }
    }

    /// The faults of `area`, in catalogue order.
    public static func of(_ area: Area) -> [PlantedFault] { allCases.filter { $0.area == area } }

    /// The fault named `name` — its raw value, or the kebab-case spelling of a one-word name
    /// (`skip-validation` for `skipValidation`, the `prove schedule --fault` form).
    public init?(named name: String) {
        if let f = PlantedFault(rawValue: name) { self = f; return }
        guard let f = PlantedFault.allCases.first(where: { $0.kebabName == name }) else { return nil }
        self = f
    }

    /// `skipValidation` → `skip-validation`; names with a `:` are returned as they are.
    public var kebabName: String {
        guard !rawValue.contains(":") else { return rawValue }
        return rawValue.reduce(into: "") { s, c in
            if c.isUppercase { s += "-" + c.lowercased() } else { s.append(c) }
        }
    }

    public static func < (a: PlantedFault, b: PlantedFault) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Whether the fault acts through production code's `FaultPoint`s (else it is a model
    /// of its own: `ExecutorVariant` or `StaleBalanceGroup`).
    public var injected: Bool { area != .blockExecutor && area != .parallelGroupModel }
}

extension PlantedFault: FaultHook {
    /// The faulty value at the one point this fault acts on; `real` everywhere else.
    public func value<Value>(at point: FaultPoint<Value>, real: Value) -> Value {
        func at<V>(_ p: FaultPoint<V>, _ v: @autoclosure () -> V) -> Value? {
            point.name == p.name ? v() as? Value : nil
        }
        let planted: Value?
        switch self {
        case .skipValidation: planted = at(.readSetValidation, true)
        case .ignoreEstimates: planted = at(.estimateBlocksReader, false)
        case .dropBeneficiaryFees: planted = at(.deferredBeneficiaryFee, UInt256.zero)
        case .tokenSkipBalanceCheck: planted = at(.erc20BalanceCheck, false)
        case .poolSwappedReserves: planted = at(.poolReserveLocals, Array(((real as? [Int]) ?? []).reversed()))
        case .lendingRepayKeepsTotalDebt: planted = at(.lendingRepayLowersTotalDebt, false)
        case .stakingClaimKeepsPending: planted = at(.stakingClaimClearsPending, false)
        case .vyperTokenSkipBalanceCheck: planted = at(.vyperTokenContract, "ERC20_skipBalanceCheck")
        case .vyperPoolSwappedReserves: planted = at(.vyperPoolContract, "ConstantProductPool_swappedReserves")
        case .sampleTokenInvertedBalanceCheck:
            planted = at(.sampleTokenCode, {
                // `GT` (0x11) at offset 7 of `SampleContracts.token` becomes `LT` (0x10).
                var t = (real as? [UInt8]) ?? SampleContracts.token
                if t.count > 7, t[7] == 0x11 { t[7] = 0x10 }
                return t
            }())
        case .plantedR19:
            planted = at(.tieSalt, {
                var rng = SystemRandomNumberGenerator()
                return ((real as? UInt64) ?? 0) ^ (rng.next() | 1)
            }())
        case .droppedWrapTerms: planted = at(.wrapCorrection, false)
        case .dropRefund, .mintEther, .skipNonceBump, .perTransactionCumulativeGas, .leakRevertedWrites, .staleBalanceReads:
            planted = nil
        }
        return planted ?? real
    }
}

/// A set of planted faults, the hook production code is given when several are on at once
/// (`parallel:skipValidation+ignoreEstimates`). Applies its faults in catalogue order.
public struct PlantedFaultSet: FaultHook, Hashable, Sendable, ExpressibleByArrayLiteral {
    public var faults: Set<PlantedFault>
    public init(_ faults: some Sequence<PlantedFault>) { self.faults = Set(faults) }
    public init(arrayLiteral elements: PlantedFault...) { self.init(elements) }
    public var isEmpty: Bool { faults.isEmpty }
    public var sorted: [PlantedFault] { faults.sorted() }
    /// nil for the empty set, so a run without faults passes no hook at all.
    public var hook: (any FaultHook)? { faults.isEmpty ? nil : self }

    public func value<Value>(at point: FaultPoint<Value>, real: Value) -> Value {
        sorted.reduce(real) { v, f in f.value(at: point, real: v) }
    }

    /// Parses the names of `area` (each `PlantedFault(named:)`); the error names the first
    /// unknown one and lists the known names.
    public static func parse(_ names: [String], area: PlantedFault.Area) -> Result<PlantedFaultSet, UnknownPlantedFault> {
        var set = PlantedFaultSet([])
        for n in names {
            guard let f = PlantedFault(named: n), f.area == area else { return .failure(UnknownPlantedFault(name: n, area: area)) }
            set.faults.insert(f)
        }
        return .success(set)
    }
}

/// A name that is not a planted fault of `area`.
public struct UnknownPlantedFault: Error, Equatable, CustomStringConvertible {
    public var name: String
    public var area: PlantedFault.Area
    public var known: [String] { PlantedFault.of(area).map(\.name) }
    public var description: String { "unknown \(name); known: \(known.joined(separator: ", "))" }
}
