/// The executor the `statetest` command runs every case through.
public enum StateTestExecution {
    /// Runs one case and judges it (see `CaseOutcome.judge`). With `trace`, an EIP-3155 trace
    /// goes to stderr.
    ///
    /// Not connected to an executor yet: every case fails with "executor not wired".
    public static func run(_ testCase: StateTestCase, trace: Bool) -> CaseOutcome {
        CaseOutcome(pass: false, error: "executor not wired")
    }
}
