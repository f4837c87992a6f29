/// Recursive Length Prefix encoding (Yellow Paper appendix B).
///
/// Decoding is strict: every length must be canonical (no leading zero bytes in a length, no
/// long form for payloads < 56 bytes, a single byte < 0x80 must not be wrapped as a string),
/// lengths must fit the input, and `decode` must consume the whole input. List nesting deeper
/// than `RLP.maxDepth` is rejected with a typed error instead of recursing until the stack
/// overflows (a few hundred kilobytes of `0xc1…` prefixes would otherwise crash the process).
public enum RLPItem: Sendable, Equatable {
    case bytes([UInt8])
    case list([RLPItem])
}

public enum RLPError: Error, Equatable, CustomStringConvertible {
    case empty
    case truncated(needed: Int, available: Int)
    case nonCanonicalLength
    case nonCanonicalSingleByte
    case lengthOverflow
    case trailingBytes(Int)
    case expectedBytes
    case expectedList
    case nonCanonicalInteger
    case integerTooLarge(maxBytes: Int)
    case wrongLength(expected: Int, actual: Int)
    case wrongListCount(expected: String, actual: Int)
    case nestingTooDeep(maxDepth: Int)

    public var description: String {
        switch self {
        case .empty: return "empty RLP input"
        case .truncated(let n, let a): return "RLP truncated: needs \(n) bytes, \(a) available"
        case .nonCanonicalLength: return "non-canonical RLP length"
        case .nonCanonicalSingleByte: return "single byte below 0x80 encoded as a string"
        case .lengthOverflow: return "RLP length overflows"
        case .trailingBytes(let n): return "\(n) trailing bytes after RLP item"
        case .expectedBytes: return "expected an RLP string, found a list"
        case .expectedList: return "expected an RLP list, found a string"
        case .nonCanonicalInteger: return "integer has leading zero bytes"
        case .integerTooLarge(let m): return "integer longer than \(m) bytes"
        case .wrongLength(let e, let a): return "expected \(e) bytes, found \(a)"
        case .wrongListCount(let e, let a): return "expected \(e) list items, found \(a)"
        case .nestingTooDeep(let m): return "RLP lists nested deeper than \(m) levels"
        }
    }
}

public enum RLP {
    // MARK: Encoding

    /// Encodes a byte string.
    public static func encode<C: Collection>(bytes: C) -> [UInt8] where C.Element == UInt8 {
        if bytes.count == 1, let b = bytes.first, b < 0x80 { return [b] }
        var out = header(payloadLength: bytes.count, shortBase: 0x80)
        out.append(contentsOf: bytes)
        return out
    }

    /// Encodes a list whose items are already encoded.
    public static func encodeList(_ encodedItems: [[UInt8]]) -> [UInt8] {
        let total = encodedItems.reduce(0) { $0 + $1.count }
        var out = header(payloadLength: total, shortBase: 0xc0)
        out.reserveCapacity(out.count + total)
        for e in encodedItems { out.append(contentsOf: e) }
        return out
    }

    /// Encodes an integer as its minimal big-endian bytes (zero is the empty string).
    public static func encode(_ value: UInt256) -> [UInt8] { encode(bytes: value.minimalBigEndianBytes) }

    public static func encode(_ value: UInt64) -> [UInt8] { encode(UInt256(value)) }

    public static func encode(_ item: RLPItem) -> [UInt8] {
        switch item {
        case .bytes(let b): return encode(bytes: b)
        case .list(let items): return encodeList(items.map { encode($0) })
        }
    }

    static func header(payloadLength n: Int, shortBase: UInt8) -> [UInt8] {
        if n < 56 { return [shortBase + UInt8(n)] }
        let lenBytes = UInt256(UInt64(n)).minimalBigEndianBytes
        return [shortBase + 55 + UInt8(lenBytes.count)] + lenBytes
    }

    // MARK: Decoding

    /// The deepest list nesting `decode` accepts. Nothing Ethereum encodes comes near it (trie
    /// nodes and transactions nest at most a handful of levels); the bound exists so hostile
    /// input cannot exhaust the stack.
    public static let maxDepth = 1024

    /// Decodes exactly one item spanning the whole input.
    ///
    /// Throws `.empty` for no input, `.trailingBytes` when the item ends before the input does,
    /// and the other `RLPError` cases for non-canonical or truncated encodings. Never traps.
    public static func decode<C: Collection>(_ data: C) throws(RLPError) -> RLPItem where C.Element == UInt8 {
        let bytes = Array(data)
        var pos = 0
        let item = try decodeItem(bytes, &pos, end: bytes.count, depth: 0)
        if pos != bytes.count { throw .trailingBytes(bytes.count - pos) }
        return item
    }

    /// Decodes the item at `pos`, advancing it; never reads at or past `end`.
    /// `depth` counts the lists enclosing this item.
    static func decodeItem(_ b: [UInt8], _ pos: inout Int, end: Int, depth: Int) throws(RLPError) -> RLPItem {
        guard pos < end else { throw .empty }
        let prefix = b[pos]
        switch prefix {
        case 0x00...0x7f:
            pos += 1
            return .bytes([prefix])
        case 0x80...0xb7:
            let len = Int(prefix - 0x80)
            let start = pos + 1
            guard end - start >= len else { throw .truncated(needed: len, available: end - start) }
            if len == 1 && b[start] < 0x80 { throw .nonCanonicalSingleByte }
            pos = start + len
            return .bytes(Array(b[start..<pos]))
        case 0xb8...0xbf:
            let (len, start) = try longLength(b, pos, lengthOfLength: Int(prefix - 0xb7), end: end)
            pos = start + len
            return .bytes(Array(b[start..<pos]))
        case 0xc0...0xf7:
            let len = Int(prefix - 0xc0)
            let start = pos + 1
            guard end - start >= len else { throw .truncated(needed: len, available: end - start) }
            pos = start + len
            return .list(try decodeList(b, from: start, to: pos, depth: depth + 1))
        default:
            let (len, start) = try longLength(b, pos, lengthOfLength: Int(prefix - 0xf7), end: end)
            pos = start + len
            return .list(try decodeList(b, from: start, to: pos, depth: depth + 1))
        }
    }

    static func decodeList(_ b: [UInt8], from: Int, to: Int, depth: Int) throws(RLPError) -> [RLPItem] {
        guard depth <= maxDepth else { throw .nestingTooDeep(maxDepth: maxDepth) }
        var items: [RLPItem] = []
        var p = from
        while p < to { items.append(try decodeItem(b, &p, end: to, depth: depth)) }
        return items
    }

    /// Reads a long-form length; returns (payload length, payload start).
    static func longLength(_ b: [UInt8], _ pos: Int, lengthOfLength ll: Int, end: Int) throws(RLPError) -> (Int, Int) {
        let lstart = pos + 1
        guard end - lstart >= ll else { throw .truncated(needed: ll, available: end - lstart) }
        guard b[lstart] != 0 else { throw .nonCanonicalLength }
        guard ll <= 7 else { throw .lengthOverflow }
        var len = 0
        for i in 0..<ll { len = (len << 8) | Int(b[lstart + i]) }
        guard len >= 56 else { throw .nonCanonicalLength }
        let start = lstart + ll
        guard end - start >= len else { throw .truncated(needed: len, available: end - start) }
        return (len, start)
    }
}

extension RLPItem {
    public func asBytes() throws(RLPError) -> [UInt8] {
        guard case .bytes(let b) = self else { throw .expectedBytes }
        return b
    }

    public func asList() throws(RLPError) -> [RLPItem] {
        guard case .list(let l) = self else { throw .expectedList }
        return l
    }

    /// A canonical unsigned integer of at most 32 bytes (no leading zeros).
    public func asUInt256() throws(RLPError) -> UInt256 {
        let b = try asBytes()
        if b.count > 32 { throw .integerTooLarge(maxBytes: 32) }
        if b.first == 0 { throw .nonCanonicalInteger }
        return UInt256(bigEndian: b)
    }

    /// A canonical unsigned integer of at most 8 bytes.
    public func asUInt64() throws(RLPError) -> UInt64 {
        let b = try asBytes()
        if b.count > 8 { throw .integerTooLarge(maxBytes: 8) }
        if b.first == 0 { throw .nonCanonicalInteger }
        return UInt256(bigEndian: b).w0
    }

    /// Exactly 20 bytes.
    public func asAddress() throws(RLPError) -> Address {
        let b = try asBytes()
        guard b.count == 20 else { throw .wrongLength(expected: 20, actual: b.count) }
        return Address(bytes: b)
    }

    /// Exactly 32 bytes.
    public func asBytes32() throws(RLPError) -> Bytes32 {
        let b = try asBytes()
        guard b.count == 32 else { throw .wrongLength(expected: 32, actual: b.count) }
        return Bytes32(bytes: b)
    }
}
