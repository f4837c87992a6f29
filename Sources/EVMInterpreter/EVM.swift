import EVMCore
import EVMState
import EVMPrecompiles

/// The host every frame of one transaction runs against: call and create frames over a
/// `JournaledState`, precompile dispatch, value transfer, create addresses, collisions and code
/// deposit. Gas for opcodes is the interpreter's business; gas for frames that never start,
/// collisions and code deposit is decided here.
///
/// Frame outcome rules (as in the Yellow Paper and geth):
/// - Depth > 1024, insufficient balance for the value, creator nonce at 2^64−1: the frame never
///   starts, nothing changes, all its gas comes back.
/// - Exceptional halt: the frame's changes are undone and all its gas is consumed.
/// - REVERT: changes undone, remaining gas returned, refunds of the frame dropped.
/// - CREATE collision (nonce ≠ 0, code, or storage at the target — EIP-684/7610): all gas consumed.
public final class EVM: Host {
    public let fork: Hardfork
    public let block: BlockEnv
    public var tx: TxEnv
    public let state: JournaledState
    public private(set) var logs: [Log] = []
    public var tracer: (any Tracer)?
    /// Set when a frame called a precompile this build does not implement; the result of the
    /// transaction cannot be trusted and is reported as "needs precompile".
    public private(set) var unimplementedPrecompile: String?

    public static let maxCallDepth = 1024
    public static let maxCodeSize = 24_576

    public init(state: JournaledState, block: BlockEnv, tx: TxEnv, fork: Hardfork, tracer: (any Tracer)? = nil) {
        self.state = state; self.block = block; self.tx = tx; self.fork = fork; self.tracer = tracer
    }

    // MARK: Checkpoints (state journal + logs)

    public struct Checkpoint { let journal: JournaledState.Checkpoint; let logs: Int }

    public func checkpoint() -> Checkpoint { Checkpoint(journal: state.checkpoint(), logs: logs.count) }

    public func revert(to cp: Checkpoint) {
        state.revert(to: cp.journal)
        if logs.count > cp.logs { logs.removeLast(logs.count - cp.logs) }
    }

    // MARK: Host queries

    @inline(__always)
    public var stopRequested: Bool { state.stopRequested }

    public func accessAccount(_ address: Address) -> AccessStatus { state.warmAccount(address) ? .warm : .cold }
    public func accessStorage(_ address: Address, _ key: UInt256) -> AccessStatus { state.warmSlot(address, key) ? .warm : .cold }
    public func accountExists(_ address: Address) -> Bool { state.exists(address) }
    public func accountIsDead(_ address: Address) -> Bool { state.isDead(address) }
    public func balance(_ address: Address) -> UInt256 { state.balance(address) }
    public func code(_ address: Address) -> Bytecode { state.code(address) }
    public func codeHash(_ address: Address) -> Bytes32 { state.isDead(address) ? .zero : state.codeHash(address) }
    public func sload(_ address: Address, _ key: UInt256) -> UInt256 { state.storage(address, key) }
    public func storageValues(_ address: Address, _ key: UInt256) -> (original: UInt256, current: UInt256) {
        state.storageValues(address, key)
    }
    public func sstore(_ address: Address, _ key: UInt256, _ value: UInt256) { state.setStorage(address, key, value) }
    public func exchangeStorage(_ address: Address, _ key: UInt256, _ value: UInt256) -> (original: UInt256, current: UInt256) {
        state.exchangeStorage(address, key, value)
    }
    public func accessAndLoadStorage(_ address: Address, _ key: UInt256) -> (AccessStatus, UInt256) {
        let (w, v) = state.accessStorage(address, key)
        return (w ? .warm : .cold, v)
    }
    public func accessAndExchangeStorage(_ address: Address, _ key: UInt256, _ value: UInt256) -> (AccessStatus, original: UInt256, current: UInt256) {
        let (w, o, c) = state.accessExchangeStorage(address, key, value)
        return (w ? .warm : .cold, o, c)
    }
    public func tload(_ address: Address, _ key: UInt256) -> UInt256 { state.transient(address, key) }
    public func tstore(_ address: Address, _ key: UInt256, _ value: UInt256) { state.setTransient(address, key, value) }
    public func emitLog(_ log: Log) { logs.append(log) }

    public func blockHash(_ number: UInt64) -> Bytes32 {
        guard number < block.number, block.number - number <= 256 else { return .zero }
        return state.base.blockHash(number)
    }

    public func selfDestruct(_ address: Address, beneficiary: Address) -> Bool {
        let firstTime = !state.isDestructed(address)
        let balance = state.balance(address)
        if fork >= .cancun {
            // EIP-6780: move the balance; destroy only accounts created in this transaction.
            state.subBalance(address, balance)
            state.addBalance(beneficiary, balance)
            if state.createdInTx(address) { state.markDestructed(address) }
        } else {
            state.addBalance(beneficiary, balance)
            state.markDestructed(address)
        }
        return firstTime
    }

    // MARK: Frames

    public func call(_ message: Message) -> CallResult {
        if message.depth > 0 && message.depth % DeepStack.hopInterval == 0 && message.depth <= EVM.maxCallDepth {
            return DeepStack.run { message.kind.isCreate ? createFrame(message) : callFrame(message) }
        }
        return message.kind.isCreate ? createFrame(message) : callFrame(message)
    }

    /// Moves `value`, touching both accounts even when the value is zero (EIP-161).
    func transfer(from: Address, to: Address, value: UInt256) {
        state.subBalance(from, value)
        state.addBalance(to, value)
    }

    /// The code that runs for `address`: its own, or (Prague+, EIP-7702) the code of the
    /// account its delegation designator points at (one level, never followed further).
    public func executableCode(_ address: Address) -> Bytecode {
        let code = state.code(address)
        if fork >= .prague, let target = code.delegationTarget { return state.code(target) }
        return code
    }

    func callFrame(_ m: Message) -> CallResult {
        if m.depth > EVM.maxCallDepth { return CallResult(status: .callDepthExceeded, gasLeft: m.gas) }
        if m.transfersValue && !m.value.isZero && state.balance(m.sender) < m.value {
            return CallResult(status: .insufficientBalance, gasLeft: m.gas)
        }
        let cp = checkpoint()
        let isPrecompile = Precompiles.isPrecompile(m.codeAddress, fork: fork)
        switch m.kind {
        case .call:
            if !state.exists(m.recipient) && !isPrecompile && fork >= .spuriousDragon && m.value.isZero {
                // Nothing to run and nothing to create (EIP-161).
                let r = CallResult(status: .success, gasLeft: m.gas)
                return r
            }
            transfer(from: m.sender, to: m.recipient, value: m.value)
        case .staticCall:
            state.touch(m.recipient)
        default:
            break
        }

        var result: CallResult
        if isPrecompile {
            result = runPrecompile(m)
        } else {
            let code = executableCode(m.codeAddress)
            if code.isEmpty {
                result = CallResult(status: .success, gasLeft: m.gas)
            } else {
                result = Interpreter.run(message: m, code: code, host: self, tracer: tracer)
            }
        }
        if result.status != .success {
            revert(to: cp)
            result.gasRefund = 0
            if result.status.consumesAllGas { result.gasLeft = 0 }
        }
        return result
    }

    func runPrecompile(_ m: Message) -> CallResult {
        switch Precompiles.run(m.codeAddress, input: m.input, gas: m.gas, fork: fork) {
        case .success(let output, let gasUsed):
            return CallResult(status: .success, gasLeft: m.gas - gasUsed, output: output)
        case .failure:
            return CallResult(status: .precompileFailure, gasLeft: 0)
        case .outOfGas:
            return CallResult(status: .outOfGas, gasLeft: 0)
        case .unimplemented(let name):
            if unimplementedPrecompile == nil { unimplementedPrecompile = name }
            return CallResult(status: .precompileFailure, gasLeft: 0)
        }
    }

    /// CREATE address: keccak256(rlp([sender, nonce]))[12:].
    /// Encoded in a stack buffer (at most 31 bytes: list prefix, 0x94 ‖ 20 bytes, the nonce as
    /// an RLP integer), no arrays; `createAddressTests` pins it to the `RLP` encoder's result.
    public static func createAddress(sender: Address, nonce: UInt64) -> Address {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buf in
            let p = buf.baseAddress!
            let w = sender.word
            p[1] = 0x94
            // The address's 20 big-endian bytes: w2's low 4 bytes, then w1, then w0.
            for i in 0..<4 { p[2 + i] = UInt8(truncatingIfNeeded: w.w2 >> UInt64(8 * (3 - i))) }
            for i in 0..<8 { p[6 + i] = UInt8(truncatingIfNeeded: w.w1 >> UInt64(8 * (7 - i))) }
            for i in 0..<8 { p[14 + i] = UInt8(truncatingIfNeeded: w.w0 >> UInt64(8 * (7 - i))) }
            var n = 22
            if nonce == 0 {
                p[n] = 0x80; n += 1
            } else if nonce < 0x80 {
                p[n] = UInt8(nonce); n += 1
            } else {
                let len = (64 - nonce.leadingZeroBitCount + 7) / 8
                p[n] = 0x80 + UInt8(len); n += 1
                for i in 0..<len { p[n + i] = UInt8(truncatingIfNeeded: nonce >> UInt64(8 * (len - 1 - i))) }
                n += len
            }
            p[0] = 0xc0 + UInt8(n - 1)
            return Address(truncating: Keccak256.hash(UnsafeRawBufferPointer(start: p, count: n)).word)
        }
    }

    /// CREATE2 address: keccak256(0xff ‖ sender ‖ salt ‖ keccak256(initcode))[12:].
    public static func create2Address(sender: Address, salt: UInt256, initCodeHash: Bytes32) -> Address {
        let pre: [UInt8] = [0xff] + sender.bytes + salt.bigEndianBytes + initCodeHash.bytes
        return Address(truncating: Keccak256.hash(pre).word)
    }

    func createFrame(_ m: Message) -> CallResult {
        if m.depth > EVM.maxCallDepth { return CallResult(status: .callDepthExceeded, gasLeft: m.gas) }
        if state.balance(m.sender) < m.value { return CallResult(status: .insufficientBalance, gasLeft: m.gas) }
        let nonce = state.nonce(m.sender)
        if nonce == UInt64.max { return CallResult(status: .nonceOverflow, gasLeft: m.gas) }
        state.setNonce(m.sender, nonce + 1)
        let address = m.kind == .create
            ? EVM.createAddress(sender: m.sender, nonce: nonce)
            : EVM.create2Address(sender: m.sender, salt: m.salt, initCodeHash: Keccak256.hash(m.input))
        if fork >= .berlin { state.warmAccount(address) }

        var msg = m
        msg.recipient = address
        msg.codeAddress = address
        msg.input = []   // init code runs with empty call data (CALLDATASIZE = 0)

        if state.collidesWithCreate(address) {
            let r = CallResult(status: .createCollision, gasLeft: 0)
            return r
        }

        let cp = checkpoint()
        state.createAccount(address)
        if fork >= .spuriousDragon { state.setNonce(address, 1) }
        transfer(from: m.sender, to: address, value: m.value)

        var result = Interpreter.run(message: msg, code: Bytecode(initCode: m.input), host: self, tracer: tracer)
        if result.status == .success {
            let deployed = result.output
            let depositCost = Int64(deployed.count) * 200
            if fork >= .spuriousDragon && deployed.count > EVM.maxCodeSize {
                result.status = .codeSizeLimitExceeded
            } else if fork >= .london && deployed.first == 0xef {
                result.status = .invalidCodePrefix
            } else if result.gasLeft < depositCost {
                // Frontier keeps the account without code; Homestead on treats it as out of gas.
                if fork >= .homestead { result.status = .outOfGas }
            } else {
                result.gasLeft -= depositCost
                state.setCode(address, Bytecode(deployed))
            }
        }
        if result.status == .success {
            result.output = []
            result.createdAddress = address
        } else {
            revert(to: cp)
            result.gasRefund = 0
            if result.status.consumesAllGas { result.gasLeft = 0 }
            if result.status != .revert { result.output = [] }
            result.createdAddress = nil
        }
        return result
    }
}
