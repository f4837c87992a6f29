import EVMCore

// 0x51–0x53 and 0x5e: memory access. MSIZE (0x59) is inline in the dispatch loop.
extension Frame {
    mutating func mload() -> ExecutionStatus? {
        guard let o = memoryRegion(top, 32) else { return .outOfGas }
        top = UInt256(bigEndianPointer: memory.pointer(o))
        return nil
    }

    mutating func mstore() -> ExecutionStatus? {
        let offset = pop(), value = pop()
        guard let o = memoryRegion(offset, 32) else { return .outOfGas }
        value.writeBigEndian(to: memory.pointer(o))
        return nil
    }

    mutating func mstore8() -> ExecutionStatus? {
        let offset = pop(), value = pop()
        guard let o = memoryRegion(offset, 1) else { return .outOfGas }
        memory.pointer(o).pointee = UInt8(truncatingIfNeeded: value.w0)
        return nil
    }

    /// MCOPY (EIP-5656): memory expansion to cover both ranges, 3 gas per word; overlapping
    /// ranges copy as if through a temporary buffer.
    mutating func mcopy() -> ExecutionStatus? {
        let dst = pop(), src = pop(), size = pop()
        guard let d = memoryRegion(dst, size), let s = memoryRegion(src, size) else { return .outOfGas }
        let n = Int(size.w0)
        guard charge(3 &* Frame.words(n)) else { return .outOfGas }
        if n > 0 {
            UnsafeMutableRawPointer(memory.pointer(d)).copyMemory(from: UnsafeRawPointer(memory.pointer(s)), byteCount: n)
        }
        return nil
    }
}
