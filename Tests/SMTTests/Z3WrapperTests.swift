import EVMCore
import Foundation
import SMT
import Testing

/// Every SMT suite runs one test at a time: the leak test measures the process's memory, and
/// the machine is shared.
@Suite(.serialized) struct SMTTests {}

/// Resident set size of this process in bytes (Linux).
func residentBytes() -> Int {
    guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = s.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * 4096
}

extension SMTTests {
    @Suite struct Wrapper {
        @Test func satWithModel() throws {
            let c = try Z3Context()
            let x = try c.bitVector("x", width: 8), y = try c.bitVector("y", width: 8)
            let s = try Solver(context: c, timeoutMilliseconds: 10_000)
            try s.add(x.add(y).eq(c.numeral(200, width: 8)))
            try s.add(x.ugt(y))
            try s.add(y.ugt(c.numeral(50, width: 8)))
            let result = try s.check()
            guard case .sat(let model) = result else {
                Issue.record("expected sat, got \(result)")
                return
            }
            let xv = try model.value(x).w0, yv = try model.value(y).w0
            #expect((xv + yv) % 256 == 200 && xv > yv && yv > 50, "model x=\(xv) y=\(yv)")
            #expect(try model.truth(x.ugt(y)))
            #expect(model.description.contains("x"))
        }

        @Test func unsatWithCore() throws {
            let c = try Z3Context()
            let x = try c.bitVector("x", width: 16), y = try c.bitVector("y", width: 16)
            let s = try Solver(context: c)
            try s.add(x.ult(c.numeral(5, width: 16)), tracking: "x below 5")
            try s.add(y.eq(c.numeral(3, width: 16)), tracking: "y is 3")
            try s.add(x.ugt(c.numeral(10, width: 16)), tracking: "x above 10")
            let result = try s.check()
            guard case .unsat(let core) = result else {
                Issue.record("expected unsat, got \(result)")
                return
            }
            #expect(core == ["x above 10", "x below 5"])
            #expect(throws: Z3Error.self) { try s.add(y.eq(x), tracking: "y is 3") }
        }

        @Test func pushPop() throws {
            let c = try Z3Context()
            let x = try c.bitVector("x", width: 8)
            let s = try Solver(context: c)
            try s.add(x.ugt(c.numeral(3, width: 8)))
            try s.push()
            try s.add(x.ult(c.numeral(2, width: 8)))
            #expect(try s.check().isUnsat)
            try s.pop()
            #expect(try s.check().isSat)
        }

        @Test func unknownOnTinyTimeout() throws {
            // Factor a 256-bit product of two 128-bit primes (2^127 - 1 and 2^128 - 159).
            let c = try Z3Context()
            let p = UInt256.one.shiftedLeft(127) &- .one, q = UInt256.one.shiftedLeft(128) &- UInt256(159 as UInt64)
            let nValue = p &* q
            let x = try c.bitVector("x", width: 256), y = try c.bitVector("y", width: 256)
            let s = try Solver(context: c, timeoutMilliseconds: 1)
            let wide = try x.zeroExtend(by: 256).mul(y.zeroExtend(by: 256))
            try s.add(wide.eq(c.numeral(nValue, width: 512)))
            try s.add(x.ugt(c.numeral(1, width: 256)))
            try s.add(y.ugt(c.numeral(1, width: 256)))
            try s.add(x.ult(c.numeral(UInt256.one.shiftedLeft(129), width: 256)))
            try s.add(y.ult(c.numeral(UInt256.one.shiftedLeft(129), width: 256)))
            let result = try s.check()
            guard case .unknown(let reason) = result else {
                Issue.record("expected unknown, got \(result)")
                return
            }
            #expect(!reason.isEmpty)
        }

        @Test func errorsBecomeSwiftErrors() throws {
            let c = try Z3Context()
            let a = try c.bitVector("a", width: 8), b = try c.bitVector("b", width: 16)
            // Mixing widths: Z3 reports a sort error; the default handler would have exited.
            do {
                _ = try a.add(b)
                Issue.record("expected a sort error")
            } catch let Z3Error.api(code, message) {
                // Z3 4.8.12 reports an ill-sorted application as an exception, not a sort error.
                #expect(code == .sortError || code == .exception)
                #expect(message.contains("bvadd"), "message: \(message)")
            }
            // Extract beyond the width.
            #expect(throws: Z3Error.self) { try a.extract(high: 20, low: 0) }
            // Bool where a bit-vector is needed.
            #expect(throws: Z3Error.self) { try c.bool(true).add(a) }
            #expect(throws: Z3Error.self) { try c.numeral(decimal: "12x", width: 8) }
            #expect(throws: Z3Error.self) { try c.bool(true).uint256() }
            // The context still works after errors.
            let sum = try a.add(c.numeral(1, width: 8)).substituting([(from: a, to: c.numeral(255, width: 8))]).simplified()
            #expect(try sum.uint256() == .zero)
        }

        @Test func termsKeepTheirContextAlive() throws {
            func make() throws -> Term {
                let c = try Z3Context()
                return try c.numeral(41, width: 16).add(c.numeral(1, width: 16))
            }
            let t = try make()   // the context variable is gone; the term holds the context
            #expect(try t.simplified().uint256() == UInt256(42 as UInt64))
            #expect(t.width == 16)
        }

        @Test func tenThousandQueriesDoNotLeak() throws {
            let c = try Z3Context()
            let x = try c.bitVector("x", width: 16)
            let baseline = c.liveHandles
            var rssAfterWarmup = 0
            for i in 0..<10_200 {
                // Mostly the cheap simple solver; the last 200 use the general (tactic) solver.
                let s = try Solver(context: c, timeoutMilliseconds: 5_000, kind: i < 10_000 ? .simple : .general)
                let k = try c.numeral(i, width: 16)
                try s.add(x.add(c.numeral(7, width: 16)).eq(k))
                guard case .sat(let m) = try s.check() else {
                    Issue.record("query \(i) not sat")
                    return
                }
                let v = try m.value(x)
                #expect((v.w0 &+ 7) & 0xffff == UInt64(i) & 0xffff)
                if i == 999 { rssAfterWarmup = residentBytes() }
            }
            let growth = residentBytes() - rssAfterWarmup
            #expect(c.liveHandles == baseline, "live handles \(c.liveHandles) vs \(baseline)")
            #expect(growth < 48 << 20, "resident memory grew \(growth >> 20) MiB over 9200 queries")
            print("10^4 queries: resident memory change after warm-up \(growth >> 10) KiB, live handles \(c.liveHandles)")
        }

        @Test func evmTermsOnConstants() throws {
            let c = try Z3Context()
            func eval(_ t: Term) throws -> UInt256 { try t.simplified().uint256() }
            func k(_ v: UInt256) throws -> Term { try c.numeral(v) }
            let minusOne = UInt256.max
            #expect(try eval(EVMTerms.evmDiv(k(5), k(0))) == .zero)
            #expect(try eval(EVMTerms.evmMod(k(5), k(0))) == .zero)
            #expect(try eval(EVMTerms.evmSdiv(k(.signedMin), k(minusOne))) == .signedMin)
            #expect(try eval(EVMTerms.evmSmod(k(UInt256(Int(-7))), k(2))) == UInt256(Int(-1)))
            #expect(try eval(EVMTerms.evmAddmod(k(.max), k(.max), k(.max))) == .zero)
            #expect(try eval(EVMTerms.evmAddmod(k(.max), k(2), k(.max))) == 2)
            #expect(try eval(EVMTerms.evmMulmod(k(.max), k(.max), k(12))) == 9)
            #expect(try eval(EVMTerms.evmExp(k(2), exponent: 255)) == .signedMin)
            #expect(try eval(EVMTerms.evmExp(k(3), exponent: 0)) == .one)
            #expect(try eval(EVMTerms.evmSignextend(k(0), k(0xff))) == .max)
            #expect(try eval(EVMTerms.evmSignextend(k(31), k(0xff))) == 0xff)
            #expect(try eval(EVMTerms.evmByte(k(31), k(0x1234))) == 0x34)
            #expect(try eval(EVMTerms.evmByte(k(32), k(.max))) == .zero)
            #expect(try eval(EVMTerms.evmShl(k(4), k(1))) == 16)
            #expect(try eval(EVMTerms.evmShl(k(256), k(1))) == .zero)
            #expect(try eval(EVMTerms.evmSar(k(300), k(.signedMin))) == .max)
            #expect(try eval(EVMTerms.evmShr(k(255), k(.signedMin))) == .one)
            #expect(try eval(EVMTerms.evmSlt(k(.max), k(0))) == .one)
            #expect(try eval(EVMTerms.evmLt(k(.max), k(0))) == .zero)
            #expect(try eval(EVMTerms.evmIszero(k(0))) == .one)
            #expect(try eval(EVMTerms.evmClz(k(0))) == 256)
            #expect(try eval(EVMTerms.evmClz(k(1))) == 255)
            #expect(try eval(EVMTerms.evmClz(k(.max))) == .zero)
            // Exponent by enumeration agrees with square-and-multiply at 8 bits.
            let b8 = try c.numeral(3, width: 8)
            for e in [0, 1, 2, 5, 255] {
                let byEnum = try EVMTerms.evmExpByEnumeration(b8, c.numeral(e, width: 8)).simplified().uint256()
                let bySquare = try EVMTerms.evmExp(b8, exponent: UInt256(UInt64(e))).simplified().uint256()
                #expect(byEnum == bySquare, "3^\(e) mod 256")
            }
        }
    }
}
