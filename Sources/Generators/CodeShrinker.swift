import EVMCore
import EVMState
import EVMExecution
import EVMAssembly

extension BlockInput {
    /// The same block with `code` deployed at `address` (nonce, balance and storage kept).
    public func replacingCode(of address: Address, with code: [UInt8]) -> BlockInput {
        guard let acct = pre.account(address) else { return self }
        let state = pre.copy()
        state.setAccount(address, nonce: acct.nonce, balance: acct.balance, code: code, storage: pre.storage[address] ?? [:])
        var b = self
        b.pre = state
        return b
    }
}

/// Instruction-level shrinking of the contracts in a failing input (after whole transactions
/// and accounts are gone): works on any bytecode — generated programs, raw bytes, the DeFi
/// contracts — because inputs are concrete.
///
/// Per contract, while `failing` holds and the budget of checks lasts:
/// 1. **remove instructions**: chunks of instructions (halves, quarters, … single ones) are
///    overwritten with JUMPDEST bytes of the same length, so every other offset and jump target
///    stays valid;
/// 2. **simplify values**: each remaining PUSH immediate is tried as 0, then as 1;
/// 3. **compact**: the JUMPDEST padding from step 1 is cut out and static jump targets
///    (`PUSHn x; JUMP/JUMPI`) are relocated — only when every jump in the code is static and
///    no removed byte is a jump target, so the code means the same; kept if it still fails.
extension Shrinker {
    public static func shrinkCode(_ input: BlockInput, budget: Int = 300,
                                  failing: (BlockInput) -> Bool) -> (BlockInput, Int) {
        var current = input
        var steps = 0
        var checks = 0
        func tryCandidate(_ b: BlockInput) -> Bool {
            guard checks < budget else { return false }
            checks += 1
            return failing(b)
        }
        let addresses = input.pre.accounts.keys.sorted().filter { a in
            guard let acct = input.pre.account(a), acct.hasCode else { return false }
            return true
        }
        for address in addresses {
            guard let acct = current.pre.account(address) else { continue }
            var code = current.pre.code(hash: acct.codeHash).bytes
            let instructions = Disassembler.instructions(code)
            var removed = [Bool](repeating: false, count: code.count)   // bytes neutralised in step 1

            // 1. Remove instructions (same-length JUMPDEST padding).
            var chunk = max(1, instructions.count / 2)
            while chunk >= 1 && checks < budget {
                var i = 0
                while i < instructions.count && checks < budget {
                    let group = instructions[i..<min(instructions.count, i + chunk)]
                    let lo = group.first!.offset, hi = min(code.count, group.last!.offset + 1 + group.last!.immediate.count)
                    if code[lo..<hi].allSatisfy({ $0 == 0x5b }) { i += chunk; continue }
                    var candidate = code
                    for k in lo..<hi { candidate[k] = 0x5b }
                    let b = current.replacingCode(of: address, with: candidate)
                    if tryCandidate(b) {
                        code = candidate; current = b; steps += 1
                        for k in lo..<hi { removed[k] = true }
                    }
                    i += chunk
                }
                chunk /= 2
            }

            // 2. Simplify PUSH values.
            for ins in instructions where !ins.immediate.isEmpty && !removed[ins.offset] && checks < budget {
                let range = (ins.offset + 1)..<(ins.offset + 1 + ins.immediate.count)
                for value: UInt8 in [0, 1] {
                    let now = Array(code[range])
                    var simpler = [UInt8](repeating: 0, count: now.count)
                    simpler[simpler.count - 1] = value
                    if now == simpler || (value == 1 && now.allSatisfy { $0 == 0 }) { break }
                    var candidate = code
                    candidate.replaceSubrange(range, with: simpler)
                    let b = current.replacingCode(of: address, with: candidate)
                    if tryCandidate(b) { code = candidate; current = b; steps += 1; break }
                }
            }

            // 3. Compact.
            if removed.contains(true), let compacted = compact(code, removed: removed) {
                let b = current.replacingCode(of: address, with: compacted)
                if tryCandidate(b) { current = b; steps += 1 }
            }
        }
        return (current, steps)
    }

    /// `code` without the `removed` bytes, static jump targets relocated; nil when that could
    /// change the meaning (a dynamic jump, a removed target, a target not fitting its PUSH).
    public static func compact(_ code: [UInt8], removed: [Bool]) -> [UInt8]? {
        var newOffset = [Int](repeating: -1, count: code.count + 1)
        var n = 0
        for i in 0..<code.count {
            if !removed[i] { newOffset[i] = n; n += 1 }
        }
        newOffset[code.count] = n
        let kept = Disassembler.instructions(code).filter { !removed[$0.offset] }
        var out = code.enumerated().filter { !removed[$0.offset] }.map(\.element)
        for (k, ins) in kept.enumerated() where ins.opcode == 0x56 || ins.opcode == 0x57 {
            guard k > 0 else { return nil }
            let push = kept[k - 1]
            guard (0x60...0x7f).contains(push.opcode), push.immediate.count == Int(push.opcode) - 0x5f else { return nil }
            let target = UInt256(bigEndian: push.immediate)
            guard let t = target.uint64IfFits, t < UInt64(code.count), !removed[Int(t)], code[Int(t)] == 0x5b else { return nil }
            let relocated = UInt256(UInt64(newOffset[Int(t)]))
            guard relocated.byteWidth <= push.immediate.count else { return nil }
            let at = newOffset[push.offset] + 1
            out.replaceSubrange(at..<(at + push.immediate.count), with: relocated.bigEndianBytes.suffix(push.immediate.count))
        }
        return out
    }
}

/// Value shrinking of the transactions in a failing input: each transaction's ether value is
/// tried as 0, and each 32-byte calldata word (aligned to the end of the data, so a 4-byte
/// selector stays intact) as 0, then 1 — while `failing` holds and the budget lasts.
extension Shrinker {
    public static func shrinkTransactionValues(_ input: BlockInput, budget: Int = 200,
                                               failing: (BlockInput) -> Bool) -> (BlockInput, Int) {
        var current = input
        var steps = 0
        var checks = 0
        func attempt(_ i: Int, _ change: (inout RecoveredTransaction) -> Void) -> Bool {
            guard checks < budget else { return false }
            var b = current
            change(&b.transactions[i])
            guard b.transactions[i] != current.transactions[i] else { return false }
            checks += 1
            if failing(b) { current = b; steps += 1; return true }
            return false
        }
        for i in current.transactions.indices {
            _ = attempt(i) { $0.transaction.value = .zero }
            let data = current.transactions[i].transaction.data
            var start = data.count % 32
            while start + 32 <= data.count {
                for v: UInt256 in [.zero, .one] {
                    let s = start
                    if attempt(i, { $0.transaction.data.replaceSubrange(s..<(s + 32), with: v.bigEndianBytes) }) { break }
                }
                start += 32
            }
        }
        return (current, steps)
    }
}
