import EVMCore

// 0x56 JUMP, 0x57 JUMPI. PC, GAS and JUMPDEST are inline in the dispatch loop.
enum Flow {
    /// `dest` as a code index when it is a JUMPDEST outside push data, else nil
    /// (bad jump destination). `d < code.count` keeps the bitmap index in range (one bit per
    /// code byte).
    @inline(__always)
    static func target(_ dest: UInt256, codeCount: Int, jumpdests: UnsafeBufferPointer<UInt64>) -> Int? {
        guard let d = dest.uint64IfFits, d < UInt64(codeCount),
              (jumpdests[Int(d &>> 6)] &>> (d & 63)) & 1 == 1 else {
            return nil
        }
        return Int(d)
    }
}
