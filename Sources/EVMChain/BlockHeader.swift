import EVMCore

/// An execution-layer block header, every field up to Prague (EIP-7685 `requestsHash`).
///
/// Fields introduced by a fork are optional and nil in headers that predate it:
/// `baseFee` (London, EIP-1559), `withdrawalsRoot` (Shanghai, EIP-4895), `blobGasUsed`,
/// `excessBlobGas` (Cancun, EIP-4844), `parentBeaconBlockRoot` (Cancun, EIP-4788) and
/// `requestsHash` (Prague, EIP-7685). The RLP encoding lists the fields in that order and stops
/// at the last present one, so `encoded()` of a decoded header gives back the decoded bytes
/// (decoding is canonical) and `hash` is the block hash.
public struct BlockHeader: Sendable, Equatable {
    public var parentHash: Bytes32
    public var ommersHash: Bytes32
    public var coinbase: Address
    public var stateRoot: Bytes32
    public var transactionsRoot: Bytes32
    public var receiptsRoot: Bytes32
    /// 256 bytes.
    public var logsBloom: [UInt8]
    public var difficulty: UInt256
    public var number: UInt64
    public var gasLimit: UInt64
    public var gasUsed: UInt64
    public var timestamp: UInt64
    public var extraData: [UInt8]
    /// PREVRANDAO from Paris on.
    public var mixHash: Bytes32
    /// 8 bytes; zero from Paris on.
    public var nonce: [UInt8]
    public var baseFee: UInt256?
    public var withdrawalsRoot: Bytes32?
    public var blobGasUsed: UInt64?
    public var excessBlobGas: UInt64?
    public var parentBeaconBlockRoot: Bytes32?
    public var requestsHash: Bytes32?

    public init(parentHash: Bytes32 = .zero, ommersHash: Bytes32 = Keccak256.emptyListHash, coinbase: Address = .zero,
                stateRoot: Bytes32 = Keccak256.emptyTrieRoot, transactionsRoot: Bytes32 = Keccak256.emptyTrieRoot,
                receiptsRoot: Bytes32 = Keccak256.emptyTrieRoot, logsBloom: [UInt8] = [UInt8](repeating: 0, count: 256),
                difficulty: UInt256 = .zero, number: UInt64 = 0, gasLimit: UInt64 = 30_000_000, gasUsed: UInt64 = 0,
                timestamp: UInt64 = 0, extraData: [UInt8] = [], mixHash: Bytes32 = .zero,
                nonce: [UInt8] = [UInt8](repeating: 0, count: 8), baseFee: UInt256? = nil, withdrawalsRoot: Bytes32? = nil,
                blobGasUsed: UInt64? = nil, excessBlobGas: UInt64? = nil, parentBeaconBlockRoot: Bytes32? = nil,
                requestsHash: Bytes32? = nil) {
        self.parentHash = parentHash; self.ommersHash = ommersHash; self.coinbase = coinbase; self.stateRoot = stateRoot
        self.transactionsRoot = transactionsRoot; self.receiptsRoot = receiptsRoot; self.logsBloom = logsBloom
        self.difficulty = difficulty; self.number = number; self.gasLimit = gasLimit; self.gasUsed = gasUsed
        self.timestamp = timestamp; self.extraData = extraData; self.mixHash = mixHash; self.nonce = nonce
        self.baseFee = baseFee; self.withdrawalsRoot = withdrawalsRoot; self.blobGasUsed = blobGasUsed
        self.excessBlobGas = excessBlobGas; self.parentBeaconBlockRoot = parentBeaconBlockRoot; self.requestsHash = requestsHash
    }

    /// Field names in RLP order (used in decoding errors).
    public static let fieldNames = ["parentHash", "ommersHash", "coinbase", "stateRoot", "transactionsRoot", "receiptsRoot",
                                    "logsBloom", "difficulty", "number", "gasLimit", "gasUsed", "timestamp", "extraData",
                                    "mixHash", "nonce", "baseFeePerGas", "withdrawalsRoot", "blobGasUsed", "excessBlobGas",
                                    "parentBeaconBlockRoot", "requestsHash"]

    /// The number of RLP fields a header of `fork` has (15 before London … 21 from Prague).
    public static func fieldCount(fork: Hardfork) -> Int {
        if fork >= .prague { return 21 }
        if fork >= .cancun { return 20 }
        if fork >= .shanghai { return 17 }
        if fork >= .london { return 16 }
        return 15
    }

    /// `rlp([parentHash, …, last present optional field])`.
    public func encoded() -> [UInt8] {
        var items: [[UInt8]] = [
            RLP.encode(bytes: parentHash.bytes), RLP.encode(bytes: ommersHash.bytes), RLP.encode(bytes: coinbase.bytes),
            RLP.encode(bytes: stateRoot.bytes), RLP.encode(bytes: transactionsRoot.bytes), RLP.encode(bytes: receiptsRoot.bytes),
            RLP.encode(bytes: logsBloom), RLP.encode(difficulty), RLP.encode(number), RLP.encode(gasLimit), RLP.encode(gasUsed),
            RLP.encode(timestamp), RLP.encode(bytes: extraData), RLP.encode(bytes: mixHash.bytes), RLP.encode(bytes: nonce),
        ]
        let optional: [[UInt8]?] = [baseFee.map { RLP.encode($0) }, withdrawalsRoot.map { RLP.encode(bytes: $0.bytes) },
                                    blobGasUsed.map { RLP.encode($0) }, excessBlobGas.map { RLP.encode($0) },
                                    parentBeaconBlockRoot.map { RLP.encode(bytes: $0.bytes) },
                                    requestsHash.map { RLP.encode(bytes: $0.bytes) }]
        let last = optional.lastIndex { $0 != nil } ?? -1
        if last >= 0 {
            // A gap (a later field present, an earlier one not) encodes the missing one as empty.
            for k in 0...last { items.append(optional[k] ?? RLP.encode(bytes: [UInt8]())) }
        }
        return RLP.encodeList(items)
    }

    /// The block hash: keccak-256 of the RLP header.
    public var hash: Bytes32 { Keccak256.hash(encoded()) }

    /// Decodes a header from its RLP list.
    ///
    /// With `fork`, the list must have exactly `fieldCount(fork:)` items; without, any count
    /// from 15 to 21 is read (used for uncle headers, which are only checked for absence after
    /// the Merge). Numbers must be canonical and fit their width (64 bits for number, gas limit,
    /// gas used, timestamp and the blob fields; 256 for difficulty and base fee); hashes are 32
    /// bytes, the coinbase 20, the bloom 256 and the nonce 8.
    public static func decode(_ item: RLPItem, fork: Hardfork?) throws(BlockDecodingError) -> BlockHeader {
        guard case .list(let f) = item else { throw .headerNotList }
        if let fork {
            let expected = fieldCount(fork: fork)
            guard f.count == expected else { throw .headerFieldCount(expected: expected, actual: f.count) }
        } else {
            guard (15...21).contains(f.count) else { throw .headerFieldCount(expected: 15, actual: f.count) }
        }
        func field<T>(_ i: Int, _ read: (RLPItem) throws(RLPError) -> T) throws(BlockDecodingError) -> T {
            do throws(RLPError) { return try read(f[i]) } catch { throw .headerField(fieldNames[i], error) }
        }
        func fixed(_ i: Int, _ n: Int) throws(BlockDecodingError) -> [UInt8] {
            let b = try field(i) { (x: RLPItem) throws(RLPError) -> [UInt8] in try x.asBytes() }
            guard b.count == n else { throw .headerField(fieldNames[i], .wrongLength(expected: n, actual: b.count)) }
            return b
        }
        var h = BlockHeader(
            parentHash: try field(0) { (x: RLPItem) throws(RLPError) in try x.asBytes32() },
            ommersHash: try field(1) { (x: RLPItem) throws(RLPError) in try x.asBytes32() },
            coinbase: try field(2) { (x: RLPItem) throws(RLPError) in try x.asAddress() },
            stateRoot: try field(3) { (x: RLPItem) throws(RLPError) in try x.asBytes32() },
            transactionsRoot: try field(4) { (x: RLPItem) throws(RLPError) in try x.asBytes32() },
            receiptsRoot: try field(5) { (x: RLPItem) throws(RLPError) in try x.asBytes32() },
            logsBloom: try fixed(6, 256),
            difficulty: try field(7) { (x: RLPItem) throws(RLPError) in try x.asUInt256() },
            number: try field(8) { (x: RLPItem) throws(RLPError) in try x.asUInt64() },
            gasLimit: try field(9) { (x: RLPItem) throws(RLPError) in try x.asUInt64() },
            gasUsed: try field(10) { (x: RLPItem) throws(RLPError) in try x.asUInt64() },
            timestamp: try field(11) { (x: RLPItem) throws(RLPError) in try x.asUInt64() },
            extraData: try field(12) { (x: RLPItem) throws(RLPError) in try x.asBytes() },
            mixHash: try field(13) { (x: RLPItem) throws(RLPError) in try x.asBytes32() },
            nonce: try fixed(14, 8))
        if f.count > 15 { h.baseFee = try field(15) { (x: RLPItem) throws(RLPError) in try x.asUInt256() } }
        if f.count > 16 { h.withdrawalsRoot = try field(16) { (x: RLPItem) throws(RLPError) in try x.asBytes32() } }
        if f.count > 17 { h.blobGasUsed = try field(17) { (x: RLPItem) throws(RLPError) in try x.asUInt64() } }
        if f.count > 18 { h.excessBlobGas = try field(18) { (x: RLPItem) throws(RLPError) in try x.asUInt64() } }
        if f.count > 19 { h.parentBeaconBlockRoot = try field(19) { (x: RLPItem) throws(RLPError) in try x.asBytes32() } }
        if f.count > 20 { h.requestsHash = try field(20) { (x: RLPItem) throws(RLPError) in try x.asBytes32() } }
        return h
    }

    /// Decodes a header from its RLP bytes (e.g. a test's `genesisRLP` header part).
    public static func decode(_ bytes: [UInt8], fork: Hardfork?) throws(BlockDecodingError) -> BlockHeader {
        let item: RLPItem
        do throws(RLPError) { item = try RLP.decode(bytes) } catch { throw .rlp(error) }
        return try decode(item, fork: fork)
    }
}
