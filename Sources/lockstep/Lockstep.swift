import ArgumentParser
import EVMCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
        keepFreedMemory()
        let arguments = CLIArguments.attachNegativeNumbers(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exitByContract(error)
        }
    }

    /// glibc returns freed memory at the top of the heap to the kernel (`M_TRIM_THRESHOLD`) and
    /// serves large blocks with fresh `mmap`s (`M_MMAP_THRESHOLD`), so every block, transaction
    /// or table that grows a big dictionary paid its pages again in page faults — 39% of the
    /// `storage cold reset` workload's time (`perf`), most of a state root's tail. Freed memory is
    /// kept for reuse instead: a CLI that executes one block after another stays at its peak
    /// footprint, which `bench` reports. Only glibc knows these knobs; elsewhere this is a no-op.
    static func keepFreedMemory() {
        #if canImport(Glibc)
        // `mallopt` is not in the Glibc module (malloc.h): looked up by name; its parameter
        // numbers are glibc's ABI (malloc.h: M_TRIM_THRESHOLD -1, M_TOP_PAD -2, M_MMAP_THRESHOLD -3).
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-3, 32 << 20)   // M_MMAP_THRESHOLD at glibc's maximum: blocks below 32 MiB come from the heap
        _ = mallopt(-1, Int32.max)  // M_TRIM_THRESHOLD: never give the heap's top back
        _ = mallopt(-2, 16 << 20)   // M_TOP_PAD: grow the heap 16 MiB at a time
        #endif
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
