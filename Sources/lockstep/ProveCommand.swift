import ArgumentParser
import Foundation
import SMT

/// `lockstep prove <verb>`: the Z3-backed checks, one subcommand each.
struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Z3-backed checks.",
        subcommands: [ProveOpcodesCommand.self, ProveScheduleCommand.self, ProveConservationCommand.self],
        defaultSubcommand: ProveOpcodesCommand.self)
}

/// `lockstep prove opcodes [--opcode NAME]…`: checks the Swift UInt256 opcode implementations
/// against Z3 bit-vector specifications (boundary models, random cases, small-width proofs).
struct ProveOpcodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opcodes",
        abstract: "Z3-backed checks of opcode semantics.",
        discussion: """
            `lockstep prove opcodes` reports, per pure stack opcode: proven (limb algorithm = spec at the \
            listed widths, and every concrete case agreed), checked (N concrete cases agreed), or a \
            counterexample with the inputs and both outputs. Exits 1 on any counterexample or solver \
            failure (an `unknown` answer is a failure, never a pass).
            """)

    @Option(name: .customLong("opcode"), help: ArgumentHelp("Limit to these opcodes (repeatable), e.g. SDIV.", valueName: "NAME"))
    var opcodes: [String] = []

    @Option(name: .long, help: "Random cases per opcode.")
    var cases: Int = 1000

    @Option(name: .long, help: "Seed of the random cases.")
    var seed: UInt64 = 0x5EED

    @Flag(name: .long, help: "Also run the slow proofs (wider widths; minutes per opcode).")
    var slow = false

    @Option(name: .customLong("proof-timeout"), help: "Seconds per small-width proof (1…86400); past it Z3's answer is unknown, a failure.")
    var proofTimeout: UInt32 = 60

    func run() throws {
        guard (0...10_000_000).contains(cases) else { throw ValidationError("--cases: \(cases) is not in 0…10000000") }
        guard (1...86_400).contains(proofTimeout) else { throw ValidationError("--proof-timeout: \(proofTimeout) is not in 1…86400 seconds") }
        let known = Set(OpcodeProver.opcodeNames)
        let unknown = opcodes.map { $0.uppercased() }.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            FileHandle.standardError.write(Data("lockstep prove: error: unknown opcode(s) \(unknown.joined(separator: ", ")); known: \(OpcodeProver.opcodeNames.joined(separator: " "))\n".utf8))
            throw ExitCode(2)
        }
        let reports: [OpcodeReport]
        do {
            reports = try OpcodeProver.run(opcodes: opcodes.isEmpty ? nil : opcodes.map { $0.uppercased() },
                                           randomCases: max(0, cases), seed: seed, slowProofs: slow,
                                           proofTimeoutMilliseconds: min(max(proofTimeout, 1), 86_400) * 1000)
        } catch {
            FileHandle.standardError.write(Data("lockstep prove: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(OpcodeProver.render(reports))
        if reports.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}
