import EVMCore
import EVMExecution
import EVMState

/// One EIP-4895 withdrawal: `amount` is in Gwei (credited as amount × 10^9 wei).
public struct Withdrawal: Sendable, Hashable {
    public var index: UInt64
    public var validatorIndex: UInt64
    public var address: Address
    public var amount: UInt64

    public init(index: UInt64, validatorIndex: UInt64, address: Address, amount: UInt64) {
        self.index = index; self.validatorIndex = validatorIndex; self.address = address; self.amount = amount
    }

    /// `rlp([index, validatorIndex, address, amount])`, the withdrawals-trie value.
    public var rlp: [UInt8] {
        RLP.encodeList([RLP.encode(index), RLP.encode(validatorIndex), RLP.encode(bytes: address.bytes), RLP.encode(amount)])
    }

    /// Decodes `[index, validatorIndex, address, amount]` (64-bit numbers, 20-byte address).
    public static func decode(_ item: RLPItem, at position: Int) throws(BlockDecodingError) -> Withdrawal {
        guard case .list(let f) = item else { throw .withdrawal(position, .expectedList) }
        guard f.count == 4 else { throw .withdrawal(position, .wrongListCount(expected: "4", actual: f.count)) }
        do throws(RLPError) {
            return Withdrawal(index: try f[0].asUInt64(), validatorIndex: try f[1].asUInt64(), address: try f[2].asAddress(),
                              amount: try f[3].asUInt64())
        } catch {
            throw .withdrawal(position, error)
        }
    }
}

/// Why block bytes are not a well-formed block. Every case names the part that is wrong.
public enum BlockDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not one canonical RLP item.
    case rlp(RLPError)
    /// The block is an RLP string, not a list.
    case blockNotList
    /// `[header, transactions, uncles]` (+ `withdrawals` from Shanghai) has the wrong length.
    case blockFieldCount(expected: Int, actual: Int)
    case headerNotList
    case headerFieldCount(expected: Int, actual: Int)
    /// A header field (named as in `BlockHeader.fieldNames`) is malformed.
    case headerField(String, RLPError)
    /// The transactions, uncles or withdrawals item is a string instead of a list.
    case bodyPartNotList(String)
    /// Transaction `index`: a typed transaction not wrapped as an RLP string, or bad bytes.
    case transaction(Int, TransactionDecodingError)
    indirect case uncle(Int, BlockDecodingError)
    case withdrawal(Int, RLPError)

    public var description: String {
        switch self {
        case .rlp(let e): return "block RLP: \(e)"
        case .blockNotList: return "block is an RLP string, not a list"
        case .blockFieldCount(let e, let a): return "block needs \(e) parts, found \(a)"
        case .headerNotList: return "header is an RLP string, not a list"
        case .headerFieldCount(let e, let a): return "header needs \(e) fields, found \(a)"
        case .headerField(let name, let e): return "header field \(name): \(e)"
        case .bodyPartNotList(let part): return "block \(part) is not a list"
        case .transaction(let i, let e): return "transaction \(i): \(e)"
        case .uncle(let i, let e): return "uncle \(i): \(e)"
        case .withdrawal(let i, let e): return "withdrawal \(i): \(e)"
        }
    }
}

/// A decoded block: header, transactions (in block order), uncle headers and withdrawals
/// (nil before Shanghai, where the block has no withdrawals part).
public struct Block: Sendable {
    public var header: BlockHeader
    public var transactions: [Transaction]
    public var uncles: [BlockHeader]
    public var withdrawals: [Withdrawal]?

    public init(header: BlockHeader, transactions: [Transaction] = [], uncles: [BlockHeader] = [], withdrawals: [Withdrawal]? = nil) {
        self.header = header; self.transactions = transactions; self.uncles = uncles; self.withdrawals = withdrawals
    }

    public var hash: Bytes32 { header.hash }

    /// Decodes `rlp([header, [tx…], [uncle…], [withdrawal…]])` for `fork`.
    ///
    /// Legacy transactions are RLP lists inside the transaction list; typed ones (EIP-2718) are
    /// RLP strings holding `type ‖ payload`. Never traps: every malformed part is a
    /// `BlockDecodingError` naming it.
    public static func decode(_ bytes: [UInt8], fork: Hardfork) throws(BlockDecodingError) -> Block {
        let item: RLPItem
        do throws(RLPError) { item = try RLP.decode(bytes) } catch { throw .rlp(error) }
        guard case .list(let parts) = item else { throw .blockNotList }
        let expected = fork >= .shanghai ? 4 : 3
        guard parts.count == expected else { throw .blockFieldCount(expected: expected, actual: parts.count) }
        let header = try BlockHeader.decode(parts[0], fork: fork)
        guard case .list(let txItems) = parts[1] else { throw .bodyPartNotList("transactions") }
        var txs: [Transaction] = []
        txs.reserveCapacity(txItems.count)
        for (i, t) in txItems.enumerated() {
            let raw: [UInt8]
            switch t {
            case .list: raw = RLP.encode(t)
            case .bytes(let b):
                // A typed transaction; a string whose first byte is a list prefix would be a
                // wrapped legacy transaction, which EIP-2718 forbids.
                if let first = b.first, first >= 0xc0 { throw .transaction(i, .unsupportedType(first)) }
                raw = b
            }
            do throws(TransactionDecodingError) { txs.append(try Transaction.decode(raw)) } catch { throw .transaction(i, error) }
        }
        guard case .list(let uncleItems) = parts[2] else { throw .bodyPartNotList("uncles") }
        var uncles: [BlockHeader] = []
        for (i, u) in uncleItems.enumerated() {
            do throws(BlockDecodingError) { uncles.append(try BlockHeader.decode(u, fork: nil)) } catch { throw .uncle(i, error) }
        }
        var withdrawals: [Withdrawal]? = nil
        if expected == 4 {
            guard case .list(let ws) = parts[3] else { throw .bodyPartNotList("withdrawals") }
            var list: [Withdrawal] = []
            for (i, w) in ws.enumerated() { list.append(try Withdrawal.decode(w, at: i)) }
            withdrawals = list
        }
        return Block(header: header, transactions: txs, uncles: uncles, withdrawals: withdrawals)
    }

    /// The canonical encoding (the inverse of `decode`).
    public func encoded() -> [UInt8] {
        var parts = [header.encoded(),
                     RLP.encodeList(transactions.map { $0.type == .legacy ? $0.encoded() : RLP.encode(bytes: $0.encoded()) }),
                     RLP.encodeList(uncles.map { $0.encoded() })]
        if let withdrawals { parts.append(RLP.encodeList(withdrawals.map(\.rlp))) }
        return RLP.encodeList(parts)
    }

    /// Root of the transactions trie (each value is the transaction's EIP-2718 encoding).
    public var transactionsRoot: Bytes32 { Trie.orderedRoot(transactions.map { $0.encoded() }) }

    /// keccak-256 of `rlp([uncle…])`.
    public var ommersHash: Bytes32 { Keccak256.hash(RLP.encodeList(uncles.map { $0.encoded() })) }

    /// Root of the withdrawals trie; nil when the block has no withdrawals part.
    public var withdrawalsRoot: Bytes32? { withdrawals.map { Trie.orderedRoot($0.map(\.rlp)) } }
}
