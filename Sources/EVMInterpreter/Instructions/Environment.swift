import EVMCore

/// EIP-2929 surcharge for touching an account that is cold (Berlin+): the warm 100 is the
/// static cost in the table, a cold access adds 2500 (2600 in total).
let coldAccountSurcharge: Int64 = 2500

// 0x30–0x3f: execution environment.
extension Frame {
    /// Berlin+: marks `address` warm and charges the cold surcharge if it was cold.
    @inline(__always)
    mutating func chargeAccountAccess(_ address: Address) -> Bool {
        if fork >= .berlin && host.accessAccount(address) == .cold { return charge(coldAccountSurcharge) }
        return true
    }

    /// Memory expansion plus 3 gas per copied word, for the *COPY family. Returns the
    /// memory offset, or nil when out of gas.
    @inline(__always)
    mutating func copyRegion(_ memOffset: UInt256, _ size: UInt256) -> Int? {
        guard let o = memoryRegion(memOffset, size) else { return nil }
        guard charge(3 &* Frame.words(Int(size.w0))) else { return nil }
        return o
    }

    @inline(__always) mutating func address() { push(message.recipient.word) }

    mutating func balance() -> ExecutionStatus? {
        let a = Address(truncating: top)
        guard chargeAccountAccess(a) else { return .outOfGas }
        top = host.balance(a)
        return host.stopRequested ? .outOfGas : nil
    }

    @inline(__always) mutating func origin() { push(host.tx.origin.word) }
    @inline(__always) mutating func caller() { push(message.sender.word) }
    @inline(__always) mutating func callvalue() { push(message.value) }

    mutating func calldataload() {
        let offset = top
        top = message.input.withUnsafeBufferPointer { Frame.loadWord($0, at: offset) }
    }

    @inline(__always) mutating func calldatasize() { push(UInt256(UInt64(message.input.count))) }

    mutating func calldatacopy() -> ExecutionStatus? {
        let memOffset = pop(), dataOffset = pop(), size = pop()
        guard let o = copyRegion(memOffset, size) else { return .outOfGas }
        copyToMemory(dst: o, from: message.input, srcOffset: dataOffset, count: Int(size.w0))
        return nil
    }

    @inline(__always) mutating func codesize() { push(UInt256(UInt64(code.count))) }

    mutating func codecopy() -> ExecutionStatus? {
        let memOffset = pop(), codeOffset = pop(), size = pop()
        guard let o = copyRegion(memOffset, size) else { return .outOfGas }
        copyToMemory(dst: o, from: code, srcOffset: codeOffset, count: Int(size.w0))
        return nil
    }

    @inline(__always) mutating func gasprice() { push(host.tx.gasPrice) }

    mutating func extcodesize() -> ExecutionStatus? {
        let a = Address(truncating: top)
        guard chargeAccountAccess(a) else { return .outOfGas }
        top = UInt256(UInt64(host.code(a).count))
        return nil
    }

    mutating func extcodecopy() -> ExecutionStatus? {
        let a = Address(truncating: pop())
        let memOffset = pop(), codeOffset = pop(), size = pop()
        guard let o = copyRegion(memOffset, size) else { return .outOfGas }
        guard chargeAccountAccess(a) else { return .outOfGas }
        let n = Int(size.w0)
        if n > 0 {
            let ext = host.code(a)
            ext.bytes.withUnsafeBufferPointer { copyToMemory(dst: o, from: $0, srcOffset: codeOffset, count: n) }
        }
        return nil
    }

    @inline(__always) mutating func returndatasize() { push(UInt256(UInt64(returnData.count))) }

    /// EIP-211: reading past the end of the return data buffer is an exceptional halt, even
    /// for a zero-length copy.
    mutating func returndatacopy() -> ExecutionStatus? {
        let memOffset = pop(), dataOffset = pop(), size = pop()
        guard let o = copyRegion(memOffset, size) else { return .outOfGas }
        guard let start = dataOffset.uint64IfFits, let n = size.uint64IfFits else { return .returnDataOutOfBounds }
        let (end, overflow) = start.addingReportingOverflow(n)
        guard !overflow, end <= UInt64(returnData.count) else { return .returnDataOutOfBounds }
        if n > 0 {
            returnData.withUnsafeBufferPointer { rd in
                memory.pointer(o).update(from: rd.baseAddress! + Int(start), count: Int(n))
            }
        }
        return nil
    }

    mutating func extcodehash() -> ExecutionStatus? {
        let a = Address(truncating: top)
        guard chargeAccountAccess(a) else { return .outOfGas }
        top = host.codeHash(a).word
        return nil
    }
}
