import Testing
import EVMCore
import EVMState
import EVMExecution
import DeFiContracts
import EVMAssembly
import Generators

/// The structured program generator keeps its promises (valid stack discipline, static jumps to
/// real JUMPDESTs, the advertised instruction mix), and the code shrinker removes instructions
/// and simplifies values while a failure persists.
@Suite struct ProgramGeneratorTests {
    static let seed: UInt64 = 0x9e0_9a11

    @Test func structuredProgramsAreValidByConstruction() {
        let gen = ProgramGenerator()
        var rng = SplitMix64(seed: Self.seed)
        var seen = Set<UInt8>()
        for case_ in 0..<150 {
            let code = gen.program(rng: &rng)
            let ins = Disassembler.instructions(code)
            seen.formUnion(ins.map(\.opcode))
            // Every jump is PUSH2 <JUMPDEST>.
            for (k, i) in ins.enumerated() where i.opcode == 0x56 || i.opcode == 0x57 {
                let push = ins[k - 1]
                #expect(push.opcode == 0x61, "case \(case_) (seed \(Self.seed)): dynamic jump at \(i.offset)")
                let t = Int(UInt256(bigEndian: push.immediate).uint64IfFits ?? .max)
                #expect(t < code.count && code[t] == 0x5b && ins.contains { $0.offset == t },
                        "case \(case_) (seed \(Self.seed)): jump at \(i.offset) to \(t) is not a JUMPDEST")
            }
            // Executed alone (its callees deployed beside it), the top frame never underflows,
            // overflows, jumps badly or hits an invalid opcode.
            let chain = SerialChain()
            let caller = Address(low: 0xca11)
            chain.state.setAccount(caller, nonce: 0, balance: UInt256(1_000_000_000_000_000_000 as UInt64), code: [], storage: [:])
            var calleeRNG = SplitMix64(seed: Self.seed &+ UInt64(case_))
            gen.install(in: chain.state, rng: &calleeRNG)
            chain.state.setAccount(ProgramGenerator.address(0), nonce: 1, balance: 10, code: code, storage: [:])
            let status = chain.call(from: caller, to: ProgramGenerator.address(0), data: ProgramGenerator.calldata(rng: &rng))?.status
            #expect(![.stackUnderflow, .stackOverflow, .badJumpDestination, .invalidOpcode].contains(status),
                    "case \(case_) (seed \(Self.seed)): \(String(describing: status))\n\(Disassembler.render(code).joined(separator: "\n"))")
        }
        // The advertised mix appears: calls of every kind, creates, reverts, self-destructs,
        // storage and transient storage, logs, branches.
        for op: UInt8 in [0xf1, 0xf2, 0xf4, 0xfa, 0xf0, 0xf5, 0xfd, 0xff, 0x54, 0x55, 0x5c, 0x5d, 0xa0, 0xa1, 0xa2, 0x56, 0x57] {
            #expect(seen.contains(op), "opcode 0x\(String(op, radix: 16)) never generated")
        }
    }

    @Test func codeShrinkerRemovesInstructionsAndSimplifiesValues() throws {
        // A failure that depends on code: "program 0 leaves slot 1 non-zero". Find a generated
        // block where it holds, then shrink the code while it still does.
        var g = BlockGenerator(minTransactions: 1, maxTransactions: 1, senders: 2, conflictRate: 0)
        g.defiRate = 0
        g.programRate = 1
        g.programs = ProgramGenerator(contracts: 2, maxStatements: 10)
        let target = ProgramGenerator.address(0)
        func failing(_ b: BlockInput) -> Bool {
            guard b.transactions.first?.transaction.to == target else { return false }
            let r = SerialExecutor().execute(preState: b.pre, block: b.block, transactions: b.transactions, fork: b.fork)
            let post = b.pre.copy()
            post.apply(r.diff)
            return !post.storage(target, .one).isZero && b.pre.storage(target, .one).isZero
        }
        var found: BlockInput?
        for s in 0..<400 as Range<UInt64> {
            let b = g.generate(seed: s)
            if failing(b), (b.pre.account(target).map { b.pre.code(hash: $0.codeHash).bytes.count } ?? 0) > 40 { found = b; break }
        }
        let input = try #require(found, "no generated block writes slot 1 of program 0")
        let (shrunk, steps) = Shrinker.shrinkCode(input, failing: failing)
        #expect(failing(shrunk))
        #expect(steps > 0)
        func live(_ b: BlockInput) -> [Disassembler.Instruction] {
            Disassembler.instructions(b.pre.code(hash: b.pre.account(target)!.codeHash).bytes).filter { $0.opcode != 0x5b }
        }
        let before = live(input), after = live(shrunk)
        #expect(after.count < before.count, "instructions \(before.count) → \(after.count)")
        // Values were simplified: no more non-zero PUSH bytes than before, and fewer in total.
        func pushBytes(_ i: [Disassembler.Instruction]) -> Int { i.reduce(0) { $0 + $1.immediate.filter { $0 != 0 }.count } }
        #expect(pushBytes(after) < pushBytes(before))
    }

    @Test func compactionRelocatesStaticJumps() throws {
        // PUSH1 7 PUSH1 8 ADD PUSH2 <L> JUMP INVALID L: JUMPDEST PUSH1 1 PUSH1 0 SSTORE STOP,
        // with "PUSH1 8 ADD" removed (padding) the jump target moves down by 3.
        var a = Assembly()
        a += Asm.push(7) + .push(8) + .add
        a.jump(to: "L")
        a += Asm.invalid
        a.label("L")
        a += Asm.push(1) + .push(0) + .sstore + .stop
        var code = try a.assemble()
        var removed = [Bool](repeating: false, count: code.count)
        for k in 2..<5 { code[k] = 0x5b; removed[k] = true }
        let compacted = try #require(Shrinker.compact(code, removed: removed))
        #expect(compacted == [0x60, 0x07, 0x61, 0x00, 0x07, 0x56, 0xfe, 0x5b, 0x60, 0x01, 0x60, 0x00, 0x55, 0x00])
        // A dynamic jump blocks compaction.
        var dynamic = code
        dynamic[5] = 0x80   // PUSH2's opcode byte → DUP1: the JUMP is no longer static
        #expect(Shrinker.compact(dynamic, removed: removed) == nil)
    }
}

@Test func differenceKindIgnoresNumbers() {
    let a = ResultDifference(field: "tx 3 swap: pool k = r0·r1", expected: "1", actual: "2")
    let b = ResultDifference(field: "tx 12 swap: pool k = r0·r1", expected: "5", actual: "6")
    let c = ResultDifference(field: "pool 0x00def1c0 reserve1 vs token 0xDEF1A0 balance", expected: "", actual: "")
    #expect(a.kind == b.kind)
    #expect(a.kind == "tx # swap: pool k = r#·r#")
    #expect(c.kind == "pool # reserve# vs token # balance")
    #expect(a.kind != c.kind)
}
