import EVMCore
import EVMState

/// Block-level context visible to opcodes (COINBASE, NUMBER, …).
public struct BlockEnv: Sendable, Equatable {
    public var coinbase: Address
    public var number: UInt64
    public var timestamp: UInt64
    public var gasLimit: UInt64
    /// Pre-Merge DIFFICULTY.
    public var difficulty: UInt256
    /// Post-Merge PREVRANDAO (returned by opcode 0x44 from Paris on).
    public var prevRandao: UInt256
    public var baseFee: UInt256
    /// EIP-4844 excess blob gas; nil before Cancun.
    public var excessBlobGas: UInt64?
    public var chainId: UInt256

    public init(coinbase: Address = .zero, number: UInt64 = 0, timestamp: UInt64 = 0, gasLimit: UInt64 = 30_000_000,
                difficulty: UInt256 = .zero, prevRandao: UInt256 = .zero, baseFee: UInt256 = .zero,
                excessBlobGas: UInt64? = nil, chainId: UInt256 = 1) {
        self.coinbase = coinbase; self.number = number; self.timestamp = timestamp; self.gasLimit = gasLimit
        self.difficulty = difficulty; self.prevRandao = prevRandao; self.baseFee = baseFee
        self.excessBlobGas = excessBlobGas; self.chainId = chainId
    }
}

/// Transaction-level context visible to opcodes (ORIGIN, GASPRICE, BLOBHASH, BLOBBASEFEE).
public struct TxEnv: Sendable, Equatable {
    public var origin: Address
    /// Effective gas price (for EIP-1559: min(maxFee, baseFee + priority)).
    public var gasPrice: UInt256
    public var blobHashes: [Bytes32]
    /// Blob base fee derived from the block's excess blob gas (zero before Cancun).
    public var blobBaseFee: UInt256

    public init(origin: Address = .zero, gasPrice: UInt256 = .zero, blobHashes: [Bytes32] = [], blobBaseFee: UInt256 = .zero) {
        self.origin = origin; self.gasPrice = gasPrice; self.blobHashes = blobHashes; self.blobBaseFee = blobBaseFee
    }
}

public enum CallKind: UInt8, Sendable {
    case call, callCode, delegateCall, staticCall, create, create2

    public var isCreate: Bool { self == .create || self == .create2 }
}

/// One call or create frame's input, built by the interpreter for CALL*/CREATE* and by the
/// transaction processor for the top frame.
public struct Message: Sendable {
    public var kind: CallKind
    /// True inside STATICCALL (inherited by every nested frame).
    public var isStatic: Bool
    /// 0 for the transaction's top frame.
    public var depth: Int
    /// Gas given to the frame (includes the 2300 stipend for value-bearing calls).
    public var gas: Int64
    /// The account whose storage, balance and ADDRESS the frame uses. For creates the
    /// host fills in the new address.
    public var recipient: Address
    /// CALLER.
    public var sender: Address
    /// Whose code runs (differs from `recipient` for CALLCODE/DELEGATECALL).
    public var codeAddress: Address
    /// CALLVALUE. For DELEGATECALL this is the parent's value and nothing is transferred.
    public var value: UInt256
    /// Call data, or init code for creates.
    public var input: [UInt8]
    /// CREATE2 salt.
    public var salt: UInt256

    public init(kind: CallKind, isStatic: Bool = false, depth: Int, gas: Int64, recipient: Address, sender: Address,
                codeAddress: Address, value: UInt256 = .zero, input: [UInt8] = [], salt: UInt256 = .zero) {
        self.kind = kind; self.isStatic = isStatic; self.depth = depth; self.gas = gas
        self.recipient = recipient; self.sender = sender; self.codeAddress = codeAddress
        self.value = value; self.input = input; self.salt = salt
    }

    /// True when the frame moves `value` from sender to recipient (CALL, CALLCODE, creates).
    public var transfersValue: Bool { kind != .delegateCall && kind != .staticCall }
}

/// How a frame ended.
public enum ExecutionStatus: Sendable, Equatable {
    case success
    case revert
    case outOfGas
    case invalidOpcode
    case stackUnderflow
    case stackOverflow
    case badJumpDestination
    case staticStateChange
    case returnDataOutOfBounds
    case precompileFailure
    /// The frame never started: depth > 1024. Gas is returned.
    case callDepthExceeded
    /// The frame never started: the sender cannot pay the value. Gas is returned.
    case insufficientBalance
    /// CREATE target already has code or a nonce (EIP-684) or storage (EIP-7610).
    case createCollision
    /// Deployed code exceeds 24576 bytes (EIP-170).
    case codeSizeLimitExceeded
    /// Deployed code starts with 0xEF (EIP-3541).
    case invalidCodePrefix
    /// Creator's nonce would overflow (EIP-2681). Gas is returned.
    case nonceOverflow

    public var isSuccess: Bool { self == .success }

    /// Exceptional halts consume all gas given to the frame; success and revert do not, and
    /// neither do frames that never started.
    public var consumesAllGas: Bool {
        switch self {
        case .success, .revert, .callDepthExceeded, .insufficientBalance, .nonceOverflow: return false
        default: return true
        }
    }
}

/// The result of one frame.
public struct CallResult: Sendable {
    public var status: ExecutionStatus
    public var gasLeft: Int64
    /// Refund counter accumulated by this frame and its successful children (may be negative
    /// within a frame under EIP-2200; only the final transaction total is clamped).
    public var gasRefund: Int64
    /// RETURN/REVERT data. For creates: the revert data when reverted, empty otherwise.
    public var output: [UInt8]
    public var createdAddress: Address?

    public init(status: ExecutionStatus, gasLeft: Int64, gasRefund: Int64 = 0, output: [UInt8] = [], createdAddress: Address? = nil) {
        self.status = status; self.gasLeft = gasLeft; self.gasRefund = gasRefund; self.output = output
        self.createdAddress = createdAddress
    }
}

/// EIP-2929 access status before an access (the access itself always leaves it warm).
public enum AccessStatus: Sendable { case cold, warm }

/// A log record.
public struct Log: Sendable, Hashable {
    public var address: Address
    public var topics: [Bytes32]
    public var data: [UInt8]
    public init(address: Address, topics: [Bytes32], data: [UInt8]) {
        self.address = address; self.topics = topics; self.data = data
    }
}

/// What an executing frame may ask of the world. The interpreter computes all gas; the host
/// only answers questions and applies effects (journaled, so a failing frame can be undone).
///
/// Implemented once, by `EVM` (call/create frames over a journaled state); tests may mock it.
public protocol Host: AnyObject {
    /// The execution was asked to stop (its result will be discarded): frames end at their
    /// next state access (SLOAD, SSTORE, BALANCE, EXTCODE*, after CALL/CREATE) as out of gas.
    var stopRequested: Bool { get }
    var fork: Hardfork { get }
    var block: BlockEnv { get }
    var tx: TxEnv { get }

    /// Marks the account warm; returns its status before (EIP-2929). Precompiles, the
    /// origin, the recipient and (Shanghai+) the coinbase start warm.
    func accessAccount(_ address: Address) -> AccessStatus
    /// Marks the slot warm; returns its status before.
    func accessStorage(_ address: Address, _ key: UInt256) -> AccessStatus

    /// The account exists in the state (even if empty).
    func accountExists(_ address: Address) -> Bool
    /// EIP-161 "dead": does not exist, or exists and is empty.
    func accountIsDead(_ address: Address) -> Bool
    func balance(_ address: Address) -> UInt256
    /// Raw code of the account (a 7702 designator is returned as is, not followed).
    func code(_ address: Address) -> Bytecode
    /// EXTCODEHASH semantics: zero for a dead account, else the code hash.
    func codeHash(_ address: Address) -> Bytes32

    func sload(_ address: Address, _ key: UInt256) -> UInt256
    /// Original (at transaction start) and current values, for EIP-2200/3529 gas.
    func storageValues(_ address: Address, _ key: UInt256) -> (original: UInt256, current: UInt256)
    func sstore(_ address: Address, _ key: UInt256, _ value: UInt256)
    /// SSTORE's state step in one lookup: writes `value` (journaled) and returns the slot's
    /// original and previous current values. The interpreter computes the gas afterwards; an
    /// SSTORE that cannot pay fails its frame, and the frame's revert undoes the write.
    func exchangeStorage(_ address: Address, _ key: UInt256, _ value: UInt256) -> (original: UInt256, current: UInt256)
    /// SLOAD from Berlin on: `accessStorage` and `sload` in one step.
    func accessAndLoadStorage(_ address: Address, _ key: UInt256) -> (AccessStatus, UInt256)
    /// SSTORE from Berlin on: `accessStorage` and `exchangeStorage` in one step.
    func accessAndExchangeStorage(_ address: Address, _ key: UInt256, _ value: UInt256) -> (AccessStatus, original: UInt256, current: UInt256)
    func tload(_ address: Address, _ key: UInt256) -> UInt256
    func tstore(_ address: Address, _ key: UInt256, _ value: UInt256)

    func emitLog(_ log: Log)
    /// Moves the balance to `beneficiary` and marks `address` destroyed as the fork requires
    /// (EIP-6780 from Cancun: only accounts created in this transaction are destroyed).
    /// Returns true if `address` had not already been marked destroyed in this transaction
    /// (pre-London refund rule).
    func selfDestruct(_ address: Address, beneficiary: Address) -> Bool

    /// Runs a nested frame (CALL*, CREATE*). Handles depth, balance, value transfer,
    /// checkpoints, precompiles, create address, collisions and code deposit.
    func call(_ message: Message) -> CallResult

    /// BLOCKHASH: zero outside the last 256 blocks.
    func blockHash(_ number: UInt64) -> Bytes32
}

extension Host {
    /// Hosts without a stop signal never stop.
    public var stopRequested: Bool { false }

    /// `accessStorage` then `sload`.
    public func accessAndLoadStorage(_ address: Address, _ key: UInt256) -> (AccessStatus, UInt256) {
        let status = accessStorage(address, key)
        return (status, sload(address, key))
    }

    /// `accessStorage` then `exchangeStorage`.
    public func accessAndExchangeStorage(_ address: Address, _ key: UInt256, _ value: UInt256) -> (AccessStatus, original: UInt256, current: UInt256) {
        let status = accessStorage(address, key)
        let (o, c) = exchangeStorage(address, key, value)
        return (status, o, c)
    }

    /// `storageValues` then `sstore`.
    public func exchangeStorage(_ address: Address, _ key: UInt256, _ value: UInt256) -> (original: UInt256, current: UInt256) {
        let v = storageValues(address, key)
        sstore(address, key, value)
        return v
    }
}
