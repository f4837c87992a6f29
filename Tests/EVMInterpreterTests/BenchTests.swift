import EVMCore
import EVMAssembly
import EVMInterpreter
import Foundation
import Testing
import _TestSupport

/// Throughput measurements, run only when `LOCKSTEP_BENCH` is set (meaningful in release:
/// `LOCKSTEP_BENCH=1 swift test -c release --filter BenchTests`).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LOCKSTEP_BENCH"] != nil))
struct BenchTests {
    static func measure(_ name: String, _ code: Asm, fork: Hardfork = .cancun, repeats: Int = 5,
                        setup: (MockHost) -> Void = { _ in }) -> (Double, Int) {
        let host = MockHost(fork: fork)
        setup(host)
        final class Counter: Tracer {
            var n = 0
            func step(_ step: TraceStep) { n += 1 }
        }
        let c = Counter()
        host.tracer = c
        host.run(code, gas: 1 << 40)
        let counter = c.n
        host.tracer = nil
        if ProcessInfo.processInfo.environment["LOCKSTEP_BENCH_TRACED"] != nil {
            // Same program with a (counting) tracer, to price the traced path.
            host.tracer = c
            let t0 = DispatchTime.now().uptimeNanoseconds
            host.run(code, gas: 1 << 40)
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0)
            host.tracer = nil
            print("bench \(name) traced: \(String(format: "%.1f", dt / Double(counter))) ns/instruction")
        }
        var best = Double.infinity
        for _ in 0..<(ProcessInfo.processInfo.environment["LOCKSTEP_BENCH_REPEATS"].flatMap { Int($0) } ?? repeats) {
            let t0 = Self.cpuNanoseconds()
            let r = host.run(code, gas: 1 << 40)
            let dt = Double(Self.cpuNanoseconds() - t0)
            #expect(r.status == .success)
            best = min(best, dt)
        }
        print("bench \(name): \(counter) instructions, \(String(format: "%.2f", best / 1e6)) ms, "
              + "\(String(format: "%.1f", best / Double(counter))) ns/instruction")
        return (best, counter)
    }

    /// CPU time of the calling thread (robust against other processes sharing the cores).
    static func cpuNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// `for i in 0..<n {}` as a JUMPI loop: PUSH, ADD, DUP, LT, JUMPI.
    static func loop(_ n: Int, body: Asm = Asm()) -> Asm {
        let head = Asm.push(0) + .jumpdest          // [i]
        let loopStart = 2
        return head + body + .push(1) + .add + .dup(1) + .push(width: 4, UInt256(n)) + .gt
            + .push(width: 2, UInt256(loopStart)) + .jumpi + .stop
    }

    @Test func arithmeticLoop() {
        _ = Self.measure("loop 1M", Self.loop(1_000_000))
        _ = Self.measure("mul/div loop 200k", Self.loop(200_000, body: .dup(1) + .dup(1) + .mul + .push(7) + .swap(1) + .div + .pop))
        _ = Self.measure("mstore/mload loop 200k", Self.loop(200_000, body: .dup(1) + .push(64) + .mstore + .push(64) + .mload + .pop))
        _ = Self.measure("keccak loop 100k", Self.loop(100_000, body: .push(64) + .push(0) + .keccak256 + .pop))
        _ = Self.measure("sload loop 100k", Self.loop(100_000, body: .push(1) + .sload + .pop))
        _ = Self.measure("push32/swap loop 200k", Self.loop(200_000, body: .push(width: 32, .max) + .dup(2) + .swap(1) + .pop + .pop))
    }
}
