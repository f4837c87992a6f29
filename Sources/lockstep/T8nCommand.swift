import ArgumentParser
import EVMCore
import Foundation
import ParallelExecutor
import T8n

/// `lockstep t8n`: the transition tool, flag for flag compatible with geth's `evm t8n`.
/// Exit codes follow the transition-tool convention, not the rest of the CLI:
/// 0 ok, 2 invalid block / EVM failure, 3 bad configuration (fork, flags, missing env field),
/// 4 missing block hash, 10 malformed JSON, 11 I/O error, 12 malformed RLP.
struct T8nCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "t8n",
        abstract: "State transition tool (geth `evm t8n` files and flags): apply a block of transactions to an alloc.",
        discussion: """
        Exit codes (transition-tool convention): 0 ok, 2 invalid block / EVM failure, 3 bad configuration,
        4 missing block hash, 10 malformed JSON input, 11 I/O error, 12 malformed RLP.
        `stdin` as an input name reads {"alloc","env","txs"} from standard input; `stdout`/`stderr` as an
        output name writes {"result","alloc","body"} to that stream.
        """)

    @Option(name: .customLong("input.alloc"), help: "Pre-state (alloc.json), or stdin.") var inputAlloc = "alloc.json"
    @Option(name: .customLong("input.env"), help: "Block environment (env.json), or stdin.") var inputEnv = "env.json"
    @Option(name: .customLong("input.txs"), help: "Transactions: JSON list (secretKey signs), or a 0x RLP string; or stdin.") var inputTxs = "txs.json"
    @Option(name: .customLong("output.basedir"), help: "Directory for the output files and traces.") var outputBasedir = ""
    @Option(name: .customLong("output.result"), help: "result.json name, or stdout/stderr.") var outputResult = "result.json"
    @Option(name: .customLong("output.alloc"), help: "Post-state name, or stdout/stderr.") var outputAlloc = "alloc.json"
    @Option(name: .customLong("output.body"), help: "RLP of the signed transactions (file name, or stdout/stderr).") var outputBody: String?
    @Option(name: .customLong("state.fork"), help: "Fork name (Frontier … Cancun, Prague, Osaka).") var fork = "GrayGlacier"
    @Option(name: .customLong("state.chainid"), help: "Chain id (signing and validation).") var chainId: String = "1"
    @Option(name: .customLong("state.reward"), help: "Mining reward in wei before the Merge (decimal or 0x hex); -1 for none.") var reward: String = "0"
    @Flag(name: .customLong("trace"), help: "EIP-3155 trace per transaction: <basedir>/trace-<index>-<txhash>.jsonl.") var trace = false
    @Flag(name: .customLong("trace.memory"), help: "Accepted for compatibility: memory contents are not traced (memSize is).") var traceMemory = false
    @Flag(name: .customLong("trace.nomemory"), help: "The default: no memory in step lines.") var traceNoMemory = false
    @Flag(name: .customLong("trace.returndata"), help: "Step lines carry returnData.") var traceReturnData = false
    @Flag(name: .customLong("trace.noreturndata"), help: "The default: no returnData in step lines.") var traceNoReturnData = false
    @Flag(name: .customLong("trace.nostack"), help: "Step lines without the stack.") var traceNoStack = false
    @Option(name: .long, help: "Run the block through the parallel executor with N worker threads.") var parallel: Int?

    func run() throws {
        var args = T8nArguments()
        args.inputAlloc = inputAlloc; args.inputEnv = inputEnv; args.inputTxs = inputTxs
        args.outputBasedir = outputBasedir; args.outputResult = outputResult; args.outputAlloc = outputAlloc
        args.outputBody = outputBody; args.fork = fork; args.trace = trace
        if reward == "-1" {
            args.reward = -1
        } else if let r = reward.hasPrefix("0x") ? Int64(reward.dropFirst(2), radix: 16) : Int64(reward), r >= 0 {
            args.reward = r
        } else {
            FileHandle.standardError.write(Data("t8n: --state.reward: not a non-negative 63-bit number or -1: \(reward)\n".utf8))
            throw ExitCode(T8nExit.config)
        }
        args.traceReturnData = traceReturnData && !traceNoReturnData; args.traceStack = !traceNoStack
        if traceMemory && trace {
            FileHandle.standardError.write(Data("t8n: --trace.memory: memory contents are not traced (memSize is)\n".utf8))
        }
        guard let id = chainId.hasPrefix("0x") ? UInt256(hex: chainId) : UInt256(decimal: chainId) else {
            FileHandle.standardError.write(Data("t8n: --state.chainid: not a number: \(chainId)\n".utf8))
            throw ExitCode(T8nExit.config)
        }
        args.chainId = id
        var executor: ParallelExecutor? = nil
        if let n = parallel {
            guard n >= 1 else {
                FileHandle.standardError.write(Data("t8n: --parallel needs at least 1 worker\n".utf8))
                throw ExitCode(T8nExit.config)
            }
            executor = ParallelExecutor(driver: .threaded(workers: n))
        }
        let code = T8nTool.run(args, executor: executor)
        if code != 0 { throw ExitCode(code) }
    }
}
