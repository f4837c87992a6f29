import EVMCore

/// A plain world state in dictionaries: the pre-state of a test or block, and the state the
/// serial executor applies each transaction's diff to.
///
/// Invariant: `storage[a]` holds no zero values and is empty for accounts that do not exist.
public final class InMemoryState: StateReader {
    public private(set) var accounts: [Address: Account] = [:]
    public private(set) var storage: [Address: [UInt256: UInt256]] = [:]
    public private(set) var codes: [Bytes32: Bytecode] = [Keccak256.emptyHash: .empty]
    /// BLOCKHASH answers: number → hash; numbers not listed fall back to `blockHashFallback`.
    public var blockHashes: [UInt64: Bytes32] = [:]
    public var blockHashFallback: (@Sendable (UInt64) -> Bytes32)?

    public init() {}

    /// A deep copy (the dictionaries are values; code objects are immutable and shared).
    public func copy() -> InMemoryState {
        let c = InMemoryState()
        c.accounts = accounts; c.storage = storage; c.codes = codes; c.blockHashes = blockHashes; c.blockHashFallback = blockHashFallback
        return c
    }

    // MARK: StateReader

    public func account(_ address: Address) -> Account? { accounts[address] }
    public func code(hash: Bytes32) -> Bytecode { codes[hash] ?? .empty }
    public func storage(_ address: Address, _ key: UInt256) -> UInt256 { storage[address]?[key] ?? .zero }
    public func hasStorage(_ address: Address) -> Bool { !(storage[address]?.isEmpty ?? true) }
    public func blockHash(_ number: UInt64) -> Bytes32 { blockHashes[number] ?? blockHashFallback?(number) ?? .zero }

    // MARK: Building

    /// Inserts or replaces an account with its code and storage (zero slots are dropped).
    public func setAccount(_ address: Address, nonce: UInt64, balance: UInt256, code: [UInt8], storage slots: [UInt256: UInt256]) {
        let bc = code.isEmpty ? Bytecode.empty : Bytecode(code)
        codes[bc.hash] = bc
        accounts[address] = Account(nonce: nonce, balance: balance, codeHash: bc.hash)
        let nonZero = slots.filter { !$0.value.isZero }
        storage[address] = nonZero.isEmpty ? nil : nonZero
    }

    /// Applies a transaction's or block's diff.
    public func apply(_ diff: StateDiff) {
        for (a, d) in diff.accounts {
            if d.storageCleared || d.account == nil { storage[a] = nil }
            guard let acct = d.account else { accounts[a] = nil; continue }
            accounts[a] = acct
            if let c = d.code { codes[c.hash] = c }
            if !d.storage.isEmpty {
                // Take the dictionary out so it is uniquely referenced and updated in place
                // (a copy per transaction made a block's applies quadratic in a contract's slots).
                var s = storage.removeValue(forKey: a) ?? [:]
                for (k, v) in d.storage { s[k] = v.isZero ? nil : v }
                if !s.isEmpty { storage[a] = s }
            }
        }
    }
}
