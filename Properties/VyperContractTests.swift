import Foundation
import Testing
import EVMCore
import EVMState
import EVMExecution
import DeFiContracts
import Generators
import PropertyKit
import PlantedFaults

/// The compiled Vyper contracts (issue 14): the committed bytecode is what the pinned compiler
/// makes of the sources, and the storage layout `DeFiLedger` reads is the one the code uses.
@Suite struct VyperContractTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    /// Recompiles every `Contracts/vyper/*.vy` and compares with `VyperBytecode` (skipped, with
    /// a message, when the compiler is not installed).
    @Test func committedBytecodeMatchesTheCompiler() throws {
        let vyper = Self.root.appendingPathComponent(".build-tools/venv/bin/vyper")
        let dir = Self.root.appendingPathComponent("Contracts/vyper")
        let sources = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".vy") }.sorted()
        #expect(Set(sources.map { String($0.dropLast(3)) }) == Set(VyperBytecode.runtimeHex.keys))
        guard FileManager.default.isExecutableFile(atPath: vyper.path) else {
            print("VyperContractTests: skipped the recompilation: \(vyper.path) not found (bash scripts/setup.sh installs Vyper 0.4.3)")
            return
        }
        for file in sources {
            let p = Process()
            p.executableURL = vyper
            p.arguments = ["-f", "bytecode_runtime", dir.appendingPathComponent(file).path]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "vyper failed on \(file)")
            var hex = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if hex.hasPrefix("0x") { hex.removeFirst(2) }
            #expect(hex == VyperBytecode.runtimeHex[String(file.dropLast(3))],
                    "\(file): committed bytecode differs from the compiler's; run scripts/vyper-contracts.sh")
        }
    }

    func run(_ code: [UInt8], _ calls: [(Address, [UInt8])], balances: [Address: UInt256]) -> (InMemoryState, [Bool]) {
        let pre = InMemoryState()
        for a in balances.keys { pre.setAccount(a, nonce: 0, balance: UInt256(1_000_000_000_000_000_000 as UInt64), code: [], storage: [:]) }
        pre.setAccount(DeFiWorld.vyperToken, nonce: 1, balance: .zero, code: code, storage: VyperERC20.storage(balances: balances))
        var nonces: [Address: UInt64] = [:]
        let txs = calls.map { from, data in
            let n = nonces[from, default: 0]; nonces[from] = n + 1
            return RecoveredTransaction(transaction: Transaction(type: .dynamicFee, chainId: 1, nonce: n, gasPrice: 20, maxPriorityFeePerGas: 1,
                                                                 maxFeePerGas: 20, gasLimit: 300_000, to: DeFiWorld.vyperToken, value: .zero, data: data),
                                        sender: from)
        }
        var g = BlockGenerator.defi()
        g.edgeRate = 0
        let env = g.generate(seed: 1).block   // a generated block's environment (Cancun, base fee 7)
        let result = SerialExecutor().execute(preState: pre, block: env, transactions: txs, fork: .cancun)
        let post = pre.copy()
        post.apply(result.diff)
        return (post, result.receipts.map { $0.success })
    }

    /// Transfers move balances at `keccak256(0 ‖ holder)`, keep the supply at slot 2 equal to
    /// their sum, and a transfer of more than the balance reverts; the faulty variant lets it
    /// through and the balance wraps (the supply invariant breaks in one transaction).
    @Test func layoutAndBalanceCheck() {
        let a = Address(low: 0x1001), b = Address(low: 0x1002)
        let calls: [(Address, [UInt8])] = [
            (a, ERC20Token.transfer(to: b, amount: UInt256(300))),
            (b, ERC20Token.transfer(to: a, amount: UInt256(10_000))),   // more than b holds
        ]
        let (post, ok) = run(VyperERC20.code(), calls, balances: [a: UInt256(1000), b: UInt256(50)])
        #expect(ok == [true, false])
        #expect(post.storage(DeFiWorld.vyperToken, VyperERC20.balanceSlot(a)) == UInt256(700))
        #expect(post.storage(DeFiWorld.vyperToken, VyperERC20.balanceSlot(b)) == UInt256(350))
        #expect(DeFiLedger(post).tokenSupplyMismatch(DeFiWorld.vyperToken) == nil)

        let (bad, badOK) = run(VyperERC20.code(faults: PlantedFault.vyperTokenSkipBalanceCheck), calls, balances: [a: UInt256(1000), b: UInt256(50)])
        #expect(badOK == [true, true])
        #expect(DeFiLedger(bad).tokenSupplyMismatch(DeFiWorld.vyperToken) != nil)
    }

    /// The real compiled token passes the DeFi properties and parallel == serial on DeFi blocks.
    @Test func realCompiledTokenPassesTheProperties() {
        #expect(PropertyRunner.run(TokenConservationProperty(generator: .defi()), cases: 15, seed: 0x7e1).failure == nil)
        #expect(PropertyRunner.run(ParallelMatchesSerialProperty(generator: .defi()), cases: 10, seed: 0x7e1).failure == nil)
    }
}
