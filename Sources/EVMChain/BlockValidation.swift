import EVMCore
import EVMExecution

/// Why a block is rejected: the check that failed, with the values it compared.
///
/// `check` is a stable short name for reports (`"timestamp"`, `"stateRoot"`, …) and
/// `fixtureNames` the `BlockException.*`/`TransactionException.*` names the Ethereum test
/// fixtures use for the same condition.
public enum BlockRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes do not decode as a block of this fork.
    case malformed(BlockDecodingError)
    /// The importer implements the post-Merge rules only (Paris and later).
    case forkNotSupported(Hardfork)
    /// The parent hash is zero (only the genesis block has no parent).
    case unknownParentZero
    /// No block with this parent hash has been imported.
    case unknownParent(Bytes32)
    /// `number` is not the parent's plus one.
    case invalidNumber(expected: UInt64, actual: UInt64)
    /// `timestamp` is not greater than the parent's.
    case timestampNotAfterParent(parent: UInt64, actual: UInt64)
    /// `extraData` longer than 32 bytes.
    case extraDataTooLong(Int)
    /// `gasUsed` above `gasLimit` in the header.
    case gasUsedAboveLimit(gasUsed: UInt64, gasLimit: UInt64)
    /// The gas limit is above 2^63 - 1.
    case gasLimitTooBig(UInt64)
    /// The gas limit moved by parent/1024 or more, or is below 5000.
    case invalidGasLimit(parent: UInt64, actual: UInt64)
    /// EIP-1559 base fee differs from the one derived from the parent (or is missing).
    case invalidBaseFee(expected: UInt256, actual: UInt256?)
    /// After the Merge: difficulty must be zero.
    case difficultyNotZero(UInt256)
    /// After the Merge: the nonce must be eight zero bytes.
    case nonceNotZero([UInt8])
    /// After the Merge: no uncles, and the ommers hash of the empty list.
    case unclesAfterMerge(count: Int)
    case invalidOmmersHash(expected: Bytes32, actual: Bytes32)
    case invalidTransactionsRoot(expected: Bytes32, actual: Bytes32)
    case invalidWithdrawalsRoot(expected: Bytes32, actual: Bytes32?)
    /// EIP-4844: header `blobGasUsed` differs from the transactions' blob gas (or is missing).
    case invalidBlobGasUsed(expected: UInt64, actual: UInt64?)
    /// EIP-4844: the block's blob gas exceeds the per-block maximum.
    case blobGasAboveLimit(used: UInt64, limit: UInt64)
    /// EIP-4844: `excessBlobGas` differs from the one derived from the parent (or is missing).
    case invalidExcessBlobGas(expected: UInt64, actual: UInt64?)
    /// EIP-4788: the header has no parent beacon block root.
    case missingParentBeaconBlockRoot
    /// A transaction cannot be included (bad signature, nonce, funds, gas allowance, …).
    case invalidTransaction(index: Int, TransactionError)
    /// A block-level operation failed (EIP-7685 requests).
    case systemOperation(SystemOperationError)
    /// EIP-7685: `requestsHash` differs from the requests' hash.
    case invalidRequestsHash(expected: Bytes32, actual: Bytes32?)
    /// After execution: the header's `gasUsed` differs from the receipts'.
    case invalidGasUsed(expected: UInt64, actual: UInt64)
    case invalidReceiptsRoot(expected: Bytes32, actual: Bytes32)
    case invalidLogsBloom
    case invalidStateRoot(expected: Bytes32, actual: Bytes32)

    /// The short name of the failed check.
    public var check: String {
        switch self {
        case .malformed: return "rlp"
        case .forkNotSupported: return "fork"
        case .unknownParentZero, .unknownParent: return "parent"
        case .invalidNumber: return "number"
        case .timestampNotAfterParent: return "timestamp"
        case .extraDataTooLong: return "extraData"
        case .gasUsedAboveLimit: return "gasUsedLimit"
        case .invalidGasLimit, .gasLimitTooBig: return "gasLimit"
        case .invalidBaseFee: return "baseFee"
        case .difficultyNotZero: return "difficulty"
        case .nonceNotZero: return "nonce"
        case .unclesAfterMerge: return "uncles"
        case .invalidOmmersHash: return "ommersHash"
        case .invalidTransactionsRoot: return "transactionsRoot"
        case .invalidWithdrawalsRoot: return "withdrawalsRoot"
        case .invalidBlobGasUsed: return "blobGasUsed"
        case .blobGasAboveLimit: return "blobGasLimit"
        case .invalidExcessBlobGas: return "excessBlobGas"
        case .missingParentBeaconBlockRoot: return "parentBeaconBlockRoot"
        case .invalidTransaction: return "transaction"
        case .systemOperation: return "systemOperation"
        case .invalidRequestsHash: return "requestsHash"
        case .invalidGasUsed: return "gasUsed"
        case .invalidReceiptsRoot: return "receiptsRoot"
        case .invalidLogsBloom: return "logsBloom"
        case .invalidStateRoot: return "stateRoot"
        }
    }

    public var description: String {
        switch self {
        case .malformed(let e): return "malformed block: \(e)"
        case .forkNotSupported(let f): return "block import before Paris is not implemented (fork \(f))"
        case .unknownParentZero: return "parent hash is zero"
        case .unknownParent(let h): return "unknown parent \(h)"
        case .invalidNumber(let e, let a): return "block number \(a), expected \(e)"
        case .timestampNotAfterParent(let p, let a): return "timestamp \(a) not after parent's \(p)"
        case .extraDataTooLong(let n): return "extra data of \(n) bytes (at most 32)"
        case .gasUsedAboveLimit(let u, let l): return "gas used \(u) above gas limit \(l)"
        case .gasLimitTooBig(let l): return "gas limit \(l) above 2^63-1"
        case .invalidGasLimit(let p, let a): return "gas limit \(a) outside the bounds of parent's \(p) (±1/1024, ≥ 5000)"
        case .invalidBaseFee(let e, let a): return "base fee \(a.map { "\($0)" } ?? "missing"), expected \(e)"
        case .difficultyNotZero(let d): return "difficulty \(d) after the Merge"
        case .nonceNotZero(let n): return "nonce 0x\(Hex.encode(n)) after the Merge"
        case .unclesAfterMerge(let n): return "\(n) uncles after the Merge"
        case .invalidOmmersHash(let e, let a): return "ommers hash \(a), expected \(e)"
        case .invalidTransactionsRoot(let e, let a): return "transactions root \(a), expected \(e)"
        case .invalidWithdrawalsRoot(let e, let a): return "withdrawals root \(a.map { "\($0)" } ?? "missing"), expected \(e)"
        case .invalidBlobGasUsed(let e, let a): return "blob gas used \(a.map { "\($0)" } ?? "missing"), expected \(e)"
        case .blobGasAboveLimit(let u, let l): return "blob gas \(u) above the block maximum \(l)"
        case .invalidExcessBlobGas(let e, let a): return "excess blob gas \(a.map { "\($0)" } ?? "missing"), expected \(e)"
        case .missingParentBeaconBlockRoot: return "no parent beacon block root (EIP-4788)"
        case .invalidTransaction(let i, let e): return "transaction \(i): \(e)"
        case .systemOperation(let e): return "block operation: \(e)"
        case .invalidRequestsHash(let e, let a): return "requests hash \(a.map { "\($0)" } ?? "missing"), expected \(e)"
        case .invalidGasUsed(let e, let a): return "header gas used \(a), transactions used \(e)"
        case .invalidReceiptsRoot(let e, let a): return "receipts root \(a), computed \(e)"
        case .invalidLogsBloom: return "logs bloom differs from the receipts' bloom"
        case .invalidStateRoot(let e, let a): return "state root \(a), computed \(e)"
        }
    }

    /// The exception names the Ethereum test fixtures use for this rejection.
    public var fixtureNames: [String] {
        let block: [String]
        switch self {
        case .malformed(let e):
            switch e {
            case .headerField(_, .integerTooLarge): block = ["RLP_STRUCTURES_ENCODING", "RLP_INVALID_FIELD_OVERFLOW_64"]
            case .headerField(_, .wrongLength): block = ["RLP_STRUCTURES_ENCODING", "RLP_INVALID_ADDRESS"]
            case .blockFieldCount: block = ["RLP_STRUCTURES_ENCODING", "RLP_WITHDRAWALS_NOT_READ"]
            default: block = ["RLP_STRUCTURES_ENCODING"]
            }
        case .forkNotSupported: return []
        case .unknownParentZero: block = ["UNKNOWN_PARENT_ZERO"]
        case .unknownParent: block = ["UNKNOWN_PARENT"]
        case .invalidNumber: block = ["INVALID_BLOCK_NUMBER"]
        case .timestampNotAfterParent: block = ["INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT"]
        case .extraDataTooLong: block = ["EXTRA_DATA_TOO_BIG"]
        case .gasUsedAboveLimit: block = ["GAS_USED_OVERFLOW"]
        case .invalidGasLimit: block = ["INVALID_GASLIMIT"]
        case .gasLimitTooBig: block = ["GASLIMIT_TOO_BIG"]
        case .invalidBaseFee: block = ["INVALID_BASEFEE_PER_GAS"]
        case .difficultyNotZero: block = ["IMPORT_IMPOSSIBLE_DIFFICULTY_OVER_PARIS"]
        case .nonceNotZero: block = ["INVALID_BLOCK_NONCE"]
        case .unclesAfterMerge, .invalidOmmersHash: block = ["IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS"]
        case .invalidTransactionsRoot: block = ["INVALID_TRANSACTIONS_ROOT"]
        case .invalidWithdrawalsRoot: block = ["INVALID_WITHDRAWALS_ROOT"]
        case .invalidBlobGasUsed: block = ["INCORRECT_BLOB_GAS_USED"]
        case .blobGasAboveLimit: block = ["BLOB_GAS_USED_ABOVE_LIMIT"]
        case .invalidExcessBlobGas: block = ["INCORRECT_EXCESS_BLOB_GAS"]
        case .missingParentBeaconBlockRoot: block = ["INVALID_PARENT_BEACON_BLOCK_ROOT"]
        case .invalidTransaction(_, let e): return e.fixtureNames
        case .systemOperation: block = ["SYSTEM_CONTRACT_CALL_FAILED"]
        case .invalidRequestsHash: block = ["INVALID_REQUESTS"]
        case .invalidGasUsed: block = ["INVALID_GAS_USED"]
        case .invalidReceiptsRoot: block = ["INVALID_RECEIPTS_ROOT"]
        case .invalidLogsBloom: block = ["INVALID_LOG_BLOOM"]
        case .invalidStateRoot: block = ["INVALID_STATE_ROOT"]
        }
        return block.map { "BlockException." + $0 }
    }

    /// True when a fixture's `expectException` (possibly `A|B` alternatives) names this rejection.
    public func matches(fixtureException: String) -> Bool {
        let expected = fixtureException.split(separator: "|").map { String($0).trimmingCharacters(in: " ") }
        return fixtureNames.contains { expected.contains($0) }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}

/// The header rules of a block against its parent (post-London forms; the Merge rules from
/// Paris; EIP-4844 and EIP-4788 from Cancun). Checks that need the body or the execution live in
/// `BlockImporter`. When several rules fail, the first in `validate`'s order is reported (gas
/// limit before gas used, so a zero gas limit is named as such).
public enum HeaderValidation {
    /// EIP-1559 elasticity multiplier and base-fee change denominator.
    public static let elasticity: UInt64 = 2
    public static let baseFeeChangeDenominator: UInt64 = 8
    public static let gasLimitBoundDivisor: UInt64 = 1024
    public static let minGasLimit: UInt64 = 5000
    /// The largest gas limit a header may carry (2^63 - 1, as clients store it signed).
    public static let maxGasLimit: UInt64 = 0x7fff_ffff_ffff_ffff
    public static let maxExtraData = 32

    /// EIP-1559: the base fee of a child of `parent`. A parent without a base fee (the first
    /// London block's parent) gives the initial 10^9 wei.
    public static func baseFee(parent: BlockHeader) -> UInt256 {
        guard let pf = parent.baseFee else { return UInt256(1_000_000_000 as UInt64) }
        let target = parent.gasLimit / elasticity
        if target == 0 || parent.gasUsed == target { return pf }
        let denominator = UInt256(baseFeeChangeDenominator)
        if parent.gasUsed > target {
            let change = UInt256.evmDiv(UInt256.evmDiv(pf &* UInt256(parent.gasUsed - target), UInt256(target)), denominator)
            return pf &+ (change.isZero ? .one : change)
        }
        let change = UInt256.evmDiv(UInt256.evmDiv(pf &* UInt256(target - parent.gasUsed), UInt256(target)), denominator)
        return change > pf ? .zero : pf &- change
    }

    /// EIP-4844: excess blob gas of a child of `parent` (zero when the parent has no blob fields).
    public static func excessBlobGas(parent: BlockHeader, fork: Hardfork) -> UInt64 {
        let sum = (parent.excessBlobGas ?? 0).addingReportingOverflow(parent.blobGasUsed ?? 0)
        let total = sum.overflow ? UInt64.max : sum.partialValue
        let target = BlobGas.targetPerBlock(fork: fork)
        return total < target ? 0 : total - target
    }

    /// The gas limit may move by less than parent/1024 in either direction and not go below 5000.
    public static func gasLimitValid(_ limit: UInt64, parent: UInt64) -> Bool {
        let delta = parent / gasLimitBoundDivisor
        let (upper, overflow) = parent.addingReportingOverflow(delta)
        if !overflow && limit >= upper { return false }
        if limit <= parent - delta { return false }
        return limit >= minGasLimit
    }

    /// Every header-only rule; throws the first that fails.
    public static func validate(_ h: BlockHeader, parent p: BlockHeader, fork: Hardfork) throws(BlockRejection) {
        if h.gasLimit > maxGasLimit { throw .gasLimitTooBig(h.gasLimit) }
        if !gasLimitValid(h.gasLimit, parent: p.gasLimit) { throw .invalidGasLimit(parent: p.gasLimit, actual: h.gasLimit) }
        if h.gasUsed > h.gasLimit { throw .gasUsedAboveLimit(gasUsed: h.gasUsed, gasLimit: h.gasLimit) }
        let (next, overflow) = p.number.addingReportingOverflow(1)
        if overflow || h.number != next { throw .invalidNumber(expected: p.number &+ 1, actual: h.number) }
        if h.timestamp <= p.timestamp { throw .timestampNotAfterParent(parent: p.timestamp, actual: h.timestamp) }
        if h.extraData.count > maxExtraData { throw .extraDataTooLong(h.extraData.count) }
        if fork >= .london {
            let expected = baseFee(parent: p)
            if h.baseFee != expected { throw .invalidBaseFee(expected: expected, actual: h.baseFee) }
        }
        if fork >= .paris {
            if !h.difficulty.isZero { throw .difficultyNotZero(h.difficulty) }
            if h.nonce.contains(where: { $0 != 0 }) { throw .nonceNotZero(h.nonce) }
            if h.ommersHash != Keccak256.emptyListHash {
                throw .invalidOmmersHash(expected: Keccak256.emptyListHash, actual: h.ommersHash)
            }
        }
        if fork >= .cancun {
            let expected = excessBlobGas(parent: p, fork: fork)
            if h.excessBlobGas != expected { throw .invalidExcessBlobGas(expected: expected, actual: h.excessBlobGas) }
            if h.parentBeaconBlockRoot == nil { throw .missingParentBeaconBlockRoot }
        }
    }
}
