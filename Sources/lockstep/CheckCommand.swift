import ArgumentParser
import Foundation
import PlantedFaults
import Counterexamples
import DeFiContracts
import PropertyKit

/// `lockstep check [--property NAME] [--cases N] [--seconds S] [--seed S] [--shard K/N] [--junit FILE] [--out DIR]`
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run the verification properties on generated blocks.",
        discussion: """
            Runs every property (or the ones named) on generated blocks, shrinks the first failure of each, \
            writes it to DIR/<property>/<hash>.json and prints how to replay it. With --executor t8n:CMD the \
            generated blocks (Cancun, Prague, Osaka) go through an external transition tool instead and are \
            compared with the reference (default 20 blocks); a difference is written to DIR/external_executor/. Case i of a property always \
            means the same block for a given seed, so --shard K/N splits a campaign deterministically. \
            Exits 1 when a property fails, 2 on a usage problem. Properties: \(PropertyCatalog.names.joined(separator: ", ")).
            """)

    @Option(name: .long, help: ArgumentHelp("Run only this property (repeatable).", valueName: "name"))
    var property: [String] = []

    @Option(name: .long, help: ArgumentHelp("Cases per property (default 100, or unbounded with --seconds).", valueName: "n"))
    var cases: Int?

    @Option(name: .long, help: ArgumentHelp("Time budget for the whole run, shared equally by the properties.", valueName: "s"))
    var seconds: Double?

    @Option(name: .long, help: ArgumentHelp("Run seed, decimal or 0x-hex.", valueName: "seed"))
    var seed: String = "0x5eed"

    @Option(name: .long, help: ArgumentHelp("Run only cases i with i mod N = K-1.", valueName: "K/N"))
    var shard: String = "1/1"

    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report here.", valueName: "file"))
    var junit: String?

    @Option(name: .customLong("out"), help: ArgumentHelp("Where new counterexamples go (default Counterexamples; with --executor lockstep-cx, so that another tool's findings never land in the folder `swift test` replays).", valueName: "dir"))
    var outOption: String?

    var out: String { outOption ?? "Counterexamples" }

    @Option(name: .long, help: ArgumentHelp("Check a deliberately faulty executor variant instead of the real one (to see the gate fail): \(ExecutorVariant.names.dropFirst().joined(separator: ", ")) (parallel faults combine with +).", valueName: "name"))
    var variant: String = "reference"

    @Option(name: .long, help: ArgumentHelp("Deploy a deliberately faulty DeFi contract in the generated blocks (repeatable): \(PlantedFault.of(.contract).map(\.name).joined(separator: ", ")).", valueName: "contract:fault"))
    var contractFault: [String] = []

    @Option(name: .long, help: ArgumentHelp("Rate of the block generator's executor edge cases (default 0.1: incarnations with changing write sets, re-created contracts, Shanghai blocks, gas-pool overflow, …); 0 gives the distribution before them, to measure what they reach.", valueName: "r"))
    var edgeRate: Double?

    @OptionGroup(title: "External executor (t8n protocol)")
    var external: ExternalExecutorOptions

    func run() throws {
        let externalCommand: String?
        do { externalCommand = try external.command() } catch { throw usage(error.message) }
        if let externalCommand {
            guard property.isEmpty, variant == "reference", contractFault.isEmpty, shard == "1/1" else {
                throw usage("--executor checks the external tool on generated t8n blocks; --property, --variant, --contract-fault and --shard do not apply")
            }
            guard let runSeed = parseSeed(seed) else { throw usage("--seed \(seed) is not a decimal or 0x-hex 64-bit number") }
            if let c = cases, c < 0 { throw usage("--cases must be ≥ 0") }
            if let s = seconds, !(s > 0) || !s.isFinite { throw usage("--seconds must be a positive number") }
            try ExternalCheck.run(command: externalCommand, options: external, cases: cases, seconds: seconds, seed: runSeed,
                                  seedText: seed, out: outOption ?? "lockstep-cx", junit: junit)
            return
        }
        guard let executor = ExecutorVariant(name: variant) else {
            throw usage("unknown --variant \(variant); known: \(ExecutorVariant.names.joined(separator: ", ")) (parallel faults combine with +)")
        }
        let faults: PlantedFaultSet
        switch PlantedFaultSet.parse(contractFault, area: .contract) {
        case .success(let f): faults = f
        case .failure(let e): throw usage("unknown --contract-fault \(e.name); known: \(e.known.joined(separator: ", "))")
        }
        guard let runSeed = parseSeed(seed) else { throw usage("--seed \(seed) is not a decimal or 0x-hex 64-bit number") }
        guard let shard = Shard(parsing: shard) else { throw usage("--shard \(self.shard) must be K/N with 1 ≤ K ≤ N") }
        if let c = cases, c < 0 { throw usage("--cases must be ≥ 0") }
        if let s = seconds, !(s > 0) || !s.isFinite || s > 1e9 { throw usage("--seconds must be a positive number of at most 1e9") }
        var properties: [any BlockProperty] = []
        for name in property {
            guard let p = PropertyCatalog.property(named: name, variant: executor) else {
                throw usage("unknown property \(name); known: \(PropertyCatalog.names.joined(separator: ", "))")
            }
            properties.append(p)
        }
        if properties.isEmpty { properties = PropertyCatalog.names.compactMap { PropertyCatalog.property(named: $0, variant: executor) } }
        if !faults.isEmpty {
            for i in properties.indices {
                properties[i].generator.faults = faults
                if properties[i].generator.defiRate == 0 { properties[i].generator.defiRate = 0.3 }
            }
        }
        if let r = edgeRate {
            guard r >= 0 && r <= 1 else { throw usage("--edge-rate must be between 0 and 1") }
            for i in properties.indices { properties[i].generator.edgeRate = r }
        }
        let caseLimit = cases ?? (seconds == nil ? 100 : Int.max)

        let start = ContinuousClock.now
        var results: [(name: String, cases: Int, duration: Duration, failure: String?)] = []
        var failures = 0
        let err = FileHandle.standardError
        for (i, p) in properties.enumerated() {
            let deadline = seconds.map { start + .milliseconds(Int64($0 * 1000 * Double(i + 1) / Double(properties.count))) }
            let pStart = ContinuousClock.now
            var lastDraw = pStart
            let failuresSoFar = failures
            let (run, failure) = PropertyRunner.run(p, cases: caseLimit, seed: runSeed, shard: shard, deadline: deadline) { n in
                let now = ContinuousClock.now
                guard now - lastDraw > .milliseconds(200) else { return }
                lastDraw = now
                let secs = Double((now - pStart).components.attoseconds) / 1e18 + Double((now - pStart).components.seconds)
                let rate = secs > 0 ? Double(n) / secs : 0
                err.write(Data("\r\u{1b}[K[\(p.name)] \(n) cases, \(String(format: "%.1f", rate)) cases/s, \(failuresSoFar) failures".utf8))
            }
            err.write(Data("\r\u{1b}[K".utf8))
            var message: String? = nil
            if let f = failure {
                failures += 1
                let file = CounterexampleFile(failure: f)
                let path: String
                do { path = try file.write(to: URL(fileURLWithPath: out)).path } catch {
                    throw usage("cannot write counterexample under \(out): \(error.localizedDescription)")
                }
                let shown = path.hasPrefix(FileManager.default.currentDirectoryPath + "/")
                    ? String(path.dropFirst(FileManager.default.currentDirectoryPath.count + 1)) : path
                message = f.message + "\nReplay: lockstep replay \(shown)"
                print(message!)
            } else {
                print("Property \(p.name) passed \(run) cases (shard \(shard), seed \(seed)).")
            }
            results.append((p.name, run, ContinuousClock.now - pStart, message))
        }
        if let junit {
            do { try junitXML(results).write(toFile: junit, atomically: true, encoding: .utf8) } catch {
                throw usage("cannot write JUnit report \(junit): \(error.localizedDescription)")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    func junitXML(_ results: [(name: String, cases: Int, duration: Duration, failure: String?)]) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let failures = results.filter { $0.failure != nil }.count
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"lockstep check\" tests=\"\(results.count)\" failures=\"\(failures)\">\n"
        x += "  <testsuite name=\"properties\" tests=\"\(results.count)\" failures=\"\(failures)\">\n"
        for r in results {
            let secs = Double(r.duration.components.seconds) + Double(r.duration.components.attoseconds) / 1e18
            x += "    <testcase classname=\"lockstep.check\" name=\"\(esc(r.name))\" time=\"\(String(format: "%.3f", secs))\">"
            x += "<system-out>\(r.cases) cases</system-out>"
            if let f = r.failure { x += "<failure message=\"\(esc(f.components(separatedBy: "\n").last ?? f))\">\(esc(f))</failure>" }
            x += "</testcase>\n"
        }
        return x + "  </testsuite>\n</testsuites>\n"
    }

    func parseSeed(_ s: String) -> UInt64? {
        if s.hasPrefix("0x") || s.hasPrefix("0X") { return UInt64(s.dropFirst(2), radix: 16) }
        return UInt64(s)
    }

    private func usage(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("lockstep check: error: \(message)\n".utf8))
        return ExitCode(2)
    }
}
