import EVMCore
import Foundation
import Testing
import _TestSupport
@testable import EthereumTests

/// Loads every shared GeneralStateTests file once (about 1–2 s in a debug build).
enum Corpus {
    struct Loaded: Sendable {
        var files: [StateTestFile]
        var errors: [FixtureError]
    }

    static let loaded: Loaded? = {
        guard let root = FixturePaths.generalStateTests else { return nil }
        guard let refs = try? StateTestRunner.collectFiles([root.path]) else { return Loaded(files: [], errors: []) }
        var files: [StateTestFile] = []
        var errors: [FixtureError] = []
        for ref in refs {
            do throws(FixtureError) {
                files.append(try StateTestFile.load(contentsOf: ref.url, relativePath: ref.relativePath))
            } catch {
                errors.append(error)
            }
        }
        return Loaded(files: files, errors: errors)
    }()
}

@Suite(.enabled(if: FixturePaths.generalStateTests != nil, Comment(rawValue: FixturePaths.missingMessage)))
struct FixtureCorpusTests {
    @Test func everyFileLoadsWithTheDocumentedCounts() throws {
        let corpus = try #require(Corpus.loaded)
        #expect(corpus.errors.isEmpty, "load errors: \(corpus.errors.prefix(5).map(\.description))")
        #expect(corpus.files.count == 1245)
        #expect(corpus.files.reduce(0) { $0 + $1.tests.count } == 2398)
        let cases = try corpus.files.flatMap { try $0.cases() }
        #expect(cases.count == 18103)
        #expect(cases.filter { $0.fork == "Cancun" }.count == 17630)
        #expect(cases.filter { $0.expectException != nil }.count == 1166)
        #expect(cases.allSatisfy { $0.hardfork != nil })
        #expect(Set(cases.map(\.folder)).count == 62)
        let forks = Set(cases.map(\.fork))
        #expect(forks == ["Frontier", "Homestead", "Byzantium", "Constantinople", "ConstantinopleFix", "Istanbul",
                          "Berlin", "London", "Paris", "Shanghai", "Cancun"])
        #expect(Set(cases.map(\.id)).count == cases.count)
    }

    @Test func perFolderCountsMatchTheReadme() throws {
        let corpus = try #require(Corpus.loaded)
        var files: [String: Int] = [:], cases: [String: Int] = [:]
        for f in corpus.files {
            files[f.folder, default: 0] += 1
            cases[f.folder, default: 0] += try f.cases().count
        }
        let expected: [(String, Int, Int)] = [
            ("stExample", 12, 39), ("stBadOpcode", 120, 4134), ("stTimeConsuming", 14, 5190),
            ("Cancun/stEIP5656-MCOPY", 4, 112), ("Pyspecs/cancun/eip4844_blobs", 19, 559),
            ("Pyspecs/frontier/opcodes", 2, 188), ("VMTests/vmArithmeticTest", 19, 219),
            ("stZeroKnowledge", 134, 944), ("stTransactionTest", 35, 260),
        ]
        for (folder, f, c) in expected {
            #expect(files[folder] == f, "files in \(folder)")
            #expect(cases[folder] == c, "cases in \(folder)")
        }
    }

    /// The typed fields are consistent with the signed bytes the filler produced: the tx type
    /// implied by the fields equals the type of `txbytes`.
    @Test func impliedTransactionTypeMatchesTxbytes() throws {
        let corpus = try #require(Corpus.loaded)
        var checked = 0
        var typeCounts: [UInt8: Int] = [:]
        for file in corpus.files {
            for c in try file.cases() {
                let bytes = try #require(c.txbytes, "\(c.id) has no txbytes")
                let first = try #require(bytes.first)
                let type: UInt8 = first >= 0xc0 ? 0 : first
                #expect(c.transaction.impliedType == type, "\(c.id)")
                typeCounts[type, default: 0] += 1
                checked += 1
            }
        }
        #expect(checked == 18103)
        #expect(typeCounts == [0: 15541, 1: 181, 2: 1990, 3: 391])
    }

    @Test func knownValuesOfAdd11() throws {
        let corpus = try #require(Corpus.loaded)
        let file = try #require(corpus.files.first { $0.path == "GeneralStateTests/stExample/add11.json" })
        let c = try #require(try file.cases().first)
        #expect(c.testName == "add11" && c.fork == "Cancun" && c.folder == "stExample")
        #expect(c.env.gasLimit == UInt256(0xff11_2233_4455_66 as UInt64))
        #expect(c.pre.count == 3)
        let target = try #require(Address(hex: "0x095e7baea6a6c7c4c2dfeb977efac326af552d87"))
        #expect(c.pre[target]?.code == [0x60, 0x01, 0x60, 0x01, 0x01, 0x60, 0x00, 0x55, 0x00])
        #expect(c.transaction.value == .word(100_000))
        #expect(c.transaction.gasLimit == 400_000)
        #expect(c.expectedStateRoot.hexString == "0xe8010ce590f401c9d61fef8ab05bea9bcec24281b795e5868809bc4e515aa530")
        #expect(c.expectedLogsHash == Keccak256.emptyListHash)
    }

    @Test func oversizedValueFixtureLoads() throws {
        let corpus = try #require(Corpus.loaded)
        let file = try #require(corpus.files.first { $0.path.hasSuffix("stTransactionTest/ValueOverflowParis.json") })
        let c = try #require(try file.cases().first)
        #expect(c.transaction.value.word == nil)
        #expect(c.expectException == "TransactionException.RLP_INVALID_VALUE")
    }
}
