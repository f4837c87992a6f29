import EVMCore

/// Turns bytecode into readable instructions using the opcode table in `EVMCore`.
public enum Disassembler {
    public struct Instruction: Sendable, Equatable {
        public var offset: Int
        public var opcode: UInt8
        /// Immediate bytes (PUSH data); shorter than declared when the code ends early.
        public var immediate: [UInt8]
    }

    /// Splits `code` into instructions (PUSH data is skipped as data, never decoded).
    public static func instructions(_ code: [UInt8]) -> [Instruction] {
        var out: [Instruction] = []
        var pc = 0
        while pc < code.count {
            let op = code[pc]
            let size = Opcodes.info(op)?.immediateSize ?? 0
            let end = min(code.count, pc + 1 + size)
            out.append(Instruction(offset: pc, opcode: op, immediate: Array(code[(pc + 1)..<end])))
            pc += 1 + size
        }
        return out
    }

    /// One line per instruction: `0005: PUSH1 0x01`; unknown bytes print as `INVALID(0x0c)`,
    /// and truncated PUSH data is marked.
    public static func render(_ code: [UInt8], fork: Hardfork = .latest) -> [String] {
        instructions(code).map { ins in
            let name: String
            if let info = Opcodes.info(ins.opcode), fork >= info.since {
                name = ins.opcode == 0x44 ? Opcodes.name(0x44, fork: fork) : info.name
            } else {
                name = "INVALID(0x" + Hex.encode([ins.opcode]) + ")"
            }
            let declared = Opcodes.info(ins.opcode)?.immediateSize ?? 0
            var line = offsetString(ins.offset) + ": " + name
            if declared > 0 {
                line += " 0x" + Hex.encode(ins.immediate)
                if ins.immediate.count < declared { line += " (truncated)" }
            }
            return line
        }
    }

    static func offsetString(_ o: Int) -> String {
        let s = String(o, radix: 16)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}
