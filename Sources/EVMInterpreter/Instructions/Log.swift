import EVMCore

// 0xa0–0xa4: LOG0–LOG4. 375 + 375 per topic (static) + 8 per data byte + memory expansion.
extension Frame {
    mutating func log(topics n: Int) -> ExecutionStatus? {
        let offset = pop(), size = pop()
        if message.isStatic { return .staticStateChange }
        guard let o = memoryRegion(offset, size) else { return .outOfGas }
        let len = Int(size.w0)
        guard charge(8 &* Int64(len)) else { return .outOfGas }
        var topics = [Bytes32]()
        topics.reserveCapacity(n)
        for _ in 0..<n { topics.append(Bytes32(pop())) }
        host.emitLog(Log(address: message.recipient, topics: topics, data: memory.bytes(o, len)))
        return nil
    }
}
