import ArgumentParser

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
