import EVMCore

/// A two-pass assembler on top of `Asm`: straight-line code plus named labels, so contracts with
/// branches read as code rather than byte offsets.
///
/// ```swift
/// var a = Assembly()
/// a += Asm.push(0) + .calldataload
/// a.jumpi(to: "nonzero")          // PUSH2 <nonzero> JUMPI
/// a.revertEmpty()
/// a.label("nonzero")              // JUMPDEST
/// ```
/// Invariants: every label is a JUMPDEST at the offset the references resolve to; every reference
/// is a PUSH2 (so code is at most 65 535 bytes and offsets never change between passes); a label
/// defined twice or referenced but never defined is an `AssemblyError`, not a trap.
public struct Assembly: Sendable, CustomStringConvertible {
    enum Piece: Sendable {
        case code([UInt8])
        case label(String)
        case reference(String)
    }

    var pieces: [Piece] = []
    /// Counter behind `uniqueLabel`.
    private var nextLabel = 0

    public init() {}
    public init(_ asm: Asm) { pieces = [.code(asm.bytes)] }

    public static func += (a: inout Assembly, b: Asm) { a.pieces.append(.code(b.bytes)) }
    public static func += (a: inout Assembly, b: Assembly) {
        // Labels of `b` keep their names: callers that splice fragments use `uniqueLabel`.
        a.pieces += b.pieces
        a.nextLabel = max(a.nextLabel, b.nextLabel)
    }

    /// A label name not used before in this assembly (for macros that emit branches).
    public mutating func uniqueLabel(_ hint: String) -> String {
        nextLabel += 1
        return "\(hint).\(nextLabel)"
    }

    /// Defines `name` here (emits JUMPDEST).
    public mutating func label(_ name: String) { pieces.append(.label(name)) }
    /// PUSH2 of the label's offset.
    public mutating func pushLabel(_ name: String) { pieces.append(.reference(name)) }
    /// Unconditional jump to `name`.
    public mutating func jump(to name: String) { pushLabel(name); self += .jump }
    /// Jumps to `name` when the top of the stack is non-zero (consumes it).
    public mutating func jumpi(to name: String) { pushLabel(name); self += .jumpi }

    /// Resolves labels. Errors name the label.
    public func assemble() throws(AssemblyError) -> [UInt8] {
        var offsets: [String: Int] = [:]
        var pc = 0
        for p in pieces {
            switch p {
            case .code(let b): pc += b.count
            case .label(let n):
                if offsets[n] != nil { throw .duplicateLabel(n) }
                offsets[n] = pc
                pc += 1
            case .reference: pc += 3
            }
        }
        guard pc <= 0xffff else { throw .tooLong(pc) }
        var out: [UInt8] = []
        out.reserveCapacity(pc)
        for p in pieces {
            switch p {
            case .code(let b): out += b
            case .label: out.append(0x5b)
            case .reference(let n):
                guard let o = offsets[n] else { throw .undefinedLabel(n) }
                out += [0x61, UInt8(o >> 8), UInt8(o & 0xff)]
            }
        }
        return out
    }

    public var description: String {
        switch Result(catching: { () throws(AssemblyError) -> [UInt8] in try assemble() }) {
        case .success(let b): return "0x" + Hex.encode(b)
        case .failure(let e): return "<\(e)>"
        }
    }
}

public enum AssemblyError: Error, Sendable, Equatable, CustomStringConvertible {
    case duplicateLabel(String)
    case undefinedLabel(String)
    case tooLong(Int)

    public var description: String {
        switch self {
        case .duplicateLabel(let n): return "label \(n) defined twice"
        case .undefinedLabel(let n): return "label \(n) referenced but not defined"
        case .tooLong(let n): return "code of \(n) bytes does not fit PUSH2 jump targets"
        }
    }
}

// MARK: Contract macros
//
// Conventions of the sample contracts (documented once here, used by every contract):
// - calldata is the Solidity ABI: a 4-byte selector, then 32-byte words; `arg(i)` loads word i.
// - memory 0x00–0x7f is scratch (hashing, return data, the `CALL` output); 0x80–0xff holds the
//   outgoing calldata of `callToken`; locals live at 0x100 + 32·i (`local`, `setLocal`).
// - a single `fail` label at the end of each contract reverts with empty data; `require`
//   jumps there when the top of the stack is zero.

extension Assembly {
    /// Memory offset of local variable `i`.
    public static func localOffset(_ i: Int) -> Int { 0x100 + 32 * i }

    /// Pushes local `i`.
    public mutating func local(_ i: Int) { self += Asm.push(Self.localOffset(i)) + .mload }
    /// Pops the top of the stack into local `i`.
    public mutating func setLocal(_ i: Int) { self += Asm.push(Self.localOffset(i)) + .mstore }
    /// Pushes calldata word `i` (after the selector).
    public mutating func arg(_ i: Int) { self += Asm.push(4 + 32 * i) + .calldataload }
    /// Pushes calldata word `i` and requires it to be an address (< 2^160), as Solidity's ABI
    /// decoder does.
    public mutating func addressArg(_ i: Int) {
        arg(i)
        self += Asm.dup(1) + .push(UInt256.one.shiftedLeft(160)) + .gt
        require()
    }
    /// Pushes calldata word `i` and requires it to be below 2^`bits` (amount bounds that keep
    /// every product in the contracts below 2^256).
    public mutating func boundedArg(_ i: Int, bits: Int) {
        arg(i)
        self += Asm.dup(1) + .push(UInt256.one.shiftedLeft(bits)) + .gt
        require()
    }
    /// Requires the top of the stack (popped) to be non-zero; otherwise jumps to `fail`.
    public mutating func require() {
        self += Asm.iszero
        jumpi(to: "fail")
    }
    /// Requires the value on top (popped) to be below 2^`bits`.
    public mutating func requireBelow(bits: Int) {
        self += Asm.push(UInt256.one.shiftedLeft(bits)) + .gt
        require()
    }
    /// `a b → (a ≥ b)` where b is on top.  (EVM `LT` computes top < second.)
    public mutating func greaterOrEqual() { self += Asm.swap(1) + .lt + .iszero }
    /// Defines `fail`: revert with empty data.
    public mutating func failBlock() {
        label("fail")
        self += Asm.push(0) + .dup(1) + .revert
    }
    /// Returns the top `count` values as ABI words: the value on top is returned first.
    public mutating func returnWords(_ count: Int) {
        for i in 0..<count { self += Asm.push(32 * i) + .mstore }
        self += Asm.returnMemory(0, 32 * count)
    }
    /// Returns the ABI `true`.
    public mutating func returnTrue() { self += Asm.push(1); returnWords(1) }

    /// Dispatch on the 4-byte selector: jumps to each label whose selector matches; reverts when
    /// none does (and on calldata shorter than 4 bytes, whose selector reads as a prefix + zeros).
    public mutating func dispatch(_ table: [(selector: UInt32, label: String)]) {
        self += Asm.push(0) + .calldataload + .push(0xe0) + .shr
        for (sel, l) in table {
            self += Asm.dup(1) + .push(width: 4, UInt256(UInt64(sel))) + .eq
            jumpi(to: l)
        }
        jump(to: "fail")
    }

    /// `keccak256(a ‖ b)` of two words computed by `a` and `b` (pushed in that order): the slot
    /// of a two-key mapping.
    public mutating func hashPair(_ a: (inout Assembly) -> Void, _ b: (inout Assembly) -> Void) {
        a(&self); self += Asm.push(0) + .mstore
        b(&self); self += Asm.push(32) + .mstore
        self += Asm.push(64) + .push(0) + .keccak256
    }

    /// Calls `selector(args…)` on the address `target` pushes, with no value, forwarding all gas,
    /// and requires the call to succeed and to return the ABI `true` (32 bytes, value 1) — the
    /// checks a `SafeERC20` wrapper makes. `args` push one word each.
    public mutating func callToken(_ target: (inout Assembly) -> Void, selector: UInt32,
                                   _ args: [(inout Assembly) -> Void]) {
        self += Asm.push(UInt256(UInt64(selector)).shiftedLeft(224)) + .push(0x80) + .mstore
        for (i, a) in args.enumerated() {
            a(&self)
            self += Asm.push(0x84 + 32 * i) + .mstore
        }
        // CALL(gas, to, 0, 0x80, 4 + 32n, 0, 32)
        self += Asm.push(32) + .push(0) + .push(4 + 32 * args.count) + .push(0x80) + .push(0)
        target(&self)
        self += Asm.gas + .call
        require()
        self += Asm.returndatasize + .push(32) + .eq
        require()
        self += Asm.push(0) + .mload + .push(1) + .eq
        require()
    }

    /// `LOG` with data = the `dataWords` values pushed by `data` (first pushed = first word) and
    /// the given topics (topic closures push one word each; `topic0` is the event signature).
    public mutating func emit(_ topic0: Bytes32, topics: [(inout Assembly) -> Void], data: [(inout Assembly) -> Void]) {
        for (i, d) in data.enumerated() {
            d(&self)
            self += Asm.push(32 * i) + .mstore
        }
        for t in topics.reversed() { t(&self) }
        self += Asm.push(topic0.word) + .push(32 * data.count) + .push(0) + .log(1 + topics.count)
    }
}

/// Solidity ABI helpers for the sample contracts: selectors, event topics and word encoding.
public enum ABI {
    /// The 4-byte selector of a canonical signature such as `transfer(address,uint256)`.
    public static func selector(_ signature: String) -> UInt32 {
        let h = Keccak256.hash(Array(signature.utf8)).bytes
        return UInt32(h[0]) << 24 | UInt32(h[1]) << 16 | UInt32(h[2]) << 8 | UInt32(h[3])
    }
    /// The topic of an event signature such as `Transfer(address,address,uint256)`.
    public static func topic(_ signature: String) -> Bytes32 { Keccak256.hash(Array(signature.utf8)) }

    /// Calldata: selector then one 32-byte word per argument.
    public static func encode(_ signature: String, _ words: [UInt256]) -> [UInt8] {
        let s = selector(signature)
        return [UInt8(s >> 24), UInt8(s >> 16 & 0xff), UInt8(s >> 8 & 0xff), UInt8(s & 0xff)] + words.flatMap(\.bigEndianBytes)
    }

    /// Splits calldata back into (selector, words); nil when it is not 4 + 32·n bytes.
    public static func decode(_ data: [UInt8]) -> (selector: UInt32, words: [UInt256])? {
        guard data.count >= 4, (data.count - 4) % 32 == 0 else { return nil }
        let s = UInt32(data[0]) << 24 | UInt32(data[1]) << 16 | UInt32(data[2]) << 8 | UInt32(data[3])
        let words = stride(from: 4, to: data.count, by: 32).map { UInt256(bigEndian: data[$0..<($0 + 32)]) }
        return (s, words)
    }

    /// Return data split into 32-byte words (a trailing partial word is dropped).
    public static func words(_ output: [UInt8]) -> [UInt256] {
        stride(from: 0, to: output.count - output.count % 32, by: 32).map { UInt256(bigEndian: output[$0..<($0 + 32)]) }
    }
}

/// Assembles a fixed program (a sample contract, a generated program). Such programs have all
/// their labels defined, so failure here is a bug in the program's source: it yields `INVALID`
/// code that every call reverts on, which the contract tests catch, rather than a trap.
public func assembled(_ a: Assembly) -> [UInt8] {
    (try? a.assemble()) ?? [0xfe]
}
