import EVMCore

// 0x40–0x4a: block information.
extension Frame {
    /// BLOCKHASH: the host answers zero outside the last 256 blocks; numbers past 2^64 are zero.
    mutating func blockhash() {
        if let n = top.uint64IfFits {
            top = host.blockHash(n).word
        } else {
            top = .zero
        }
    }

    @inline(__always) mutating func coinbase() { push(host.block.coinbase.word) }
    @inline(__always) mutating func timestamp() { push(UInt256(host.block.timestamp)) }
    @inline(__always) mutating func number() { push(UInt256(host.block.number)) }

    /// 0x44: DIFFICULTY before Paris, PREVRANDAO (EIP-4399) from Paris.
    @inline(__always) mutating func prevrandao() {
        push(fork >= .paris ? host.block.prevRandao : host.block.difficulty)
    }

    @inline(__always) mutating func gaslimit() { push(UInt256(host.block.gasLimit)) }
    @inline(__always) mutating func chainid() { push(host.block.chainId) }
    @inline(__always) mutating func selfbalance() { push(host.balance(message.recipient)) }
    @inline(__always) mutating func basefee() { push(host.block.baseFee) }

    /// BLOBHASH (EIP-4844): the versioned hash at the index, zero when out of range.
    mutating func blobhash() {
        let hashes = host.tx.blobHashes
        if let i = top.uint64IfFits, i < UInt64(hashes.count) {
            top = hashes[Int(i)].word
        } else {
            top = .zero
        }
    }

    @inline(__always) mutating func blobbasefee() { push(host.tx.blobBaseFee) }
}
