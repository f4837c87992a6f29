import EVMCore

/// The compiled Vyper ERC-20 of `Contracts/vyper/ERC20.vy` (bytecode in `VyperBytecode`, built
/// by Vyper 0.4.3): a real compiler's output under the same DeFi and parallel properties as the
/// hand-assembled `ERC20Token`, with the same ABI (`transfer`, `approve`, `transferFrom`,
/// `balanceOf`, `allowance`, `totalSupply`).
///
/// Storage (`vyper -f layout`): `balanceOf` at slot 0, `allowance` at slot 1, `totalSupply` at
/// slot 2; a `HashMap` entry sits at `keccak256(slot ‖ key)` — Vyper puts the slot first, the
/// reverse of Solidity — and a nested one at `keccak256(keccak256(1 ‖ owner) ‖ spender)`.
/// The hashed layout means the balances cannot be read by range: `DeFiLedger` sums the
/// balance slots of the accounts in the state (generated calls send only to those).
public enum VyperERC20 {
    /// Runtime bytecode of `Contracts/vyper/ERC20.vy` (a planted fault may name another entry
    /// of `VyperBytecode` at `vyperTokenContract`, e.g. `ERC20_skipBalanceCheck`).
    public static func code(faults: (any FaultHook)? = nil) -> [UInt8] {
        let name = faults.value(at: .vyperTokenContract, real: "ERC20")
        // The table is generated and checked by VyperContractTests: a decoding failure is a
        // corrupted source file, not an input error.
        guard let hex = VyperBytecode.runtimeHex[name], let code = try? Hex.decode(hex) else {
            preconditionFailure("VyperBytecode.runtimeHex[\(name)] is missing or not hex: run scripts/vyper-contracts.sh")
        }
        return code
    }

    public static let totalSupplySlot = UInt256(2)
    static func entry(_ slot: UInt256, _ key: UInt256) -> UInt256 {
        Keccak256.hash(slot.bigEndianBytes + key.bigEndianBytes).word
    }
    public static func balanceSlot(_ a: Address) -> UInt256 { entry(.zero, a.word) }
    public static func allowanceSlot(owner: Address, spender: Address) -> UInt256 { entry(entry(.one, owner.word), spender.word) }

    /// Genesis storage: the balances, the allowances and a supply equal to Σ balances.
    public static func storage(balances: [Address: UInt256],
                               allowances: [(owner: Address, spender: Address, amount: UInt256)] = []) -> [UInt256: UInt256] {
        var s: [UInt256: UInt256] = [:]
        var supply = UInt256.zero
        for (a, b) in balances where !b.isZero {
            s[balanceSlot(a)] = b
            supply = supply &+ b
        }
        for (o, sp, amount) in allowances where !amount.isZero { s[allowanceSlot(owner: o, spender: sp)] = amount }
        if !supply.isZero { s[totalSupplySlot] = supply }
        return s
    }
}
