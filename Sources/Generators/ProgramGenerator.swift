import EVMCore
import EVMState
import EVMAssembly

/// Seeded generator of structured EVM programs: contracts that exercise the whole surface an
/// executor must get right, yet are valid by construction.
///
/// Guarantees of every structured program: each statement leaves the stack as it found it (so
/// no underflow and bounded depth); every JUMP/JUMPI is `PUSH2 label` to a JUMPDEST the
/// assembler placed (loops run 1–3 times, with their counter in memory); calls go to the other
/// generated contracts (or the caller, or an empty account) with a bounded gas stipend.
/// Statements: SSTORE/SLOAD, TSTORE/TLOAD, MSTORE, LOG0–LOG2, if/else blocks, loops,
/// CALL/STATICCALL/DELEGATECALL/CALLCODE (result stored), CREATE/CREATE2 of small init codes
/// (deploying, reverting or self-destructing; the address stored), conditional REVERT,
/// BALANCE reads and, last, sometimes SELFDESTRUCT. Expressions: edge-biased constants,
/// calldata words, storage/transient/memory reads, environment values, and arithmetic,
/// comparison and bit operations over them.
///
/// One of the contracts (`rawIndex`) is raw random bytes instead (biased toward defined opcodes),
/// beside the structured ones: that is where stack underflows, bad jumps and invalid opcodes
/// come from.
public struct ProgramGenerator: Sendable {
    public var contracts = 4
    public var maxStatements = 10
    /// Contract `i` lives at `base + i`; `base + 0xff` is the empty account calls may reach.
    /// (The differential fuzzer gives every case its own base, so cases batched into one block
    /// touch disjoint contracts.)
    public var base: UInt64 = 0xe000
    public init(contracts: Int = 4, maxStatements: Int = 10, base: UInt64 = 0xe000) {
        self.contracts = max(2, contracts); self.maxStatements = max(1, maxStatements); self.base = base
    }

    /// Contract `i` of the default layout (`base` 0xe000).
    public static func address(_ i: Int) -> Address { Address(low: 0xe000 + UInt64(i)) }
    public func address(at i: Int) -> Address { Address(low: base &+ UInt64(i)) }
    public var rawIndex: Int { contracts - 1 }
    public var addresses: [Address] { (0..<contracts).map { address(at: $0) } }

    /// Deploys the programs (each with a little ether and a storage slot set).
    public func install(in state: InMemoryState, rng: inout SplitMix64) {
        for i in 0..<contracts {
            let code = i == rawIndex ? rawProgram(rng: &rng) : program(rng: &rng)
            state.setAccount(address(at: i), nonce: 1, balance: UInt256(rng.next() % 1000), code: code,
                             storage: [.zero: UInt256(rng.next() % 3)])
        }
    }

    /// Calldata for a call into a program: two edge-biased words (read by `CALLDATALOAD`).
    public static func calldata(rng: inout SplitMix64) -> [UInt8] {
        UInt256.edgeBiased(using: &rng).bigEndianBytes + UInt256(rng.next() % 4).bigEndianBytes
    }

    // MARK: Structured programs

    public func program(rng: inout SplitMix64) -> [UInt8] {
        var b = Builder(generator: self, rng: rng)
        b.statements(depth: 0, count: 1 + Int(b.rng.next() % UInt64(maxStatements)))
        if b.rng.next() % 10 == 0 {
            b.a += Asm.push(b.targetAddress()) + .selfdestruct
        } else {
            b.a += Asm.returnMemory(0, 32)
        }
        rng = b.rng
        return assembled(b.a)
    }

    /// 1–48 random bytes, mostly defined opcodes with short PUSH data.
    public func rawProgram(rng: inout SplitMix64) -> [UInt8] {
        let n = 1 + Int(rng.next() % 48)
        var out: [UInt8] = []
        while out.count < n {
            let byte = UInt8(truncatingIfNeeded: rng.next())
            if rng.next() % 4 != 0, Opcodes.info(byte) == nil { continue }   // mostly defined ones
            out.append(byte)
        }
        return out
    }

    struct Builder {
        let generator: ProgramGenerator
        var rng: SplitMix64
        var a = Assembly()
        static let scratchSlots: UInt64 = 4

        init(generator: ProgramGenerator, rng: SplitMix64) { self.generator = generator; self.rng = rng }

        mutating func pick(_ n: UInt64) -> UInt64 { rng.next() % n }

        mutating func targetAddress() -> Address {
            switch pick(6) {
            case 0: return generator.address(at: 0xff)                      // empty account
            default: return generator.address(at: Int(pick(UInt64(generator.contracts))))
            }
        }

        mutating func statements(depth: Int, count: Int) {
            for _ in 0..<count { statement(depth: depth) }
        }

        /// One stack-neutral statement.
        mutating func statement(depth: Int) {
            let slot = Int(pick(Self.scratchSlots))
            switch pick(depth < 2 ? 13 : 9) {
            case 0, 1: expression(2); a += Asm.push(slot) + .sstore
            case 2: expression(2); a += Asm.push(slot) + .tstore
            case 3: expression(2); a += Asm.push(32 * Int(pick(3))) + .mstore
            case 4:
                let topics = Int(pick(3))
                for _ in 0..<topics { expression(1) }
                a += Asm.push(32 * Int(pick(2))) + .push(0) + .log(topics)
            case 5:
                // Call another contract; the success flag goes to a slot.
                let kind: UInt8 = [0xf1, 0xfa, 0xf4, 0xf2][Int(pick(4))]
                a += Asm.push(32) + .push(0) + .push(64) + .push(0)
                if kind == 0xf1 || kind == 0xf2 { a += Asm.push(Int(pick(3))) }
                a += Asm.push(targetAddress()) + .push(Int(20_000 + pick(40_000))) + .op(kind)
                a += Asm.push(slot) + .sstore
            case 6:
                // CREATE / CREATE2 of a small init code; the new address goes to a slot.
                let inits: [[UInt8]] = [
                    [0x60, 0x2a, 0x60, 0x00, 0x55, 0x60, 0x01, 0x60, 0x00, 0xf3],   // sstore(0,42); return 1 byte
                    [0x60, 0x00, 0x80, 0xfd],                                       // revert
                    [0x33, 0xff],                                                   // selfdestruct(caller)
                    [0x60, 0x01, 0x60, 0x00, 0x5d, 0x60, 0x00, 0x60, 0x00, 0xf3],   // tstore(0, 1); return empty
                ]
                let code = inits[Int(pick(UInt64(inits.count)))]
                a += Asm.pushBytes(code) + .push(0) + .mstore
                let offset = 32 - code.count
                if pick(2) == 0 {
                    expression(1)                                                   // salt
                    a += Asm.push(code.count) + .push(offset) + .push(Int(pick(2))) + .create2
                } else {
                    a += Asm.push(code.count) + .push(offset) + .push(Int(pick(2))) + .create
                }
                a += Asm.push(slot) + .sstore
            case 7:
                // if (expr & 3) == 0 revert
                let skip = a.uniqueLabel("norevert")
                expression(1); a += Asm.push(3) + .and
                a.jumpi(to: skip)
                a += Asm.push(0) + .dup(1) + .revert
                a.label(skip)
            case 8: a += Asm.push(targetAddress()) + .balance + .push(slot) + .sstore
            case 9, 10:
                // if (expr) { … } [else { … }]
                let end = a.uniqueLabel("endif"), otherwise = a.uniqueLabel("else")
                let hasElse = pick(2) == 0
                expression(1); a += Asm.iszero
                a.jumpi(to: hasElse ? otherwise : end)
                statements(depth: depth + 1, count: 1 + Int(pick(3)))
                if hasElse {
                    a.jump(to: end)
                    a.label(otherwise)
                    statements(depth: depth + 1, count: 1 + Int(pick(2)))
                }
                a.label(end)
            default:
                // loop 1–3 times; counter at 0x200 + 32·depth
                let counter = 0x200 + 32 * depth
                let top = a.uniqueLabel("loop")
                a += Asm.push(Int(1 + pick(3))) + .push(counter) + .mstore
                a.label(top)
                statements(depth: depth + 1, count: 1 + Int(pick(2)))
                a += Asm.push(1) + .push(counter) + .mload + .sub + .dup(1) + .push(counter) + .mstore
                a.jumpi(to: top)
            }
        }

        /// Pushes exactly one value.
        mutating func expression(_ depth: Int) {
            if depth > 0 && pick(3) == 0 {
                let ops: [Asm] = [.add, .sub, .mul, .div, .mod, .lt, .gt, .eq, .xor, .and, .or, .sdiv, .smod, .signextend]
                expression(depth - 1); expression(depth - 1)
                a += ops[Int(pick(UInt64(ops.count)))]
                return
            }
            switch pick(11) {
            case 0, 1: a += Asm.push(UInt256.edgeBiased(using: &rng))
            case 2: a += Asm.push(32 * Int(pick(2))) + .calldataload
            case 3: a += Asm.push(Int(pick(Self.scratchSlots))) + .sload
            case 4: a += Asm.push(Int(pick(Self.scratchSlots))) + .tload
            case 5: a += Asm.push(32 * Int(pick(3))) + .mload
            case 6: a += Asm.caller
            case 7: a += Asm.callvalue
            case 8: a += Asm.selfbalance
            case 9: a += Asm.push(UInt256.edgeBiased(using: &rng)) + .push(Int(pick(256))) + .shr   // value >> shift
            default: a += Asm.returndatasize
            }
        }
    }
}
