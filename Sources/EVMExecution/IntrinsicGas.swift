import EVMCore

/// Gas charged before any code runs, and the EIP-7623 calldata floor.
public enum IntrinsicGas {
    /// G_transaction.
    public static let transactionBase: UInt64 = 21_000
    /// G_txcreate, charged for creations from Homestead (EIP-2).
    public static let contractCreation: UInt64 = 32_000
    /// G_txdatazero.
    public static let zeroDataByte: UInt64 = 4
    /// G_txdatanonzero before Istanbul.
    public static let nonZeroDataByteFrontier: UInt64 = 68
    /// G_txdatanonzero from Istanbul (EIP-2028).
    public static let nonZeroDataByteIstanbul: UInt64 = 16
    /// EIP-2930 ACCESS_LIST_ADDRESS_COST.
    public static let accessListAddress: UInt64 = 2_400
    /// EIP-2930 ACCESS_LIST_STORAGE_KEY_COST.
    public static let accessListStorageKey: UInt64 = 1_900
    /// EIP-3860 INITCODE_WORD_COST (per 32-byte word of init code).
    public static let initCodeWord: UInt64 = 2
    /// EIP-7702 PER_EMPTY_ACCOUNT_COST, charged per authorization tuple.
    public static let perAuthorization: UInt64 = 25_000
    /// EIP-7623 TOTAL_COST_FLOOR_PER_TOKEN.
    public static let floorCostPerToken: UInt64 = 10
    /// EIP-7623: a non-zero calldata byte counts as this many tokens (a zero byte as one).
    public static let tokensPerNonZeroByte: UInt64 = 4

    /// `gas`: the intrinsic gas the transaction's gas limit must cover.
    /// `floor`: the EIP-7623 minimum gas used, `21000 + 10·tokens` (Prague and later; 0 before).
    /// A limit below `max(gas, floor)` makes the transaction invalid. Sums saturate at
    /// `UInt64.max` rather than wrapping.
    public static func compute(_ tx: Transaction, fork: Hardfork) -> (gas: UInt64, floor: UInt64) {
        var zeros: UInt64 = 0
        for byte in tx.data where byte == 0 { zeros += 1 }
        let nonZeros = UInt64(tx.data.count) - zeros
        let nonZeroCost = fork >= .istanbul ? nonZeroDataByteIstanbul : nonZeroDataByteFrontier

        var gas = transactionBase
        gas = add(gas, mul(zeros, zeroDataByte))
        gas = add(gas, mul(nonZeros, nonZeroCost))
        if tx.isCreate {
            if fork >= .homestead { gas = add(gas, contractCreation) }
            if fork >= .shanghai {
                let words = (UInt64(tx.data.count) + 31) / 32
                gas = add(gas, mul(words, initCodeWord))
            }
        }
        if fork >= .berlin {
            gas = add(gas, mul(UInt64(tx.accessList.count), accessListAddress))
            var keys: UInt64 = 0
            for entry in tx.accessList { keys = add(keys, UInt64(entry.storageKeys.count)) }
            gas = add(gas, mul(keys, accessListStorageKey))
        }
        if fork >= .prague {
            gas = add(gas, mul(UInt64(tx.authorizationList.count), perAuthorization))
        }

        var floor: UInt64 = 0
        if fork >= .prague {
            floor = add(transactionBase, mul(calldataTokens(tx.data), floorCostPerToken))
        }
        return (gas, floor)
    }

    /// EIP-7623 calldata tokens: zero bytes count 1, non-zero bytes count 4.
    public static func calldataTokens(_ data: [UInt8]) -> UInt64 {
        var zeros: UInt64 = 0
        for byte in data where byte == 0 { zeros += 1 }
        return add(zeros, mul(UInt64(data.count) - zeros, tokensPerNonZeroByte))
    }

    private static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? .max : r
    }

    private static func mul(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return o ? .max : r
    }
}
