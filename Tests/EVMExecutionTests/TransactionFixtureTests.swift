import Foundation
import Testing
import EVMCore
import EVMExecution

/// ethereum/tests TransactionTests: for every file and every fork key, decode + validate +
/// recover must accept exactly the transactions the fixture accepts, with the same hash,
/// sender and intrinsic gas; rejected ones should carry the fixture's exception name (a
/// different reason is reported but is not a failure).
private enum TransactionFixtures {
    /// `LOCKSTEP_ETHEREUM_TESTS`, else `<package root>/../shared/ethereum-tests`.
    static var directory: URL? {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["LOCKSTEP_ETHEREUM_TESTS"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env))
        }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.deletingLastPathComponent().appendingPathComponent("shared/ethereum-tests"))
        for root in candidates {
            let dir = root.appendingPathComponent("TransactionTests")
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue { return dir }
        }
        return nil
    }

    static func jsonFiles(under dir: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
        var out: [URL] = []
        for case let url as URL in walker where url.pathExtension == "json" { out.append(url) }
        return out.sorted { $0.path < $1.path }
    }

    /// Cases that cannot pass, by "file/test/fork", with the reason. Empty: none known.
    static let allowlist: [String: String] = [:]
}

/// What our implementation says about one transaction under one fork.
private enum Verdict {
    case accepted(hash: Bytes32, sender: Address, intrinsicGas: UInt64)
    case rejected(TransactionError)
}

private func evaluate(_ bytes: [UInt8], fork: Hardfork) -> Verdict {
    do throws(TransactionError) {
        let tx = try Transaction.decode(bytes, fork: fork)
        let recovered = try tx.recover(fork: fork, chainId: 1)
        return .accepted(hash: tx.hash, sender: recovered.sender, intrinsicGas: IntrinsicGas.compute(tx, fork: fork).gas)
    } catch {
        return .rejected(error)
    }
}

@Suite struct TransactionFixtureTests {
    @Test(.enabled(if: TransactionFixtures.directory != nil,
                   "ethereum/tests TransactionTests not found: set LOCKSTEP_ETHEREUM_TESTS or place them at ../shared/ethereum-tests"))
    func everyTransactionTest() throws {
        let dir = try #require(TransactionFixtures.directory)
        let files = TransactionFixtures.jsonFiles(under: dir)
        #expect(files.count > 0)

        var passed: [Hardfork: Int] = [:]
        var total: [Hardfork: Int] = [:]
        var unknownForks: Set<String> = []
        var failures: [String] = []
        var reasonMismatches: [String] = []
        var allowed: [String] = []

        for file in files {
            let data = try Data(contentsOf: file)
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(file.path)")
            let relative = file.path.replacingOccurrences(of: dir.path + "/", with: "")
            for (name, body) in json.sorted(by: { $0.key < $1.key }) {
                let test = try #require(body as? [String: Any], "\(relative)/\(name)")
                let hex = try #require(test["txbytes"] as? String, "\(relative)/\(name): txbytes")
                let bytes = try Hex.decode(hex)
                let results = try #require(test["result"] as? [String: Any], "\(relative)/\(name): result")
                for (forkName, expectedAny) in results.sorted(by: { $0.key < $1.key }) {
                    guard let fork = Hardfork(fixtureName: forkName) else {
                        unknownForks.insert(forkName)
                        continue
                    }
                    let expected = try #require(expectedAny as? [String: String], "\(relative)/\(name)/\(forkName)")
                    let id = "\(relative)/\(name)/\(forkName)"
                    total[fork, default: 0] += 1
                    let verdict = evaluate(bytes, fork: fork)
                    if let problem = check(expected: expected, verdict: verdict, reasons: &reasonMismatches, id: id) {
                        if let why = TransactionFixtures.allowlist[id] {
                            allowed.append("\(id): \(problem) [allowed: \(why)]")
                        } else {
                            failures.append("\(id): \(problem)")
                        }
                    } else {
                        passed[fork, default: 0] += 1
                    }
                }
            }
        }

        print("TransactionTests: \(files.count) files")
        for fork in Hardfork.allCases where total[fork] != nil {
            let label = fork.fixtureName.padding(toLength: 18, withPad: " ", startingAt: 0)
            print("  \(label) \(passed[fork, default: 0])/\(total[fork, default: 0])")
        }
        if !unknownForks.isEmpty { print("  unknown fork keys (skipped): \(unknownForks.sorted())") }
        print("  rejected with a different reason than the fixture names: \(reasonMismatches.count)")
        for line in reasonMismatches { print("    \(line)") }
        for line in allowed { print("  ALLOWLISTED \(line)") }
        for line in failures { print("  FAIL \(line)") }
        #expect(failures.isEmpty, "\(failures.count) TransactionTests cases failed; first: \(failures.first ?? "")")
        #expect(total.values.reduce(0, +) > 2000)
    }

    /// nil when the verdict agrees with the fixture on acceptance (and on hash, sender and
    /// intrinsic gas for accepted transactions).
    private func check(expected: [String: String], verdict: Verdict, reasons: inout [String], id: String) -> String? {
        if let exception = expected["exception"] {
            switch verdict {
            case .accepted(_, let sender, let gas):
                return "accepted (sender \(sender), intrinsic gas \(gas)) but fixture expects \(exception)"
            case .rejected(let error):
                if !error.matches(fixtureException: exception) {
                    reasons.append("\(id): expected \(exception), got \(error.fixtureName) (\(error))")
                }
                return nil
            }
        }
        switch verdict {
        case .rejected(let error):
            return "rejected (\(error)) but fixture accepts"
        case .accepted(let hash, let sender, let gas):
            var diffs: [String] = []
            if let h = expected["hash"], Bytes32(hex: h) != hash { diffs.append("hash \(hash) != \(h)") }
            if let s = expected["sender"], Address(hex: s) != sender { diffs.append("sender \(sender) != \(s)") }
            if let g = expected["intrinsicGas"], UInt256(hex: g) != UInt256(gas) {
                diffs.append("intrinsicGas \(gas) != \(g)")
            }
            return diffs.isEmpty ? nil : diffs.joined(separator: "; ")
        }
    }
}
