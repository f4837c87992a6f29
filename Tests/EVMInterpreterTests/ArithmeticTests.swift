import EVMCore
import EVMAssembly
import EVMInterpreter
import Testing
import _TestSupport

@Suite struct ArithmeticTests {
    @Test func addSubMul() {
        #expect(binary(.add, 1, 2) == 3)
        #expect(binary(.add, .max, 1) == 0)
        #expect(binary(.sub, 1, 2) == .max)
        #expect(binary(.sub, 10, 3) == 7)
        #expect(binary(.mul, 3, 4) == 12)
        #expect(binary(.mul, .max, .max) == 1)
    }

    @Test func division() {
        #expect(binary(.div, 10, 3) == 3)
        #expect(binary(.div, 10, 0) == 0)
        #expect(binary(.sdiv, neg(10), 3) == neg(3))
        #expect(binary(.sdiv, .signedMin, .max) == .signedMin)
        #expect(binary(.mod, 10, 3) == 1)
        #expect(binary(.mod, 10, 0) == 0)
        #expect(binary(.smod, neg(10), 3) == neg(1))
        #expect(binary(.smod, 10, neg(3)) == 1)
    }

    @Test func modularAndExp() {
        // (2^256 − 1 + 2) mod 3 = (2^256 + 1) mod 3 = 2
        #expect(exec(.push(3) + .push(2) + .push(.max) + .addmod + .returnTop).result.word == 2)
        // 2^256 mod 7 = 2
        let p128 = UInt256.one.shiftedLeft(128)
        #expect(exec(.push(7) + .push(p128) + .push(p128) + .mulmod + .returnTop).result.word == 2)
        #expect(exec(.push(0) + .push(5) + .push(6) + .mulmod + .returnTop).result.word == 0)
        #expect(binary(.exp, 2, 10) == 1024)
        #expect(binary(.exp, 0, 0) == 1)
        #expect(binary(.exp, 2, 256) == 0)
        #expect(binary(.exp, 3, 5) == 243)
    }

    @Test func signExtend() {
        #expect(binary(.signextend, 0, 0xff) == .max)
        #expect(binary(.signextend, 0, 0x7f) == 0x7f)
        #expect(binary(.signextend, 1, 0x8000) == UInt256.max.shiftedLeft(15))
        #expect(binary(.signextend, 31, 0x80) == 0x80)
        #expect(binary(.signextend, .max, 0xff) == 0xff)
    }

    @Test func comparisons() {
        #expect(binary(.lt, 1, 2) == 1)
        #expect(binary(.lt, 2, 1) == 0)
        #expect(binary(.gt, 2, 1) == 1)
        #expect(binary(.slt, neg(1), 0) == 1)
        #expect(binary(.slt, 0, neg(1)) == 0)
        #expect(binary(.sgt, 0, neg(1)) == 1)
        #expect(binary(.eq, 5, 5) == 1)
        #expect(binary(.eq, 5, 6) == 0)
        #expect(exec(.push(0) + .iszero + .returnTop).result.word == 1)
        #expect(exec(.push(7) + .iszero + .returnTop).result.word == 0)
    }

    @Test func bitwise() {
        #expect(binary(.and, 0b1100, 0b1010) == 0b1000)
        #expect(binary(.or, 0b1100, 0b1010) == 0b1110)
        #expect(binary(.xor, 0b1100, 0b1010) == 0b0110)
        #expect(exec(.push(0) + .not + .returnTop).result.word == .max)
        #expect(binary(.byte, 31, 0x1234) == 0x34)
        #expect(binary(.byte, 30, 0x1234) == 0x12)
        #expect(binary(.byte, 32, .max) == 0)
        #expect(binary(.shl, 1, 1) == 2)
        #expect(binary(.shl, 256, 1) == 0)
        #expect(binary(.shr, 1, 2) == 1)
        #expect(binary(.sar, 4, neg(16)) == neg(1))
        #expect(binary(.sar, 300, neg(1)) == .max)
        #expect(binary(.sar, 300, 5) == 0)
        #expect(exec(.push(1) + .clz + .returnTop, fork: .osaka).result.word == 255)
        #expect(exec(.push(0) + .clz + .returnTop, fork: .osaka).result.word == 256)
        #expect(exec(.push(.max) + .clz + .returnTop, fork: .osaka).result.word == 0)
    }

    @Test func simpleGas() {
        // PUSH1 PUSH1 ADD STOP = 3 + 3 + 3
        #expect(exec(.push(1) + .push(2) + .add + .stop).gasUsed == 9)
        // MUL, DIV, MOD: 5; ADDMOD: 8; SIGNEXTEND 5; CLZ 5
        #expect(exec(.push(1) + .push(2) + .mul).gasUsed == 11)
        #expect(exec(.push(1) + .push(2) + .push(3) + .addmod).gasUsed == 17)
        #expect(exec(.push(1) + .clz, fork: .osaka).gasUsed == 8)
    }

    @Test func expGasPerFork() {
        // EXP 2^0x0100: exponent is 2 bytes wide.
        let code = Asm.push(0x100) + .push(2) + .exp
        #expect(exec(code, fork: .frontier).gasUsed == 6 + 10 + 2 * 10)
        #expect(exec(code, fork: .tangerineWhistle).gasUsed == 6 + 10 + 2 * 10)
        #expect(exec(code, fork: .spuriousDragon).gasUsed == 6 + 10 + 2 * 50)
        #expect(exec(Asm.push(0) + .push(2) + .exp, fork: .cancun).gasUsed == 6 + 10)
        #expect(exec(Asm.push(.max) + .push(2) + .exp, fork: .cancun).gasUsed == 6 + 10 + 32 * 50)
    }
}
