/// Static facts about one EVM opcode: mnemonic, immediate bytes, stack inputs and outputs, and
/// the first fork that defines it. Gas is fork-dependent and lives in the interpreter's
/// per-fork instruction table.
public struct OpcodeInfo: Sendable, Equatable {
    public let opcode: UInt8
    /// Mnemonic as in the Yellow Paper / evm.codes (0x44 is `PREVRANDAO`; see
    /// `Opcodes.name(_:fork:)` for the pre-Paris `DIFFICULTY`).
    public let name: String
    /// Bytes of immediate data that follow the opcode (PUSH1…PUSH32: 1…32, else 0).
    public let immediateSize: Int
    /// Stack items read (popped or, for DUP/SWAP, reached).
    public let stackIn: Int
    /// Stack items present afterwards in place of the inputs.
    public let stackOut: Int
    /// First fork in which the opcode is defined.
    public let since: Hardfork

    public init(opcode: UInt8, name: String, immediateSize: Int = 0, stackIn: Int, stackOut: Int, since: Hardfork = .frontier) {
        self.opcode = opcode; self.name = name; self.immediateSize = immediateSize
        self.stackIn = stackIn; self.stackOut = stackOut; self.since = since
    }
}

/// The opcode catalogue: one optional entry per byte value.
public enum Opcodes {
    /// Index by opcode byte; nil for bytes no fork defines.
    public static let table: [OpcodeInfo?] = build()

    /// The entry for `op`, if any fork defines it.
    @inlinable
    public static func info(_ op: UInt8) -> OpcodeInfo? { table[Int(op)] }

    /// True when `op` is an instruction in `fork` (0xFE INVALID counts as defined: it is the
    /// designated invalid instruction).
    public static func isDefined(_ op: UInt8, in fork: Hardfork) -> Bool {
        guard let i = table[Int(op)] else { return false }
        return fork >= i.since
    }

    /// Mnemonic as a tracer prints it for `fork`: `DIFFICULTY` before Paris, `PREVRANDAO`
    /// after; an undefined byte gives `opcode 0x0c not defined` (geth's wording).
    public static func name(_ op: UInt8, fork: Hardfork) -> String {
        if op == 0x44 { return fork >= .paris ? "PREVRANDAO" : "DIFFICULTY" }
        if let i = table[Int(op)], fork >= i.since { return i.name }
        return "opcode 0x" + String(op, radix: 16) + " not defined"
    }

    /// Looks up an opcode byte by mnemonic (case-insensitive; `DIFFICULTY` and `SHA3` accepted).
    public static func opcode(named name: String) -> UInt8? {
        let n = name.uppercased()
        if n == "DIFFICULTY" { return 0x44 }
        if n == "SHA3" { return 0x20 }
        for case let i? in table where i.name == n { return i.opcode }
        return nil
    }

    private static func build() -> [OpcodeInfo?] {
        var t = [OpcodeInfo?](repeating: nil, count: 256)
        func def(_ op: UInt8, _ name: String, _ inputs: Int, _ outputs: Int, _ since: Hardfork = .frontier, imm: Int = 0) {
            t[Int(op)] = OpcodeInfo(opcode: op, name: name, immediateSize: imm, stackIn: inputs, stackOut: outputs, since: since)
        }
        def(0x00, "STOP", 0, 0)
        def(0x01, "ADD", 2, 1); def(0x02, "MUL", 2, 1); def(0x03, "SUB", 2, 1); def(0x04, "DIV", 2, 1)
        def(0x05, "SDIV", 2, 1); def(0x06, "MOD", 2, 1); def(0x07, "SMOD", 2, 1); def(0x08, "ADDMOD", 3, 1)
        def(0x09, "MULMOD", 3, 1); def(0x0a, "EXP", 2, 1); def(0x0b, "SIGNEXTEND", 2, 1)

        def(0x10, "LT", 2, 1); def(0x11, "GT", 2, 1); def(0x12, "SLT", 2, 1); def(0x13, "SGT", 2, 1)
        def(0x14, "EQ", 2, 1); def(0x15, "ISZERO", 1, 1); def(0x16, "AND", 2, 1); def(0x17, "OR", 2, 1)
        def(0x18, "XOR", 2, 1); def(0x19, "NOT", 1, 1); def(0x1a, "BYTE", 2, 1)
        def(0x1b, "SHL", 2, 1, .constantinople); def(0x1c, "SHR", 2, 1, .constantinople)
        def(0x1d, "SAR", 2, 1, .constantinople); def(0x1e, "CLZ", 1, 1, .osaka)

        def(0x20, "KECCAK256", 2, 1)

        def(0x30, "ADDRESS", 0, 1); def(0x31, "BALANCE", 1, 1); def(0x32, "ORIGIN", 0, 1)
        def(0x33, "CALLER", 0, 1); def(0x34, "CALLVALUE", 0, 1); def(0x35, "CALLDATALOAD", 1, 1)
        def(0x36, "CALLDATASIZE", 0, 1); def(0x37, "CALLDATACOPY", 3, 0); def(0x38, "CODESIZE", 0, 1)
        def(0x39, "CODECOPY", 3, 0); def(0x3a, "GASPRICE", 0, 1); def(0x3b, "EXTCODESIZE", 1, 1)
        def(0x3c, "EXTCODECOPY", 4, 0)
        def(0x3d, "RETURNDATASIZE", 0, 1, .byzantium); def(0x3e, "RETURNDATACOPY", 3, 0, .byzantium)
        def(0x3f, "EXTCODEHASH", 1, 1, .constantinople)

        def(0x40, "BLOCKHASH", 1, 1); def(0x41, "COINBASE", 0, 1); def(0x42, "TIMESTAMP", 0, 1)
        def(0x43, "NUMBER", 0, 1); def(0x44, "PREVRANDAO", 0, 1); def(0x45, "GASLIMIT", 0, 1)
        def(0x46, "CHAINID", 0, 1, .istanbul); def(0x47, "SELFBALANCE", 0, 1, .istanbul)
        def(0x48, "BASEFEE", 0, 1, .london)
        def(0x49, "BLOBHASH", 1, 1, .cancun); def(0x4a, "BLOBBASEFEE", 0, 1, .cancun)

        def(0x50, "POP", 1, 0); def(0x51, "MLOAD", 1, 1); def(0x52, "MSTORE", 2, 0); def(0x53, "MSTORE8", 2, 0)
        def(0x54, "SLOAD", 1, 1); def(0x55, "SSTORE", 2, 0); def(0x56, "JUMP", 1, 0); def(0x57, "JUMPI", 2, 0)
        def(0x58, "PC", 0, 1); def(0x59, "MSIZE", 0, 1); def(0x5a, "GAS", 0, 1); def(0x5b, "JUMPDEST", 0, 0)
        def(0x5c, "TLOAD", 1, 1, .cancun); def(0x5d, "TSTORE", 2, 0, .cancun); def(0x5e, "MCOPY", 3, 0, .cancun)
        def(0x5f, "PUSH0", 0, 1, .shanghai)

        for n in 1...32 { def(UInt8(0x5f + n), "PUSH\(n)", 0, 1, imm: n) }
        for n in 1...16 { def(UInt8(0x7f + n), "DUP\(n)", n, n + 1) }
        for n in 1...16 { def(UInt8(0x8f + n), "SWAP\(n)", n + 1, n + 1) }
        for n in 0...4 { def(UInt8(0xa0 + n), "LOG\(n)", n + 2, 0) }

        def(0xf0, "CREATE", 3, 1); def(0xf1, "CALL", 7, 1); def(0xf2, "CALLCODE", 7, 1); def(0xf3, "RETURN", 2, 0)
        def(0xf4, "DELEGATECALL", 6, 1, .homestead); def(0xf5, "CREATE2", 4, 1, .constantinople)
        def(0xfa, "STATICCALL", 6, 1, .byzantium); def(0xfd, "REVERT", 2, 0, .byzantium)
        def(0xfe, "INVALID", 0, 0); def(0xff, "SELFDESTRUCT", 1, 0)
        return t
    }
}
