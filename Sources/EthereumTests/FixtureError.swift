import EVMCore

/// A typed error for anything wrong with a fixture file: it names the file (relative path),
/// the test inside it (when known) and the field path (`pre.0x…​.balance`,
/// `transaction.data[2]`, `post.Cancun[3].indexes.gas`), plus what is wrong.
///
/// Rendered as `file: test "name": field: problem`, leaving out the parts that are unknown.
public struct FixtureError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The file could not be read (I/O).
        case unreadableFile(String)
        /// The bytes are not valid JSON (truncated, syntax error, ...).
        case invalidJSON(String)
        case missingField
        case wrongType(expected: String, found: String)
        case missingHexPrefix(String)
        case invalidHexCharacter(Character, at: Int)
        case oddHexLength(digits: Int)
        case emptyNumber
        /// A number needs more bits than the field allows.
        case tooLarge(maxBits: Int)
        case wrongByteLength(expected: Int, found: Int)
        case indexOutOfRange(index: Int, count: Int)
        /// Two JSON keys denote the same thing (e.g. `0xAB…` and `0xab…`, or `0x01` and `0x0001`).
        case duplicateKey(String)
        case emptyList
        case inconsistent(String)

        public var description: String {
            switch self {
            case .unreadableFile(let why): return "cannot read file: \(why)"
            case .invalidJSON(let why): return "invalid JSON: \(why)"
            case .missingField: return "missing field"
            case .wrongType(let expected, let found): return "expected \(expected), found \(found)"
            case .missingHexPrefix(let text): return "expected 0x-prefixed hex, found \"\(FixtureError.abbreviate(text))\""
            case .invalidHexCharacter(let c, let at): return "invalid hex character '\(c)' at \(at)"
            case .oddHexLength(let n): return "odd number of hex digits (\(n))"
            case .emptyNumber: return "empty number (\"0x\" without digits)"
            case .tooLarge(let bits): return "value does not fit in \(bits) bits"
            case .wrongByteLength(let expected, let found): return "expected \(expected) bytes, found \(found)"
            case .indexOutOfRange(let index, let count): return "index \(index) out of range (\(count) variants)"
            case .duplicateKey(let key): return "duplicate key \(key)"
            case .emptyList: return "empty list"
            case .inconsistent(let why): return why
            }
        }
    }

    /// Path of the file relative to the fixture root (e.g. `GeneralStateTests/stExample/add11.json`).
    public var file: String
    /// Name of the test inside the file, when the error is inside one.
    public var test: String?
    /// Dotted path of the offending field inside the test (or file), when known.
    public var field: String?
    public var problem: Problem

    public init(file: String, test: String? = nil, field: String? = nil, problem: Problem) {
        self.file = file; self.test = test; self.field = field; self.problem = problem
    }

    public var description: String {
        var s = file
        if let test { s += ": test \"\(test)\"" }
        if let field, !field.isEmpty { s += ": \(field)" }
        return s + ": \(problem)"
    }

    static func abbreviate(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(37)) + "..."
    }
}
