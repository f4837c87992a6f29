import EVMCore
import EVMAssembly
import EVMInterpreter
import Testing
import _TestSupport

/// The opcode facts have one source (`Opcode`); these tests check that the interpreter's table
/// and dispatch switch agree with it, and pin each post-Frontier opcode to the fork of its EIP.
@Suite struct OpcodeTableTests {
    /// `code` for `op` with `stackIn` zero operands below it and zero immediates after it.
    static func program(_ op: Opcode) -> Asm {
        var code = Asm()
        for _ in 0..<op.spec.stackIn { code += .push(0) }
        code += .op(op.rawValue)
        if op.immediateSize > 0 { code += Asm(Array(repeating: 0, count: op.immediateSize)) }
        return code
    }

    /// Every opcode a fork defines has a table row with the static gas of `Opcode` and stack
    /// bounds from its spec, and a dispatch case: run with enough stack it is never reported as
    /// an undefined opcode (only 0xFE INVALID is, by design). An opcode left out of the switch
    /// would fall to its `default` and fail here.
    @Test(arguments: Hardfork.allCases) func everyDefinedOpcodeHasGasAndAHandler(_ fork: Hardfork) {
        let table = InstructionTable.forFork(fork)
        for op in Opcode.allCases where fork >= op.spec.since {
            let e = table.entries[Int(op.rawValue)]
            #expect(e.isDefined, "\(op.mnemonic) in \(fork)")
            #expect(table.staticGas(op.rawValue) == op.staticGas(in: fork).map(Int.init), "\(op.mnemonic) in \(fork)")
            #expect(Int(e.minStack) == op.spec.stackIn)
            #expect(Int(e.maxStack) == InstructionTable.stackLimit + op.spec.stackIn - op.spec.stackOut)
            let r = exec(Self.program(op), fork: fork, gas: 100_000)
            if op == .invalid {
                #expect(r.result.status == .invalidOpcode && r.result.gasLeft == 0)
            } else {
                #expect(r.result.status != .invalidOpcode, "\(op.mnemonic) in \(fork) has no dispatch case")
                // The static gas was charged (the PUSH1 operands cost 3 each; a halt takes all).
                #expect(r.gasUsed >= Int64(3 * op.spec.stackIn) + Int64(op.staticGas(in: fork) ?? 0), "\(op.mnemonic) in \(fork)")
            }
        }
    }

    /// Each byte is either an `Opcode` (listed in `Opcodes.table` under its mnemonic) or
    /// undefined in every fork, where it halts as INVALID with all gas consumed.
    @Test func bytesWithoutAnOpcodeAreInvalidInEveryFork() {
        for byte in 0...255 {
            let b = UInt8(byte)
            if let op = Opcode(rawValue: b) {
                #expect(Opcodes.info(b) == OpcodeInfo(op))
                #expect(Opcodes.opcode(named: op.mnemonic) == b)
                continue
            }
            #expect(Opcodes.info(b) == nil)
            for fork in Hardfork.allCases {
                #expect(!InstructionTable.forFork(fork).entries[byte].isDefined)
                let r = exec(.op(b), fork: fork, gas: 1000)
                #expect(r.result.status == .invalidOpcode && r.result.gasLeft == 0, "0x\(String(b, radix: 16)) in \(fork)")
            }
        }
    }

    /// The EIP that introduced each post-Frontier opcode and the fork that activated it.
    static let introductions: [(eip: Int, op: Opcode, fork: Hardfork)] = [
        (7, .delegatecall, .homestead),
        (140, .revert, .byzantium), (211, .returndatasize, .byzantium), (211, .returndatacopy, .byzantium),
        (214, .staticcall, .byzantium),
        (145, .shl, .constantinople), (145, .shr, .constantinople), (145, .sar, .constantinople),
        (1014, .create2, .constantinople), (1052, .extcodehash, .constantinople),
        (1344, .chainid, .istanbul), (1884, .selfbalance, .istanbul),
        (3198, .basefee, .london),
        (3855, .push0, .shanghai),
        (1153, .tload, .cancun), (1153, .tstore, .cancun), (5656, .mcopy, .cancun),
        (4844, .blobhash, .cancun), (7516, .blobbasefee, .cancun),
        (7939, .clz, .osaka),
    ]

    /// Pinned per EIP: defined from its fork on, INVALID (all gas consumed) in the fork before;
    /// every other opcode is a Frontier one.
    @Test(arguments: introductions.indices) func availabilityPinnedPerEIP(_ i: Int) {
        let (eip, op, fork) = Self.introductions[i]
        #expect(op.spec.since == fork, "EIP-\(eip) \(op.mnemonic)")
        let before = Hardfork(rawValue: fork.rawValue - 1)!
        let early = exec(Self.program(op), fork: before, gas: 100_000)
        #expect(early.result.status == .invalidOpcode && early.result.gasLeft == 0, "EIP-\(eip) \(op.mnemonic) in \(before)")
        #expect(Opcodes.name(op.rawValue, fork: before) == "opcode 0x\(String(op.rawValue, radix: 16)) not defined")
        let from = exec(Self.program(op), fork: fork, gas: 100_000)
        #expect(from.result.status != .invalidOpcode, "EIP-\(eip) \(op.mnemonic) in \(fork)")
        #expect(Opcodes.name(op.rawValue, fork: fork) == op.mnemonic)
    }

    @Test func everyOtherOpcodeIsFrontier() {
        let later = Set(Self.introductions.map(\.op))
        for op in Opcode.allCases where !later.contains(op) {
            #expect(op.spec.since == .frontier, "\(op.mnemonic)")
        }
    }

    /// Static gas repricings, pinned per EIP (EIP-150, EIP-1884, EIP-2929), read by name.
    @Test func repricingsPinnedPerEIP() {
        #expect(Opcode.sload.staticGas(in: .homestead) == 50 && Opcode.sload.staticGas(in: .tangerineWhistle) == 200)
        #expect(Opcode.sload.staticGas(in: .istanbul) == 800 && Opcode.sload.staticGas(in: .berlin) == 100)
        #expect(Opcode.balance.staticGas(in: .spuriousDragon) == 400 && Opcode.balance.staticGas(in: .istanbul) == 700)
        #expect(Opcode.balance.staticGas(in: .berlin) == 100)
        #expect(Opcode.extcodehash.staticGas(in: .petersburg) == 400 && Opcode.extcodehash.staticGas(in: .muirGlacier) == 700)
        #expect(Opcode.staticcall.staticGas(in: .istanbul) == 700 && Opcode.staticcall.staticGas(in: .berlin) == 100)
        #expect(Opcode.selfdestruct.staticGas(in: .frontier) == 0 && Opcode.selfdestruct.staticGas(in: .osaka) == 5000)
        #expect(Opcode.clz.staticGas(in: .prague) == nil && Opcode.clz.staticGas(in: .osaka) == 5)
        #expect(Opcode.return.mnemonic == "RETURN" && Opcode.keccak256.mnemonic == "KECCAK256" && Opcode.push32.mnemonic == "PUSH32")
    }
}
