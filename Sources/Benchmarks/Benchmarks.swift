import Foundation
import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import ParallelExecutor
import Generators

/// The workloads behind `lockstep bench`. Every input is fixed (constant bytecode, seeded
/// blocks), so two runs execute exactly the same instructions; only the clock differs.
public enum BenchmarkWorkloads {
    public static let contract = Address(low: 0xbe_4c_00)
    public static let caller = Address(low: 0xca_11e4)

    // MARK: (a) arithmetic loop

    /// Gas of one iteration of `arithmeticLoop`.
    public static let arithmeticGasPerIteration: Int64 = 55

    /// `acc = 1; repeat n times { acc = acc·3 + 5 − n_current; n −= 1 }; return acc` (mod 2^256).
    /// Per iteration: JUMPDEST SWAP1 PUSH1 MUL PUSH1 ADD DUP2 SWAP1 SUB SWAP1 PUSH1 SWAP1 SUB DUP1
    /// PUSH1 JUMPI — 16 instructions, 55 gas. `iterations` must be ≥ 1.
    public static func arithmeticLoop(iterations: UInt32) -> [UInt8] {
        precondition(iterations >= 1)
        let n = withUnsafeBytes(of: iterations.bigEndian, Array.init)
        return [0x60, 0x01]                                 // 0: PUSH1 1          [acc]
            + [0x63] + n                                    // 2: PUSH4 n          [acc, n]
            + [0x5b,                                        // 7: JUMPDEST
               0x90,                                        //    SWAP1            [n, acc]
               0x60, 0x03, 0x02,                            //    PUSH1 3 MUL      [n, 3acc]
               0x60, 0x05, 0x01,                            //    PUSH1 5 ADD      [n, 3acc+5]
               0x81, 0x90, 0x03,                            //    DUP2 SWAP1 SUB   [n, 3acc+5−n]
               0x90,                                        //    SWAP1            [acc', n]
               0x60, 0x01, 0x90, 0x03,                      //    PUSH1 1 SWAP1 SUB [acc', n−1]
               0x80, 0x60, 0x07, 0x57,                      //    DUP1 PUSH1 7 JUMPI
               0x50,                                        //    POP              [acc']
               0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3] // MSTORE(0) RETURN(0, 32)
    }

    /// What `arithmeticLoop(iterations:)` returns, computed directly.
    public static func arithmeticLoopResult(iterations: UInt32) -> UInt256 {
        var acc = UInt256.one
        var n = UInt256(UInt64(iterations))
        while !n.isZero {
            acc = acc &* UInt256(3) &+ UInt256(5) &- n
            n = n &- .one
        }
        return acc
    }

    // MARK: (b) keccak loop

    /// Gas of one iteration of `keccakLoop` (KECCAK256 of 64 bytes: 30 + 2·6).
    public static let keccakGasPerIteration: Int64 = 80

    /// `repeat n times { mem[0..32] = keccak256(mem[0..64]) }; return mem[0..32]`: a hash chain
    /// over a 64-byte buffer whose upper half stays zero.
    public static func keccakLoop(iterations: UInt32) -> [UInt8] {
        precondition(iterations >= 1)
        let n = withUnsafeBytes(of: iterations.bigEndian, Array.init)
        return [0x63] + n                                   // 0: PUSH4 n          [n]
            + [0x5b,                                        // 5: JUMPDEST
               0x60, 0x40, 0x60, 0x00, 0x20,                //    KECCAK256(0, 64) [n, h]
               0x60, 0x00, 0x52,                            //    MSTORE(0, h)     [n]
               0x60, 0x01, 0x90, 0x03,                      //    n − 1
               0x80, 0x60, 0x05, 0x57,                      //    DUP1 PUSH1 5 JUMPI
               0x60, 0x20, 0x60, 0x00, 0xf3]                //    RETURN(0, 32)
    }

    /// What `keccakLoop(iterations:)` returns, computed directly.
    public static func keccakLoopResult(iterations: UInt32) -> Bytes32 {
        var buffer = [UInt8](repeating: 0, count: 64)
        for _ in 0..<iterations {
            let h = Keccak256.hash(buffer).bytes
            buffer.replaceSubrange(0..<32, with: h)
        }
        return Bytes32(bytes: buffer[0..<32])
    }

    /// The outcome of running one code as a single top-level call frame.
    public struct FrameRun {
        public var status: ExecutionStatus
        public var gasUsed: Int64
        public var output: [UInt8]
    }

    /// Runs `code` as the top frame of a call (no transaction overhead: no intrinsic gas,
    /// no nonce or fee bookkeeping), the way an interpreter benchmark measures gas/s.
    public static func runFrame(code: [UInt8], gas: Int64 = 1 << 40, fork: Hardfork = .cancun) -> FrameRun {
        let pre = InMemoryState()
        pre.setAccount(contract, nonce: 1, balance: .zero, code: code, storage: [:])
        pre.setAccount(caller, nonce: 0, balance: .zero, code: [], storage: [:])
        let state = JournaledState(base: pre)
        let evm = EVM(state: state, block: BlockEnv(number: 1, timestamp: 1, gasLimit: UInt64(gas)),
                      tx: TxEnv(origin: caller), fork: fork)
        let message = Message(kind: .call, depth: 0, gas: gas, recipient: contract, sender: caller, codeAddress: contract)
        let r = evm.call(message)
        return FrameRun(status: r.status, gasUsed: gas - r.gasLeft, output: r.output)
    }

    // MARK: (c) token transfers

    /// A block of `count` token transfers (`SampleContracts.token`: SLOAD both balances,
    /// compare, SSTORE both) from `holders` funded senders to seeded recipients among them,
    /// each sender's nonces in order.
    public static func tokenTransferBlock(count: Int, holders: Int = 64, seed: UInt64 = 0x70_4e_4e) -> BlockInput {
        let pre = InMemoryState()
        let token = Address(low: 0x70_4e)
        var balances: [UInt256: UInt256] = [:]
        for i in 0..<holders {
            let a = holder(i)
            pre.setAccount(a, nonce: 0, balance: UInt256(1_000_000_000_000_000_000 as UInt64), code: [], storage: [:])
            balances[a.word] = UInt256(1_000_000_000 as UInt64)
        }
        pre.setAccount(token, nonce: 1, balance: .zero, code: SampleContracts.token, storage: balances)
        var rng = SplitMix64(seed: seed)
        var nonces = [UInt64](repeating: 0, count: holders)
        var txs: [RecoveredTransaction] = []
        txs.reserveCapacity(count)
        for _ in 0..<count {
            let from = Int(rng.next() % UInt64(holders))
            let to = holder(Int(rng.next() % UInt64(holders)))
            let amount = UInt256(1 + rng.next() % 1000)
            let tx = Transaction(type: .dynamicFee, chainId: 1, nonce: nonces[from], maxPriorityFeePerGas: .one,
                                 maxFeePerGas: UInt256(20), gasLimit: 100_000, to: token, value: .zero,
                                 data: to.word.bigEndianBytes + amount.bigEndianBytes)
            nonces[from] += 1
            txs.append(RecoveredTransaction(transaction: tx, sender: holder(from)))
        }
        let env = BlockEnv(coinbase: Address(low: 0xc0ffee), number: 1, timestamp: 1000, gasLimit: 10_000_000_000,
                           baseFee: UInt256(7), excessBlobGas: 0, chainId: 1)
        return BlockInput(fork: .cancun, block: env, pre: pre, transactions: txs)
    }

    public static func holder(_ i: Int) -> Address { Address(low: 0x4_0000 + UInt64(i)) }

    // MARK: parallel executor blocks

    /// A generated block of exactly `transactions` transactions at the given conflict rate.
    public static func generatedBlock(transactions: Int, conflictRate: Double, seed: UInt64) -> BlockInput {
        var g = BlockGenerator(fork: .cancun, minTransactions: transactions, maxTransactions: transactions, senders: 64,
                               conflictRate: conflictRate)
        g.defiRate = 0   // the blocks BENCHMARKS.md rows were measured on
        g.programRate = 0
        g.edgeRate = 0
        return g.generate(seed: seed)
    }
}

/// Wall-clock timing: a warm-up run, then `repeats` timed runs; the median is reported.
public enum BenchmarkClock {
    public static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    public static func median(repeats: Int, warmUp: Bool = true, _ body: () -> Void) -> Double {
        if warmUp { body() }
        var times = (0..<max(1, repeats)).map { _ in seconds(body) }
        times.sort()
        return times[times.count / 2]
    }
}
