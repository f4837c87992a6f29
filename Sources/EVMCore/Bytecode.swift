/// Contract code with its JUMPDEST analysis done once.
///
/// Invariants: `jumpdests` has one bit per code byte; a bit is set only for a `0x5b` byte that is
/// not inside the immediate data of a PUSH1…PUSH32. `hash` is keccak-256 of `bytes`, except for
/// init code made by `init(initCode:)` (hash not computed, `Bytes32.zero`): init code runs once
/// and is never stored in a state, so nothing reads its hash.
/// Instances are immutable and shared (cache them by hash).
public final class Bytecode: Sendable {
    public let bytes: [UInt8]
    public let hash: Bytes32
    /// Bit `i` (word `i >> 6`, bit `i & 63`) is set when byte `i` is a valid jump destination.
    public let jumpdests: [UInt64]

    public init(_ bytes: [UInt8], hash: Bytes32? = nil) {
        self.bytes = bytes
        self.hash = hash ?? Keccak256.hash(bytes)
        var bitmap = [UInt64](repeating: 0, count: (bytes.count + 63) / 64)
        var i = 0
        let n = bytes.count
        while i < n {
            let op = bytes[i]
            if op == 0x5b {
                bitmap[i >> 6] |= 1 << UInt64(i & 63)
            } else if op >= 0x60 && op <= 0x7f {
                i += Int(op) - 0x5f
            }
            i += 1
        }
        self.jumpdests = bitmap
    }

    /// Init code of a CREATE/CREATE2 frame: analysed for jump destinations, not hashed (a
    /// keccak-256 per CREATE that nothing read). Never store it in a state.
    public convenience init(initCode bytes: [UInt8]) { self.init(bytes, hash: .zero) }

    public static let empty = Bytecode([], hash: Keccak256.emptyHash)

    @inlinable
    public var count: Int { bytes.count }

    @inlinable
    public var isEmpty: Bool { bytes.isEmpty }

    /// True when `offset` is in range and marks a JUMPDEST outside PUSH data.
    @inlinable
    public func isJumpdest(_ offset: Int) -> Bool {
        guard offset >= 0 && offset < bytes.count else { return false }
        return (jumpdests[offset >> 6] >> UInt64(offset & 63)) & 1 == 1
    }

    /// EIP-7702 delegation designator `0xef0100 ‖ address` (exactly 23 bytes): the target.
    public var delegationTarget: Address? {
        guard bytes.count == 23, bytes[0] == 0xef, bytes[1] == 0x01, bytes[2] == 0x00 else { return nil }
        return Address(bytes: bytes[3..<23])
    }

    /// Builds the EIP-7702 designator for `target`.
    public static func delegation(to target: Address) -> Bytecode {
        Bytecode([0xef, 0x01, 0x00] + target.bytes)
    }
}
