/// Finds a key that appears twice in one JSON object.
///
/// Foundation's parsers silently keep one of two equal keys (the later one wins), so a fixture,
/// stream or counterexample file could say two different things about one field and be read as
/// if it said one. Every loader of Lockstep's JSON inputs runs this scan first and refuses such a
/// document, naming the key and where it is.
///
/// Invariants and edge cases:
/// - The scan is iterative (an explicit stack), so nesting depth cannot exhaust the call stack;
///   it reads each byte once (O(n) time, O(depth + keys of the open objects) memory).
/// - Keys are compared after decoding escapes (`"a"` and `"\u0061"` are the same key); an
///   invalid escape or unpaired surrogate is compared by its raw text.
/// - It does not validate the document: on anything that is not JSON it stops and reports no
///   duplicate, leaving the syntax error to the real parser.
public enum JSONDuplicateKeys {
    /// A duplicate key: `path` is the object holding it (`$` for the root, then `.key` and
    /// `[index]` steps), `key` the repeated key.
    public struct Duplicate: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var key: String
        public init(path: String, key: String) { self.path = path; self.key = key }
        public var description: String { "duplicate key \"\(key)\" in object at \(path)" }
    }

    /// An open container: `step` is its own path component (`.key` or `[i]`, empty for the
    /// root), so a path is only built when a duplicate is found (depth × length would be
    /// quadratic otherwise).
    private enum Container {
        case object(step: String, keys: Set<String>, pendingKey: String?)
        case array(step: String, index: Int)

        var step: String {
            switch self { case .object(let s, _, _), .array(let s, _): return s }
        }
    }

    /// The first duplicate key in document order, or nil (also for text that is not JSON).
    public static func first(in bytes: some Collection<UInt8>) -> Duplicate? {
        let b = Array(bytes)
        var i = 0
        var stack: [Container] = []

        func skipSpace() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }

        /// Reads a string starting at `b[i] == "`; returns its decoded value, or nil if unterminated.
        func readString() -> String? {
            i += 1
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            var clean = true
            while i < b.count {
                let c = b[i]
                if c == 0x22 { i += 1; return clean ? String(scalars) : String(decoding: raw, as: UTF8.self) }
                raw.append(c)
                if c == 0x5C {
                    guard i + 1 < b.count else { return nil }
                    let e = b[i + 1]
                    raw.append(e)
                    i += 2
                    switch e {
                    case 0x22: scalars.append("\"")
                    case 0x5C: scalars.append("\\")
                    case 0x2F: scalars.append("/")
                    case 0x62: scalars.append("\u{08}")
                    case 0x66: scalars.append("\u{0C}")
                    case 0x6E: scalars.append("\n")
                    case 0x72: scalars.append("\r")
                    case 0x74: scalars.append("\t")
                    case 0x75:
                        guard i + 4 <= b.count, let v = UInt32(String(decoding: b[i..<(i + 4)], as: UTF8.self), radix: 16) else {
                            clean = false; continue
                        }
                        raw.append(contentsOf: b[i..<(i + 4)])
                        i += 4
                        if let s = Unicode.Scalar(v) { scalars.append(s) } else { clean = false }
                    default: clean = false
                    }
                    continue
                }
                // Plain bytes: decode UTF-8 lazily by collecting a run.
                var j = i
                while j < b.count, b[j] != 0x22, b[j] != 0x5C { j += 1 }
                raw.append(contentsOf: b[(i + 1)..<j])
                scalars.append(contentsOf: String(decoding: b[i..<j], as: UTF8.self).unicodeScalars)
                i = j
            }
            return nil
        }

        /// The path component of the value about to be read inside the top container.
        func childStep() -> String {
            switch stack.last {
            case .object(_, _, let key)?: return "." + (key ?? "?")
            case .array(_, let index)?: return "[\(index)]"
            case nil: return ""
            }
        }
        func path() -> String { "$" + stack.map(\.step).joined() }

        /// After a value ends: advance the enclosing array's index / clear the object's pending key.
        func valueDone() {
            switch stack.last {
            case .object?:
                guard case .object(let step, let keys, _) = stack.removeLast() else { return }
                stack.append(.object(step: step, keys: keys, pendingKey: nil))
            case .array(let step, let index)?: stack[stack.count - 1] = .array(step: step, index: index + 1)
            case nil: break
            }
        }

        while true {
            skipSpace()
            guard i < b.count else { return nil }
            let c = b[i]
            // Inside an object awaiting a key?
            if case .object(_, _, nil)? = stack.last, c != 0x7D {
                if c == 0x2C { i += 1; continue }
                guard c == 0x22, let key = readString() else { return nil }
                // Taken off the stack so the set is uniquely referenced: insert in place, O(1).
                guard case .object(let step, var keys, _) = stack.removeLast() else { return nil }
                let fresh = keys.insert(key).inserted
                stack.append(.object(step: step, keys: keys, pendingKey: key))
                if !fresh { return Duplicate(path: path(), key: key) }
                skipSpace()
                guard i < b.count, b[i] == 0x3A else { return nil }
                i += 1
                continue
            }
            switch c {
            case 0x7B:  // {
                let p = childStep()
                i += 1
                stack.append(.object(step: p, keys: [], pendingKey: nil))
            case 0x5B:  // [
                let p = childStep()
                i += 1
                stack.append(.array(step: p, index: 0))
            case 0x7D, 0x5D:  // } ]
                i += 1
                guard stack.popLast() != nil else { return nil }
                if stack.isEmpty { return nil }
                valueDone()
            case 0x2C:  // , between array elements
                i += 1
            case 0x22:
                guard readString() != nil else { return nil }
                if stack.isEmpty { return nil }
                valueDone()
            default:
                // A scalar (number, true, false, null): skip to a delimiter.
                let start = i
                while i < b.count, !(b[i] == 0x2C || b[i] == 0x7D || b[i] == 0x5D || b[i] == 0x20 || b[i] == 0x0A
                                     || b[i] == 0x0D || b[i] == 0x09) { i += 1 }
                if i == start { return nil }
                if stack.isEmpty { return nil }
                valueDone()
            }
        }
    }
}
