import Testing
import Foundation
import EVMCore
import EVMState
import EVMExecution
import EVMChain
import EthereumTests
import ParallelExecutor
import _TestSupport
import PlantedFaults

/// A slice of the upstream blockchain tests through the block importer on the serial executor,
/// the threaded parallel executor and 20 seeded schedules; each header rule rejected on a
/// mutated real block with its own typed reason; malformed block bytes rejected with typed
/// errors. The full corpus is a CLI run (`lockstep blocktest`, see README and BENCHMARKS.md).
@Suite(.enabled(if: FixturePaths.ethereumTests != nil, "ethereum-tests fixtures not found (set LOCKSTEP_ETHEREUM_TESTS)"))
struct BlockchainTestTests {
    static let slice = [
        "ValidBlocks/bcEIP1153-transientStorage", "ValidBlocks/bcEIP4844-blobtransactions", "ValidBlocks/bcExample",
        "ValidBlocks/bcValidBlockTest", "ValidBlocks/bcEIP3675", "ValidBlocks/bcBlockGasLimitTest",
        "InvalidBlocks/bcInvalidHeaderTest", "InvalidBlocks/bc4895-withdrawals", "InvalidBlocks/bcMultiChainTest",
        "InvalidBlocks/bcUncleSpecialTests", "InvalidBlocks/bcStateTests",
    ]
    /// Folders whose blocks hold several transactions (the parallel executor's interesting case).
    static let multiTransaction = ["ValidBlocks/bcEIP1153-transientStorage", "ValidBlocks/bcValidBlockTest",
                                   "ValidBlocks/bcBlockGasLimitTest", "ValidBlocks/bcEIP4844-blobtransactions"]

    static func paths(_ folders: [String]) -> [String] {
        folders.compactMap { FixturePaths.ethereumTests?.appendingPathComponent("BlockchainTests/\($0)").path }
    }

    static func run(_ folders: [String], label: String, _ execute: (BlockchainTest) -> BlockchainTestOutcome) throws -> BlockchainRunSummary {
        var failures: [String] = []
        let runner = BlockchainTestRunner(filter: try CaseFilter(), onReport: { r in
            if r.status != .passed { failures.append("\(r.file) \(r.name): \(r.outcome.error ?? "")") }
        })
        let summary = try runner.run(paths: paths(folders), execute: execute)
        #expect(failures.isEmpty, "\(label): \(failures.prefix(5).joined(separator: "\n"))")
        #expect(summary.tests.total.passed > 0, "\(label): no test passed")
        return summary
    }

    @Test func sliceSerialAndThreaded() throws {
        let serial = try Self.run(Self.slice, label: "serial") { BlockchainTestExecution.run($0) }
        #expect(serial.totalBlocks.imported >= 70)
        #expect(serial.totalBlocks.rejectedAsExpected >= 60)
        let threaded = try Self.run(Self.slice, label: "threaded") { BlockchainTestExecution.run($0, executor: DifferentialExecutor(candidate: ParallelExecutor(driver: .threaded(workers: 2)))) }
        #expect(threaded.totalBlocks == serial.totalBlocks.withSeconds(threaded.totalBlocks.seconds))
    }

    @Test func multiTransactionBlocksUnderTwentySchedules() throws {
        _ = try Self.run(Self.multiTransaction, label: "schedules") { test in
            var last = BlockchainTestOutcome(pass: false, error: "no schedule", blocks: [])
            for seed in UInt64(1)...20 {
                let driver = ParallelExecutor.Driver.deterministic(seed: seed, workers: 4, abortBias: 0.5)
                last = BlockchainTestExecution.run(test, executor: DifferentialExecutor(candidate: ParallelExecutor(driver: driver)))
                if !last.pass { last.error = "seed \(seed): \(last.error ?? "")"; break }
            }
            return last
        }
    }

    /// The comparison can fail: a parallel executor that drops the beneficiary's fees is caught.
    @Test func faultyParallelExecutorIsCaught() throws {
        let tests = try BlockchainTest.load(contentsOf: try Self.file("ValidBlocks/bcEIP1153-transientStorage/transStorageBlockchain.json"),
                                            relativePath: "transStorageBlockchain.json")
        let faulty = DifferentialExecutor(candidate: ParallelExecutor(driver: .threaded(workers: 2), faults: PlantedFault.dropBeneficiaryFees))
        let outcome = BlockchainTestExecution.run(tests[0], executor: faulty)
        #expect(!outcome.pass)
        #expect(!faulty.differences.isEmpty)
    }

    static func file(_ relative: String) throws -> URL {
        try #require(FixturePaths.ethereumTests).appendingPathComponent("BlockchainTests/\(relative)")
    }

    /// A real Cancun block with all four transaction types, and its chain at genesis.
    static func sample() throws -> (chain: () throws -> Chain, genesis: BlockHeader, block: Block) {
        let test = try #require(try BlockchainTest.load(contentsOf: try file("ValidBlocks/bcEIP4844-blobtransactions/blockWithAllTransactionTypes.json"),
                                                        relativePath: "blockWithAllTransactionTypes.json").first)
        let genesis = try Block.decode(test.genesisRLP, fork: .cancun).header
        let block = try Block.decode(test.blocks[0].rlp, fork: .cancun)
        let pre = InMemoryState()
        for (a, acct) in test.pre { pre.setAccount(a, nonce: acct.nonce, balance: acct.balance, code: acct.code, storage: acct.storage) }
        return ({ try Chain(genesis: genesis, state: pre, importer: BlockImporter(fork: .cancun)) }, genesis, block)
    }

    @Test func everyRuleRejectsAMutatedBlockWithItsOwnReason() throws {
        let (makeChain, genesis, block) = try Self.sample()
        #expect(block.transactions.count == 4)
        // Control: the unmodified block imports.
        let imported = try makeChain().importBlock(block)
        #expect(imported.hash == block.hash)

        let mutations: [(String, (inout Block) -> Void)] = [
            ("parent", { $0.header.parentHash = Bytes32(UInt256(7)) }),
            ("number", { $0.header.number += 1 }),
            ("timestamp", { $0.header.timestamp = genesis.timestamp }),
            ("extraData", { $0.header.extraData = [UInt8](repeating: 1, count: 33) }),
            ("gasLimit", { $0.header.gasLimit = genesis.gasLimit / 2 }),
            ("gasUsedLimit", { $0.header.gasUsed = $0.header.gasLimit + 1 }),
            ("baseFee", { $0.header.baseFee = ($0.header.baseFee ?? .zero) &+ .one }),
            ("difficulty", { $0.header.difficulty = .one }),
            ("nonce", { $0.header.nonce = [0, 0, 0, 0, 0, 0, 0, 1] }),
            ("ommersHash", { $0.header.ommersHash = .zero }),
            ("uncles", { $0.uncles = [genesis] }),
            ("excessBlobGas", { $0.header.excessBlobGas = ($0.header.excessBlobGas ?? 0) + 1 }),
            ("blobGasUsed", { $0.header.blobGasUsed = ($0.header.blobGasUsed ?? 0) + Transaction.gasPerBlob }),
            ("gasUsed", { $0.header.gasUsed -= 1 }),
            ("transactionsRoot", { $0.header.transactionsRoot = .zero }),
            ("withdrawalsRoot", { $0.header.withdrawalsRoot = .zero }),
            ("receiptsRoot", { $0.header.receiptsRoot = .zero }),
            ("logsBloom", { $0.header.logsBloom[0] ^= 1 }),
            ("stateRoot", { $0.header.stateRoot = .zero }),
            ("transaction", { $0.transactions[1].nonce += 5 }),
        ]
        for (check, mutate) in mutations {
            var b = block
            mutate(&b)
            let chain = try makeChain()
            do throws(BlockRejection) {
                _ = try chain.importBlock(b)
                Issue.record("\(check): mutated block was imported")
            } catch {
                #expect(error.check == check, "mutation \(check) rejected by \(error.check): \(error)")
            }
            #expect(chain.head == chain.genesisHash, "\(check): a rejected block moved the head")
        }
        // A zero parent hash has its own reason.
        var orphan = block
        orphan.header.parentHash = .zero
        #expect(throws: BlockRejection.unknownParentZero) { try makeChain().importBlock(orphan) }
    }

    @Test func malformedBlockBytesGiveTypedErrors() throws {
        let (_, _, block) = try Self.sample()
        let bytes = block.encoded()
        // The canonical encoding round-trips.
        #expect(try Block.decode(bytes, fork: .cancun).encoded() == bytes)

        #expect(throws: BlockDecodingError.rlp(.truncated(needed: bytes.count - 3, available: bytes.count - 4))) {
            try Block.decode(Array(bytes.dropLast()), fork: .cancun)
        }
        #expect(throws: BlockDecodingError.blockNotList) { try Block.decode([0x83, 1, 2, 3], fork: .cancun) }
        // Without the withdrawals part (a Paris-shaped body) in Cancun.
        let shanghaiLess = RLP.encodeList([block.header.encoded(), RLP.encodeList([]), RLP.encodeList([])])
        #expect(throws: BlockDecodingError.blockFieldCount(expected: 4, actual: 3)) { try Block.decode(shanghaiLess, fork: .cancun) }
        // A header without parentBeaconBlockRoot.
        var h = block.header
        h.parentBeaconBlockRoot = nil
        let shortHeader = RLP.encodeList([h.encoded(), RLP.encodeList([]), RLP.encodeList([]), RLP.encodeList([])])
        #expect(throws: BlockDecodingError.headerFieldCount(expected: 20, actual: 19)) { try Block.decode(shortHeader, fork: .cancun) }
        // A 9-byte gas limit.
        guard case .list(let original) = try RLP.decode(block.header.encoded()) else { Issue.record("header not a list"); return }
        var fields = original
        fields[9] = .bytes([1, 0, 0, 0, 0, 0, 0, 0, 0])
        let wide = RLP.encodeList([RLP.encode(.list(fields)), RLP.encodeList([]), RLP.encodeList([]), RLP.encodeList([])])
        #expect(throws: BlockDecodingError.headerField("gasLimit", .integerTooLarge(maxBytes: 8))) { try Block.decode(wide, fork: .cancun) }
        // A 19-byte coinbase.
        fields = original
        fields[2] = .bytes([UInt8](repeating: 0xaa, count: 19))
        let shortCoinbase = RLP.encodeList([RLP.encode(.list(fields)), RLP.encodeList([]), RLP.encodeList([]), RLP.encodeList([])])
        #expect(throws: BlockDecodingError.headerField("coinbase", .wrongLength(expected: 20, actual: 19))) {
            try Block.decode(shortCoinbase, fork: .cancun)
        }

        // Seeded byte flips, truncations and insertions: never a trap; whatever decodes
        // re-encodes to exactly the input (decoding is canonical); a truncated or lengthened
        // block never decodes (the outer length no longer fits).
        var rng = SeededRNG(seed: 12)
        var acceptedResized = 0
        for round in 0..<400 {
            var m = bytes
            switch round % 3 {
            case 0: m[Int(rng.next() % UInt64(m.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            case 1: m = Array(m.prefix(Int(rng.next() % UInt64(m.count))))
            default: m.insert(UInt8(truncatingIfNeeded: rng.next()), at: Int(rng.next() % UInt64(m.count)))
            }
            do {
                let decoded = try Block.decode(m, fork: .cancun)
                #expect(decoded.encoded() == m, "seed 12 round \(round): decoded bytes do not re-encode to the input")
                if round % 3 != 0 { acceptedResized += 1 }
            } catch {
                // Typed: `Block.decode` throws only `BlockDecodingError`.
            }
        }
        #expect(acceptedResized == 0, "seed 12: \(acceptedResized) truncated or lengthened blocks decoded")
    }
}

extension BlockTally {
    func withSeconds(_ s: Double) -> BlockTally {
        var t = self
        t.seconds = s
        return t
    }
}
