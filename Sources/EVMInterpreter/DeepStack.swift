import Foundation

/// Runs deep call chains on fresh threads with large stacks.
///
/// The interpreter recurses once per CALL/CREATE frame, and the EVM allows 1024 nested frames.
/// A thread's default stack (512 KiB–8 MiB) cannot hold that many, especially in debug builds,
/// so every `hopInterval` levels the next frame runs on a new thread with `stackSize` bytes of
/// stack while the caller blocks. Only deep chains pay for the thread; ordinary transactions
/// never leave the caller's thread.
enum DeepStack {
    static let hopInterval = 32
    static let stackSize = 64 << 20

    final class Box<T>: @unchecked Sendable {
        // Accessed by exactly one thread at a time: the caller writes `body`, starts the
        // thread and waits on `done`; the thread runs `body`, writes `result`, signals.
        var body: (() -> T)?
        var result: T?
        let done = DispatchSemaphore(value: 0)
    }

    static func run<T>(_ body: () -> T) -> T {
        withoutActuallyEscaping(body) { escapable in
            let box = Box<T>()
            box.body = escapable
            let thread = Thread {
                box.result = box.body?()
                box.done.signal()
            }
            thread.stackSize = stackSize
            thread.start()
            box.done.wait()
            box.body = nil
            return box.result!
        }
    }
}
