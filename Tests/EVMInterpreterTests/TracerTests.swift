import EVMCore
import EVMAssembly
import EVMInterpreter
import Testing
import _TestSupport

@Suite struct TracerTests {
    final class Lines: @unchecked Sendable { var text = "" }

    @Test func jsonLines() {
        let out = Lines()
        let tracer = JSONLTracer { out.text += $0 }
        let host = MockHost(fork: .cancun)
        host.tracer = tracer
        let r = host.run(.push(1) + .push(2) + .add, gas: 100)
        tracer.writeSummary(output: r.output, gasUsed: UInt64(100 - r.gasLeft), pass: true)
        let expected = """
        {"pc":0,"op":96,"gas":"0x64","gasCost":"0x3","memSize":0,"stack":[],"depth":1,"refund":0,"opName":"PUSH1"}
        {"pc":2,"op":96,"gas":"0x61","gasCost":"0x3","memSize":0,"stack":["0x1"],"depth":1,"refund":0,"opName":"PUSH1"}
        {"pc":4,"op":1,"gas":"0x5e","gasCost":"0x3","memSize":0,"stack":["0x1","0x2"],"depth":1,"refund":0,"opName":"ADD"}
        {"pc":5,"op":0,"gas":"0x5b","gasCost":"0x0","memSize":0,"stack":["0x3"],"depth":1,"refund":0,"opName":"STOP"}
        {"output":"","gasUsed":"0x9","pass":true}

        """
        #expect(out.text == expected)
    }

    @Test func dynamicCostsCallsAndRefunds() {
        let recorder = StepRecorder()
        let host = MockHost(fork: .cancun)
        host.tracer = recorder
        host.setCode(MockHost.other, .sstoreValue(0, 0) + .stop)
        host.setStorage(MockHost.other, 0, 1)
        let code = Asm.mstoreValue(64, 1) + .callWith(0xf1, gas: 50_000, to: MockHost.other) + .stop
        let r = host.run(code, gas: 200_000)
        #expect(r.status == .success)
        let ops = recorder.steps.map(\.opName)
        #expect(ops == ["PUSH1", "PUSH1", "MSTORE", "PUSH1", "PUSH1", "PUSH1", "PUSH1", "PUSH1", "PUSH20", "PUSH2", "CALL",
                        "PUSH1", "PUSH1", "SSTORE", "STOP", "STOP"])
        let mstore = recorder.steps[2]
        #expect(mstore.gasCost == 3 + 9 && mstore.memorySize == 0)
        #expect(recorder.steps[3].memorySize == 96)
        let call = recorder.steps[10]
        #expect(call.gasCost == 100 + 2500 + 50_000)
        #expect(call.depth == 1 && call.stack.count == 7)
        let sstore = recorder.steps[13]
        #expect(sstore.depth == 2 && sstore.gasCost == 2100 + 2900 && sstore.refund == 0)
        #expect(recorder.steps[14].refund == 4800 && recorder.steps[14].depth == 2)
        #expect(recorder.steps[15].refund == 4800 && recorder.steps[15].depth == 1)
        #expect(recorder.frames.map(\.1) == [code.count, 6])
        #expect(recorder.ends.map(\.1) == [2, 1])
        // JSONL reconstructs the transaction-wide refund across frames.
        let out = Lines()
        let h2 = MockHost(fork: .cancun)
        h2.tracer = JSONLTracer { out.text += $0 }
        h2.setCode(MockHost.other, .sstoreValue(0, 0) + .stop)
        h2.setStorage(MockHost.other, 0, 1)
        h2.setStorage(MockHost.contract, 5, 1)
        h2.run(.sstoreValue(5, 0) + .callWith(0xf1, gas: 50_000, to: MockHost.other) + .stop, gas: 200_000)
        let lines = out.text.split(separator: "\n")
        #expect(lines[lines.count - 2].contains("\"depth\":2,\"refund\":9600"))
        #expect(lines[lines.count - 1].contains("\"depth\":1,\"refund\":9600"))
    }

    @Test func haltsAreTraced() {
        let recorder = StepRecorder()
        let host = MockHost(fork: .cancun)
        host.tracer = recorder
        let r = host.run(.push(1) + .push(0) + .mstore, gas: 7)
        #expect(r.status == .outOfGas)
        #expect(recorder.steps.map(\.opName) == ["PUSH1", "PUSH1", "MSTORE"])
        #expect(recorder.steps[2].gasCost == 3)
        #expect(recorder.steps[2].error == .outOfGas && recorder.steps[1].error == nil)
        let out = Lines()
        let h2 = MockHost(fork: .cancun)
        h2.tracer = JSONLTracer(includeErrors: true) { out.text += $0 }
        h2.run(.push(1) + .invalid)
        #expect(out.text.hasSuffix("\"opName\":\"INVALID\",\"error\":\"invalidOpcode\"}\n"))
        #expect(recorder.ends.map(\.0) == [.outOfGas])
        let rec2 = StepRecorder()
        host.tracer = rec2
        _ = host.run(.mstoreValue(0, 1) + .returnMemory(0, 64))
        #expect(rec2.steps.last?.opName == "RETURN" && rec2.steps.last?.gasCost == 3)
    }
}
