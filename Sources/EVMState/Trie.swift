import EVMCore

/// An in-memory Merkle Patricia Trie (Yellow Paper appendix D) over byte-string keys and values.
///
/// Invariants kept after every mutation, so the root hash is canonical (it depends only on the
/// set of key/value pairs, never on the order they were inserted or deleted):
/// - no stored value is empty: storing an empty value deletes the key, as in Ethereum;
/// - an extension node has a non-empty path and its child is always a branch;
/// - a branch has at least two non-empty slots counting its own value (a branch left with one
///   slot is collapsed into a leaf or merged into its neighbours);
/// - keys may be any length, including empty, and one key may be a prefix of another (the
///   shorter key's value then sits in a branch's value slot).
///
/// Hashing: a node's reference inside its parent is its RLP encoding when that is shorter than
/// 32 bytes (inlined), otherwise the keccak-256 of the encoding. The root is always hashed, even
/// when its encoding is short; the empty trie's root is `Keccak256.emptyTrieRoot` (keccak of
/// `0x80`).
///
/// Cost: insert, delete and lookup are O(key length) node visits; `rootHash` encodes and hashes
/// every node once, O(n) for n keys, and is recomputed on each call (build first, then hash).
public struct Trie: Sendable {
    /// Paths are nibble sequences (values 0...15), high nibble of each key byte first.
    indirect enum Node: Sendable {
        case empty
        case leaf(path: [UInt8], value: [UInt8])
        case ext(path: [UInt8], child: Node)
        /// `children.count == 16`; an empty `value` means the branch holds no value itself.
        case branch(children: [Node], value: [UInt8])

        var isEmpty: Bool { if case .empty = self { return true } else { return false } }
    }

    private var root: Node = .empty

    /// Number of keys currently stored.
    public private(set) var count: Int = 0

    /// An empty trie; its `rootHash` is `Keccak256.emptyTrieRoot`.
    public init() {}

    /// True when no key is stored.
    public var isEmpty: Bool { count == 0 }

    // MARK: Mutation and lookup

    /// Stores `value` under `key`, replacing any previous value. An empty `value` deletes the key
    /// (Ethereum semantics: the trie never stores empty values).
    public mutating func update(key: [UInt8], value: [UInt8]) {
        if value.isEmpty { remove(key: key); return }
        var added = false
        let path = Trie.nibbles(of: key)
        root = Trie.insert(root, path[...], value, &added)
        if added { count &+= 1 }
    }

    /// Removes `key`; a no-op when the key is absent.
    public mutating func remove(key: [UInt8]) {
        var removed = false
        let path = Trie.nibbles(of: key)
        root = Trie.delete(root, path[...], &removed)
        if removed { count &-= 1 }
    }

    /// The value stored under `key`, or nil when absent.
    public func value(forKey key: [UInt8]) -> [UInt8]? {
        let path = Trie.nibbles(of: key)
        var node = root
        var rest = path[...]
        while true {
            switch node {
            case .empty:
                return nil
            case .leaf(let p, let v):
                return p.elementsEqual(rest) ? v : nil
            case .ext(let p, let child):
                guard rest.starts(with: p) else { return nil }
                rest = rest.dropFirst(p.count)
                node = child
            case .branch(let children, let v):
                guard let n = rest.first else { return v.isEmpty ? nil : v }
                rest = rest.dropFirst()
                node = children[Int(n)]
            }
        }
    }

    // MARK: Hashing

    /// keccak-256 of the root node's RLP encoding; `Keccak256.emptyTrieRoot` when empty.
    public var rootHash: Bytes32 { Keccak256.hash(Trie.encode(root)) }

    /// The root node's RLP encoding (`0x80` for the empty trie).
    public var rootEncoding: [UInt8] { Trie.encode(root) }

    // MARK: Ordered traversal

    /// Every key/value pair in ascending lexicographic key order (a key sorts before every
    /// longer key it is a prefix of).
    public var entries: [(key: [UInt8], value: [UInt8])] {
        var out: [(key: [UInt8], value: [UInt8])] = []
        out.reserveCapacity(count)
        Trie.walk(root, prefix: []) { key, value in out.append((key, value)); return true }
        return out
    }

    /// The smallest stored key strictly greater than `key`, or nil when there is none.
    /// O(position of the answer): walks keys in order and stops at the first greater one.
    public func key(after key: [UInt8]) -> [UInt8]? {
        var found: [UInt8]? = nil
        Trie.walk(root, prefix: []) { k, _ in
            if Trie.lexicographicallyPrecedes(key, k) { found = k; return false }
            return true
        }
        return found
    }

    /// The largest stored key strictly less than `key`, or nil when there is none.
    /// O(position of `key`): walks keys in order and stops at the first one not less than it.
    public func key(before key: [UInt8]) -> [UInt8]? {
        var found: [UInt8]? = nil
        Trie.walk(root, prefix: []) { k, _ in
            guard Trie.lexicographicallyPrecedes(k, key) else { return false }
            found = k
            return true
        }
        return found
    }

    // MARK: One-shot roots

    /// Root of the trie holding `pairs` (later duplicates replace earlier ones; empty values
    /// delete). Accepts a `[[UInt8]: [UInt8]]` dictionary directly.
    public static func root<S: Sequence>(_ pairs: S) -> Bytes32
    where S.Element == (key: [UInt8], value: [UInt8]) {
        var t = Trie()
        for (k, v) in pairs { t.update(key: k, value: v) }
        return t.rootHash
    }

    /// Root of the *secure* trie holding `pairs`: every key is replaced by its keccak-256 before
    /// insertion, as the state and storage tries do.
    public static func secureRoot<S: Sequence>(_ pairs: S) -> Bytes32
    where S.Element == (key: [UInt8], value: [UInt8]) {
        var t = SecureTrie()
        for (k, v) in pairs { t.update(key: k, value: v) }
        return t.rootHash
    }

    /// Root of the list trie used for block transaction, receipt and withdrawal roots: value
    /// `i` is stored under key `RLP(i)` (so index 0 has key `0x80`). An empty list gives
    /// `Keccak256.emptyTrieRoot`; an empty element is skipped (it would be a delete).
    public static func orderedRoot(_ values: [[UInt8]]) -> Bytes32 {
        var t = Trie()
        for (i, v) in values.enumerated() { t.update(key: RLP.encode(UInt64(i)), value: v) }
        return t.rootHash
    }

    // MARK: Internals: paths

    static func nibbles(of key: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(key.count * 2)
        for b in key { out.append(b >> 4); out.append(b & 0x0f) }
        return out
    }

    /// Packs an even-length nibble path back into bytes (traversal only ever produces paths of
    /// whole bytes, since every stored key is a byte string).
    static func bytes(ofNibbles n: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(n.count / 2)
        var i = 0
        while i + 1 < n.count { out.append(n[i] << 4 | n[i + 1]); i += 2 }
        return out
    }

    static func commonPrefixLength(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        var n = 0
        for (x, y) in zip(a, b) {
            if x != y { break }
            n += 1
        }
        return n
    }

    static func lexicographicallyPrecedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.lexicographicallyPrecedes(b)
    }

    /// Hex-prefix encoding (Yellow Paper appendix C): flag nibble `2` for a leaf, `0` for an
    /// extension, plus `1` when the path has odd length (the first nibble then shares the flag
    /// byte); even paths get a zero padding nibble.
    static func hexPrefix(_ path: [UInt8], leaf: Bool) -> [UInt8] {
        let flag: UInt8 = leaf ? 2 : 0
        var out = [UInt8]()
        out.reserveCapacity(path.count / 2 + 1)
        var i = 0
        if path.count % 2 == 1 {
            out.append((flag + 1) << 4 | path[0])
            i = 1
        } else {
            out.append(flag << 4)
        }
        while i + 1 < path.count { out.append(path[i] << 4 | path[i + 1]); i += 2 }
        return out
    }

    // MARK: Internals: insert

    /// Returns `node` with `value` (non-empty) stored at `path`; sets `added` when the key was new.
    static func insert(_ node: Node, _ path: ArraySlice<UInt8>, _ value: [UInt8], _ added: inout Bool) -> Node {
        switch node {
        case .empty:
            added = true
            return .leaf(path: Array(path), value: value)

        case .leaf(let lp, let lv):
            let c = commonPrefixLength(lp[...], path)
            if c == lp.count && c == path.count { return .leaf(path: lp, value: value) }
            added = true
            var children = [Node](repeating: .empty, count: 16)
            var branchValue: [UInt8] = []
            if c == lp.count {
                branchValue = lv
            } else {
                children[Int(lp[c])] = .leaf(path: Array(lp[(c + 1)...]), value: lv)
            }
            place(value, at: path.dropFirst(c), into: &children, branchValue: &branchValue)
            return prefixed(Array(path.prefix(c)), .branch(children: children, value: branchValue))

        case .ext(let ep, let child):
            let c = commonPrefixLength(ep[...], path)
            if c == ep.count {
                return .ext(path: ep, child: insert(child, path.dropFirst(c), value, &added))
            }
            // The new key leaves the extension part-way: split it at nibble `c`.
            added = true
            var children = [Node](repeating: .empty, count: 16)
            var branchValue: [UInt8] = []
            let tail = ep[(c + 1)...]
            children[Int(ep[c])] = tail.isEmpty ? child : .ext(path: Array(tail), child: child)
            place(value, at: path.dropFirst(c), into: &children, branchValue: &branchValue)
            return prefixed(Array(path.prefix(c)), .branch(children: children, value: branchValue))

        case .branch(var children, let bv):
            guard let n = path.first else {
                if bv.isEmpty { added = true }
                return .branch(children: children, value: value)
            }
            children[Int(n)] = insert(children[Int(n)], path.dropFirst(), value, &added)
            return .branch(children: children, value: bv)
        }
    }

    /// Puts a fresh leaf for `rest` into a branch being built (or its value slot when `rest` is
    /// empty). The caller guarantees the target slot is free.
    private static func place(_ value: [UInt8], at rest: ArraySlice<UInt8>,
                              into children: inout [Node], branchValue: inout [UInt8]) {
        if let n = rest.first {
            children[Int(n)] = .leaf(path: Array(rest.dropFirst()), value: value)
        } else {
            branchValue = value
        }
    }

    /// `node` reached through `prefix`: merges the prefix into a leaf or extension path, wraps a
    /// branch in an extension, and leaves the empty node empty.
    static func prefixed(_ prefix: [UInt8], _ node: Node) -> Node {
        if prefix.isEmpty { return node }
        switch node {
        case .empty: return .empty
        case .leaf(let p, let v): return .leaf(path: prefix + p, value: v)
        case .ext(let p, let c): return .ext(path: prefix + p, child: c)
        case .branch: return .ext(path: prefix, child: node)
        }
    }

    // MARK: Internals: delete

    /// Returns `node` without the key at `path`; sets `removed` when the key was present.
    static func delete(_ node: Node, _ path: ArraySlice<UInt8>, _ removed: inout Bool) -> Node {
        switch node {
        case .empty:
            return .empty

        case .leaf(let lp, _):
            guard lp.elementsEqual(path) else { return node }
            removed = true
            return .empty

        case .ext(let ep, let child):
            guard path.starts(with: ep) else { return node }
            let newChild = delete(child, path.dropFirst(ep.count), &removed)
            return removed ? prefixed(ep, newChild) : node

        case .branch(var children, var bv):
            if let n = path.first {
                let newChild = delete(children[Int(n)], path.dropFirst(), &removed)
                guard removed else { return node }
                children[Int(n)] = newChild
            } else {
                guard !bv.isEmpty else { return node }
                removed = true
                bv = []
            }
            return collapsed(children, bv)
        }
    }

    /// Restores the branch invariant after a removal: a branch with one remaining slot becomes
    /// that slot's content (with the slot's nibble prepended to its path).
    static func collapsed(_ children: [Node], _ value: [UInt8]) -> Node {
        var only = -1
        var used = 0
        for i in 0..<16 where !children[i].isEmpty {
            used += 1
            only = i
        }
        if used == 0 { return value.isEmpty ? .empty : .leaf(path: [], value: value) }
        if used == 1 && value.isEmpty { return prefixed([UInt8(only)], children[only]) }
        return .branch(children: children, value: value)
    }

    // MARK: Internals: encoding

    /// RLP of a node: leaf `[HP(path, leaf), value]`, extension `[HP(path), ref(child)]`,
    /// branch `[ref(c0) … ref(c15), value]`; the empty node is the empty string `0x80`.
    static func encode(_ node: Node) -> [UInt8] {
        switch node {
        case .empty:
            return [0x80]
        case .leaf(let p, let v):
            return RLP.encodeList([RLP.encode(bytes: hexPrefix(p, leaf: true)), RLP.encode(bytes: v)])
        case .ext(let p, let c):
            return RLP.encodeList([RLP.encode(bytes: hexPrefix(p, leaf: false)), reference(c)])
        case .branch(let children, let v):
            var items = [[UInt8]]()
            items.reserveCapacity(17)
            for c in children { items.append(reference(c)) }
            items.append(RLP.encode(bytes: v))
            return RLP.encodeList(items)
        }
    }

    /// How a parent refers to `node`: the encoding itself when shorter than 32 bytes, else the
    /// RLP string of its keccak-256.
    static func reference(_ node: Node) -> [UInt8] {
        if node.isEmpty { return [0x80] }
        let enc = encode(node)
        if enc.count < 32 { return enc }
        return RLP.encode(bytes: Keccak256.hash(enc).bytes)
    }

    // MARK: Internals: traversal

    /// In-order walk; `visit` returns false to stop. Returns false when stopped early.
    @discardableResult
    static func walk(_ node: Node, prefix: [UInt8], _ visit: ([UInt8], [UInt8]) -> Bool) -> Bool {
        switch node {
        case .empty:
            return true
        case .leaf(let p, let v):
            return visit(bytes(ofNibbles: prefix + p), v)
        case .ext(let p, let c):
            return walk(c, prefix: prefix + p, visit)
        case .branch(let children, let v):
            if !v.isEmpty, !visit(bytes(ofNibbles: prefix), v) { return false }
            for i in 0..<16 where !children[i].isEmpty {
                if !walk(children[i], prefix: prefix + [UInt8(i)], visit) { return false }
            }
            return true
        }
    }
}

/// A trie whose keys are hashed with keccak-256 before use ("secure trie"), as Ethereum's state
/// trie (key = keccak(address)) and storage tries (key = keccak(32-byte slot)) are. Same
/// semantics as `Trie` otherwise: an empty value deletes.
public struct SecureTrie: Sendable {
    /// The underlying trie, keyed by hashed keys.
    public private(set) var trie = Trie()

    public init() {}

    /// Number of keys stored.
    public var count: Int { trie.count }

    /// Stores `value` under keccak(`key`); an empty value deletes.
    public mutating func update(key: [UInt8], value: [UInt8]) {
        trie.update(key: Keccak256.hash(key).bytes, value: value)
    }

    /// Removes keccak(`key`); a no-op when absent.
    public mutating func remove(key: [UInt8]) { trie.remove(key: Keccak256.hash(key).bytes) }

    /// The value stored under keccak(`key`), or nil.
    public func value(forKey key: [UInt8]) -> [UInt8]? { trie.value(forKey: Keccak256.hash(key).bytes) }

    /// The root hash; `Keccak256.emptyTrieRoot` when empty.
    public var rootHash: Bytes32 { trie.rootHash }
}
