import ArgumentParser
import Foundation
import EVMCore
import EVMInterpreter
import EVMExecution
import ParallelExecutor
import Generators

/// `lockstep fuzz --crash [--programs N] [--seed S] [--deep-rate P]`: the crash campaign (run by
/// `FuzzCommand` when `--crash` is given; it needs no oracle).
/// Case k runs with seed S + k: a block of generated programs (`ProgramGenerator`: structured
/// contracts calling and creating each other, and raw random bytes), or with probability P one
/// `DeepProgram` call (nested calls, delegate calls and creates to a random depth: half of them
/// 1024…1100, past the limit, half 0…1023; reverts at every depth, memory up to the gas-bounded maximum, a
/// random precompile with random input in every frame). Each block runs serially and under a
/// seeded parallel schedule; a root difference is a finding (exit 1). A trap prints the case's
/// replay command before the process dies.
struct CrashCampaign {
    var programs: Int
    var seed: String
    var deepRate: Double

    func run() throws {
        guard (1...1_000_000_000).contains(programs) else { throw ValidationError("--programs: \(programs) is not in 1…1000000000") }
        guard deepRate.isFinite, (0...1).contains(deepRate) else { throw ValidationError("--deep-rate: \(deepRate) is not a probability (0…1)") }
        guard let base = SequenceCommand.parseSeed(seed) else { throw ValidationError("--seed: \(seed) is not a 64-bit decimal or 0x-hex number") }
        var gen = BlockGenerator(minTransactions: 1, maxTransactions: 8, senders: 8, conflictRate: 0.5)
        gen.programRate = 1
        gen.defiRate = 0
        CrashNote.install()
        let start = Date()
        var deep = 0, atLimit = 0, maxDepth = 0, transactions = 0, differences = 0
        for k in 0..<programs {
            let caseSeed = base &+ UInt64(k)
            let replay = "lockstep fuzz --crash --seed 0x\(String(caseSeed, radix: 16)) --programs 1 --deep-rate \(deepRate)"
            CrashNote.set("lockstep fuzz: trapped in case \(k); replay: \(replay)\n")
            var rng = SplitMix64(seed: caseSeed)
            let isDeep = Double(rng.next() % 1_000_000) / 1_000_000 < deepRate
            // Half the deep calls ask for 1024…maxDepth levels (the depth limit), half for 0…1023.
            let r = rng.next()
            let levels = r & 1 == 0 ? 1024 + Int((r >> 1) % UInt64(DeepProgram.maxDepth - 1023)) : Int((r >> 1) % 1024)
            let input = isDeep ? DeepProgram.block(seed: caseSeed, depth: levels) : gen.generate(seed: caseSeed)
            transactions += input.transactions.count
            let depth = DepthTracer()
            let serial = SerialExecutor(tracer: isDeep ? depth : nil)
                .execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
            if isDeep {
                deep += 1
                maxDepth = max(maxDepth, depth.maxDepth)
                if depth.maxDepth >= 1024 { atLimit += 1 }
            }
            let parallel = ParallelExecutor(driver: .deterministic(seed: caseSeed, workers: 4, abortBias: 0.5))
                .execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
            if let d = ResultComparison.firstDifference(expected: serial, actual: parallel) {
                differences += 1
                print("case \(k): serial and parallel differ: \(d)\n  replay: \(replay)")
            }
            if programs >= 10, (k + 1) % max(1, programs / 10) == 0 {
                FileHandle.standardError.write(Data("… \(k + 1) cases, \(String(format: "%.1f", Date().timeIntervalSince(start))) s\n".utf8))
            }
        }
        CrashNote.set("")
        let seconds = Date().timeIntervalSince(start)
        print("crash campaign seed 0x\(String(base, radix: 16)): \(programs) cases (\(programs - deep) generated-program blocks, \(deep) deep calls; "
              + "\(transactions) transactions), deepest frame \(maxDepth), \(atLimit) calls reached depth 1024; "
              + "0 crashes, \(differences) serial/parallel differences; \(String(format: "%.1f", seconds)) s")
        if differences > 0 { throw ExitCode(1) }
    }
}

/// Records the deepest frame a run starts (message depth 0 = the transaction's own frame).
final class DepthTracer: Tracer {
    var maxDepth = 0
    func step(_ step: TraceStep) {}
    func frameStart(_ message: Message, code: Bytecode) { maxDepth = max(maxDepth, message.depth) }
}

/// The replay line a trap prints: kept in a fixed buffer that the signal handler writes with
/// write(2) (no allocation in the handler), then the signal's default action ends the process.
enum CrashNote {
    static let capacity = 512
    nonisolated(unsafe) static let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    nonisolated(unsafe) static var length = 0

    static func set(_ text: String) {
        let bytes = Array(text.utf8.prefix(capacity))
        length = 0
        for (i, b) in bytes.enumerated() { buffer[i] = b }
        length = bytes.count
    }

    static func install() {
        for sig in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE] {
            signal(sig) { s in
                _ = write(2, CrashNote.buffer, CrashNote.length)
                signal(s, SIG_DFL)
                raise(s)
            }
        }
    }
}
