import EVMCore
import EVMAssembly

/// A price feed with one authorised updater.
///
/// - `update(uint256 price)`: only the updater (slot 0); 0 < price < 2^128; stores the price and
///   the block timestamp and emits `PriceUpdated(price, timestamp)`. Anyone else, or a price out
///   of range, reverts.
/// - `latest() → (price, updatedAt)`, `updater() → address`.
///
/// Storage: 0 updater, 1 price, 2 updatedAt. Prices are quote units per base unit scaled by
/// `priceScale` (10^8, as Chainlink USD feeds).
public enum PriceOracle {
    public static let priceScale = UInt256(100_000_000)
    public static let updaterSlot = UInt256(0), priceSlot = UInt256(1), updatedAtSlot = UInt256(2)

    public static let updateSig = "update(uint256)"
    public static let latestSig = "latest()"
    public static let updaterSig = "updater()"
    public static let updatedTopic = ABI.topic("PriceUpdated(uint256,uint256)")

    public static func update(price: UInt256) -> [UInt8] { ABI.encode(updateSig, [price]) }
    public static func latest() -> [UInt8] { ABI.encode(latestSig, []) }

    public static func storage(updater: Address, price: UInt256, updatedAt: UInt64) -> [UInt256: UInt256] {
        var s: [UInt256: UInt256] = [updaterSlot: updater.word]
        if !price.isZero { s[priceSlot] = price }
        if updatedAt != 0 { s[updatedAtSlot] = UInt256(updatedAt) }
        return s
    }

    public static let code: [UInt8] = {
        var a = Assembly()
        a.dispatch([(ABI.selector(updateSig), "update"), (ABI.selector(latestSig), "latest"), (ABI.selector(updaterSig), "updater")])
        a.label("update")
        a += Asm.caller; a.sload(0); a += Asm.eq; a.require()
        a.boundedArg(0, bits: 128); a += Asm.dup(1); a.require(); a.setLocal(0)
        a.local(0); a.sstore(1)
        a += Asm.timestamp; a.sstore(2)
        a.emit(updatedTopic, topics: [], data: [{ $0.local(0) }, { $0 += Asm.timestamp }])
        a += Asm.stop
        a.label("latest")
        a.sload(2); a.sload(1); a.returnWords(2)
        a.label("updater")
        a.sload(0); a.returnWords(1)
        a.failBlock()
        return assembled(a)
    }()
}
