import EVMCore
import EVMAssembly
import EVMInterpreter
import Testing
import _TestSupport

@Suite struct MemoryTests {
    @Test func expansionCost() {
        // MSTORE at 0: 3 static + 3 for one word.
        #expect(exec(.mstoreValue(0, 1)).gasUsed == 3 + 3 + 3 + 3)
        // MSTORE8 at 31 touches only the first word.
        #expect(exec(.push(1) + .push(31) + .mstore8).gasUsed == 3 + 3 + 3 + 3)
        // Word 1024 ends at 32768 bytes: 3·1024 + 1024²/512 = 5120.
        #expect(exec(.mstoreValue(32768 - 32, 1)).gasUsed == 3 + 3 + 3 + 5120)
        // Expanding twice costs the same as expanding once to the larger size.
        let twice = exec(.mstoreValue(0, 1) + .mstoreValue(32768 - 32, 1)).gasUsed
        #expect(twice == 12 + 9 + (5120 - 3))
        // MLOAD of an unaligned offset rounds up: bytes [1, 33) → 2 words.
        #expect(exec(.push(1) + .mload).gasUsed == 3 + 3 + 6)
    }

    @Test func msizeAndContents() {
        let r = exec(.push(0xab) + .push(40) + .mstore8 + .msize + .returnTop)
        #expect(r.result.word == 64)
        let m = exec(.mstoreValue(0, 0x1122) + .returnMemory(30, 2))
        #expect(m.result.output == [0x11, 0x22])
        let load = exec(.mstoreValue(0, .max) + .push(16) + .mload + .returnTop)
        #expect(load.result.word == UInt256.max.shiftedLeft(128))
    }

    @Test func hugeOffsetsAreOutOfGas() {
        for offset in [UInt256.one.shiftedLeft(32), UInt256.one.shiftedLeft(64), .max, UInt256(0xFFFF_FFFF)] {
            let r = exec(.push(1) + .push(offset) + .mstore, gas: 1 << 50)
            #expect(r.result.status == .outOfGas)
            #expect(r.result.gasLeft == 0)
        }
        // A zero-size region ignores its offset.
        let z = exec(.push(0) + .push(.max) + .keccak256 + .returnTop)
        #expect(z.result.status == .success)
        #expect(z.result.word == Keccak256.emptyHash.word)
        #expect(exec(.push(0) + .push(.max) + .push(.max) + .calldatacopy + .msize + .returnTop).result.word == 0)
        // Not enough gas for a modest expansion.
        #expect(exec(.mstoreValue(32 * 1000, 1), gas: 3000).result.status == .outOfGas)
    }

    @Test func mcopy() {
        let code = Asm.mstoreValue(0, 0x0102_0304) + .push(32) + .push(0) + .push(1) + .mcopy + .returnMemory(0, 64)
        let r = exec(code, fork: .cancun)
        #expect(r.result.status == .success)
        var expected = [UInt8](repeating: 0, count: 64)
        expected[29...32] = [1, 2, 3, 4]   // [0, 32) moved to [1, 33): byte 28 gets old byte 27 (zero)
        #expect(r.result.output == expected)
        // Gas: mstoreValue 12, 3 pushes 9, MCOPY 3 + 3 copy + 3 expansion to 2 words, return 6.
        #expect(r.gasUsed == 12 + 9 + 3 + 3 + 3 + 6)
        // Overlap backwards: shift left by one.
        let back = exec(.mstoreValue(0, 0x0102) + .push(31) + .push(1) + .push(0) + .mcopy + .returnMemory(0, 32), fork: .cancun)
        #expect(back.result.word == 0x0102_02)
        #expect(exec(code, fork: .shanghai).result.status == .invalidOpcode)
    }

    @Test func keccak() {
        let r = exec(.mstoreValue(0, 0x68656c6c6f) + .push(5) + .push(27) + .keccak256 + .returnTop)
        #expect(r.result.word == Keccak256.hash(Array("hello".utf8)).word)
        // 30 + 6/word + memory already paid.
        let g = exec(.push(64) + .push(0) + .keccak256).gasUsed
        #expect(g == 6 + 30 + 12 + 6)
    }
}

@Suite struct StackTests {
    @Test func overflowAt1025() {
        let ok = exec(Asm(Array(repeating: 0x58, count: 1024)))
        #expect(ok.result.status == .success)
        #expect(ok.gasUsed == 2048)
        let over = exec(Asm(Array(repeating: 0x58, count: 1025)))
        #expect(over.result.status == .stackOverflow)
        #expect(over.result.gasLeft == 0)
        // DUP1 on a full stack overflows; SWAP1 does not.
        let full = Asm(Array(repeating: 0x58, count: 1024))
        #expect(exec(full + .dup(1)).result.status == .stackOverflow)
        #expect(exec(full + .swap(1)).result.status == .success)
    }

    @Test func underflow() {
        #expect(exec(.add).result.status == .stackUnderflow)
        #expect(exec(.push(1) + .add).result.status == .stackUnderflow)
        #expect(exec(Asm(Array(repeating: 0x58, count: 15)) + .dup(16)).result.status == .stackUnderflow)
        #expect(exec(Asm(Array(repeating: 0x58, count: 16)) + .dup(16)).result.status == .success)
        #expect(exec(Asm(Array(repeating: 0x58, count: 16)) + .swap(16)).result.status == .stackUnderflow)
        #expect(exec(.pop).result.status == .stackUnderflow)
        #expect(exec(Asm.push(1) + .push(1) + .push(1) + .push(1) + .push(1) + .push(1) + .call).result.status == .stackUnderflow)
    }

    @Test func dupSwapOrder() {
        // Stack (bottom→top): 1 2 3; DUP3 → 1; SWAP2 then return top.
        #expect(exec(.push(1) + .push(2) + .push(3) + .dup(3) + .returnTop).result.word == 1)
        #expect(exec(.push(1) + .push(2) + .push(3) + .swap(2) + .returnTop).result.word == 1)
        #expect(exec(.push(1) + .push(2) + .push(3) + .swap(2) + .pop + .pop + .returnTop).result.word == 3)
    }

    @Test func pushImmediates() {
        #expect(exec(.push(width: 32, .max) + .returnTop).result.word == .max)
        let v = UInt256(w0: 0x1122334455667788, w1: 0x99aabbccddeeff00, w2: 0x0102030405060708, w3: 0)
        #expect(exec(.push(width: 24, v) + .returnTop).result.word == v)
        #expect(exec(.push(width: 9, UInt256(w0: 0x1122334455667788, w1: 0xff, w2: 0, w3: 0)) + .returnTop).result.word
                == UInt256(w0: 0x1122334455667788, w1: 0xff, w2: 0, w3: 0))
        // PUSH2 with one byte left: the missing byte reads as zero (value 0xab00).
        let truncated = exec(Asm([0x61, 0xab]))
        #expect(truncated.result.status == .success)
        // PUSH32 at the very end with 3 bytes: value is 0x010203 << 232. Check via a tracer-free trick:
        // put the push inside code that is jumped over? Simpler: read the value with the stack at end.
        let host = MockHost(fork: .cancun)
        let recorder = StepRecorder()
        host.tracer = recorder
        host.run(Asm([0x7f, 1, 2, 3]))
        #expect(recorder.steps.count == 2)   // PUSH32, then the implicit STOP
        #expect(recorder.steps.last?.stack == [UInt256(0x010203).shiftedLeft(232)])
        #expect(exec(.push0 + .returnTop, fork: .shanghai).result.word == 0)
        #expect(exec(.push0, fork: .paris).result.status == .invalidOpcode)
        #expect(exec(.push0, fork: .shanghai).gasUsed == 2)
    }
}

@Suite struct FlowTests {
    @Test func jumps() {
        // PUSH1 4 JUMP INVALID JUMPDEST PUSH1 7 returnTop
        let code = Asm.push(4) + .jump + .invalid + .jumpdest + .push(7) + .returnTop
        let r = exec(code)
        #expect(r.result.word == 7)
        #expect(r.gasUsed == 3 + 8 + 1 + 3 + (3 + 3 + 3) + 3 + 3)
        // JUMPI with zero condition falls through.
        let fall = exec(.push(0) + .push(8) + .jumpi + .push(1) + .returnTop + .jumpdest)
        #expect(fall.result.word == 1)
        // JUMPI taken.
        let taken = exec(.push(1) + .push(6) + .jumpi + .invalid + .jumpdest + .push(2) + .returnTop)
        #expect(taken.result.word == 2)
    }

    @Test func badDestinations() {
        // Not a JUMPDEST.
        #expect(exec(.push(3) + .jump + .stop).result.status == .badJumpDestination)
        // A 0x5b inside PUSH data.
        let inPush = exec(.push(4) + .jump + .pushBytes([0x5b]) + .stop)
        #expect(inPush.result.status == .badJumpDestination)
        #expect(inPush.result.gasLeft == 0)
        // Beyond the code, and past 2^64.
        #expect(exec(.push(100) + .jump).result.status == .badJumpDestination)
        #expect(exec(.push(.max) + .jump).result.status == .badJumpDestination)
        #expect(exec(.push(1) + .push(UInt256.one.shiftedLeft(64)) + .jumpi).result.status == .badJumpDestination)
        // JUMPI with a false condition never checks the destination.
        #expect(exec(.push(0) + .push(.max) + .jumpi).result.status == .success)
    }

    @Test func pcAndGas() {
        #expect(exec(.push(0) + .pop + .pc + .returnTop).result.word == 3)
        // GAS pushes the gas left after its own 2.
        #expect(exec(.gas + .returnTop, gas: 1000).result.word == 998)
    }

    @Test func haltsAndOutput() {
        let ret = exec(.mstoreValue(0, 0xbeef) + .returnMemory(30, 2))
        #expect(ret.result.status == .success)
        #expect(ret.result.output == [0xbe, 0xef])
        let rev = exec(.mstoreValue(0, 0xbeef) + .revertMemory(30, 2))
        #expect(rev.result.status == .revert)
        #expect(rev.result.output == [0xbe, 0xef])
        #expect(rev.result.gasLeft == 1_000_000 - rev.gasUsed)
        #expect(rev.gasUsed == 12 + 6)
        #expect(exec(.revertMemory(0, 0), fork: .homestead).result.status == .invalidOpcode)
        let inv = exec(.push(1) + .invalid)
        #expect(inv.result.status == .invalidOpcode)
        #expect(inv.result.gasLeft == 0)
        // Running off the end is STOP.
        #expect(exec(.push(1)).result.status == .success)
        // Out of gas on the static cost.
        let oog = exec(.push(1) + .push(2) + .add, gas: 8)
        #expect(oog.result.status == .outOfGas)
        #expect(oog.result.gasLeft == 0)
        #expect(exec(.push(1) + .push(2) + .add, gas: 9).result.gasLeft == 0)
        // A refund is dropped when the frame reverts.
        let r = exec(.sstoreValue(0, 0) + .revertMemory(0, 0), fork: .cancun) { h in h.setStorage(MockHost.contract, 0, 1) }
        #expect(r.result.gasRefund == 0)
    }
}

/// Records every step (for tests that look at the stack).
final class StepRecorder: Tracer {
    var steps: [TraceStep] = []
    var frames: [(Message, Int)] = []
    var ends: [(ExecutionStatus, Int)] = []
    func step(_ step: TraceStep) { steps.append(step) }
    func frameStart(_ message: Message, code: Bytecode) { frames.append((message, code.count)) }
    func frameEnd(_ result: CallResult, depth: Int) { ends.append((result.status, depth)) }
}
