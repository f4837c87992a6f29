import ArgumentParser
import EVMCore
import Foundation

@main
struct Lockstep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lockstep",
        abstract: "A reference EVM, a parallel executor and the checks that keep them in lockstep.",
        discussion: "Exit codes (every verb): 0 success, 1 a check failed or a difference was found, 2 usage or input error.",
        subcommands: [StateTestCommand.self, BlockTestCommand.self, RunCommand.self, CheckCommand.self, ReplayCommand.self, ReportCommand.self,
                      ProveCommand.self, BenchCommand.self,
                      SequenceCommand.self, VerifyBatchCommand.self, T8nCommand.self, FuzzCommand.self])

    /// Parses, runs and exits by the CLI's contract: 0 success, 1 a check failed (verbs say so
    /// with `ExitCode(1)`), 2 a usage or input error — ArgumentParser's usage code 64 becomes 2,
    /// and so does any other error a verb throws (an unreadable or malformed file, a refused
    /// input), printed as `lockstep: error: …`. Help and `--version` still exit 0.
    static func main() {
        let arguments = CLIArguments.attachNegativeNumbers(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exitByContract(error)
        }
    }

    static func exitByContract(_ error: any Error) -> Never {
        let code = exitCode(for: error)
        if code == .success { exit(withError: error) }
        if let e = error as? ExitCode {
            // The verb printed its own message.
            Foundation.exit(e.rawValue == ExitCode.validationFailure.rawValue ? 2 : e.rawValue)
        }
        let message: String
        if code == .validationFailure {
            message = fullMessage(for: error)  // ArgumentParser's parse/validation text with the usage line
        } else if let e = error as? CocoaError {
            message = "lockstep: error: " + e.localizedDescription
        } else {
            message = "lockstep: error: \(error)"
        }
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
        Foundation.exit(2)
    }
}

/// Argument preprocessing shared by every verb.
enum CLIArguments {
    /// `--cases -1` would make ArgumentParser read `-1` as a flag and report "Missing value";
    /// a negative number after a `--long` option is attached (`--cases=-1`) so the option's own
    /// check can say what is wrong with the value.
    static func attachNegativeNumbers(_ args: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        var afterTerminator = false
        while i < args.count {
            let a = args[i]
            if a == "--" { afterTerminator = true }
            if !afterTerminator, a.hasPrefix("--"), a.count > 2, !a.contains("="), i + 1 < args.count, isNegativeNumber(args[i + 1]) {
                out.append(a + "=" + args[i + 1])
                i += 2
                continue
            }
            out.append(a)
            i += 1
        }
        return out
    }

    static func isNegativeNumber(_ s: String) -> Bool {
        guard s.hasPrefix("-"), s.count > 1 else { return false }
        return Double(s) != nil || s.dropFirst().allSatisfy { $0.isHexDigit || $0 == "x" || $0 == "X" }
            && s.dropFirst().first?.isNumber == true
    }
}

/// An input error a verb reports with the file it concerns; `Lockstep.main` prints it and exits 2.
struct InputError: Error, CustomStringConvertible {
    var description: String

    /// Reads `path` and converts it with `parse`; any failure becomes `path: what is wrong`.
    static func load<T>(_ path: String, _ parse: (Data) throws -> T) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InputError(description: "\(path): cannot read: \((error as? CocoaError)?.localizedDescription ?? "\(error)")")
        }
        do { return try parse(data) } catch { throw InputError(description: "\(path): \(error)") }
    }
}
