import EVMCore
import EVMState
import EVMExecution
import EVMPrecompiles
import Foundation

/// One independent differential case: the accounts it owns (its sender, its contracts, its
/// EIP-7702 authorities) and its one transaction, signed by the case's own key.
///
/// Invariant: every address a case owns is derived from its `slot` (its position in a batch),
/// so the cases of one batch touch disjoint accounts — except the coinbase (fees), the
/// precompiles and the block-level system contracts. A case re-run alone keeps its slot and
/// therefore its addresses, so the lone run is the same case.
public struct FuzzCase: Sendable {
    /// The generator feature this case exercises (`program`, `opcode:CLZ`, `precompile:0x0b`,
    /// `modexp`, `tx`, `blob`, `auth`, `floor`, `gascap`, `accesslist`).
    public var feature: String
    public var seed: UInt64
    public var slot: Int
    /// The case's pre-state accounts: (address, nonce, balance, code, storage).
    public var accounts: [FuzzAccount]
    public var transaction: Transaction
    public var senderKey: Bytes32
    /// Blob transactions share the block's blob-gas budget: at most one per batch.
    public var usesBlobs: Bool { transaction.type == .blob }

    public var sender: Address { Secp256k1.address(privateKey: senderKey) ?? .zero }
    /// Every address this case owns (its receipts and post-state accounts are compared per case).
    public var ownedAddresses: Set<Address> { Set(accounts.map(\.address)).union([sender]) }
}

public struct FuzzAccount: Sendable {
    public var address: Address
    public var nonce: UInt64
    public var balance: UInt256
    public var code: [UInt8]
    public var storage: [UInt256: UInt256]
    public init(address: Address, nonce: UInt64 = 0, balance: UInt256 = .zero, code: [UInt8] = [], storage: [UInt256: UInt256] = [:]) {
        self.address = address; self.nonce = nonce; self.balance = balance; self.code = code; self.storage = storage
    }
}

/// Where a generated case puts its accounts: slot `k` owns the keys `0xf022_0000_0000 + k·64 + j`
/// and the contract addresses `0x…c0de_kkkk_jj`.
public enum FuzzLayout {
    public static let chainId: UInt256 = 1
    public static let senderBalance = UInt256.one.shiftedLeft(80)
    public static func key(slot: Int, _ j: Int) -> Bytes32 { Bytes32(UInt256(0xf022_0000_0000 + UInt64(slot) * 64 + UInt64(j) + 1)) }
    public static func keyAddress(slot: Int, _ j: Int) -> Address { Secp256k1.address(privateKey: key(slot: slot, j)) ?? .zero }
    public static func contract(slot: Int, _ j: Int) -> Address { Address(low: 0xc0de_0000_0000 + UInt64(slot) << 8 + UInt64(j)) }
}

/// Minimal byte-level program building (valid by construction where it matters).
enum Code {
    /// The shortest PUSH of `v` (PUSH0 for zero).
    static func push(_ v: UInt256) -> [UInt8] {
        if v.isZero { return [0x5f] }
        let bytes = Array(v.bigEndianBytes.drop { $0 == 0 })
        return [0x5f + UInt8(bytes.count)] + bytes
    }
    static func push(_ v: Int) -> [UInt8] { push(UInt256(UInt64(truncatingIfNeeded: max(0, v)))) }
    static func push(_ a: Address) -> [UInt8] { [0x73] + a.bytes }
    /// `sstore(slot, top)`: consumes the top of the stack.
    static func store(_ slot: Int) -> [UInt8] { push(slot) + [0x55] }
    /// Copies the whole calldata to memory 0.
    static let calldataToMemory: [UInt8] = [0x36, 0x5f, 0x5f, 0x37]
}

extension UInt256 {
    /// An operand for a memory offset or size: usually small (so memory grows without running
    /// out of gas), sometimes at a boundary that must fail.
    static func memoryBiased(using rng: inout SplitMix64) -> UInt256 {
        switch rng.next() % 8 {
        case 0: return .edgeBiased(using: &rng)
        case 1: return UInt256([31, 32, 33, 63, 64, 1024, 0x10000, 0xffff_ffff][Int(rng.next() % 8)])
        default: return UInt256(rng.next() % 160)
        }
    }
}
