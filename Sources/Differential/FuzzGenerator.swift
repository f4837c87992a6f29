import EVMCore
import EVMState
import EVMExecution
import EVMPrecompiles
import Foundation
import Generators

/// What the generator is asked to produce: everything (each case picks a feature), or programs
/// dense in one opcode, or calls of one precompile, or one named feature.
public enum FuzzFocus: Sendable, Equatable, CustomStringConvertible {
    case all
    case opcode(UInt8)
    case precompile(Precompile)
    case feature(String)

    /// The features `--feature` accepts (and `all` cycles through).
    public static let features = ["program", "opcodes", "precompile", "modexp", "tx", "accesslist", "floor", "gascap", "blob", "auth"]

    public var description: String {
        switch self {
        case .all: return "all"
        case .opcode(let op): return "opcode \(Opcodes.info(op)?.name ?? String(op, radix: 16))"
        case .precompile(let p): return "precompile " + String(format: p.rawValue > 0xff ? "0x%03x" : "0x%02x", Int(p.rawValue))
        case .feature(let f): return "feature \(f)"
        }
    }

    /// `--opcode NAME` (a mnemonic such as `CLZ`, or `0x1e`).
    public static func opcode(named name: String) -> FuzzFocus? {
        if name.hasPrefix("0x"), let v = UInt8(name.dropFirst(2), radix: 16), Opcodes.info(v) != nil { return .opcode(v) }
        for op in 0...255 where Opcodes.info(UInt8(op))?.name.uppercased() == name.uppercased() { return .opcode(UInt8(op)) }
        return nil
    }

    /// `--precompile ADDR` (`0x0b`, `11`, `0x100`).
    public static func precompile(named name: String) -> FuzzFocus? {
        let v = name.hasPrefix("0x") ? Int(name.dropFirst(2), radix: 16) : Int(name)
        guard let v, let raw = UInt16(exactly: v), let p = Precompile(rawValue: raw) else { return nil }
        return .precompile(p)
    }
}

/// Seeded generator of independent `FuzzCase`s for one fork. Deterministic in (seed, slot).
///
/// Features: structured programs (`ProgramGenerator`: calls of every kind, CREATE/CREATE2,
/// SELFDESTRUCT, transient storage, logs, revert, loops); `opcodes`: dense programs of random
/// (or, with `.opcode`, one) defined opcodes on edge-biased operands, with memory offsets biased
/// small so memory grows; `precompile`: each precompile of the fork called from a contract
/// (CALL/STATICCALL/DELEGATECALL, tight and ample gas) or as the transaction target, with the
/// shared vectors' inputs as they are, mutated (bit flip, truncation, extension) or random;
/// `modexp`: headers with lengths 0/1/32/64/512/1024/1025/2³²/2²⁵⁵ (EIP-7823's 1024-byte limit
/// and EIP-7883's pricing in Osaka); `tx`: transaction types 0–4 with fields at their edges
/// (fee caps below the base fee, priority above max, value above balance, nonce off by one,
/// wrong chain id, gas below intrinsic); `accesslist`: access lists warming slots the called
/// program reads; `floor`: EIP-7623 calldata-floor gas limits at floor−1/floor/floor+1;
/// `gascap`: EIP-7825 limits at 2²⁴−1/2²⁴/2²⁴+1; `blob`: 0…limit+1 blobs, bad versions, fee
/// caps below the blob base fee; `auth`: EIP-7702 authorisations (valid, chain id 0 / wrong,
/// wrong nonce, delegation to 0, re-delegation, chains, the sender as authority, empty list).
public struct FuzzGenerator: Sendable {
    public var fork: Hardfork
    public var focus: FuzzFocus
    /// The precompile vectors (empty when the folder is absent: inputs are then random).
    public var vectors: [Precompile: [[UInt8]]]

    public init(fork: Hardfork, focus: FuzzFocus = .all, vectors: [Precompile: [[UInt8]]] = [:]) {
        self.fork = fork; self.focus = focus; self.vectors = vectors
    }

    /// Inputs of every vector file (valid and `fail-` ones) per precompile.
    public static func loadVectors() -> [Precompile: [[UInt8]]] {
        guard let root = PrecompileVectorFile.root() else { return [:] }
        var out: [Precompile: [[UInt8]]] = [:]
        for f in PrecompileVectorFile.all {
            guard let vs = try? f.load(root: root) else { continue }
            out[f.precompile, default: []] += vs.map(\.input)
        }
        return out
    }

    var features: [String] {
        FuzzFocus.features.filter { f in
            switch f {
            case "auth", "floor": return fork >= .prague
            default: return true
            }
        }
    }

    public func generate(seed: UInt64, slot: Int) -> FuzzCase {
        var rng = SplitMix64(seed: seed)
        let feature: String
        switch focus {
        case .all: feature = features[Int(rng.next() % UInt64(features.count))]
        case .opcode: feature = rng.next() % 5 == 0 ? "program" : "opcodes"
        case .precompile(let p): feature = p == .modexp && rng.next() % 2 == 0 ? "modexp" : "precompile"
        case .feature(let f): feature = f
        }
        var b = CaseBuilder(fork: fork, slot: slot, rng: rng)
        switch feature {
        case "program": b.program()
        case "opcodes":
            if case .opcode(let op) = focus { b.opcodes(focus: op) } else { b.opcodes(focus: nil) }
        case "precompile":
            if case .precompile(let p) = focus { b.precompileCall(p, vectors: vectors[p] ?? []) } else {
                let ps = Precompile.allCases.filter { $0.since <= fork }
                let p = ps[Int(b.rng.next() % UInt64(ps.count))]
                b.precompileCall(p, vectors: vectors[p] ?? [])
            }
        case "modexp": b.modexp()
        case "accesslist": b.accessList()
        case "floor": b.calldataFloor()
        case "gascap": b.gasCap()
        case "blob": b.blobs()
        case "auth": b.authorizations()
        default: b.transactionFields()
        }
        return b.finish(feature: feature == "opcodes" && focus != .all ? "opcode:\(focus.description.split(separator: " ").last ?? "")"
                        : feature == "precompile" && focus != .all ? "precompile:\(focus.description.split(separator: " ").last ?? "")" : feature,
                        seed: seed)
    }
}

/// Builds one case: accounts, then the transaction (`tx`), signed in `finish`.
struct CaseBuilder {
    let fork: Hardfork
    let slot: Int
    var rng: SplitMix64
    var accounts: [FuzzAccount] = []
    var tx = Transaction(type: .dynamicFee, chainId: FuzzLayout.chainId, nonce: 0, maxPriorityFeePerGas: 2, maxFeePerGas: 1000, gasLimit: 1_000_000)
    var senderNonce: UInt64 = 0
    var senderBalance = FuzzLayout.senderBalance
    var signChainId: UInt256? = FuzzLayout.chainId

    init(fork: Hardfork, slot: Int, rng: SplitMix64) { self.fork = fork; self.slot = slot; self.rng = rng }

    var senderKey: Bytes32 { FuzzLayout.key(slot: slot, 0) }
    var sender: Address { FuzzLayout.keyAddress(slot: slot, 0) }
    func contract(_ j: Int) -> Address { FuzzLayout.contract(slot: slot, j) }
    mutating func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(max(1, n))) }
    mutating func chance(_ oneIn: Int) -> Bool { pick(oneIn) == 0 }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }

    /// Some transaction type the fork allows for a call (legacy, 2930, 1559; 4844/7702 have their own features).
    mutating func randomCallType() {
        switch pick(4) {
        case 0: tx.type = .legacy; tx.gasPrice = 1000; if chance(3) { signChainId = nil; tx.chainId = nil }
        case 1: tx.type = .accessList; tx.gasPrice = 1000
        default: tx.type = .dynamicFee
        }
    }

    mutating func finish(feature: String, seed: UInt64) -> FuzzCase {
        var all = accounts
        all.append(FuzzAccount(address: sender, nonce: senderNonce, balance: senderBalance))
        var signed = tx
        if signed.type != .legacy && signed.chainId == nil { signed.chainId = FuzzLayout.chainId }
        // One fee model per type, as the encoding carries it (legacy and 2930: gasPrice only).
        if signed.type.hasDynamicFee { signed.gasPrice = signed.maxFeePerGas } else {
            signed.maxFeePerGas = signed.gasPrice; signed.maxPriorityFeePerGas = signed.gasPrice
        }
        _ = signed.sign(privateKey: senderKey, chainId: signed.type == .legacy ? signChainId : signed.chainId)
        return FuzzCase(feature: feature, seed: seed, slot: slot, accounts: all, transaction: signed, senderKey: senderKey)
    }

    // MARK: Programs

    mutating func program() {
        let gen = ProgramGenerator(contracts: 3 + pick(2), maxStatements: 12, base: FuzzLayout.contract(slot: slot, 0).word.w0)
        let state = InMemoryState()
        gen.install(in: state, rng: &rng)
        for a in gen.addresses {
            let acc = state.account(a)
            accounts.append(FuzzAccount(address: a, nonce: acc?.nonce ?? 1, balance: acc?.balance ?? .zero,
                                        code: state.code(hash: acc?.codeHash ?? Keccak256.emptyHash).bytes,
                                        storage: state.storage[a] ?? [:]))
        }
        randomCallType()
        tx.to = gen.addresses[pick(gen.contracts)]
        tx.data = ProgramGenerator.calldata(rng: &rng)
        tx.value = UInt256(UInt64(pick(3)))
        // Bounded gas: calls between the contracts recurse until the gas runs out, and the spec
        // executes about 0.5 Mgas/s on a loaded machine, so 2.2 Mgas cases made one 100-case
        // batch take minutes; 40k…300k still reaches depth, loops, CREATE and out-of-gas.
        tx.gasLimit = UInt64(40_000 + pick(260_000))
    }

    /// Operands for `op`: memory offsets and sizes biased small, the rest edge-biased.
    mutating func operands(_ op: UInt8, count: Int) -> [UInt256] {
        let memoryArgs: Set<UInt8> = [0x20, 0x37, 0x39, 0x3c, 0x3e, 0x51, 0x52, 0x53, 0x5e, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4,
                                      0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xfa, 0xfd]
        return (0..<count).map { i in
            if memoryArgs.contains(op) && !((op == 0xf1 || op == 0xf2) && i == 2) && !(op == 0xf5 && i == 3) && !chance(6) {
                return .memoryBiased(using: &rng)
            }
            if (op >= 0xf1 && op <= 0xfa) && i == 0 && !chance(4) { return UInt256(UInt64(pick(100_000))) }   // call gas
            if (op >= 0xf1 && op <= 0xfa) && i == 1 && !chance(4) {                                               // call target
                return [contract(1).word, contract(2).word, UInt256(UInt64(1 + pick(0x11))), sender.word][pick(4)]
            }
            if op == 0x56 || op == 0x57, i == 0, !chance(3) { return UInt256(UInt64(pick(64))) }                 // jump targets
            return .edgeBiased(using: &rng)
        }
    }

    /// `count` statements of `op` (or random defined opcodes) on pushed operands; each result
    /// is stored to a fresh slot so the post-state shows it. Contracts 1 and 2 are callees.
    mutating func opcodes(focus: UInt8?) {
        var code: [UInt8] = []
        var slotIndex = 0
        let defined = (0...255).map(UInt8.init).filter { Opcodes.isDefined($0, in: fork) && !(0x60...0x7f).contains($0) && $0 != 0x5f }
        for _ in 0..<(4 + pick(12)) {
            let op = focus.map { chance(5) ? defined[pick(defined.count)] : $0 } ?? defined[pick(defined.count)]
            guard let info = Opcodes.info(op) else { continue }
            if (0x80...0x9f).contains(op) {                      // DUPn / SWAPn: fill the depth they reach
                for _ in 0..<info.stackIn { code += Code.push(UInt256.edgeBiased(using: &rng)) }
                code.append(op)
                for _ in 0..<info.stackOut { code += Code.store(slotIndex); slotIndex += 1 }
                continue
            }
            for v in operands(op, count: info.stackIn).reversed() { code += Code.push(v) }
            code.append(op)
            for _ in 0..<info.stackOut { code += Code.store(slotIndex); slotIndex += 1 }
            if chance(6) { code += [0x5a] + Code.store(slotIndex); slotIndex += 1 }   // GAS: the gas charged so far
        }
        code += [0x59] + Code.store(slotIndex)                     // MSIZE
        code += chance(8) ? [0x5f, 0x5f, 0xfd] : [0x00]
        accounts.append(FuzzAccount(address: contract(0), nonce: 1, code: code, storage: [UInt256(0x1000): 1]))
        // Callees: a storer/logger, and a reverting one.
        accounts.append(FuzzAccount(address: contract(1), nonce: 1, balance: 7,
                                    code: [0x36, 0x5f, 0x55, 0x5f, 0x5f, 0xa0, 0x60, 0x20, 0x5f, 0xf3]))
        accounts.append(FuzzAccount(address: contract(2), nonce: 1, code: [0x60, 0x01, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xfd]))
        randomCallType()
        tx.to = contract(0)
        tx.data = bytes(pick(3) * 32)
        tx.value = UInt256(UInt64(pick(2)))
        tx.gasLimit = UInt64(100_000 + pick(3_000_000))
    }

    // MARK: Precompiles

    mutating func mutated(_ input: [UInt8]) -> [UInt8] {
        var x = input
        switch pick(6) {
        case 0, 1: return x
        case 2 where !x.isEmpty: x[pick(x.count)] ^= UInt8(1) << UInt8(pick(8)); return x
        case 3 where !x.isEmpty: return Array(x.prefix(pick(x.count)))
        case 4: return x + bytes(1 + pick(40))
        default: return bytes(pick(4) == 0 ? 0 : [1, 31, 32, 64, 96, 128, 160, 192, 213, 256, 288, 384][pick(12)])
        }
    }

    /// A contract that forwards its calldata to `target` with gas from calldata-independent
    /// edges and stores success, RETURNDATASIZE, the first return word and the gas left.
    static func forwarder(target: Address, kind: UInt8, gas: UInt256) -> [UInt8] {
        var c = Code.calldataToMemory
        c += Code.push(32) + Code.push(0x4000)                                 // out: 32 bytes at 0x4000
        c += [0x36, 0x5f]                                                      // in: calldatasize at 0
        if kind == 0xf1 || kind == 0xf2 { c += [0x5f] }                         // value 0
        c += Code.push(target) + Code.push(gas) + [kind]
        c += Code.store(0)
        c += [0x3d] + Code.store(1)                                            // RETURNDATASIZE
        c += Code.push(0x4000) + [0x51] + Code.store(2)
        c += [0x3d, 0x5f, 0x5f, 0x3e, 0x3d, 0x5f, 0x20] + Code.store(3)          // keccak(returndata)
        c += [0x5a] + Code.store(4)
        c += [0x00]
        return c
    }

    /// Pairs (points, or point-scalar pairs) an input of `p` keeps: the spec computes BLS12-381
    /// and BN254 in pure Python (py_ecc: a pairing or a subgroup check costs ~0.1–1 s), and the
    /// shared vectors hold MSMs of up to 4877 points, so a whole vector could stall a batch for
    /// minutes. MSMs keep 8 pairs (one case in 10: 32, past EIP-2537's discount-table knee),
    /// pairings 4 (one in 10: 8); cut at a pair boundary, so a valid input stays valid.
    mutating func specAffordable(_ p: Precompile, _ input: [UInt8]) -> [UInt8] {
        let pairSize: Int, pairs: Int
        switch p {
        case .bls12G1MSM: pairSize = 160; pairs = chance(10) ? 32 : 8
        case .bls12G2MSM: pairSize = 288; pairs = chance(10) ? 32 : 8
        case .bls12PairingCheck: pairSize = 384; pairs = chance(10) ? 8 : 4
        case .bn254Pairing: pairSize = 192; pairs = chance(10) ? 8 : 4
        default: return input
        }
        return input.count > pairSize * pairs ? Array(input.prefix(pairSize * pairs)) : input
    }

    mutating func precompileCall(_ p: Precompile, vectors: [[UInt8]]) {
        let base = specAffordable(p, vectors.isEmpty ? bytes(pick(256)) : vectors[pick(vectors.count)])
        let input = mutated(base)
        let target = Address(low: UInt64(p.rawValue))
        randomCallType()
        if chance(4) {
            tx.to = target                                                      // the transaction calls it directly
            tx.data = input
            tx.gasLimit = UInt64(21_000 + input.count * 16 + [0, 100, 3_000, 50_000, 500_000, 5_000_000][pick(6)])
            return
        }
        let gas: UInt256 = chance(3) ? UInt256(UInt64([0, 1, 15, 60, 100, 600, 3_000, 3_450, 6_000, 45_000, 150_000][pick(11)])) : UInt256.max
        let kind: UInt8 = [0xf1, 0xfa, 0xf4, 0xf2][pick(4)]
        accounts.append(FuzzAccount(address: contract(0), nonce: 1, code: Self.forwarder(target: target, kind: kind, gas: gas)))
        tx.to = contract(0)
        tx.data = input
        tx.gasLimit = UInt64(100_000 + input.count * 16 + pick(4_000_000))
    }

    /// MODEXP with lengths at EIP-7823's limit (1024 bytes each, Osaka) and beyond, including
    /// lengths that do not fit 64 bits (gas must then be computed without overflow).
    mutating func modexp() {
        let lengths: [UInt256] = [0, 1, 2, 31, 32, 33, 64, 512, 1023, 1024, 1025, 4096, UInt256(UInt64(1) << 32), UInt256.one.shiftedLeft(255), .max]
        func len() -> UInt256 { lengths[Int(rng.next() % 11 == 0 ? UInt64(11 + rng.next() % 4) : rng.next() % 11)] }
        var bl = len()
        let el = len(), ml = len()
        // Before Osaka the spec computes `exp_start = U256(96) + base_length` before charging gas,
        // so a base length above 2²⁵⁶−97 makes it raise OverflowError and the whole t8n call fail
        // (`KnownSpecDeviation.modexpBaseLengthOverflow`); 2²⁵⁶−97 is the widest it holds and is
        // just as unaffordable. Osaka checks EIP-7823's 1024-byte limit first: `.max` stays.
        if fork < .osaka, bl > KnownSpecDeviation.widestModexpBaseLength { bl = KnownSpecDeviation.widestModexpBaseLength }
        var input = bl.bigEndianBytes + el.bigEndianBytes + ml.bigEndianBytes
        let body = (bl.w0 < 5000 && bl.w1 | bl.w2 | bl.w3 == 0 ? Int(bl.w0) : 64) + (el.w0 < 5000 && el.w1 | el.w2 | el.w3 == 0 ? Int(el.w0) : 64)
                 + (ml.w0 < 5000 && ml.w1 | ml.w2 | ml.w3 == 0 ? Int(ml.w0) : 64)
        input += bytes(chance(4) ? pick(body + 1) : body)
        if chance(3), input.count > 96 { input[96] = 0xff }                     // a high leading byte
        precompileCallWithInput(.modexp, input: input)
    }

    mutating func precompileCallWithInput(_ p: Precompile, input: [UInt8]) {
        randomCallType()
        let gas: UInt256 = chance(3) ? UInt256(UInt64([200, 500, 10_000, 100_000][pick(4)])) : .max
        accounts.append(FuzzAccount(address: contract(0), nonce: 1,
                                    code: Self.forwarder(target: Address(low: UInt64(p.rawValue)), kind: [0xf1, 0xfa][pick(2)], gas: gas)))
        tx.to = contract(0)
        tx.data = input
        tx.gasLimit = UInt64(min(16_000_000, 200_000 + input.count * 16 + pick(8_000_000)))
    }

    // MARK: Transactions

    /// A plain target that stores calldata word 0 and the caller, and logs.
    mutating func simpleTarget() -> Address {
        accounts.append(FuzzAccount(address: contract(0), nonce: 1,
                                    code: [0x5f, 0x35, 0x5f, 0x55, 0x33, 0x60, 0x01, 0x55, 0x34, 0x60, 0x02, 0x55, 0x5f, 0x5f, 0xa0, 0x00]))
        return contract(0)
    }

    mutating func transactionFields() {
        let to = simpleTarget()
        randomCallType()
        if fork >= .prague && chance(6) { tx.type = .dynamicFee }
        tx.to = chance(8) ? nil : to
        tx.data = tx.to == nil ? [0x60, 0x2a, 0x5f, 0x55, 0x5f, 0x5f, 0xf3] + bytes(pick(40)) : bytes(pick(3) * 32)
        tx.value = UInt256(UInt64(pick(1000)))
        tx.gasLimit = UInt64(60_000 + pick(200_000))
        switch pick(12) {
        case 0: tx.gasLimit = 21_000 &+ UInt64(tx.data.count) * 4 &- 1                      // below intrinsic
        case 1: tx.maxFeePerGas = 6; tx.gasPrice = 6                                       // below the base fee (7)
        case 2: tx.maxPriorityFeePerGas = tx.maxFeePerGas &+ 1                             // priority above max
        case 3: tx.value = senderBalance &+ 1                                              // value above balance
        case 4: senderNonce = 1                                                            // nonce too low
        case 5: tx.nonce = 1                                                               // nonce too high
        case 6: if tx.type != .legacy { tx.chainId = 2 } else { signChainId = 2; tx.chainId = 2 }   // wrong chain
        // gas × price far above any balance (not 2²⁵⁶−1: the spec's U256 product raises
        // OverflowError and the whole t8n call fails instead of rejecting the transaction).
        case 7: tx.maxFeePerGas = UInt256.one.shiftedLeft(200); tx.gasPrice = UInt256.one.shiftedLeft(200)
        case 8: senderBalance = (UInt256(tx.gasLimit) &* 1000) &+ tx.value                     // exactly affordable
        case 9: senderBalance = (UInt256(tx.gasLimit) &* 1000) &+ tx.value &- 1                // one wei short
        case 10: senderNonce = UInt64.max - 1; tx.nonce = UInt64.max - 1                   // EIP-2681 edge
        default: tx.maxPriorityFeePerGas = .zero
        }
    }

    mutating func accessList() {
        // The program reads slots 0…3 and calls a second contract: warm or cold per the list.
        let callee = contract(1)
        var code: [UInt8] = []
        for s in 0..<4 { code += Code.push(s) + [0x54, 0x50] }
        code += Code.push(callee) + [0x31, 0x50]                                  // BALANCE: warm or cold
        code += Code.push(callee) + [0x3b, 0x50]                                  // EXTCODESIZE
        code += [0x5a] + Code.store(9) + [0x00]
        accounts.append(FuzzAccount(address: contract(0), nonce: 1, code: code, storage: [1: 5]))
        accounts.append(FuzzAccount(address: callee, nonce: 1, code: [0x00]))
        tx.type = chance(2) ? .accessList : .dynamicFee
        if tx.type == .accessList { tx.gasPrice = 1000 }
        tx.to = contract(0)
        tx.gasLimit = UInt64(30_000 + pick(100_000))
        var list: [AccessListEntry] = []
        for _ in 0..<(pick(4)) {
            let a = [contract(0), callee, sender, Address(low: UInt64(1 + pick(0x11)))][pick(4)]
            list.append(AccessListEntry(address: a, storageKeys: (0..<pick(4)).map { _ in Bytes32(UInt256(UInt64(pick(6)))) }))
        }
        tx.accessList = list
    }

    /// EIP-7623: `floor = 21000 + 10·tokens` (tokens = zero bytes + 4·non-zero bytes); a gas
    /// limit below `max(intrinsic, floor)` is invalid; gas used is at least the floor.
    mutating func calldataFloor() {
        let to = chance(3) ? Address(low: 0x4) : simpleTarget()
        tx.type = [.legacy, .accessList, .dynamicFee][pick(3)]
        if tx.type != .dynamicFee { tx.gasPrice = 1000 }
        tx.to = chance(5) ? nil : to
        let n = [1, 31, 100, 1000, 10_000][pick(5)]
        tx.data = (0..<n).map { _ in chance(3) ? 0 : UInt8(truncatingIfNeeded: rng.next() | 1) }
        if tx.to == nil { tx.data = [0x00] + tx.data }                            // init code that stops at once
        let zeros = UInt64(tx.data.filter { $0 == 0 }.count), nonZero = UInt64(tx.data.count) - zeros
        let floor = 21_000 + 10 * (zeros + 4 * nonZero)
        tx.gasLimit = floor &+ UInt64(pick(5)) &- 2
        if chance(4) { tx.gasLimit = floor + UInt64(pick(30_000)) }
    }

    /// EIP-7825 (Osaka): a transaction gas limit above 2²⁴ is invalid.
    mutating func gasCap() {
        let to = simpleTarget()
        randomCallType()
        tx.to = to
        tx.gasLimit = (UInt64(1) << 24) &+ UInt64(pick(5)) &- 2
        if chance(5) { tx.gasLimit = 30_000_000 }
    }

    mutating func blobs() {
        let to = simpleTarget()
        tx.type = .blob
        tx.to = to
        tx.gasLimit = 100_000
        let perBlockMax = Int(BlobGas.maxPerBlock(fork: fork) / BlobGas.perBlob)
        let n = [0, 1, 2, perBlockMax - 1, perBlockMax, perBlockMax + 1, 6, 7][pick(8)]
        tx.blobVersionedHashes = (0..<max(0, n)).map { _ in Bytes32(bytes: [chance(12) ? 0x02 : 0x01] + bytes(31)) }
        tx.maxFeePerBlobGas = [UInt256.zero, 1, 2, 1000, UInt256.one.shiftedLeft(40)][pick(5)]
    }

    mutating func authorizations() {
        // Contract 0: stores calldata word 0 and logs; contract 1: delegated to contract 0 already.
        let target = simpleTarget()
        let predelegated = contract(1)
        accounts.append(FuzzAccount(address: predelegated, nonce: 0, balance: 1, code: [0xef, 0x01, 0x00] + target.bytes))
        tx.type = .setCode
        tx.gasLimit = UInt64(100_000 + pick(200_000))
        var list: [Authorization] = []
        let authorities = 1 + pick(3)
        for j in 1...authorities {
            let key = FuzzLayout.key(slot: slot, j)
            let addr = FuzzLayout.keyAddress(slot: slot, j)
            let nonce = UInt64(pick(2))
            if !accounts.contains(where: { $0.address == addr }) {
                var code: [UInt8] = []
                if chance(3) { code = [0xef, 0x01, 0x00] + predelegated.bytes }       // a chain: → contract 1 → contract 0
                if chance(6) { code = [0x60, 0x00] }                                // not delegated code: auth skipped
                accounts.append(FuzzAccount(address: addr, nonce: nonce, balance: UInt256(UInt64(1 + pick(3))), code: code))   // never empty: the spec refuses empty pre-state accounts
            }
            for _ in 0..<(1 + pick(2)) {                                          // 2 = re-delegation in one list
                let chain: UInt256 = [FuzzLayout.chainId, .zero, 2, FuzzLayout.chainId][pick(4)]
                let to: Address = [target, .zero, predelegated, Address(low: 0x1), target][pick(5)]
                var auth = Authorization(chainId: chain, address: to, nonce: chance(4) ? nonce &+ 1 : nonce)
                // Fields at their widths: EIP-7702 skips an authority nonce of 2⁶⁴−1; chain id 2²⁵⁶−1 is foreign.
                if chance(12) { auth.nonce = UInt64.max } else if chance(12) { auth.chainId = .max }
                _ = auth.sign(privateKey: key)
                if chance(15) { auth.s = UInt256.max }                              // s above the curve order
                list.append(auth)
            }
        }
        if chance(5) {                                                            // the sender authorises itself
            var auth = Authorization(chainId: FuzzLayout.chainId, address: target, nonce: 1)
            _ = auth.sign(privateKey: senderKey)
            list.append(auth)
        }
        if chance(12) { list = [] }                                               // invalid: empty list
        tx.authorizationList = list
        // Call the first authority (runs its delegated code, if any) or the target.
        tx.to = chance(4) ? target : FuzzLayout.keyAddress(slot: slot, 1)
        tx.data = UInt256(UInt64(pick(100))).bigEndianBytes
    }
}
