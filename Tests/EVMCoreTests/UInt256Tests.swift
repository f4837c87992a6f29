import BigInt
import EVMCore
import Foundation
import Testing
import _TestSupport

// Differential tests: every UInt256 operation against attaswift/BigInt computing the EVM
// definition directly (Yellow Paper / EIP text), on (a) all pairs of a fixed edge list and
// (b) seeded random operands biased toward edges. A failure prints the seed and the operands;
// `LOCKSTEP_SEED=<n>` replays a run with another base seed.

// MARK: - Oracle

enum Oracle {
    static let modulus = BigUInt(1) << 256
    static let half = BigUInt(1) << 255

    static func big(_ x: UInt256) -> BigUInt {
        BigUInt(words: [UInt(x.w0), UInt(x.w1), UInt(x.w2), UInt(x.w3)])
    }

    /// Reduces modulo 2^256 and converts.
    static func word(_ x: BigUInt) -> UInt256 {
        let r = x % modulus
        var limbs: [UInt64] = [0, 0, 0, 0]
        for (i, w) in r.words.enumerated() where i < 4 { limbs[i] = UInt64(w) }
        return UInt256(w0: limbs[0], w1: limbs[1], w2: limbs[2], w3: limbs[3])
    }

    /// Two's-complement reading.
    static func signed(_ x: BigUInt) -> BigInt {
        x >= half ? BigInt(x) - BigInt(modulus) : BigInt(x)
    }

    /// Signed value back to a word (mod 2^256, non-negative representative).
    static func word(signed v: BigInt) -> UInt256 {
        let m = BigInt(modulus)
        let r = ((v % m) + m) % m
        return word(r.magnitude)
    }

    static func bool(_ b: Bool) -> UInt256 { b ? .one : .zero }

    // EVM definitions.
    static func add(_ a: BigUInt, _ b: BigUInt) -> UInt256 { word(a + b) }
    static func sub(_ a: BigUInt, _ b: BigUInt) -> UInt256 { word(a + modulus - b) }
    static func mul(_ a: BigUInt, _ b: BigUInt) -> UInt256 { word(a * b) }
    static func div(_ a: BigUInt, _ b: BigUInt) -> UInt256 { b == 0 ? .zero : word(a / b) }
    static func mod(_ a: BigUInt, _ b: BigUInt) -> UInt256 { b == 0 ? .zero : word(a % b) }
    static func sdiv(_ a: BigUInt, _ b: BigUInt) -> UInt256 {
        if b == 0 { return .zero }
        // Truncating division: |q| = |a| / |b|, negative when the signs differ.
        let sa = signed(a), sb = signed(b)
        let q = BigInt(sa.magnitude / sb.magnitude)
        return word(signed: (sa.sign == sb.sign) ? q : -q)
    }
    static func smod(_ a: BigUInt, _ b: BigUInt) -> UInt256 {
        if b == 0 { return .zero }
        let sa = signed(a), sb = signed(b)
        let r = BigInt(sa.magnitude % sb.magnitude)
        return word(signed: sa < 0 ? -r : r)
    }
    static func addmod(_ a: BigUInt, _ b: BigUInt, _ n: BigUInt) -> UInt256 { n == 0 ? .zero : word((a + b) % n) }
    static func mulmod(_ a: BigUInt, _ b: BigUInt, _ n: BigUInt) -> UInt256 { n == 0 ? .zero : word((a * b) % n) }
    static func exp(_ a: BigUInt, _ e: BigUInt) -> UInt256 { word(a.power(e, modulus: modulus)) }
    static func signextend(_ b: BigUInt, _ x: BigUInt) -> UInt256 {
        if b >= 31 { return word(x) }
        let width = Int(b) * 8 + 8             // bits kept
        let low = x % (BigUInt(1) << width)
        let signBit = (low >> (width - 1)) & 1
        return signBit == 1 ? word(low + modulus - (BigUInt(1) << width)) : word(low)
    }
    static func byte(_ i: BigUInt, _ x: BigUInt) -> UInt256 {
        if i >= 32 { return .zero }
        return word((x >> (8 * (31 - Int(i)))) % 256)
    }
    static func shl(_ s: BigUInt, _ v: BigUInt) -> UInt256 { s >= 256 ? .zero : word(v << Int(s)) }
    static func shr(_ s: BigUInt, _ v: BigUInt) -> UInt256 { s >= 256 ? .zero : word(v >> Int(s)) }
    static func sar(_ s: BigUInt, _ v: BigUInt) -> UInt256 {
        // floor(signed(v) / 2^s), with s clamped at 256 (result 0 or -1).
        let shift = s >= 256 ? 256 : Int(s)
        let sv = signed(v)
        let p = BigInt(BigUInt(1) << shift)
        if sv >= 0 { return word(signed: sv / p) }
        let q = (-sv + p - 1) / p
        return word(signed: -q)
    }
    static func clz(_ a: BigUInt) -> UInt256 {
        if a == 0 { return UInt256(256 as UInt64) }
        let bits = String(a, radix: 2).count
        return UInt256(UInt64(256 - bits))
    }
}

// MARK: - Operation tables

struct BinaryCase: Sendable {
    let name: String
    let impl: @Sendable (UInt256, UInt256) -> UInt256
    let spec: @Sendable (BigUInt, BigUInt) -> UInt256
}

struct TernaryCase: Sendable {
    let name: String
    let impl: @Sendable (UInt256, UInt256, UInt256) -> UInt256
    let spec: @Sendable (BigUInt, BigUInt, BigUInt) -> UInt256
}

struct UnaryCase: Sendable {
    let name: String
    let impl: @Sendable (UInt256) -> UInt256
    let spec: @Sendable (BigUInt) -> UInt256
}

let maxBig = Oracle.modulus - 1

let binaryCases: [BinaryCase] = [
    BinaryCase(name: "add", impl: { $0 &+ $1 }, spec: Oracle.add),
    BinaryCase(name: "sub", impl: { $0 &- $1 }, spec: Oracle.sub),
    BinaryCase(name: "mul", impl: { $0 &* $1 }, spec: Oracle.mul),
    BinaryCase(name: "div", impl: UInt256.evmDiv, spec: Oracle.div),
    BinaryCase(name: "mod", impl: UInt256.evmMod, spec: Oracle.mod),
    BinaryCase(name: "sdiv", impl: UInt256.evmSdiv, spec: Oracle.sdiv),
    BinaryCase(name: "smod", impl: UInt256.evmSmod, spec: Oracle.smod),
    BinaryCase(name: "signextend", impl: { UInt256.evmSignExtend(byteIndex: $0, value: $1) }, spec: Oracle.signextend),
    BinaryCase(name: "byte", impl: { UInt256.evmByte(index: $0, value: $1) }, spec: Oracle.byte),
    BinaryCase(name: "shl", impl: { UInt256.evmShl(shift: $0, value: $1) }, spec: Oracle.shl),
    BinaryCase(name: "shr", impl: { UInt256.evmShr(shift: $0, value: $1) }, spec: Oracle.shr),
    BinaryCase(name: "sar", impl: { UInt256.evmSar(shift: $0, value: $1) }, spec: Oracle.sar),
    BinaryCase(name: "lt", impl: { Oracle.bool($0 < $1) }, spec: { Oracle.bool($0 < $1) }),
    BinaryCase(name: "gt", impl: { Oracle.bool($0 > $1) }, spec: { Oracle.bool($0 > $1) }),
    BinaryCase(name: "slt", impl: { Oracle.bool(UInt256.signedLess($0, $1)) },
               spec: { Oracle.bool(Oracle.signed($0) < Oracle.signed($1)) }),
    BinaryCase(name: "sgt", impl: { Oracle.bool(UInt256.signedLess($1, $0)) },
               spec: { Oracle.bool(Oracle.signed($0) > Oracle.signed($1)) }),
    BinaryCase(name: "eq", impl: { Oracle.bool($0 == $1) }, spec: { Oracle.bool($0 == $1) }),
    BinaryCase(name: "and", impl: { $0 & $1 }, spec: { Oracle.word($0 & $1) }),
    BinaryCase(name: "or", impl: { $0 | $1 }, spec: { Oracle.word($0 | $1) }),
    BinaryCase(name: "xor", impl: { $0 ^ $1 }, spec: { Oracle.word($0 ^ $1) }),
    BinaryCase(name: "exp", impl: UInt256.evmExp, spec: Oracle.exp),
    // Helpers the interpreter relies on.
    BinaryCase(name: "addOverflowFlag", impl: { Oracle.bool($0.addingReportingOverflow($1).overflow) },
               spec: { Oracle.bool($0 + $1 >= Oracle.modulus) }),
    BinaryCase(name: "addPartialValue", impl: { $0.addingReportingOverflow($1).partialValue }, spec: Oracle.add),
    BinaryCase(name: "mulHigh", impl: { $0.multipliedFullWidth(by: $1).high },
               spec: { Oracle.word(($0 * $1) >> 256) }),
]

let ternaryCases: [TernaryCase] = [
    TernaryCase(name: "addmod", impl: UInt256.evmAddmod, spec: Oracle.addmod),
    TernaryCase(name: "mulmod", impl: UInt256.evmMulmod, spec: Oracle.mulmod),
]

let unaryCases: [UnaryCase] = [
    UnaryCase(name: "not", impl: { ~$0 }, spec: { Oracle.word(maxBig - $0) }),
    UnaryCase(name: "clz", impl: { UInt256(UInt64($0.leadingZeroBitCount)) }, spec: Oracle.clz),
    UnaryCase(name: "iszero", impl: { Oracle.bool($0.isZero) }, spec: { Oracle.bool($0 == 0) }),
    UnaryCase(name: "negated", impl: { $0.negated }, spec: { Oracle.word(Oracle.modulus - $0) }),
    UnaryCase(name: "byteWidth", impl: { UInt256(UInt64($0.byteWidth)) },
              spec: { $0 == 0 ? .zero : UInt256(UInt64((String($0, radix: 2).count + 7) / 8)) }),
]

// MARK: - Edge values

let edgeValues: [UInt256] = {
    var v: [UInt256] = [0, 1, 2, 3, 7, 8, 31, 32, 33, 255, 256, 257]
    v += [.max, .max &- 1, .signedMin, .signedMin &- 1, .signedMin &+ 1]
    for bit in [32, 63, 64, 127, 128, 191, 192] {
        let p = UInt256.one.shiftedLeft(bit)
        v += [p &- 1, p, p &+ 1]
    }
    // Each limb full / each limb alone, and a negative small value.
    v += [UInt256(w0: .max, w1: 0, w2: .max, w3: 0), UInt256(w0: 0, w1: .max, w2: 0, w3: .max),
          UInt256(w0: 0, w1: 0, w2: 0, w3: .max), UInt256(0 as UInt64) &- UInt256(2 as UInt64),
          UInt256(w0: 0x8000_0000_0000_0000, w1: 0x7fff_ffff_ffff_ffff, w2: 0, w3: 0)]
    return v
}()

// MARK: - Helpers

func baseSeed() -> UInt64 {
    if let s = ProcessInfo.processInfo.environment["LOCKSTEP_SEED"], let v = UInt64(s) { return v }
    return 0x5EED_0000_0000_0256
}

/// Seed for one operation: stable across runs, different per operation name.
func seed(for name: String) -> UInt64 {
    var h: UInt64 = baseSeed()
    for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    return h
}

/// Collects mismatches; reports at most a few, with the seed.
struct Mismatches {
    var count = 0
    var first: [String] = []
    mutating func record(_ s: String) {
        count += 1
        if first.count < 5 { first.append(s) }
    }
}

func randomCount(_ name: String) -> Int { name == "exp" ? 4_000 : 20_000 }

// MARK: - Tests

@Suite struct UInt256Tests {
    @Test(arguments: binaryCases.map(\.name))
    func binaryEdgePairs(_ name: String) {
        let c = binaryCases.first { $0.name == name }!
        var m = Mismatches()
        for a in edgeValues {
            for b in edgeValues {
                let got = c.impl(a, b), want = c.spec(Oracle.big(a), Oracle.big(b))
                if got != want { m.record("\(name)(\(a), \(b)) = \(got), expected \(want)") }
            }
        }
        #expect(m.count == 0, "\(m.count) mismatches: \(m.first.joined(separator: "; "))")
    }

    @Test(arguments: binaryCases.map(\.name))
    func binaryRandom(_ name: String) {
        let c = binaryCases.first { $0.name == name }!
        let s = seed(for: name)
        var rng = SeededRNG(seed: s)
        var m = Mismatches()
        for _ in 0..<randomCount(name) {
            let a = UInt256.edgeBiased(using: &rng)
            var b = UInt256.edgeBiased(using: &rng)
            // Shift/byte/signextend: make in-range first operands common too.
            if ["shl", "shr", "sar", "byte", "signextend"].contains(name), rng.next() % 2 == 0 {
                b = UInt256(rng.next() % 300)
                let got = c.impl(b, a), want = c.spec(Oracle.big(b), Oracle.big(a))
                if got != want { m.record("\(name)(\(b), \(a)) = \(got), expected \(want)") }
                continue
            }
            let got = c.impl(a, b), want = c.spec(Oracle.big(a), Oracle.big(b))
            if got != want { m.record("\(name)(\(a), \(b)) = \(got), expected \(want)") }
        }
        #expect(m.count == 0, "seed \(s): \(m.count) mismatches: \(m.first.joined(separator: "; "))")
    }

    @Test(arguments: ternaryCases.map(\.name))
    func ternaryEdgeTriples(_ name: String) {
        let c = ternaryCases.first { $0.name == name }!
        var m = Mismatches()
        for a in edgeValues {
            for b in edgeValues {
                for n in edgeValues {
                    let got = c.impl(a, b, n), want = c.spec(Oracle.big(a), Oracle.big(b), Oracle.big(n))
                    if got != want { m.record("\(name)(\(a), \(b), \(n)) = \(got), expected \(want)") }
                }
            }
        }
        #expect(m.count == 0, "\(m.count) mismatches: \(m.first.joined(separator: "; "))")
    }

    @Test(arguments: ternaryCases.map(\.name))
    func ternaryRandom(_ name: String) {
        let c = ternaryCases.first { $0.name == name }!
        let s = seed(for: name)
        var rng = SeededRNG(seed: s)
        var m = Mismatches()
        for _ in 0..<20_000 {
            let a = UInt256.edgeBiased(using: &rng), b = UInt256.edgeBiased(using: &rng)
            let n = UInt256.edgeBiased(using: &rng)
            let got = c.impl(a, b, n), want = c.spec(Oracle.big(a), Oracle.big(b), Oracle.big(n))
            if got != want { m.record("\(name)(\(a), \(b), \(n)) = \(got), expected \(want)") }
        }
        #expect(m.count == 0, "seed \(s): \(m.count) mismatches: \(m.first.joined(separator: "; "))")
    }

    @Test(arguments: unaryCases.map(\.name))
    func unary(_ name: String) {
        let c = unaryCases.first { $0.name == name }!
        let s = seed(for: name)
        var rng = SeededRNG(seed: s)
        var m = Mismatches()
        var inputs = edgeValues
        for _ in 0..<20_000 { inputs.append(UInt256.edgeBiased(using: &rng)) }
        for i in 0..<256 { inputs.append(UInt256.one.shiftedLeft(i)) }
        for a in inputs {
            let got = c.impl(a), want = c.spec(Oracle.big(a))
            if got != want { m.record("\(name)(\(a)) = \(got), expected \(want)") }
        }
        #expect(m.count == 0, "seed \(s): \(m.count) mismatches: \(m.first.joined(separator: "; "))")
    }

    @Test func shiftsByEveryAmount() {
        // Every shift amount 0...300 on a few patterns, including SAR on negative values.
        var m = Mismatches()
        let patterns: [UInt256] = [.max, .signedMin, .signedMin &+ 1, UInt256(w0: 0x0123_4567_89ab_cdef, w1: 0xfedc_ba98_7654_3210,
                                                                                w2: 0xdead_beef_cafe_babe, w3: 0x8765_4321_0fed_cba9), 1]
        for v in patterns {
            for s in 0...300 {
                let su = UInt256(UInt64(s)), bs = BigUInt(s), bv = Oracle.big(v)
                if UInt256.evmShl(shift: su, value: v) != Oracle.shl(bs, bv) { m.record("shl \(s) \(v)") }
                if UInt256.evmShr(shift: su, value: v) != Oracle.shr(bs, bv) { m.record("shr \(s) \(v)") }
                if UInt256.evmSar(shift: su, value: v) != Oracle.sar(bs, bv) { m.record("sar \(s) \(v)") }
                if s < 40 {
                    if UInt256.evmByte(index: su, value: v) != Oracle.byte(bs, bv) { m.record("byte \(s) \(v)") }
                    if UInt256.evmSignExtend(byteIndex: su, value: v) != Oracle.signextend(bs, bv) { m.record("signextend \(s) \(v)") }
                }
            }
        }
        #expect(m.count == 0, "\(m.count) mismatches: \(m.first.joined(separator: "; "))")
    }

    @Test func knownValues() {
        // A few fixed facts stated independently of the oracle.
        let minusOne = UInt256.max
        #expect(UInt256.evmSdiv(.signedMin, minusOne) == .signedMin)
        #expect(UInt256.evmSmod(.signedMin, minusOne) == .zero)
        #expect(UInt256.evmSdiv(UInt256(Int(-7)), UInt256(2 as UInt64)) == UInt256(Int(-3)))
        #expect(UInt256.evmSmod(UInt256(Int(-7)), UInt256(2 as UInt64)) == UInt256(Int(-1)))
        #expect(UInt256.evmSmod(UInt256(7 as UInt64), UInt256(Int(-2))) == UInt256(1 as UInt64))
        #expect(UInt256.evmDiv(5, 0) == .zero && UInt256.evmMod(5, 0) == .zero)
        #expect(UInt256.evmAddmod(.max, .max, .max) == .zero)
        #expect(UInt256.evmAddmod(.max, 2, .max) == 2)
        #expect(UInt256.evmMulmod(.max, .max, 12) == 9)
        #expect(UInt256.evmExp(2, 255) == .signedMin)
        #expect(UInt256.evmExp(2, 256) == .zero)
        #expect(UInt256.evmExp(0, 0) == 1)
        #expect(UInt256.evmSignExtend(byteIndex: 0, value: 0xff) == .max)
        #expect(UInt256.evmSignExtend(byteIndex: 0, value: 0x17f) == 0x7f)
        #expect(UInt256.evmSar(shift: 1, value: UInt256(Int(-3))) == UInt256(Int(-2)))
        #expect(UInt256.evmByte(index: 31, value: 0x1234) == 0x34)
        #expect(UInt256.evmByte(index: 30, value: 0x1234) == 0x12)
        #expect(UInt256.zero.leadingZeroBitCount == 256)
        #expect(UInt256.max.leadingZeroBitCount == 0)
        #expect(UInt256(1 as UInt64).leadingZeroBitCount == 255)
    }

    // MARK: Bytes and text

    @Test func bytesAndText() {
        let s = seed(for: "bytesAndText")
        var rng = SeededRNG(seed: s)
        var m = Mismatches()
        var inputs = edgeValues
        for _ in 0..<20_000 { inputs.append(UInt256.edgeBiased(using: &rng)) }
        for x in inputs {
            let b = Oracle.big(x)
            // Big-endian bytes: 32 bytes, left padded, equal to BigInt's minimal serialisation.
            let minimal = [UInt8](b.serialize())
            let expected32 = [UInt8](repeating: 0, count: 32 - minimal.count) + minimal
            if x.bigEndianBytes != expected32 { m.record("bigEndianBytes \(x)") }
            if x.minimalBigEndianBytes != minimal { m.record("minimalBigEndianBytes \(x)") }
            if UInt256(bigEndian: x.bigEndianBytes) != x { m.record("bigEndian round trip \(x)") }
            if UInt256(bigEndian: minimal) != x { m.record("bigEndian minimal round trip \(x)") }
            if UInt256(bigEndian: [0xaa, 0xbb] + expected32) != x { m.record("bigEndian keeps last 32 \(x)") }
            var raw = [UInt8](repeating: 0, count: 32)
            raw.withUnsafeMutableBufferPointer { x.writeBigEndian(to: $0.baseAddress!) }
            if raw != expected32 { m.record("writeBigEndian \(x)") }
            // Hex and decimal printing.
            let hex = String(b, radix: 16)
            if x.hexString != "0x" + hex { m.record("hexString \(x) vs \(hex)") }
            if x.description != "0x" + hex { m.record("description \(x)") }
            if x.decimalString != String(b) { m.record("decimalString \(x) vs \(b)") }
            // Parsing: minimal, padded to 64, upper case, bare, with extra leading zeros.
            let padded = String(repeating: "0", count: 64 - hex.count) + hex
            if UInt256(hex: "0x" + hex) != x { m.record("parse hex \(hex)") }
            if UInt256(hex: padded) != x { m.record("parse padded \(padded)") }
            if UInt256(hex: "0X" + hex.uppercased()) != x { m.record("parse upper \(hex)") }
            if UInt256(hex: "000" + padded) != x { m.record("parse over-padded \(hex)") }
            if UInt256(decimal: String(b)) != x { m.record("parse decimal \(b)") }
            if UInt256(decimal: "00" + String(b)) != x { m.record("parse decimal zeros \(b)") }
            // Values one past the range must be rejected.
            let over = b + Oracle.modulus
            if UInt256(hex: String(over, radix: 16)) != nil { m.record("hex overflow accepted \(over)") }
            if UInt256(decimal: String(over)) != nil { m.record("decimal overflow accepted \(over)") }
        }
        #expect(m.count == 0, "seed \(s): \(m.count) mismatches: \(m.first.joined(separator: "; "))")
    }

    @Test func badTextIsRejected() {
        let badHex = ["0xg", "0x-1", "1 2", "0x 1", "+1", "0x0x1", "ü", String(repeating: "f", count: 65), "0x1" + String(repeating: "0", count: 64)]
        for s in badHex { #expect(UInt256(hex: s) == nil, "hex \(s)") }
        let badDecimal = ["", "-1", "+1", "1e3", "0x10", " 1", "1 ", "１", String(Oracle.modulus)]
        for s in badDecimal { #expect(UInt256(decimal: s) == nil, "decimal \(s)") }
        #expect(UInt256(decimal: String(Oracle.modulus - 1)) == .max)
        #expect(UInt256(hex: "0x" + String(repeating: "f", count: 64)) == .max)
        #expect(UInt256(hex: "0x") == .zero)
        #expect(UInt256.zero.hexString == "0x0" && UInt256.zero.decimalString == "0")
        #expect(UInt256.zero.minimalBigEndianBytes.isEmpty)
    }

    // MARK: No traps

    /// Tens of thousands of random operations chained on their own results; each checked
    /// against the oracle. A trap would kill the test process, so getting to the end is part of
    /// the assertion.
    @Test func randomOpsNeverTrap() {
        let s = seed(for: "chain")
        var rng = SeededRNG(seed: s)
        var pool: [UInt256] = edgeValues
        var m = Mismatches()
        var executed = 0
        for step in 0..<40_000 {
            func pick() -> UInt256 {
                rng.next() % 3 == 0 ? UInt256.edgeBiased(using: &rng) : pool[Int(rng.next() % UInt64(pool.count))]
            }
            let choice = Int(rng.next() % UInt64(binaryCases.count + ternaryCases.count + unaryCases.count))
            let result: UInt256
            if choice < binaryCases.count {
                let c = binaryCases[choice]
                if c.name == "exp" && step % 8 != 0 { continue }
                let a = pick(), b = pick()
                result = c.impl(a, b)
                let want = c.spec(Oracle.big(a), Oracle.big(b))
                if result != want { m.record("step \(step) \(c.name)(\(a), \(b)) = \(result), expected \(want)") }
            } else if choice < binaryCases.count + ternaryCases.count {
                let c = ternaryCases[choice - binaryCases.count]
                let a = pick(), b = pick(), n = pick()
                result = c.impl(a, b, n)
                let want = c.spec(Oracle.big(a), Oracle.big(b), Oracle.big(n))
                if result != want { m.record("step \(step) \(c.name)(\(a), \(b), \(n)) = \(result), expected \(want)") }
            } else {
                let c = unaryCases[choice - binaryCases.count - ternaryCases.count]
                let a = pick()
                result = c.impl(a)
                let want = c.spec(Oracle.big(a))
                if result != want { m.record("step \(step) \(c.name)(\(a)) = \(result), expected \(want)") }
            }
            executed += 1
            if pool.count < 256 { pool.append(result) } else { pool[Int(rng.next() % 256)] = result }
        }
        #expect(executed > 30_000)
        #expect(m.count == 0, "seed \(s): \(m.count) mismatches: \(m.first.joined(separator: "; "))")
    }
}
