import ArgumentParser
import EVMCore
import EVMPrecompiles
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `lockstep bench precompiles`: CPU time per call of every precompile (0x01–0x11, 0x100) on
/// representative inputs taken from the shared vector files, next to the gas it charges and the
/// resulting gas per microsecond. Every timed call's result is checked against the vector's
/// expected output and gas first, so a row is never the time of a failure path.
/// `--check-vectors` runs every vector of every file (`PrecompileVectorFile.all`) and prints
/// per-file pass counts, exiting 1 on any mismatch: the release-build path for the vector files.
struct PrecompileBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "precompiles",
        abstract: "Time per call and gas per µs of every precompile; optionally check every vector file.",
        discussion: """
            Times are thread CPU time (clock_gettime CLOCK_THREAD_CPUTIME_ID), so other processes on \
            the machine inflate them less than wall time; wall time is shown too. Each row is the \
            median of --repeats batches, a batch being as many calls as fill --batch-ms (at least one). \
            Build in release first: swift build -c release --product lockstep.
            """)

    @Option(name: .long, help: "The precompile-vectors folder (default: $LOCKSTEP_PRECOMPILE_VECTORS or ../shared/precompile-vectors).")
    var vectors: String?

    @Option(name: .long, help: "Timed batches per row (the median is reported).")
    var repeats = 5

    @Option(name: .long, help: "Target CPU milliseconds per batch.")
    var batchMs = 20.0

    @Flag(name: .long, help: "First run every vector file and print per-file pass counts (exit 1 on a mismatch).")
    var checkVectors = false

    @Flag(name: .long, help: "With --check-vectors: skip the timing table.")
    var noTiming = false

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        guard batchMs > 0, batchMs <= 10_000 else { throw ValidationError("--batch-ms must be in (0, 10000]") }
    }

    func run() throws {
        let root: URL
        if let vectors {
            root = URL(fileURLWithPath: vectors).standardizedFileURL
        } else if let found = PrecompileVectorFile.root() {
            root = found
        } else {
            throw ValidationError("precompile vectors not found: pass --vectors DIR or set LOCKSTEP_PRECOMPILE_VECTORS")
        }
        print("lockstep bench precompiles: vectors \(root.path); \(ProcessInfo.processInfo.activeProcessorCount) cores, " +
              "load average \(Self.loadAverage())")
        var ok = true
        if checkVectors { ok = try checkEveryFile(root: root) }
        if !noTiming { try timeRows(root: root) }
        print("load average at the end: \(Self.loadAverage())")
        if !ok { throw ExitCode(1) }
    }

    // MARK: Vector files

    func checkEveryFile(root: URL) throws -> Bool {
        var rows: [[String]] = []
        var allPassed = true
        for file in PrecompileVectorFile.all {
            guard FileManager.default.fileExists(atPath: root.appendingPathComponent(file.path).path) else {
                rows.append([file.path, file.precompile.name, "\(file.fork)", "missing", "", ""])
                continue
            }
            let vectors = try file.load(root: root)
            var passed = 0
            var problems: [String] = []
            let seconds = Self.wallSeconds {
                for v in vectors {
                    if let problem = v.mismatch(precompile: file.precompile, fork: file.fork, gasOverride: file.gasOverride) {
                        problems.append(problem)
                    } else {
                        passed += 1
                    }
                }
            }
            if passed != vectors.count { allPassed = false }
            rows.append([file.path, file.precompile.name, "\(file.fork)", file.expectsFailure ? "failure" : "success",
                         "\(passed)/\(vectors.count)", String(format: "%.2f", seconds)])
            for problem in problems.prefix(3) { print("MISMATCH \(file.path): \(problem.prefix(300))") }
        }
        Self.printTable(header: ["file", "precompile", "fork", "kind", "passed", "wall s"], rows: rows)
        print(allPassed ? "every vector passed" : "SOME VECTORS FAILED")
        print("")
        return allPassed
    }

    // MARK: Timing

    /// One timed input: a vector of `file` chosen by `pick`, or a fixed input for the hash-type
    /// precompiles that have no vector file.
    struct Row {
        let precompile: Precompile
        let fork: Hardfork
        let label: String
        let vector: PrecompileVector
    }

    func timeRows(root: URL) throws {
        var cache: [String: [PrecompileVector]] = [:]
        func load(_ path: String) throws -> [PrecompileVector] {
            if let v = cache[path] { return v }
            let v = try JSONDecoder().decode([PrecompileVector].self, from: Data(contentsOf: root.appendingPathComponent(path)))
            cache[path] = v
            return v
        }
        func named(_ path: String, _ name: String) throws -> PrecompileVector {
            guard let v = try load(path).first(where: { $0.name == name }) else {
                throw ValidationError("\(path) has no vector named \(name)")
            }
            return v
        }
        func withPairs(_ path: String, _ p: Precompile, _ k: Int) throws -> PrecompileVector {
            guard let v = try load(path).first(where: { $0.pairs(for: p) == k && $0.expected != nil }) else {
                throw ValidationError("\(path) has no vector with \(k) pairs")
            }
            return v
        }

        var rows: [Row] = []
        func add(_ p: Precompile, _ fork: Hardfork, _ label: String, _ v: PrecompileVector) { rows.append(Row(precompile: p, fork: fork, label: label, vector: v)) }

        add(.ecrecover, .osaka, "ValidKey", try named("geth/ecRecover.json", "ValidKey"))
        // SHA256, RIPEMD160 and IDENTITY have no vector file: a fixed 256-byte input, result checked
        // only for success and gas (their outputs are covered by HashPrecompileTests).
        let bytes256 = (0..<256).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for p in [Precompile.sha256, .ripemd160, .identity] {
            guard case .success(let out, let gas) = Precompiles.run(p, input: bytes256, gas: 1_000_000, fork: .osaka) else {
                throw ValidationError("\(p.name) failed on the fixed input")
            }
            add(p, .osaka, "256 bytes", PrecompileVector(name: "fixed", input: bytes256, expected: out, gas: gas))
        }
        for name in ["eip_example1", "nagydani-1-pow0x10001", "nagydani-3-pow0x10001", "nagydani-5-pow0x10001"] {
            add(.modexp, .prague, "\(name) (EIP-2565)", try named("geth/modexp_eip2565.json", name))
            if name != "eip_example1" { add(.modexp, .osaka, "\(name) (EIP-7883)", try named("geth/modexp_eip7883.json", name)) }
        }
        add(.bn254Add, .osaka, "chfast1", try named("geth/bn256Add.json", "chfast1"))
        add(.bn254Mul, .osaka, "chfast1", try named("geth/bn256ScalarMul.json", "chfast1"))
        add(.bn254Pairing, .osaka, "jeff1, 2 pairs", try named("geth/bn256Pairing.json", "jeff1"))
        add(.bn254Pairing, .osaka, "ten_point_match_1, 10 pairs", try named("geth/bn256Pairing.json", "ten_point_match_1"))
        add(.blake2f, .osaka, "vector 5, 12 rounds", try named("geth/blake2F.json", "vector 5"))
        add(.pointEvaluation, .osaka, "geth vector", try load("geth/pointEvaluation.json")[0])
        add(.bls12G1Add, .osaka, "matter_g1_add_0", try named("geth/blsG1Add.json", "matter_g1_add_0"))
        for k in [1, 2, 16, 128, 1024] {
            add(.bls12G1MSM, .osaka, "k = \(k)", try withPairs(k == 1 ? "geth/blsG1Mul.json" : "geth/blsG1MultiExp.json", .bls12G1MSM, k))
        }
        add(.bls12G2Add, .osaka, "matter_g2_add_0", try named("geth/blsG2Add.json", "matter_g2_add_0"))
        for k in [1, 2, 16, 128] {
            add(.bls12G2MSM, .osaka, "k = \(k)", try withPairs(k == 1 ? "geth/blsG2Mul.json" : "geth/blsG2MultiExp.json", .bls12G2MSM, k))
        }
        for k in [1, 2, 10] {
            add(.bls12PairingCheck, .osaka, "k = \(k)", try withPairs("geth/blsPairing.json", .bls12PairingCheck, k))
        }
        add(.bls12MapFpToG1, .osaka, "matter_fp_to_g1_0", try named("geth/blsMapG1.json", "matter_fp_to_g1_0"))
        add(.bls12MapFp2ToG2, .osaka, "matter_fp2_to_g2_0", try named("geth/blsMapG2.json", "matter_fp2_to_g2_0"))
        guard let validP256 = try load("geth/p256Verify.json").first(where: { $0.expected?.last == 1 }) else {
            throw ValidationError("geth/p256Verify.json has no valid signature")
        }
        add(.p256Verify, .osaka, "valid signature", validP256)

        var table: [[String]] = []
        for row in rows {
            guard let gas = row.vector.gas else { throw ValidationError("\(row.label): vector without gas") }
            if let problem = row.vector.mismatch(precompile: row.precompile, fork: row.fork) {
                throw ValidationError("\(row.precompile.name) \(row.label): \(problem)")
            }
            let (cpu, wall) = measure(row.precompile, row.vector.input, gas: gas, fork: row.fork)
            let address = String(format: "0x%02x", row.precompile.rawValue)
            table.append([address, row.precompile.name, row.label, "\(row.vector.input.count)", "\(gas)",
                          Self.micros(cpu), Self.micros(wall),
                          String(format: "%.2f", Double(gas) / (cpu * 1e6))])
        }
        Self.printTable(header: ["address", "precompile", "input", "bytes", "gas", "µs/call (CPU)", "µs/call (wall)", "gas/µs"],
                        rows: table, markdown: true)
    }

    /// Median over `repeats` batches of (CPU seconds, wall seconds) per call.
    func measure(_ p: Precompile, _ input: [UInt8], gas: Int64, fork: Hardfork) -> (Double, Double) {
        var sink = 0
        let first = Self.cpuSeconds { sink &+= Self.outputSize(Precompiles.run(p, input: input, gas: gas, fork: fork)) }
        let calls = max(1, Int((batchMs / 1000) / max(first, 1e-9)))
        var cpu: [Double] = [], wall: [Double] = []
        for _ in 0..<repeats {
            let w0 = DispatchTime.now().uptimeNanoseconds
            let c = Self.cpuSeconds {
                for _ in 0..<calls { sink &+= Self.outputSize(Precompiles.run(p, input: input, gas: gas, fork: fork)) }
            }
            wall.append(Double(DispatchTime.now().uptimeNanoseconds - w0) / 1e9 / Double(calls))
            cpu.append(c / Double(calls))
        }
        if sink == -1 { print("") }   // keeps the calls observable
        cpu.sort(); wall.sort()
        return (cpu[cpu.count / 2], wall[wall.count / 2])
    }

    /// Microseconds with three significant digits at least (0.0412, 1.63, 43.9, 24250).
    static func micros(_ seconds: Double) -> String {
        let us = seconds * 1e6
        return String(format: us < 1 ? "%.4f" : us < 10 ? "%.2f" : "%.1f", us)
    }

    static func outputSize(_ r: PrecompileResult) -> Int {
        if case .success(let out, _) = r { return out.count }
        return 0
    }

    /// Thread CPU time of `body` in seconds.
    static func cpuSeconds(_ body: () -> Void) -> Double {
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
        body()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
        return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    }

    static func wallSeconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func printTable(header: [String], rows: [[String]], markdown: Bool = false) {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { i, s in
                let pad = String(repeating: " ", count: max(0, widths[i] - s.count))
                return i < 3 ? s + pad : pad + s
            }
            return markdown ? "| " + padded.joined(separator: " | ") + " |" : padded.joined(separator: "  ")
        }
        print(line(header))
        if markdown {
            print("| " + widths.indices.map { i in i < 3 ? String(repeating: "-", count: max(3, widths[i]))
                                              : String(repeating: "-", count: max(3, widths[i]) - 1) + ":" }.joined(separator: " | ") + " |")
        } else {
            print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        }
        for r in rows { print(line(r)) }
    }

    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
