import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import EthereumTests
import Foundation

/// The flags of a transition-tool run (geth's `evm t8n` names and defaults). A file name of
/// `stdin` reads that input from the combined stdin object `{alloc, env, txs}` (or `txsRlp`,
/// a 0x string of signed transactions, as geth's); `stdout` /
/// `stderr` as an output name writes it into one JSON object `{result, alloc, body}` on that
/// stream instead of a file. Output files go under `outputBasedir`.
public struct T8nArguments: Sendable {
    public var inputAlloc = "alloc.json"
    public var inputEnv = "env.json"
    public var inputTxs = "txs.json"
    public var outputBasedir = ""
    public var outputResult = "result.json"
    public var outputAlloc = "alloc.json"
    public var outputBody: String?
    public var fork = "GrayGlacier"
    public var chainId: UInt256 = 1
    /// Mining reward in wei before the Merge; -1 pays none.
    public var reward: Int64 = 0
    /// One EIP-3155 JSONL file per executed transaction: `<basedir>/trace-<index>-<txhash>.jsonl`.
    public var trace = false
    /// `--trace.returndata`: each step line carries `returnData` (off by default, as in geth).
    public var traceReturnData = false
    /// `--trace.nostack` turns this off: step lines without `stack`.
    public var traceStack = true

    public init() {}
}

/// Everything a run needs from the outside world, so tests can run it in-process.
public struct T8nIO {
    public var readStdin: () -> Data
    public var writeStdout: (Data) -> Void
    public var writeStderr: (String) -> Void

    public init(readStdin: @escaping () -> Data, writeStdout: @escaping (Data) -> Void, writeStderr: @escaping (String) -> Void) {
        self.readStdin = readStdin; self.writeStdout = writeStdout; self.writeStderr = writeStderr
    }

    public static var standard: T8nIO {
        T8nIO(readStdin: { FileHandle.standardInput.readDataToEndOfFile() },
              writeStdout: { FileHandle.standardOutput.write($0) },
              writeStderr: { FileHandle.standardError.write(Data($0.utf8)) })
    }
}

public enum T8nTool {
    /// Fork names as transition tools spell them (case-insensitive; `Merge` = Paris,
    /// `EIP150`/`EIP158`, `ConstantinopleFix` = Petersburg).
    public static func fork(named name: String) -> Hardfork? {
        let n = name.lowercased()
        if n == "merge" { return .paris }
        if n == "tangerinewhistle" { return .tangerineWhistle }
        if n == "spuriousdragon" { return .spuriousDragon }
        if n == "petersburg" { return .petersburg }
        return Hardfork.allCases.first { $0.fixtureName.lowercased() == n || "\($0)".lowercased() == n }
    }

    /// Runs one transition with file I/O and returns the exit code (`T8nExit`); errors are
    /// written to stderr as one line naming the file and field.
    public static func run(_ args: T8nArguments, executor: (any BlockExecutor)? = nil, io: T8nIO = .standard) -> Int32 {
        do throws(T8nFailure) {
            try runChecked(args, executor: executor, io: io)
            return T8nExit.ok
        } catch {
            io.writeStderr("t8n: \(error.message)\n")
            return error.exitCode
        }
    }

    static func path(_ basedir: String, _ name: String) -> String {
        basedir.isEmpty || name.hasPrefix("/") ? name : (basedir as NSString).appendingPathComponent(name)
    }

    static func runChecked(_ args: T8nArguments, executor: (any BlockExecutor)?, io: T8nIO) throws(T8nFailure) {
        guard let fork = fork(named: args.fork) else {
            throw T8nFailure(exitCode: T8nExit.config, "unsupported fork \"\(args.fork)\" (supported: \(Hardfork.allCases.map(\.fixtureName).joined(separator: ", ")))")
        }
        var stdinObject: [String: Any]? = nil
        func input(_ name: String, key: String) throws(T8nFailure) -> FixtureNodeBox {
            if name == "stdin" {
                if stdinObject == nil {
                    let node: Any
                    do { node = try JSONSerialization.jsonObject(with: io.readStdin(), options: [.fragmentsAllowed]) } catch {
                        throw T8nFailure(exitCode: T8nExit.json, "stdin: invalid JSON: \(error.localizedDescription)")
                    }
                    guard let obj = node as? [String: Any] else {
                        throw T8nFailure(exitCode: T8nExit.json, "stdin: expected an object {alloc, env, txs}")
                    }
                    stdinObject = obj
                }
                // geth's stdin object carries signed transactions as `txsRlp` (a 0x string).
                if key == "txs", let rlp = stdinObject?["txsRlp"] as? String, !rlp.isEmpty {
                    return FixtureNodeBox(node: .init(value: rlp, file: "stdin", path: "txsRlp"))
                }
                return FixtureNodeBox(node: .init(value: stdinObject?[key] ?? NSNull(), file: "stdin", path: key))
            }
            guard let data = FileManager.default.contents(atPath: name) else {
                throw T8nFailure(exitCode: T8nExit.io, "\(name): cannot read file")
            }
            do throws(T8nParseError) {
                return FixtureNodeBox(node: try T8nInput.parseJSON(data, file: name))
            } catch {
                throw T8nFailure(exitCode: error.exitCode, error.description)
            }
        }
        func parsed<T>(_ body: () throws(T8nParseError) -> T) throws(T8nFailure) -> T {
            do throws(T8nParseError) { return try body() } catch { throw T8nFailure(exitCode: error.exitCode, error.description) }
        }
        let allocNode = try input(args.inputAlloc, key: "alloc").node
        let envNode = try input(args.inputEnv, key: "env").node
        let txsNode = try input(args.inputTxs, key: "txs").node
        let alloc = try parsed { () throws(T8nParseError) in try T8nInput.alloc(allocNode) }
        let env = try parsed { () throws(T8nParseError) in try T8nInput.env(envNode) }
        let txs = try parsed { () throws(T8nParseError) in try T8nInput.transactions(txsNode) }

        let transition = Transition(fork: fork, chainId: args.chainId,
                                    reward: args.reward < 0 ? nil : UInt256(UInt64(args.reward)), executor: executor)
        let (output, traces) = args.trace ? try transition.applyTraced(alloc: alloc, env: env, txs: txs,
                                                                       returnData: args.traceReturnData, stack: args.traceStack)
                                          : (try transition.apply(alloc: alloc, env: env, txs: txs), [:])

        if !args.outputBasedir.isEmpty {
            try? FileManager.default.createDirectory(atPath: args.outputBasedir, withIntermediateDirectories: true)
        }
        for (index, hash) in output.executedHashes {
            guard let lines = traces[index] else { continue }
            let file = path(args.outputBasedir, "trace-\(index)-\(hash.hexString).jsonl")
            guard FileManager.default.createFile(atPath: file, contents: Data(lines.joined().utf8)) else {
                throw T8nFailure(exitCode: T8nExit.io, "\(file): cannot write trace")
            }
        }
        var combined: [String: [String: Any]] = ["stdout": [:], "stderr": [:]]
        func emit(_ name: String?, key: String, _ value: @autoclosure () -> Any) throws(T8nFailure) {
            guard let name, !name.isEmpty else { return }
            if name == "stdout" || name == "stderr" { combined[name]?[key] = value(); return }
            let file = path(args.outputBasedir, name)
            guard FileManager.default.createFile(atPath: file, contents: T8nJSON.data(value())) else {
                throw T8nFailure(exitCode: T8nExit.io, "\(file): cannot write \(key)")
            }
        }
        try emit(args.outputResult, key: "result", T8nJSON.result(output.result))
        try emit(args.outputAlloc, key: "alloc", T8nJSON.alloc(output.postState))
        try emit(args.outputBody, key: "body", Hex.encodePrefixed(output.body))
        if let o = combined["stdout"], !o.isEmpty { io.writeStdout(T8nJSON.data(o) + Data("\n".utf8)) }
        if let e = combined["stderr"], !e.isEmpty { io.writeStderr(String(decoding: T8nJSON.data(e), as: UTF8.self) + "\n") }
    }
}

/// A parsed input tree and where it came from.
struct FixtureNodeBox { let node: FixtureNode }

extension Transition {
    /// `apply` with an EIP-3155 trace of every executed transaction: lines (each ending in a
    /// newline, the last the summary `{"output","gasUsed","pass"}`) by input index.
    public func applyTraced(alloc: InMemoryState, env: T8nEnv, txs: T8nTransactions,
                            returnData: Bool = false, stack: Bool = true) throws(T8nFailure) -> (T8nOutput, [Int: [String]]) {
        let buffers = TraceBuffers(returnData: returnData, stack: stack)
        var traced = self
        traced.tracerFactory = { index, hash in buffers.tracer(index: index, hash: hash) }
        let output = try traced.apply(alloc: alloc, env: env, txs: txs)
        var traces: [Int: [String]] = [:]
        for (index, hash) in output.executedHashes {
            guard let buffer = buffers.buffers[index] else { continue }
            let receipt = output.result.receipts.first { $0.transactionHash == hash }
            buffer.tracer.writeSummary(output: buffer.output, gasUsed: receipt?.gasUsed ?? 0, pass: receipt?.succeeded ?? false)
            traces[index] = buffer.lines
        }
        return (output, traces)
    }
}

/// Trace lines per transaction, collected in memory and written once the receipts are known.
final class TraceBuffers {
    final class Buffer {
        var lines: [String] = []
        var output: [UInt8] = []
        var tracer: JSONLTracer!
    }
    var buffers: [Int: Buffer] = [:]
    let returnData: Bool
    let stack: Bool
    init(returnData: Bool, stack: Bool) { self.returnData = returnData; self.stack = stack }

    func tracer(index: Int, hash: Bytes32) -> any Tracer {
        let b = Buffer()
        b.tracer = JSONLTracer(includeReturnData: returnData, includeErrors: true) { [unowned b] line in b.lines.append(line) }
        b.tracer.includeStack = stack
        buffers[index] = b
        return OutputCapturingTracer(inner: b.tracer, onTopFrameEnd: { [unowned b] out in b.output = out })
    }
}

/// Forwards to a tracer and records the top frame's output (for the trace summary line).
final class OutputCapturingTracer: Tracer {
    let inner: JSONLTracer
    let onTopFrameEnd: ([UInt8]) -> Void
    init(inner: JSONLTracer, onTopFrameEnd: @escaping ([UInt8]) -> Void) { self.inner = inner; self.onTopFrameEnd = onTopFrameEnd }
    func step(_ step: TraceStep) { inner.step(step) }
    func frameStart(_ message: Message, code: Bytecode) { inner.frameStart(message, code: code) }
    func frameEnd(_ result: CallResult, depth: Int) {
        inner.frameEnd(result, depth: depth)
        if depth == 1 { onTopFrameEnd(result.output) }
    }
}
