import EVMCore

/// A tiny bytecode builder: `Asm.push(1) + .push(2) + .add + .returnTop`.
///
/// Shared by the interpreter tests and by `Assembly` (which adds labels on top
/// of it to write the sample contracts). It is a programmer's tool: the `precondition`s below
/// guard widths a caller writes literally (PUSH 1…32, DUP/SWAP 1…16, LOG 0…4), never data.
///
/// Every opcode is a static member named after its mnemonic in lower case (`return` needs
/// backticks); PUSH/DUP/SWAP/LOG take their width as an argument. `push` picks the shortest
/// PUSHn (PUSH1 for zero, so the code runs before Shanghai; use `.push0` explicitly).
public struct Asm: Sendable, Equatable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8] = []) { self.bytes = bytes }
    public init(arrayLiteral elements: UInt8...) { self.bytes = elements }

    public static func + (a: Asm, b: Asm) -> Asm { Asm(a.bytes + b.bytes) }
    public static func += (a: inout Asm, b: Asm) { a.bytes += b.bytes }

    public var count: Int { bytes.count }
    public var bytecode: Bytecode { Bytecode(bytes) }
    public var hex: String { "0x" + Hex.encode(bytes) }
    public var description: String { hex }

    /// Parses hex (with or without `0x`); invalid input gives empty code.
    public static func hex(_ s: String) -> Asm { Asm((try? Hex.decode(s)) ?? []) }

    /// The raw opcode byte.
    public static func op(_ byte: UInt8) -> Asm { Asm([byte]) }

    /// Shortest PUSHn for `v` (PUSH1 0x00 for zero).
    public static func push(_ v: UInt256) -> Asm {
        let be = v.minimalBigEndianBytes
        return pushBytes(be.isEmpty ? [0] : be)
    }

    public static func push(_ v: Int) -> Asm { push(UInt256(v)) }
    public static func push(_ a: Address) -> Asm { pushBytes(a.bytes) }

    /// PUSHn with exactly `bytes.count` (1…32) immediate bytes.
    public static func pushBytes(_ bytes: [UInt8]) -> Asm {
        precondition((1...32).contains(bytes.count), "PUSH takes 1…32 bytes")
        return Asm([Opcode.push0.rawValue + UInt8(bytes.count)] + bytes)
    }

    /// PUSHn of width `n` holding the low `n` bytes of `v`.
    public static func push(width n: Int, _ v: UInt256) -> Asm {
        pushBytes(Array(v.bigEndianBytes.suffix(n)))
    }

    public static func dup(_ n: Int) -> Asm { precondition((1...16).contains(n)); return op(Opcode.dup1.rawValue + UInt8(n - 1)) }
    public static func swap(_ n: Int) -> Asm { precondition((1...16).contains(n)); return op(Opcode.swap1.rawValue + UInt8(n - 1)) }
    public static func log(_ n: Int) -> Asm { precondition((0...4).contains(n)); return op(Opcode.log0.rawValue + UInt8(n)) }

    // MARK: Opcodes (named after `EVMCore.Opcode`, the one list of opcode bytes)

    /// The opcode's byte.
    public static func op(_ o: Opcode) -> Asm { Asm([o.rawValue]) }

    public static let stop = op(.stop), add = op(.add), mul = op(.mul), sub = op(.sub)
    public static let div = op(.div), sdiv = op(.sdiv), mod = op(.mod), smod = op(.smod)
    public static let addmod = op(.addmod), mulmod = op(.mulmod), exp = op(.exp), signextend = op(.signextend)
    public static let lt = op(.lt), gt = op(.gt), slt = op(.slt), sgt = op(.sgt)
    public static let eq = op(.eq), iszero = op(.iszero), and = op(.and), or = op(.or)
    public static let xor = op(.xor), not = op(.not), byte = op(.byte), shl = op(.shl)
    public static let shr = op(.shr), sar = op(.sar), clz = op(.clz), keccak256 = op(.keccak256)
    public static let address = op(.address), balance = op(.balance), origin = op(.origin), caller = op(.caller)
    public static let callvalue = op(.callvalue), calldataload = op(.calldataload), calldatasize = op(.calldatasize), calldatacopy = op(.calldatacopy)
    public static let codesize = op(.codesize), codecopy = op(.codecopy), gasprice = op(.gasprice), extcodesize = op(.extcodesize)
    public static let extcodecopy = op(.extcodecopy), returndatasize = op(.returndatasize), returndatacopy = op(.returndatacopy), extcodehash = op(.extcodehash)
    public static let blockhash = op(.blockhash), coinbase = op(.coinbase), timestamp = op(.timestamp), number = op(.number)
    public static let prevrandao = op(.prevrandao), difficulty = op(.prevrandao), gaslimit = op(.gaslimit), chainid = op(.chainid)
    public static let selfbalance = op(.selfbalance), basefee = op(.basefee), blobhash = op(.blobhash), blobbasefee = op(.blobbasefee)
    public static let pop = op(.pop), mload = op(.mload), mstore = op(.mstore), mstore8 = op(.mstore8)
    public static let sload = op(.sload), sstore = op(.sstore), jump = op(.jump), jumpi = op(.jumpi)
    public static let pc = op(.pc), msize = op(.msize), gas = op(.gas), jumpdest = op(.jumpdest)
    public static let tload = op(.tload), tstore = op(.tstore), mcopy = op(.mcopy), push0 = op(.push0)
    public static let create = op(.create), call = op(.call), callcode = op(.callcode), `return` = op(.`return`)
    public static let delegatecall = op(.delegatecall), create2 = op(.create2), staticcall = op(.staticcall), revert = op(.revert)
    public static let invalid = op(.invalid), selfdestruct = op(.selfdestruct)

    // MARK: Idioms

    /// `MSTORE(offset, value)`.
    public static func mstoreValue(_ offset: Int, _ value: UInt256) -> Asm { push(value) + push(offset) + mstore }
    /// `SSTORE(key, value)`.
    public static func sstoreValue(_ key: UInt256, _ value: UInt256) -> Asm { push(value) + push(key) + sstore }
    /// `RETURN(offset, size)`.
    public static func returnMemory(_ offset: Int, _ size: Int) -> Asm { push(size) + push(offset) + `return` }
    /// `REVERT(offset, size)`.
    public static func revertMemory(_ offset: Int, _ size: Int) -> Asm { push(size) + push(offset) + revert }
    /// Stores the top of the stack at memory 0 and returns those 32 bytes.
    public static let returnTop: Asm = push(0) + mstore + returnMemory(0, 32)

    /// `CALL(gas, to, value, argsOffset, argsSize, retOffset, retSize)` with constant operands.
    public static func callWith(_ kind: UInt8 = 0xf1, gas: UInt256, to: Address, value: UInt256 = .zero,
                                args: (Int, Int) = (0, 0), ret: (Int, Int) = (0, 0)) -> Asm {
        var a = push(ret.1) + push(ret.0) + push(args.1) + push(args.0)
        if kind == 0xf1 || kind == 0xf2 { a += push(value) }
        return a + push(to) + push(gas) + op(kind)
    }

    /// Code that deploys `runtime`: copies it from the end of the init code and returns it.
    public static func initCode(deploying runtime: Asm) -> Asm {
        // PUSH2 len, DUP1, PUSH2 offset, PUSH1 0, CODECOPY, PUSH1 0, RETURN
        let prefixLength = 3 + 1 + 3 + 2 + 1 + 2 + 1
        return push(width: 2, UInt256(runtime.count)) + dup(1) + push(width: 2, UInt256(prefixLength))
            + push(0) + codecopy + push(0) + `return` + runtime
    }
}
