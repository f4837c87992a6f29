import EVMExecution
import EVMInterpreter

/// Which executor runs a block: the serial oracle, or the parallel executor under one driver.
/// Verbs and runners that judge blocks (state tests, blockchain tests, t8n) take the
/// `BlockExecutor` this yields, so they never depend on the parallel executor themselves.
public enum ExecutionMode: Sendable {
    case serial
    case parallel(ParallelExecutor.Driver)

    /// The executor for this mode. `tracer` is honoured by the serial executor only: a parallel
    /// run executes transactions speculatively, possibly several times, so it has no single trace.
    public func executor(tracer: (any Tracer)? = nil) -> any BlockExecutor {
        switch self {
        case .serial: return SerialExecutor(tracer: tracer)
        case .parallel(let driver): return ParallelExecutor(driver: driver)
        }
    }

    public var isSerial: Bool { if case .serial = self { return true } else { return false } }
}
