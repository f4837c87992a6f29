import EVMCore

/// One row of a fork's instruction table: what the dispatch loop checks before running an
/// opcode. `sp` (the stack height) must satisfy `minStack <= sp <= maxStack`; an opcode the
/// fork does not define has `minStack == InstructionEntry.undefined` so the single
/// underflow comparison also catches it.
public struct InstructionEntry: Sendable, Equatable {
    /// Static (base) gas charged before the instruction runs.
    public var gas: Int32
    /// Stack height needed (the opcode's inputs).
    public var minStack: Int16
    /// Highest stack height that does not overflow 1024 after the opcode's net push.
    public var maxStack: Int16

    public static let undefined: Int16 = .max

    public var isDefined: Bool { minStack != Self.undefined }
}

/// The 256-entry table for one fork: static gas written as fork diffs (the Frontier table,
/// then each fork's repricings), stack bounds from `Opcodes`, and availability from each
/// opcode's `since` fork.
public struct InstructionTable: Sendable {
    public let fork: Hardfork
    public let entries: [InstructionEntry]

    /// Stack limit (Yellow Paper: 1024 items).
    public static let stackLimit = 1024

    /// Tables for every fork, built once.
    public static let all: [InstructionTable] = Hardfork.allCases.map { InstructionTable(fork: $0) }

    @inlinable
    public static func forFork(_ fork: Hardfork) -> InstructionTable { all[fork.rawValue] }

    /// Static gas of `op` in this fork, nil when undefined.
    public func staticGas(_ op: UInt8) -> Int? {
        let e = entries[Int(op)]
        return e.isDefined ? Int(e.gas) : nil
    }

    public init(fork: Hardfork) {
        self.fork = fork
        let gas = InstructionTable.staticGasTable(fork)
        var rows = [InstructionEntry](repeating: InstructionEntry(gas: 0, minStack: InstructionEntry.undefined, maxStack: 0),
                                      count: 256)
        for op in 0..<256 {
            guard let info = Opcodes.table[op], fork >= info.since, let g = gas[op] else { continue }
            rows[op] = InstructionEntry(gas: g, minStack: Int16(info.stackIn),
                                        maxStack: Int16(InstructionTable.stackLimit + info.stackIn - info.stackOut))
        }
        self.entries = rows
    }

    /// Static gas by fork: the Frontier schedule, then each fork's changes in order.
    /// Dynamic parts (memory, copies, cold access surcharges, EXP bytes, SSTORE, calls) are
    /// charged by the instructions themselves.
    static func staticGasTable(_ fork: Hardfork) -> [Int32?] {
        var g = [Int32?](repeating: nil, count: 256)
        func set(_ ops: [UInt8], _ v: Int32) { for op in ops { g[Int(op)] = v } }

        // Frontier (Yellow Paper appendix G: Wzero 0, Wbase 2, Wverylow 3, Wlow 5, Wmid 8, Whigh 10).
        set([0x00, 0x55, 0xf3, 0xfe], 0)                                   // STOP SSTORE RETURN INVALID
        set([0x01, 0x03, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a], 3)
        set([0x02, 0x04, 0x05, 0x06, 0x07, 0x0b], 5)
        set([0x08, 0x09], 8)
        set([0x0a], 10)                                                    // EXP (+ per byte)
        set([0x20], 30)                                                    // KECCAK256 (+ 6/word)
        set([0x30, 0x32, 0x33, 0x34, 0x36, 0x38, 0x3a], 2)
        set([0x35, 0x37, 0x39], 3)
        set([0x31, 0x3b, 0x3c], 20)                                        // BALANCE EXTCODESIZE EXTCODECOPY
        set([0x40], 20)                                                    // BLOCKHASH
        set([0x41, 0x42, 0x43, 0x44, 0x45], 2)
        set([0x50, 0x58, 0x59, 0x5a], 2)
        set([0x51, 0x52, 0x53], 3)
        set([0x54], 50)                                                    // SLOAD
        set([0x56], 8); set([0x57], 10); set([0x5b], 1)
        for op in 0x60...0x9f { g[op] = 3 }                                // PUSH1-32 DUP SWAP
        for n in 0...4 { g[0xa0 + n] = Int32(375 * (n + 1)) }             // LOGn: 375 + 375/topic
        set([0xf0], 32000)                                                 // CREATE
        set([0xf1, 0xf2], 40)                                              // CALL CALLCODE
        set([0xff], 0)                                                     // SELFDESTRUCT

        if fork >= .homestead { set([0xf4], 40) }                          // DELEGATECALL (EIP-7)
        if fork >= .tangerineWhistle {                                     // EIP-150
            set([0x31], 400); set([0x3b, 0x3c], 700); set([0x54], 200)
            set([0xf1, 0xf2, 0xf4], 700); set([0xff], 5000)
        }
        if fork >= .byzantium {
            set([0x3d], 2); set([0x3e], 3)                                 // RETURNDATASIZE/COPY (EIP-211)
            set([0xfa], 700)                                               // STATICCALL (EIP-214)
            set([0xfd], 0)                                                 // REVERT (EIP-140)
        }
        if fork >= .constantinople {
            set([0x1b, 0x1c, 0x1d], 3)                                     // SHL SHR SAR (EIP-145)
            set([0xf5], 32000)                                             // CREATE2 (EIP-1014)
            set([0x3f], 400)                                               // EXTCODEHASH (EIP-1052)
        }
        if fork >= .istanbul {
            set([0x31], 700); set([0x3f], 700); set([0x54], 800)          // EIP-1884
            set([0x46], 2)                                                 // CHAINID (EIP-1344)
            set([0x47], 5)                                                 // SELFBALANCE (EIP-1884)
        }
        if fork >= .berlin {                                               // EIP-2929: warm cost static, cold surcharge dynamic
            set([0x31, 0x3b, 0x3c, 0x3f, 0x54, 0xf1, 0xf2, 0xf4, 0xfa], 100)
        }
        if fork >= .london { set([0x48], 2) }                              // BASEFEE (EIP-3198)
        if fork >= .shanghai { set([0x5f], 2) }                            // PUSH0 (EIP-3855)
        if fork >= .cancun {
            set([0x5c, 0x5d], 100)                                         // TLOAD TSTORE (EIP-1153)
            set([0x5e], 3)                                                 // MCOPY (EIP-5656)
            set([0x49], 3)                                                 // BLOBHASH (EIP-4844)
            set([0x4a], 2)                                                 // BLOBBASEFEE (EIP-7516)
        }
        if fork >= .osaka { set([0x1e], 5) }                               // CLZ (EIP-7939)
        return g
    }
}
