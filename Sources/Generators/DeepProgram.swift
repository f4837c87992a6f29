import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import EVMAssembly

/// A contract that goes deep instead of halting at its first error: for the crash campaign
/// (`lockstep fuzz --crash`). Called with calldata `(seed, depth)`, each frame
/// - expands memory to a seed-chosen offset (below 16 KiB; at the innermost called frame up to
///   1 MiB, so what the remaining gas allows is the bound — memory near the gas-bounded maximum),
/// - calls a seed-chosen precompile (0x01…0x11, every one of Prague's) with a seed-chosen prefix
///   of its memory as input and a 1024th of its gas (below 2^20), so a failing precompile does
///   not eat the gas the recursion needs,
/// - then, while `depth` > 0, recurses with `(keccak(seed, depth), depth − 1)` by CALL to
///   itself, DELEGATECALL to itself, or CREATE of an init code that is this contract's code
///   (which runs the same steps on empty calldata) followed by the CALL, passing all its gas
///   (63/64 reaches the callee), so `depth` ≥ 1024 runs into the call-depth limit;
/// - and ends with REVERT or RETURN, seed-chosen: reverts happen at every depth.
/// Invariant: the code is the same for every seed; only calldata varies, so one installed copy
/// serves the whole campaign.
public enum DeepProgram {
    public static let address = Address(low: 0xdee9)
    public static let sender = Address(low: 0xdee9_5e4d)
    /// The call-depth limit the recursion is meant to reach and pass.
    public static let maxDepth = 1100

    /// The runtime code (also its own init code for the CREATE branch).
    public static let code: [UInt8] = {
        var a = Assembly()
        // mem[0] = seed, mem[32] = depth
        a += Asm.push(0) + .calldataload + Asm.push(0) + .mstore
        a += Asm.push(32) + .calldataload + Asm.push(32) + .mstore
        // Memory: MSTORE8(offset, 1) with offset = (seed >> 8) & mask; mask is 1 MiB at depth 0, else 16 KiB.
        a += Asm.push(1)
        // Big only in a called leaf: an init-code run (no calldata) that ran out of gas expanding
        // memory would eat all the gas its CREATE forwarded, and end the recursion.
        a += Asm.push(0xfffff) + Asm.push(0x3fff) + Asm.push(32) + .mload + .iszero
        a += .calldatasize + .iszero + .iszero + .and                                 // [1, big, small, leaf]
        a.jumpi(to: "bigMemory")
        a += Asm.swap(1)                                                              // [1, small, big]
        a.label("bigMemory")
        a += .pop                                                                     // [1, mask]
        a += Asm.push(0) + .mload + Asm.push(8) + .shr + .and + Asm.push(0xc0) + .add  // [1, offset past the args at 0…0xc0]
        a += .mstore8
        // Precompile: CALL(gas, 1 + seed % 17, 0, 0, (seed >> 24) & 0x1ff, 0x40, 0x40); result dropped.
        a += Asm.push(0x40) + Asm.push(0x40)
        a += Asm.push(0x1ff) + Asm.push(0) + .mload + Asm.push(24) + .shr + .and
        a += Asm.push(0) + Asm.push(0)
        a += Asm.push(17) + Asm.push(0) + .mload + .mod + Asm.push(1) + .add
        a += .gas + Asm.push(10) + .shr + Asm.push(0xfffff) + .and + .call + .pop   // gas: a 1024th, below 2^20
        // Leaf?
        a += Asm.push(32) + .mload + .iszero
        a.jumpi(to: "end")
        // Child calldata at 0x80: (keccak(mem[0..64]), depth - 1)
        a += Asm.push(64) + Asm.push(0) + .keccak256 + Asm.push(0x80) + .mstore
        a += Asm.push(1) + Asm.push(32) + .mload + .sub + Asm.push(0xa0) + .mstore
        // Branch on (seed >> 32) % 4: 0,1 CALL self; 2 DELEGATECALL self; 3 CREATE with own code, then CALL self.
        a += Asm.push(4) + Asm.push(0) + .mload + Asm.push(32) + .shr + .mod          // [k]
        a += Asm.dup(1) + Asm.push(3) + .eq
        a.jumpi(to: "create")
        a += Asm.dup(1) + Asm.push(2) + .eq
        a.jumpi(to: "delegate")
        // CALL(gas, address, 0, 0x80, 64, 0, 0)
        a.label("call")
        a += Asm.push(0) + Asm.push(0) + Asm.push(64) + Asm.push(0x80) + Asm.push(0) + .address + .gas + .call + .pop
        a.jump(to: "after")
        a.label("delegate")
        a += Asm.push(0) + Asm.push(0) + Asm.push(64) + Asm.push(0x80) + .address + .gas + .delegatecall + .pop
        a.jump(to: "after")
        a.label("create")
        // CODECOPY(0x4000, 0, codesize); CREATE(0, 0x4000, codesize)
        a += .codesize + Asm.push(0) + Asm.push(0x4000) + .codecopy
        a += .codesize + Asm.push(0x4000) + Asm.push(0) + .create + .pop
        a.jump(to: "call")  // and recurse: every path goes one level deeper
        a.label("after")
        a += .pop                                                                     // drop k
        a.label("end")
        // REVERT when (seed >> 40) % 3 == 0, else RETURN mem[0..32].
        a += Asm.push(3) + Asm.push(0) + .mload + Asm.push(40) + .shr + .mod + .iszero
        a.jumpi(to: "revert")
        a += Asm.returnMemory(0, 32)
        a.label("revert")
        a += Asm.revertMemory(0, 32)
        return (try? a.assemble()) ?? []
    }()

    /// One block: the deep contract, a sender able to pay `gasLimit` at the block's fee, and one
    /// call into it with `(seed, depth)`. The block gas limit is 2^47, the transaction's
    /// `gasLimit` (default 2^46) enough for 1024 nested frames under the 63/64 rule
    /// ((63/64)^1024 ≈ 1.1·10^-7, and a CREATE of 32000 gas in a quarter of the frames).
    public static func block(seed: UInt64, depth: Int, gasLimit: UInt64 = 1 << 46, fork: Hardfork = .prague) -> BlockInput {
        let pre = InMemoryState()
        pre.setAccount(address, nonce: 1, balance: UInt256(1_000), code: code, storage: [:])
        pre.setAccount(sender, nonce: 0, balance: UInt256(1).shiftedLeft(128), code: [], storage: [:])
        var rng = SplitMix64(seed: seed)
        let word = UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next())
        let data = word.bigEndianBytes + UInt256(UInt64(max(0, depth))).bigEndianBytes
        let tx = Transaction(type: .dynamicFee, chainId: 1, nonce: 0, maxPriorityFeePerGas: 1, maxFeePerGas: 10,
                             gasLimit: gasLimit, to: address, value: .zero, data: data)
        let env = BlockEnv(coinbase: Address(low: 0xc0ffee), number: 1, timestamp: 1000, gasLimit: 1 << 47, baseFee: 7, chainId: 1)
        return BlockInput(fork: fork, block: env, pre: pre, transactions: [RecoveredTransaction(transaction: tx, sender: sender)])
    }
}
