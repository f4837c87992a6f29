import EVMCore
import EVMAssembly
import EVMInterpreter
import Testing
import _TestSupport

@Suite struct EnvironmentTests {
    @Test func messageFields() {
        let host = MockHost(fork: .cancun)
        host.tx = TxEnv(origin: Address(low: 0x0419), gasPrice: 77)
        func run(_ a: Asm) -> UInt256 { host.run(a + .returnTop, value: 5, input: [1, 2, 3]).word }
        #expect(run(.address) == MockHost.contract.word)
        #expect(run(.caller) == MockHost.caller.word)
        #expect(run(.callvalue) == 5)
        #expect(run(.origin) == 0x0419)
        #expect(run(.gasprice) == 77)
        #expect(run(.calldatasize) == 3)
        #expect(run(.push(0) + .calldataload) == UInt256(0x010203).shiftedLeft(232))
        #expect(run(.push(2) + .calldataload) == UInt256(0x03).shiftedLeft(248))
        #expect(run(.push(3) + .calldataload) == 0)
        #expect(run(.push(.max) + .calldataload) == 0)
        #expect(run(.codesize) == UInt256(1 + Asm.returnTop.count))
    }

    @Test func copies() {
        let host = MockHost(fork: .cancun)
        // CALLDATACOPY(0, 1, 4): [2, 3, 0, 0]
        let r = host.run(.push(4) + .push(1) + .push(0) + .calldatacopy + .returnMemory(0, 4), input: [1, 2, 3])
        #expect(r.output == [2, 3, 0, 0])
        // Source offset beyond 2^64 copies zeros over existing memory.
        let z = host.run(.mstoreValue(0, .max) + .push(32) + .push(.max) + .push(0) + .calldatacopy + .returnMemory(0, 32), input: [9])
        #expect(z.output == [UInt8](repeating: 0, count: 32))
        // CODECOPY of the first 3 bytes of the code itself.
        let code = Asm.push(3) + .push(0) + .push(0) + .codecopy + .returnMemory(0, 3)
        #expect(exec(code).result.output == [0x60, 0x03, 0x60])
        // Gas: 3 pushes + 3 static + 3 per word + memory 3 (one word) + return pushes.
        #expect(exec(code).gasUsed == 9 + 3 + 3 + 3 + 6)
        #expect(exec(.push(33) + .push(0) + .push(0) + .codecopy).gasUsed == 9 + 3 + 6 + 6)
    }

    @Test func externalCode() {
        let ext = Asm.push(1) + .push(2) + .add
        let setup: (MockHost) -> Void = { h in h.setCode(MockHost.other, ext); h.setBalance(MockHost.other, 1234) }
        #expect(exec(.push(MockHost.other) + .extcodesize + .returnTop, setup: setup).result.word == 5)
        #expect(exec(.push(MockHost.other) + .extcodehash + .returnTop, setup: setup).result.word == ext.bytecode.hash.word)
        #expect(exec(.push(MockHost.other) + .extcodehash + .returnTop).result.word == 0)   // dead account
        #expect(exec(.push(MockHost.other) + .balance + .returnTop, setup: setup).result.word == 1234)
        let copy = Asm.push(8) + .push(1) + .push(0) + .push(MockHost.other) + .extcodecopy + .returnMemory(0, 8)
        #expect(exec(copy, setup: setup).result.output == [0x01, 0x60, 0x02, 0x01, 0, 0, 0, 0])
        #expect(exec(.selfbalance + .returnTop, fork: .istanbul) { h in h.setBalance(MockHost.contract, 9) }.result.word == 9)
        #expect(exec(.selfbalance, fork: .petersburg).result.status == .invalidOpcode)
    }

    @Test func accountAccessGasPerFork() {
        let probe = Asm.push(MockHost.other)
        func cost(_ op: Asm, _ fork: Hardfork) -> Int64 { exec(probe + op, fork: fork).gasUsed - 3 }
        #expect(cost(.balance, .frontier) == 20)
        #expect(cost(.balance, .tangerineWhistle) == 400)
        #expect(cost(.balance, .istanbul) == 700)
        #expect(cost(.balance, .berlin) == 2600)
        #expect(cost(.extcodesize, .homestead) == 20)
        #expect(cost(.extcodesize, .tangerineWhistle) == 700)
        #expect(cost(.extcodesize, .berlin) == 2600)
        #expect(cost(.extcodehash, .constantinople) == 400)
        #expect(cost(.extcodehash, .istanbul) == 700)
        #expect(cost(.extcodehash, .cancun) == 2600)
        #expect(exec(probe + .extcodehash, fork: .byzantium).result.status == .invalidOpcode)
        // Warm second access.
        #expect(exec(probe + .balance + probe + .balance, fork: .berlin).gasUsed == 6 + 2600 + 100)
        #expect(exec(probe + .balance, fork: .berlin) { h in h.warm(MockHost.other) }.gasUsed == 3 + 100)
        // The contract itself and precompiles start warm.
        #expect(exec(.address + .balance, fork: .berlin).gasUsed == 2 + 100)
        #expect(exec(.push(1) + .extcodesize, fork: .berlin).gasUsed == 3 + 100)
        // EXTCODECOPY: 700 + 3/word + memory before Berlin; 100 + 2500 cold after.
        let copy = Asm.push(32) + .push(0) + .push(0) + probe + .extcodecopy
        #expect(exec(copy, fork: .tangerineWhistle).gasUsed == 12 + 700 + 3 + 3)
        #expect(exec(copy, fork: .berlin).gasUsed == 12 + 2600 + 3 + 3)
    }

    @Test func blockFields() {
        let host = MockHost(fork: .cancun)
        host.block = BlockEnv(coinbase: Address(low: 0xc01), number: 1000, timestamp: 1_700_000_000, gasLimit: 30_000_000,
                              difficulty: 0xd1ff, prevRandao: 0x7a4d, baseFee: 7, excessBlobGas: 0, chainId: 5)
        host.tx = TxEnv(blobHashes: [Bytes32(0xaa), Bytes32(0xbb)], blobBaseFee: 3)
        func run(_ a: Asm) -> UInt256 { host.run(a + .returnTop).word }
        #expect(run(.coinbase) == 0xc01)
        #expect(run(.number) == 1000)
        #expect(run(.timestamp) == 1_700_000_000)
        #expect(run(.gaslimit) == 30_000_000)
        #expect(run(.prevrandao) == 0x7a4d)
        #expect(run(.chainid) == 5)
        #expect(run(.basefee) == 7)
        #expect(run(.blobbasefee) == 3)
        #expect(run(.push(1) + .blobhash) == 0xbb)
        #expect(run(.push(2) + .blobhash) == 0)
        #expect(run(.push(.max) + .blobhash) == 0)
        #expect(run(.push(999) + .blockhash) == UInt256(999) &+ 0xb10c)
        #expect(run(.push(1000) + .blockhash) == 0)
        #expect(run(.push(743) + .blockhash) == 0)
        #expect(run(.push(UInt256.one.shiftedLeft(64) &+ 999) + .blockhash) == 0)
        host.fork = .london
        #expect(run(.prevrandao) == 0xd1ff)   // DIFFICULTY before Paris
        #expect(host.run(.push(0) + .blobhash).status == .invalidOpcode)
        host.fork = .paris
        #expect(run(.prevrandao) == 0x7a4d)
        #expect(exec(.push(1) + .blockhash).gasUsed == 23)
        #expect(exec(.push(0) + .blobhash, fork: .cancun).gasUsed == 6)
    }

    @Test func logs() {
        let code = Asm.mstoreValue(0, 0xdead) + .push(0xb) + .push(0xa) + .push(2) + .push(30) + .log(2)
        let (r, host, used) = exec(code)
        #expect(r.status == .success)
        #expect(host.logs == [Log(address: MockHost.contract, topics: [Bytes32(0xa), Bytes32(0xb)], data: [0xde, 0xad])])
        #expect(used == 12 + 12 + 375 * 3 + 8 * 2)
        let l0 = exec(.push(0) + .push(0) + .log(0))
        #expect(l0.host.logs.count == 1)
        #expect(l0.gasUsed == 6 + 375)
        // Logs of a reverted frame are the host's business; the interpreter emitted it.
        #expect(exec(.push(0) + .push(0) + .log(4)).result.status == .stackUnderflow)
    }
}
