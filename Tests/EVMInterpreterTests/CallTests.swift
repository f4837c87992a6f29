import EVMCore
import EVMAssembly
import Foundation
import EVMInterpreter
import Testing
import _TestSupport

@Suite struct CallTests {
    static let other = MockHost.other

    /// Runs `code` with a scripted callee; returns the result, host and the recorded messages.
    static func scripted(_ code: Asm, fork: Hardfork = .cancun, gas: Int64 = 1_000_000, isStatic: Bool = false,
                         value: UInt256 = .zero, reply: @escaping (Message) -> CallResult,
                         setup: (MockHost) -> Void = { _ in }) -> (CallResult, MockHost) {
        let host = MockHost(fork: fork)
        host.callHandler = reply
        host.setBalance(MockHost.contract, 1_000)
        setup(host)
        let r = host.run(code, gas: gas, value: value, isStatic: isStatic)
        return (r, host)
    }

    @Test func messageFieldsPerKind() {
        let args = Asm.mstoreValue(0, 0x0a0b0c)
        let echo: (Message) -> CallResult = { CallResult(status: .success, gasLeft: $0.gas) }
        // CALL
        var (r, h) = Self.scripted(args + .callWith(0xf1, gas: 5000, to: Self.other, value: 5, args: (29, 3)), value: 7, reply: echo)
        #expect(r.status == .success)
        var m = h.calls[0]
        #expect(m.kind == .call && m.recipient == Self.other && m.sender == MockHost.contract && m.codeAddress == Self.other)
        #expect(m.value == 5 && m.input == [0x0a, 0x0b, 0x0c] && m.depth == 1 && !m.isStatic)
        #expect(m.gas == 5000 + 2300)
        // CALLCODE: runs other's code in the current account.
        (r, h) = Self.scripted(args + .callWith(0xf2, gas: 5000, to: Self.other, value: 5, args: (29, 3)), value: 7, reply: echo)
        m = h.calls[0]
        #expect(m.kind == .callCode && m.recipient == MockHost.contract && m.sender == MockHost.contract)
        #expect(m.codeAddress == Self.other && m.value == 5 && m.gas == 7300)
        // DELEGATECALL: keeps the parent's sender and value.
        (r, h) = Self.scripted(args + .callWith(0xf4, gas: 5000, to: Self.other, args: (29, 3)), value: 7, reply: echo)
        m = h.calls[0]
        #expect(m.kind == .delegateCall && m.recipient == MockHost.contract && m.sender == MockHost.caller)
        #expect(m.codeAddress == Self.other && m.value == 7 && m.gas == 5000 && m.input == [0x0a, 0x0b, 0x0c])
        // STATICCALL
        (r, h) = Self.scripted(args + .callWith(0xfa, gas: 5000, to: Self.other), reply: echo)
        m = h.calls[0]
        #expect(m.kind == .staticCall && m.isStatic && m.recipient == Self.other && m.value == 0 && m.input.isEmpty)
        // Static context is inherited by a plain CALL.
        (r, h) = Self.scripted(.callWith(0xf1, gas: 5000, to: Self.other), isStatic: true, reply: echo)
        #expect(r.status == .success)
        #expect(h.calls[0].isStatic)
    }

    @Test func gasAccounting() {
        let call = Asm.callWith(0xf1, gas: 1000, to: Self.other)
        // Callee returns everything: cost is pushes + 100 + 2500 cold.
        var (r, _) = Self.scripted(call, reply: { CallResult(status: .success, gasLeft: $0.gas) })
        #expect(1_000_000 - r.gasLeft == 21 + 2600)
        // Callee uses everything.
        (r, _) = Self.scripted(call, reply: { _ in CallResult(status: .outOfGas, gasLeft: 0) })
        #expect(1_000_000 - r.gasLeft == 21 + 2600 + 1000)
        // Warm callee.
        (r, _) = Self.scripted(call, reply: { CallResult(status: .success, gasLeft: $0.gas) }, setup: { $0.warm(Self.other) })
        #expect(1_000_000 - r.gasLeft == 21 + 100)
        // Pre-Berlin: 700 (Tangerine) and 40 (Frontier).
        (r, _) = Self.scripted(call, fork: .istanbul, reply: { CallResult(status: .success, gasLeft: $0.gas) },
                               setup: { $0.setBalance(Self.other, 1) })
        #expect(1_000_000 - r.gasLeft == 21 + 700)
        (r, _) = Self.scripted(call, fork: .homestead, reply: { CallResult(status: .success, gasLeft: $0.gas) },
                               setup: { $0.setBalance(Self.other, 1) })
        #expect(1_000_000 - r.gasLeft == 21 + 40)
    }

    @Test func allButOne64th() {
        var seen: Int64 = 0
        let r = Self.scripted(.callWith(0xf1, gas: .max, to: Self.other), gas: 100_000,
                              reply: { seen = $0.gas; return CallResult(status: .success, gasLeft: 0) }).0
        let available: Int64 = 100_000 - 21 - 2600
        #expect(seen == available - available / 64)
        #expect(r.gasLeft == available / 64)
        // Pre-Tangerine: the requested gas must be available in full.
        let frontierOK = Self.scripted(.callWith(0xf1, gas: 1_000, to: Self.other), fork: .frontier, gas: 1_000 + 21 + 40,
                                       reply: { seen = $0.gas; return CallResult(status: .success, gasLeft: $0.gas) },
                                       setup: { $0.setBalance(Self.other, 1) }).0
        #expect(frontierOK.status == .success && seen == 1_000 && frontierOK.gasLeft == 1_000)
        let frontierOOG = Self.scripted(.callWith(0xf1, gas: 1_001, to: Self.other), fork: .frontier, gas: 1_000 + 21 + 40,
                                        reply: { CallResult(status: .success, gasLeft: $0.gas) },
                                        setup: { $0.setBalance(Self.other, 1) }).0
        #expect(frontierOOG.status == .outOfGas)
        // Tangerine caps instead of failing.
        let tw = Self.scripted(.callWith(0xf1, gas: 1_000_000, to: Self.other), fork: .tangerineWhistle, gas: 10_000,
                               reply: { seen = $0.gas; return CallResult(status: .success, gasLeft: $0.gas) },
                               setup: { $0.setBalance(Self.other, 1) }).0
        #expect(tw.status == .success)
        #expect(seen == (10_000 - 21 - 700) - (10_000 - 21 - 700) / 64)
    }

    @Test func valueAndNewAccountCosts() {
        let full: (Message) -> CallResult = { CallResult(status: .success, gasLeft: $0.gas) }
        func used(_ code: Asm, _ fork: Hardfork, _ setup: @escaping (MockHost) -> Void = { _ in }) -> Int64 {
            1_000_000 - Self.scripted(code, fork: fork, reply: { m in
                // The callee keeps the stipend's worth, returning the rest.
                CallResult(status: .success, gasLeft: m.gas - (m.value.isZero || m.kind == .delegateCall ? 0 : 2300))
            }, setup: { h in h.warm(Self.other); setup(h) }).0.gasLeft
        }
        let withValue = Asm.callWith(0xf1, gas: 0, to: Self.other, value: 1)
        let noValue = Asm.callWith(0xf1, gas: 0, to: Self.other)
        // Spurious+: 25000 only for value into a dead account.
        #expect(used(withValue, .cancun) == 21 + 100 + 9000 + 25000)
        #expect(used(withValue, .cancun, { $0.setBalance(Self.other, 1) }) == 21 + 100 + 9000)
        #expect(used(noValue, .cancun) == 21 + 100)
        #expect(used(withValue, .spuriousDragon, { $0.setNonce(Self.other, 1) }) == 21 + 700 + 9000)
        // Pre-Spurious: 25000 whenever the account does not exist, value or not.
        #expect(used(noValue, .tangerineWhistle) == 21 + 700 + 25000)
        #expect(used(noValue, .frontier) == 21 + 40 + 25000)
        #expect(used(noValue, .tangerineWhistle, { $0.setNonce(Self.other, 0); $0.setBalance(Self.other, 0) }) == 21 + 700)
        // CALLCODE never pays for a new account.
        #expect(used(.callWith(0xf2, gas: 0, to: Self.other, value: 1), .cancun) == 21 + 100 + 9000)
        _ = full
    }

    @Test func returnDataAndMemory() {
        let reply: (Message) -> CallResult = { CallResult(status: .success, gasLeft: $0.gas, gasRefund: 50, output: [1, 2, 3, 4, 5]) }
        // Return region of 3 bytes at 0; then RETURNDATASIZE and copy the last 2 bytes to 32.
        let code = Asm.callWith(0xf1, gas: 1000, to: Self.other, ret: (0, 3)) + .pop
            + .push(2) + .push(3) + .push(32) + .returndatacopy
            + .returndatasize + .push(64) + .mstore + .returnMemory(0, 96)
        let (r, _) = Self.scripted(code, reply: reply)
        #expect(r.status == .success)
        #expect(Array(r.output[0..<5]) == [1, 2, 3, 0, 0])
        #expect(Array(r.output[32..<34]) == [4, 5])
        #expect(UInt256(bigEndian: r.output[64..<96]) == 5)
        #expect(r.gasRefund == 50)
        // Out-of-bounds RETURNDATACOPY is exceptional, including zero-size reads past the end.
        let oob = Asm.callWith(0xf1, gas: 1000, to: Self.other) + .pop + .push(3) + .push(3) + .push(0) + .returndatacopy
        #expect(Self.scripted(oob, reply: reply).0.status == .returnDataOutOfBounds)
        let zeroPast = Asm.callWith(0xf1, gas: 1000, to: Self.other) + .pop + .push(0) + .push(6) + .push(0) + .returndatacopy
        #expect(Self.scripted(zeroPast, reply: reply).0.status == .returnDataOutOfBounds)
        let zeroAtEnd = Asm.callWith(0xf1, gas: 1000, to: Self.other) + .pop + .push(0) + .push(5) + .push(0) + .returndatacopy
        #expect(Self.scripted(zeroAtEnd, reply: reply).0.status == .success)
        #expect(exec(.push(1) + .push(0) + .push(0) + .returndatacopy).result.status == .returnDataOutOfBounds)
        #expect(exec(.push(0) + .push(.max) + .push(0) + .returndatacopy).result.status == .returnDataOutOfBounds)
        // A reverted callee: push 0, no refund, revert data still copied and kept.
        let revert: (Message) -> CallResult = { CallResult(status: .revert, gasLeft: $0.gas, gasRefund: 99, output: [9, 9]) }
        let rv = Self.scripted(Asm.callWith(0xf1, gas: 1000, to: Self.other, ret: (0, 32)) + .returndatasize + .add + .returnTop, reply: revert).0
        #expect(rv.word == 2)
        #expect(rv.gasRefund == 0)
    }

    @Test func refusedFrames() {
        // Depth exceeded and insufficient balance: the callee gas (with stipend) comes back, 0 is pushed.
        for status in [ExecutionStatus.callDepthExceeded, .insufficientBalance] {
            let (r, _) = Self.scripted(.callWith(0xf1, gas: 5000, to: Self.other, value: 1) + .returndatasize + .add + .returnTop,
                                       reply: { CallResult(status: status, gasLeft: $0.gas) }, setup: { $0.warm(Self.other); $0.setBalance(Self.other, 1) })
            #expect(r.word == 0)
            #expect(1_000_000 - r.gasLeft == 21 + 100 + 9000 - 2300 + 2 + 3 + 15)
        }
        // Real depth check through the mock host.
        let host = MockHost(fork: .cancun)
        let r = host.run(.callWith(0xf1, gas: 5000, to: Self.other) + .returnTop, depth: 1024)
        #expect(r.word == 0)
        #expect(host.calls.count == 1 && host.calls[0].depth == 1025)
    }

    @Test func staticViolations() {
        let echo: (Message) -> CallResult = { CallResult(status: .success, gasLeft: $0.gas) }
        let violations: [Asm] = [
            .sstoreValue(0, 1), .push(1) + .push(0) + .tstore,
            .push(0) + .push(0) + .log(0), .push(0) + .push(0) + .push(0) + .log(1),
            .push(0) + .push(0) + .push(0) + .push(0) + .log(2),
            .push(0) + .push(0) + .push(0) + .create, .push(0) + .push(0) + .push(0) + .push(0) + .create2,
            .push(MockHost.other) + .selfdestruct, .callWith(0xf1, gas: 0, to: Self.other, value: 1),
        ]
        for code in violations {
            let (r, h) = Self.scripted(code, isStatic: true, reply: echo)
            #expect(r.status == .staticStateChange, "\(code)")
            #expect(r.gasLeft == 0)
            #expect(h.calls.isEmpty)
        }
        // Allowed: value-less CALL, CALLCODE with value, SLOAD, TLOAD.
        for code: Asm in [.callWith(0xf1, gas: 0, to: Self.other), .callWith(0xf2, gas: 0, to: Self.other, value: 1),
                          .push(0) + .sload, .push(0) + .tload, .push(0) + .push(0) + .revert] {
            let (r, _) = Self.scripted(code, isStatic: true, reply: echo)
            #expect(r.status == .success || r.status == .revert, "\(code)")
        }
    }

    @Test func eip7702DelegationAccessCost() {
        let target = Address(low: 0x7702)
        let full: (Message) -> CallResult = { CallResult(status: .success, gasLeft: $0.gas) }
        func used(_ fork: Hardfork, warmTarget: Bool) -> Int64 {
            1_000_000 - Self.scripted(.callWith(0xf1, gas: 0, to: Self.other), fork: fork, reply: full) { h in
                h.state.accounts[Self.other, default: MockHost.Account()].code = .delegation(to: target)
                h.warm(Self.other)
                if warmTarget { h.warm(target) }
            }.0.gasLeft
        }
        #expect(used(.prague, warmTarget: false) == 21 + 100 + 2600)
        #expect(used(.prague, warmTarget: true) == 21 + 100 + 100)
        #expect(used(.osaka, warmTarget: false) == 21 + 100 + 2600)
        #expect(used(.cancun, warmTarget: false) == 21 + 100)
        // EXTCODESIZE sees the designator itself.
        let r = exec(.push(Self.other) + .extcodesize + .returnTop, fork: .prague) { h in
            h.state.accounts[Self.other, default: MockHost.Account()].code = .delegation(to: target)
        }
        #expect(r.result.word == 23)
    }

    @Test func nestedExecution() {
        // other: returns 42 and stores 1 at slot 0; contract: calls it, returns the callee's word.
        let host = MockHost(fork: .cancun)
        host.setCode(Self.other, .sstoreValue(0, 1) + .push(42) + .returnTop)
        let r = host.run(.callWith(0xf1, gas: 100_000, to: Self.other, ret: (0, 32)) + .pop + .returnMemory(0, 32))
        #expect(r.status == .success)
        #expect(r.word == 42)
        #expect(host.storage(Self.other, 0) == 1)
        // A callee that reverts leaves no state behind.
        let h2 = MockHost(fork: .cancun)
        h2.setCode(Self.other, .sstoreValue(0, 1) + .revertMemory(0, 0))
        let r2 = h2.run(.callWith(0xf1, gas: 100_000, to: Self.other) + .returnTop)
        #expect(r2.word == 0)
        #expect(h2.storage(Self.other, 0) == 0)
    }
}

@Suite struct CreateTests {
    static let runtime = Asm.push(0x2a) + .returnTop

    @Test func createDeploys() {
        let initCode = Asm.initCode(deploying: Self.runtime)
        var code = Asm()
        for (i, chunk) in initCode.bytes.chunked(32).enumerated() {
            code += .push(width: 32, UInt256(bigEndian: chunk + [UInt8](repeating: 0, count: 32 - chunk.count))) + .push(i * 32) + .mstore
        }
        let create = code + .push(initCode.count) + .push(0) + .push(0) + .create + .returnTop
        let host = MockHost(fork: .cancun)
        host.setNonce(MockHost.contract, 1)
        let r = host.run(create)
        #expect(r.status == .success)
        let expected = MockHost.createAddress(MockHost.contract, nonce: 1)
        #expect(r.word == expected.word)
        #expect(host.code(expected).bytes == Self.runtime.bytes)
        #expect(host.calls[0].kind == .create && host.calls[0].sender == MockHost.contract && host.calls[0].input == initCode.bytes)
        // CREATE2 at the salted address.
        let create2 = code + .push(0x5a17) + .push(initCode.count) + .push(0) + .push(0) + .create2 + .returnTop
        let h2 = MockHost(fork: .cancun)
        let r2 = h2.run(create2)
        #expect(r2.word == MockHost.create2Address(MockHost.contract, salt: 0x5a17, initCode: initCode.bytes).word)
        #expect(h2.calls[0].salt == 0x5a17)
        #expect(exec(create2, fork: .byzantium).result.status == .invalidOpcode)
    }

    @Test func createGas() {
        var seen: Int64 = 0
        func run(_ code: Asm, _ fork: Hardfork, gas: Int64 = 1_000_000) -> CallResult {
            let host = MockHost(fork: fork)
            host.callHandler = { m in seen = m.gas; return CallResult(status: .success, gasLeft: m.gas, createdAddress: Address(low: 0xabc)) }
            return host.run(code, gas: gas)
        }
        // 64 bytes of init code at 0.
        let create = Asm.push(64) + .push(0) + .push(0) + .create
        let create2 = Asm.push(0) + .push(64) + .push(0) + .push(0) + .create2
        let memory: Int64 = 6
        #expect(1_000_000 - run(create, .paris).gasLeft == 9 + 32000 + memory)
        #expect(1_000_000 - run(create, .shanghai).gasLeft == 9 + 32000 + memory + 2 * 2)
        #expect(1_000_000 - run(create2, .paris).gasLeft == 12 + 32000 + memory + 6 * 2)
        #expect(1_000_000 - run(create2, .cancun).gasLeft == 12 + 32000 + memory + 6 * 2 + 2 * 2)
        // All but 1/64 from Tangerine; everything before.
        _ = run(create, .cancun, gas: 100_000)
        let left: Int64 = 100_000 - (9 + 32000 + memory + 4)
        #expect(seen == left - left / 64)
        _ = run(create, .homestead, gas: 100_000)
        #expect(seen == 100_000 - (9 + 32000 + memory))
        // EIP-3860: 49152 bytes are fine, 49153 are an exceptional halt (Shanghai+).
        let big = Asm.push(49152) + .push(0) + .push(0) + .create
        let tooBig = Asm.push(49153) + .push(0) + .push(0) + .create
        #expect(run(big, .shanghai, gas: 10_000_000).status == .success)
        let halted = run(tooBig, .shanghai, gas: 10_000_000)
        #expect(halted.status == .outOfGas && halted.gasLeft == 0)
        #expect(run(tooBig, .paris, gas: 10_000_000).status == .success)
    }

    @Test func createResults() {
        // Revert: push 0, return data is the revert output.
        let host = MockHost(fork: .cancun)
        host.callHandler = { m in CallResult(status: .revert, gasLeft: m.gas, output: [7, 7, 7]) }
        let r = host.run(.push(0) + .push(0) + .push(0) + .create + .returndatasize + .add + .returnTop)
        #expect(r.word == 3)
        // Success: return data is cleared.
        host.callHandler = { m in CallResult(status: .success, gasLeft: m.gas, output: [1], createdAddress: Address(low: 0xabc)) }
        let s = host.run(.push(0) + .push(0) + .push(0) + .create + .returndatasize + .add + .returnTop)
        #expect(s.word == 0xabc)
        // Insufficient balance: gas returned, 0 pushed.
        host.callHandler = { m in CallResult(status: .insufficientBalance, gasLeft: m.gas) }
        let i = host.run(.push(0) + .push(0) + .push(1) + .create + .returnTop)
        #expect(i.word == 0)
        #expect(1_000_000 - i.gasLeft == 9 + 32000 + 9 + 6)
        // Exceptional failure of the init code: all its gas is gone.
        host.callHandler = { _ in CallResult(status: .outOfGas, gasLeft: 0) }
        let f = host.run(.push(0) + .push(0) + .push(0) + .create + .returnTop, gas: 100_000)
        #expect(f.word == 0)
        #expect(f.gasLeft == (100_000 - 32009) / 64 - 9 - 6)
    }
}

@Suite struct SelfDestructTests {
    static func run(_ fork: Hardfork, balance: UInt256 = 1, beneficiaryExists: Bool = false, warm: Bool = false,
                    twice: Bool = false) -> (CallResult, Int64, MockHost) {
        let (r, h, used) = exec(.push(MockHost.other) + .selfdestruct, fork: fork) { h in
            h.setBalance(MockHost.contract, balance)
            if beneficiaryExists { h.setBalance(MockHost.other, 5) }
            if warm { h.warm(MockHost.other) }
            if twice { _ = h.selfDestruct(MockHost.contract, beneficiary: MockHost.other) }
        }
        return (r, used - 3, h)
    }

    @Test func gasAndRefundPerFork() {
        #expect(Self.run(.frontier).1 == 0)
        #expect(Self.run(.frontier).0.gasRefund == 24000)
        #expect(Self.run(.homestead, beneficiaryExists: true).1 == 0)
        #expect(Self.run(.tangerineWhistle).1 == 5000 + 25000)
        #expect(Self.run(.tangerineWhistle, balance: 0).1 == 5000 + 25000)
        #expect(Self.run(.tangerineWhistle, beneficiaryExists: true).1 == 5000)
        #expect(Self.run(.spuriousDragon).1 == 5000 + 25000)
        #expect(Self.run(.spuriousDragon, balance: 0).1 == 5000)
        #expect(Self.run(.spuriousDragon, beneficiaryExists: true).1 == 5000)
        #expect(Self.run(.istanbul).0.gasRefund == 24000)
        #expect(Self.run(.istanbul, twice: true).0.gasRefund == 0)
        #expect(Self.run(.berlin, beneficiaryExists: true).1 == 5000 + 2600)
        #expect(Self.run(.berlin, beneficiaryExists: true, warm: true).1 == 5000)
        #expect(Self.run(.berlin).1 == 5000 + 2600 + 25000)
        #expect(Self.run(.berlin).0.gasRefund == 24000)
        #expect(Self.run(.london).0.gasRefund == 0)
        #expect(Self.run(.cancun, beneficiaryExists: true, warm: true).1 == 5000)
        let (r, _, h) = Self.run(.cancun, balance: 77)
        #expect(r.status == .success && r.output.isEmpty)
        #expect(h.balance(MockHost.other) == 77)
    }

    @Test func stopsTheFrame() {
        let r = exec(.push(MockHost.other) + .selfdestruct + .push(1) + .returnTop)
        #expect(r.result.status == .success)
        #expect(r.result.output.isEmpty)
    }
}

extension Array {
    func chunked(_ n: Int) -> [[Element]] {
        stride(from: 0, to: count, by: n).map { Array(self[$0..<Swift.min($0 + n, count)]) }
    }
}

/// Runs `body` on a thread with a 512 MiB stack (1024 nested frames need more native stack
/// than a test thread has in debug builds) and waits for it.
final class BigStackBox<T>: @unchecked Sendable {
    var value: T?
    let done = DispatchSemaphore(value: 0)
}

func onBigStack<T>(_ body: @escaping () -> T) -> T {
    let box = BigStackBox<T>()
    nonisolated(unsafe) let work = body
    let thread = Thread {
        box.value = work()
        box.done.signal()
    }
    thread.stackSize = 512 << 20
    thread.start()
    box.done.wait()
    return box.value!
}

@Suite struct DepthTests {
    /// Per-level native stack use of the interpreter plus the mock host (printed for reference).
    @Test func stackUsePerFrame() {
        final class Marks: Tracer {
            var marks: [Int] = []
            func step(_ step: TraceStep) {}
            func frameStart(_ message: Message, code: Bytecode) {
                var marker = 0
                withUnsafeMutablePointer(to: &marker) { marks.append(Int(bitPattern: $0)) }
            }
        }
        let host = MockHost(fork: .cancun)
        let code = Asm.push(0) + .push(0) + .push(0) + .push(0) + .push(0) + .address + .gas + .call + .stop
        host.setCode(MockHost.contract, code)
        host.run(code, gas: 1 << 42, depth: 1014)
        let untraced = host.stackMarks
        let t = Marks()
        let traced = MockHost(fork: .cancun)
        traced.setCode(MockHost.contract, code)
        traced.tracer = t
        traced.run(code, gas: 1 << 42, depth: 1014)
        let perLevel = zip(untraced, untraced.dropFirst()).map { $0 - $1 }
        let hostPart = zip(traced.stackMarks, t.marks.dropFirst()).map { $0 - $1 }
        print("native stack per nested frame (untraced, incl. mock host):", perLevel.first ?? 0,
              "of which mock host ≈", hostPart.first ?? 0)
        #expect(perLevel.count == 10)
        #expect(perLevel.allSatisfy { $0 > 0 && $0 == perLevel[0] })
    }

    /// A contract that calls itself with all its gas recurses until the host refuses depth 1025.
    @Test func recursionToDepthLimit() {
        let host = MockHost(fork: .cancun)
        let code = Asm.push(0) + .push(0) + .push(0) + .push(0) + .push(0) + .address + .gas + .call + .stop
        host.setCode(MockHost.contract, code)
        let r = onBigStack { host.run(code, gas: 1 << 42) }
        #expect(r.status == .success)
        #expect(host.calls.count == 1025)
        #expect(host.calls.map(\.depth) == Array(1...1025))
    }
}
