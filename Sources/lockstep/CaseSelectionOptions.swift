import ArgumentParser
import Foundation

/// Flags shared by every verb that runs fixture cases.
struct CaseSelectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Run only cases of this fork (exact fixture name, e.g. Cancun).",
                                            valueName: "name"))
    var fork: String?

    @Option(name: .customLong("run"), help: ArgumentHelp("Run only tests whose name matches this regular expression.",
                                                         valueName: "regex"))
    var run: String?

    @Flag(name: .long, help: "Write an EIP-3155 trace of each executed case to stderr.")
    var trace = false
}

/// Output and concurrency flags shared by the fixture runners (`statetest`, `blocktest`).
struct FixtureRunOptions: ParsableArguments {
    @Flag(name: .long, help: "Print only the summary, not one line per case or test.")
    var summaryOnly = false

    @Option(name: .long, help: ArgumentHelp("Also write the summary as JSON to this file.", valueName: "file"))
    var jsonSummary: String?

    @Option(name: .long, help: ArgumentHelp("Fixture files run concurrently (default: the number of cores; 1 = serial). "
                                            + "The output is the same, in the same order, for every N (timings aside); "
                                            + "statetest --trace and blocktest --executor force 1.", valueName: "N"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }
}
