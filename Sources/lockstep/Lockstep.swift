import ArgumentParser
import EVMCore

@main
struct Lockstep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lockstep",
        abstract: "A reference EVM, a parallel executor and the checks that keep them in lockstep.",
        subcommands: [StateTestCommand.self, RunCommand.self, CheckCommand.self, ReplayCommand.self, ReportCommand.self,
                      ProveCommand.self, BenchCommand.self,
                      SequenceCommand.self, VerifyBatchCommand.self, T8nCommand.self, FuzzCommand.self])
}
