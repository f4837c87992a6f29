import ArgumentParser
import Differential
import EVMCore
import Foundation
import Oracles
import ParallelExecutor

/// `lockstep fuzz [--fork F] [--cases N | --seconds S] [--seed S] [--opcode NAME | --precompile ADDR | --feature NAME]
/// [--parallel N] [--schedule-seed S] [--out DIR] [--batch B] [--executor t8n:CMD [--repeat K] [--three-way]]`,
/// and the oracle-free crash campaign
/// `lockstep fuzz --crash [--programs N] [--seed S] [--deep-rate P]` (`CrashCampaign`).
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Differential testing against the Ethereum execution spec (ethereum-spec-evm t8n).",
        discussion: """
            Generates independent cases from the seed (each with its own sender and contracts), packs up to \
            --batch of them into one block per oracle call, and compares the execution spec's result with \
            Lockstep's serial transition (and, with --parallel / --schedule-seed, the parallel executor's): \
            state root and post-state per account, logs, gas used per transaction, validity. A difference is \
            re-run case by case, traced (first differing EIP-3155 step), shrunk and written as a filled state \
            test to DIR (default Counterexamples/differential) that `lockstep statetest FILE` replays. \
            Exits 0 when everything agrees, 1 on a divergence, 2 on a usage error or when the spec is not \
            installed (`bash scripts/setup.sh` installs it; LOCKSTEP_SPEC_EVM overrides its path). \
            With --crash: the crash campaign instead (generated and deep programs, serial vs parallel, no \
            oracle); a trap prints the replay command of the case that trapped. \
            With --executor t8n:CMD the same cases (every fork, feature and focus mode, batched) go to the \
            external transition tool CMD instead, and Lockstep's reference is the oracle (in process; the spec \
            is not needed): state root, receipts and logs, gas per transaction, rejected transactions and the \
            post-state must match. A difference is isolated per case, shrunk, traced (both EIP-3155 traces and \
            the first differing step, when the tool supports --trace) and written as an external_executor \
            counterexample under DIR (default lockstep-cx) that `lockstep replay FILE` replays (1 reproduced, \
            0 fixed). --repeat K runs every block K times and reports any non-determinism. --three-way also runs \
            every batch through the execution spec and says, for each difference, which side is wrong.
            """)

    @Flag(name: .long, help: "Run the crash campaign (generated and deep programs through both executors; no oracle).")
    var crash = false
    @Option(name: .long, help: "--crash: cases to run (1…1000000000).")
    var programs: Int = 10_000
    @Option(name: .long, help: ArgumentHelp("--crash: probability (0…1) that a case is one deep-program call.", valueName: "p"))
    var deepRate: Double = 0.1

    @Option(name: .long, help: "Cancun, Prague, Osaka, or all (cycles through the three).")
    var fork: String = "all"
    @Option(name: .long, help: "Number of cases per fork (default 200 unless --seconds).")
    var cases: Int?
    @Option(name: .long, help: "Run for this many seconds instead of a case count.")
    var seconds: Double?
    @Option(name: .long, help: "Run seed (hex with 0x or decimal; default 0x5eed, 0x16 with --crash).")
    var seed: String?
    @Option(name: .long, help: "Programs dense in one opcode (mnemonic, e.g. CLZ, or 0x1e).")
    var opcode: String?
    @Option(name: .long, help: "Calls of one precompile (e.g. 0x0b, 0x100).")
    var precompile: String?
    @Option(name: .long, help: "One feature: \(FuzzFocus.features.joined(separator: ", ")).")
    var feature: String?
    /// `--parallel N` / `--schedule-seed S --schedules K`: also run through the parallel executor.
    @OptionGroup var executor: ExecutorOptions
    @Option(name: .long, help: "Where counterexamples go (default Counterexamples/differential; with --executor lockstep-cx).")
    var out: String?
    @Option(name: .long, help: "Cases per oracle call.")
    var batch: Int = 48

    @OptionGroup(title: "External executor (t8n protocol)")
    var external: ExternalExecutorOptions

    @Flag(name: .long, help: "With --executor: also run every batch through the execution spec (ethereum-spec-evm), and give each difference a verdict (which of the tool and Lockstep is wrong).")
    var threeWay = false

    func run() throws {
        if crash { return try CrashCampaign(programs: programs, seed: seed ?? "0x16", deepRate: deepRate).run() }
        let seed = self.seed ?? "0x5eed"
        let forks: [Hardfork]
        switch fork.lowercased() {
        case "all": forks = [.cancun, .prague, .osaka]
        default:
            guard let f = Hardfork(fixtureName: fork), [.cancun, .prague, .osaka].contains(f) else {
                throw usage("--fork must be Cancun, Prague, Osaka or all")
            }
            forks = [f]
        }
        let focus: FuzzFocus
        if [opcode, precompile, feature].compactMap({ $0 }).count > 1 { throw usage("use one of --opcode, --precompile, --feature") }
        if let opcode {
            guard let f = FuzzFocus.opcode(named: opcode) else { throw usage("unknown opcode \(opcode)") }
            focus = f
        } else if let precompile {
            guard let f = FuzzFocus.precompile(named: precompile) else { throw usage("unknown precompile \(precompile)") }
            focus = f
        } else if let feature {
            guard FuzzFocus.features.contains(feature) else { throw usage("unknown feature \(feature); one of \(FuzzFocus.features.joined(separator: ", "))") }
            focus = .feature(feature)
        } else {
            focus = .all
        }
        guard let seedValue = seed.hasPrefix("0x") ? UInt64(seed.dropFirst(2), radix: 16) : UInt64(seed) else { throw usage("bad --seed \(seed)") }
        guard batch >= 1, (cases ?? 1) >= 1, (seconds ?? 1) > 0 else { throw usage("--batch, --cases and --seconds must be positive") }
        // Bounds that keep the arithmetic below in range (seconds → Int64 milliseconds) and a batch one block.
        guard batch <= 4096 else { throw usage("--batch: \(batch) is more than 4096 cases per oracle call") }
        guard (seconds ?? 1).isFinite, (seconds ?? 1) <= 1e9 else { throw usage("--seconds: \(seconds ?? 0) is not a number of seconds up to 1e9") }
        // Serial always runs (it is the side compared with the spec); these are the extra parallel modes.
        let modes: [ExecutionMode]
        do { modes = try executor.modes().filter { !$0.isSerial } } catch { throw usage("\(error)") }
        let executorCommand: String?
        do { executorCommand = try external.validated() } catch { throw usage(error.message) }
        if executorCommand == nil, threeWay || external.repeat != 1 || external.forks != nil {
            throw usage("--three-way and --repeat apply with --executor t8n:CMD only")
        }
        if external.forks != nil { throw usage("--forks does not apply to fuzz; use --fork Cancun|Prague|Osaka|all") }

        // The oracle is looked for only once the arguments are known to be good (and, with
        // --executor, only for --three-way: Lockstep's reference is the oracle then).
        let spec = DifferentialRunner.specCommand()
        if executorCommand != nil, !threeWay || spec != nil {
            return try runExecutor(command: executorCommand!, spec: threeWay ? spec : nil, forks: forks, focus: focus,
                                   seed: seedValue, modes: modes)
        }
        guard let command = spec else {
            FileHandle.standardError.write(Data("""
                lockstep fuzz: error: the execution spec (ethereum-spec-evm) is not installed.
                Install it with `bash scripts/setup.sh` (PyPI ethereum-execution into .build-tools/venv), or set LOCKSTEP_SPEC_EVM.\(threeWay ? " (--three-way needs it; without --three-way, --executor needs no spec.)" : "")\n
                """.utf8))
            throw ExitCode(2)
        }
        let out = self.out ?? "Counterexamples/differential"
        let vectors = FuzzGenerator.loadVectors()
        let perFork = cases ?? (seconds == nil ? 200 : Int.max / 4)
        let deadline = seconds.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
        var total = FuzzStats()
        var found: [Divergence] = []
        print("lockstep fuzz: seed 0x\(String(seedValue, radix: 16)), \(focus), forks \(forks.map(\.fixtureName).joined(separator: ", ")), batch \(batch), oracle `\(command)`")
        for f in forks {
            let runner = DifferentialRunner(fork: f, generator: FuzzGenerator(fork: f, focus: focus, vectors: vectors), oracleCommand: command,
                                            parallelModes: modes, batchSize: batch, outDir: out)
            var stats = FuzzStats()
            // With --seconds the forks share the time equally.
            let forkDeadline = deadline.map { d in ContinuousClock.now + (d - ContinuousClock.now) / max(1, forks.count - (forks.firstIndex(of: f) ?? 0)) }
            let divergences = runner.campaign(seed: seedValue ^ UInt64(f.rawValue), count: perFork, deadline: forkDeadline, stats: &stats) { line in
                print("  \(f.fixtureName): \(line)")
            }
            found += divergences.filter { $0.explanation == nil }
            for d in divergences where d.explanation == nil { print(d.report) }
            var explained: [String: Int] = [:]
            for d in divergences { if let e = d.explanation { explained[e, default: 0] += 1 } }
            for (e, n) in explained.sorted(by: { $0.key < $1.key }) { print("  \(n) explained divergences: \(e)") }
            let features = stats.perFeature.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print(String(format: "%@: %d cases in %d batches, %d oracle calls, %.1f s (%.1f cases/s), %d rejected txs compared, %d unexplained divergences, %d explained, %d unconfirmed batch differences",
                         f.fixtureName, stats.cases, stats.batches, stats.oracleCalls, stats.seconds, Double(stats.cases) / max(stats.seconds, 0.001),
                         stats.rejected, divergences.count - stats.explained, stats.explained, stats.unconfirmed))
            print("  per feature: \(features)")
            total.cases += stats.cases; total.unconfirmed += stats.unconfirmed
        }
        if !found.isEmpty || total.unconfirmed > 0 {
            print("\(found.count) divergences, \(total.unconfirmed) unconfirmed batch differences. Replay with the seed: lockstep fuzz --seed 0x\(String(seedValue, radix: 16)) --fork \(fork)\(opcode.map { " --opcode \($0)" } ?? "")\(precompile.map { " --precompile \($0)" } ?? "")\(feature.map { " --feature \($0)" } ?? "")")
            throw ExitCode(1)
        }
        print("all \(total.cases) cases agree")
    }

    /// The fuzz command line that regenerates this run (for reports and counterexample origins).
    func replayLine(seed: UInt64) -> String {
        var line = "lockstep fuzz --seed 0x\(String(seed, radix: 16)) --fork \(fork)"
        if let opcode { line += " --opcode \(opcode)" }
        if let precompile { line += " --precompile \(precompile)" }
        if let feature { line += " --feature \(feature)" }
        if let cases { line += " --cases \(cases)" }
        if batch != 48 { line += " --batch \(batch)" }
        if let command = external.executor { line += " --executor \(ExternalTransitionTool.shellQuoted(command))" }
        if external.repeat != 1 { line += " --repeat \(external.repeat)" }
        if threeWay { line += " --three-way" }
        return line
    }

    /// `--executor t8n:CMD`: the fuzz cases through the external tool, Lockstep's reference the
    /// oracle (and the spec too with `spec`, three-way). Exit 0 all agree, 1 a difference.
    func runExecutor(command: String, spec: String?, forks: [Hardfork], focus: FuzzFocus, seed seedValue: UInt64,
                     modes: [ExecutionMode]) throws {
        let out = self.out ?? "lockstep-cx"
        let vectors = FuzzGenerator.loadVectors()
        let perFork = cases ?? (seconds == nil ? 200 : Int.max / 4)
        let deadline = seconds.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
        let gate = ExternalGate(tool: ExternalTransitionTool(command: command, timeout: external.toolTimeout), repeatCount: external.repeat)
        print("lockstep fuzz: seed 0x\(String(seedValue, radix: 16)), \(focus), forks \(forks.map(\.fixtureName).joined(separator: ", ")), batch \(batch), "
              + "executor `\(command)` (\(external.repeat) run\(external.repeat == 1 ? "" : "s") per block) against Lockstep's reference"
              + (spec.map { " and the execution spec `\($0)` (three-way)" } ?? ""))
        var found: [Divergence] = []
        var totalCases = 0, totalUnconfirmed = 0
        let cwd = FileManager.default.currentDirectoryPath + "/"
        for f in forks {
            var runner = DifferentialRunner(fork: f, generator: FuzzGenerator(fork: f, focus: focus, vectors: vectors), executor: gate,
                                            specCommand: spec, parallelModes: modes, batchSize: batch, outDir: out)
            runner.shrinkBudget = external.shrinkBudget
            runner.campaignLabel = replayLine(seed: seedValue)
            var stats = FuzzStats()
            let forkDeadline = deadline.map { d in ContinuousClock.now + (d - ContinuousClock.now) / max(1, forks.count - (forks.firstIndex(of: f) ?? 0)) }
            var divergences = runner.campaign(seed: seedValue ^ UInt64(f.rawValue), count: perFork, deadline: forkDeadline, stats: &stats) { line in
                print("  \(f.fixtureName): \(line)")
            }
            for i in divergences.indices {
                if let file = divergences[i].file, file.hasPrefix(cwd) { divergences[i].file = String(file.dropFirst(cwd.count)) }
            }
            let unexplained = divergences.filter { $0.explanation == nil }
            found += unexplained
            for d in unexplained { print(d.report) }
            var explained: [String: Int] = [:]
            for d in divergences { if let e = d.explanation { explained[e, default: 0] += 1 } }
            for (e, n) in explained.sorted(by: { $0.key < $1.key }) { print("  \(n) explained spec divergences: \(e)") }
            let features = stats.perFeature.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print(String(format: "%@: %d cases in %d batches, %d tool runs (%.2f s in the tool, %.1f ms per case), %.1f s in all (%.1f cases/s), %d rejected txs compared%@, %d differences, %d unconfirmed batch differences",
                         f.fixtureName, stats.cases, stats.batches, stats.toolCalls, stats.toolSeconds,
                         1000 * stats.toolSeconds / Double(max(stats.cases, 1)), stats.seconds, Double(stats.cases) / max(stats.seconds, 0.001),
                         stats.rejected, spec == nil ? "" : ", \(stats.oracleCalls) spec calls", unexplained.count, stats.unconfirmed))
            print("  per feature: \(features)")
            totalCases += stats.cases; totalUnconfirmed += stats.unconfirmed
        }
        if !found.isEmpty || totalUnconfirmed > 0 {
            print("\(found.count) differences, \(totalUnconfirmed) unconfirmed batch differences. Re-run: \(replayLine(seed: seedValue))")
            throw ExitCode(1)
        }
        print("all \(totalCases) cases agree: `\(command)` = Lockstep's reference\(spec == nil ? "" : " = the execution spec")")
    }

    private func usage(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("lockstep fuzz: error: \(message)\n".utf8))
        return ExitCode(2)
    }
}
