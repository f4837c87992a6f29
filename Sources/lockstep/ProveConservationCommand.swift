import ArgumentParser
import EVMCore
import Foundation
import PlantedFaults
import SMT
import Counterexamples
import Proofs

/// `lockstep prove conservation [--txs N] [--seed S]` and `… --double-spend [--out DIR]`.
struct ProveConservationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conservation",
        abstract: "Prove ether and token conservation for a generated transfer block; or find a parallel double spend.",
        discussion: """
            Generates a seeded block of ether transfers and ERC-20 transfer calls, executes it serially, reads the \
            transfers off the receipts and asks Z3, per asset, whether the widened sum of balances before can differ \
            from the sum after plus the burned fees while every debit is covered (unsat = conserved). The same terms, \
            evaluated on the block's real pre-state, must equal the executor's post-state balances. \
            With --double-spend: Z3 searches balances for which two transfers of one sender both pass a parallel \
            group's stale balance check but not serial execution, and writes the counterexample file \
            (property no_double_spend, variant parallelGroup:staleBalanceReads) that `lockstep replay` reproduces. \
            The assumptions are first checked satisfiable: a proof whose assumptions no pre-state meets is \
            reported VACUOUS, never proven. --rlimit bounds Z3's work per query (deterministic). \
            Exit codes: 0 proven, 1 counterexample, vacuous or unknown, 64 bad arguments (the option is named).
            """)

    @Option(name: .long, help: "Transactions in the generated block (1…5000).")
    var txs: Int = 40

    @Option(name: .long, help: "Seed of the generated block (printed).")
    var seed: UInt64 = 0x5EED

    @Option(name: .long, help: "Senders in the generated block (1…1000).")
    var senders: Int = 6

    @Option(name: .customLong("token-rate"), help: "Fraction of ERC-20 transfers (0…1).")
    var tokenRate: Double = 0.4

    @Option(name: .long, help: "Z3 timeout per query, in milliseconds (a timeout is a failure).")
    var timeout: UInt32 = 120_000

    @Option(name: .long, help: ArgumentHelp("Z3 resource limit (rlimit) per query; 0 for none. Running out is unknown, a failure (deterministic, unlike --timeout).", valueName: "units"))
    var rlimit: UInt32 = 0

    @Flag(name: .customLong("supply-bound"), help: "Assume only that each asset's supply fits in a word, instead of each credit not overflowing (stronger; much slower).")
    var supplyBound = false

    @Flag(name: .customLong("double-spend"), help: "Search the two-transfer parallel-group double spend and write its counterexample file.")
    var doubleSpend = false

    @Option(name: .long, help: "Where --double-spend writes (default: a temporary directory; never Counterexamples/ — the faulty model is test-only).")
    var out: String?

    @Option(name: .customLong("gas-price"), help: "Gas price of the two transfers in --double-spend (≥ the base fee 7).")
    var gasPrice: UInt64 = 20

    @Flag(name: .long, help: "Print every modelled transfer.")
    var verbose = false

    func validate() throws {
        guard (1...5000).contains(txs) else { throw ValidationError("--txs \(txs): expected 1…5000") }
        guard (1...1000).contains(senders) else { throw ValidationError("--senders \(senders): expected 1…1000") }
        guard tokenRate.isFinite, (0...1).contains(tokenRate) else { throw ValidationError("--token-rate \(tokenRate): expected 0…1") }
        guard timeout > 0 else { throw ValidationError("--timeout: expected > 0") }
        guard gasPrice >= 7 else { throw ValidationError("--gas-price \(gasPrice): expected ≥ 7 (the base fee)") }
        if out != nil && !doubleSpend { throw ValidationError("--out only applies with --double-spend") }
        if rlimit != 0 && doubleSpend { throw ValidationError("--rlimit applies to the conservation proof, not --double-spend") }
    }

    func run() throws {
        if doubleSpend { try runDoubleSpend() } else { try runConservation() }
    }

    private func fail(_ message: String, code: Int32 = 1) -> ExitCode {
        FileHandle.standardError.write(Data("lockstep prove conservation: error: \(message)\n".utf8))
        return ExitCode(code)
    }

    func runConservation() throws {
        let generator = TransferBlockGenerator(transactions: txs, senders: senders, tokenRate: tokenRate)
        print("Conservation of a transfer block: \(txs) transactions, \(senders) senders, token rate \(tokenRate), seed 0x\(String(seed, radix: 16)), "
              + "assuming \(supplyBound ? "each supply < 2^256" : "no credit overflows"), Z3 \(z3Version())")
        let input = generator.generate(seed: seed)
        let report: BlockConservationReport
        do {
            report = try ConservationProof.prove(input, tokens: [TransferBlockGenerator.token],
                                                 overflow: supplyBound ? .supplyBound : .perCredit, timeoutMilliseconds: timeout,
                                                 resourceLimit: rlimit == 0 ? nil : rlimit)
        } catch {
            throw fail("\(error)")
        }
        if verbose { for t in report.transfers { print("  \(t)") } }
        print(report)
        let c = report.counts
        print("\(report.assets.count) assets: \(c.conserved) conserved, \(c.violated) violated, \(c.vacuous) vacuous, \(c.unknown) unknown; "
              + "\(report.mismatches.count) encoding mismatch(es)")
        print(String(format: "%@ in %.3f s", report.proven ? "PROVEN" : "NOT PROVEN", report.seconds))
        if !report.proven { throw ExitCode(1) }
    }

    func runDoubleSpend() throws {
        let query = DoubleSpendQuery(gasPrice: UInt256(gasPrice))
        print("Double-spend search: two transfers of one sender in one parallel group (\(StaleBalanceGroup.name)), gas price \(gasPrice), seed 0x\(String(seed, radix: 16)), Z3 \(z3Version())")
        let outcome: DoubleSpendCounterexample.Outcome
        do {
            outcome = try DoubleSpendCounterexample.search(query: query, seed: seed, timeoutMilliseconds: timeout)
        } catch {
            throw fail("\(error)")
        }
        guard case .found(let witness, let file) = outcome else {
            if case .notFound(let r) = outcome { print("Parallel group: no double spend: \(r)") }
            throw ExitCode(1)
        }
        print("Parallel group: Z3 found \(witness)")
        let root = URL(fileURLWithPath: out ?? FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-double-spend").path)
        let url: URL
        do { url = try file.write(to: root) } catch { throw fail("cannot write under \(root.path): \(error)") }
        print("First difference (serial vs faulty group): \(file.firstDifference.field) expected \(file.firstDifference.expected) actual \(file.firstDifference.actual)")
        print("Sender balance after: serial \(file.expected.values["sender balance after"] ?? "?"), faulty group \(file.actual.values["sender balance after"] ?? "?")")
        if let input = try? file.blockInput() {
            let d = DoubleSpendCase.realParallelDifference(input, seed: seed)
            print("The real parallel executor on this block, 8 seeded schedules: " + (d.map { "DIFFERS from serial: \($0)" } ?? "equals serial"))
        }
        print("Replay: lockstep replay \(url.path)")
        throw ExitCode(1)
    }
}
