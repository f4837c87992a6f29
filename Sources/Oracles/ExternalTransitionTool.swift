import EVMCore
import EVMState
import EVMExecution
import EthereumTests
import Foundation
import T8n

/// What one run of an external transition tool produced.
public struct ExternalRun {
    public var result: T8nResult
    public var alloc: InMemoryState
    /// Raw EIP-3155 trace lines per input transaction index (only with `trace`).
    public var traces: [Int: [String]]
    public var seconds: Double
    public var stderr: String
}

/// Why an external run gave no result: the process failed, or its output did not parse.
public struct ExternalToolError: Error, CustomStringConvertible {
    public var command: String
    public var exitCode: Int32
    public var message: String
    public var description: String { "`\(command)` \(exitCode == 0 ? "" : "exited \(exitCode): ")\(message)" }
}

/// Any transition tool that speaks geth's `evm t8n` protocol, run as a process: the case is
/// written to `alloc.json`, `env.json`, `txs.json` in a fresh temporary directory, the command
/// (run in the caller's working directory) gets the standard flags with absolute paths appended (`--input.* --output.basedir --output.result
/// --output.alloc --state.fork --state.chainid --state.reward 0`, plus `--trace`), and
/// `result.json` / `alloc.json` are read back.
///
/// `command` is a shell command line (run by `/bin/sh -c`), e.g. `evm t8n`,
/// `ethereum-spec-evm t8n`, `lockstep t8n --parallel 2`, or a wrapper script.
public struct ExternalTransitionTool: Sendable {
    public var command: String
    /// Kill the process after this many seconds (a hung tool is a failure, not a hang).
    public var timeout: Double

    public init(command: String, timeout: Double = 120) { self.command = command; self.timeout = timeout }

    public func apply(_ c: T8nCase, trace: Bool = false) throws(ExternalToolError) -> ExternalRun {
        let dir = NSTemporaryDirectory() + "lockstep-t8n-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The output directory exists before the run: not every tool creates it (the
        // execution spec's does not).
        do { try c.write(to: dir); try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true) } catch {
            throw ExternalToolError(command: command, exitCode: -1, message: "cannot write inputs in \(dir): \(error.localizedDescription)")
        }
        // Absolute file names, and the caller's working directory: a relative command
        // (`scripts/my-t8n.sh`, `./evm t8n`) resolves as it does on the caller's command line.
        let q = ExternalTransitionTool.shellQuoted
        var line = command + " --input.alloc=\(q(dir + "/alloc.json")) --input.env=\(q(dir + "/env.json")) --input.txs=\(q(dir + "/txs.json"))"
        line += " --output.basedir=\(q(dir + "/out")) --output.result=result.json --output.alloc=alloc.json"
        line += " --state.fork=\(c.fork.fixtureName) --state.chainid=\(c.chainId.decimalString) --state.reward=0"
        if trace { line += " --trace" }
        let start = DispatchTime.now().uptimeNanoseconds
        let (status, stderr) = ExternalTransitionTool.shell(line, in: FileManager.default.currentDirectoryPath, timeout: timeout)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard status == 0 else {
            throw ExternalToolError(command: command, exitCode: status, message: ExternalTransitionTool.tail(stderr))
        }
        func read(_ name: String) throws(ExternalToolError) -> FixtureNode {
            guard let data = FileManager.default.contents(atPath: "\(dir)/out/\(name)") else {
                throw ExternalToolError(command: command, exitCode: 0, message: "wrote no out/\(name); stderr: \(ExternalTransitionTool.tail(stderr))")
            }
            do throws(T8nParseError) { return try T8nInput.parseJSON(data, file: name) } catch {
                throw ExternalToolError(command: command, exitCode: 0, message: "unreadable \(name): \(error)")
            }
        }
        let resultNode = try read("result.json"), allocNode = try read("alloc.json")
        let result: T8nResult
        let alloc: InMemoryState
        do throws(T8nParseError) {
            result = try T8nInput.result(resultNode)
            alloc = try T8nInput.alloc(allocNode)
        } catch {
            throw ExternalToolError(command: command, exitCode: 0, message: "unreadable output: \(error)")
        }
        var traces: [Int: [String]] = [:]
        if trace, let files = try? FileManager.default.contentsOfDirectory(atPath: "\(dir)/out") {
            for f in files where f.hasPrefix("trace-") && f.hasSuffix(".jsonl") {
                let parts = f.split(separator: "-")
                guard parts.count >= 3, let index = Int(parts[1]),
                      let text = try? String(contentsOfFile: "\(dir)/out/\(f)", encoding: .utf8) else { continue }
                traces[index] = text.split(separator: "\n").map(String.init)
            }
        }
        return ExternalRun(result: result, alloc: alloc, traces: traces, seconds: seconds, stderr: stderr)
    }

    /// Checks, before any run, that the command's program exists: the command line is split
    /// into words by `/bin/sh` itself (`eval set --`), leading `NAME=value` assignments are
    /// skipped, and the first word must be found by `command -v` (a path that is executable,
    /// a program on PATH, or a shell builtin or function). Nil when it is found, else why not,
    /// for a usage error (exit 2) instead of a tool failure on every case.
    public func missingProgram() -> String? {
        let probe = #"eval "set -- $1" || exit 3; while [ $# -gt 0 ]; do case "$1" in [A-Za-z_]*=*) shift;; *) break;; esac; done; "#
            + #"[ $# -gt 0 ] || exit 4; command -v -- "$1" >/dev/null 2>&1 || { printf '%s' "$1" >&2; exit 5; }; "#
            + #"case "$1" in */*) [ -x "$1" ] && [ ! -d "$1" ] || { printf '%s' "$1" >&2; exit 6; };; esac"#
        let (status, stderr) = ExternalTransitionTool.shell("set -- " + ExternalTransitionTool.shellQuoted(command) + "; " + probe,
                                                            in: FileManager.default.currentDirectoryPath, timeout: 10)
        switch status {
        case 0: return nil
        case 2, 3: return "`\(command)` is not a valid shell command line (\(ExternalTransitionTool.tail(stderr)))"
        case 4: return "`\(command)` names no program"
        case 5: return "`\(command)`: program `\(stderr)` not found (not on PATH, not an existing file)"
        case 6: return "`\(command)`: `\(stderr)` is not an executable file"
        default: return "`\(command)`: cannot check the program (status \(status): \(ExternalTransitionTool.tail(stderr)))"
        }
    }

    public static func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    static func tail(_ s: String) -> String {
        let lines = s.split(separator: "\n").suffix(3)
        return lines.isEmpty ? "(no stderr)" : lines.joined(separator: " | ")
    }

    /// Runs `/bin/sh -c line` in `dir`; returns the exit status (-9 after a timeout) and stderr.
    static func shell(_ line: String, in dir: String, timeout: Double) -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", line]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let errPipe = Pipe()
        p.standardError = errPipe
        p.standardOutput = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        do { try p.run() } catch { return (127, "cannot start /bin/sh: \(error.localizedDescription)") }
        let errData = ReadAll(errPipe.fileHandleForReading)
        if done.wait(timeout: DispatchTime.now() + timeout) == .timedOut {
            p.terminate()
            p.waitUntilExit()
            return (-9, "timed out after \(timeout) s")
        }
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: errData.wait(), as: UTF8.self))
    }
}

/// Drains a pipe on a background thread (so a chatty tool cannot block on a full pipe).
final class ReadAll: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }
    func wait() -> Data { done.wait(); return data }
}
