import Foundation
import Testing
import EVMCore
import EVMExecution
import ParallelExecutor
import Counterexamples
import EVMAssembly
import Generators
import PropertyKit
import PlantedFaults

@Suite struct CounterexampleFileTests {
    static func failure() throws -> PropertyFailure {
        let p = ParallelMatchesSerialProperty(generator: BlockGenerator(minTransactions: 10, maxTransactions: 30, conflictRate: 0.8),
                                              variant: .parallelFaults([.skipValidation]))
        return try #require(PropertyRunner.run(p, cases: 20, seed: 0xfa17).failure)
    }

    @Test func roundTripKeepsEveryField() throws {
        let f = try Self.failure()
        let file = CounterexampleFile(failure: f, toolVersion: "test")
        let back = try CounterexampleFile.decode(file.encoded())
        #expect(back == file)
        let input = try back.blockInput()
        #expect(input.transactions == f.input.transactions)
        #expect(input.pre.stateRoot() == f.input.pre.stateRoot())
        #expect(input.block == f.input.block)
        #expect(try back.scheduleTrace() == f.violation.trace)
    }

    @Test func sameSeedGivesByteIdenticalFiles() throws {
        let a = CounterexampleFile(failure: try Self.failure()).encoded()
        let b = CounterexampleFile(failure: try Self.failure()).encoded()
        #expect(a == b)
        let s = String(decoding: a, as: UTF8.self)
        #expect(s.contains("\"schemaVersion\" : 1"))
    }

    @Test func toolVersionIsNotPartOfTheHash() throws {
        let f = try Self.failure()
        #expect(CounterexampleFile(failure: f, toolVersion: "v1").contentHash == CounterexampleFile(failure: f, toolVersion: "v2").contentHash)
    }

    @Test func malformedFilesGiveTypedErrorsNamingTheField() throws {
        let good = String(decoding: CounterexampleFile(failure: try Self.failure(), toolVersion: "t").encoded(), as: UTF8.self)
        func decodeError(_ text: String) -> CounterexampleError? {
            do { _ = try CounterexampleFile.decode(Data(text.utf8)); return nil } catch { return error }
        }
        #expect(decodeError("{") != nil)
        #expect(decodeError("[]").map { "\($0)" }?.contains("wrong type") == true)
        #expect(decodeError(good.replacingOccurrences(of: "\"schemaVersion\" : 1", with: "\"schemaVersion\" : 9")) == .unsupportedSchema(9))
        #expect(decodeError(good.replacingOccurrences(of: "\"property\" : ", with: "\"propertyX\" : ")) == .missingField("property"))
        let badSender = good.replacingOccurrences(of: "\"sender\" : \"0x", with: "\"sender\" : \"0xzz")
        guard case .invalidValue(let field, _, _)? = decodeError(badSender) else { Issue.record("no invalidValue"); return }
        #expect(field == "input.transactions[0].sender")
        #expect(decodeError(good.replacingOccurrences(of: "\"variant\" : \"parallel:skipValidation\"", with: "\"variant\" : \"nope\"")) == .unknownVariant("nope"))
        #expect(decodeError(good.replacingOccurrences(of: "\"workers\" : 4", with: "\"workers\" : 0"))
                == .invalidValue(field: "schedule.workers", value: "0", reason: "expected 1…1024"))
    }

    @Test func disassemblerUsesTheOpcodeTable() {
        #expect(Disassembler.render(SampleContracts.reverter) == [
            "0000: PUSH1 0x00", "0002: SLOAD", "0003: PUSH1 0x01", "0005: ADD", "0006: PUSH1 0x00", "0008: SSTORE",
            "0009: PUSH1 0x00", "000b: DUP1", "000c: REVERT",
        ])
        #expect(Disassembler.render([0x0c, 0x61, 0x01]) == ["0000: INVALID(0x0c)", "0001: PUSH2 0x01 (truncated)"])
    }

    @Test func shardsPartitionTheCases() throws {
        let all = (0..<10).filter { Shard.all.owns($0) }
        let a = try #require(Shard(parsing: "1/3")), b = try #require(Shard(parsing: "2/3")), c = try #require(Shard(parsing: "3/3"))
        let parts = (0..<10).filter(a.owns) + (0..<10).filter(b.owns) + (0..<10).filter(c.owns)
        #expect(parts.sorted() == all)
        #expect(Shard(parsing: "0/3") == nil && Shard(parsing: "4/3") == nil && Shard(parsing: "x") == nil)
    }
}
