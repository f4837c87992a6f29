import EVMCore

/// The one transaction of a state-test case: the template with the case's data, gas and
/// value variants (and the matching access list) picked out.
public struct CaseTransaction: Sendable, Equatable {
    public var data: [UInt8]
    public var gasLimit: UInt256
    public var value: TxValue
    public var nonce: UInt256
    /// nil: contract creation.
    public var to: Address?
    public var sender: Address?
    public var secretKey: Bytes32
    public var gasPrice: UInt256?
    public var maxFeePerGas: UInt256?
    public var maxPriorityFeePerGas: UInt256?
    /// nil when the template has no `accessLists` or this data variant's entry is `null`.
    public var accessList: [AccessEntry]?
    public var blobVersionedHashes: [Bytes32]?
    public var maxFeePerBlobGas: UInt256?
    public var authorizationList: [AuthorizationEntry]?

    public init(data: [UInt8], gasLimit: UInt256, value: TxValue, nonce: UInt256, to: Address?, sender: Address?,
                secretKey: Bytes32, gasPrice: UInt256? = nil, maxFeePerGas: UInt256? = nil,
                maxPriorityFeePerGas: UInt256? = nil, accessList: [AccessEntry]? = nil,
                blobVersionedHashes: [Bytes32]? = nil, maxFeePerBlobGas: UInt256? = nil,
                authorizationList: [AuthorizationEntry]? = nil) {
        self.data = data; self.gasLimit = gasLimit; self.value = value; self.nonce = nonce; self.to = to
        self.sender = sender; self.secretKey = secretKey; self.gasPrice = gasPrice; self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas; self.accessList = accessList
        self.blobVersionedHashes = blobVersionedHashes; self.maxFeePerBlobGas = maxFeePerBlobGas
        self.authorizationList = authorizationList
    }

    /// The EIP-2718 type the fixture's fields imply: 4 with an authorization list (EIP-7702),
    /// 3 with blob hashes (EIP-4844), 2 with `maxFeePerGas` (EIP-1559), 1 with an access list
    /// (EIP-2930), else 0 (legacy). Matches the first byte of `txbytes` on every fixture case.
    public var impliedType: UInt8 {
        if authorizationList != nil { return 4 }
        if blobVersionedHashes != nil { return 3 }
        if maxFeePerGas != nil { return 2 }
        if accessList != nil { return 1 }
        return 0
    }
}

/// One state-test case: `post[fork][index]` of one test, with everything needed to run it.
public struct StateTestCase: Sendable, Equatable {
    /// Fixture path relative to the fixture root (`GeneralStateTests/stExample/add11.json`).
    public var file: String
    /// Folder for summaries (`stExample`, `Cancun/stEIP5656-MCOPY`).
    public var folder: String
    public var testName: String
    /// Fork name exactly as in the file.
    public var fork: String
    /// nil for a fork name this code base does not know ("unsupported fork").
    public var hardfork: Hardfork?
    /// Position in `post[fork]`.
    public var index: Int
    public var indexes: PostIndexes
    public var env: FixtureEnv
    public var pre: [Address: FixtureAccount]
    public var transaction: CaseTransaction
    /// The signed transaction bytes the filler produced, when given.
    public var txbytes: [UInt8]?
    public var expectedStateRoot: Bytes32
    public var expectedLogsHash: Bytes32
    /// Non-nil: the transaction must be rejected; alternatives separated by `|`.
    public var expectException: String?

    public init(file: String, folder: String, testName: String, fork: String, hardfork: Hardfork?, index: Int,
                indexes: PostIndexes, env: FixtureEnv, pre: [Address: FixtureAccount], transaction: CaseTransaction,
                txbytes: [UInt8]?, expectedStateRoot: Bytes32, expectedLogsHash: Bytes32, expectException: String?) {
        self.file = file; self.folder = folder; self.testName = testName; self.fork = fork; self.hardfork = hardfork
        self.index = index; self.indexes = indexes; self.env = env; self.pre = pre; self.transaction = transaction
        self.txbytes = txbytes; self.expectedStateRoot = expectedStateRoot; self.expectedLogsHash = expectedLogsHash
        self.expectException = expectException
    }

    /// `file:test:fork:index`, unique within a fixture tree.
    public var id: String { "\(file):\(testName):\(fork):\(index)" }
}

extension StateTest {
    /// Every case of this test: for each fork (see `forkNames`), each `post[fork][i]` in order.
    /// Throws only for a hand-built test whose indexes are out of range (the loader rejects
    /// those already).
    public func cases(file: String, folder: String) throws(FixtureError) -> [StateTestCase] {
        var out: [StateTestCase] = []
        for fork in forkNames {
            let hardfork = Hardfork(fixtureName: fork)
            for (i, entry) in (post[fork] ?? []).enumerated() {
                guard let transaction = transaction.resolve(entry.indexes) else {
                    throw FixtureError(file: file, test: name, field: "post.\(fork)[\(i)].indexes",
                                       problem: .inconsistent("indexes \(entry.indexes) do not select a transaction variant"))
                }
                out.append(StateTestCase(
                    file: file, folder: folder, testName: name, fork: fork, hardfork: hardfork, index: i,
                    indexes: entry.indexes, env: env, pre: pre, transaction: transaction,
                    txbytes: entry.txbytes, expectedStateRoot: entry.hash, expectedLogsHash: entry.logs,
                    expectException: entry.expectException))
            }
        }
        return out
    }
}

extension StateTestFile {
    /// Every case of every test, tests in name order.
    public func cases() throws(FixtureError) -> [StateTestCase] {
        var out: [StateTestCase] = []
        for test in tests { out += try test.cases(file: path, folder: folder) }
        return out
    }
}

extension TxTemplate {
    /// The transaction for one index triple. Indexes must be in range (the loader checks this
    /// for every `post` entry); out-of-range indexes return nil.
    public func resolve(_ indexes: PostIndexes) -> CaseTransaction? {
        guard data.indices.contains(indexes.data), gasLimit.indices.contains(indexes.gas),
              value.indices.contains(indexes.value) else { return nil }
        var accessList: [AccessEntry]? = nil
        if let lists = accessLists, lists.indices.contains(indexes.data) { accessList = lists[indexes.data] }
        return CaseTransaction(
            data: data[indexes.data], gasLimit: gasLimit[indexes.gas], value: value[indexes.value], nonce: nonce,
            to: to, sender: sender, secretKey: secretKey, gasPrice: gasPrice, maxFeePerGas: maxFeePerGas,
            maxPriorityFeePerGas: maxPriorityFeePerGas, accessList: accessList,
            blobVersionedHashes: blobVersionedHashes, maxFeePerBlobGas: maxFeePerBlobGas,
            authorizationList: authorizationList)
    }
}
