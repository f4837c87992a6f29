import EVMCore
import EVMAssembly
import EVMInterpreter
import Testing
import _TestSupport

/// SSTORE gas and refund tables from the EIPs' test cases.
@Suite struct SStoreTests {
    struct Case: Sendable, CustomStringConvertible {
        var code: String, used: Int64, refund: Int64, original: UInt256
        var description: String { "\(code) original \(original)" }
    }

    static let codes: [(String, UInt256)] = [
        ("0x60006000556000600055", 0), ("0x60006000556001600055", 0), ("0x60016000556000600055", 0),
        ("0x60016000556002600055", 0), ("0x60016000556001600055", 0), ("0x60006000556000600055", 1),
        ("0x60006000556001600055", 1), ("0x60006000556002600055", 1), ("0x60026000556000600055", 1),
        ("0x60026000556003600055", 1), ("0x60026000556001600055", 1), ("0x60026000556002600055", 1),
        ("0x60016000556000600055", 1), ("0x60016000556002600055", 1), ("0x60016000556001600055", 1),
        ("0x600160005560006000556001600055", 0), ("0x600060005560016000556000600055", 1),
    ]

    static func table(_ used: [Int64], _ refund: [Int64]) -> [Case] {
        zip(codes, zip(used, refund)).map { Case(code: $0.0.0, used: $0.1.0, refund: $0.1.1, original: $0.0.1) }
    }

    /// EIP-1283 values, as listed in EIP-2200's test cases (SLOAD_GAS 200).
    static let constantinople = table(
        [412, 20212, 20212, 20212, 20212, 5212, 5212, 5212, 5212, 5212, 5212, 5212, 5212, 5212, 412, 40218, 10218],
        [0, 0, 19800, 0, 0, 15000, 4800, 0, 15000, 0, 4800, 0, 15000, 0, 0, 19800, 19800])
    /// EIP-2200 with SLOAD_GAS 800 (Istanbul).
    static let istanbul = table(
        [1612, 20812, 20812, 20812, 20812, 5812, 5812, 5812, 5812, 5812, 5812, 5812, 5812, 5812, 1612, 40818, 10818],
        [0, 0, 19200, 0, 0, 15000, 4200, 0, 15000, 0, 4200, 0, 15000, 0, 0, 19200, 19200])
    /// EIP-3529 "2929 gas costs" table (warm slot).
    static let berlin = table(
        [212, 20112, 20112, 20112, 20112, 3012, 3012, 3012, 3012, 3012, 3012, 3012, 3012, 3012, 212, 40118, 5918],
        [0, 0, 19900, 0, 0, 15000, 2800, 0, 15000, 0, 2800, 0, 15000, 0, 0, 19900, 17800])
    /// EIP-3529 "with reduced refunds" table (warm slot).
    static let london = table(
        [212, 20112, 20112, 20112, 20112, 3012, 3012, 3012, 3012, 3012, 3012, 3012, 3012, 3012, 212, 40118, 5918],
        [0, 0, 19900, 0, 0, 4800, 2800, 0, 4800, 0, 2800, 0, 4800, 0, 0, 19900, 7600])

    static func check(_ c: Case, fork: Hardfork, warm: Bool) {
        let (r, host, used) = exec(.hex(c.code), fork: fork) { h in
            if !c.original.isZero { h.setStorage(MockHost.contract, 0, c.original) }
            if warm { h.warmSlot(MockHost.contract, 0) }
        }
        #expect(r.status == .success, "\(c) \(fork)")
        #expect(used == c.used, "\(c) \(fork)")
        #expect(r.gasRefund == c.refund, "\(c) \(fork)")
        let last = Asm.hex(c.code).bytes[Asm.hex(c.code).count - 5 + 1]
        #expect(host.storage(MockHost.contract, 0) == UInt256(UInt64(last)), "\(c) final value")
    }

    @Test(arguments: constantinople) func eip1283Constantinople(_ c: Case) { Self.check(c, fork: .constantinople, warm: false) }
    @Test(arguments: istanbul) func eip2200Istanbul(_ c: Case) { Self.check(c, fork: .istanbul, warm: false) }
    @Test(arguments: istanbul) func eip2200MuirGlacier(_ c: Case) { Self.check(c, fork: .muirGlacier, warm: false) }
    @Test(arguments: berlin) func eip2929Berlin(_ c: Case) { Self.check(c, fork: .berlin, warm: true) }
    @Test(arguments: london) func eip3529London(_ c: Case) { Self.check(c, fork: .london, warm: true) }
    @Test(arguments: london) func eip3529Cancun(_ c: Case) { Self.check(c, fork: .cancun, warm: true) }

    @Test func coldSlotAddsAccessCost() {
        for fork in [Hardfork.berlin, .london, .cancun, .osaka] {
            for c in Self.london {
                let used = exec(.hex(c.code), fork: fork) { h in
                    if !c.original.isZero { h.setStorage(MockHost.contract, 0, c.original) }
                }.gasUsed
                #expect(used == c.used + 2100, "\(c) \(fork)")
            }
        }
    }

    @Test(arguments: [Hardfork.frontier, .homestead, .tangerineWhistle, .spuriousDragon, .byzantium, .petersburg])
    func legacyRules(_ fork: Hardfork) {
        func run(_ code: String, _ original: UInt256) -> (Int64, Int64) {
            let (r, _, used) = exec(.hex(code), fork: fork) { h in
                if !original.isZero { h.setStorage(MockHost.contract, 0, original) }
            }
            return (used, r.gasRefund)
        }
        #expect(run("0x60006000556000600055", 0) == (10012, 0))
        #expect(run("0x60016000556000600055", 0) == (25012, 15000))
        #expect(run("0x60016000556002600055", 1) == (10012, 0))
        #expect(run("0x60006000556001600055", 1) == (25012, 15000))
    }

    @Test func sentry() {
        // EIP-2200: 1 -> 1 with gas left exactly 2300 at the SSTORE fails; 2301 passes.
        for fork in [Hardfork.istanbul, .berlin, .cancun] {
            let setup: (MockHost) -> Void = { h in
                h.setStorage(MockHost.contract, 0, 1)
                h.warmSlot(MockHost.contract, 0)
            }
            let fail = exec(.hex("0x6001600055"), fork: fork, gas: 2306, setup: setup)
            #expect(fail.result.status == .outOfGas)
            #expect(fail.result.gasLeft == 0)
            let pass = exec(.hex("0x6001600055"), fork: fork, gas: 2307, setup: setup)
            #expect(pass.result.status == .success)
            #expect(pass.gasUsed == 6 + (fork >= .berlin ? 100 : 800))
        }
        // Constantinople (EIP-1283) has no sentry.
        let c = exec(.hex("0x6001600055"), fork: .constantinople, gas: 206) { h in h.setStorage(MockHost.contract, 0, 1) }
        #expect(c.result.status == .success)
        #expect(c.result.gasLeft == 0)
    }

    @Test func sloadGasPerFork() {
        let code = Asm.push(0) + .sload
        #expect(exec(code, fork: .frontier).gasUsed == 3 + 50)
        #expect(exec(code, fork: .tangerineWhistle).gasUsed == 3 + 200)
        #expect(exec(code, fork: .istanbul).gasUsed == 3 + 800)
        #expect(exec(code, fork: .berlin).gasUsed == 3 + 2100)
        #expect(exec(code + .push(0) + .sload, fork: .berlin).gasUsed == 6 + 2100 + 100)
        let v = exec(.push(7) + .sload + .returnTop) { h in h.setStorage(MockHost.contract, 7, 99) }
        #expect(v.result.word == 99)
    }

    @Test func transientStorage() {
        let code = Asm.push(42) + .push(1) + .tstore + .push(1) + .tload + .returnTop
        let r = exec(code, fork: .cancun)
        #expect(r.result.word == 42)
        #expect(r.gasUsed == 3 + 3 + 100 + 3 + 100 + 3 + (3 + 3) + 3 + 3)
        #expect(exec(code, fork: .shanghai).result.status == .invalidOpcode)
    }
}
