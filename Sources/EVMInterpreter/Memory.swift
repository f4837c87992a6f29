/// A frame's byte-addressed memory: a growable, zero-filled buffer whose size is always a
/// multiple of 32. Gas for expansion is charged by `Frame.memoryRegion`; this type only
/// stores bytes. Owned by exactly one frame, freed with `release()`.
struct Memory {
    /// Largest memory a frame may reach (as evmone: offsets and ends past 2^32 − 1 are out of
    /// gas; at that size the expansion cost alone is over 3.5e13 gas).
    static let maxSize = 0xFFFF_FFFF

    private(set) var base: UnsafeMutablePointer<UInt8>?
    /// Current size in bytes (multiple of 32).
    private(set) var size: Int = 0
    private var capacity: Int = 0

    init() {}

    /// Expansion gas for a memory of `words` 32-byte words: 3·w + w²/512.
    /// `words` is at most 2^27, so the square fits comfortably in Int64.
    @inline(__always)
    static func cost(words: Int) -> Int64 {
        let w = Int64(words)
        return 3 &* w &+ (w &* w) / 512
    }

    /// Grows to `newSize` bytes (a multiple of 32, larger than `size`), zero-filling the new part.
    mutating func grow(to newSize: Int) {
        if newSize > capacity {
            let newCapacity = Swift.max(newSize, Swift.max(capacity &* 2, 1024))
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            if let old = base {
                p.update(from: old, count: size)
                old.deallocate()
            }
            base = p
            capacity = newCapacity
        }
        (base! + size).initialize(repeating: 0, count: newSize &- size)
        size = newSize
    }

    func release() { base?.deallocate() }

    /// Pointer to byte `offset`; valid only for offsets inside `size`.
    @inline(__always)
    func pointer(_ offset: Int) -> UnsafeMutablePointer<UInt8> { base! + offset }

    /// Copy of `count` bytes starting at `offset` (both inside `size`, or `count == 0`).
    func bytes(_ offset: Int, _ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: base! + offset, count: count))
    }

    /// The whole memory (for tracers and tests).
    var contents: [UInt8] { bytes(0, size) }
}
