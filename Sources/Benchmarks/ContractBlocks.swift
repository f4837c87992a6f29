import Foundation
import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import EVMAssembly
import DeFiContracts
import Generators

/// Blocks of calls into the **compiled** contracts (`Contracts/vyper`, Vyper 0.4.3 bytecode in
/// `VyperBytecode`) at a chosen conflict level: the workloads of `lockstep bench --contracts`.
///
/// Every transaction has its own sender (nonce 0, funded), so the only dependencies are the
/// ones the contracts' storage creates:
/// - **ERC-20 transfers** (`VyperERC20`): transaction i calls `transfer(recipient, amount)`;
///   the recipient is a fresh holder of its own, or with probability r the one hot holder
///   (`hotHolder`). Sending to the hot holder reads and writes its balance slot, so the
///   hot transactions form one chain: r = 0 is conflict-free, r = 1 a fully dependent chain.
/// - **AMM swaps** (`ConstantProductPool.vy` over two `VyperERC20` tokens): transaction i swaps a
///   seeded amount in a seeded direction on a pool of its own, or with probability r on the one
///   shared pool. A swap reads both reserves and writes them, and moves the pool's balances in
///   both tokens (`transferFrom` with an infinite allowance, then `transfer`), so swaps on the
///   shared pool form one chain; pools of their own share only the token contracts, whose
///   account records are never written.
public enum ContractBlocks {
    public enum Workload: String, Sendable, CaseIterable {
        case erc20 = "erc20"
        case amm = "amm"

        public var title: String { self == .erc20 ? "ERC-20 transfers" : "AMM swaps" }
    }

    public static let tokenA = Address(low: 0x7a_0000_0001)
    public static let tokenB = Address(low: 0x7a_0000_0002)
    public static let coinbase = Address(low: 0xc0ffee)
    /// The recipient of every conflicting ERC-20 transfer.
    public static let hotHolder = Address(low: 0x4f7_0000_0000)

    /// Sender of transaction `i` (each sends exactly one transaction).
    public static func sender(_ i: Int) -> Address { Address(low: 0x5e_0000_0000 + UInt64(i)) }
    /// The fresh ERC-20 recipient of transaction `i`.
    public static func recipient(_ i: Int) -> Address { Address(low: 0x7e_0000_0000 + UInt64(i)) }
    /// Pool `k` (0 is the shared pool; transaction i's own pool is `i + 1`).
    public static func pool(_ k: Int) -> Address { Address(low: 0x9001_0000_0000 + UInt64(k)) }

    /// Token balance of every sender and reserve of every pool in each token.
    public static let startingTokens = UInt256(1_000_000_000_000_000_000 as UInt64) &* UInt256(1000)
    static let ether = UInt256(1_000_000_000_000_000_000 as UInt64)

    static func poolCode() -> [UInt8] {
        // Generated and compared by VyperContractTests: a decoding failure is a corrupted source file.
        guard let hex = VyperBytecode.runtimeHex["ConstantProductPool"], let code = try? Hex.decode(hex) else {
            preconditionFailure("VyperBytecode.runtimeHex[ConstantProductPool] is missing or not hex: run scripts/vyper-contracts.sh")
        }
        return code
    }

    /// A block of `transactions` calls of `workload` at conflict rate `conflictRate` in [0, 1].
    public static func block(_ workload: Workload, transactions: Int, conflictRate: Double, seed: UInt64) -> BlockInput {
        switch workload {
        case .erc20: return erc20Block(transactions: transactions, conflictRate: conflictRate, seed: seed)
        case .amm: return ammBlock(transactions: transactions, conflictRate: conflictRate, seed: seed)
        }
    }

    static func env(_ seed: UInt64) -> BlockEnv {
        BlockEnv(coinbase: coinbase, number: 1, timestamp: 1000, gasLimit: 10_000_000_000, prevRandao: UInt256(seed),
                 baseFee: UInt256(7), excessBlobGas: 0, chainId: 1)
    }

    static func call(_ to: Address, _ data: [UInt8], from: Address) -> RecoveredTransaction {
        let tx = Transaction(type: .dynamicFee, chainId: 1, nonce: 0, maxPriorityFeePerGas: UInt256(2),
                             maxFeePerGas: UInt256(20), gasLimit: 300_000, to: to, value: .zero, data: data)
        return RecoveredTransaction(transaction: tx, sender: from)
    }

    /// Seeded draw: true with probability `rate` (exactly never at 0, always at 1).
    static func draw(_ rng: inout SplitMix64, _ rate: Double) -> Bool {
        Double(rng.next() % 1_000_000) / 1_000_000 < rate
    }

    static func erc20Block(transactions n: Int, conflictRate: Double, seed: UInt64) -> BlockInput {
        var rng = SplitMix64(seed: seed)
        let pre = InMemoryState()
        var balances: [Address: UInt256] = [hotHolder: UInt256(1)]
        var txs: [RecoveredTransaction] = []
        txs.reserveCapacity(n)
        for i in 0..<n {
            let from = sender(i)
            pre.setAccount(from, nonce: 0, balance: ether, code: [], storage: [:])
            balances[from] = startingTokens
            let to = draw(&rng, conflictRate) ? hotHolder : recipient(i)
            let amount = UInt256(1 + rng.next() % 1_000_000)
            txs.append(call(tokenA, ERC20Token.transfer(to: to, amount: amount), from: from))
        }
        pre.setAccount(tokenA, nonce: 1, balance: .zero, code: VyperERC20.code(), storage: VyperERC20.storage(balances: balances))
        pre.setAccount(coinbase, nonce: 0, balance: UInt256(1), code: [], storage: [:])
        return BlockInput(fork: .cancun, block: env(seed), pre: pre, transactions: txs)
    }

    static func ammBlock(transactions n: Int, conflictRate: Double, seed: UInt64) -> BlockInput {
        var rng = SplitMix64(seed: seed)
        let pre = InMemoryState()
        let code = poolCode()
        var balances: [Address: UInt256] = [:]
        var allowances: [(owner: Address, spender: Address, amount: UInt256)] = []
        let reserve = startingTokens
        func addPool(_ k: Int) {
            let p = pool(k)
            pre.setAccount(p, nonce: 1, balance: .zero, code: code,
                           storage: VyperContract.poolLayout.storage(token0: tokenA, token1: tokenB, reserve0: reserve,
                                                                     reserve1: reserve, shares: [:]))
            balances[p] = reserve
        }
        addPool(0)
        var txs: [RecoveredTransaction] = []
        txs.reserveCapacity(n)
        for i in 0..<n {
            let from = sender(i)
            pre.setAccount(from, nonce: 0, balance: ether, code: [], storage: [:])
            balances[from] = startingTokens
            let k: Int
            if draw(&rng, conflictRate) { k = 0 } else { k = i + 1; addPool(k) }
            let zeroForOne = rng.next() & 1 == 0
            // An infinite allowance (never decremented by the token) for the pool the sender uses.
            allowances.append((from, pool(k), .max))
            let amountIn = UInt256(1_000 + rng.next() % 1_000_000_000) &* UInt256(1_000_000)
            txs.append(call(pool(k), ConstantProductPool.swap(zeroForOne: zeroForOne, amountIn: amountIn, minOut: .one), from: from))
        }
        pre.setAccount(tokenA, nonce: 1, balance: .zero, code: VyperERC20.code(),
                       storage: VyperERC20.storage(balances: balances, allowances: allowances))
        pre.setAccount(tokenB, nonce: 1, balance: .zero, code: VyperERC20.code(),
                       storage: VyperERC20.storage(balances: balances, allowances: allowances))
        pre.setAccount(coinbase, nonce: 0, balance: UInt256(1), code: [], storage: [:])
        return BlockInput(fork: .cancun, block: env(seed), pre: pre, transactions: txs)
    }
}
