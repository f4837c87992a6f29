import Foundation
import EVMCore
import EVMState
import EVMInterpreter
import EVMAssembly
import Generators

/// The workloads of `lockstep bench --against revm`: each is a pre-state (accounts with code
/// and storage) and a list of top-level calls, run through Lockstep here and through revm by
/// `scripts/pyrevm_bench.py`, which reads the same definitions from JSON, so both EVMs run
/// byte-identical code on identical state.
///
/// Every call runs as a transaction's top frame without the transaction envelope (no intrinsic
/// gas, no fees): sender and recipient are warm (EIP-2929), everything else starts cold, and
/// warm sets and transient storage reset between calls as between transactions. Gas is the
/// frames' gas used, as Lockstep measures it; both sides' Mgas/s use that figure, so the ratio
/// is a ratio of times.
public struct RevmWorkload: Sendable, Codable {
    public struct Account: Sendable, Codable {
        public var address: String
        public var code: String
        public var balance: String
        public var nonce: UInt64
        /// Slot → value, both 0x-hex.
        public var storage: [String: String]
    }
    public struct Call: Sendable, Codable {
        public var caller: String
        public var to: String
        public var data: String
    }
    public var name: String
    public var accounts: [Account]
    public var calls: [Call]
}

public enum RevmWorkloads {
    static let a = BenchmarkWorkloads.contract
    static let b = Address(low: 0xbe_4c_01)
    static let caller = BenchmarkWorkloads.caller

    static func hex(_ bytes: [UInt8]) -> String { "0x" + Hex.encode(bytes) }
    static func hex(_ w: UInt256) -> String { "0x" + Hex.encode(w.bigEndianBytes) }
    static func account(_ addr: Address, _ code: [UInt8], storage: [UInt256: UInt256] = [:],
                        balance: UInt256 = .zero, nonce: UInt64 = 1) -> RevmWorkload.Account {
        .init(address: addrHex(addr),
              code: hex(code), balance: hex(balance), nonce: nonce,
              storage: Dictionary(uniqueKeysWithValues: storage.map { (hex($0.key), hex($0.value)) }))
    }
    static func addrHex(_ a: Address) -> String { "0x" + Hex.encode(a.bytes) }
    static func single(_ name: String, _ code: [UInt8], storage: [UInt256: UInt256] = [:],
                       extra: [RevmWorkload.Account] = []) -> RevmWorkload {
        RevmWorkload(name: name, accounts: [account(a, code, storage: storage), account(caller, [], nonce: 0)] + extra,
                     calls: [.init(caller: addrHex(caller), to: addrHex(a), data: "0x")])
    }

    /// `PUSH4 n; loop: body; n − 1; JUMPI loop; tail` with the counter kept on the stack top
    /// below whatever `body` leaves balanced. `body` must start and end with the counter on top.
    static func loop(_ n: Int, body: Asm, tail: Asm = .stop, prefix: Asm = Asm()) -> [UInt8] {
        let head = prefix + Asm.push(width: 4, UInt256(n))
        let start = head.count
        let code = head + Asm.jumpdest + body + Asm.push(1) + Asm.swap(1) + Asm.sub + Asm.dup(1)
            + Asm.push(width: 2, UInt256(start)) + Asm.jumpi + Asm.pop + tail
        return code.bytes
    }

    /// The workloads at `scale` (1 = the sizes in BENCHMARKS.md).
    public static func all(scale: Double) -> [RevmWorkload] {
        func n(_ x: Int) -> Int { max(1, Int((Double(x) * scale).rounded())) }
        var out: [RevmWorkload] = []
        // Counter: an empty countdown loop (JUMPDEST PUSH1 SWAP1 SUB DUP1 PUSH2 JUMPI).
        out.append(single("counter", loop(n(1_000_000), body: Asm())))
        out.append(single("arithmetic", BenchmarkWorkloads.arithmeticLoop(iterations: UInt32(n(1_000_000)))))
        out.append(single("keccak", BenchmarkWorkloads.keccakLoop(iterations: UInt32(n(200_000)))))
        // Storage, warm: slot = counter & 63 over 64 pre-set slots; SSTORE(slot, SLOAD(slot) + 1).
        let rmw = Asm.push(63) + Asm.dup(2) + Asm.and + Asm.dup(1) + Asm.sload + Asm.push(1) + Asm.add
            + Asm.swap(1) + Asm.sstore
        let warm = Dictionary(uniqueKeysWithValues: (0..<64).map { (UInt256($0), UInt256($0 + 1)) })
        out.append(single("storage warm (64 slots, SLOAD+SSTORE)", loop(n(200_000), body: rmw), storage: warm))
        // Storage, warm reads only.
        let reads = Asm.push(63) + Asm.dup(2) + Asm.and + Asm.sload + Asm.pop
        out.append(single("storage warm (64 slots, SLOAD)", loop(n(400_000), body: reads), storage: warm))
        // Storage, cold reset: SSTORE(i, SLOAD(i) + 1) over distinct pre-set slots.
        let coldN = n(20_000)
        let rmwCold = Asm.dup(1) + Asm.dup(1) + Asm.sload + Asm.push(1) + Asm.add + Asm.swap(1) + Asm.sstore
        let cold = Dictionary(uniqueKeysWithValues: (1...coldN).map { (UInt256($0), UInt256($0)) })
        out.append(single("storage cold reset (SLOAD+SSTORE)", loop(coldN, body: rmwCold), storage: cold))
        // Storage, cold new: SSTORE(i, i) on empty slots.
        out.append(single("storage cold new (SSTORE)", loop(n(20_000), body: Asm.dup(1) + Asm.dup(1) + Asm.sstore)))
        // Memory copy: MCOPY 4 KiB within a 8 KiB buffer.
        let mcopy = Asm.push(4096) + Asm.push(0) + Asm.push(4096) + Asm.mcopy
        out.append(single("memory copy (MCOPY 4 KiB)", loop(n(50_000), body: mcopy)))
        // Calls: CALL, STATICCALL and DELEGATECALL of B (which returns one word) per iteration.
        let callee = (Asm.push(42) + Asm.returnTop).bytes
        let calls = Asm.callWith(0xf1, gas: UInt256(100_000), to: b, ret: (0, 32)) + Asm.pop
            + Asm.callWith(0xfa, gas: UInt256(100_000), to: b, ret: (0, 32)) + Asm.pop
            + Asm.callWith(0xf4, gas: UInt256(100_000), to: b, ret: (0, 32)) + Asm.pop
        out.append(single("calls (CALL+STATICCALL+DELEGATECALL)", loop(n(30_000), body: calls),
                          extra: [account(b, callee)]))
        // CREATE: init code `RETURN(0, 1)` (deploys one zero byte), written to memory once.
        let initCode: [UInt8] = (Asm.push(1) + Asm.push(0) + Asm.return).bytes
        var initWord = [UInt8](repeating: 0, count: 32)
        initWord.replaceSubrange(0..<initCode.count, with: initCode)
        let create = Asm.push(initCode.count) + Asm.push(0) + Asm.push(0) + Asm.create + Asm.pop
        out.append(single("CREATE (1-byte contracts)",
                          loop(n(5_000), body: create, prefix: Asm.mstoreValue(0, UInt256(bigEndian: initWord)))))
        // ERC-20 transfer block: `SampleContracts.token` transfers among 64 holders, one call each.
        let token = Address(low: 0x70_4e)
        var balances: [UInt256: UInt256] = [:]
        for i in 0..<64 { balances[BenchmarkWorkloads.holder(i).word] = UInt256(1_000_000_000 as UInt64) }
        var rng = SplitMix64(seed: 0x70_4e_4e)
        var txs: [RevmWorkload.Call] = []
        for _ in 0..<n(5_000) {
            let from = BenchmarkWorkloads.holder(Int(rng.next() % 64)), to = BenchmarkWorkloads.holder(Int(rng.next() % 64))
            let amount = UInt256(1 + rng.next() % 1000)
            txs.append(.init(caller: addrHex(from), to: addrHex(token), data: hex(to.word.bigEndianBytes + amount.bigEndianBytes)))
        }
        let holders = (0..<64).map { account(BenchmarkWorkloads.holder($0), [], balance: UInt256(1_000_000_000_000_000_000 as UInt64), nonce: 0) }
        out.append(RevmWorkload(name: "ERC-20 transfer block (\(txs.count) calls)",
                                accounts: [account(token, SampleContracts.token, storage: balances)] + holders, calls: txs))
        // Snailtracer: `Benchmark()` of the ray tracer (a fixed program: one call at any scale).
        let snail = Address(low: 0x5_a1_1)
        out.append(RevmWorkload(name: "snailtracer (Benchmark())",
                                accounts: [RevmWorkload.Account(address: addrHex(snail), code: "0x" + SnailtracerCode.hex, balance: "0x00",
                                                                nonce: 1, storage: [:]),
                                           account(caller, [], nonce: 0)],
                                calls: [.init(caller: addrHex(caller), to: addrHex(snail), data: hex(SnailtracerCode.selector))]))
        return out
    }

    /// The outcome of one run of a workload through Lockstep.
    public struct Run: Sendable {
        public var gasUsed: Int64
        /// The last call's output.
        public var output: [UInt8]
        public var failures: Int
    }

    /// A fresh pre-state for `w` (kept out of the timed part).
    public static func preState(_ w: RevmWorkload) -> InMemoryState {
        let pre = InMemoryState()
        for acct in w.accounts {
            var storage: [UInt256: UInt256] = [:]
            for (k, v) in acct.storage { storage[UInt256(hex: k)!] = UInt256(hex: v)! }
            pre.setAccount(Address(hex: acct.address)!, nonce: acct.nonce, balance: UInt256(hex: acct.balance)!,
                           code: (try? Hex.decode(acct.code)) ?? [], storage: storage)
        }
        return pre
    }

    /// The calls of `w` decoded (caller, recipient, data), kept out of the timed part as revm's
    /// side does.
    public static func calls(_ w: RevmWorkload) -> [(Address, Address, [UInt8])] {
        w.calls.map { (Address(hex: $0.caller)!, Address(hex: $0.to)!, (try? Hex.decode($0.data)) ?? []) }
    }

    /// Runs the calls of `w` on `pre` in order, each as a top frame with 2^40 gas.
    public static func run(_ w: RevmWorkload, on pre: InMemoryState, fork: Hardfork = .cancun) -> Run {
        run(calls(w), on: pre, fork: fork)
    }

    /// Runs decoded `calls` (see `calls(_:)`) on `pre` in order, each as a top frame with 2^40 gas.
    public static func run(_ calls: [(Address, Address, [UInt8])], on pre: InMemoryState, fork: Hardfork = .cancun) -> Run {
        let state = JournaledState(base: pre)
        let gas: Int64 = 1 << 40
        var total: Int64 = 0, output: [UInt8] = [], failures = 0
        for (from, to, data) in calls {
            state.resetAccessSets()
            state.warmAccount(from)
            state.warmAccount(to)
            let evm = EVM(state: state, block: BlockEnv(number: 1, timestamp: 1, gasLimit: UInt64(gas)),
                          tx: TxEnv(origin: from), fork: fork)
            let r = evm.call(Message(kind: .call, depth: 0, gas: gas, recipient: to, sender: from, codeAddress: to, input: data))
            if !r.status.isSuccess { failures += 1 }
            total += gas - r.gasLeft
            output = r.output
            state.finalize(clearEmpty: true)
        }
        return Run(gasUsed: total, output: output, failures: failures)
    }
}
