import Testing
import EVMCore
@testable import EVMPrecompiles

@Suite struct P256VerifyTests {
    static let one = [UInt8](repeating: 0, count: 31) + [1]

    /// geth's 782 vectors (Wycheproof secp256r1/SHA-256 P1363 plus one call vector), price 6900.
    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func gethVectors() throws {
        let vectors = try VectorFiles.load("geth/p256Verify.json")
        #expect(vectors.count == 782)
        #expect(vectors.filter { $0.expected == Self.one }.count == 567)
        #expect(checkSuccessVectors(vectors, precompile: .p256Verify, fork: .osaka) == vectors.count)
    }

    /// The EIP-7951 asset file: same Input/Expected, but its Gas field is RIP-7212's 3450;
    /// EIP-7951 charges 6900, so the gas is checked against 6900 instead.
    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func eip7951Vectors() throws {
        let vectors = try VectorFiles.load("eip-7951/test-vectors.json")
        #expect(vectors.count == 781)
        var passed = 0
        for v in vectors {
            #expect(v.gas == 3450)
            let result = Precompiles.run(.p256Verify, input: v.input, gas: 6900, fork: .osaka)
            let ok = result == .success(output: v.expected ?? [1, 2, 3], gasUsed: 6900)
            #expect(ok, "\(v.name): \(describe(result))")
            if ok { passed += 1 }
        }
        #expect(passed == 781)
    }

    /// A valid call taken from the vectors, then mutated: every malformed variant returns empty
    /// output at full price and never fails the call.
    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func malformedInputsReturnEmpty() throws {
        let vectors = try VectorFiles.load("geth/p256Verify.json")
        let valid = try #require(vectors.first { $0.expected == Self.one }).input
        #expect(Precompiles.run(.p256Verify, input: valid, gas: 6900, fork: .osaka) == .success(output: Self.one, gasUsed: 6900))
        let n = P256Verify.n.bigEndianBytes, p = P256Verify.p.bigEndianBytes
        var cases: [[UInt8]] = []
        cases.append([])                                   // empty
        cases.append(Array(valid.dropLast()))              // 159 bytes
        cases.append(valid + [0])                          // 161 bytes
        var rZero = valid; rZero.replaceSubrange(32..<64, with: [UInt8](repeating: 0, count: 32)); cases.append(rZero)
        var sZero = valid; sZero.replaceSubrange(64..<96, with: [UInt8](repeating: 0, count: 32)); cases.append(sZero)
        var rN = valid; rN.replaceSubrange(32..<64, with: n); cases.append(rN)
        var sN = valid; sN.replaceSubrange(64..<96, with: n); cases.append(sN)
        var xP = valid; xP.replaceSubrange(96..<128, with: p); cases.append(xP)
        var inf = valid; inf.replaceSubrange(96..<160, with: [UInt8](repeating: 0, count: 64)); cases.append(inf)
        var offCurve = valid; offCurve[159] ^= 1; cases.append(offCurve)
        var wrongHash = valid; wrongHash[0] ^= 0x80; cases.append(wrongHash)
        for c in cases {
            #expect(Precompiles.run(.p256Verify, input: c, gas: 6900, fork: .osaka) == .success(output: [], gasUsed: 6900))
        }
        #expect(Precompiles.run(.p256Verify, input: valid, gas: 6899, fork: .osaka) == .outOfGas)
    }

    @Test func activation() {
        #expect(!Precompiles.isPrecompile(Address(low: 0x100), fork: .prague))
        #expect(Precompiles.isPrecompile(Address(low: 0x100), fork: .osaka))
        #expect(Precompiles.run(Address(low: 0x100), input: [], gas: 10, fork: .prague) == .success(output: [], gasUsed: 0))
    }
}
