import Foundation
import SequencerModel
import Sequencer
import BatchVerification
import Generators

/// `lockstep bench --sequencer`: the refining sequencer's throughput, the parallelism it
/// exposes, and the batch verifier's time per batch, on seeded streams at several conflict
/// rates plus the adversarial mix. Times are process CPU time (the sequencer and the verifier's
/// deterministic re-execution run on one thread), median of `--repeats` after one warm-up.
extension BenchCommand {
    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    func cpuMedian(_ body: () throws -> Void) rethrows -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = Self.cpuSeconds()
            try body()
            times.append(Self.cpuSeconds() - start)
        }
        times.sort()
        return times[times.count / 2]
    }

    func sequencerSection() throws {
        print("Sequencer on seeded streams (seed 42): throughput, exposed parallelism, verifier time per batch.")
        print("conflict = share of transactions calling one hot counter (the rest: self-transfers of 256 accounts);")
        print("critical path = groups executed one after another; parallelism = included / critical path.")
        var policy = SequencerWorld.policy()
        policy.maxGroupsPerBatch = 256
        policy.maxTxsPerGroup = 256
        let n = scaled(400)
        let cases: [(String, SequencerInput)] = [0.0, 0.1, 0.5, 0.9].map { rate in
            let g = SequencerStreamGenerator(count: n, gapRate: 0, hotRate: rate, benchUsers: 256)
            return ("conflict \(Int(rate * 100))%", SequencerWorld.input(g.generate(seed: 42), policy: policy, benchUsers: 256))
        } + [("adversarial mix", SequencerWorld.input(SequencerStreamGenerator(count: scaled(200)).generate(seed: 42)))]
        var rows: [[String]] = []
        for (name, input) in cases {
            var out = SequencerOutput(batches: [], rejections: [])
            let seqSeconds = try cpuMedian { out = try Sequencer.sequence(input) }
            var verdict: BatchVerdict?
            let verifySeconds = try cpuMedian { verdict = try BatchVerifier.verify(input: input, output: out, workers: 2) }
            guard verdict?.passed == true else {
                throw ValidationErrorText("\(name): the verifier rejects the sequencer's output: \(verdict?.violations.prefix(3) ?? [])")
            }
            let groups = out.batches.flatMap(\.groups)
            let included = out.order.count
            let mean = groups.isEmpty ? 0 : Double(included) / Double(groups.count)
            rows.append([name, "\(input.stream.count)", "\(included)", "\(out.batches.count)", "\(groups.count)",
                         String(format: "%.2f", mean), "\(groups.map(\.count).max() ?? 0)",
                         String(format: "%.1f", seqSeconds * 1e3), String(format: "%.0f", Double(input.stream.count) / seqSeconds),
                         String(format: "%.1f", verifySeconds * 1e3 / Double(max(1, out.batches.count)))])
        }
        printTable(header: ["stream", "txs", "included", "batches", "critical path", "parallelism", "max group",
                            "sequence CPU ms", "txs/s", "verify CPU ms/batch"], rows: rows)
    }
}

struct ValidationErrorText: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
