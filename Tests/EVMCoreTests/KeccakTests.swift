import Testing
import EVMCore

/// The test input of length n: byte i is (7i + 3) mod 256.
private func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) } }


@Suite struct KeccakTests {
    @Test func knownVectors() {
        #expect(Keccak256.emptyHash.hexString == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        #expect(Keccak256.emptyListHash.hexString == "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347")
        #expect(Keccak256.emptyTrieRoot.hexString == "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
        #expect(Keccak256.hash(Array("abc".utf8)).hexString == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
    }

    /// Expected values from pycryptodome 3.x, `Crypto.Hash.keccak.new(digest_bits=256, data=pattern(n))`.
    /// The lengths straddle the 136-byte rate: padding in the same block, padding alone in a
    /// block of its own (136, 272), and several blocks.
    static let blockBoundaryVectors: [(Int, String)] = [
        (0, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        (1, "69c322e3248a5dfc29d73c5b0553b0185a35cd5bb6386747517ef7e53b15e287"),
        (31, "8522dc30be01c01348c0591309ac2948c9ae4ce02facbb745f85a5297286d3dd"),
        (32, "04d1b47ed3b04c5ff6a0280293cb2ab55bd297c9c2e0c3449831b419285d7df2"),
        (55, "152cc5298108a3ec3a26e0c5aead9c2770c184a6bdf87eb087716b185c8e2238"),
        (56, "515efa1a7d43f655443dff20ec3f7e75e2af9ec2415ca813d21d0918a0e70fa2"),
        (64, "0251cf13aa5b18f1cbda7cddbe85f3dc536fc93df590c2d20ca9b28af1ed2c39"),
        (135, "00ef96af9cf4b24c7f269d922294444a197d0a33638c2e56634c57e892103a8f"),
        (136, "742061bcad767ed4c4f5883b1dcb1aad11afdcc140dc469d953759b127b9f9ed"),
        (137, "e3371f61e770abf254c34239c3b0099ad90594507415bc81dd0a10b9692bbf2a"),
        (200, "66d2cdf3ab4c5bd3c75add9b60b14ac5b7789534fa2da3f348853b847359a3a0"),
        (271, "4401c4afbe16ff911bdbf2d38e556e5b861f3fdf0f9d4306b1c46f6ae4f73584"),
        (272, "ac141fd7b0a0ffcd2e967254d508da3ec616596493c36fa304425647d90e6de5"),
        (273, "16192ea86793083e47731cb3c970600f04768414d92bc0540e54ce8607a0fce0"),
        (1000, "80cdc8dd52cbb3dbaea8f383209893fa2bb52efbd5aedbb4b26dcfe307fcdc9b"),
    ]

    /// The LFSR-derived constants of the reference are the published ones (spot check).
    @Test func referenceRoundConstants() {
        #expect(ReferenceKeccak.roundConstants[0] == 0x0000000000000001)
        #expect(ReferenceKeccak.roundConstants[1] == 0x0000000000008082)
        #expect(ReferenceKeccak.roundConstants[23] == 0x8000000080008008)
    }

    @Test func blockBoundaryVectorsMatchPycryptodome() {
        for (n, expected) in Self.blockBoundaryVectors {
            #expect(Keccak256.hash(pattern(n)).hexString == "0x" + expected, "length \(n)")
        }
    }

    /// Every length from 0 to 700 (five blocks and change), against the textbook
    /// implementation below, plus unaligned input (the fast path loads 8-byte words).
    @Test func matchesReferenceImplementation() {
        let data = pattern(701)
        for n in 0...700 {
            #expect(Keccak256.hash(data[0..<n]) == ReferenceKeccak.hash(Array(data[0..<n])), "length \(n)")
            // A slice starting at an odd offset: unaligned loads in the absorb loop.
            #expect(Keccak256.hash(data[1..<(n + 1)]) == ReferenceKeccak.hash(Array(data[1..<(n + 1)])), "offset 1, length \(n)")
        }
    }

    /// The raw-pointer entry point, the generic one and a non-contiguous collection agree.
    @Test func entryPointsAgree() {
        for n in [0, 5, 136, 300] {
            let bytes = pattern(n)
            let viaPointer = bytes.withUnsafeBytes { Keccak256.hash($0) }
            #expect(viaPointer == Keccak256.hash(bytes))
            #expect(Keccak256.hash(bytes.reversed().reversed()) == viaPointer)   // ReversedCollection: no contiguous storage
        }
    }

    /// Pseudo-random inputs (`SplitMix64`) of random lengths up to 4 blocks.
    @Test func randomInputsMatchReference() {
        var rng = SplitMix64(seed: 0x5eed)
        func next() -> UInt64 { rng.next() }
        for _ in 0..<200 {
            let n = Int(next() % 600)
            let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) }
            #expect(Keccak256.hash(bytes) == ReferenceKeccak.hash(bytes), "length \(n)")
        }
    }
}

/// Keccak-256 written straight from the specification (FIPS 202 §3.2 step mappings with the
/// original Keccak padding), for differential testing: a 5×5 lane array, θ ρ π χ ι as separate
/// passes, ρ offsets from the (x, y) walk, round constants from the rc(t) LFSR (§3.2.5) rather
/// than a table, byte-wise absorption of a padded copy. Slow and obviously shaped like the spec.
enum ReferenceKeccak {
    static func rotl(_ v: UInt64, _ n: Int) -> UInt64 { n == 0 ? v : (v << UInt64(n)) | (v >> UInt64(64 - n)) }

    /// rc(t): the output bit of the LFSR x^8 + x^6 + x^5 + x^4 + 1 after t steps.
    static func rcBit(_ t: Int) -> UInt64 {
        if t % 255 == 0 { return 1 }
        var r: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0]
        for _ in 1...(t % 255) {
            r.insert(0, at: 0)
            r[0] ^= r[8]; r[4] ^= r[8]; r[5] ^= r[8]; r[6] ^= r[8]
            r.removeLast()
        }
        return UInt64(r[0])
    }

    /// The 24 round constants, from the LFSR once.
    static let roundConstants: [UInt64] = (0..<24).map(roundConstant)

    static func roundConstant(_ ir: Int) -> UInt64 {
        var rc: UInt64 = 0
        for j in 0...6 { rc |= rcBit(j + 7 * ir) << UInt64((1 << j) - 1) }
        return rc
    }

    static func offsets() -> [[Int]] {
        var r = [[Int]](repeating: [Int](repeating: 0, count: 5), count: 5)
        var (x, y) = (1, 0)
        for t in 0..<24 {
            r[x][y] = ((t + 1) * (t + 2) / 2) % 64
            (x, y) = (y, (2 * x + 3 * y) % 5)
        }
        return r
    }

    static let rho = offsets()

    static func permute(_ a: inout [[UInt64]]) {
        let r = rho
        for ir in 0..<24 {
            // θ
            var c = [UInt64](repeating: 0, count: 5)
            for x in 0..<5 { for y in 0..<5 { c[x] ^= a[x][y] } }
            for x in 0..<5 {
                let d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1)
                for y in 0..<5 { a[x][y] ^= d }
            }
            // ρ and π
            var b = [[UInt64]](repeating: [UInt64](repeating: 0, count: 5), count: 5)
            for x in 0..<5 { for y in 0..<5 { b[y][(2 * x + 3 * y) % 5] = rotl(a[x][y], r[x][y]) } }
            // χ
            for x in 0..<5 { for y in 0..<5 { a[x][y] = b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y]) } }
            // ι
            a[0][0] ^= roundConstants[ir]
        }
    }

    static func hash(_ message: [UInt8]) -> Bytes32 {
        let rate = 136
        var padded = message
        padded.append(0x01)
        while padded.count % rate != 0 { padded.append(0) }
        padded[padded.count - 1] |= 0x80
        var a = [[UInt64]](repeating: [UInt64](repeating: 0, count: 5), count: 5)
        for blockStart in stride(from: 0, to: padded.count, by: rate) {
            for i in 0..<(rate / 8) {
                var lane: UInt64 = 0
                for k in 0..<8 { lane |= UInt64(padded[blockStart + 8 * i + k]) << UInt64(8 * k) }
                a[i % 5][i / 5] ^= lane
            }
            permute(&a)
        }
        var out: [UInt8] = []
        for i in 0..<4 { for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: a[i % 5][i / 5] >> UInt64(8 * k))) } }
        return Bytes32(bytes: out)
    }
}
