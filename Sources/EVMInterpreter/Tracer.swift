import EVMCore
import Foundation

/// One EIP-3155 trace line: the state before an instruction runs, and what it cost.
public struct TraceStep: Sendable, Equatable {
    public var pc: Int
    public var op: UInt8
    /// Gas available before the instruction.
    public var gas: Int64
    /// Gas the instruction charged: static + dynamic; for CALL* it includes the gas given to
    /// the callee (without the stipend), for CREATE* it does not (as geth reports them). On an
    /// exceptional halt it is the static cost.
    public var gasCost: Int64
    /// Memory size in bytes before the instruction.
    public var memorySize: Int
    /// Stack before the instruction, bottom first.
    public var stack: [UInt256]
    /// EIP-3155 depth: 1 for the transaction's top frame.
    public var depth: Int
    /// Refund accumulated by this frame so far (plus its finished successful children). A
    /// tracer that wants the transaction-wide counter adds the parents' values; see
    /// `JSONLTracer`.
    public var refund: Int64
    public var opName: String
    /// The return data buffer (output of the last call in this frame).
    public var returnData: [UInt8]
    /// Set on the last step of a frame that ended in an exceptional halt (the halt it caused).
    public var error: ExecutionStatus?

    public init(pc: Int, op: UInt8, gas: Int64, gasCost: Int64, memorySize: Int, stack: [UInt256], depth: Int,
                refund: Int64, opName: String, returnData: [UInt8]) {
        self.pc = pc; self.op = op; self.gas = gas; self.gasCost = gasCost; self.memorySize = memorySize
        self.stack = stack; self.depth = depth; self.refund = refund; self.opName = opName; self.returnData = returnData
        self.error = nil
    }
}

/// Observes execution. `step` is called once per executed instruction (in execution order:
/// a CALL's line comes before the callee's lines). `frameStart`/`frameEnd` bracket each run
/// of `Interpreter.run` (not precompiles or frames the host refuses to start); `depth` in
/// `frameEnd` is the EIP-3155 depth (message depth + 1).
public protocol Tracer: AnyObject {
    func step(_ step: TraceStep)
    func frameStart(_ message: Message, code: Bytecode)
    func frameEnd(_ result: CallResult, depth: Int)
}

extension Tracer {
    public func frameStart(_ message: Message, code: Bytecode) {}
    public func frameEnd(_ result: CallResult, depth: Int) {}
}

/// Writes EIP-3155 JSON lines:
/// `{"pc":0,"op":96,"gas":"0x5f5e100","gasCost":"0x3","memSize":0,"stack":[],"depth":1,"refund":0,"opName":"PUSH1"}`.
/// `refund` is the transaction-wide counter, reconstructed from the per-frame values.
/// The caller writes the closing summary with `writeSummary`.
public final class JSONLTracer: Tracer {
    private let write: (String) -> Void
    /// Include `"returnData"` in step lines (optional in EIP-3155).
    public var includeReturnData: Bool
    /// Include `"error"` on the step that caused an exceptional halt (optional in EIP-3155).
    public var includeErrors: Bool
    /// Include `"stack"` (on by default; off for geth's `--trace.nostack`).
    public var includeStack = true
    /// Refund of the enclosing frames (transaction-wide base) per active frame.
    private var bases: [Int64] = []
    /// Last refund value seen in each active frame.
    private var lastRefund: [Int64] = []

    /// `write` receives one complete line (with trailing newline) per call.
    public init(includeReturnData: Bool = false, includeErrors: Bool = false, write: @escaping (String) -> Void) {
        self.write = write
        self.includeReturnData = includeReturnData
        self.includeErrors = includeErrors
    }

    /// Writes to a file handle (e.g. `FileHandle.standardError`).
    public convenience init(fileHandle: FileHandle, includeReturnData: Bool = false, includeErrors: Bool = false) {
        self.init(includeReturnData: includeReturnData, includeErrors: includeErrors) { line in
            fileHandle.write(Data(line.utf8))
        }
    }

    public func frameStart(_ message: Message, code: Bytecode) {
        let base = (bases.last ?? 0) &+ (lastRefund.last ?? 0)
        bases.append(base)
        lastRefund.append(0)
    }

    public func frameEnd(_ result: CallResult, depth: Int) {
        if !bases.isEmpty { bases.removeLast(); lastRefund.removeLast() }
    }

    public func step(_ s: TraceStep) {
        if !lastRefund.isEmpty { lastRefund[lastRefund.count - 1] = s.refund }
        let total = (bases.last ?? 0) &+ s.refund
        var line = "{\"pc\":\(s.pc),\"op\":\(s.op),\"gas\":\"\(JSONLTracer.hex(s.gas))\",\"gasCost\":\"\(JSONLTracer.hex(s.gasCost))\""
        line += ",\"memSize\":\(s.memorySize)"
        if includeStack {
            line += ",\"stack\":["
            for (i, v) in s.stack.enumerated() {
                if i > 0 { line += "," }
                line += "\"\(v.hexString)\""
            }
            line += "]"
        }
        line += ",\"depth\":\(s.depth),\"refund\":\(total)"
        if includeReturnData { line += ",\"returnData\":\"0x\(Hex.encode(s.returnData))\"" }
        line += ",\"opName\":\"\(s.opName)\""
        if includeErrors, let e = s.error { line += ",\"error\":\"\(e)\"" }
        line += "}\n"
        write(line)
    }

    /// The closing line: `{"output":"…","gasUsed":"0x…","pass":true}` (plus `stateRoot`
    /// and `error` when given).
    public func writeSummary(output: [UInt8], gasUsed: UInt64, pass: Bool, stateRoot: Bytes32? = nil, error: String? = nil) {
        var line = "{"
        if let r = stateRoot { line += "\"stateRoot\":\"\(r.hexString)\"," }
        line += "\"output\":\"\(Hex.encode(output))\",\"gasUsed\":\"0x\(String(gasUsed, radix: 16))\",\"pass\":\(pass)"
        if let e = error { line += ",\"error\":\"\(e)\"" }
        line += "}\n"
        write(line)
    }

    static func hex(_ v: Int64) -> String {
        v < 0 ? "-0x" + String(UInt64(bitPattern: 0 &- v), radix: 16) : "0x" + String(v, radix: 16)
    }
}
