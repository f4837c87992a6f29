import EVMCore
import EVMAssembly
import EVMInterpreter
import Foundation
import Testing
import _TestSupport

/// Random short programs, seeded: the interpreter must never trap, and every result must
/// satisfy the frame invariants. `LOCKSTEP_SMOKE_CASES` overrides the case count and
/// `LOCKSTEP_SMOKE_SEED` the seed.
@Suite struct SmokeTests {
    /// 100,000 programs by default, run as `shards` test cases of equal size so they use every core.
    static let defaultCases = 100_000
    static let shards = 5

    static var cases: Int {
        ProcessInfo.processInfo.environment["LOCKSTEP_SMOKE_CASES"].flatMap { Int($0) } ?? defaultCases
    }

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["LOCKSTEP_SMOKE_SEED"].flatMap { UInt64($0) } ?? 0x5eed_1234_abcd_0001
    }

    /// Opcodes weighted toward the interesting ones.
    static let defined: [UInt8] = Opcodes.table.compactMap { $0?.opcode }.filter { !(0x60...0x7f).contains($0) }

    static func randomProgram(_ rng: inout SeededRNG, addresses: [Address]) -> Asm {
        var a = Asm()
        // A few small operands first so that most programs get past their first instructions.
        for _ in 0..<Int(3 + rng.next() % 8) { a += .push(UInt256(rng.next() % 40)) }
        let n = Int(rng.next() % 40) + 1
        for _ in 0..<n {
            switch rng.next() % 18 {
            case 0...6:
                let v: UInt256 = rng.next() % 2 == 0 ? UInt256(rng.next() % 70) : .edgeBiased(using: &rng)
                a += .push(v)
            case 7:
                a += .push(addresses[Int(rng.next() % UInt64(addresses.count))])
            case 8:
                a += .jumpdest
            case 9:
                // Raw bytes, including truncated PUSH immediates and undefined opcodes.
                a += .op(UInt8(truncatingIfNeeded: rng.next()))
            default:
                a += .op(defined[Int(rng.next() % UInt64(defined.count))])
            }
        }
        return a
    }

    static func runCase(_ i: Int, _ rng: inout SeededRNG) -> (Hardfork, Asm, Int64, CallResult) {
        let forks = Hardfork.allCases
        let fork = forks[Int(rng.next() % UInt64(forks.count))]
        let others = [MockHost.other, Address(low: 0xbeef), Address(low: 0xfeed), Address(low: 3)]
        let code = randomProgram(&rng, addresses: others + [MockHost.contract, MockHost.caller])
        let gas: Int64 = [0, 100, 21_000, 300_000, 3_000_000][Int(rng.next() % 5)]
        let host = MockHost(fork: fork)
        host.block = BlockEnv(number: 300, timestamp: 1, difficulty: 7, prevRandao: 9, baseFee: 1, excessBlobGas: 0)
        host.tx = TxEnv(origin: MockHost.caller, gasPrice: 2, blobHashes: [Bytes32(1)], blobBaseFee: 1)
        host.setBalance(MockHost.contract, UInt256(rng.next() % 1000))
        host.setStorage(MockHost.contract, 1, 1)
        host.setCode(others[0], randomProgram(&rng, addresses: others))
        host.setCode(others[1], randomProgram(&rng, addresses: others))
        host.setBalance(others[2], 1)
        let input = (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let r = host.run(code, gas: gas, value: UInt256(rng.next() % 3), input: input, isStatic: rng.next() % 8 == 0)
        return (fork, code, gas, r)
    }

    /// Shard k runs cases with its own seed `seed &+ k`; a failure names the shard's seed and the
    /// case index (replay: `LOCKSTEP_SMOKE_SEED=<shard seed> swift test --filter SmokeTests` reruns it as shard 0).
    @Test(arguments: 0..<SmokeTests.shards) func randomPrograms(shard: Int) {
        let seed = Self.seed &+ UInt64(shard)
        var rng = SeededRNG(seed: seed)
        var statuses: [ExecutionStatus: Int] = [:]
        let n = (Self.cases + Self.shards - 1) / Self.shards
        for i in 0..<n {
            let (fork, code, gas, r) = Self.runCase(i, &rng)
            statuses[r.status, default: 0] += 1
            let context = "shard \(shard) case \(i) seed \(seed) \(fork) gas \(gas) code \(code.hex)"
            #expect(r.gasLeft >= 0 && r.gasLeft <= gas, "\(context)")
            if r.status.consumesAllGas {
                #expect(r.gasLeft == 0 && r.output.isEmpty && r.gasRefund == 0, "\(context)")
            }
            if r.status != .success { #expect(r.gasRefund == 0, "\(context)") }
            #expect(r.status != .callDepthExceeded && r.status != .insufficientBalance, "\(context)")
        }
        print("smoke shard \(shard): \(n) programs, seed \(seed):", statuses.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        // The generator must reach the interesting outcomes.
        #expect(statuses[.success, default: 0] > n / 20)
        #expect(statuses[.outOfGas, default: 0] > 0 && statuses[.stackUnderflow, default: 0] > 0)
        #expect(statuses[.invalidOpcode, default: 0] > 0 && statuses[.badJumpDestination, default: 0] > 0)
        if n >= 20_000 { #expect(statuses[.revert, default: 0] > 0 && statuses[.staticStateChange, default: 0] > 0) }
    }

    @Test func deterministic() {
        var a = SeededRNG(seed: 42), b = SeededRNG(seed: 42)
        for i in 0..<500 {
            let x = Self.runCase(i, &a).3, y = Self.runCase(i, &b).3
            #expect(x.status == y.status && x.gasLeft == y.gasLeft && x.output == y.output && x.gasRefund == y.gasRefund)
        }
    }
}
