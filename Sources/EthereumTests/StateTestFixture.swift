import EVMCore
import Foundation

// Typed model of a *filled* GeneralStateTests file (see ethereum-tests/README.md, "JSON shape").
// Loading validates everything a runner relies on (hex, sizes, index ranges, list lengths), so
// expanding a test into cases cannot fail afterwards.

/// The block a state test's transaction runs in (`env`).
public struct FixtureEnv: Sendable, Equatable {
    public var coinbase: Address
    public var gasLimit: UInt256
    public var number: UInt256
    public var timestamp: UInt256
    /// `currentDifficulty` (pre-Merge DIFFICULTY).
    public var difficulty: UInt256?
    /// `currentRandom` (PREVRANDAO from Paris on).
    public var random: Bytes32?
    /// `currentBaseFee` (EIP-1559), absent in some pre-London Pyspecs tests.
    public var baseFee: UInt256?
    /// `currentExcessBlobGas` (EIP-4844), absent in some pre-Cancun Pyspecs tests.
    public var excessBlobGas: UInt256?

    public init(coinbase: Address, gasLimit: UInt256, number: UInt256, timestamp: UInt256,
                difficulty: UInt256? = nil, random: Bytes32? = nil, baseFee: UInt256? = nil,
                excessBlobGas: UInt256? = nil) {
        self.coinbase = coinbase; self.gasLimit = gasLimit; self.number = number; self.timestamp = timestamp
        self.difficulty = difficulty; self.random = random; self.baseFee = baseFee; self.excessBlobGas = excessBlobGas
    }
}

/// One account of `pre`.
public struct FixtureAccount: Sendable, Equatable {
    public var balance: UInt256
    public var nonce: UInt64
    public var code: [UInt8]
    /// Slot → value exactly as listed (zero values, if any, are kept).
    public var storage: [UInt256: UInt256]

    public init(balance: UInt256, nonce: UInt64, code: [UInt8], storage: [UInt256: UInt256]) {
        self.balance = balance; self.nonce = nonce; self.code = code; self.storage = storage
    }
}

/// One entry of an EIP-2930 access list: an address and its storage keys.
public struct AccessEntry: Sendable, Equatable {
    public var address: Address
    public var storageKeys: [Bytes32]

    public init(address: Address, storageKeys: [Bytes32]) {
        self.address = address; self.storageKeys = storageKeys
    }
}

/// One EIP-7702 authorization tuple (`transaction.authorizationList[i]`, newer fixtures only).
/// Numbers are kept at full width because tests probe out-of-range chain ids and nonces.
public struct AuthorizationEntry: Sendable, Equatable {
    public var chainId: UInt256
    public var address: Address
    public var nonce: UInt256
    /// `yParity` (or `v` when only that is given).
    public var yParity: UInt256
    public var r: UInt256
    public var s: UInt256
    /// The recovered authority as written by the filler, when present.
    public var signer: Address?

    public init(chainId: UInt256, address: Address, nonce: UInt256, yParity: UInt256, r: UInt256, s: UInt256,
                signer: Address? = nil) {
        self.chainId = chainId; self.address = address; self.nonce = nonce; self.yParity = yParity
        self.r = r; self.s = s; self.signer = signer
    }
}

/// A transaction `value`. Fixtures may hold a value wider than 256 bits (retesteth's
/// `0x:bigint 0x1…` form, `stTransactionTest/ValueOverflowParis`); such a transaction cannot
/// be built and must be rejected (the fixture expects `RLP_INVALID_VALUE`).
public enum TxValue: Sendable, Equatable {
    case word(UInt256)
    /// Minimal big-endian bytes of a value that needs more than 256 bits.
    case exceeds256Bits([UInt8])

    /// The value when it fits in 256 bits.
    public var word: UInt256? {
        if case .word(let w) = self { return w }
        return nil
    }
}

/// `transaction`: a template that expands into one transaction per (data, gas, value) index triple.
public struct TxTemplate: Sendable, Equatable {
    public var data: [[UInt8]]
    public var gasLimit: [UInt256]
    public var value: [TxValue]
    /// Kept at full width: the protocol caps nonces at 2^64 − 1 (EIP-2681) and a fixture may probe that.
    public var nonce: UInt256
    /// nil for contract creation (`"to": ""`).
    public var to: Address?
    public var sender: Address?
    public var secretKey: Bytes32
    public var gasPrice: UInt256?
    public var maxFeePerGas: UInt256?
    public var maxPriorityFeePerGas: UInt256?
    /// Parallel to `data` when present; a nil entry means "no access list" for that variant.
    public var accessLists: [[AccessEntry]?]?
    public var blobVersionedHashes: [Bytes32]?
    public var maxFeePerBlobGas: UInt256?
    public var authorizationList: [AuthorizationEntry]?

    public init(data: [[UInt8]], gasLimit: [UInt256], value: [TxValue], nonce: UInt256, to: Address?,
                sender: Address?, secretKey: Bytes32, gasPrice: UInt256? = nil, maxFeePerGas: UInt256? = nil,
                maxPriorityFeePerGas: UInt256? = nil, accessLists: [[AccessEntry]?]? = nil,
                blobVersionedHashes: [Bytes32]? = nil, maxFeePerBlobGas: UInt256? = nil,
                authorizationList: [AuthorizationEntry]? = nil) {
        self.data = data; self.gasLimit = gasLimit; self.value = value; self.nonce = nonce; self.to = to
        self.sender = sender; self.secretKey = secretKey; self.gasPrice = gasPrice; self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas; self.accessLists = accessLists
        self.blobVersionedHashes = blobVersionedHashes; self.maxFeePerBlobGas = maxFeePerBlobGas
        self.authorizationList = authorizationList
    }
}

/// `post[fork][i].indexes`.
public struct PostIndexes: Sendable, Equatable, Hashable {
    public var data: Int
    public var gas: Int
    public var value: Int

    public init(data: Int, gas: Int, value: Int) { self.data = data; self.gas = gas; self.value = value }
}

/// One expected result, `post[fork][i]`.
public struct PostEntry: Sendable, Equatable {
    public var indexes: PostIndexes
    /// Expected state root.
    public var hash: Bytes32
    /// Expected keccak-256 of the RLP list of logs.
    public var logs: Bytes32
    public var txbytes: [UInt8]?
    /// Non-nil: the transaction must be rejected; alternatives are separated by `|`.
    public var expectException: String?

    public init(indexes: PostIndexes, hash: Bytes32, logs: Bytes32, txbytes: [UInt8]? = nil,
                expectException: String? = nil) {
        self.indexes = indexes; self.hash = hash; self.logs = logs; self.txbytes = txbytes
        self.expectException = expectException
    }
}

/// One named test of a fixture file.
public struct StateTest: Sendable, Equatable {
    public var name: String
    public var env: FixtureEnv
    public var pre: [Address: FixtureAccount]
    public var transaction: TxTemplate
    /// Fork name (raw, as in the file) → expected results.
    public var post: [String: [PostEntry]]

    public init(name: String, env: FixtureEnv, pre: [Address: FixtureAccount], transaction: TxTemplate,
                post: [String: [PostEntry]]) {
        self.name = name; self.env = env; self.pre = pre; self.transaction = transaction; self.post = post
    }

    /// Fork names of `post`, known forks first in protocol order, then unknown names sorted.
    public var forkNames: [String] {
        post.keys.sorted { a, b in
            switch (Hardfork(fixtureName: a), Hardfork(fixtureName: b)) {
            case let (x?, y?): return x == y ? a < b : x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
    }
}

/// A loaded fixture file: its tests sorted by name.
public struct StateTestFile: Sendable, Equatable {
    /// Path relative to the fixture root, e.g. `GeneralStateTests/stExample/add11.json`.
    public var path: String
    /// Folder used for per-folder summaries, e.g. `stExample` or `Cancun/stEIP5656-MCOPY`.
    public var folder: String
    public var tests: [StateTest]

    public init(path: String, folder: String, tests: [StateTest]) {
        self.path = path; self.folder = folder; self.tests = tests
    }

    /// Reads and parses a file; the first problem anywhere is thrown.
    public static func load(contentsOf url: URL, relativePath: String) throws(FixtureError) -> StateTestFile {
        try parse(try read(url, relativePath: relativePath), relativePath: relativePath)
    }

    /// Parses file contents; the first problem anywhere is thrown.
    public static func parse(_ data: Data, relativePath: String) throws(FixtureError) -> StateTestFile {
        var tests: [StateTest] = []
        for result in try parseTests(data, relativePath: relativePath) {
            switch result {
            case .success(let t): tests.append(t)
            case .failure(let e): throw e
            }
        }
        return StateTestFile(path: relativePath, folder: folder(ofRelativePath: relativePath), tests: tests)
    }

    /// Parses file contents test by test, sorted by test name: a malformed test yields its own
    /// error and does not hide the others. Throws only when the file as a whole is unusable
    /// (not JSON, not an object). Tests whose name `including` rejects are skipped unconverted.
    public static func parseTests(_ data: Data, relativePath: String,
                                  including: (String) -> Bool = { _ in true }) throws(FixtureError) -> [Result<StateTest, FixtureError>] {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw FixtureError(file: relativePath, problem: .invalidJSON(jsonErrorText(error)))
        }
        // Foundation keeps the later of two equal keys; a fixture that says two things about
        // one field is refused instead (the field names the object, `$` the file's root).
        if let d = JSONDuplicateKeys.first(in: data) {
            throw FixtureError(file: relativePath, field: d.path, problem: .duplicateKey(d.key))
        }
        let node = FixtureNode(value: root, file: relativePath, test: nil, path: "")
        let entries = try node.entries().filter { including($0.key) }
        return entries.map { entry -> Result<StateTest, FixtureError> in
            let testNode = FixtureNode(value: entry.node.value, file: relativePath, test: entry.key, path: "")
            do throws(FixtureError) {
                return .success(try StateTest(name: entry.key, node: testNode))
            } catch {
                return .failure(error)
            }
        }
    }

    static func read(_ url: URL, relativePath: String) throws(FixtureError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw FixtureError(file: relativePath, problem: .unreadableFile(error.localizedDescription))
        }
    }

    /// Folder of a relative fixture path, without a leading `GeneralStateTests/` component
    /// (`GeneralStateTests/Cancun/stEIP5656-MCOPY/x.json` → `Cancun/stEIP5656-MCOPY`);
    /// `.` for a file at the root.
    public static func folder(ofRelativePath path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if !parts.isEmpty { parts.removeLast() }
        if parts.first == "GeneralStateTests" { parts.removeFirst() }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    static func jsonErrorText(_ error: Error) -> String {
        let ns = error as NSError
        if let debug = ns.userInfo["NSDebugDescription"] as? String { return debug }
        return ns.localizedDescription
    }
}

// MARK: - Conversion from the JSON tree

extension StateTest {
    init(name: String, node: FixtureNode) throws(FixtureError) {
        _ = try node.object()
        self.name = name
        self.env = try FixtureEnv(node: try node.field("env"))
        self.pre = try Self.parsePre(try node.field("pre"))
        self.transaction = try TxTemplate(node: try node.field("transaction"))
        self.post = try Self.parsePost(try node.field("post"), transaction: transaction)
    }

    static func parsePre(_ node: FixtureNode) throws(FixtureError) -> [Address: FixtureAccount] {
        var pre: [Address: FixtureAccount] = [:]
        for (key, accountNode) in try node.entries() {
            let keyNode = FixtureNode(value: key, file: node.file, test: node.test, path: accountNode.path)
            let address = try keyNode.address()
            let account = try FixtureAccount(node: accountNode)
            if pre.updateValue(account, forKey: address) != nil { throw keyNode.error(.duplicateKey(key)) }
        }
        return pre
    }

    private static func parsePost(_ node: FixtureNode, transaction tx: TxTemplate) throws(FixtureError) -> [String: [PostEntry]] {
        var post: [String: [PostEntry]] = [:]
        // A test without any expectation would run nothing and report nothing: refused.
        if try node.object().isEmpty { throw node.error(.emptyList) }
        for (fork, listNode) in try node.entries() {
            var entries: [PostEntry] = []
            for entryNode in try listNode.nonEmptyArray() {
                let entry = try PostEntry(node: entryNode)
                let idx = try entryNode.field("indexes")
                if entry.indexes.data >= tx.data.count {
                    throw try idx.field("data").error(.indexOutOfRange(index: entry.indexes.data, count: tx.data.count))
                }
                if entry.indexes.gas >= tx.gasLimit.count {
                    throw try idx.field("gas").error(.indexOutOfRange(index: entry.indexes.gas, count: tx.gasLimit.count))
                }
                if entry.indexes.value >= tx.value.count {
                    throw try idx.field("value").error(.indexOutOfRange(index: entry.indexes.value, count: tx.value.count))
                }
                entries.append(entry)
            }
            post[fork] = entries
        }
        return post
    }
}

extension FixtureEnv {
    init(node: FixtureNode) throws(FixtureError) {
        self.coinbase = try node.field("currentCoinbase").address()
        self.gasLimit = try node.field("currentGasLimit").uint256()
        self.number = try node.field("currentNumber").uint256()
        self.timestamp = try node.field("currentTimestamp").uint256()
        self.difficulty = try node.optionalField("currentDifficulty")?.uint256()
        // PREVRANDAO is a 32-byte word; accept unpadded numbers as well.
        self.random = try node.optionalField("currentRandom").map { (n) throws(FixtureError) in Bytes32(try n.uint256()) }
        self.baseFee = try node.optionalField("currentBaseFee")?.uint256()
        self.excessBlobGas = try node.optionalField("currentExcessBlobGas")?.uint256()
    }
}

extension FixtureAccount {
    init(node: FixtureNode) throws(FixtureError) {
        self.balance = try node.field("balance").uint256()
        self.nonce = try node.field("nonce").uint64()
        self.code = try node.field("code").bytes()
        var storage: [UInt256: UInt256] = [:]
        for (key, valueNode) in try node.field("storage").entries() {
            let slot = try FixtureNode(value: key, file: node.file, test: node.test, path: valueNode.path).uint256()
            if storage.updateValue(try valueNode.uint256(), forKey: slot) != nil {
                throw valueNode.error(.duplicateKey(key))
            }
        }
        self.storage = storage
    }
}

extension TxTemplate {
    init(node: FixtureNode) throws(FixtureError) {
        var data: [[UInt8]] = []
        for n in try node.field("data").nonEmptyArray() { data.append(try n.bytes()) }
        var gasLimit: [UInt256] = []
        for n in try node.field("gasLimit").nonEmptyArray() { gasLimit.append(try n.uint256()) }
        var value: [TxValue] = []
        for n in try node.field("value").nonEmptyArray() {
            switch FixtureHex.bigNumber(try n.string()) {
            case .failure(let p): throw n.error(p)
            case .success(let bytes):
                value.append(bytes.count <= 32 ? .word(UInt256(bigEndian: bytes)) : .exceeds256Bits(bytes))
            }
        }
        self.data = data
        self.gasLimit = gasLimit
        self.value = value
        self.nonce = try node.field("nonce").uint256()
        let toNode = try node.field("to")
        self.to = try toNode.string().isEmpty ? nil : toNode.address()
        self.sender = try node.optionalField("sender")?.address()
        self.secretKey = try node.field("secretKey").bytes32()
        self.gasPrice = try node.optionalField("gasPrice")?.uint256()
        self.maxFeePerGas = try node.optionalField("maxFeePerGas")?.uint256()
        self.maxPriorityFeePerGas = try node.optionalField("maxPriorityFeePerGas")?.uint256()
        if gasPrice == nil && maxFeePerGas == nil {
            throw try node.field("gasPrice").error(.missingField)
        }
        if (maxFeePerGas == nil) != (maxPriorityFeePerGas == nil) {
            let missing = maxFeePerGas == nil ? "maxFeePerGas" : "maxPriorityFeePerGas"
            throw FixtureError(file: node.file, test: node.test, field: "\(node.path).\(missing)", problem: .missingField)
        }

        if let listsNode = try node.optionalField("accessLists") {
            var lists: [[AccessEntry]?] = []
            for listNode in try listsNode.array() {
                if listNode.isNull { lists.append(nil); continue }
                var entries: [AccessEntry] = []
                for entryNode in try listNode.array() { entries.append(try AccessEntry(node: entryNode)) }
                lists.append(entries)
            }
            if lists.count != data.count {
                throw listsNode.error(.inconsistent("\(lists.count) access lists for \(data.count) data variants"))
            }
            self.accessLists = lists
        } else {
            self.accessLists = nil
        }

        if let hashesNode = try node.optionalField("blobVersionedHashes") {
            var hashes: [Bytes32] = []
            for n in try hashesNode.array() { hashes.append(try n.bytes32()) }
            self.blobVersionedHashes = hashes
        } else {
            self.blobVersionedHashes = nil
        }
        self.maxFeePerBlobGas = try node.optionalField("maxFeePerBlobGas")?.uint256()

        if let authNode = try node.optionalField("authorizationList") {
            var list: [AuthorizationEntry] = []
            for n in try authNode.array() { list.append(try AuthorizationEntry(node: n)) }
            self.authorizationList = list
        } else {
            self.authorizationList = nil
        }
    }
}

extension AccessEntry {
    init(node: FixtureNode) throws(FixtureError) {
        self.address = try node.field("address").address()
        var keys: [Bytes32] = []
        for n in try node.field("storageKeys").array() { keys.append(try n.bytes32()) }
        self.storageKeys = keys
    }
}

extension AuthorizationEntry {
    init(node: FixtureNode) throws(FixtureError) {
        self.chainId = try node.field("chainId").uint256()
        self.address = try node.field("address").address()
        self.nonce = try node.field("nonce").uint256()
        if let y = try node.optionalField("yParity") {
            self.yParity = try y.uint256()
        } else {
            self.yParity = try node.field("v").uint256()
        }
        self.r = try node.field("r").uint256()
        self.s = try node.field("s").uint256()
        self.signer = try node.optionalField("signer")?.address()
    }
}

extension PostEntry {
    init(node: FixtureNode) throws(FixtureError) {
        let idx = try node.field("indexes")
        self.indexes = PostIndexes(data: try idx.field("data").index(),
                                   gas: try idx.field("gas").index(),
                                   value: try idx.field("value").index())
        self.hash = try node.field("hash").bytes32()
        self.logs = try node.field("logs").bytes32()
        self.txbytes = try node.optionalField("txbytes")?.bytes()
        self.expectException = try node.optionalField("expectException")?.string()
    }
}
