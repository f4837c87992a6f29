import ArgumentParser
import Foundation
import OpcodeProofs

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
            `lockstep prove opcodes` first evaluates every Z3 spec on the fixed boundary set (0, 1, 2, \
            2^255-1, 2^255, 2^256-1 and every power of two with its neighbours, for each operand) and on \
            random values, and compares it with the interpreter's UInt256 arithmetic: a disagreement is a \
            SPEC MISMATCH before any proof. Then per opcode: proven (limb algorithm = spec at the listed \
            widths including 256, and every concrete case agreed), checked, not proven (with the reason \
            there is no 256-bit proof), UNKNOWN (Z3 gave up: --proof-timeout, --proof-rlimit), VACUOUS \
            (a boundary constraint without a model), or a counterexample with the inputs and both \
            outputs. The last line counts proven / checked / unknown / failing. Exits 1 on any unknown, \
            vacuous or failing opcode.
            """)

    @Option(name: .customLong("opcode"), help: ArgumentHelp("Limit to these opcodes (repeatable), e.g. SDIV.", valueName: "NAME"))
    var opcodes: [String] = []

    @Option(name: .long, help: "Random cases per opcode.")
    var cases: Int = 1000

    @Option(name: .long, help: "Seed of the random cases.")
    var seed: UInt64 = 0x5EED

    @Flag(name: .long, help: "Also run the slow proofs (wider widths; minutes per opcode).")
    var slow = false

    @Flag(name: .customLong("full-width"), help: "Also attempt the 256-bit limb-model proof of every opcode without one (bounded by --proof-timeout / --proof-rlimit); an unknown leaves it checked, not proven.")
    var fullWidth = false

    @Option(name: .customLong("proof-timeout"), help: "Seconds per small-width proof (1…86400); past it Z3's answer is unknown, a failure.")
    var proofTimeout: UInt32 = 60

    @Option(name: .customLong("proof-rlimit"), help: ArgumentHelp("Z3 resource limit (rlimit) per proof query; 0 for none. Running out is unknown, a failure (deterministic, unlike --proof-timeout).", valueName: "units"))
    var proofRlimit: UInt32 = 0

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
        let timeoutMs = min(max(proofTimeout, 1), 86_400) * 1000
        let rlimit: UInt32? = proofRlimit == 0 ? nil : proofRlimit
        do {
            reports = try OpcodeProver.run(opcodes: opcodes.isEmpty ? nil : opcodes.map { $0.uppercased() },
                                           randomCases: max(0, cases), seed: seed, slowProofs: slow,
                                           fullWidth: fullWidth ? (timeoutMilliseconds: timeoutMs, resourceLimit: rlimit) : nil,
                                           proofTimeoutMilliseconds: timeoutMs, proofResourceLimit: rlimit)
        } catch {
            FileHandle.standardError.write(Data("lockstep prove: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(OpcodeProver.render(reports))
        if !OpcodeProver.summary(reports).passed { throw ExitCode(1) }
    }
}
