import ArgumentParser
import Benchmarks
import Foundation

/// `lockstep bench --against revm`: the `RevmWorkloads` through Lockstep and through revm
/// (pyrevm, driven by scripts/pyrevm_bench.py reading the same workload JSON) in one run.
extension BenchCommand {
    /// The interpreter for pyrevm: $LOCKSTEP_PYREVM_PYTHON, else the project's venv.
    static func pyrevmPython() -> String? {
        let candidates = [ProcessInfo.processInfo.environment["LOCKSTEP_PYREVM_PYTHON"], ".build-tools/venv/bin/python"]
        for c in candidates.compactMap({ $0 }) where FileManager.default.isExecutableFile(atPath: c) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: c)
            p.arguments = ["-c", "import pyrevm"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { continue }
            p.waitUntilExit()
            if p.terminationStatus == 0 { return c }
        }
        return nil
    }

    func revmSection() throws {
        guard against == "revm" else {
            throw ValidationError("--against takes only \"revm\" (got \"\(against ?? "")\")")
        }
        let script = "scripts/pyrevm_bench.py"
        guard FileManager.default.fileExists(atPath: script) else {
            print("bench --against revm: \(script) not found; run from the repository root")
            throw ExitCode(2)
        }
        let python = lockstepOnly ? "" : Self.pyrevmPython()
        guard let python else {
            print("bench --against revm: skipped, pyrevm is not installed (run scripts/setup.sh, or set LOCKSTEP_PYREVM_PYTHON)")
            throw ExitCode(2)
        }
        let workloads = RevmWorkloads.all(scale: scale).filter { w in only.isEmpty || only.contains { w.name.hasPrefix($0) } }
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-revm-\(getpid()).json")
        try JSONEncoder().encode(workloads).write(to: json)
        defer { try? FileManager.default.removeItem(at: json) }

        // Lockstep first (each run on a fresh pre-state built outside the timed part).
        var ours: [String: (seconds: Double, run: RevmWorkloads.Run)] = [:]
        for w in workloads {
            var times: [Double] = []
            var last: RevmWorkloads.Run? = nil
            let calls = RevmWorkloads.calls(w)
            for i in 0...repeats {
                let pre = RevmWorkloads.preState(w)
                let s = BenchmarkClock.seconds { last = RevmWorkloads.run(calls, on: pre) }
                if i > 0 { times.append(s) }
            }
            times.sort()
            ours[w.name] = (times[times.count / 2], last!)
        }

        // revm: one process for all workloads, JSON lines back.
        var theirs: [String: (seconds: Double, failures: Int, output: String)] = [:]
        if !lockstepOnly {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = [script, "--workloads", json.path, "--repeats", "\(repeats)"]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else {
                print("bench --against revm: \(script) failed (exit \(p.terminationStatus))")
                throw ExitCode(1)
            }
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let name = o["name"] as? String, let s = o["seconds"] as? Double,
                      let f = o["failures"] as? Int, let out = o["output"] as? String else { continue }
                theirs[name] = (s, f, out)
            }
        }

        print("Lockstep vs revm (pyrevm 0.3.7), same bytecode and pre-state, each call a top frame (no intrinsic gas); "
              + "median of \(repeats) after a warm-up; Mgas/s of both from Lockstep's frame gas; ratio = revm time / Lockstep time "
              + "(> 1: Lockstep faster); scale \(scale); load average \(loadAverage()):")
        print("")
        var rows: [[String]] = []
        var mismatches: [String] = []
        for w in workloads {
            let o = ours[w.name]!
            if lockstepOnly {
                rows.append([w.name, "\(o.run.gasUsed)", String(format: "%.4f", o.seconds),
                             String(format: "%.1f", Double(o.run.gasUsed) / o.seconds / 1e6), "-", "-", "-"])
                continue
            }
            guard let t = theirs[w.name] else { mismatches.append("\(w.name): no revm result"); continue }
            let ourOut = o.run.output.map { String(format: "%02x", $0) }.joined()
            if ourOut != t.output || o.run.failures != t.failures {
                mismatches.append("\(w.name): output/failures differ (lockstep \(ourOut.prefix(16))… \(o.run.failures) failed, "
                                  + "revm \(t.output.prefix(16))… \(t.failures) failed)")
            }
            let gas = Double(o.run.gasUsed)
            rows.append([w.name, "\(o.run.gasUsed)", String(format: "%.4f", o.seconds), String(format: "%.1f", gas / o.seconds / 1e6),
                         String(format: "%.4f", t.seconds), String(format: "%.1f", gas / t.seconds / 1e6),
                         String(format: "%.2f×", t.seconds / o.seconds)])
        }
        printMarkdownTable(header: ["workload", "gas", "lockstep s", "lockstep Mgas/s", "revm s", "revm Mgas/s", "ratio"], rows: rows)
        if !mismatches.isEmpty {
            print("")
            for m in mismatches { print("MISMATCH \(m)") }
            throw ExitCode(1)
        }
    }
}
