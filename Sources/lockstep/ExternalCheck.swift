import ArgumentParser
import EVMCore
import Foundation
import Oracles
import T8n

/// `--executor t8n:CMD` (and `--repeat K`, `--forks`): the flags that point a verb at an
/// external transition tool instead of Lockstep's own executors.
struct ExternalExecutorOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Check an external executor that speaks geth's `evm t8n` protocol instead of Lockstep's own: t8n:CMD, CMD a shell command line (e.g. t8n:'evm t8n', t8n:'ethereum-spec-evm t8n').",
                                            valueName: "t8n:CMD"))
    var executor: String?

    @Option(name: .long, help: ArgumentHelp("With --executor: run every case K times through the tool and report any two runs that differ (non-determinism).",
                                            valueName: "K"))
    var `repeat`: Int = 1

    @Option(name: .long, help: ArgumentHelp("With --executor (check): forks the generated blocks cycle through (comma-separated; default Cancun,Prague,Osaka).", valueName: "list"))
    var forks: String?

    @Option(name: .long, help: ArgumentHelp("With --executor: kill a tool run after this many seconds (a hang is a failure).", valueName: "s"))
    var toolTimeout: Double = 120

    @Option(name: .long, help: ArgumentHelp("With --executor: at most this many tool runs to shrink a failing block (drop transactions and withdrawals); 0 keeps it whole.",
                                            valueName: "n"))
    var shrinkBudget: Int = 40

    /// The external command of `t8n:CMD`; nil when no `--executor` was given.
    func command() throws(ExternalExecutorSpecError) -> String? {
        guard let executor else { return nil }
        guard executor.hasPrefix("t8n:") else {
            throw ExternalExecutorSpecError(message: "--executor \(executor): expected t8n:CMD (the only external protocol is the transition tool's)")
        }
        let cmd = executor.dropFirst(4).trimmingCharacters(in: .whitespaces)
        guard !cmd.isEmpty else { throw ExternalExecutorSpecError(message: "--executor t8n: needs a command after the colon") }
        return cmd
    }

    /// The checks every verb makes on these flags before any tool runs (usage errors, exit 2):
    /// the `t8n:CMD` spelling, the ranges of --repeat, --tool-timeout and --shrink-budget, and
    /// that the command's program exists (`ExternalTransitionTool.missingProgram`). Returns the
    /// command, nil without --executor.
    func validated() throws(ExternalExecutorSpecError) -> String? {
        guard let cmd = try command() else { return nil }
        guard (1...100).contains(self.repeat) else { throw ExternalExecutorSpecError(message: "--repeat must be in 1…100") }
        guard toolTimeout > 0, toolTimeout.isFinite, toolTimeout <= 1e6 else {
            throw ExternalExecutorSpecError(message: "--tool-timeout must be a positive number of seconds up to 1e6")
        }
        guard (0...100_000).contains(shrinkBudget) else { throw ExternalExecutorSpecError(message: "--shrink-budget must be in 0…100000") }
        if let why = ExternalTransitionTool(command: cmd).missingProgram() { throw ExternalExecutorSpecError(message: "--executor: \(why)") }
        return cmd
    }

    func parsedForks() throws(ExternalExecutorSpecError) -> [Hardfork] {
        var out: [Hardfork] = []
        for name in (forks ?? "Cancun,Prague,Osaka").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let f = T8nTool.fork(named: name) else { throw ExternalExecutorSpecError(message: "--forks: unknown fork \(name)") }
            guard f >= .cancun else {
                throw ExternalExecutorSpecError(message: "--forks: \(name) is before Cancun; the generated t8n blocks start at Cancun")
            }
            out.append(f)
        }
        guard !out.isEmpty else { throw ExternalExecutorSpecError(message: "--forks: no fork given") }
        return out
    }
}

struct ExternalExecutorSpecError: Error { var message: String }

/// The external-executor half of `lockstep check`: generated blocks through the tool, each
/// compared with the reference; the first finding is written as a counterexample and the
/// run exits 1. Exit 0 when every case agrees, 2 on a usage problem.
enum ExternalCheck {
    static func run(command: String, options: ExternalExecutorOptions, cases: Int?, seconds: Double?, seed: UInt64, seedText: String,
                    out: String, junit: String?) throws {
        let err = FileHandle.standardError
        func usage(_ m: String) -> ExitCode {
            err.write(Data("lockstep check: error: \(m)\n".utf8))
            return ExitCode(2)
        }
        let forks: [Hardfork]
        do { forks = try options.parsedForks() } catch { throw usage(error.message) }
        guard options.repeat >= 1 else { throw usage("--repeat must be at least 1") }
        guard options.toolTimeout > 0 else { throw usage("--tool-timeout must be positive") }
        guard options.shrinkBudget >= 0 else { throw usage("--shrink-budget must be ≥ 0") }
        let gate = ExternalGate(tool: ExternalTransitionTool(command: command, timeout: options.toolTimeout), forks: forks,
                                repeatCount: options.repeat)
        let limit = cases ?? (seconds == nil ? 20 : Int.max)
        let deadline = seconds.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
        let start = ContinuousClock.now
        var lastDraw = start
        let result = gate.run(cases: limit, seed: seed, deadline: deadline) { n in
            let now = ContinuousClock.now
            guard now - lastDraw > .milliseconds(200) else { return }
            lastDraw = now
            err.write(Data("\r\u{1b}[K[external t8n] \(n) blocks".utf8))
        }
        err.write(Data("\r\u{1b}[K".utf8))
        let perBlock = result.checked > 0 ? result.seconds / Double(result.checked) : 0
        let perRun = result.checked > 0 ? result.toolSeconds / Double(result.checked * options.repeat) : 0
        var failure: String? = nil
        if var f = result.finding {
            if options.shrinkBudget > 0 && f.kind != .nondeterminism {
                err.write(Data("shrinking the failing block (at most \(options.shrinkBudget) tool runs)…\n".utf8))
                f = gate.shrink(f, budget: options.shrinkBudget).finding
            }
            let path: String
            do { path = try ExternalCounterexample.write(f, repeatCount: options.repeat, to: out) } catch {
                throw usage("cannot write counterexample under \(out): \(error.localizedDescription)")
            }
            let cwd = FileManager.default.currentDirectoryPath + "/"
            let shown = path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
            failure = f.report(replayPath: shown)
            print(failure!)
        } else {
            print("External executor `\(command)` agreed with the reference on \(result.checked) generated blocks"
                  + " (\(forks.map(\.fixtureName).joined(separator: ", ")), \(options.repeat) run\(options.repeat == 1 ? "" : "s") each, seed \(seedText)),"
                  + String(format: " %.2f s per block, %.2f s per tool run.", perBlock, perRun))
        }
        if let junit {
            var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"lockstep check\" tests=\"1\" failures=\"\(failure == nil ? 0 : 1)\">\n"
            x += "  <testsuite name=\"external_executor\" tests=\"1\" failures=\"\(failure == nil ? 0 : 1)\">\n"
            x += "    <testcase classname=\"lockstep.check\" name=\"\(xmlEscape(command))\" time=\"\(String(format: "%.3f", result.seconds))\">"
            x += "<system-out>\(result.checked) blocks</system-out>"
            if let f = failure { x += "<failure message=\"\(xmlEscape(f.components(separatedBy: "\n").first ?? f))\">\(xmlEscape(f))</failure>" }
            x += "</testcase>\n  </testsuite>\n</testsuites>\n"
            do { try x.write(toFile: junit, atomically: true, encoding: .utf8) } catch {
                throw usage("cannot write JUnit report \(junit): \(error.localizedDescription)")
            }
        }
        if failure != nil { throw ExitCode(1) }
    }

    static func xmlEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `lockstep replay` of an external-executor counterexample: re-runs the stored input
    /// through the stored command (or `override`) as many times as recorded. Exit 1 when it
    /// still differs, 0 when the tool now agrees, 2 when the file cannot be read.
    static func replay(data: Data, file: String, override: String?) throws {
        let loaded: ExternalCounterexample.Loaded
        do { loaded = try ExternalCounterexample.load(data, file: file) } catch {
            FileHandle.standardError.write(Data("lockstep replay: error: \(file): \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        let command = override ?? loaded.command
        print("External executor counterexample: `\(command)`\(override == nil ? "" : " (stored: `\(loaded.command)`)"), "
              + "\(loaded.input.fork.fixtureName) \(loaded.origin ?? "block"), seed 0x\(String(loaded.seed, radix: 16)), \(loaded.input.transactions.count) transactions, "
              + "\(loaded.repeatCount) run\(loaded.repeatCount == 1 ? "" : "s")")
        if let v = loaded.verdict { print("  stored verdict (three-way, when it was written): \(v)") }
        for (i, tx) in loaded.input.transactions.enumerated() {
            print("  tx \(i): type \(tx.type.rawValue) nonce \(tx.nonce) gas \(tx.gasLimit) to \(tx.to.map { "\($0)" } ?? "create") "
                  + "value \(tx.value.decimalString) data \(tx.data.count) bytes")
        }
        let gate = ExternalGate(tool: ExternalTransitionTool(command: command), forks: [loaded.input.fork], repeatCount: loaded.repeatCount)
        if var f = gate.check(loaded.input, seed: loaded.seed) {
            f.origin = loaded.origin
            print(f.report(replayPath: nil))
            print("REPRODUCED")
            throw ExitCode(1)
        }
        print("FIXED: the executor agrees with the reference on this block now.")
    }
}
