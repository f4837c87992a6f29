/// A 20-byte account address, stored as the low 160 bits of a `UInt256` so that conversion
/// to and from stack words is free. Invariant: the top 96 bits are zero.
@frozen
public struct Address: Sendable, Hashable, Comparable {
    public let word: UInt256

    /// Truncates a stack word to its low 160 bits (what CALL, BALANCE, … do with an address operand).
    @inlinable @inline(__always)
    public init(truncating word: UInt256) {
        self.word = UInt256(w0: word.w0, w1: word.w1, w2: word.w2 & 0xffff_ffff, w3: 0)
    }

    /// Builds an address from exactly 20 big-endian bytes, or the last 20 of a longer input.
    @inlinable
    public init<C: Collection>(bytes: C) where C.Element == UInt8 {
        self.init(truncating: UInt256(bigEndian: bytes))
    }

    /// Parses `0x` + 40 hex digits (shorter inputs are left-padded). Nil on bad input.
    public init?(hex: some StringProtocol) {
        var s = Substring(hex)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        guard s.count <= 40, let w = UInt256(hex: s) else { return nil }
        self.word = w
    }

    public static let zero = Address(truncating: .zero)

    /// The word's seeded hash (see `UInt256._rawHashValue(seed:)`), not SipHash.
    @inlinable @inline(__always)
    public func _rawHashValue(seed: Int) -> Int { word._rawHashValue(seed: seed) }

    /// Precompile or system address with a small number (0x01 → `0x00…01`).
    @inlinable
    public init(low value: UInt64) { self.word = UInt256(value) }

    /// The 20 big-endian bytes.
    public var bytes: [UInt8] { Array(word.bigEndianBytes[12...]) }

    @inlinable
    public static func < (a: Address, b: Address) -> Bool { a.word < b.word }

    /// `0x` + 40 lower-case hex digits.
    public var hexString: String { "0x" + Hex.encode(bytes) }
}

extension Address: CustomStringConvertible {
    public var description: String { hexString }
}

/// A 32-byte value read big-endian (hashes, storage keys as bytes). Backed by a `UInt256`.
@frozen
public struct Bytes32: Sendable, Hashable, Comparable {
    public var word: UInt256

    @inlinable @inline(__always)
    public init(_ word: UInt256) { self.word = word }

    /// Exactly 32 bytes expected; shorter input is left-padded.
    @inlinable
    public init<C: Collection>(bytes: C) where C.Element == UInt8 { self.word = UInt256(bigEndian: bytes) }

    public static let zero = Bytes32(.zero)

    /// The word's seeded hash (see `UInt256._rawHashValue(seed:)`), not SipHash.
    @inlinable @inline(__always)
    public func _rawHashValue(seed: Int) -> Int { word._rawHashValue(seed: seed) }

    public var bytes: [UInt8] { word.bigEndianBytes }

    @inlinable
    public static func < (a: Bytes32, b: Bytes32) -> Bool { a.word < b.word }

    /// `0x` + 64 lower-case hex digits.
    public var hexString: String { "0x" + Hex.encode(bytes) }

    public init?(hex: some StringProtocol) {
        var s = Substring(hex)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        guard s.count <= 64, let w = UInt256(hex: s) else { return nil }
        self.word = w
    }
}

extension Bytes32: CustomStringConvertible {
    public var description: String { hexString }
}
