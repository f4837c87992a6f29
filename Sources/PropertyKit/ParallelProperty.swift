import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import ParallelExecutor
import Generators

/// A failed check of "parallel == serial", shrunk.
public struct ParallelFailure {
    /// Seed of the generated block.
    public var blockSeed: UInt64
    /// The schedule seed (deterministic driver) under which it failed.
    public var scheduleSeed: UInt64
    public var workers: Int
    public var abortBias: Double
    /// The shrunk input.
    public var input: BlockInput
    /// Transactions in the generated block before shrinking.
    public var originalSize: Int
    public var shrinkSteps: Int
    public var difference: ResultDifference
    /// The failing schedule of the shrunk input.
    public var trace: ScheduleTrace?
    public var casesRun: Int
}

/// The central property: for generated blocks and many schedules, the parallel executor's
/// `BlockResult` equals the serial executor's.
public enum ParallelMatchesSerial {
    public static let name = "parallel_matches_serial"

    /// Compares one input under one driver. Returns the first difference (nil = equal).
    public static func check(_ input: BlockInput, driver: ParallelExecutor.Driver,
                             faults: (any FaultHook)? = nil) -> (difference: ResultDifference?, report: ParallelReport) {
        let serial = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        let (parallel, report) = ParallelExecutor(driver: driver, faults: faults)
            .executeWithReport(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        return (ResultComparison.firstDifference(expected: serial, actual: parallel), report)
    }

    /// Runs `cases` generated blocks, each under `schedulesPerBlock` deterministic schedules
    /// (alternating abort bias) and once threaded. Returns the first failure, shrunk.
    public static func run(cases: Int, seed: UInt64, generator: BlockGenerator, schedulesPerBlock: Int = 4,
                           workers: Int = 4, threaded: Bool = true, faults: (any FaultHook)? = nil,
                           progress: ((Int) -> Void)? = nil) -> ParallelFailure? {
        var seeds = SplitMix64(seed: seed)
        for c in 0..<cases {
            let blockSeed = seeds.next()
            let input = generator.generate(seed: blockSeed)
            for s in 0..<schedulesPerBlock {
                let scheduleSeed = blockSeed &+ UInt64(s)
                let bias = s % 2 == 0 ? 0.0 : 0.7
                let (diff, _) = check(input, driver: .deterministic(seed: scheduleSeed, workers: workers, abortBias: bias), faults: faults)
                if diff != nil {
                    return shrinkFailure(input: input, blockSeed: blockSeed, scheduleSeed: scheduleSeed, workers: workers,
                                         bias: bias, faults: faults, casesRun: c + 1)
                }
            }
            if threaded {
                let (diff, _) = check(input, driver: .threaded(workers: 2), faults: faults)
                if let diff {
                    // Threads are not replayable: report it without a trace, unshrunk.
                    return ParallelFailure(blockSeed: blockSeed, scheduleSeed: 0, workers: 2, abortBias: 0, input: input,
                                           originalSize: input.transactions.count, shrinkSteps: 0, difference: diff,
                                           trace: nil, casesRun: c + 1)
                }
            }
            progress?(c + 1)
        }
        return nil
    }

    static func shrinkFailure(input: BlockInput, blockSeed: UInt64, scheduleSeed: UInt64, workers: Int, bias: Double,
                              faults: (any FaultHook)?, casesRun: Int) -> ParallelFailure {
        // A candidate still fails if some schedule seed near the original makes it fail with a
        // difference of the original kind.
        let kind = check(input, driver: .deterministic(seed: scheduleSeed, workers: workers, abortBias: bias), faults: faults).difference?.kind
        func failing(_ b: BlockInput) -> Bool {
            for k in 0..<8 {
                let d = check(b, driver: .deterministic(seed: scheduleSeed &+ UInt64(k), workers: workers, abortBias: bias), faults: faults).difference
                if let d, d.kind == kind { return true }
            }
            return false
        }
        let (fewerTxs, txSteps) = Shrinker.shrinkTransactions(input, failing: failing)
        let (simplerCode, codeSteps) = Shrinker.shrinkCode(fewerTxs, failing: failing)
        let (shrunk, valueSteps) = Shrinker.shrinkTransactionValues(simplerCode, failing: failing)
        let steps = txSteps + codeSteps + valueSteps
        // Find the failing schedule of the shrunk input and keep its trace.
        for k in 0..<8 {
            let s = scheduleSeed &+ UInt64(k)
            let (d, report) = check(shrunk, driver: .deterministic(seed: s, workers: workers, abortBias: bias), faults: faults)
            if let d {
                return ParallelFailure(blockSeed: blockSeed, scheduleSeed: s, workers: workers, abortBias: bias, input: shrunk,
                                       originalSize: input.transactions.count, shrinkSteps: steps, difference: d,
                                       trace: report.trace, casesRun: casesRun)
            }
        }
        let (d, report) = check(input, driver: .deterministic(seed: scheduleSeed, workers: workers, abortBias: bias), faults: faults)
        return ParallelFailure(blockSeed: blockSeed, scheduleSeed: scheduleSeed, workers: workers, abortBias: bias, input: input,
                               originalSize: input.transactions.count, shrinkSteps: steps,
                               difference: d ?? ResultDifference(field: "flaky", expected: "-", actual: "-"),
                               trace: report.trace, casesRun: casesRun)
    }
}
