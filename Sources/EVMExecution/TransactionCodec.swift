import EVMCore

// MARK: - Field names

/// Names a transaction field (or a nested item) in a decoding error.
public enum TransactionField: Sendable, Hashable, CustomStringConvertible {
    case chainId, nonce, gasPrice, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data
    case accessList, maxFeePerBlobGas, blobVersionedHashes, authorizationList, v, yParity, r, s
    /// The `index`th access list entry itself (must be a 2-item list).
    case accessListEntry(Int)
    case accessListAddress(Int)
    case accessListStorageKeys(Int)
    case accessListStorageKey(entry: Int, key: Int)
    case blobVersionedHash(Int)
    /// The `index`th authorization tuple itself (must be a 6-item list).
    case authorization(Int)
    case authorizationChainId(Int)
    case authorizationAddress(Int)
    case authorizationNonce(Int)
    case authorizationYParity(Int)
    case authorizationR(Int)
    case authorizationS(Int)

    public var description: String {
        switch self {
        case .chainId: return "chainId"
        case .nonce: return "nonce"
        case .gasPrice: return "gasPrice"
        case .maxPriorityFeePerGas: return "maxPriorityFeePerGas"
        case .maxFeePerGas: return "maxFeePerGas"
        case .gasLimit: return "gasLimit"
        case .to: return "to"
        case .value: return "value"
        case .data: return "data"
        case .accessList: return "accessList"
        case .maxFeePerBlobGas: return "maxFeePerBlobGas"
        case .blobVersionedHashes: return "blobVersionedHashes"
        case .authorizationList: return "authorizationList"
        case .v: return "v"
        case .yParity: return "yParity"
        case .r: return "r"
        case .s: return "s"
        case .accessListEntry(let i): return "accessList[\(i)]"
        case .accessListAddress(let i): return "accessList[\(i)].address"
        case .accessListStorageKeys(let i): return "accessList[\(i)].storageKeys"
        case .accessListStorageKey(let i, let k): return "accessList[\(i)].storageKeys[\(k)]"
        case .blobVersionedHash(let i): return "blobVersionedHashes[\(i)]"
        case .authorization(let i): return "authorizationList[\(i)]"
        case .authorizationChainId(let i): return "authorizationList[\(i)].chainId"
        case .authorizationAddress(let i): return "authorizationList[\(i)].address"
        case .authorizationNonce(let i): return "authorizationList[\(i)].nonce"
        case .authorizationYParity(let i): return "authorizationList[\(i)].yParity"
        case .authorizationR(let i): return "authorizationList[\(i)].r"
        case .authorizationS(let i): return "authorizationList[\(i)].s"
        }
    }

    /// The word used for this field in the fixtures' exception names.
    fileprivate var fixtureWord: String? {
        switch self {
        case .nonce: return "NONCE"
        case .gasPrice: return "GASPRICE"
        case .maxFeePerGas: return "BASEFEE"
        case .maxPriorityFeePerGas: return "PRIORITY_FEE"
        case .gasLimit: return "GASLIMIT"
        case .to: return "TO"
        case .value: return "VALUE"
        case .data: return "DATA"
        case .v: return "V"
        case .r: return "R"
        case .s: return "S"
        default: return nil
        }
    }

    fileprivate var isAuthorizationPart: Bool {
        switch self {
        case .authorizationList, .authorization, .authorizationChainId, .authorizationAddress, .authorizationNonce,
             .authorizationYParity, .authorizationR, .authorizationS:
            return true
        default: return false
        }
    }
}

// MARK: - Decoding errors

/// Why a byte string is not a well-formed transaction. Every case names where it went wrong.
public enum TransactionDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No bytes at all.
    case empty
    /// A first byte in 0x00…0x7f that is not a known EIP-2718 type (0x00 included: legacy
    /// transactions are never wrapped).
    case unsupportedType(UInt8)
    /// The outer RLP item is malformed (lengths, truncation, trailing bytes).
    case invalidEnvelope(RLPError)
    /// The outer item is an RLP string where a list is required.
    case envelopeNotList
    /// The outer list has the wrong number of fields for its type.
    case fieldCount(type: TxType, expected: Int, actual: Int)
    /// One field (or nested item) is malformed.
    case invalidField(TransactionField, RLPError)

    public var description: String {
        switch self {
        case .empty: return "empty transaction bytes"
        case .unsupportedType(let t): return "unsupported transaction type 0x\(Hex.encode([t]))"
        case .invalidEnvelope(let e): return "malformed transaction envelope: \(e)"
        case .envelopeNotList: return "transaction envelope is an RLP string, not a list"
        case .fieldCount(let t, let e, let a): return "\(t) transaction needs \(e) fields, found \(a)"
        case .invalidField(let f, let e): return "invalid transaction field \(f): \(e)"
        }
    }

    /// The closest `TransactionException.*` name used by the Ethereum test fixtures.
    public var fixtureName: String {
        let prefix = "TransactionException."
        switch self {
        case .empty: return prefix + "RLP_ERROR_EOF"
        case .unsupportedType: return prefix + "TYPE_NOT_SUPPORTED"
        case .invalidEnvelope(let e):
            switch e {
            case .empty, .truncated(_, 0): return prefix + "RLP_ERROR_EOF"
            case .nonCanonicalLength: return prefix + "RLP_ERROR_SIZE_LEADING_ZEROS"
            default: return prefix + "RLP_ERROR_SIZE"
            }
        case .envelopeNotList: return prefix + "RLP_INVALID_HEADER"
        case .fieldCount(_, let e, let a): return prefix + (a < e ? "RLP_TOO_FEW_ELEMENTS" : "RLP_TOO_MANY_ELEMENTS")
        case .invalidField(let f, let e):
            if f.isAuthorizationPart { return prefix + "TYPE_4_INVALID_AUTHORIZATION_FORMAT" }
            switch (f, e) {
            case (.to, .wrongLength(_, let a)): return prefix + (a < 20 ? "ADDRESS_TOO_SHORT" : "ADDRESS_TOO_LONG")
            case (.accessListAddress, .wrongLength(_, let a)):
                return prefix + "RLP_INVALID_ACCESS_LIST_ADDRESS_" + (a < 20 ? "TOO_SHORT" : "TOO_LONG")
            case (.accessListStorageKey, .wrongLength(_, let a)):
                return prefix + "RLP_INVALID_ACCESS_LIST_STORAGE_" + (a < 32 ? "TOO_SHORT" : "TOO_LONG")
            case (.r, .integerTooLarge), (.s, .integerTooLarge), (.v, .integerTooLarge), (.yParity, .integerTooLarge):
                return prefix + "INVALID_SIGNATURE_VRS"
            case (.nonce, .integerTooLarge): return prefix + "NONCE_OVERFLOW"
            case (.gasLimit, .integerTooLarge): return prefix + "GASLIMIT_OVERFLOW"
            case (.value, .integerTooLarge): return prefix + "VALUE_OVERFLOW"
            case (.gasPrice, .integerTooLarge), (.maxFeePerGas, .integerTooLarge): return prefix + "GASPRICE_OVERFLOW"
            case (.maxPriorityFeePerGas, .integerTooLarge): return prefix + "PRIORITY_OVERFLOW"
            case (_, .nonCanonicalInteger):
                if let w = f.fixtureWord { return prefix + "RLP_LEADING_ZEROS_" + w }
                return prefix + "RLP_ERROR_SIZE_LEADING_ZEROS"
            case (_, .nonCanonicalSingleByte), (_, .nonCanonicalLength):
                if let w = f.fixtureWord { return prefix + "RLP_LEADING_ZEROS_" + w + "_SIZE" }
                return prefix + "RLP_ERROR_SIZE_LEADING_ZEROS"
            case (.r, _): return prefix + "RLP_INVALID_SIGNATURE_R"
            case (.s, _): return prefix + "RLP_INVALID_SIGNATURE_S"
            case (_, _) where f.fixtureWord != nil: return prefix + "RLP_INVALID_" + (f.fixtureWord ?? "")
            default: return prefix + "RLP_ERROR_SIZE"
            }
        }
    }
}

// MARK: - Encoding

extension Transaction {
    /// Network/block encoding: RLP list for legacy, `type ‖ rlp(fields)` for typed transactions.
    public func encoded() -> [UInt8] {
        let fields = payloadFields(includeSignature: true)
        let list = RLP.encodeList(fields)
        if type == .legacy { return list }
        return [type.rawValue] + list
    }

    /// The hash the sender signs. Legacy: rlp of the six fields, plus `[chainId, 0, 0]` under
    /// EIP-155 (when `chainId` is set). Typed: keccak(type ‖ rlp(fields without signature)).
    public func signingHash() -> Bytes32 {
        var fields = payloadFields(includeSignature: false)
        if type == .legacy {
            if let chainId {
                fields.append(RLP.encode(chainId))
                fields.append(RLP.encode(bytes: []))
                fields.append(RLP.encode(bytes: []))
            }
            return Keccak256.hash(RLP.encodeList(fields))
        }
        return Keccak256.hash([type.rawValue] + RLP.encodeList(fields))
    }

    /// The encoded RLP items of the transaction's list, in wire order.
    func payloadFields(includeSignature: Bool) -> [[UInt8]] {
        let toItem = RLP.encode(bytes: to?.bytes ?? [])
        var f: [[UInt8]] = []
        switch type {
        case .legacy:
            f = [RLP.encode(nonce), RLP.encode(gasPrice), RLP.encode(gasLimit), toItem, RLP.encode(value),
                 RLP.encode(bytes: data)]
        case .accessList:
            f = [RLP.encode(chainId ?? .zero), RLP.encode(nonce), RLP.encode(gasPrice), RLP.encode(gasLimit), toItem,
                 RLP.encode(value), RLP.encode(bytes: data), Transaction.encodeAccessList(accessList)]
        case .dynamicFee, .blob, .setCode:
            f = [RLP.encode(chainId ?? .zero), RLP.encode(nonce), RLP.encode(maxPriorityFeePerGas),
                 RLP.encode(maxFeePerGas), RLP.encode(gasLimit), toItem, RLP.encode(value), RLP.encode(bytes: data),
                 Transaction.encodeAccessList(accessList)]
            if type == .blob {
                f.append(RLP.encode(maxFeePerBlobGas))
                f.append(RLP.encodeList(blobVersionedHashes.map { RLP.encode(bytes: $0.bytes) }))
            } else if type == .setCode {
                f.append(RLP.encodeList(authorizationList.map { $0.rlpEncoded() }))
            }
        }
        if includeSignature {
            f.append(RLP.encode(v))
            f.append(RLP.encode(r))
            f.append(RLP.encode(s))
        }
        return f
    }

    static func encodeAccessList(_ list: [AccessListEntry]) -> [UInt8] {
        RLP.encodeList(list.map { entry in
            RLP.encodeList([
                RLP.encode(bytes: entry.address.bytes),
                RLP.encodeList(entry.storageKeys.map { RLP.encode(bytes: $0.bytes) }),
            ])
        })
    }
}

// MARK: - Decoding

extension Transaction {
    /// Number of RLP fields per type (signature included).
    static func fieldCount(_ type: TxType) -> Int {
        switch type {
        case .legacy: return 9
        case .accessList: return 11
        case .dynamicFee: return 12
        case .blob: return 14
        case .setCode: return 13
        }
    }

    /// Decodes the network/block form (legacy RLP list, or type byte ‖ RLP list). Strict:
    /// canonical RLP everywhere, integers without leading zeros and within their width,
    /// 20-byte addresses, 32-byte keys and hashes, exact field counts, no trailing bytes.
    /// Fork rules are not applied here; see `decode(_:fork:)` and `validate(fork:chainId:)`.
    public static func decode(_ bytes: [UInt8]) throws(TransactionDecodingError) -> Transaction {
        guard let first = bytes.first else { throw .empty }
        let type: TxType
        let bodyStart: Int
        if first >= 0xc0 {
            type = .legacy
            bodyStart = 0
        } else if first >= 0x80 {
            // An RLP string: report its own structural fault if it has one.
            do {
                _ = try RLP.decode(bytes)
            } catch {
                throw .invalidEnvelope(error)
            }
            throw .envelopeNotList
        } else {
            guard first != 0, let t = TxType(rawValue: first) else { throw .unsupportedType(first) }
            type = t
            bodyStart = 1
        }
        let items = try splitEnvelope(bytes, from: bodyStart)
        let expected = fieldCount(type)
        guard items.count == expected else {
            throw .fieldCount(type: type, expected: expected, actual: items.count)
        }
        var reader = FieldReader(bytes: bytes, items: items)
        var tx = Transaction(type: type)
        switch type {
        case .legacy:
            tx.nonce = try reader.uint64(.nonce)
            tx.gasPrice = try reader.uint256(.gasPrice)
            tx.gasLimit = try reader.uint64(.gasLimit)
            tx.to = try reader.optionalAddress(.to)
            tx.value = try reader.uint256(.value)
            tx.data = try reader.bytes(.data)
        case .accessList:
            tx.chainId = try reader.uint256(.chainId)
            tx.nonce = try reader.uint64(.nonce)
            tx.gasPrice = try reader.uint256(.gasPrice)
            tx.gasLimit = try reader.uint64(.gasLimit)
            tx.to = try reader.optionalAddress(.to)
            tx.value = try reader.uint256(.value)
            tx.data = try reader.bytes(.data)
            tx.accessList = try reader.accessList()
        case .dynamicFee, .blob, .setCode:
            tx.chainId = try reader.uint256(.chainId)
            tx.nonce = try reader.uint64(.nonce)
            tx.maxPriorityFeePerGas = try reader.uint256(.maxPriorityFeePerGas)
            tx.maxFeePerGas = try reader.uint256(.maxFeePerGas)
            tx.gasLimit = try reader.uint64(.gasLimit)
            tx.to = try reader.optionalAddress(.to)
            tx.value = try reader.uint256(.value)
            tx.data = try reader.bytes(.data)
            tx.accessList = try reader.accessList()
            if type == .blob {
                tx.maxFeePerBlobGas = try reader.uint256(.maxFeePerBlobGas)
                tx.blobVersionedHashes = try reader.blobHashes()
            } else if type == .setCode {
                tx.authorizationList = try reader.authorizations()
            }
        }
        tx.v = try reader.uint256(type == .legacy ? .v : .yParity)
        tx.r = try reader.uint256(.r)
        tx.s = try reader.uint256(.s)
        // Normalise the fee fields exactly as the initializer does.
        if type.hasDynamicFee {
            tx.gasPrice = tx.maxFeePerGas
        } else {
            tx.maxFeePerGas = tx.gasPrice
            tx.maxPriorityFeePerGas = tx.gasPrice
        }
        if type == .legacy { tx.chainId = Transaction.legacyChainId(v: tx.v) }
        return tx
    }

    /// EIP-155 chain id encoded in a legacy v: `(v - 35) / 2` for v ≥ 35, else nil.
    public static func legacyChainId(v: UInt256) -> UInt256? {
        guard v >= UInt256(35) else { return nil }
        return (v &- UInt256(35)).shiftedRight(1)
    }

    /// Splits the single outer RLP list starting at `from` into the byte ranges of its items.
    /// The outer header is checked strictly here; each item is checked strictly when read.
    static func splitEnvelope(_ b: [UInt8], from start: Int) throws(TransactionDecodingError) -> [Range<Int>] {
        let end = b.count
        guard start < end else { throw .invalidEnvelope(.empty) }
        let prefix = b[start]
        guard prefix >= 0xc0 else { throw .envelopeNotList }
        let payloadStart: Int
        let payloadLength: Int
        if prefix <= 0xf7 {
            payloadStart = start + 1
            payloadLength = Int(prefix - 0xc0)
        } else {
            let ll = Int(prefix - 0xf7)
            let ls = start + 1
            guard end - ls >= ll else { throw .invalidEnvelope(.truncated(needed: ll, available: end - ls)) }
            guard b[ls] != 0 else { throw .invalidEnvelope(.nonCanonicalLength) }
            guard ll <= 7 else { throw .invalidEnvelope(.lengthOverflow) }
            var len = 0
            for i in 0..<ll { len = (len << 8) | Int(b[ls + i]) }
            guard len >= 56 else { throw .invalidEnvelope(.nonCanonicalLength) }
            payloadStart = ls + ll
            payloadLength = len
        }
        let available = end - payloadStart
        guard available >= payloadLength else {
            throw .invalidEnvelope(.truncated(needed: payloadLength, available: available))
        }
        let payloadEnd = payloadStart + payloadLength
        guard payloadEnd == end else { throw .invalidEnvelope(.trailingBytes(end - payloadEnd)) }
        var ranges: [Range<Int>] = []
        var p = payloadStart
        while p < payloadEnd {
            let itemEnd = try itemEnd(b, at: p, limit: payloadEnd)
            ranges.append(p..<itemEnd)
            p = itemEnd
        }
        return ranges
    }

    /// End offset of the item at `p` from its header alone (canonical form is checked later,
    /// per field); only the bounds are enforced here.
    static func itemEnd(_ b: [UInt8], at p: Int, limit: Int) throws(TransactionDecodingError) -> Int {
        let prefix = b[p]
        var headerLength = 1
        var payloadLength = 0
        switch prefix {
        case 0x00...0x7f: return p + 1
        case 0x80...0xb7: payloadLength = Int(prefix - 0x80)
        case 0xc0...0xf7: payloadLength = Int(prefix - 0xc0)
        default:
            let ll = Int(prefix >= 0xf8 ? prefix - 0xf7 : prefix - 0xb7)
            guard limit - (p + 1) >= ll else {
                throw .invalidEnvelope(.truncated(needed: ll, available: limit - (p + 1)))
            }
            guard ll <= 7 else { throw .invalidEnvelope(.lengthOverflow) }
            for i in 0..<ll { payloadLength = (payloadLength << 8) | Int(b[p + 1 + i]) }
            headerLength = 1 + ll
        }
        let available = limit - p - headerLength
        guard available >= payloadLength else {
            throw .invalidEnvelope(.truncated(needed: payloadLength, available: available))
        }
        return p + headerLength + payloadLength
    }
}

/// Reads the fields of a split envelope in order, tagging every failure with its field.
private struct FieldReader {
    let bytes: [UInt8]
    let items: [Range<Int>]
    var index = 0

    init(bytes: [UInt8], items: [Range<Int>]) {
        self.bytes = bytes
        self.items = items
    }

    mutating func next(_ field: TransactionField) throws(TransactionDecodingError) -> RLPItem {
        let range = items[index]
        index += 1
        do {
            return try RLP.decode(bytes[range])
        } catch {
            throw .invalidField(field, error)
        }
    }

    mutating func uint64(_ field: TransactionField) throws(TransactionDecodingError) -> UInt64 {
        try integer(field, maxBytes: 8).w0
    }

    mutating func uint256(_ field: TransactionField) throws(TransactionDecodingError) -> UInt256 {
        try integer(field, maxBytes: 32)
    }

    /// A canonical integer of at most `maxBytes` bytes. Which fault is reported when a value
    /// has both follows the fixtures: a 64-bit field wider than 8 bytes is an overflow even
    /// when zero-padded; a 256-bit field with a leading zero is non-canonical even when it is
    /// also wider than 32 bytes.
    private mutating func integer(_ field: TransactionField, maxBytes: Int) throws(TransactionDecodingError) -> UInt256 {
        let item = try next(field)
        let b = try tagged(field) { () throws(RLPError) in try item.asBytes() }
        if maxBytes < 32 && b.count > maxBytes { throw .invalidField(field, .integerTooLarge(maxBytes: maxBytes)) }
        if b.first == 0 { throw .invalidField(field, .nonCanonicalInteger) }
        if b.count > maxBytes { throw .invalidField(field, .integerTooLarge(maxBytes: maxBytes)) }
        return UInt256(bigEndian: b)
    }

    mutating func bytes(_ field: TransactionField) throws(TransactionDecodingError) -> [UInt8] {
        let item = try next(field)
        return try tagged(field) { () throws(RLPError) in try item.asBytes() }
    }

    /// Empty string = nil (contract creation); otherwise exactly 20 bytes.
    mutating func optionalAddress(_ field: TransactionField) throws(TransactionDecodingError) -> Address? {
        let item = try next(field)
        return try tagged(field) { () throws(RLPError) -> Address? in
            let b = try item.asBytes()
            if b.isEmpty { return nil }
            return try item.asAddress()
        }
    }

    mutating func accessList() throws(TransactionDecodingError) -> [AccessListEntry] {
        let list = try next(.accessList)
        let entries = try tagged(.accessList) { () throws(RLPError) in try list.asList() }
        var out: [AccessListEntry] = []
        out.reserveCapacity(entries.count)
        for (i, entry) in entries.enumerated() {
            let pair = try tagged(.accessListEntry(i)) { () throws(RLPError) in try entry.asList() }
            guard pair.count == 2 else {
                throw .invalidField(.accessListEntry(i), .wrongListCount(expected: "2", actual: pair.count))
            }
            let address = try tagged(.accessListAddress(i)) { () throws(RLPError) in try pair[0].asAddress() }
            let keyItems = try tagged(.accessListStorageKeys(i)) { () throws(RLPError) in try pair[1].asList() }
            var keys: [Bytes32] = []
            keys.reserveCapacity(keyItems.count)
            for (k, key) in keyItems.enumerated() {
                keys.append(try tagged(.accessListStorageKey(entry: i, key: k)) { () throws(RLPError) in
                    try key.asBytes32()
                })
            }
            out.append(AccessListEntry(address: address, storageKeys: keys))
        }
        return out
    }

    mutating func blobHashes() throws(TransactionDecodingError) -> [Bytes32] {
        let list = try next(.blobVersionedHashes)
        let items = try tagged(.blobVersionedHashes) { () throws(RLPError) in try list.asList() }
        var out: [Bytes32] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            out.append(try tagged(.blobVersionedHash(i)) { () throws(RLPError) in try item.asBytes32() })
        }
        return out
    }

    mutating func authorizations() throws(TransactionDecodingError) -> [Authorization] {
        let list = try next(.authorizationList)
        let items = try tagged(.authorizationList) { () throws(RLPError) in try list.asList() }
        var out: [Authorization] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let f = try tagged(.authorization(i)) { () throws(RLPError) in try item.asList() }
            guard f.count == 6 else {
                throw .invalidField(.authorization(i), .wrongListCount(expected: "6", actual: f.count))
            }
            let chainId = try tagged(.authorizationChainId(i)) { () throws(RLPError) in try f[0].asUInt256() }
            let address = try tagged(.authorizationAddress(i)) { () throws(RLPError) in try f[1].asAddress() }
            let nonce = try tagged(.authorizationNonce(i)) { () throws(RLPError) in try f[2].asUInt64() }
            let yParity = try tagged(.authorizationYParity(i)) { () throws(RLPError) -> UInt8 in
                let y = try f[3].asUInt64()
                guard y <= UInt64(UInt8.max) else { throw .integerTooLarge(maxBytes: 1) }
                return UInt8(y)
            }
            let r = try tagged(.authorizationR(i)) { () throws(RLPError) in try f[4].asUInt256() }
            let s = try tagged(.authorizationS(i)) { () throws(RLPError) in try f[5].asUInt256() }
            out.append(Authorization(chainId: chainId, address: address, nonce: nonce, yParity: yParity, r: r, s: s))
        }
        return out
    }

    private func tagged<T>(_ field: TransactionField, _ body: () throws(RLPError) -> T) throws(TransactionDecodingError) -> T {
        do {
            return try body()
        } catch {
            throw .invalidField(field, error)
        }
    }
}
