import EVMCore
import EVMState
import EVMExecution
import Foundation
import Testing
import SequencerModel
import Sequencer
import BatchVerification
import Generators

/// The Z3 search for rule-respecting reorderings that change a user's outcome.
@Suite(.serialized) struct FairnessSearchTests {
    /// A full sandwich attempt (searcher buy, victim buy with a slippage bound, searcher sell):
    /// the rules leave no choice — R10 keeps the victim before the later privileged sell, R9
    /// then forbids the buy between them, and the searcher's lane fixes buy before sell — so
    /// Z3 proves every conflicting pair pinned and there is no witness.
    @Test func sandwichAttemptIsPinnedByTheRules() throws {
        let victim = World.user(3), searcher = World.searcher(0)
        let stream = [
            IntakeTx(id: 0, arrival: 40, kind: .privileged, tx: World.swap(searcher, nonce: 0, pool: 0, buy: true, amount: 8_000, tip: 5)),
            IntakeTx(id: 1, arrival: 41, tx: World.swap(victim, nonce: 0, pool: 0, buy: true, amount: 1_000, minOut: 900, tip: 2)),
            IntakeTx(id: 2, arrival: 42, kind: .privileged, tx: World.swap(searcher, nonce: 1, pool: 0, buy: false, amount: 8_000, tip: 5)),
        ]
        let input = World.input(stream)
        let out = try sequenced(input)
        #expect(out.order == [1, 0, 2], "\(layout(out))")
        #expect(try verify(input, out).passed)
        let report = try BatchVerifier.searchReorderings(input: input, output: out)
        #expect(report.pairs == 3 && report.pinned == 3 && report.witnesses.isEmpty, "\(report)")
    }

    /// A searcher's buy received just before a victim's buy with a slippage bound, no
    /// back-run: both orders respect every rule, and they differ for the victim (its swap
    /// reverts after the front-run). The search reports that as a fairness witness.
    @Test func frontRunWithSlippageIsAFairnessWitness() throws {
        let victim = World.user(3)
        let stream = [
            IntakeTx(id: 0, arrival: 40, kind: .privileged, tx: World.swap(World.searcher(0), nonce: 0, pool: 0, buy: true, amount: 8_000, tip: 5)),
            IntakeTx(id: 1, arrival: 41, tx: World.swap(victim, nonce: 0, pool: 0, buy: true, amount: 1_000, minOut: 900, tip: 2)),
        ]
        let input = World.input(stream)
        let out = try sequenced(input)
        #expect(Set(out.order) == [0, 1], "\(layout(out))")
        #expect(try verify(input, out).passed)
        let report = try BatchVerifier.searchReorderings(input: input, output: out)
        let w = try #require(report.witnesses.first { $0.user == victim }, "\(report)")
        #expect(w.alternative == out.order.reversed() && [w.first, w.second] == out.order)
        #expect(w.field == "status of tx 1", "\(w)")
        #expect(Set([w.emitted, w.reordered]) == ["reverted", "success"], "\(w)")
        // The witness is sound: its order passes the verifier, and re-execution shows the change.
        let alt = rebuilt(out, [(out.batches[0].index, w.alternative.map { [$0] })])
        let altVerdict = try verify(input, alt)
        #expect(altVerdict.passed, "\(altVerdict.violations)")
        let victimFirst = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: [stream[1].tx, stream[0].tx], fork: .cancun)
        let frontRunFirst = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: [stream[0].tx, stream[1].tx], fork: .cancun)
        #expect(victimFirst.outcomes[0].receipt?.success == true)
        #expect(frontRunFirst.outcomes[1].receipt?.success == false)
    }

    /// Without a slippage bound the victim's swap succeeds either way, but it receives less
    /// after the front-run: the witness is the victim's pool balance.
    @Test func frontRunChangesTheVictimsTokenBalance() throws {
        let victim = World.user(3)
        let stream = [
            IntakeTx(id: 0, arrival: 40, kind: .privileged, tx: World.swap(World.searcher(0), nonce: 0, pool: 0, buy: true, amount: 8_000)),
            IntakeTx(id: 1, arrival: 41, tx: World.swap(victim, nonce: 0, pool: 0, buy: true, amount: 1_000)),
        ]
        let input = World.input(stream)
        let out = try sequenced(input)
        let report = try BatchVerifier.searchReorderings(input: input, output: out)
        let w = try #require(report.witnesses.first { $0.user == victim }, "\(report.witnesses)")
        let key = SequencerContracts.slot(victim, 1)
        #expect(w.field == "slot \(World.pool(0)):\(key.hexString)", "\(w)")
        let emitted = try #require(UInt256(hex: w.emitted.dropFirst(2))), reordered = try #require(UInt256(hex: w.reordered.dropFirst(2)))
        let (victimFirst, frontRunFirst) = out.order.first == 1 ? (emitted, reordered) : (reordered, emitted)
        #expect(frontRunFirst < victimFirst, "the victim receives less after the front-run: \(w)")
    }

    /// The rules pin an oracle update before its dependent liquidation (R6): Z3 finds no
    /// reversal, so no witness; transfers between disjoint accounts do not conflict at all.
    @Test func pinnedAndIndependentPairsGiveNoWitness() throws {
        let stream = [
            IntakeTx(id: 0, arrival: 20, kind: .oracleUpdate(feed: 1), tx: World.update(nonce: 0, feed: 1, price: 90)),
            IntakeTx(id: 1, arrival: 25, kind: .liquidation(feed: 1), tx: World.liquidate(World.user(2), nonce: 0, feed: 1, position: 1)),
            IntakeTx(id: 2, arrival: 26, tx: World.call(World.user(4), nonce: 0, to: World.user(5), data: [])),
            IntakeTx(id: 3, arrival: 27, tx: World.call(World.user(6), nonce: 0, to: World.user(7), data: [])),
        ]
        let input = World.input(stream)
        let out = try sequenced(input)
        #expect(try verify(input, out).passed)
        let report = try BatchVerifier.searchReorderings(input: input, output: out)
        #expect(report.pairs == 1 && report.pinned == 1, "\(report)")
        #expect(report.witnesses.isEmpty, "\(report.witnesses)")
    }

    /// On generated adversarial streams every witness the search reports is sound: the
    /// alternative order passes the verifier (one transaction per group).
    @Test(arguments: [UInt64(21), 22])
    func witnessesOnGeneratedStreamsAreRuleRespecting(seed: UInt64) throws {
        let input = World.input(StreamGenerator(count: 30).generate(seed: seed))
        let out = try sequenced(input)
        let report = try BatchVerifier.searchReorderings(input: input, output: out, maxPairs: 12, maxWitnesses: 3)
        #expect(report.pairs > 0, "seed \(seed): the generated stream has conflicting pairs")
        for w in report.witnesses {
            let l = layout(out).map { (i, groups) in
                i == w.batch ? (i, w.alternative.map { [$0] }) : (i, groups)
            }
            let v = try verify(input, rebuilt(out, l))
            let ordering = v.violations.filter { !["R13", "R14", "R15"].contains($0.rule) }
            #expect(ordering.isEmpty, "seed \(seed) \(w): \(ordering)")
        }
    }
}
