import EVMCore
import EVMState
import EVMInterpreter
import EVMExecution
import EthereumTests
import EVMChain
import Foundation

/// One EIP-4895 withdrawal (moved to `EVMChain`; the alias keeps `T8n.Withdrawal` for its users).
public typealias Withdrawal = EVMChain.Withdrawal

/// The t8n `env.json`: the block being built and what the transition needs of its parent.
///
/// Derived values follow the transition-tool convention: `currentBaseFee` may be left out when
/// `parentBaseFee`/`parentGasUsed`/`parentGasLimit` are given (EIP-1559 update rule), and
/// `currentExcessBlobGas` when `parentExcessBlobGas`/`parentBlobGasUsed` are (EIP-4844 rule).
public struct T8nEnv: Sendable, Equatable {
    public var coinbase: Address
    public var gasLimit: UInt64
    public var number: UInt64
    public var timestamp: UInt64
    public var difficulty: UInt256?
    /// PREVRANDAO (`currentRandom`), from Paris on.
    public var random: UInt256?
    public var baseFee: UInt256?
    public var parentBaseFee: UInt256?
    public var parentGasUsed: UInt64?
    public var parentGasLimit: UInt64?
    public var excessBlobGas: UInt64?
    public var parentExcessBlobGas: UInt64?
    public var parentBlobGasUsed: UInt64?
    public var parentBeaconBlockRoot: Bytes32?
    /// Known ancestors' hashes, by number (BLOCKHASH; the parent's feeds EIP-2935).
    public var blockHashes: [UInt64: Bytes32]
    /// env.json had a `blockHashes` object (possibly empty). geth runs the EIP-2935 parent-hash
    /// call only then; an absent object (and an empty `blockHashes` not marked given) skips it.
    public var blockHashesGiven = false
    public var withdrawals: [Withdrawal]
    /// Pre-Merge uncles: (number distance from this block, beneficiary).
    public var ommers: [(delta: UInt64, address: Address)]

    public init(coinbase: Address, gasLimit: UInt64, number: UInt64, timestamp: UInt64, difficulty: UInt256? = nil,
                random: UInt256? = nil, baseFee: UInt256? = nil, excessBlobGas: UInt64? = nil,
                parentBeaconBlockRoot: Bytes32? = nil, blockHashes: [UInt64: Bytes32] = [:], withdrawals: [Withdrawal] = []) {
        self.coinbase = coinbase; self.gasLimit = gasLimit; self.number = number; self.timestamp = timestamp
        self.difficulty = difficulty; self.random = random; self.baseFee = baseFee; self.excessBlobGas = excessBlobGas
        self.parentBeaconBlockRoot = parentBeaconBlockRoot; self.blockHashes = blockHashes; self.withdrawals = withdrawals
        self.ommers = []
    }

    public static func == (a: T8nEnv, b: T8nEnv) -> Bool {
        a.coinbase == b.coinbase && a.gasLimit == b.gasLimit && a.number == b.number && a.timestamp == b.timestamp
            && a.difficulty == b.difficulty && a.random == b.random && a.baseFee == b.baseFee
            && a.parentBaseFee == b.parentBaseFee && a.parentGasUsed == b.parentGasUsed && a.parentGasLimit == b.parentGasLimit
            && a.excessBlobGas == b.excessBlobGas && a.parentExcessBlobGas == b.parentExcessBlobGas
            && a.parentBlobGasUsed == b.parentBlobGasUsed && a.parentBeaconBlockRoot == b.parentBeaconBlockRoot
            && a.blockHashes == b.blockHashes && a.withdrawals == b.withdrawals
            && a.ommers.map(\.delta) == b.ommers.map(\.delta) && a.ommers.map(\.address) == b.ommers.map(\.address)
    }

    /// The base fee of this block: given, or derived from the parent (EIP-1559); nil before London.
    public func resolvedBaseFee(fork: Hardfork) -> UInt256? {
        guard fork >= .london else { return nil }
        if let baseFee { return baseFee }
        guard let pf = parentBaseFee, let used = parentGasUsed, let limit = parentGasLimit else { return nil }
        let target = limit / 2
        if target == 0 || used == target { return pf }
        if used > target {
            let delta = pf &* UInt256(used - target) 
            let change = UInt256.evmDiv(UInt256.evmDiv(delta, UInt256(target)), UInt256(8))
            return pf &+ (change.isZero ? .one : change)
        }
        let delta = pf &* UInt256(target - used)
        let change = UInt256.evmDiv(UInt256.evmDiv(delta, UInt256(target)), UInt256(8))
        return change > pf ? .zero : pf &- change
    }

    /// The excess blob gas of this block: given, or derived from the parent (EIP-4844, with
    /// the per-fork target); nil before Cancun.
    public func resolvedExcessBlobGas(fork: Hardfork) -> UInt64? {
        guard fork >= .cancun else { return nil }
        if let excessBlobGas { return excessBlobGas }
        let sum = (parentExcessBlobGas ?? 0) &+ (parentBlobGasUsed ?? 0)
        let target = BlobGas.targetPerBlock(fork: fork)
        return sum < target ? 0 : sum - target
    }

    /// The interpreter's block environment (after resolving derived values).
    public func blockEnv(fork: Hardfork, chainId: UInt256) -> BlockEnv {
        BlockEnv(coinbase: coinbase, number: number, timestamp: timestamp, gasLimit: gasLimit,
                 difficulty: difficulty ?? .zero, prevRandao: random ?? .zero,
                 baseFee: resolvedBaseFee(fork: fork) ?? .zero, excessBlobGas: resolvedExcessBlobGas(fork: fork),
                 chainId: chainId)
    }
}

/// The transactions of `txs.json`: either signed/keyed JSON objects or one RLP list.
public enum T8nTransactions: Sendable {
    /// Parsed entries; an entry that could not be parsed is a rejection with its reason.
    case json([Result<T8nTxEntry, T8nParseError>])
    /// `rlp([tx…])` as a 0x string: legacy transactions as lists, typed ones as byte strings.
    case rlp([Result<Transaction, T8nParseError>])

    public var count: Int {
        switch self {
        case .json(let e): return e.count
        case .rlp(let e): return e.count
        }
    }
}

/// One JSON transaction: its fields and, optionally, the key to sign it with (geth's
/// `secretKey`, used when v, r and s are all zero or absent).
public struct T8nTxEntry: Sendable {
    public var transaction: Transaction
    public var secretKey: Bytes32?
    /// `protected` (legacy only): false signs without EIP-155 replay protection.
    public var protected: Bool

    public init(transaction: Transaction, secretKey: Bytes32? = nil, protected: Bool = true) {
        self.transaction = transaction; self.secretKey = secretKey; self.protected = protected
    }
}

/// Any problem with a t8n input: the file (or `stdin`), the field path and what is wrong.
/// `exitCode` is the transition-tool convention for the kind of problem.
public struct T8nParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var underlying: FixtureError
    public var exitCode: Int32

    public init(_ underlying: FixtureError, exitCode: Int32 = T8nExit.json) {
        self.underlying = underlying; self.exitCode = exitCode
    }

    public var description: String { underlying.description }
}

/// Transition-tool exit codes (the convention of geth's `evm t8n`, shared by other t8n
/// implementations): 0 success, 2 EVM/transition failure (e.g. an invalid block such as a
/// failing system call), 3 bad configuration (unknown fork, bad flag), 4 missing block hash,
/// 10 malformed JSON input, 11 I/O error, 12 malformed RLP.
public enum T8nExit {
    public static let ok: Int32 = 0
    public static let evm: Int32 = 2
    public static let config: Int32 = 3
    public static let missingBlockHash: Int32 = 4
    public static let json: Int32 = 10
    public static let io: Int32 = 11
    public static let rlp: Int32 = 12
}

// MARK: - Parsing

extension FixtureNode {
    /// A t8n number: a JSON number, a `0x` hex string or a decimal string, at most `maxBits`.
    public func t8nNumber(maxBits: Int = 256) throws(FixtureError) -> UInt256 {
        if let n = value as? NSNumber, !FixtureNode.isBooleanNumber(n) {
            let d = n.doubleValue
            guard d >= 0, d == d.rounded(), d < 18_446_744_073_709_551_616 else {
                throw error(.wrongType(expected: "non-negative integer", found: "\(n)"))
            }
            return UInt256(n.uint64Value)
        }
        let text = try string()
        let v: UInt256?
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            v = try uint256Hex(text)
        } else {
            v = UInt256(decimal: text)
        }
        guard let v else { throw error(.wrongType(expected: "a number (0x hex or decimal)", found: "\"\(text)\"")) }
        if maxBits < 256 && v.bitWidthNeeded > maxBits { throw error(.tooLarge(maxBits: maxBits)) }
        return v
    }

    private func uint256Hex(_ text: String) throws(FixtureError) -> UInt256? {
        if text.count == 2 { return .zero }   // "0x" (geth writes empty numbers so)
        return try uint256()
    }

    public func t8nUInt64() throws(FixtureError) -> UInt64 { try t8nNumber(maxBits: 64).w0 }

    static func isBooleanNumber(_ n: NSNumber) -> Bool { kind(of: n) == "boolean" }

    /// A 32-byte value written as a number or as bytes (left-padded).
    public func t8nBytes32() throws(FixtureError) -> Bytes32 { Bytes32(try t8nNumber()) }

    /// The first of `names` that is present and not null.
    public func t8nFirst(_ names: String...) throws(FixtureError) -> FixtureNode? {
        for name in names { if let f = try t8nOptional(name) { return f } }
        return nil
    }

    public func t8nOptional(_ name: String) throws(FixtureError) -> FixtureNode? {
        guard let f = try optionalField(name), !f.isNull else { return nil }
        return f
    }
}

extension UInt256 {
    var bitWidthNeeded: Int {
        for (i, limb) in [w3, w2, w1, w0].enumerated() where limb != 0 {
            return (3 - i) * 64 + (64 - limb.leadingZeroBitCount)
        }
        return 0
    }
}

public enum T8nInput {
    /// Parses JSON text into an untyped tree rooted at a node naming `file`.
    public static func parseJSON(_ data: Data, file: String) throws(T8nParseError) -> FixtureNode {
        do {
            let root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return FixtureNode(value: root, file: file)
        } catch {
            throw T8nParseError(FixtureError(file: file, problem: .invalidJSON("\(error.localizedDescription)")))
        }
    }

    /// `alloc.json`: `{ address: { balance, nonce?, code?, storage? } }`.
    public static func alloc(_ node: FixtureNode) throws(T8nParseError) -> InMemoryState {
        do throws(FixtureError) {
            let state = InMemoryState()
            var seen = Set<Address>()
            for (key, acct) in try node.entries() {
                let keyNode = FixtureNode(value: key, file: node.file, path: key)
                guard let address = Address(hex: key), key.count <= 42 else {
                    throw keyNode.error(.wrongType(expected: "0x-prefixed 20-byte address", found: "\"\(key)\""))
                }
                if !seen.insert(address).inserted { throw keyNode.error(.duplicateKey(key)) }
                let balance = try acct.t8nOptional("balance")?.t8nNumber() ?? .zero
                let nonce = try acct.t8nOptional("nonce")?.t8nUInt64() ?? 0
                let code = try acct.t8nOptional("code")?.bytes() ?? []
                var storage: [UInt256: UInt256] = [:]
                if let s = try acct.t8nOptional("storage") {
                    for (k, v) in try s.entries() {
                        let slot = try FixtureNode(value: k, file: node.file, path: "\(s.path).\(k)").t8nNumber()
                        let value = try v.t8nNumber()
                        if !value.isZero { storage[slot] = value }
                    }
                }
                state.setAccount(address, nonce: nonce, balance: balance, code: code, storage: storage)
            }
            return state
        } catch {
            throw T8nParseError(error)
        }
    }

    /// `env.json`.
    public static func env(_ node: FixtureNode) throws(T8nParseError) -> T8nEnv {
        do throws(FixtureError) {
            let coinbase = try node.field("currentCoinbase").address()
            var env = T8nEnv(coinbase: coinbase, gasLimit: try node.field("currentGasLimit").t8nUInt64(),
                             number: try node.field("currentNumber").t8nUInt64(),
                             timestamp: try node.field("currentTimestamp").t8nUInt64())
            env.difficulty = try node.t8nOptional("currentDifficulty")?.t8nNumber()
            env.random = try node.t8nOptional("currentRandom")?.t8nNumber()
            env.baseFee = try node.t8nOptional("currentBaseFee")?.t8nNumber()
            env.parentBaseFee = try node.t8nOptional("parentBaseFee")?.t8nNumber()
            env.parentGasUsed = try node.t8nOptional("parentGasUsed")?.t8nUInt64()
            env.parentGasLimit = try node.t8nOptional("parentGasLimit")?.t8nUInt64()
            env.excessBlobGas = try node.t8nOptional("currentExcessBlobGas")?.t8nUInt64()
            env.parentExcessBlobGas = try node.t8nOptional("parentExcessBlobGas")?.t8nUInt64()
            env.parentBlobGasUsed = try node.t8nOptional("parentBlobGasUsed")?.t8nUInt64()
            env.parentBeaconBlockRoot = try node.t8nOptional("parentBeaconBlockRoot")?.bytes32()
            if let hashes = try node.t8nOptional("blockHashes") {
                env.blockHashesGiven = true
                for (k, v) in try hashes.entries() {
                    let n = try FixtureNode(value: k, file: node.file, path: "\(hashes.path).\(k)").t8nUInt64()
                    env.blockHashes[n] = try v.bytes32()
                }
            }
            if let ws = try node.t8nOptional("withdrawals") {
                for w in try ws.array() {
                    env.withdrawals.append(Withdrawal(index: try w.field("index").t8nUInt64(),
                                                      validatorIndex: try w.field("validatorIndex").t8nUInt64(),
                                                      address: try w.field("address").address(),
                                                      amount: try w.field("amount").t8nUInt64()))
                }
            }
            if let os = try node.t8nOptional("ommers") {
                for o in try os.array() {
                    env.ommers.append((delta: try o.field("delta").t8nUInt64(), address: try o.field("address").address()))
                }
            }
            return env
        } catch {
            throw T8nParseError(error)
        }
    }

    /// `txs.json`: a JSON array of transaction objects, `null`, or a `0x…` RLP string (also
    /// the content of a `.rlp` file). One unparsable entry becomes a rejection, not a failure;
    /// an RLP string that is not a list fails with exit code 12.
    public static func transactions(_ node: FixtureNode) throws(T8nParseError) -> T8nTransactions {
        if node.isNull { return .json([]) }
        if let text = node.value as? String {
            let bytes: [UInt8]
            do throws(FixtureError) { bytes = try node.bytes() } catch { throw T8nParseError(error, exitCode: T8nExit.rlp) }
            let items: [RLPItem]
            do throws(RLPError) {
                items = try RLP.decode(bytes).asList()
            } catch {
                throw T8nParseError(node.error(.inconsistent("transactions RLP (\(text.prefix(20))…): \(error)")), exitCode: T8nExit.rlp)
            }
            return .rlp(items.enumerated().map { i, item in
                let raw: [UInt8]
                switch item {
                case .bytes(let b): raw = b                 // typed: type ‖ payload
                case .list: raw = RLP.encode(item)          // legacy: the list itself
                }
                do throws(TransactionDecodingError) {
                    return .success(try Transaction.decode(raw))
                } catch {
                    return .failure(T8nParseError(node.element(text, index: i).error(.inconsistent("\(error)")), exitCode: T8nExit.rlp))
                }
            })
        }
        let array: [FixtureNode]
        do throws(FixtureError) { array = try node.array() } catch { throw T8nParseError(error) }
        return .json(array.map { entry in
            do throws(FixtureError) { return .success(try jsonTransaction(entry)) } catch { return .failure(T8nParseError(error)) }
        })
    }

    static func jsonTransaction(_ n: FixtureNode) throws(FixtureError) -> T8nTxEntry {
        let typeNumber = try n.t8nOptional("type")?.t8nNumber(maxBits: 8).w0 ?? 0
        guard let type = TxType(rawValue: UInt8(truncatingIfNeeded: typeNumber)) else {
            throw n.error(.inconsistent("unsupported transaction type \(typeNumber)"))
        }
        let gasPrice = try n.t8nOptional("gasPrice")?.t8nNumber()
        var tx = Transaction(type: type, chainId: try n.t8nOptional("chainId")?.t8nNumber(),
                             nonce: try n.t8nOptional("nonce")?.t8nUInt64() ?? 0,
                             gasPrice: gasPrice ?? .zero,
                             maxPriorityFeePerGas: try n.t8nOptional("maxPriorityFeePerGas")?.t8nNumber(),
                             maxFeePerGas: try n.t8nOptional("maxFeePerGas")?.t8nNumber() ?? gasPrice,
                             gasLimit: try n.field("gas").t8nUInt64(),
                             to: nil, value: try n.t8nOptional("value")?.t8nNumber() ?? .zero,
                             data: try n.t8nFirst("input", "data")?.bytes() ?? [])
        if let to = try n.t8nOptional("to"), let text = to.value as? String, !text.isEmpty, text != "0x" {
            tx.to = try to.address()
        }
        if let list = try n.t8nOptional("accessList") {
            for e in try list.array() {
                let keys = try e.t8nOptional("storageKeys")?.array().map { k throws(FixtureError) in try k.bytes32() } ?? []
                tx.accessList.append(AccessListEntry(address: try e.field("address").address(), storageKeys: keys))
            }
        }
        tx.maxFeePerBlobGas = try n.t8nOptional("maxFeePerBlobGas")?.t8nNumber() ?? .zero
        tx.blobVersionedHashes = try n.t8nOptional("blobVersionedHashes")?.array().map { h throws(FixtureError) in try h.bytes32() } ?? []
        if let auths = try n.t8nOptional("authorizationList") {
            for a in try auths.array() {
                let parity = try a.t8nFirst("yParity", "v")?.t8nNumber(maxBits: 8).w0 ?? 0
                var auth = Authorization(chainId: try a.field("chainId").t8nNumber(), address: try a.field("address").address(),
                                         nonce: try a.field("nonce").t8nUInt64(), yParity: UInt8(truncatingIfNeeded: parity),
                                         r: try a.t8nOptional("r")?.t8nNumber() ?? .zero, s: try a.t8nOptional("s")?.t8nNumber() ?? .zero)
                if let key = try a.t8nFirst("signer", "secretKey")?.bytes32(),
                   auth.r.isZero && auth.s.isZero {
                    _ = auth.sign(privateKey: key)
                }
                tx.authorizationList.append(auth)
            }
        }
        tx.v = try n.t8nFirst("v", "yParity")?.t8nNumber() ?? .zero
        tx.r = try n.t8nOptional("r")?.t8nNumber() ?? .zero
        tx.s = try n.t8nOptional("s")?.t8nNumber() ?? .zero
        let key = try n.t8nOptional("secretKey")?.bytes32()
        var protected = true
        if let p = try n.t8nOptional("protected") {
            guard let b = p.value as? Bool else { throw p.error(.wrongType(expected: "boolean", found: FixtureNode.kind(of: p.value))) }
            protected = b
        }
        return T8nTxEntry(transaction: tx, secretKey: key, protected: protected)
    }
}
