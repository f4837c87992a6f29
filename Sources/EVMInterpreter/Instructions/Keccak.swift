import EVMCore

// 0x20 KECCAK256: 30 static + 6 per word + memory expansion.
extension Frame {
    mutating func keccak256() -> ExecutionStatus? {
        let offset = pop()
        let size = top
        guard let o = memoryRegion(offset, size) else { return .outOfGas }
        let n = Int(size.w0)
        guard charge(6 &* Frame.words(n)) else { return .outOfGas }
        if n == 0 {
            top = Keccak256.emptyHash.word
        } else {
            top = Keccak256.hash(UnsafeRawBufferPointer(start: memory.pointer(o), count: n)).word
        }
        return nil
    }
}
