import EVMChain
import EVMCore
import EVMExecution
import EVMState
import EthereumTests
import Foundation
import T8n

/// The t8n input of one imported block of a blockchain test: the parent's post-state as
/// `alloc`, the block's transactions (signed, as RLP) and an env built from the header and its
/// parent (`env(header:parent:ancestors:withdrawals:)`).
public enum BlockT8nCase {
    /// The env of `header` on top of `parent`: coinbase, gas limit, number, timestamp,
    /// `currentRandom` (the mix hash), `currentBaseFee`, `currentExcessBlobGas`,
    /// `parentBeaconBlockRoot` and the withdrawals from the header and body, and the parent
    /// fields a tool may derive them from instead (`parentBaseFee`, `parentGasUsed`,
    /// `parentGasLimit`, `parentExcessBlobGas`, `parentBlobGasUsed`). `blockHashes` holds
    /// every ancestor BLOCKHASH can reach (the parent included, which feeds EIP-2935).
    /// Post-Merge only: the difficulty is left out (geth refuses a non-zero one).
    public static func env(header h: BlockHeader, parent p: BlockHeader, ancestors: [UInt64: Bytes32],
                           withdrawals: [Withdrawal]?) -> T8nEnv {
        var env = T8nEnv(coinbase: h.coinbase, gasLimit: h.gasLimit, number: h.number, timestamp: h.timestamp,
                         random: h.mixHash.word, baseFee: h.baseFee, excessBlobGas: h.excessBlobGas,
                         parentBeaconBlockRoot: h.parentBeaconBlockRoot, blockHashes: ancestors, withdrawals: withdrawals ?? [])
        env.parentBaseFee = p.baseFee
        env.parentGasUsed = p.baseFee == nil ? nil : p.gasUsed
        env.parentGasLimit = p.baseFee == nil ? nil : p.gasLimit
        env.parentExcessBlobGas = h.excessBlobGas == nil ? nil : (p.excessBlobGas ?? 0)
        env.parentBlobGasUsed = h.excessBlobGas == nil ? nil : (p.blobGasUsed ?? 0)
        return env
    }

    public static func make(_ block: Block, parent: BlockHeader, parentState: InMemoryState, ancestors: [UInt64: Bytes32],
                            fork: Hardfork, chainId: UInt256 = 1) -> T8nCase {
        T8nCase(fork: fork, chainId: chainId, alloc: parentState.copy(),
                env: env(header: block.header, parent: parent, ancestors: ancestors, withdrawals: block.withdrawals),
                transactions: block.transactions)
    }

    /// Where a transition result disagrees with what the block's header commits to: state
    /// root, receipts root, gas used, logs bloom, withdrawals root and requests hash (when the
    /// fork has them), and any rejected transaction (a valid block includes all of them).
    public static func headerDifferences(_ header: BlockHeader, _ r: T8nResult) -> [T8nDifference] {
        var out: [T8nDifference] = []
        func check<T: Equatable>(_ field: String, _ x: T, _ y: T, _ show: (T) -> String) {
            if x != y { out.append(T8nDifference(field: field, expected: show(x), actual: show(y))) }
        }
        check("rejected (header includes every transaction)", [], r.rejected.map(\.index)) { "\($0)" }
        check("header.stateRoot", header.stateRoot, r.stateRoot) { $0.hexString }
        check("header.receiptsRoot", header.receiptsRoot, r.receiptsRoot) { $0.hexString }
        check("header.gasUsed", header.gasUsed, r.gasUsed) { "\($0)" }
        check("header.logsBloom", header.logsBloom, r.logsBloom) { Hex.encodePrefixed($0.prefix(8)) + "…" }
        if let w = header.withdrawalsRoot, let x = r.withdrawalsRoot { check("header.withdrawalsRoot", w, x) { $0.hexString } }
        if let q = header.requestsHash { check("header.requestsHash", Optional(q), r.requestsHash) { $0?.hexString ?? "absent" } }
        return out
    }
}

/// What `BlockchainExternalGate.run` found on one blockchain test.
public struct BlockchainExternalOutcome {
    /// Blocks handed to the tool (imported blocks only; blocks that expect an exception are
    /// imported, or rejected, by Lockstep alone: a t8n tool has no notion of an invalid header).
    public var checked = 0
    /// Blocks not checked: the test is not importable, or Lockstep's own import failed.
    public var skipped: String?
    public var finding: ExternalFinding?
    public var toolSeconds = 0.0
}

/// `lockstep blocktest --executor t8n:CMD`: every block of a blockchain test that Lockstep
/// imports is also handed to an external transition tool (`BlockT8nCase`) and checked by
/// `ExternalGate.check` (the tool against Lockstep's transition of the same input, with
/// `--repeat` runs and step-by-step traces on a mismatch). Before that, Lockstep's transition of
/// the input must agree with the block's header (`BlockT8nCase.headerDifferences`), so an
/// agreement with the reference is an agreement with the header. Stops at the first finding;
/// its `origin` names the test and block, and `seed` is the block's index in the test.
public struct BlockchainExternalGate {
    public var gate: ExternalGate
    public var chainId: UInt256

    public init(gate: ExternalGate, chainId: UInt256 = 1) { self.gate = gate; self.chainId = chainId }

    public func run(_ test: BlockchainTest, file: String? = nil, maxBlocks: Int = .max) -> BlockchainExternalOutcome {
        var out = BlockchainExternalOutcome()
        guard let fork = test.hardfork, test.importable, fork >= .paris else {
            out.skipped = "unsupported fork \(test.network) (block import: Paris and later)"
            return out
        }
        let chain: Chain
        do {
            let genesis = try Block.decode(test.genesisRLP, fork: fork)
            chain = try Chain(genesis: genesis.header, state: FixtureAccount.state(test.pre),
                              importer: BlockImporter(fork: fork, chainId: chainId))
        } catch {
            out.skipped = "genesis: \(error)"
            return out
        }
        for (i, b) in test.blocks.enumerated() where out.checked < maxBlocks {
            guard let block = try? Block.decode(b.rlp, fork: fork), let parent = chain.blocks[block.header.parentHash] else {
                if b.expectException == nil { out.skipped = "block \(i) does not decode or has no known parent"; return out }
                continue
            }
            let ancestors = chain.ancestorHashes(from: block.header.parentHash)
            do throws(BlockRejection) { try chain.importBlock(block) } catch {
                if b.expectException == nil { out.skipped = "Lockstep rejects block \(i): \(error)"; return out }
                continue
            }
            if b.expectException != nil { continue }
            let input = BlockT8nCase.make(block, parent: parent.header, parentState: parent.state, ancestors: ancestors,
                                          fork: fork, chainId: chainId)
            let origin = "block \(i) (number \(block.header.number)) of \(test.name)" + (file.map { " in \($0)" } ?? "")
            out.checked += 1
            // The reference side must itself match the header.
            let reference: T8nOutput
            do { reference = try input.reference() } catch {
                out.finding = ExternalFinding(kind: .toolError, command: gate.tool.command, seed: UInt64(i), input: input, differences: [],
                                              traceDifference: nil, message: "Lockstep's transition rejects the block: \(error)", origin: origin)
                return out
            }
            let headerDiffs = BlockT8nCase.headerDifferences(block.header, reference.result)
            if !headerDiffs.isEmpty {
                out.finding = ExternalFinding(kind: .toolError, command: gate.tool.command, seed: UInt64(i), input: input,
                                              differences: headerDiffs, traceDifference: nil,
                                              message: "Lockstep's own transition of the block disagrees with its header (a Lockstep bug)",
                                              origin: origin)
                return out
            }
            if var f = gate.check(input, seed: UInt64(i), toolSeconds: &out.toolSeconds) {
                f.origin = origin
                out.finding = f
                return out
            }
        }
        return out
    }
}
