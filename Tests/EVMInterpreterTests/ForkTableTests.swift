import EVMCore
import EVMAssembly
import EVMInterpreter
import Testing
import _TestSupport

@Suite struct ForkTableTests {
    /// Every opcode introduced after Frontier is invalid (consuming all gas) before its fork
    /// and runs from it on.
    @Test(arguments: Hardfork.allCases) func availability(_ fork: Hardfork) {
        for case let info? in Opcodes.table where info.since > .frontier {
            var code = Asm()
            for _ in 0..<info.stackIn { code += .push(0) }
            code += .op(info.opcode)
            if info.immediateSize > 0 { code += Asm(Array(repeating: 0, count: info.immediateSize)) }
            let r = exec(code, fork: fork, gas: 100_000)
            if fork < info.since {
                #expect(r.result.status == .invalidOpcode, "\(info.name) in \(fork)")
                #expect(r.result.gasLeft == 0)
            } else {
                #expect(r.result.status == .success || r.result.status == .revert, "\(info.name) in \(fork): \(r.result.status)")
            }
        }
    }

    @Test func undefinedBytesAreInvalidEverywhere() {
        let undefined = (0...255).map(UInt8.init).filter { Opcodes.info($0) == nil }
        #expect(undefined.count == 256 - Opcodes.table.compactMap { $0 }.count)
        #expect(undefined.contains(0x0c) && undefined.contains(0x21) && undefined.contains(0x4b) && undefined.contains(0xa5))
        #expect(undefined.contains(0xef) && undefined.contains(0xf6) && undefined.contains(0xfb))
        for fork in Hardfork.allCases {
            for op in undefined {
                let r = exec(.op(op), fork: fork, gas: 1000)
                #expect(r.result.status == .invalidOpcode, "0x\(String(op, radix: 16)) \(fork)")
                #expect(r.result.gasLeft == 0)
                #expect(!InstructionTable.forFork(fork).entries[Int(op)].isDefined)
            }
        }
    }

    @Test func staticGasSchedule() {
        func g(_ fork: Hardfork, _ name: String) -> Int? {
            InstructionTable.forFork(fork).staticGas(Opcodes.opcode(named: name)!)
        }
        #expect(g(.frontier, "SLOAD") == 50 && g(.tangerineWhistle, "SLOAD") == 200)
        #expect(g(.istanbul, "SLOAD") == 800 && g(.berlin, "SLOAD") == 100)
        #expect(g(.frontier, "CALL") == 40 && g(.tangerineWhistle, "CALL") == 700 && g(.berlin, "CALL") == 100)
        #expect(g(.frontier, "DELEGATECALL") == nil && g(.homestead, "DELEGATECALL") == 40)
        #expect(g(.byzantium, "STATICCALL") == 700 && g(.cancun, "STATICCALL") == 100)
        #expect(g(.frontier, "SELFDESTRUCT") == 0 && g(.tangerineWhistle, "SELFDESTRUCT") == 5000)
        #expect(g(.constantinople, "EXTCODEHASH") == 400 && g(.istanbul, "EXTCODEHASH") == 700)
        #expect(g(.cancun, "LOG4") == 375 * 5)
        #expect(g(.cancun, "KECCAK256") == 30 && g(.cancun, "JUMPDEST") == 1 && g(.cancun, "JUMPI") == 10)
        #expect(g(.cancun, "BLOBHASH") == 3 && g(.cancun, "BLOBBASEFEE") == 2 && g(.cancun, "TSTORE") == 100)
        #expect(g(.prague, "CLZ") == nil && g(.osaka, "CLZ") == 5)
        #expect(g(.osaka, "CREATE2") == 32000 && g(.osaka, "SELFBALANCE") == 5)
        #expect(Opcodes.name(0x44, fork: .london) == "DIFFICULTY" && Opcodes.name(0x44, fork: .paris) == "PREVRANDAO")
        #expect(Opcodes.name(0x0c, fork: .osaka) == "opcode 0xc not defined")
        #expect(Opcodes.name(0x5f, fork: .paris) == "opcode 0x5f not defined")
        // Stack bounds come from the opcode table.
        let t = InstructionTable.forFork(.cancun)
        #expect(t.entries[0x80].minStack == 1 && t.entries[0x80].maxStack == 1023)
        #expect(t.entries[0x9f].minStack == 17 && t.entries[0x9f].maxStack == 1024)
        #expect(t.entries[0xf1].minStack == 7 && t.entries[0xf1].maxStack == 1030)
    }
}
