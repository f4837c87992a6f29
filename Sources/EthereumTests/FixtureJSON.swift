import EVMCore
import Foundation

/// One value of a parsed fixture document together with where it sits (file, test, field
/// path), so every conversion failure becomes a `FixtureError` naming all three.
///
/// Wraps the untyped tree produced by `JSONSerialization`; all accessors are total (they
/// throw, never trap).
public struct FixtureNode {
    public let value: Any
    public let file: String
    public let test: String?
    public let path: String

    public init(value: Any, file: String, test: String? = nil, path: String = "") {
        self.value = value; self.file = file; self.test = test; self.path = path
    }

    public func error(_ problem: FixtureError.Problem) -> FixtureError {
        FixtureError(file: file, test: test, field: path, problem: problem)
    }

    public func child(_ value: Any, key: String) -> FixtureNode {
        FixtureNode(value: value, file: file, test: test, path: path.isEmpty ? key : "\(path).\(key)")
    }

    public func element(_ value: Any, index: Int) -> FixtureNode {
        FixtureNode(value: value, file: file, test: test, path: "\(path)[\(index)]")
    }

    public var isNull: Bool { value is NSNull }

    /// JSON kind of an untyped value, for error messages.
    public static func kind(of value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        case let n as NSNumber: return isBoolean(n) ? "boolean" : "number"
        default: return String(describing: type(of: value))
        }
    }

    /// `JSONSerialization` represents `true`/`false` as `NSNumber`s of C type `char`.
    static func isBoolean(_ n: NSNumber) -> Bool {
        String(cString: n.objCType) == "c"
    }

    // MARK: Structure

    public func object() throws(FixtureError) -> [String: Any] {
        guard let o = value as? [String: Any] else {
            throw error(.wrongType(expected: "object", found: Self.kind(of: value)))
        }
        return o
    }

    /// Entries of an object, sorted by key for determinism.
    public func entries() throws(FixtureError) -> [(key: String, node: FixtureNode)] {
        try object().sorted { $0.key < $1.key }.map { (key: $0.key, node: child($0.value, key: $0.key)) }
    }

    public func field(_ name: String) throws(FixtureError) -> FixtureNode {
        let o = try object()
        guard let v = o[name] else {
            throw FixtureError(file: file, test: test, field: path.isEmpty ? name : "\(path).\(name)", problem: .missingField)
        }
        return child(v, key: name)
    }

    /// The field, or nil when it is absent or JSON `null`.
    public func optionalField(_ name: String) throws(FixtureError) -> FixtureNode? {
        let o = try object()
        guard let v = o[name], !(v is NSNull) else { return nil }
        return child(v, key: name)
    }

    public func array() throws(FixtureError) -> [FixtureNode] {
        guard let a = value as? [Any] else {
            throw error(.wrongType(expected: "array", found: Self.kind(of: value)))
        }
        return a.enumerated().map { element($0.element, index: $0.offset) }
    }

    public func nonEmptyArray() throws(FixtureError) -> [FixtureNode] {
        let a = try array()
        if a.isEmpty { throw error(.emptyList) }
        return a
    }

    public func string() throws(FixtureError) -> String {
        guard let s = value as? String else {
            throw error(.wrongType(expected: "string", found: Self.kind(of: value)))
        }
        return s
    }

    /// A JSON integer (used by `post[fork][i].indexes`), non-negative.
    public func index() throws(FixtureError) -> Int {
        guard let n = value as? NSNumber, !Self.isBoolean(n), !(value is String) else {
            throw error(.wrongType(expected: "integer", found: Self.kind(of: value)))
        }
        let type = String(cString: n.objCType)
        guard type != "d" && type != "f", let i = value as? Int, i >= 0 else {
            throw error(.wrongType(expected: "non-negative integer", found: "\(n)"))
        }
        return i
    }

    // MARK: Hex scalars

    public func uint256() throws(FixtureError) -> UInt256 {
        switch FixtureHex.number(try string(), maxBits: 256) {
        case .success(let v): return v
        case .failure(let p): throw error(p)
        }
    }

    public func uint64() throws(FixtureError) -> UInt64 {
        switch FixtureHex.number(try string(), maxBits: 64) {
        case .success(let v): return v.w0
        case .failure(let p): throw error(p)
        }
    }

    public func bytes() throws(FixtureError) -> [UInt8] {
        switch FixtureHex.bytes(try string()) {
        case .success(let b): return b
        case .failure(let p): throw error(p)
        }
    }

    public func address() throws(FixtureError) -> Address {
        let b = try bytes()
        guard b.count == 20 else { throw error(.wrongByteLength(expected: 20, found: b.count)) }
        return Address(bytes: b)
    }

    public func bytes32() throws(FixtureError) -> Bytes32 {
        let b = try bytes()
        guard b.count == 32 else { throw error(.wrongByteLength(expected: 32, found: b.count)) }
        return Bytes32(bytes: b)
    }
}

/// Hex text → values, reporting the exact problem (with the character position counted in
/// the original string, prefix included).
enum FixtureHex {
    /// retesteth writes numbers that exceed 256 bits as `0x:bigint 0x…`.
    static let bigintPrefix = "0x:bigint "

    /// Parses a `0x`-prefixed number (leading zeros allowed, at least one digit) that must fit
    /// in `maxBits` (≤ 256). The `0x:bigint ` form is accepted when the value fits.
    static func number(_ text: String, maxBits: Int) -> Result<UInt256, FixtureError.Problem> {
        switch digits(text) {
        case .failure(let p): return .failure(p)
        case .success(let (digits, _)):
            let significant = digits.drop(while: { $0 == UInt8(ascii: "0") })
            // Bits needed: 4 per digit below the top one, plus the top digit's width.
            if let top = significant.first {
                let topValue = hexValue(top) ?? 0
                let bits = (significant.count - 1) * 4 + (8 - UInt8(topValue).leadingZeroBitCount)
                if bits > maxBits { return .failure(.tooLarge(maxBits: maxBits)) }
            }
            guard let v = UInt256(hex: String(decoding: significant, as: UTF8.self)) else {
                return .failure(.tooLarge(maxBits: maxBits))
            }
            return .success(v)
        }
    }

    /// Parses a `0x`-prefixed number of any size (the `0x:bigint ` form included) into
    /// minimal big-endian bytes (empty for zero).
    static func bigNumber(_ text: String) -> Result<[UInt8], FixtureError.Problem> {
        switch digits(text) {
        case .failure(let p): return .failure(p)
        case .success(let (digits, _)):
            var significant = Array(digits.drop(while: { $0 == UInt8(ascii: "0") }))
            if significant.count % 2 == 1 { significant.insert(UInt8(ascii: "0"), at: 0) }
            var out = [UInt8]()
            out.reserveCapacity(significant.count / 2)
            var i = 0
            while i < significant.count {
                out.append((hexValue(significant[i]) ?? 0) << 4 | (hexValue(significant[i + 1]) ?? 0))
                i += 2
            }
            return .success(out)
        }
    }

    /// Parses a `0x`-prefixed byte string with an even number of digits (`0x` is empty).
    static func bytes(_ text: String) -> Result<[UInt8], FixtureError.Problem> {
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return .failure(.missingHexPrefix(text)) }
        do {
            return .success(try Hex.decode(text))
        } catch {
            switch error {
            case .oddLength(let n): return .failure(.oddHexLength(digits: n))
            case .invalidCharacter(let c, let at): return .failure(.invalidHexCharacter(c, at: at))
            }
        }
    }

    /// The validated digits of a number and the offset of the first digit in `text`.
    private static func digits(_ text: String) -> Result<([UInt8], Int), FixtureError.Problem> {
        var offset = 0
        var body = Substring(text)
        if body.hasPrefix(bigintPrefix) {
            body = body.dropFirst(bigintPrefix.count)
            offset = bigintPrefix.count
        }
        guard body.hasPrefix("0x") || body.hasPrefix("0X") else { return .failure(.missingHexPrefix(text)) }
        offset += 2
        let utf8 = Array(body.utf8.dropFirst(2))
        if utf8.isEmpty { return .failure(.emptyNumber) }
        for (i, c) in utf8.enumerated() where hexValue(c) == nil {
            let ch = Character(Unicode.Scalar(c))
            return .failure(.invalidHexCharacter(ch, at: offset + i))
        }
        return .success((utf8, offset))
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
