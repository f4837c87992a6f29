import Foundation
import Testing
import EVMCore
import EVMState
import EVMExecution
import DeFiContracts
import EVMAssembly
import Generators
import PropertyKit
import PlantedFaults

/// The compiled Vyper contracts (issue 14): the committed bytecode is what the pinned compiler
/// makes of the sources, and the storage layout `DeFiLedger` reads is the one the code uses.
@Suite struct VyperContractTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    /// Recompiles every `Contracts/vyper/*.vy` (one compiler run) and compares the bytecode
    /// and the storage layout with `VyperBytecode` (skipped, with a message, when the compiler
    /// is not installed).
    @Test func committedBytecodeMatchesTheCompiler() throws {
        let vyper = Self.root.appendingPathComponent(".build-tools/venv/bin/vyper")
        let dir = Self.root.appendingPathComponent("Contracts/vyper")
        let sources = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".vy") }.sorted()
        #expect(Set(sources.map { String($0.dropLast(3)) }) == Set(VyperBytecode.runtimeHex.keys))
        #expect(Set(sources.map { String($0.dropLast(3)) }) == Set(VyperBytecode.storageSlots.keys))
        guard FileManager.default.isExecutableFile(atPath: vyper.path) else {
            print("VyperContractTests: skipped the recompilation: \(vyper.path) not found (bash scripts/setup.sh installs Vyper 0.4.3)")
            return
        }
        let p = Process()
        p.executableURL = vyper
        p.arguments = ["-f", "bytecode_runtime,layout"] + sources.map { dir.appendingPathComponent($0).path }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "vyper failed on \(sources)")
        // Per source, in the order given: a line of bytecode, a line of layout JSON.
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        try #require(lines.count == 2 * sources.count, "unexpected compiler output: \(lines.count) lines for \(sources.count) sources")
        for (i, file) in sources.enumerated() {
            let name = String(file.dropLast(3))
            var hex = lines[2 * i]
            if hex.hasPrefix("0x") { hex.removeFirst(2) }
            #expect(hex == VyperBytecode.runtimeHex[name], "\(file): committed bytecode differs from the compiler's; run scripts/vyper-contracts.sh")
            let json = try JSONSerialization.jsonObject(with: Data(lines[2 * i + 1].utf8)) as? [String: Any]
            let layout = try #require(json?["storage_layout"] as? [String: Any], "\(file): no storage_layout")
            var slots: [String: Int] = [:]
            for (variable, entry) in layout { slots[variable] = (entry as? [String: Any])?["slot"] as? Int }
            #expect(slots == VyperBytecode.storageSlots[name], "\(file): committed layout differs from the compiler's; run scripts/vyper-contracts.sh")
        }
    }

    /// Every faulty variant is a `<Contract>_<fault>.vy` of a known contract with the real
    /// contract's storage layout (the properties read it through the real one's slots) and a
    /// bytecode of its own.
    @Test func faultyVariantsKeepTheLayout() {
        for name in VyperBytecode.runtimeHex.keys where name.contains("_") {
            let base = String(name.prefix { $0 != "_" })
            let c = VyperContract(rawValue: base)
            #expect(c != nil, "\(name): no contract \(base)")
            #expect(VyperBytecode.storageSlots[name] == VyperBytecode.storageSlots[base], "\(name): layout differs from \(base)")
            #expect(VyperBytecode.runtimeHex[name] != VyperBytecode.runtimeHex[base], "\(name): same code as \(base)")
            if let c { #expect(c.faults.contains(String(name.dropFirst(base.count + 1)))) }
        }
        #expect(VyperContract.pool.faults == ["swappedReserves"])
        // Every compiled faulty variant is reachable from the planted-fault catalogue under
        // `<faultPrefix>:<fault>`, and that fault deploys exactly this variant.
        for c in VyperContract.allCases {
            #expect(c.code() == c.code(fault: nil))
            for fault in c.faults {
                let planted = PlantedFault(rawValue: "\(c.faultPrefix):\(fault)")
                #expect(planted != nil, "no PlantedFault \(c.faultPrefix):\(fault) for \(c.rawValue)_\(fault).vy")
                if let planted { #expect(c.code(faults: planted) == c.code(fault: fault)) }
            }
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

    /// The compiled suite and the assembled one are two implementations of the same documented
    /// contracts: the same 400 random calls (`DeFiWorld.randomCall`, one per suite, from the
    /// same genesis) succeed or revert alike, return the same words and emit the same events
    /// (with each contract's address mapped to its twin).
    @Test func compiledSuiteAgreesWithTheAssembledOne() {
        let users = (0..<6).map { BlockGenerator.senderAddress($0) }
        let world = DeFiWorld(users: users, updater: users[0])
        func chain() -> SerialChain {
            let c = SerialChain()
            for u in users { c.state.setAccount(u, nonce: 0, balance: UInt256(1_000_000_000_000_000_000 as UInt64), code: [], storage: [:]) }
            world.install(in: c.state, seed: 5)
            return c
        }
        var twin: [UInt256: UInt256] = [:]
        for (x, y) in zip(DeFiWorld.assembled.contracts, DeFiWorld.compiled.contracts) { twin[x.word] = y.word }
        func mapped(_ r: Receipt) -> [String] {
            r.logs.map { l in
                let topics = l.topics.map { twin[$0.word].map { Bytes32($0) } ?? $0 }
                return "\(twin[l.address.word].map(Address.init(truncating:)) ?? l.address) \(topics) \(l.data)"
            }
        }
        let a = chain(), b = chain()
        var rngA = SplitMix64(seed: 0xd1ff), rngB = SplitMix64(seed: 0xd1ff), pick = SplitMix64(seed: 0x5e)
        var succeeded = 0
        for i in 0..<400 {
            let sender = users[Int(pick.next() % UInt64(users.count))], hot = pick.next() % 2 == 0
            let ca = world.randomCall(sender: sender, hot: hot, rng: &rngA, suite: DeFiWorld.assembled)
            let cb = world.randomCall(sender: sender, hot: hot, rng: &rngB, suite: DeFiWorld.compiled)
            #expect(ca.data == cb.data)
            guard let ra = a.call(from: sender, to: ca.to, data: ca.data), let rb = b.call(from: sender, to: cb.to, data: cb.data) else {
                Issue.record("call \(i) rejected"); continue
            }
            #expect(ra.success == rb.success, "call \(i) to \(ca.to)/\(cb.to) \(ca.data.prefix(4)): assembled \(ra.success), compiled \(rb.success)")
            guard ra.success && rb.success else { continue }
            succeeded += 1
            #expect(ra.output == rb.output, "call \(i) to \(ca.to)/\(cb.to): outputs differ")
            #expect(mapped(ra) == mapped(rb), "call \(i) to \(ca.to)/\(cb.to): events differ")
        }
        #expect(succeeded > 100, "only \(succeeded) of 400 calls succeeded")
        #expect(DeFiLedger(b.state).poolMismatch(DeFiWorld.vyperPool) == nil)
        #expect(DeFiLedger(b.state).lendingMismatch(DeFiWorld.vyperLending) == nil)
        #expect(DeFiLedger(b.state).stakingMismatch(DeFiWorld.vyperStaking) == nil)
    }

    /// The generated DeFi blocks reach every state-changing function of the compiled suite
    /// successfully (a property over contracts whose calls all revert could not fail).
    @Test func generatedBlocksExerciseTheCompiledSuite() {
        let g = BlockGenerator.defi()
        var ok: [String: Int] = [:]
        for seed in UInt64(0)..<40 {
            let input = g.generate(seed: seed)
            let result = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
            for (tx, o) in zip(input.transactions, result.outcomes) {
                guard let to = tx.transaction.to, DeFiWorld.compiled.contracts.contains(to), o.receipt?.success == true else { continue }
                ok["\(to) \(Hex.encode(Array(tx.transaction.data.prefix(4))))", default: 0] += 1
            }
        }
        let c = DeFiWorld.compiled
        let wanted: [(Address, String)] = [
            // (`transferFrom` runs inside every pool, market and staking call that takes tokens.)
            (c.tokenA, ERC20Token.transferSig), (c.tokenB, ERC20Token.approveSig),
            (c.pool, ConstantProductPool.swapSig), (c.pool, ConstantProductPool.addLiquiditySig), (c.pool, ConstantProductPool.removeLiquiditySig),
            (c.lending, LendingMarket.depositSig), (c.lending, LendingMarket.withdrawSig), (c.lending, LendingMarket.borrowSig),
            (c.lending, LendingMarket.repaySig), (c.lending, LendingMarket.liquidateSig),
            (c.staking, StakingRewards.stakeSig), (c.staking, StakingRewards.unstakeSig), (c.staking, StakingRewards.claimSig),
            (c.staking, StakingRewards.notifySig),
        ]
        for (to, sig) in wanted {
            let key = "\(to) \(Hex.encode(Array(ABI.encode(sig, []).prefix(4))))"
            #expect(ok[key, default: 0] > 0, "no successful \(sig) on \(to) in 40 generated DeFi blocks")
        }
    }

    /// The DeFi properties and parallel == serial pass on DeFi blocks, which call both suites.
    @Test func compiledSuitePassesTheProperties() {
        let properties: [any BlockProperty] = [
            TokenConservationProperty(generator: .defi()), AMMInvariantsProperty(), LendingSolvencyProperty(), StakingSolvencyProperty(),
            NonceOnceProperty(generator: .defi()), ParallelMatchesSerialProperty(generator: .defi()),
        ]
        for p in properties {
            let r = PropertyRunner.run(p, cases: 12, seed: 0x7e1)
            #expect(r.failure == nil, "\(p.name): \(r.failure.map { "\($0.violation.difference)" } ?? "")")
        }
    }

    /// `CompiledWorkload`: every transaction of a large block succeeds, parallel == serial, and
    /// the conflict knob decides which state is shared.
    @Test(arguments: CompiledWorkload.Kind.allCases)
    func compiledWorkloadBlocks(kind: CompiledWorkload.Kind) {
        for conflict in [0.0, 1.0] {
            let w = CompiledWorkload(kind: kind, transactions: 240, accounts: 60, conflict: conflict)
            let input = w.generate(seed: 3)
            #expect(input.transactions.count == 240)
            let result = SerialExecutor().execute(preState: input.pre, block: input.block, transactions: input.transactions, fork: input.fork)
            let failed = result.outcomes.filter { $0.receipt?.success != true }.count
            #expect(failed == 0, "\(kind) conflict \(conflict): \(failed) of 240 failed")
            // Targets: every transaction names the hot state at conflict 1; at 0 no two
            // senders share a pool or a receiver.
            var owners: [String: Set<Address>] = [:]
            for tx in input.transactions {
                let words = ABI.words(Array(tx.transaction.data.dropFirst(4)))
                let target = tx.transaction.to == DeFiWorld.vyperToken ? "to \(words.first ?? .zero)" : "pool \(tx.transaction.to!)"
                owners[target, default: []].insert(tx.sender)
            }
            if conflict == 0 { #expect(owners.values.allSatisfy { $0.count == 1 }) }
            else { #expect(owners.count == (kind == .mixed ? 2 : 1)) }
        }
        let w = CompiledWorkload(kind: kind, transactions: 120, accounts: 20, conflict: 0.5)
        #expect(ParallelMatchesSerialProperty(schedules: 2).check(w.generate(seed: 9), seed: 1) == nil)
    }
}
