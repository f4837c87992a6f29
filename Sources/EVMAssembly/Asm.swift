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
        return Asm([UInt8(0x5f + bytes.count)] + bytes)
    }

    /// PUSHn of width `n` holding the low `n` bytes of `v`.
    public static func push(width n: Int, _ v: UInt256) -> Asm {
        pushBytes(Array(v.bigEndianBytes.suffix(n)))
    }

    public static func dup(_ n: Int) -> Asm { precondition((1...16).contains(n)); return op(UInt8(0x7f + n)) }
    public static func swap(_ n: Int) -> Asm { precondition((1...16).contains(n)); return op(UInt8(0x8f + n)) }
    public static func log(_ n: Int) -> Asm { precondition((0...4).contains(n)); return op(UInt8(0xa0 + n)) }

    // MARK: Opcodes

    public static let stop = op(0x00), add = op(0x01), mul = op(0x02), sub = op(0x03), div = op(0x04)
    public static let sdiv = op(0x05), mod = op(0x06), smod = op(0x07), addmod = op(0x08), mulmod = op(0x09)
    public static let exp = op(0x0a), signextend = op(0x0b)
    public static let lt = op(0x10), gt = op(0x11), slt = op(0x12), sgt = op(0x13), eq = op(0x14)
    public static let iszero = op(0x15), and = op(0x16), or = op(0x17), xor = op(0x18), not = op(0x19)
    public static let byte = op(0x1a), shl = op(0x1b), shr = op(0x1c), sar = op(0x1d), clz = op(0x1e)
    public static let keccak256 = op(0x20)
    public static let address = op(0x30), balance = op(0x31), origin = op(0x32), caller = op(0x33)
    public static let callvalue = op(0x34), calldataload = op(0x35), calldatasize = op(0x36)
    public static let calldatacopy = op(0x37), codesize = op(0x38), codecopy = op(0x39), gasprice = op(0x3a)
    public static let extcodesize = op(0x3b), extcodecopy = op(0x3c), returndatasize = op(0x3d)
    public static let returndatacopy = op(0x3e), extcodehash = op(0x3f)
    public static let blockhash = op(0x40), coinbase = op(0x41), timestamp = op(0x42), number = op(0x43)
    public static let prevrandao = op(0x44), difficulty = op(0x44), gaslimit = op(0x45), chainid = op(0x46)
    public static let selfbalance = op(0x47), basefee = op(0x48), blobhash = op(0x49), blobbasefee = op(0x4a)
    public static let pop = op(0x50), mload = op(0x51), mstore = op(0x52), mstore8 = op(0x53)
    public static let sload = op(0x54), sstore = op(0x55), jump = op(0x56), jumpi = op(0x57)
    public static let pc = op(0x58), msize = op(0x59), gas = op(0x5a), jumpdest = op(0x5b)
    public static let tload = op(0x5c), tstore = op(0x5d), mcopy = op(0x5e), push0 = op(0x5f)
    public static let create = op(0xf0), call = op(0xf1), callcode = op(0xf2), `return` = op(0xf3)
    public static let delegatecall = op(0xf4), create2 = op(0xf5), staticcall = op(0xfa), revert = op(0xfd)
    public static let invalid = op(0xfe), selfdestruct = op(0xff)

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
