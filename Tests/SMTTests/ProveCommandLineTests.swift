import Foundation
import Testing
import _TestSupport

/// `lockstep prove …` as a user runs it (the CLI built next to this test bundle; skipped when
/// absent): an `unknown` from Z3, forced with a resource limit of 1, is reported as not proven
/// and exits 1 for each of `prove opcodes`, `prove schedule` and `prove conservation`; the
/// opcode summary counts proven / checked / unknown / failing separately.
@Suite(.serialized) struct ProveCommandLineTests {
    static let binary: URL? = {
        let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lockstep")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }()

    static func lockstep(_ args: [String]) throws -> (status: Int32, output: String) {
        guard let binary else { throw CocoaError(.fileNoSuchFile) }
        let (status, data) = try runSubprocess(binary, args)
        return (status, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func opcodesCountsAndExitCodes() throws {
        // ADD has a 256-bit proof; MUL only an 8-bit one: one proven, one checked, exit 0.
        let ok = try Self.lockstep(["prove", "opcodes", "--opcode", "ADD", "--opcode", "MUL", "--cases", "20"])
        #expect(ok.status == 0, "\(ok.output)")
        #expect(ok.output.contains("2 opcodes: 1 proven, 1 checked (not proven), 0 unknown, 0 failing (0 vacuous)"), "\(ok.output)")
        #expect(ok.output.contains("MUL") && ok.output.contains("checked, not proven (limb model = spec at 8 bits only; "), "\(ok.output)")
        // The same with a resource limit of 1 per proof: both unknown, exit 1.
        let forced = try Self.lockstep(["prove", "opcodes", "--opcode", "ADD", "--opcode", "MUL", "--cases", "20", "--proof-rlimit", "1"])
        #expect(forced.status == 1, "\(forced.output)")
        #expect(forced.output.contains("2 opcodes: 0 proven, 0 checked (not proven), 2 unknown, 0 failing"), "\(forced.output)")
        #expect(forced.output.contains("UNKNOWN"))
    }

    @Test(.enabled(if: binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func scheduleUnknownIsNotProven() throws {
        let args = ["prove", "schedule", "--txs", "40", "--seed", "19", "--schedule-seed", "19", "--workers", "3"]
        let ok = try Self.lockstep(args)
        #expect(ok.status == 0, "\(ok.output)")
        #expect(ok.output.contains("PROVEN: serialisable in block order"))
        #expect(ok.output.contains("1 run(s): 1 proven, 0 unknown, 0 violated, 0 vacuous"), "\(ok.output)")
        let forced = try Self.lockstep(args + ["--rlimit", "1"])
        #expect(forced.status == 1, "\(forced.output)")
        #expect(forced.output.contains("UNKNOWN") && forced.output.contains("NOT PROVEN"), "\(forced.output)")
        #expect(forced.output.contains("1 run(s): 0 proven, 1 unknown"), "\(forced.output)")
        // The planted executor fault: a violation, exit 1 (schedule seeds that lose an update).
        let planted = try Self.lockstep(["prove", "schedule", "--txs", "40", "--seed", "19", "--conflict-rate", "0.9",
                                         "--schedule-seed", "3", "--schedules", "4", "--workers", "4", "--abort-bias", "0.7",
                                         "--fault", "skip-validation"])
        #expect(planted.status == 1 && planted.output.contains("NOT serialisable"), "\(planted.output)")
    }

    @Test(.enabled(if: binary != nil, "lockstep not built next to the test bundle (swift build --build-tests)"))
    func conservationUnknownIsNotProven() throws {
        let args = ["prove", "conservation", "--txs", "12", "--senders", "3"]
        let ok = try Self.lockstep(args)
        #expect(ok.status == 0, "\(ok.output)")
        #expect(ok.output.contains("PROVEN in") && !ok.output.contains("NOT PROVEN"), "\(ok.output)")
        let forced = try Self.lockstep(args + ["--rlimit", "1"])
        #expect(forced.status == 1, "\(forced.output)")
        #expect(forced.output.contains("UNKNOWN") && forced.output.contains("NOT PROVEN"), "\(forced.output)")
        #expect(forced.output.contains("0 conserved"), "\(forced.output)")
    }
}
