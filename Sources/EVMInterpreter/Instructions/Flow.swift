import EVMCore

// 0x56 JUMP, 0x57 JUMPI. PC, GAS and JUMPDEST are inline in the dispatch loop.
extension Frame {
    /// Sets `pc` to `dest` when it is a JUMPDEST outside push data.
    @inline(__always)
    mutating func jumpTo(_ dest: UInt256) -> ExecutionStatus? {
        // `d < code.count` keeps the bitmap index in range (one bit per code byte).
        guard let d = dest.uint64IfFits, d < UInt64(code.count),
              (jumpdests[Int(d &>> 6)] &>> (d & 63)) & 1 == 1 else {
            return .badJumpDestination
        }
        pc = Int(d)
        return nil
    }

    @inline(__always)
    mutating func jump() -> ExecutionStatus? { jumpTo(pop()) }

    @inline(__always)
    mutating func jumpi() -> ExecutionStatus? {
        let dest = pop(), condition = pop()
        return condition.isZero ? nil : jumpTo(dest)
    }
}
