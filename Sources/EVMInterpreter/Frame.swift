import EVMCore

/// The mutable state of one executing frame. Lives on the Swift stack of `Interpreter.run`
/// and is passed `inout` to the instruction functions in `Instructions/`.
///
/// Invariants (established by the dispatch loop before each instruction runs):
/// `0 <= sp <= 1024`; the running instruction has at least its inputs on the stack and room
/// for its outputs, so the stack helpers below never check bounds. `gas >= 0` between
/// instructions. `memory.size` is a multiple of 32.
/// The operand stack: 1024 preallocated words at `base`, `base[sp - 1]` the top. A value type
/// of two words so the dispatch loop can hold it in registers; the instructions that only
/// touch the stack (arithmetic, comparison, bitwise, PUSH/DUP/SWAP) are methods of it.
/// Bounds are checked by the dispatch loop before each instruction, never here.
struct Stack {
    let base: UnsafeMutablePointer<UInt256>
    var sp: Int = 0

    @inline(__always)
    mutating func pop() -> UInt256 {
        sp &-= 1
        return base[sp]
    }

    @inline(__always)
    mutating func push(_ v: UInt256) {
        base[sp] = v
        sp &+= 1
    }

    /// The top item, read/write.
    @inline(__always)
    var top: UInt256 {
        get { base[sp &- 1] }
        nonmutating set { base[sp &- 1] = newValue }
    }

    /// Item `i` below the top (0 is the top).
    @inline(__always)
    func peek(_ i: Int) -> UInt256 { base[sp &- 1 &- i] }
}

struct Frame<H: Host> {
    let host: H
    let fork: Hardfork
    let message: Message
    let bytecode: Bytecode
    /// The code bytes; valid for the whole run (the caller keeps `bytecode` alive).
    let code: UnsafeBufferPointer<UInt8>
    /// `bytecode.jumpdests` (one bit per code byte), valid for the whole run.
    let jumpdests: UnsafeBufferPointer<UInt64>
    /// The operand stack. The dispatch loop keeps its own copy in registers while it runs
    /// the hot instructions and stores it here before anything that takes the whole frame.
    var st: Stack
    /// 1024 preallocated words; `stack[sp - 1]` is the top.
    var stack: UnsafeMutablePointer<UInt256> { st.base }
    var sp: Int {
        @inline(__always) get { st.sp }
        @inline(__always) set { st.sp = newValue }
    }
    /// Index of the next byte to decode (already past the running opcode).
    var pc: Int = 0
    var gas: Int64
    var refund: Int64 = 0
    var memory = Memory()
    var returnData: [UInt8] = []
    var output: [UInt8] = []

    // Tracing (untouched when `tracer` is nil).
    let tracer: (any Tracer)?
    var pending: TraceStep?

    init(host: H, message: Message, bytecode: Bytecode, code: UnsafeBufferPointer<UInt8>,
         jumpdests: UnsafeBufferPointer<UInt64>, stack: UnsafeMutablePointer<UInt256>, tracer: (any Tracer)?) {
        self.jumpdests = jumpdests
        self.host = host
        self.fork = host.fork
        self.message = message
        self.bytecode = bytecode
        self.code = code
        self.st = Stack(base: stack)
        self.gas = message.gas
        self.tracer = tracer
    }

    // MARK: Stack (bounds checked by the dispatch loop)

    @inline(__always)
    mutating func pop() -> UInt256 { st.pop() }

    @inline(__always)
    mutating func push(_ v: UInt256) { st.push(v) }

    /// The top item, read/write.
    @inline(__always)
    var top: UInt256 {
        get { st.top }
        nonmutating set { st.top = newValue }
    }

    /// Item `i` below the top (0 is the top).
    @inline(__always)
    func peek(_ i: Int) -> UInt256 { st.peek(i) }

    // MARK: Gas

    /// Deducts `amount`; false when the frame ran out of gas. Amounts passed here are bounded
    /// (≤ 2^56) so the subtraction cannot wrap.
    @inline(__always)
    mutating func charge(_ amount: Int64) -> Bool {
        gas &-= amount
        return gas >= 0
    }

    // MARK: Memory

    /// Validates `[offset, offset + size)`, charges its expansion and grows memory. Returns
    /// the offset as an Int (0 when `size` is zero: nothing is touched and the offset is
    /// ignored), or nil when the region is out of range or unaffordable (out of gas).
    @inline(__always)
    mutating func memoryRegion(_ offset: UInt256, _ size: UInt256) -> Int? {
        if size.isZero { return 0 }
        guard let o = offset.uint64IfFits, let s = size.uint64IfFits,
              o <= UInt64(Memory.maxSize), s <= UInt64(Memory.maxSize) else { return nil }
        let end = Int(o) &+ Int(s)
        if end > memory.size {
            guard expandMemory(to: end) else { return nil }
        }
        return Int(o)
    }

    /// Charges and grows memory to cover `end` bytes (rounded up to a word).
    mutating func expandMemory(to end: Int) -> Bool {
        guard end <= Memory.maxSize else { return false }
        let newWords = (end &+ 31) / 32
        let oldWords = memory.size / 32
        guard charge(Memory.cost(words: newWords) &- Memory.cost(words: oldWords)) else { return false }
        memory.grow(to: newWords &* 32)
        return true
    }

    /// Number of 32-byte words needed for `size` bytes (size ≤ 2^32).
    @inline(__always)
    static func words(_ size: Int) -> Int64 { Int64((size &+ 31) / 32) }

    /// Copies `src[srcOffset ..< srcOffset + count]` to memory at `dst`, zero-filling bytes
    /// past the end of `src`. Memory `[dst, dst + count)` must already be allocated.
    mutating func copyToMemory(dst: Int, from src: UnsafeBufferPointer<UInt8>, srcOffset: UInt256, count: Int) {
        guard count > 0 else { return }
        let p = memory.pointer(dst)
        var available = 0
        var start = 0
        if let so = srcOffset.uint64IfFits, so < UInt64(src.count) {
            start = Int(so)
            available = Swift.min(count, src.count &- start)
        }
        if available > 0, let b = src.baseAddress {
            p.update(from: b + start, count: available)
        }
        if available < count {
            (p + available).update(repeating: 0, count: count &- available)
        }
    }

    mutating func copyToMemory(dst: Int, from src: [UInt8], srcOffset: UInt256, count: Int) {
        src.withUnsafeBufferPointer { copyToMemory(dst: dst, from: $0, srcOffset: srcOffset, count: count) }
    }

    /// Reads 32 bytes of `src` from `offset` as a big-endian word, zero-padding past the end.
    static func loadWord(_ src: UnsafeBufferPointer<UInt8>, at offset: UInt256) -> UInt256 {
        guard let o64 = offset.uint64IfFits, o64 < UInt64(src.count) else { return .zero }
        let o = Int(o64)
        if o &+ 32 <= src.count, let b = src.baseAddress {
            return UInt256(bigEndianPointer: b + o)
        }
        var r = UInt256.zero
        var i = 0
        while i < 32 {
            let idx = o &+ i
            let byte: UInt64 = idx < src.count ? UInt64(src[idx]) : 0
            let fromLow = 31 &- i
            r[limb: fromLow >> 3] |= byte << UInt64((fromLow & 7) &* 8)
            i &+= 1
        }
        return r
    }

    // MARK: Tracing

    /// Records the pre-execution state of the instruction at `pc`.
    mutating func traceBegin(op: UInt8, pc: Int, staticGas: Int64) {
        pending = TraceStep(pc: pc, op: op, gas: gas, gasCost: staticGas, memorySize: memory.size,
                            stack: Array(UnsafeBufferPointer(start: stack, count: sp)),
                            depth: message.depth &+ 1, refund: refund,
                            opName: Opcodes.name(op, fork: fork), returnData: returnData)
    }

    /// Emits the pending step with the gas charged since `traceBegin`.
    mutating func traceFlush() {
        guard var p = pending, let t = tracer else { return }
        pending = nil
        p.gasCost = p.gas &- gas
        t.step(p)
    }

    /// Emits the pending step keeping its static cost, marked with the halt (used on
    /// exceptional halts).
    mutating func traceFlushHalt(_ status: ExecutionStatus) {
        guard var p = pending, let t = tracer else { return }
        pending = nil
        p.error = status
        t.step(p)
    }
}

extension UInt256 {
    /// Reads 32 big-endian bytes at `p`.
    @inline(__always)
    init(bigEndianPointer p: UnsafePointer<UInt8>) {
        let raw = UnsafeRawPointer(p)
        self.init(w0: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)),
                  w1: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                  w2: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                  w3: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)))
    }
}
