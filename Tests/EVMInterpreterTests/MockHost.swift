import EVMCore
import EVMAssembly
import EVMInterpreter
import _TestSupport

/// A dictionary-backed `Host` for interpreter tests. Nested frames run the real
/// `Interpreter` over the mock state, with a whole-state snapshot as the checkpoint; every
/// nested message is recorded in `calls`. `callHandler`, when set, answers nested
/// messages instead (for scripting results).
final class MockHost: Host {
    struct Account {
        var balance: UInt256 = .zero
        var nonce: UInt64 = 0
        var code: Bytecode = .empty
        var storage: [UInt256: UInt256] = [:]
        var isEmpty: Bool { balance.isZero && nonce == 0 && code.isEmpty }
    }

    struct SlotKey: Hashable { var address: Address; var key: UInt256 }

    /// Everything a failing frame must undo.
    struct State {
        var accounts: [Address: Account] = [:]
        var transient: [SlotKey: UInt256] = [:]
        var warmAccounts: Set<Address> = []
        var warmSlots: Set<SlotKey> = []
        var logs: [Log] = []
        var destroyed: Set<Address> = []
    }

    var fork: Hardfork
    var block = BlockEnv()
    var tx = TxEnv()
    var state = State()
    /// Storage values at transaction start (EIP-2200 "original").
    var original: [SlotKey: UInt256] = [:]
    var blockHashes: [UInt64: Bytes32] = [:]
    var calls: [Message] = []
    var callHandler: ((Message) -> CallResult)?
    var tracer: (any Tracer)?

    init(fork: Hardfork = .latest) { self.fork = fork }

    // MARK: Setup helpers

    func setCode(_ a: Address, _ code: Asm) { state.accounts[a, default: Account()].code = code.bytecode }
    func setBalance(_ a: Address, _ v: UInt256) { state.accounts[a, default: Account()].balance = v }
    func setNonce(_ a: Address, _ n: UInt64) { state.accounts[a, default: Account()].nonce = n }
    /// Sets both the original and the current value of a slot.
    func setStorage(_ a: Address, _ key: UInt256, _ value: UInt256) {
        state.accounts[a, default: Account()].storage[key] = value
        original[SlotKey(address: a, key: key)] = value
    }
    func storage(_ a: Address, _ key: UInt256) -> UInt256 { state.accounts[a]?.storage[key] ?? .zero }
    func warm(_ a: Address) { state.warmAccounts.insert(a) }
    func warmSlot(_ a: Address, _ key: UInt256) { state.warmSlots.insert(SlotKey(address: a, key: key)) }
    var logs: [Log] { state.logs }

    // MARK: Host

    func accessAccount(_ address: Address) -> AccessStatus {
        state.warmAccounts.insert(address).inserted ? .cold : .warm
    }

    func accessStorage(_ address: Address, _ key: UInt256) -> AccessStatus {
        state.warmSlots.insert(SlotKey(address: address, key: key)).inserted ? .cold : .warm
    }

    func accountExists(_ address: Address) -> Bool { state.accounts[address] != nil }
    func accountIsDead(_ address: Address) -> Bool { state.accounts[address]?.isEmpty ?? true }
    func balance(_ address: Address) -> UInt256 { state.accounts[address]?.balance ?? .zero }
    func code(_ address: Address) -> Bytecode { state.accounts[address]?.code ?? .empty }

    func codeHash(_ address: Address) -> Bytes32 {
        guard let a = state.accounts[address], !a.isEmpty else { return .zero }
        return a.code.hash
    }

    func sload(_ address: Address, _ key: UInt256) -> UInt256 { storage(address, key) }

    func storageValues(_ address: Address, _ key: UInt256) -> (original: UInt256, current: UInt256) {
        (original[SlotKey(address: address, key: key)] ?? .zero, storage(address, key))
    }

    func sstore(_ address: Address, _ key: UInt256, _ value: UInt256) {
        state.accounts[address, default: Account()].storage[key] = value
    }

    func tload(_ address: Address, _ key: UInt256) -> UInt256 { state.transient[SlotKey(address: address, key: key)] ?? .zero }
    func tstore(_ address: Address, _ key: UInt256, _ value: UInt256) { state.transient[SlotKey(address: address, key: key)] = value }
    func emitLog(_ log: Log) { state.logs.append(log) }

    func selfDestruct(_ address: Address, beneficiary: Address) -> Bool {
        let amount = balance(address)
        state.accounts[address, default: Account()].balance = .zero
        state.accounts[beneficiary, default: Account()].balance = balance(beneficiary) &+ amount
        return state.destroyed.insert(address).inserted
    }

    func blockHash(_ number: UInt64) -> Bytes32 {
        guard number < block.number, block.number - number <= 256 else { return .zero }
        return blockHashes[number] ?? Bytes32(UInt256(number) &+ 0xb10c)
    }

    /// Native stack address seen at each nested call (to measure per-frame stack use).
    var stackMarks: [Int] = []

    func call(_ message: Message) -> CallResult {
        var marker = 0
        withUnsafeMutablePointer(to: &marker) { stackMarks.append(Int(bitPattern: $0)) }
        calls.append(message)
        if let h = callHandler { return h(message) }
        if message.depth > 1024 { return CallResult(status: .callDepthExceeded, gasLeft: message.gas) }
        if message.transfersValue && balance(message.sender) < message.value {
            return CallResult(status: .insufficientBalance, gasLeft: message.gas)
        }
        let snapshot = state
        var m = message
        var code: Bytecode
        if message.kind.isCreate {
            let sender = state.accounts[message.sender, default: Account()]
            if sender.nonce == .max { return CallResult(status: .nonceOverflow, gasLeft: message.gas) }
            let address = message.kind == .create
                ? MockHost.createAddress(message.sender, nonce: sender.nonce)
                : MockHost.create2Address(message.sender, salt: message.salt, initCode: message.input)
            state.accounts[message.sender, default: Account()].nonce += 1
            if fork >= .berlin { state.warmAccounts.insert(address) }
            if let existing = state.accounts[address], existing.nonce != 0 || !existing.code.isEmpty {
                return CallResult(status: .createCollision, gasLeft: 0)
            }
            state.accounts[address, default: Account()].nonce = fork >= .spuriousDragon ? 1 : 0
            m.recipient = address
            m.codeAddress = address
            code = Bytecode(message.input)
            m.input = []
        } else {
            code = self.code(message.codeAddress)
            if fork >= .prague, let target = code.delegationTarget { code = self.code(target) }
        }
        if message.transfersValue && !message.value.isZero {
            state.accounts[message.sender, default: Account()].balance = balance(message.sender) &- message.value
            state.accounts[m.recipient, default: Account()].balance = balance(m.recipient) &+ message.value
        } else if message.kind == .call && state.accounts[m.recipient] == nil {
            state.accounts[m.recipient] = Account()
        }
        var result = Interpreter.run(message: m, code: code, host: self, tracer: tracer)
        if message.kind.isCreate && result.status == .success {
            let deposit = Int64(result.output.count) * 200
            if fork >= .spuriousDragon && result.output.count > 24576 {
                result = CallResult(status: .codeSizeLimitExceeded, gasLeft: 0)
            } else if fork >= .london && result.output.first == 0xef {
                result = CallResult(status: .invalidCodePrefix, gasLeft: 0)
            } else if result.gasLeft < deposit {
                if fork >= .homestead { result = CallResult(status: .outOfGas, gasLeft: 0) } else { result.output = [] }
            } else {
                result.gasLeft -= deposit
                state.accounts[m.recipient, default: Account()].code = Bytecode(result.output)
                result.output = []
            }
            if result.status == .success { result.createdAddress = m.recipient }
        }
        if !result.status.isSuccess { state = snapshot }
        return result
    }

    static func createAddress(_ sender: Address, nonce: UInt64) -> Address {
        let rlp = RLP.encodeList([RLP.encode(bytes: sender.bytes), RLP.encode(nonce)])
        return Address(bytes: Keccak256.hash(rlp).bytes)
    }

    static func create2Address(_ sender: Address, salt: UInt256, initCode: [UInt8]) -> Address {
        let data = [0xff] + sender.bytes + salt.bigEndianBytes + Keccak256.hash(initCode).bytes
        return Address(bytes: Keccak256.hash(data).bytes)
    }

    // MARK: Running a top-level frame

    /// Runs `code` as the transaction's top frame at `contract`, warming origin, contract
    /// and precompiles (Berlin+) as a transaction would.
    @discardableResult
    func run(_ code: Asm, gas: Int64 = 1_000_000, contract: Address = MockHost.contract, caller: Address = MockHost.caller,
             value: UInt256 = .zero, input: [UInt8] = [], isStatic: Bool = false, depth: Int = 0) -> CallResult {
        if state.accounts[contract] == nil { state.accounts[contract] = Account(code: code.bytecode) }
        else { state.accounts[contract]!.code = code.bytecode }
        if fork >= .berlin {
            state.warmAccounts.insert(caller)
            state.warmAccounts.insert(contract)
            for p in 1...10 { state.warmAccounts.insert(Address(low: UInt64(p))) }
        }
        let message = Message(kind: .call, isStatic: isStatic, depth: depth, gas: gas, recipient: contract, sender: caller,
                              codeAddress: contract, value: value, input: input)
        return Interpreter.run(message: message, code: code.bytecode, host: self, tracer: tracer)
    }

    static let contract = Address(low: 0xc0de)
    static let caller = Address(low: 0xca11)
    static let other = Address(low: 0x07e5)
}

extension CallResult {
    /// The output read as one big-endian word (for `Asm.returnTop` programs).
    var word: UInt256 { UInt256(bigEndian: output) }
}
