import EVMCore

/// A storage slot address.
public struct SlotKey: Sendable, Hashable {
    public var address: Address
    public var key: UInt256
    @inlinable public init(_ address: Address, _ key: UInt256) { self.address = address; self.key = key }

    /// One folded word (see `UInt256.hash(into:)`): the address's low limbs mixed into the key's.
    @inlinable @inline(__always)
    public func hash(into hasher: inout Hasher) {
        let a = address.word, k = key
        hasher.combine(k.w0 ^ (k.w1 &* 0x9E37_79B9_7F4A_7C15) ^ (k.w2 &* 0xC2B2_AE3D_27D4_EB4F) ^ (k.w3 &* 0x1656_67B1_9E37_79F9)
                       ^ (a.w0 &* 0xFF51_AFD7_ED55_8CCD) ^ (a.w1 &* 0xC4CE_B9FE_1A85_EC53) ^ (a.w2 &* 0x2545_F491_4F6C_DD1D))
    }

    /// What `Dictionary`/`Set` use: the key's seeded mix (`UInt256.mixHash`) keyed by a fold of
    /// the address and the table's seed — multiplications, no SipHash.
    @inlinable @inline(__always)
    public func _rawHashValue(seed: Int) -> Int {
        let a = address.word, k = key, s = UInt64(UInt(bitPattern: seed))
        let p = (a.w0 ^ s ^ 0x2D35_8DCC_AA6C_78A5).multipliedFullWidth(by: a.w1 ^ (a.w2 &<< 32) ^ (s &* 0xC2B2_AE3D_27D4_EB4F) ^ 0x8BB8_4B93_962E_ACC9)
        return Int(truncatingIfNeeded: UInt256.mixHash(k.w0, k.w1, k.w2, k.w3, seed: p.high ^ p.low))
    }
}

/// One transaction's view of the world: a write-back cache over a `StateReader` with a journal
/// so any frame can be undone, plus the per-transaction sets the EVM needs (EIP-2929 warm
/// sets, EIP-1153 transient storage, EIP-161 touched accounts, EIP-6780 created-in-tx).
///
/// Invariants:
/// - Nothing is written to `base`; the result of a transaction is `diff()`.
/// - Every mutation pushes exactly one journal entry holding the previous value, so
///   `revert(to:)` restores the exact prior state, including warm sets and transient storage.
/// - `original` of a slot is its value at transaction start (zero for an account created in
///   this transaction), as EIP-2200 needs.
public final class JournaledState {
    /// Raised by whoever owns the base (a speculative reader that hit a value it must wait
    /// for) to ask the running execution to stop early: the interpreter then ends every frame
    /// at its next state access as if out of gas. The outcome of a stopped execution is
    /// meaningless and must be discarded. One signal belongs to one execution (one thread).
    public final class StopSignal {
        public var raised = false
        public init() {}
    }

    public struct AccountState {
        public var info: Account
        /// False until the account exists in the base state or is created/credited.
        public var exists: Bool
        /// Slot → original at tx start, current, and the EIP-2929 warm flag of every slot read
        /// or written (see `StorageSlot`).
        public var storage: SlotTable
        /// Code, loaded lazily by hash.
        public var code: Bytecode?
        /// Storage in `base` is ignored (the account was (re)created in this transaction).
        public var storageWiped: Bool
        public var createdInTx: Bool
        public var destructed: Bool
        public var touched: Bool
        /// Some field differs from `base` (balance, nonce, code, creation).
        public var dirty: Bool
    }

    /// A cached slot. `warmEpoch` is the EIP-2929 flag of slots SLOAD/SSTORE touched, kept
    /// here so one lookup answers warmth and value: the slot is warm when it equals the
    /// state's `accessEpoch` (0 = cold), so `resetAccessSets` cools every slot at once by
    /// moving the epoch. Slots warmed without being read (access lists) sit in `warmSlots`
    /// instead, and a slot is warm when either says so.
    public struct StorageSlot: Sendable {
        public var original: UInt256
        public var current: UInt256
        public var warmEpoch: UInt32
        @inlinable public init(original: UInt256, current: UInt256, warmEpoch: UInt32 = 0) {
            self.original = original; self.current = current; self.warmEpoch = warmEpoch
        }
    }

    /// See `StorageSlot.warmEpoch`; ≥ 1.
    public private(set) var accessEpoch: UInt32 = 1

    enum Entry {
        /// Whole previous record (create, destruct); boxed so the common entries stay small.
        indirect case accountChanged(Address, AccountState)
        case balance(Address, UInt256, wasExisting: Bool, wasDirty: Bool)
        case nonce(Address, UInt64, wasDirty: Bool)
        case code(Address, Bytes32, Bytecode?, wasDirty: Bool)
        case storage(Address, UInt256, UInt256)
        case transient(SlotKey, UInt256)
        case touched(Address)
        case warmAccount(Address)
        case warmSlot(SlotKey)
        /// The `warm` flag of a cached slot was set.
        case warmEntry(Address, UInt256)
    }

    public let base: StateReader
    public private(set) var accounts: [Address: AccountState] = [:]
    var journal: [Entry] = []
    public private(set) var warmAccounts: Set<Address> = []
    public private(set) var warmSlots: Set<SlotKey> = []
    var transientStorage: [SlotKey: UInt256] = [:]
    /// EIP-161 quirk kept by clients: a touch of the RIPEMD-160 precompile survives a revert.
    public var ripemdTouchSurvivesRevert = true

    /// See `StopSignal`; nil (the serial executor) never stops.
    public let stopSignal: StopSignal?

    public init(base: StateReader, stopSignal: StopSignal? = nil) { self.base = base; self.stopSignal = stopSignal }

    /// True once `stopSignal` was raised.
    @inline(__always)
    public var stopRequested: Bool { stopSignal?.raised ?? false }

    // MARK: Loading

    @inline(__always)
    func load(_ a: Address) -> AccountState {
        if let s = accounts[a] { return s }
        let s: AccountState
        if let acct = base.account(a) {
            s = AccountState(info: acct, exists: true, storage: SlotTable(), code: nil, storageWiped: false,
                             createdInTx: false, destructed: false, touched: false, dirty: false)
        } else {
            s = AccountState(info: .empty, exists: false, storage: SlotTable(), code: nil, storageWiped: true,
                             createdInTx: false, destructed: false, touched: false, dirty: false)
        }
        accounts[a] = s
        return s
    }

    public func account(_ a: Address) -> AccountState { load(a) }

    public func exists(_ a: Address) -> Bool { withAccount(a) { $0.exists } }

    /// EIP-161 dead: missing or empty.
    public func isDead(_ a: Address) -> Bool { withAccount(a) { !$0.exists || $0.info.isEmpty } }

    public func balance(_ a: Address) -> UInt256 { withAccount(a) { $0.info.balance } }
    public func nonce(_ a: Address) -> UInt64 { withAccount(a) { $0.info.nonce } }
    public func codeHash(_ a: Address) -> Bytes32 { withAccount(a) { $0.info.codeHash } }

    public func code(_ a: Address) -> Bytecode {
        let base = self.base
        return withAccount(a) { s in
            if let c = s.code { return c }
            let c = s.info.hasCode ? base.code(hash: s.info.codeHash) : Bytecode.empty
            s.code = c
            return c
        }
    }

    /// The index of `a`'s record in `accounts`, loading it first when needed.
    @inline(__always)
    func loadedIndex(_ a: Address) -> Dictionary<Address, AccountState>.Index {
        if let i = accounts.index(forKey: a) { return i }
        _ = load(a)
        return accounts.index(forKey: a)!
    }

    /// Runs `body` on `a`'s record in place (loaded first when needed): one lookup, and no
    /// copy of the record (a copy retains its storage dictionary and code, and a write-back
    /// would hash the address again).
    @inline(__always)
    func withAccount<R>(_ a: Address, _ body: (inout AccountState) -> R) -> R {
        let i = loadedIndex(a)
        return Self.inPlace(&accounts.values[i], body)
    }

    /// Current and original value of a slot. A slot read for the first time is cached in the
    /// account's record in place (the record and its storage dictionary are mutated through
    /// `accounts.values[i]`, so neither is copied).
    public func storageValues(_ a: Address, _ key: UInt256) -> (original: UInt256, current: UInt256) {
        let i = loadedIndex(a)
        let base = self.base
        // Through `inout` (Dictionary.Values' modify accessor): reading `values[i].storage` by
        // the getter would copy the whole record (retaining its storage and code) per access.
        return Self.inPlace(&accounts.values[i]) { s in
            let wiped = s.storageWiped
            return s.storage.withSlot(key, missing: { Self.loadedSlot(wiped ? .zero : base.storage(a, key)) }) { slot in
                (slot.original, slot.current)
            }
        }
    }

    /// A slot as first read from the base (or zero after a wipe): original = current, cold.
    /// Every slot access below applies its own effect to it exactly as to a cached slot.
    @inline(__always)
    static func loadedSlot(_ v: UInt256) -> StorageSlot { StorageSlot(original: v, current: v, warmEpoch: 0) }

    @inline(__always)
    static func inPlace<R>(_ s: inout AccountState, _ body: (inout AccountState) -> R) -> R { body(&s) }

    public func storage(_ a: Address, _ key: UInt256) -> UInt256 { storageValues(a, key).current }

    // MARK: Mutation (journaled)

    /// Writes a slot with one lookup of the account and one of the slot when the slot is cached.
    public func setStorage(_ a: Address, _ key: UInt256, _ value: UInt256) { _ = exchangeStorage(a, key, value) }

    /// Writes a slot and returns its original and previous current value (what SSTORE's gas
    /// depends on) with one lookup of the account and one of the slot. The write is journaled;
    /// an SSTORE that then runs out of gas fails its frame, which reverts the write.
    @discardableResult
    public func exchangeStorage(_ a: Address, _ key: UInt256, _ value: UInt256) -> (original: UInt256, current: UInt256) {
        let i = loadedIndex(a)
        let base = self.base
        let old: (original: UInt256, current: UInt256) = Self.inPlace(&accounts.values[i]) { s in
            let wiped = s.storageWiped
            return s.storage.withSlot(key, missing: { Self.loadedSlot(wiped ? .zero : base.storage(a, key)) }) { slot in
                let old = slot
                slot.current = value
                return (old.original, old.current)
            }
        }
        journal.append(.storage(a, key, old.current))
        return old
    }

    /// SLOAD under EIP-2929 with one lookup of the account and one of the slot: warms the slot
    /// and returns whether it was warm before, and its current value.
    public func accessStorage(_ a: Address, _ key: UInt256) -> (wasWarm: Bool, value: UInt256) {
        let i = loadedIndex(a)
        let base = self.base, epoch = accessEpoch
        let (wasWarm, value): (Bool, UInt256) = Self.inPlace(&accounts.values[i]) { s in
            let wiped = s.storageWiped
            return s.storage.withSlot(key, missing: { Self.loadedSlot(wiped ? .zero : base.storage(a, key)) }) { slot in
                let w = slot.warmEpoch == epoch
                slot.warmEpoch = epoch
                return (w, slot.current)
            }
        }
        if wasWarm { return (true, value) }
        journal.append(.warmEntry(a, key))
        return (!warmSlots.isEmpty && warmSlots.contains(SlotKey(a, key)), value)
    }

    /// SSTORE under EIP-2929 in one lookup of the account and one of the slot: warms the slot,
    /// writes `value` (journaled) and returns whether the slot was warm, its original and its
    /// previous current value (see `exchangeStorage`).
    public func accessExchangeStorage(_ a: Address, _ key: UInt256, _ value: UInt256)
        -> (wasWarm: Bool, original: UInt256, current: UInt256) {
        let i = loadedIndex(a)
        let base = self.base, epoch = accessEpoch
        let (wasWarm, original, current): (Bool, UInt256, UInt256) = Self.inPlace(&accounts.values[i]) { s in
            let wiped = s.storageWiped
            return s.storage.withSlot(key, missing: { Self.loadedSlot(wiped ? .zero : base.storage(a, key)) }) { slot in
                let old = slot
                slot.current = value
                slot.warmEpoch = epoch
                return (old.warmEpoch == epoch, old.original, old.current)
            }
        }
        if !wasWarm { journal.append(.warmEntry(a, key)) }
        journal.append(.storage(a, key, current))
        if wasWarm { return (true, original, current) }
        return (!warmSlots.isEmpty && warmSlots.contains(SlotKey(a, key)), original, current)
    }

    public func transient(_ a: Address, _ key: UInt256) -> UInt256 { transientStorage[SlotKey(a, key)] ?? .zero }

    public func setTransient(_ a: Address, _ key: UInt256, _ value: UInt256) {
        let k = SlotKey(a, key)
        journal.append(.transient(k, transientStorage[k] ?? .zero))
        transientStorage[k] = value
    }

    /// Marks the account touched (EIP-161). Creates nothing.
    public func touch(_ a: Address) {
        let wasTouched = withAccount(a) { s in
            defer { s.touched = true }
            return s.touched
        }
        if !wasTouched { journal.append(.touched(a)) }
    }

    /// Sets the balance; a credit or debit makes the account exist and touches it.
    public func setBalance(_ a: Address, _ value: UInt256) { updateBalance(a) { _ in value } }

    /// One lookup: the new balance from the old, journaled, the account made to exist and touched.
    @inline(__always)
    func updateBalance(_ a: Address, _ f: (UInt256) -> UInt256) {
        let (old, wasExisting, wasDirty, wasTouched) = withAccount(a) { s in
            let before = (s.info.balance, s.exists, s.dirty, s.touched)
            s.info.balance = f(s.info.balance)
            s.exists = true
            s.dirty = true
            s.touched = true
            return before
        }
        journal.append(.balance(a, old, wasExisting: wasExisting, wasDirty: wasDirty))
        if !wasTouched { journal.append(.touched(a)) }
    }

    /// Adds `amount` (wrapping cannot happen for real ether supplies; it wraps rather than traps).
    public func addBalance(_ a: Address, _ amount: UInt256) { updateBalance(a) { $0 &+ amount } }

    /// Subtracts `amount`; the caller has checked the balance suffices.
    public func subBalance(_ a: Address, _ amount: UInt256) { updateBalance(a) { $0 &- amount } }

    public func setNonce(_ a: Address, _ value: UInt64) {
        let i = loadedIndex(a)
        let (old, wasDirty, existed, wasTouched) = Self.inPlace(&accounts.values[i]) { s in
            (s.info.nonce, s.dirty, s.exists, s.touched)
        }
        journal.append(.nonce(a, old, wasDirty: wasDirty))
        if !existed { journal.append(.accountChanged(a, accounts.values[i])) }
        Self.inPlace(&accounts.values[i]) { s in
            s.info.nonce = value
            s.dirty = true
            s.exists = true
            s.touched = true
        }
        if !wasTouched { journal.append(.touched(a)) }
    }

    public func setCode(_ a: Address, _ code: Bytecode) {
        let (oldHash, oldCode, wasDirty) = withAccount(a) { s in
            let before = (s.info.codeHash, s.code, s.dirty)
            s.info.codeHash = code.isEmpty ? Keccak256.emptyHash : code.hash
            s.code = code
            s.dirty = true
            return before
        }
        journal.append(.code(a, oldHash, oldCode, wasDirty: wasDirty))
    }

    /// Makes a fresh contract account at `a` for CREATE: keeps any balance already there,
    /// resets nonce and code, wipes storage, and marks it created in this transaction.
    public func createAccount(_ a: Address) {
        let i = loadedIndex(a)
        let old = accounts.values[i]
        journal.append(.accountChanged(a, old))
        Self.inPlace(&accounts.values[i]) { n in
            n.info = Account(nonce: 0, balance: old.info.balance, codeHash: Keccak256.emptyHash)
            n.exists = true
            // Storage is wiped, but slots accessed earlier in the transaction stay warm (EIP-2929).
            let epoch = accessEpoch
            if !old.storage.isEmpty {
                n.storage = old.storage.compactMapSlots { $0.warmEpoch == epoch ? StorageSlot(original: .zero, current: .zero, warmEpoch: epoch) : nil }
            }
            n.code = .empty
            n.storageWiped = true
            n.createdInTx = true
            n.dirty = true
            n.touched = true
        }
        if !old.touched { journal.append(.touched(a)) }
    }

    /// Marks the account destroyed and zeroes its balance (removed at transaction end).
    public func markDestructed(_ a: Address) {
        let i = loadedIndex(a)
        journal.append(.accountChanged(a, accounts.values[i]))
        Self.inPlace(&accounts.values[i]) { s in
            s.destructed = true
            s.info.balance = .zero
            s.dirty = true
        }
    }

    /// A CREATE to `a` collides (EIP-684, EIP-7610): it has a nonce, code, or non-zero storage.
    public func collidesWithCreate(_ a: Address) -> Bool {
        let base = self.base
        return withAccount(a) { s in
            s.info.nonce != 0 || s.info.hasCode || s.storage.contains { !$0.current.isZero }
                || (!s.storageWiped && base.hasStorage(a))
        }
    }

    /// True when the account was created in this transaction (EIP-6780).
    public func createdInTx(_ a: Address) -> Bool { withAccount(a) { $0.createdInTx } }
    public func isDestructed(_ a: Address) -> Bool { withAccount(a) { $0.destructed } }

    // MARK: EIP-2929 access sets (journaled: a reverted frame's accesses become cold again)

    /// Warms the account; returns true when it was already warm.
    @discardableResult
    public func warmAccount(_ a: Address) -> Bool {
        if warmAccounts.contains(a) { return true }
        warmAccounts.insert(a)
        journal.append(.warmAccount(a))
        return false
    }

    /// Warms the slot; returns true when it was already warm.
    @discardableResult
    public func warmSlot(_ a: Address, _ key: UInt256) -> Bool {
        let k = SlotKey(a, key)
        if warmSlots.contains(k) || isWarmEntry(a, key) { return true }
        warmSlots.insert(k)
        journal.append(.warmSlot(k))
        return false
    }

    /// True when the slot is cached with its warm flag set (no loading).
    func isWarmEntry(_ a: Address, _ key: UInt256) -> Bool {
        guard let i = accounts.index(forKey: a) else { return false }
        let epoch = accessEpoch
        return Self.inPlace(&accounts.values[i]) { $0.storage[key]?.warmEpoch == epoch }
    }

    /// True when the slot is warm (EIP-2929), by either record.
    public func isWarm(_ a: Address, _ key: UInt256) -> Bool { warmSlots.contains(SlotKey(a, key)) || isWarmEntry(a, key) }

    public func isWarm(_ a: Address) -> Bool { warmAccounts.contains(a) }

    /// Makes every account and slot cold again (a new transaction on the same state, as the
    /// `--against revm` benchmark runs consecutive calls). Call only between transactions:
    /// it is not journaled.
    public func resetAccessSets() {
        warmAccounts.removeAll(keepingCapacity: true)
        warmSlots.removeAll(keepingCapacity: true)
        accessEpoch &+= 1
        if accessEpoch == 0 {
            // Wrapped: old epochs could match again; cool every slot explicitly.
            accessEpoch = 1
            for i in accounts.indices {
                Self.inPlace(&accounts.values[i]) { s in
                    s.storage.modifyAll { $0.warmEpoch = 0 }
                }
            }
        }
    }

    // MARK: Checkpoints

    public typealias Checkpoint = Int

    public func checkpoint() -> Checkpoint { journal.count }

    /// Undoes every mutation after `cp`.
    public func revert(to cp: Checkpoint) {
        while journal.count > cp {
            switch journal.removeLast() {
            case .accountChanged(let a, let old):
                let touched = accounts[a]?.touched ?? false
                accounts[a] = old
                // Touch flags are journaled separately; keep the current one.
                accounts[a]!.touched = touched
            case .balance(let a, let old, let wasExisting, let wasDirty):
                accounts[a]!.info.balance = old
                accounts[a]!.exists = wasExisting
                accounts[a]!.dirty = wasDirty
            case .nonce(let a, let old, let wasDirty):
                accounts[a]!.info.nonce = old
                accounts[a]!.dirty = wasDirty
            case .code(let a, let oldHash, let oldCode, let wasDirty):
                accounts[a]!.info.codeHash = oldHash
                accounts[a]!.code = oldCode
                accounts[a]!.dirty = wasDirty
            case .storage(let a, let key, let old):
                let i = accounts.index(forKey: a)!
                let restored = Self.inPlace(&accounts.values[i]) { $0.storage.modify(key) { $0.current = old } }
                precondition(restored != nil, "journal: a storage write of a slot the record does not hold")
            case .transient(let k, let old):
                transientStorage[k] = old
            case .touched(let a):
                if !(ripemdTouchSurvivesRevert && a == Address(low: 3)) { accounts[a]!.touched = false }
            case .warmAccount(let a):
                warmAccounts.remove(a)
            case .warmSlot(let k):
                warmSlots.remove(k)
            case .warmEntry(let a, let key):
                if let i = accounts.index(forKey: a) {
                    Self.inPlace(&accounts.values[i]) { s in
                        s.storage.modify(key) { $0.warmEpoch = 0 }
                    }
                }
            }
        }
    }

    /// Forgets the journal (end of transaction); the state stays.
    public func commitJournal() { journal.removeAll(keepingCapacity: true) }

    // MARK: End of transaction

    /// Applies end-of-transaction rules: destroyed accounts are removed, and (EIP-161,
    /// `clearEmpty`) touched accounts that are empty are removed. Clears the transient storage
    /// and the journal.
    public func finalize(clearEmpty: Bool) {
        // Through indices, in place: assigning `accounts[a]` while iterating `accounts` copied
        // the whole dictionary (the loop holds it) at the first deleted account.
        var i = accounts.startIndex
        while i != accounts.endIndex {
            Self.inPlace(&accounts.values[i]) { n in
                guard n.destructed || (clearEmpty && n.touched && n.exists && n.info.isEmpty) else { return }
                n.exists = false
                n.info = .empty
                n.storage = SlotTable()
                n.code = .empty
                n.storageWiped = true
                n.dirty = true
                n.destructed = true
            }
            accounts.formIndex(after: &i)
        }
        transientStorage.removeAll()
        journal.removeAll()
    }

    /// The changes against `base`: one entry per account that differs.
    public func diff() -> StateDiff {
        var out: [Address: AccountDiff] = [:]
        for (a, s) in accounts {
            var changedSlots: [UInt256: UInt256] = [:]
            s.storage.forEach { k, v in
                if v.current != v.original || (s.storageWiped && !v.current.isZero) { changedSlots[k] = v.current }
            }
            if !s.dirty && changedSlots.isEmpty { continue }
            if s.destructed || !s.exists {
                // Deleted (or never came to exist).
                if base.account(a) != nil {
                    out[a] = AccountDiff(account: nil, storage: [:], storageCleared: true, code: nil)
                }
                continue
            }
            out[a] = AccountDiff(account: s.info, storage: changedSlots, storageCleared: s.storageWiped && base.account(a) != nil,
                                 code: s.info.hasCode ? s.code : nil)
        }
        return StateDiff(accounts: out)
    }
}

/// How one account changed.
public struct AccountDiff: Sendable {
    /// The new account fields; nil when the account was deleted.
    public var account: Account?
    /// Slots written (final values; zero means cleared).
    public var storage: [UInt256: UInt256]
    /// The account's previous storage must be dropped before applying `storage`.
    public var storageCleared: Bool
    /// The code when the account has code (new or unchanged); nil when it has none or is deleted.
    public var code: Bytecode?

    public init(account: Account?, storage: [UInt256: UInt256], storageCleared: Bool, code: Bytecode?) {
        self.account = account; self.storage = storage; self.storageCleared = storageCleared; self.code = code
    }
}

/// A post-state diff: what a transaction or block changed.
public struct StateDiff: Sendable {
    public var accounts: [Address: AccountDiff]
    public init(accounts: [Address: AccountDiff] = [:]) { self.accounts = accounts }

    /// Folds `later` on top of `self`: the result is the diff of applying both in order.
    public mutating func merge(_ later: StateDiff) {
        for (a, d) in later.accounts { merge(a, d) }
    }

    /// Folds one account's later diff on top of `self` (`merge` for a single account).
    public mutating func merge(_ a: Address, _ d: AccountDiff) {
        // Taken out so its storage dictionary is uniquely referenced and grows in place
        // (updating a copy made merging a block's diffs quadratic in a contract's slots).
        guard var cur = accounts.removeValue(forKey: a) else { accounts[a] = d; return }
        let previousAccount = cur.account
        if d.account == nil || d.storageCleared {
            // Earlier storage is gone either way; an earlier clear of the base still holds.
            let clearedBase = cur.storageCleared || cur.account == nil || d.storageCleared
            cur = d
            cur.storageCleared = clearedBase
        } else {
            cur.account = d.account
            cur.code = d.code
            for (k, v) in d.storage { cur.storage[k] = v }
            if cur.account != nil && previousAccount == nil { cur.storageCleared = true }
        }
        accounts[a] = cur
    }
}
