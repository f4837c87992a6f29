import Foundation

/// Runs `body(0..<count)` on `count` threads at once: index 0 on the calling thread, the others
/// on freshly started threads; returns when all have finished.
///
/// Why not `DispatchQueue.concurrentPerform`: on Linux it hands iterations to the global
/// pool only when the pool has idle threads, and otherwise runs them one after another on
/// the caller. For Block-STM that silently turns two workers into one worker that runs each
/// "worker" loop to completion in turn (measured: CPU/wall 1.0 in about half of the 2-worker
/// runs of `lockstep bench --parallel-only`). Workers that wait on each other must really
/// run side by side, so each gets its own thread. Starting a thread costs tens of
/// microseconds — noise next to a block.
enum WorkerThreads {
    /// Stack of the started threads: an interpreter frame chain hops to a DeepStack thread
    /// every `DeepStack.hopInterval` levels, so a few MiB are plenty even in debug builds.
    static let stackSize = 16 << 20

    private final class Join: @unchecked Sendable {
        // `body` is read concurrently by the threads and cleared by the caller only after
        // every thread has left the group (so the non-escaping closure does not outlive `run`,
        // even while a finished thread object is still being torn down).
        var body: ((Int) -> Void)?
        let group = DispatchGroup()
        init(_ body: @escaping (Int) -> Void) { self.body = body }
    }

    static func run(count: Int, _ body: (Int) -> Void) {
        guard count > 1 else { if count == 1 { body(0) }; return }
        withoutActuallyEscaping(body) { escapable in
            let join = Join(escapable)
            for i in 1..<count {
                join.group.enter()
                let thread = Thread {
                    join.body?(i)
                    join.group.leave()
                }
                thread.stackSize = stackSize
                thread.start()
            }
            join.body?(0)
            join.group.wait()
            join.body = nil
        }
    }

    /// `body(i)` for every `i` in `0..<count` on up to `threads` threads; indices are handed
    /// out in small chunks from a shared counter, so uneven items balance out.
    static func forEach(count: Int, threads: Int, _ body: (Int) -> Void) {
        let t = min(threads, count)
        guard t > 1 else { for i in 0..<count { body(i) }; return }
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var next = 0
        }
        let counter = Counter()
        let chunk = max(1, count / (t * 8))
        run(count: t) { _ in
            while true {
                counter.lock.lock()
                let start = counter.next
                counter.next += chunk
                counter.lock.unlock()
                if start >= count { return }
                for i in start..<min(count, start + chunk) { body(i) }
            }
        }
    }
}
