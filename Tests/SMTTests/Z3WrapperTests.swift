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
            var z3AfterWarmup: UInt64 = 0
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
                if i == 999 { rssAfterWarmup = residentBytes(); z3AfterWarmup = z3AllocatedBytes() }
            }
            let growth = residentBytes() - rssAfterWarmup
            let z3Growth = Int64(z3AllocatedBytes()) - Int64(z3AfterWarmup)
            // Each query's solver, terms and model are freed: Z3's allocation stays flat (a
            // leaked solver is tens of KiB; 9200 of them would be hundreds of MiB).
            #expect(z3Growth < 4 << 20, "Z3 allocation grew \(z3Growth >> 10) KiB over 9200 queries")
            print("10^4 queries: Z3 allocation change after warm-up \(z3Growth >> 10) KiB")
            #expect(c.liveHandles == baseline, "live handles \(c.liveHandles) vs \(baseline)")
            #expect(growth < 48 << 20, "resident memory grew \(growth >> 20) MiB over 9200 queries")
            print("10^4 queries: resident memory change after warm-up \(growth >> 10) KiB, live handles \(c.liveHandles)")
        }

        @Test func termsOfAnotherContextAreRejected() throws {
            // Passing an AST to a context that did not make it is undefined behaviour in C (a
            // crash at best): every entry point that takes terms must refuse it.
            let c1 = try Z3Context(), c2 = try Z3Context()
            let x1 = try c1.bitVector("x", width: 8), x2 = try c2.bitVector("x", width: 8)
            let s1 = try Solver(context: c1)
            #expect(throws: Z3Error.self) { try s1.add(x2.eq(x2)) }
            #expect(throws: Z3Error.self) { try s1.add(x2.eq(x2), tracking: "foreign") }
            #expect(throws: Z3Error.self) { try x1.add(x2) }
            #expect(throws: Z3Error.self) { try c1.and([x1.eq(x1), x2.eq(x2)]) }
            #expect(throws: Z3Error.self) { try c1.or([x2.eq(x2)]) }
            #expect(throws: Z3Error.self) { try c1.distinct([x1, x2]) }
            #expect(throws: Z3Error.self) { try c1.ite(x2.eq(x2), x1, x1) }
            #expect(throws: Z3Error.self) { try x1.substituting([(from: x1, to: x2)]) }
            try s1.add(x1.eq(c1.numeral(5, width: 8)))
            guard case .sat(let m) = try s1.check() else {
                Issue.record("expected sat")
                return
            }
            #expect(throws: Z3Error.self) { try m.eval(x2) }
            #expect(try m.value(x1) == 5)   // the context is still usable
        }

        @Test func contextsAreFreedInALoop() throws {
            // 2000 short-lived contexts, each with a query, a model and an unsat core: Z3's own
            // allocation counter must come back to where it was (every context and handle
            // freed), and the process must not grow.
            @discardableResult
            func round(_ i: Int) throws -> Z3Context {
                let c = try Z3Context()
                let x = try c.bitVector("x", width: 32)
                let s = try Solver(context: c, timeoutMilliseconds: 5_000, kind: .simple)
                try s.add(x.ugt(c.numeral(i + 1, width: 32)), tracking: "above")
                guard case .sat(let m) = try s.check() else { throw Z3Error.nullResult("round \(i) not sat") }
                _ = try m.value(x)
                try s.add(x.ult(c.numeral(i + 1, width: 32)), tracking: "below")
                guard case .unsat(let core) = try s.check(), core == ["above", "below"] else { throw Z3Error.nullResult("round \(i) core") }
                return c
            }
            for i in 0..<100 { try round(i) }   // warm-up: Z3's global tables, symbol pools
            let z3Before = z3AllocatedBytes(), rssBefore = residentBytes()
            for i in 100..<2_100 { try round(i) }
            let z3After = z3AllocatedBytes(), rssAfter = residentBytes()
            print("2000 contexts: Z3 allocation \(z3Before >> 10) KiB → \(z3After >> 10) KiB, resident \(rssBefore >> 20) MiB → \(rssAfter >> 20) MiB")
            #expect(z3Before > 0, "the allocation counter must be live for this test to mean anything")
            #expect(z3After <= z3Before + (1 << 20), "Z3 allocation grew \((Int64(z3After) - Int64(z3Before)) >> 10) KiB over 2000 contexts")
            #expect(rssAfter - rssBefore < 32 << 20, "resident memory grew \((rssAfter - rssBefore) >> 20) MiB over 2000 contexts")
            // Control: 10 rounds whose contexts are kept alive (a leak of 0.5% of them) must show
            // in the same counter, or the bound above could not see a leak.
            var kept: [Z3Context] = []
            for i in 0..<10 { kept.append(try round(i)) }
            let z3Kept = z3AllocatedBytes()
            print("10 contexts kept alive: Z3 allocation \(z3After >> 10) KiB → \(z3Kept >> 10) KiB")
            #expect(z3Kept > z3After + (1 << 20), "10 live contexts should allocate more than the 1 MiB tolerance")
            #expect(kept.count == 10)
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
