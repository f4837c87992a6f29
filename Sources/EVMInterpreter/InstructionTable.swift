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

/// The 256-entry table for one fork, derived from `Opcode` (EVMCore), the one source of opcode
/// facts: static gas from `Opcode.staticGas(in:)` (the introductory gas of each opcode's spec,
/// then each later fork's repricings by name), stack bounds from its stack inputs and outputs,
/// and availability from its `since` fork. A byte with no `Opcode` is undefined in every fork.
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
        var rows = [InstructionEntry](repeating: InstructionEntry(gas: 0, minStack: InstructionEntry.undefined, maxStack: 0),
                                      count: 256)
        for op in Opcode.allCases {
            guard let gas = op.staticGas(in: fork) else { continue }
            let spec = op.spec
            rows[Int(op.rawValue)] = InstructionEntry(gas: gas, minStack: Int16(spec.stackIn),
                                                      maxStack: Int16(InstructionTable.stackLimit + spec.stackIn - spec.stackOut))
        }
        self.entries = rows
    }
}
