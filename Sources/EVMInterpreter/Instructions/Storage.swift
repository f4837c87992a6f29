import EVMCore

/// EIP-2929 cold storage slot surcharge for SLOAD (warm 100 is static): 2000.
let coldSloadSurcharge: Int64 = 2000
/// EIP-2929 cold storage slot cost added to SSTORE.
let coldSlotCost: Int64 = 2100
/// EIP-2200 stipend sentry: SSTORE fails when gas left ≤ this.
let sstoreSentry: Int64 = 2300

// 0x54 SLOAD, 0x55 SSTORE, 0x5c TLOAD, 0x5d TSTORE.
extension Frame {
    mutating func sload() -> ExecutionStatus? {
        let key = top
        if fork >= .berlin {
            // Warmth and value in one lookup; an unpaid surcharge fails the frame (the value
            // read is discarded with it).
            let (status, value) = host.accessAndLoadStorage(message.recipient, key)
            if status == .cold {
                guard charge(coldSloadSurcharge) else { return .outOfGas }
            }
            top = value
        } else {
            top = host.sload(message.recipient, key)
        }
        return host.stopRequested ? .outOfGas : nil
    }

    /// SSTORE gas and refunds by fork:
    /// - Frontier…Byzantium, Petersburg: 20000 to set a zero slot, else 5000; 15000 refund to clear.
    /// - Constantinople (EIP-1283) and Istanbul+ (EIP-2200): net metering on original/current/new
    ///   values; SLOAD_GAS 200 / 800 / 100 (Berlin, EIP-2929, plus 2100 when the slot is cold);
    ///   SSTORE_RESET 5000 (2900 from Berlin); clear refund 15000 (4800 from London, EIP-3529).
    /// - Istanbul+: fails out of gas when gas left ≤ 2300 (EIP-2200 sentry).
    mutating func sstore() -> ExecutionStatus? {
        let key = pop(), newValue = pop()
        if message.isStatic { return .staticStateChange }
        let address = message.recipient
        if fork >= .istanbul && gas <= sstoreSentry { return .outOfGas }
        var cost: Int64 = 0
        var refundDelta: Int64 = 0
        // The write happens first (one lookup for warmth, values and write); if the gas below
        // cannot be paid the frame fails and its revert undoes the write.
        if fork >= .istanbul || fork == .constantinople {
            let original: UInt256, current: UInt256
            if fork >= .berlin {
                let (status, o, c) = host.accessAndExchangeStorage(address, key, newValue)
                if status == .cold { cost = coldSlotCost }
                original = o; current = c
            } else {
                (original, current) = host.exchangeStorage(address, key, newValue)
            }
            let sloadGas: Int64 = fork >= .berlin ? 100 : (fork >= .istanbul ? 800 : 200)
            let resetGas: Int64 = fork >= .berlin ? 2900 : 5000
            let clearRefund: Int64 = fork >= .london ? 4800 : 15000
            if current == newValue {
                cost &+= sloadGas
            } else if original == current {
                if original.isZero {
                    cost &+= 20000
                } else {
                    cost &+= resetGas
                    if newValue.isZero { refundDelta = clearRefund }
                }
            } else {
                cost &+= sloadGas
                if !original.isZero {
                    if current.isZero {
                        refundDelta &-= clearRefund
                    } else if newValue.isZero {
                        refundDelta &+= clearRefund
                    }
                }
                if original == newValue {
                    refundDelta &+= original.isZero ? 20000 &- sloadGas : resetGas &- sloadGas
                }
            }
        } else {
            let current = host.exchangeStorage(address, key, newValue).current
            if current.isZero && !newValue.isZero {
                cost &+= 20000
            } else {
                cost &+= 5000
                if !current.isZero && newValue.isZero { refundDelta = 15000 }
            }
        }
        guard charge(cost) else { return .outOfGas }
        refund &+= refundDelta
        return nil
    }

    @inline(__always) mutating func tload() {
        top = host.tload(message.recipient, top)
    }

    mutating func tstore() -> ExecutionStatus? {
        let key = pop(), value = pop()
        if message.isStatic { return .staticStateChange }
        host.tstore(message.recipient, key, value)
        return nil
    }
}
