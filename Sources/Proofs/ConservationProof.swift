import EVMCore
import EVMState
import EVMExecution
import EVMInterpreter
import SMT
import DeFiContracts
import EVMAssembly
import Generators
import PropertyKit
import PlantedFaults

/// Seeded blocks of ether transfers and calls to the library ERC-20 (`ERC20Token.code`,
/// `transfer(address,uint256)` only), the input of `lockstep prove conservation`. Some senders
/// are poor, so some ether transfers are rejected (insufficient funds), and some token
/// amounts exceed the holder's balance, so those calls revert and pay only their fees. Every
/// transaction is one `ConservationProof` can model.
public struct TransferBlockGenerator: Sendable {
    public var transactions: Int
    public var senders: Int
    /// Fraction of token transfers; the rest are ether transfers.
    public var tokenRate: Double

    public init(transactions: Int = 20, senders: Int = 6, tokenRate: Double = 0.4) {
        self.transactions = transactions; self.senders = senders; self.tokenRate = tokenRate
    }

    public static let token = Address(low: 0x70_4e20)
    public static let coinbase = Address(low: 0xc0ffee)
    public static func sender(_ i: Int) -> Address { Address(low: 0x2000 + UInt64(i)) }
    /// Recipients that do not exist before the block (the transfer creates them).
    public static func fresh(_ i: Int) -> Address { Address(low: 0x3000 + UInt64(i)) }

    public func generate(seed: UInt64) -> BlockInput {
        var rng = SplitMix64(seed: seed)
        let n = max(1, senders)
        let pre = InMemoryState()
        let ether = UInt256(1_000_000_000_000_000_000 as UInt64)
        var tokenBalances: [Address: UInt256] = [:]
        for i in 0..<n {
            let a = Self.sender(i)
            let balance = rng.next() % 4 == 0 ? UInt256(rng.next() % 4_000_000_000_000_000) : ether &* UInt256(5)
            pre.setAccount(a, nonce: 0, balance: balance, code: [], storage: [:])
            tokenBalances[a] = UInt256(rng.next() % 1000)
        }
        pre.setAccount(Self.token, nonce: 1, balance: .zero, code: ERC20Token.code, storage: ERC20Token.storage(balances: tokenBalances))
        if rng.next() % 2 == 0 { pre.setAccount(Self.coinbase, nonce: 0, balance: UInt256(rng.next() % 1000), code: [], storage: [:]) }
        var nonces = [UInt64](repeating: 0, count: n)
        var txs: [RecoveredTransaction] = []
        for _ in 0..<max(0, transactions) {
            let s = Int(rng.next() % UInt64(n))
            let sender = Self.sender(s)
            let r = rng.next() % 8
            let recipient = r == 0 ? Self.coinbase : r == 1 ? Self.fresh(Int(rng.next() % 4)) : Self.sender(Int(rng.next() % UInt64(n)))
            var tx = Transaction(type: .dynamicFee, chainId: 1, nonce: nonces[s], gasPrice: 20, maxPriorityFeePerGas: UInt256(rng.next() % 3),
                                 maxFeePerGas: 20, gasLimit: 21_000, to: recipient, value: .zero, data: [])
            nonces[s] += 1
            if Double(rng.next() % 1000) / 1000 < tokenRate {
                tx.to = Self.token
                tx.gasLimit = 100_000
                tx.data = ERC20Token.transfer(to: recipient, amount: UInt256(rng.next() % 1200))
            } else {
                tx.value = UInt256(1 + rng.next() % 3_000_000_000_000_000)
            }
            txs.append(RecoveredTransaction(transaction: tx, sender: sender))
        }
        let env = BlockEnv(coinbase: Self.coinbase, number: 1, timestamp: 1000, gasLimit: 1_000_000_000,
                           prevRandao: UInt256(seed), baseFee: UInt256(7), excessBlobGas: 0, chainId: 1)
        return BlockInput(fork: .cancun, block: env, pre: pre, transactions: txs)
    }
}

/// A transaction the transfer model cannot describe; names the field.
public enum TransferExtractionError: Error, Equatable, CustomStringConvertible {
    case unsupported(field: String, reason: String)

    public var description: String {
        switch self { case .unsupported(let f, let r): return "field \(f): \(r)" }
    }
}

/// The result of proving conservation for one executed block.
public struct BlockConservationReport: Sendable, CustomStringConvertible {
    public var transactions: Int
    public var executed: Int
    public var transfers: [Transfer]
    public var assets: [AssetReport]
    /// Where the encoding, evaluated on the block's concrete pre-state, disagrees with the
    /// executor's post-state, or a debit the executor performed was not covered (empty: the
    /// proof's assumptions held and it is about what the executor actually did).
    public var mismatches: [String]
    public var seconds: Double

    /// Every asset conserved (not violated, vacuous or unknown), the encoding equal to the
    /// executor's post-state, and at least one asset (a block that moves nothing proves nothing).
    public var proven: Bool { mismatches.isEmpty && !assets.isEmpty && assets.allSatisfy(\.verdict.isConserved) }

    /// Per-asset counts: conserved, violated, vacuous, unknown.
    public var counts: (conserved: Int, violated: Int, vacuous: Int, unknown: Int) {
        var c = (conserved: 0, violated: 0, vacuous: 0, unknown: 0)
        for a in assets {
            switch a.verdict {
            case .conserved: c.conserved += 1
            case .violated: c.violated += 1
            case .vacuous: c.vacuous += 1
            case .unknown: c.unknown += 1
            }
        }
        return c
    }

    public var description: String {
        var lines = ["\(transactions) transactions (\(executed) executed, \(transactions - executed) rejected), \(transfers.count) modelled, "
                     + "\(assets.count) assets"]
        lines += assets.map { "  " + $0.description.replacingOccurrences(of: "\n", with: "\n  ") }
        lines.append(mismatches.isEmpty ? "  encoding = executor's post-state on the concrete pre-state (every touched balance)"
                                        : "  ENCODING MISMATCH with the executor:")
        lines += mismatches.map { "    " + $0 }
        return lines.joined(separator: "\n")
    }
}

/// Conservation of ether and token balances over a real executed block: the transfers are
/// read off the serial executor's receipts, encoded with symbolic pre balances, and proven
/// conserved for every pre-state in which the debits are covered. The same terms, evaluated on
/// the block's actual pre-state, must reproduce the executor's post-state balance for balance;
/// that ties the symbolic proof to the executor instead of to a model of it.
public enum ConservationProof {
    /// The transfers of `input` as executed in `result` (rejected transactions move nothing).
    /// Supported: ether transfers to accounts without code, and `transfer(address,uint256)`
    /// calls without value to a contract in `tokens`; blob transactions and creations are not.
    public static func transfers(_ input: BlockInput, _ result: BlockResult, tokens: Set<Address>) throws(TransferExtractionError) -> [Transfer] {
        let london = input.fork >= .london
        let baseFee = london ? input.block.baseFee : .zero
        var out: [Transfer] = []
        for (i, (rtx, outcome)) in zip(input.transactions, result.outcomes).enumerated() {
            guard let r = outcome.receipt else { continue }
            let tx = rtx.transaction, f = "transactions[\(i)]"
            guard r.blobGasUsed == 0 else { throw .unsupported(field: "\(f).blobVersionedHashes", reason: "blob fees are not modelled") }
            guard let to = tx.to else { throw .unsupported(field: "\(f).to", reason: "contract creation is not a transfer") }
            let price = tx.effectiveGasPrice(baseFee: baseFee)
            let gas = UInt256(r.gasUsed)
            let burned = gas &* baseFee, tip = gas &* (price &- baseFee)
            let label = "tx \(i)"
            if tokens.contains(to) {
                guard tx.value.isZero else { throw .unsupported(field: "\(f).value", reason: "a token call with ether value") }
                guard let call = ABI.decode(tx.data), call.selector == ABI.selector(ERC20Token.transferSig), call.words.count == 2 else {
                    throw .unsupported(field: "\(f).data", reason: "only transfer(address,uint256) calls are modelled")
                }
                let moved = r.success
                let recipient = Address(truncating: call.words[0])
                out.append(Transfer(label: label, from: rtx.sender, to: recipient, asset: .token(to), value: .value(call.words[1]),
                                    burnedFee: .value(burned), tip: .value(tip), moved: moved))
            } else {
                if let a = input.pre.account(to), a.hasCode {
                    throw .unsupported(field: "\(f).to", reason: "a call to contract \(to) that is not a listed token")
                }
                out.append(Transfer(label: label, from: rtx.sender, to: to, asset: .ether, value: .value(tx.value),
                                    burnedFee: .value(burned), tip: .value(tip), moved: r.success))
            }
        }
        return out
    }

    /// Executes `input` (serially by default; `executor` picks another, e.g. a faulty variant),
    /// extracts its transfers, proves each asset conserved and checks the encoding against that
    /// executor's post-state: an executor that creates or loses value where no transfer says so
    /// shows up as a mismatch even though the transfers themselves conserve.
    public static func prove(_ input: BlockInput, tokens: Set<Address>, semantics: TransferSemantics = .reference,
                             executor: ExecutorVariant = .reference, overflow: OverflowAssumption = .perCredit,
                             timeoutMilliseconds: UInt32 = 60_000, resourceLimit: UInt32? = nil) throws -> BlockConservationReport {
        let clock = ContinuousClock(), start = clock.now
        let result = executor.execute(input)
        let transfers = try transfers(input, result, tokens: tokens)
        let context = try Z3Context()
        let ledger = try LedgerEncoding(context: context, transfers: transfers, coinbase: input.block.coinbase, semantics: semantics)
        let assets = try ledger.checkAll(overflow: overflow, timeoutMilliseconds: timeoutMilliseconds, resourceLimit: resourceLimit)
        let post = input.pre.copy()
        post.apply(result.diff)
        func balance(_ s: InMemoryState, _ k: BalanceKey) -> UInt256 {
            switch k.asset {
            case .ether: return s.account(k.account)?.balance ?? .zero
            case .token(let t): return s.storage(t, ERC20Token.balanceSlot(k.account))
            }
        }
        var preValues: [BalanceKey: UInt256] = [:]
        for k in ledger.pre.keys { preValues[k] = balance(input.pre, k) }
        let modelled = try ledger.evaluate(preBalances: preValues)
        var mismatches: [String] = []
        // The proof assumes every debit covered; the executor must not have let a short one through.
        for name in try ledger.uncoveredDebits(preBalances: preValues) {
            mismatches.append("\(name) is false on the real pre-state: the executor moved more than the balance it read")
        }
        for k in modelled.keys.sorted() where modelled[k] != balance(post, k) {
            mismatches.append("\(k): encoding \(modelled[k]!.decimalString), executor \(balance(post, k).decimalString)")
        }
        // Balances the executor changed that no transfer touched.
        for (a, d) in result.diff.accounts.sorted(by: { $0.key < $1.key }) {
            let k = BalanceKey(.ether, a)
            if modelled[k] == nil, (d.account?.balance ?? .zero) != (input.pre.account(a)?.balance ?? .zero) {
                mismatches.append("\(k): changed by the executor (\(balance(input.pre, k).decimalString) → \(balance(post, k).decimalString)) but by no modelled transfer")
            }
            guard tokens.contains(a) else { continue }
            for (slot, v) in d.storage.sorted(by: { $0.key < $1.key }) where slot < UInt256.one.shiftedLeft(160) {
                let tk = BalanceKey(.token(a), Address(truncating: slot))
                if modelled[tk] == nil, v != input.pre.storage(a, slot) {
                    mismatches.append("\(tk): changed by the executor but by no modelled transfer")
                }
            }
        }
        let d = clock.now - start
        return BlockConservationReport(transactions: input.transactions.count, executed: result.receipts.count, transfers: transfers,
                                       assets: assets, mismatches: mismatches,
                                       seconds: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }
}
