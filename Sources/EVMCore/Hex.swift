/// Hex encoding and decoding with typed errors (never traps on bad input).
public enum Hex {
    public enum DecodeError: Error, Equatable, CustomStringConvertible {
        case oddLength(Int)
        case invalidCharacter(Character, at: Int)

        public var description: String {
            switch self {
            case .oddLength(let n): return "odd number of hex digits (\(n))"
            case .invalidCharacter(let c, let i): return "invalid hex character '\(c)' at position \(i)"
            }
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lower-case hex without prefix.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `0x`-prefixed lower-case hex.
    public static func encodePrefixed<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        "0x" + encode(bytes)
    }

    /// Decodes hex with or without a `0x` prefix. Empty string and `0x` decode to `[]`.
    public static func decode(_ text: some StringProtocol) throws(DecodeError) -> [UInt8] {
        var utf8 = Array(text.utf8)
        var offset = 0
        if utf8.count >= 2 && utf8[0] == 48 && (utf8[1] == 120 || utf8[1] == 88) {
            utf8.removeFirst(2)
            offset = 2
        }
        guard utf8.count % 2 == 0 else { throw .oddLength(utf8.count) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = hexDigitValue(utf8[i]) else {
                throw .invalidCharacter(Character(Unicode.Scalar(utf8[i])), at: i + offset)
            }
            guard let lo = hexDigitValue(utf8[i + 1]) else {
                throw .invalidCharacter(Character(Unicode.Scalar(utf8[i + 1])), at: i + 1 + offset)
            }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
