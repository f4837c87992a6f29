/// Every EVM opcode, declared once by name with its byte. This enum is the single source of
/// opcode facts: `spec` (stack inputs and outputs, first fork, static gas at introduction),
/// `gasRepricings` (later forks' static gas changes, by name), the `Opcodes.table` catalogue,
/// the interpreter's per-fork `InstructionTable` and the names in its dispatch switch all derive
/// from it. Because `spec` is an exhaustive switch, an opcode added here without its facts does
/// not compile; a byte not listed here is undefined in every fork.
///
/// The mnemonic is the case name upper-cased (`keccak256` → `KECCAK256`); 0x44 is `PREVRANDAO`
/// (see `Opcodes.name(_:fork:)` for the pre-Paris `DIFFICULTY`).
public enum Opcode: UInt8, Sendable, CaseIterable {
    // 0x00 – 0x0b: stop and arithmetic
    case stop = 0x00, add = 0x01, mul = 0x02, sub = 0x03, div = 0x04, sdiv = 0x05, mod = 0x06, smod = 0x07
    case addmod = 0x08, mulmod = 0x09, exp = 0x0a, signextend = 0x0b
    // 0x10 – 0x1e: comparison and bitwise
    case lt = 0x10, gt = 0x11, slt = 0x12, sgt = 0x13, eq = 0x14, iszero = 0x15, and = 0x16, or = 0x17
    case xor = 0x18, not = 0x19, byte = 0x1a, shl = 0x1b, shr = 0x1c, sar = 0x1d, clz = 0x1e
    // 0x20
    case keccak256 = 0x20
    // 0x30 – 0x3f: environment
    case address = 0x30, balance = 0x31, origin = 0x32, caller = 0x33, callvalue = 0x34
    case calldataload = 0x35, calldatasize = 0x36, calldatacopy = 0x37, codesize = 0x38, codecopy = 0x39
    case gasprice = 0x3a, extcodesize = 0x3b, extcodecopy = 0x3c, returndatasize = 0x3d
    case returndatacopy = 0x3e, extcodehash = 0x3f
    // 0x40 – 0x4a: block
    case blockhash = 0x40, coinbase = 0x41, timestamp = 0x42, number = 0x43, prevrandao = 0x44
    case gaslimit = 0x45, chainid = 0x46, selfbalance = 0x47, basefee = 0x48, blobhash = 0x49
    case blobbasefee = 0x4a
    // 0x50 – 0x5f: stack, memory, storage, flow
    case pop = 0x50, mload = 0x51, mstore = 0x52, mstore8 = 0x53, sload = 0x54, sstore = 0x55
    case jump = 0x56, jumpi = 0x57, pc = 0x58, msize = 0x59, gas = 0x5a, jumpdest = 0x5b
    case tload = 0x5c, tstore = 0x5d, mcopy = 0x5e, push0 = 0x5f
    // 0x60 – 0x7f: PUSH1 – PUSH32
    case push1 = 0x60, push2, push3, push4, push5, push6, push7, push8, push9, push10, push11, push12
    case push13, push14, push15, push16, push17, push18, push19, push20, push21, push22, push23, push24
    case push25, push26, push27, push28, push29, push30, push31, push32
    // 0x80 – 0x8f: DUP1 – DUP16
    case dup1 = 0x80, dup2, dup3, dup4, dup5, dup6, dup7, dup8, dup9, dup10, dup11, dup12, dup13, dup14
    case dup15, dup16
    // 0x90 – 0x9f: SWAP1 – SWAP16
    case swap1 = 0x90, swap2, swap3, swap4, swap5, swap6, swap7, swap8, swap9, swap10, swap11, swap12
    case swap13, swap14, swap15, swap16
    // 0xa0 – 0xa4: logs
    case log0 = 0xa0, log1, log2, log3, log4
    // 0xf0 – 0xff: system
    case create = 0xf0, call = 0xf1, callcode = 0xf2, `return` = 0xf3, delegatecall = 0xf4, create2 = 0xf5
    case staticcall = 0xfa, revert = 0xfd, invalid = 0xfe, selfdestruct = 0xff

    /// The facts of one opcode that do not change between forks, plus its static gas in the
    /// fork that introduces it (later changes are in `Opcode.gasRepricings`).
    public struct Spec: Sendable, Equatable {
        /// Stack items read (popped or, for DUP/SWAP, reached).
        public let stackIn: Int
        /// Stack items present afterwards in place of the inputs.
        public let stackOut: Int
        /// Static (base) gas when introduced. Dynamic parts (memory, copies, cold access
        /// surcharges, EXP bytes, SSTORE, calls) are charged by the instructions themselves.
        public let gas: Int32
        /// First fork in which the opcode is defined.
        public let since: Hardfork

        public init(_ stackIn: Int, _ stackOut: Int, gas: Int32, since: Hardfork = .frontier) {
            self.stackIn = stackIn; self.stackOut = stackOut; self.gas = gas; self.since = since
        }
    }

    /// Stack effect, first fork and introductory static gas. Gas names from the Yellow Paper,
    /// appendix G: Wzero 0, Wbase 2, Wverylow 3, Wlow 5, Wmid 8, Whigh 10; the EIP that
    /// introduces each post-Frontier opcode is noted beside it.
    public var spec: Spec {
        switch self {
        case .stop: return Spec(0, 0, gas: 0)
        case .add, .sub: return Spec(2, 1, gas: 3)
        case .mul, .div, .sdiv, .mod, .smod, .signextend: return Spec(2, 1, gas: 5)
        case .addmod, .mulmod: return Spec(3, 1, gas: 8)
        case .exp: return Spec(2, 1, gas: 10)                                     // + 10 (50 from EIP-160) per exponent byte
        case .lt, .gt, .slt, .sgt, .eq, .and, .or, .xor, .byte: return Spec(2, 1, gas: 3)
        case .iszero, .not: return Spec(1, 1, gas: 3)
        case .shl, .shr, .sar: return Spec(2, 1, gas: 3, since: .constantinople)  // EIP-145
        case .clz: return Spec(1, 1, gas: 5, since: .osaka)                       // EIP-7939
        case .keccak256: return Spec(2, 1, gas: 30)                               // + 6 per word
        case .address, .origin, .caller, .callvalue, .calldatasize, .codesize, .gasprice:
            return Spec(0, 1, gas: 2)
        case .balance: return Spec(1, 1, gas: 20)
        case .calldataload: return Spec(1, 1, gas: 3)
        case .calldatacopy, .codecopy: return Spec(3, 0, gas: 3)
        case .extcodesize: return Spec(1, 1, gas: 20)
        case .extcodecopy: return Spec(4, 0, gas: 20)
        case .returndatasize: return Spec(0, 1, gas: 2, since: .byzantium)        // EIP-211
        case .returndatacopy: return Spec(3, 0, gas: 3, since: .byzantium)        // EIP-211
        case .extcodehash: return Spec(1, 1, gas: 400, since: .constantinople)    // EIP-1052
        case .blockhash: return Spec(1, 1, gas: 20)
        case .coinbase, .timestamp, .number, .prevrandao, .gaslimit: return Spec(0, 1, gas: 2)
        case .chainid: return Spec(0, 1, gas: 2, since: .istanbul)                // EIP-1344
        case .selfbalance: return Spec(0, 1, gas: 5, since: .istanbul)            // EIP-1884
        case .basefee: return Spec(0, 1, gas: 2, since: .london)                  // EIP-3198
        case .blobhash: return Spec(1, 1, gas: 3, since: .cancun)                 // EIP-4844
        case .blobbasefee: return Spec(0, 1, gas: 2, since: .cancun)              // EIP-7516
        case .pop: return Spec(1, 0, gas: 2)
        case .mload: return Spec(1, 1, gas: 3)
        case .mstore, .mstore8: return Spec(2, 0, gas: 3)
        case .sload: return Spec(1, 1, gas: 50)
        case .sstore: return Spec(2, 0, gas: 0)                                   // all dynamic
        case .jump: return Spec(1, 0, gas: 8)
        case .jumpi: return Spec(2, 0, gas: 10)
        case .pc, .msize, .gas: return Spec(0, 1, gas: 2)
        case .jumpdest: return Spec(0, 0, gas: 1)
        case .tload: return Spec(1, 1, gas: 100, since: .cancun)                  // EIP-1153
        case .tstore: return Spec(2, 0, gas: 100, since: .cancun)                 // EIP-1153
        case .mcopy: return Spec(3, 0, gas: 3, since: .cancun)                    // EIP-5656
        case .push0: return Spec(0, 1, gas: 2, since: .shanghai)                  // EIP-3855
        case .push1, .push2, .push3, .push4, .push5, .push6, .push7, .push8, .push9, .push10, .push11,
             .push12, .push13, .push14, .push15, .push16, .push17, .push18, .push19, .push20, .push21,
             .push22, .push23, .push24, .push25, .push26, .push27, .push28, .push29, .push30, .push31,
             .push32:
            return Spec(0, 1, gas: 3)
        case .dup1, .dup2, .dup3, .dup4, .dup5, .dup6, .dup7, .dup8, .dup9, .dup10, .dup11, .dup12,
             .dup13, .dup14, .dup15, .dup16:
            let n = Int(rawValue &- Opcode.dup1.rawValue) + 1
            return Spec(n, n + 1, gas: 3)
        case .swap1, .swap2, .swap3, .swap4, .swap5, .swap6, .swap7, .swap8, .swap9, .swap10, .swap11,
             .swap12, .swap13, .swap14, .swap15, .swap16:
            let n = Int(rawValue &- Opcode.swap1.rawValue) + 1
            return Spec(n + 1, n + 1, gas: 3)
        case .log0, .log1, .log2, .log3, .log4:
            let topics = Int(rawValue &- Opcode.log0.rawValue)
            return Spec(topics + 2, 0, gas: Int32(375 * (topics + 1)))           // 375 + 375 per topic (+ 8 per byte)
        case .create: return Spec(3, 1, gas: 32000)
        case .call, .callcode: return Spec(7, 1, gas: 40)
        case .return: return Spec(2, 0, gas: 0)
        case .delegatecall: return Spec(6, 1, gas: 40, since: .homestead)         // EIP-7
        case .create2: return Spec(4, 1, gas: 32000, since: .constantinople)      // EIP-1014
        case .staticcall: return Spec(6, 1, gas: 700, since: .byzantium)          // EIP-214
        case .revert: return Spec(2, 0, gas: 0, since: .byzantium)                // EIP-140
        case .invalid: return Spec(0, 0, gas: 0)                                  // the designated invalid instruction
        case .selfdestruct: return Spec(1, 0, gas: 0)
        }
    }

    /// Static gas changes after an opcode's introduction, as diffs of the previous fork, in fork
    /// order. `InstructionTable` applies every entry whose fork is ≤ the table's.
    public static let gasRepricings: [(fork: Hardfork, eip: Int, changes: [(Opcode, Int32)])] = [
        (.tangerineWhistle, 150, [(.balance, 400), (.extcodesize, 700), (.extcodecopy, 700), (.sload, 200),
                                  (.call, 700), (.callcode, 700), (.delegatecall, 700), (.selfdestruct, 5000)]),
        (.istanbul, 1884, [(.balance, 700), (.extcodehash, 700), (.sload, 800)]),
        // EIP-2929: the warm cost is static, the cold surcharge dynamic.
        (.berlin, 2929, [(.balance, 100), (.extcodesize, 100), (.extcodecopy, 100), (.extcodehash, 100),
                         (.sload, 100), (.call, 100), (.callcode, 100), (.delegatecall, 100), (.staticcall, 100)]),
    ]

    /// Static gas of this opcode in `fork`, nil when the fork does not define it.
    public func staticGas(in fork: Hardfork) -> Int32? {
        let s = spec
        guard fork >= s.since else { return nil }
        var gas = s.gas
        for r in Opcode.gasRepricings where r.fork <= fork {
            for (op, g) in r.changes where op == self { gas = g }
        }
        return gas
    }

    /// Bytes of immediate data that follow the opcode (PUSH1…PUSH32: 1…32, else 0).
    public var immediateSize: Int {
        (Opcode.push1.rawValue...Opcode.push32.rawValue).contains(rawValue) ? Int(rawValue &- Opcode.push0.rawValue) : 0
    }

    /// The mnemonic, e.g. `ADD`, `PUSH1`, `KECCAK256`, `RETURN`, `PREVRANDAO`.
    public var mnemonic: String { String(describing: self).uppercased() }
}

/// Static facts about one EVM opcode byte, derived from `Opcode`: mnemonic, immediate bytes,
/// stack inputs and outputs, and the first fork that defines it. Static gas per fork is
/// `Opcode.staticGas(in:)`, which the interpreter's `InstructionTable` reads.
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

    public init(_ op: Opcode) {
        let s = op.spec
        self.opcode = op.rawValue; self.name = op.mnemonic; self.immediateSize = op.immediateSize
        self.stackIn = s.stackIn; self.stackOut = s.stackOut; self.since = s.since
    }
}

/// The opcode catalogue by byte: one optional entry per byte value, derived from `Opcode`.
public enum Opcodes {
    /// Index by opcode byte; nil for bytes no fork defines.
    public static let table: [OpcodeInfo?] = {
        var t = [OpcodeInfo?](repeating: nil, count: 256)
        for op in Opcode.allCases { t[Int(op.rawValue)] = OpcodeInfo(op) }
        return t
    }()

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
        if op == Opcode.prevrandao.rawValue { return fork >= .paris ? "PREVRANDAO" : "DIFFICULTY" }
        if let i = table[Int(op)], fork >= i.since { return i.name }
        return "opcode 0x" + String(op, radix: 16) + " not defined"
    }

    /// Looks up an opcode byte by mnemonic (case-insensitive; `DIFFICULTY` and `SHA3` accepted).
    public static func opcode(named name: String) -> UInt8? {
        let n = name.uppercased()
        if n == "DIFFICULTY" { return Opcode.prevrandao.rawValue }
        if n == "SHA3" { return Opcode.keccak256.rawValue }
        for case let i? in table where i.name == n { return i.opcode }
        return nil
    }
}
