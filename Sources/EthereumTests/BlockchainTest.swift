import EVMCore
import EVMState
import EVMExecution
import EVMChain
import Foundation

// Filled BlockchainTests (ethereum-tests/README.md, "BlockchainTests"): a genesis block and its
// pre-state, blocks as RLP (some expected to be rejected), the expected post-state (or its root)
// and the expected head hash.

/// One entry of a blockchain test's `blocks`.
public struct BlockchainTestBlock: Sendable, Equatable {
    public var rlp: [UInt8]
    /// The fixture's exception name(s) (`A|B`) for a block that must be rejected.
    public var expectException: String?
    /// `chainname` (side chains in `bcMultiChainTest`), informative only.
    public var chainName: String?
}

/// One named blockchain test.
public struct BlockchainTest: Sendable, Equatable {
    public var name: String
    /// Fork name as written (`network`), e.g. `Cancun`.
    public var network: String
    public var sealEngine: String
    public var genesisRLP: [UInt8]
    /// `genesisBlockHeader.hash`.
    public var genesisHash: Bytes32
    public var pre: [Address: FixtureAccount]
    public var blocks: [BlockchainTestBlock]
    /// `postState`, or nil when the test gives only `postStateHash`.
    public var postState: [Address: FixtureAccount]?
    public var postStateHash: Bytes32?
    public var lastBlockHash: Bytes32

    public var hardfork: Hardfork? { Hardfork(fixtureName: network) }

    /// The fork is known and one `BlockImporter` implements (Paris and later).
    public var importable: Bool { hardfork.map { $0 >= .paris } ?? false }

    init(name: String, node: FixtureNode) throws(FixtureError) {
        _ = try node.object()
        self.name = name
        network = try node.field("network").string()
        sealEngine = try node.optionalField("sealEngine")?.string() ?? "NoProof"
        genesisRLP = try node.field("genesisRLP").bytes()
        genesisHash = try node.field("genesisBlockHeader").field("hash").bytes32()
        pre = try StateTest.parsePre(try node.field("pre"))
        blocks = []
        for b in try node.field("blocks").array() {
            blocks.append(BlockchainTestBlock(rlp: try b.field("rlp").bytes(),
                                              expectException: try b.optionalField("expectException")?.string(),
                                              chainName: try b.optionalField("chainname")?.string()))
        }
        if let post = try node.optionalField("postState") {
            postState = try StateTest.parsePre(post)
        } else {
            postState = nil
            postStateHash = try node.field("postStateHash").bytes32()
        }
        lastBlockHash = try node.field("lastblockhash").bytes32()
    }

    /// Parses a file's tests (sorted by name); a malformed test yields its own error.
    public static func parseTests(_ data: Data, relativePath: String,
                                  including: (String) -> Bool = { _ in true }) throws(FixtureError) -> [Result<BlockchainTest, FixtureError>] {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw FixtureError(file: relativePath, problem: .invalidJSON(StateTestFile.jsonErrorText(error)))
        }
        let node = FixtureNode(value: root, file: relativePath, test: nil, path: "")
        return try node.entries().filter { including($0.key) }.map { entry -> Result<BlockchainTest, FixtureError> in
            do throws(FixtureError) {
                return .success(try BlockchainTest(name: entry.key, node: FixtureNode(value: entry.node.value, file: relativePath,
                                                                                     test: entry.key, path: "")))
            } catch {
                return .failure(error)
            }
        }
    }

    public static func load(contentsOf url: URL, relativePath: String) throws(FixtureError) -> [BlockchainTest] {
        var out: [BlockchainTest] = []
        for r in try parseTests(try StateTestFile.read(url, relativePath: relativePath), relativePath: relativePath) {
            switch r {
            case .success(let t): out.append(t)
            case .failure(let e): throw e
            }
        }
        return out
    }

    /// True when the file's JSON looks like a blockchain test (its first test has `blocks`).
    public static func looksLikeBlockchainTest(_ data: Data) -> Bool {
        guard let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let first = o.values.first as? [String: Any] else { return false }
        return first["blocks"] != nil && first["genesisRLP"] != nil
    }

    /// Folder for summaries: the relative path's directory without a leading `BlockchainTests/`.
    public static func folder(ofRelativePath path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if !parts.isEmpty { parts.removeLast() }
        if parts.first == "BlockchainTests" { parts.removeFirst() }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}

extension FixtureAccount {
    /// The accounts as a state (the genesis pre-state of a blockchain test).
    public static func state(_ accounts: [Address: FixtureAccount]) -> InMemoryState {
        let s = InMemoryState()
        for (address, a) in accounts { s.setAccount(address, nonce: a.nonce, balance: a.balance, code: a.code, storage: a.storage) }
        return s
    }
}

/// What happened to one block of a test.
public struct BlockReport: Sendable, Equatable {
    public var index: Int
    /// nil when imported; else the check that rejected it.
    public var rejection: BlockRejection?
    public var expectException: String?
    /// For an expected rejection: whether our reason carries one of the fixture's names.
    public var exceptionNameMatches: Bool {
        guard let r = rejection, let e = expectException else { return false }
        return r.matches(fixtureException: e)
    }
}

/// The verdict on one blockchain test.
public struct BlockchainTestOutcome: Sendable, Equatable {
    public var pass: Bool
    public var error: String?
    public var blocks: [BlockReport]
    public var headHash: Bytes32?
    public var stateRoot: Bytes32?
    public var seconds: Double = 0

    public init(pass: Bool, error: String? = nil, blocks: [BlockReport], headHash: Bytes32? = nil, stateRoot: Bytes32? = nil) {
        self.pass = pass; self.error = error; self.blocks = blocks; self.headHash = headHash; self.stateRoot = stateRoot
    }
}

/// Imports a blockchain test through `Chain` on one executor and judges it: the genesis must
/// decode to the given hash and match the pre-state's root; every block without
/// `expectException` must import and every block with one must be rejected (any reason; the
/// check is reported); then the head must be `lastblockhash` and the head state must be
/// `postState` (or have root `postStateHash`). With a `DifferentialExecutor` (how the CLI runs
/// the parallel executor), every block is also run by the serial reference and must give a
/// field-identical `BlockResult`.
public enum BlockchainTestExecution {
    /// Runs the test with `executor` for every block's transactions. A `DifferentialExecutor`
    /// also fails the test at the first block where its candidate and reference differ.
    public static func run(_ test: BlockchainTest, executor: any BlockExecutor = SerialExecutor(enforceBlobGasLimit: true),
                           keepExecutionInputs: Bool = false,
                           onImport: ((Int, ImportedBlock) -> Void)? = nil) -> BlockchainTestOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        var outcome = judge(test, executor: executor, keepExecutionInputs: keepExecutionInputs, onImport: onImport)
        let (s, atto) = (clock.now - start).components
        outcome.seconds = Double(s) + Double(atto) / 1e18
        return outcome
    }

    static func judge(_ test: BlockchainTest, executor: any BlockExecutor, keepExecutionInputs: Bool,
                      onImport: ((Int, ImportedBlock) -> Void)?) -> BlockchainTestOutcome {
        func fail(_ why: String, _ blocks: [BlockReport] = []) -> BlockchainTestOutcome {
            BlockchainTestOutcome(pass: false, error: why, blocks: blocks)
        }
        guard let fork = test.hardfork, test.importable else { return fail("unsupported fork \(test.network) (block import: Paris and later)") }
        guard test.sealEngine == "NoProof" else { return fail("unsupported seal engine \(test.sealEngine)") }
        let genesis: Block
        do throws(BlockDecodingError) { genesis = try Block.decode(test.genesisRLP, fork: fork) } catch {
            return fail("genesisRLP: \(error)")
        }
        guard genesis.hash == test.genesisHash else {
            return fail("genesis hash \(genesis.hash) != genesisBlockHeader.hash \(test.genesisHash)")
        }
        let differential = executor as? DifferentialExecutor
        let chain: Chain
        do throws(ChainError) {
            chain = try Chain(genesis: genesis.header, state: FixtureAccount.state(test.pre),
                              importer: BlockImporter(fork: fork, executor: executor, keepExecutionInput: keepExecutionInputs))
        } catch {
            return fail("\(error)")
        }
        var reports: [BlockReport] = []
        for (i, b) in test.blocks.enumerated() {
            do throws(BlockRejection) {
                let imported = try chain.importBlock(rlp: b.rlp)
                reports.append(BlockReport(index: i, rejection: nil, expectException: b.expectException))
                if let e = b.expectException {
                    return fail("block \(i) (number \(imported.header.number)) was imported but expects \(e)", reports)
                }
                onImport?(i, imported)
            } catch {
                reports.append(BlockReport(index: i, rejection: error, expectException: b.expectException))
                if b.expectException == nil {
                    return fail("block \(i) rejected by \(error.check): \(error)", reports)
                }
            }
            if let d = differential, let first = d.differences.first {
                return fail("block number \(first.number): parallel differs from serial: \(first.difference)", reports)
            }
        }
        var out = BlockchainTestOutcome(pass: false, error: nil, blocks: reports, headHash: chain.head,
                                        stateRoot: chain.headEntry.state.stateRoot())
        if chain.head != test.lastBlockHash {
            out.error = "head \(chain.head) != lastblockhash \(test.lastBlockHash)"
            return out
        }
        let root = out.stateRoot!
        if let post = test.postState {
            let expected = FixtureAccount.state(post)
            if expected.stateRoot() != root {
                out.error = "post-state differs: " + (firstDifference(expected: expected, actual: chain.headEntry.state) ?? "state root")
                return out
            }
        } else if let hash = test.postStateHash, hash != root {
            out.error = "state root \(root) != postStateHash \(hash)"
            return out
        }
        out.pass = true
        return out
    }

    /// The first account (in address order) whose nonce, balance, code or storage differ.
    static func firstDifference(expected: InMemoryState, actual: InMemoryState) -> String? {
        let addresses = Set(expected.accounts.keys).union(actual.accounts.keys).sorted()
        for a in addresses {
            let e = expected.account(a), x = actual.account(a)
            if e != x { return "account \(a): expected \(ResultComparison.describe(e)), got \(ResultComparison.describe(x))" }
            let es = expected.storage[a] ?? [:], xs = actual.storage[a] ?? [:]
            for k in Set(es.keys).union(xs.keys).sorted() where es[k] != xs[k] {
                return "storage \(a)[\(k)]: expected \(es[k] ?? .zero), got \(xs[k] ?? .zero)"
            }
        }
        return nil
    }
}
