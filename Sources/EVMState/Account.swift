import EVMCore

/// The account fields that live in the state trie leaf, minus the storage root (computed from
/// storage when a root is needed).
public struct Account: Sendable, Hashable {
    public var nonce: UInt64
    public var balance: UInt256
    public var codeHash: Bytes32

    public init(nonce: UInt64 = 0, balance: UInt256 = .zero, codeHash: Bytes32 = Keccak256.emptyHash) {
        self.nonce = nonce; self.balance = balance; self.codeHash = codeHash
    }

    public static let empty = Account()

    /// EIP-161 emptiness: zero nonce, zero balance, no code. Storage does not count.
    @inlinable
    public var isEmpty: Bool { nonce == 0 && balance.isZero && codeHash == Keccak256.emptyHash }

    @inlinable
    public var hasCode: Bool { codeHash != Keccak256.emptyHash }
}

/// Read access to a world state: the boundary every executor reads through (like revm's
/// `Database`). The serial executor reads an in-memory pre-state; the parallel executor reads
/// multi-version memory and records each read. Reads must be pure: the same question gets the
/// same answer for the life of the reader.
public protocol StateReader: AnyObject {
    /// The account, or nil when it does not exist.
    func account(_ address: Address) -> Account?
    /// Code by hash; `Bytecode.empty` for the empty hash or an unknown hash.
    func code(hash: Bytes32) -> Bytecode
    /// A storage slot; zero when unset or the account does not exist.
    func storage(_ address: Address, _ key: UInt256) -> UInt256
    /// True when the account has at least one non-zero storage slot (EIP-7610 collisions).
    func hasStorage(_ address: Address) -> Bool
    /// Hash of block `number`, zero when unknown.
    func blockHash(_ number: UInt64) -> Bytes32
}
