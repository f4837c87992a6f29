import EVMCore
import SMT
import Testing
import PlantedFaults

extension SMTTests {
    /// Conservation and double-spend queries on hand-written transfer lists.
    @Suite struct Conservation {
        static let alice = Address(low: 0xa11ce), bob = Address(low: 0xb0b), carol = Address(low: 0xca401)
        static let coinbase = Address(low: 0xc0ffee), token = Address(low: 0x70c3)

        /// Three ether transfers (one failed: fees only), a token transfer and one with a
        /// symbolic value, with fees; the coinbase is also a recipient.
        static let batch: [Transfer] = [
            Transfer(label: "t0", from: alice, to: bob, value: .value(1_000), burnedFee: .value(147_000), tip: .value(21_000)),
            Transfer(label: "t1", from: bob, to: coinbase, value: .value(5), burnedFee: .value(147_000), tip: .value(42_000)),
            Transfer(label: "t2", from: carol, to: alice, value: .value(9_999), burnedFee: .value(147_000), tip: .zero, moved: false),
            Transfer(label: "t3", from: alice, to: carol, asset: .token(token), value: .value(300), burnedFee: .value(210_000), tip: .value(30_000)),
            Transfer(label: "t4", from: carol, to: bob, value: .symbol("v4"), burnedFee: .value(147_000), tip: .value(1)),
        ]

        @Test func conservedBatchIsUnsat() throws {
            let c = try Z3Context()
            let ledger = try LedgerEncoding(context: c, transfers: Self.batch, coinbase: Self.coinbase)
            let reports = try ledger.checkAll(withCore: true, timeoutMilliseconds: 120_000)
            #expect(reports.map(\.asset) == [.ether, .token(Self.token)])
            // Every debit has a nonzero amount, so each one's coverage is needed (without it that
            // balance can wrap): the core must name all of them, and the goal.
            let debits = [Asset.ether: 5, .token(Self.token): 1]
            for r in reports {
                guard case .conserved(let found) = r.verdict, let core = found else {
                    Issue.record("\(r.asset): expected conserved with a core, got \(r.verdict)")
                    continue
                }
                #expect(core.contains("sums differ"), "core \(core)")
                #expect(core.filter { $0.hasPrefix("#") && $0.hasSuffix("covered") }.count == debits[r.asset], "core \(core)")
                print("\(r)")
            }
            #expect(reports[0].accounts == 4)   // alice, bob, carol, coinbase
            #expect(reports[1].accounts == 2)   // alice, carol
        }

        @Test func supplyBoundAloneAlsoProvesIt() throws {
            // The stronger statement: no per-credit assumption, only Σ pre < 2^256. Z3 must now
            // derive that no credit wraps, which is arithmetic bit-blasting finds hard, so this
            // runs on the concrete transfers only (t0–t3).
            let c = try Z3Context()
            let concrete = Self.batch.filter { if case .symbol = $0.value { return false } else { return true } }
            #expect(concrete.count == 4)
            let ledger = try LedgerEncoding(context: c, transfers: concrete, coinbase: Self.coinbase)
            let ether = try ledger.check(.ether, overflow: .supplyBound, timeoutMilliseconds: 120_000)
            #expect(ether.isConserved, "\(ether)")
            guard case .conserved(let found) = try ledger.check(.token(Self.token), overflow: .supplyBound, withCore: true),
                  let core = found else {
                Issue.record("token: expected conserved with a core")
                return
            }
            // Without the bound the credit could wrap the recipient: the core needs it.
            #expect(core.contains("supply of \(Asset.token(Self.token)) < 2^256"), "core \(core)")
            #expect(!core.contains { $0.hasPrefix("+") })
        }

        @Test func wrapIdentitiesHold() throws {
            let results = try LedgerEncoding.proveWrapIdentities()
            #expect(results.map(\.name) == ["wrapping subtraction", "wrapping addition"])
            for r in results { #expect(r.result.isUnsat, "\(r.name): \(r.result)") }
            // Planted: without the 2^256 correction each identity is refuted, by a borrow
            // (a < b) and by a carry (a + b wraps) respectively.
            let planted = try LedgerEncoding.proveWrapIdentities(faults: PlantedFault.droppedWrapTerms)
            #expect(planted.count == 2)
            for (i, r) in planted.enumerated() {
                guard case .sat(let m) = r.result else { Issue.record("\(r.name) without its wrap term: \(r.result)"); continue }
                let c = m.context
                let a = try m.value(c.bitVector("a", width: 256)), b = try m.value(c.bitVector("b", width: 256))
                #expect(i == 0 ? a < b : a &+ b < a, "\(r.name): a \(a.hexString), b \(b.hexString)")
            }
        }

        @Test func withoutCoverageDebitsWrapAndConservationFails() throws {
            // A semantics that debits without the coverage check is wrong only through wrapping:
            // Z3 must find a pre balance below the debit (the sender's balance wraps).
            let uncovered = TransferSemantics(name: "uncoveredDebit") { t, _ in
                guard case .value(let v) = t.value else { return [] }
                // Adds the two's complement: the same bits as a debit, without its coverage check.
                return [.credit(t.from, t.asset, [.value(.zero &- v)]), .credit(t.to, t.asset, [t.value])]
            }
            let c = try Z3Context()
            let t = Transfer(label: "x", from: Self.alice, to: Self.bob, value: .value(10))
            let ledger = try LedgerEncoding(context: c, transfers: [t], coinbase: Self.coinbase, semantics: uncovered)
            let v = try ledger.check(.ether)
            guard let w = v.witness else {
                Issue.record("expected a violation, got \(v)")
                return
            }
            // alice's balance was below 10, so adding 2^256 − 10 wrapped instead of subtracting.
            let alicePre = try #require(w.pre.first { $0.account == Self.alice }).balance
            #expect(alicePre < 10, "witness \(w)")
            #expect(w.sumBefore != w.sumAfterPlusBurned)
        }

        @Test func tipCreditedTwiceIsFoundWithConcreteValues() throws {
            // Planted bug: the coinbase is credited the tip twice.
            let feeTwice = TransferSemantics(name: "tipCreditedTwice") { t, cb in
                TransferSemantics.reference.movements(t, cb) + [.credit(cb, .ether, [t.tip])]
            }
            let c = try Z3Context()
            let ledger = try LedgerEncoding(context: c, transfers: Self.batch, coinbase: Self.coinbase, semantics: feeTwice)
            let ether = try ledger.check(.ether)
            guard let w = ether.witness else {
                Issue.record("expected a violation, got \(ether)")
                return
            }
            // The excess is exactly the tips credited a second time: 21000 + 42000 + 0 + 30000 + 1.
            #expect(w.excess == "93001", "witness \(w)")
            let cbPre = try #require(w.pre.first { $0.account == Self.coinbase }).balance
            let cbPost = try #require(w.post.first { $0.account == Self.coinbase }).balance
            // The coinbase also receives t1's value of 5.
            #expect(cbPost &- cbPre == UInt256(2 * 93_001 + 5 as UInt64))
            // Token balances are untouched by the planted bug.
            #expect(try ledger.check(.token(Self.token)).isConserved)
        }

        @Test func evaluationMatchesHandComputedPostState() throws {
            let c = try Z3Context()
            let concrete = Self.batch.map { t -> Transfer in
                var t = t
                if case .symbol = t.value { t.value = .value(77) }
                return t
            }
            let ledger = try LedgerEncoding(context: c, transfers: concrete, coinbase: Self.coinbase)
            let pre: [BalanceKey: UInt256] = [
                BalanceKey(.ether, Self.alice): 10_000_000, BalanceKey(.ether, Self.bob): 500_000,
                BalanceKey(.ether, Self.carol): 2_000_000, BalanceKey(.ether, Self.coinbase): 3,
                BalanceKey(.token(Self.token), Self.alice): 1_000, BalanceKey(.token(Self.token), Self.carol): 0,
            ]
            let post = try ledger.evaluate(preBalances: pre)
            #expect(post[BalanceKey(.ether, Self.alice)] == UInt256(10_000_000 - 1_000 - 168_000 - 240_000 as UInt64))
            #expect(post[BalanceKey(.ether, Self.bob)] == UInt256(500_000 + 1_000 - 5 - 189_000 + 77 as UInt64))
            #expect(post[BalanceKey(.ether, Self.carol)] == UInt256(2_000_000 - 147_000 - 147_001 - 77 as UInt64))
            #expect(post[BalanceKey(.ether, Self.coinbase)] == UInt256(3 + 21_000 + 42_000 + 5 + 30_000 + 1 as UInt64))
            #expect(post[BalanceKey(.token(Self.token), Self.alice)] == 700)
            #expect(post[BalanceKey(.token(Self.token), Self.carol)] == 300)
            #expect(throws: ConservationError.self) { try ledger.evaluate(preBalances: [:]) }
            let symbolic = try LedgerEncoding(context: c, transfers: Self.batch, coinbase: Self.coinbase)
            #expect(throws: ConservationError.notConcrete("v4")) { try symbolic.evaluate(preBalances: pre) }
        }

        @Test func doubleSpendFoundInParallelNotSerially() throws {
            let q = DoubleSpendQuery(gasPrice: 20)
            guard case .found(let w, let constraints) = try DoubleSpendSearch.find(q) else {
                Issue.record("no double spend found")
                return
            }
            let fee = UInt256(21_000 * 20 as UInt64)
            #expect(w.cost0 == fee &+ w.value0 && w.cost1 == fee &+ w.value1)
            #expect(w.cost0 <= w.balance && w.cost1 <= w.balance, "\(w)")      // both pass the stale check
            #expect(w.cost1 > w.balance &- w.cost0, "\(w)")                      // the second fails serially
            #expect(!w.value0.isZero && !w.value1.isZero && w.balance < UInt256.one.shiftedLeft(80))
            #expect(constraints.contains("serial: cost1 > balance after tx0"))
            #expect(throws: Z3Error.self) { try DoubleSpendSearch.find(DoubleSpendQuery(valueBits: 0)) }
        }
    }
}
