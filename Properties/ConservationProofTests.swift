import EVMCore
import EVMExecution
import Foundation
import ParallelExecutor
import SMT
import Testing
import Counterexamples
import DeFiContracts
import Proofs
import PlantedFaults

/// Z3 conservation proofs on executed blocks, and the parallel double spend as a replayable
/// counterexample file. Serialized: Z3 queries share the machine with the rest of the gate.
@Suite(.serialized) struct ConservationProofTests {
    static let seed: UInt64 = 0x5eed

    @Test func executedTransferBlockIsProvenConserved() throws {
        let input = TransferBlockGenerator(transactions: 30, senders: 5).generate(seed: Self.seed)
        let report = try ConservationProof.prove(input, tokens: [TransferBlockGenerator.token])
        print("seed 0x\(String(Self.seed, radix: 16)):\n\(report)")
        #expect(report.proven, "\(report)")
        #expect(report.mismatches.isEmpty)
        #expect(report.assets.map(\.asset) == [.ether, .token(TransferBlockGenerator.token)])
        // The block exercises what the model distinguishes: rejected transactions (no effect),
        // reverted token transfers (fees only) and token transfers that moved.
        #expect(report.executed < report.transactions, "no rejected transaction in this block")
        #expect(report.transfers.contains { !$0.moved && $0.asset != .ether }, "no reverted token transfer")
        #expect(report.transfers.contains { $0.moved && $0.asset != .ether })
        #expect(report.transfers.count == report.executed)
    }

    @Test func plantedFeeCreditedTwiceIsRefutedAndDisagreesWithTheExecutor() throws {
        let input = TransferBlockGenerator(transactions: 12, senders: 3).generate(seed: Self.seed &+ 1)
        let twice = TransferSemantics(name: "tipCreditedTwice") { t, cb in
            TransferSemantics.reference.movements(t, cb) + [.credit(cb, .ether, [t.tip])]
        }
        let report = try ConservationProof.prove(input, tokens: [TransferBlockGenerator.token], semantics: twice)
        #expect(!report.proven)
        let ether = try #require(report.assets.first { $0.asset == .ether })
        let w = try #require(ether.verdict.witness, "expected a violation: \(ether)")
        var tips = UInt256.zero
        for t in report.transfers { if case .value(let v) = t.tip { tips = tips &+ v } }
        #expect(!tips.isZero)
        #expect(w.excess == tips.decimalString, "witness \(w)")
        // Evaluated on the real pre-state, the planted model's coinbase balance is off by the tips.
        #expect(report.mismatches.count == 1 && report.mismatches[0].contains("\(TransferBlockGenerator.coinbase)"), "\(report.mismatches)")
        #expect(report.assets.first { $0.asset != .ether }?.verdict.isConserved == true)
    }

    @Test func executorThatMintsIsCaughtByTheCrossCheck() throws {
        // `mintEther` credits the coinbase one extra wei per executed transaction: the receipts
        // (hence the transfers) are the real ones and conserve, but the executor's post-state
        // is not what they say.
        let input = TransferBlockGenerator(transactions: 10, senders: 3).generate(seed: Self.seed)
        let report = try ConservationProof.prove(input, tokens: [TransferBlockGenerator.token], executor: .mintEther)
        #expect(!report.proven)
        #expect(report.assets.allSatisfy { $0.verdict.isConserved })
        let cb = TransferBlockGenerator.coinbase
        let pre = input.pre.account(cb)?.balance ?? .zero
        let honest = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        let post = input.pre.copy()
        post.apply(honest.diff)
        let expected = post.account(cb)?.balance ?? .zero
        #expect(report.mismatches == ["ether \(cb): encoding \(expected.decimalString), executor \((expected &+ UInt256(UInt64(report.executed))).decimalString)"],
                "pre \(pre.decimalString): \(report.mismatches)")
    }

    @Test func tokenWithoutBalanceCheckIsCaughtAsAnUncoveredDebit() throws {
        // The library ERC-20 with its balance check removed: a transfer of more than the sender
        // holds succeeds and wraps its balance. The word terms wrap the same way (so the
        // post-state agrees), but the coverage the proof assumes is false on the real
        // pre-state, and the report says so instead of claiming a proof.
        let input = TransferBlockGenerator(transactions: 30, senders: 5, tokenRate: 1).generate(seed: Self.seed)
        input.pre.setAccount(TransferBlockGenerator.token, nonce: 1, balance: .zero, code: ERC20Token.code(faults: PlantedFault.tokenSkipBalanceCheck),
                             storage: input.pre.storage[TransferBlockGenerator.token] ?? [:])
        let honest = try ConservationProof.prove(TransferBlockGenerator(transactions: 30, senders: 5, tokenRate: 1).generate(seed: Self.seed),
                                                 tokens: [TransferBlockGenerator.token])
        #expect(honest.proven && honest.transfers.contains { !$0.moved }, "the honest token must revert some of these transfers")
        let report = try ConservationProof.prove(input, tokens: [TransferBlockGenerator.token])
        #expect(!report.proven)
        let uncovered = report.mismatches.filter { $0.contains("covered is false on the real pre-state") }
        #expect(!uncovered.isEmpty, "\(report)")
        #expect(uncovered.allSatisfy { $0.contains("debit of token \(TransferBlockGenerator.token)") }, "\(uncovered)")
    }

    @Test func unsupportedTransactionsAreTypedErrorsNamingTheField() throws {
        var input = TransferBlockGenerator(transactions: 6, senders: 2, tokenRate: 0).generate(seed: Self.seed)
        for i in input.transactions.indices {
            input.transactions[i].transaction.to = nil
            input.transactions[i].transaction.gasLimit = 100_000   // a creation's intrinsic gas is 53 000
        }
        // The first transaction that executes is the one the extraction stops at.
        let serial = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        let first = try #require(serial.outcomes.firstIndex { $0.receipt != nil })
        #expect(throws: TransferExtractionError.unsupported(field: "transactions[\(first)].to", reason: "contract creation is not a transfer")) {
            try ConservationProof.prove(input, tokens: [TransferBlockGenerator.token])
        }
        var call = TransferBlockGenerator(transactions: 6, senders: 2, tokenRate: 1).generate(seed: Self.seed)
        for i in call.transactions.indices {
            call.transactions[i].transaction.data = ERC20Token.approve(spender: TransferBlockGenerator.sender(0), amount: 1)
        }
        let callResult = SerialExecutor().execute(preState: call.pre, block: call.block, transactions: call.transactions, fork: call.fork)
        let firstCall = try #require(callResult.outcomes.firstIndex { $0.receipt != nil })
        #expect(throws: TransferExtractionError.unsupported(field: "transactions[\(firstCall)].data", reason: "only transfer(address,uint256) calls are modelled")) {
            try ConservationProof.prove(call, tokens: [TransferBlockGenerator.token])
        }
    }

    @Test func doubleSpendFileReplaysAsReproduced() throws {
        guard case .found(let w, let file) = try DoubleSpendCounterexample.search(seed: Self.seed) else {
            Issue.record("Z3 found no double spend")
            return
        }
        #expect(file.property == "no_double_spend" && file.variant == "parallelGroup:staleBalanceReads")
        // Deterministic: the same seed gives the same model and byte-identical files.
        guard case .found(_, let again) = try DoubleSpendCounterexample.search(seed: Self.seed) else {
            Issue.record("second search found nothing")
            return
        }
        #expect(again.encoded() == file.encoded())
        // Concrete pre-state from the model: the sender holds exactly the model's balance.
        let input = try file.blockInput()
        #expect(input.pre.account(DoubleSpendCounterexample.sender)?.balance == w.balance)
        #expect(input.transactions.map(\.transaction.value) == [w.value0, w.value1])

        // Serially the second transfer is rejected; the faulty group executes both and the
        // sender's balance wraps past zero.
        let serial = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
        #expect(serial.outcomes[0].receipt?.success == true)
        guard case .rejected(let e) = serial.outcomes[1] else {
            Issue.record("tx 1 executed serially: \(serial.outcomes[1])")
            return
        }
        #expect(e == .insufficientAccountFunds)
        let faulty = StaleBalanceGroup.execute(input)
        #expect(faulty.outcomes.allSatisfy { $0.receipt?.success == true })
        let after = try #require(UInt256(decimal: file.actual.values["sender balance after"] ?? ""))
        #expect(after > w.balance, "the faulty group's debits must wrap the balance: \(after)")
        #expect(file.firstDifference.field.contains("1"), "first difference \(file.firstDifference)")

        // The real Block-STM executor is not fooled: it equals serial on this input.
        #expect(DoubleSpendCase.realParallelDifference(input, seed: Self.seed) == nil)

        let keep = ProcessInfo.processInfo.environment["LOCKSTEP_FAULT_DIR"]
        let dir = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-double-spend-\(UUID().uuidString)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: dir) } }
        let url = try file.write(to: dir)
        #expect(url.path.hasSuffix("no_double_spend/\(file.contentHash).json"))
        let loaded = try CounterexampleFile.load(path: url.path)
        #expect(loaded == file)
        guard case .reproduced(let v, let identical) = try loaded.replay() else {
            Issue.record("double-spend file replays as fixed")
            return
        }
        #expect(identical, "replayed difference \(v.difference) vs stored \(file.firstDifference)")
        #expect(CounterexampleStore.classify(path: url.path) == .reproduced(v.difference.description))

        // A tampered file is a typed error naming the field, not a crash.
        var bad = file
        bad.doubleSpend?.group = [1, 0]
        #expect(throws: CounterexampleError.invalidValue(field: "doubleSpend.group", value: "[1, 0]",
                                                         reason: "expected every transaction index in order (at least 2)")) { try bad.replay() }
        var badVariant = String(decoding: file.encoded(), as: UTF8.self)
        badVariant = badVariant.replacingOccurrences(of: "parallelGroup:staleBalanceReads", with: "parallelGroup:nope")
        #expect(throws: CounterexampleError.unknownVariant("parallelGroup:nope")) { try CounterexampleFile.decode(Data(badVariant.utf8)) }
    }
}
