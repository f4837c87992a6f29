import Testing
import EVMCore
import _TestSupport
@testable import EVMPrecompiles

@Suite struct ECRecoverTests {
    @Test(.enabled(if: VectorFiles.available, VectorFiles.skipMessage))
    func gethVectors() throws {
        let vectors = try VectorFiles.load("geth/ecRecover.json")
        #expect(vectors.count == 5)
        #expect(checkSuccessVectors(vectors, precompile: .ecrecover, fork: .frontier) == vectors.count)
    }

    @Test func knownPrivateKeyAddresses() {
        // Private key 1 is the generator point; its address is a widely published fact.
        #expect(Secp256k1.address(privateKey: Bytes32(UInt256(1)))?.hexString == "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf")
        #expect(Secp256k1.address(privateKey: Bytes32(UInt256(2)))?.hexString == "0x2b5ad5c4795c026514f8317c7a215e218dccd6cf")
        #expect(Secp256k1.address(privateKey: .zero) == nil)
        #expect(Secp256k1.address(privateKey: Bytes32(Secp256k1.order)) == nil)
        #expect(Secp256k1.sign(messageHash: .zero, privateKey: Bytes32(UInt256.max)) == nil)
    }

    /// Builds ECRECOVER input `hash ‖ v ‖ r ‖ s`.
    static func input(_ hash: Bytes32, v: UInt256, r: UInt256, s: UInt256) -> [UInt8] {
        hash.bytes + v.bigEndianBytes + r.bigEndianBytes + s.bigEndianBytes
    }

    @Test func signRecoverRoundTripWithSeededKeys() {
        var rng = SeededRNG(seed: 0xEC0_2EC0)
        for _ in 0..<64 {
            let key = Bytes32(UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()))
            let hash = Bytes32(UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()))
            guard let expected = Secp256k1.address(privateKey: key) else {
                // Only keys ≥ n (probability ~2^-128) have no address.
                #expect(key.word >= Secp256k1.order)
                continue
            }
            guard let sig = Secp256k1.sign(messageHash: hash, privateKey: key) else {
                Issue.record("signing failed for a valid key \(key)")
                continue
            }
            #expect(sig.recoveryId <= 1)
            // libsecp256k1 signs with low s.
            #expect(sig.s <= Secp256k1.order.shiftedRight(1))
            #expect(Secp256k1.recoverAddress(messageHash: hash, r: sig.r, s: sig.s, recoveryId: sig.recoveryId) == expected)
            #expect(Secp256k1.recoverPublicKey(messageHash: hash, r: sig.r, s: sig.s, recoveryId: sig.recoveryId)
                    == Secp256k1.publicKey(privateKey: key))

            let call = Self.input(hash, v: UInt256(27 + UInt64(sig.recoveryId)), r: sig.r, s: sig.s)
            #expect(Precompiles.run(Address(low: 1), input: call, gas: 3000, fork: .frontier)
                    == .success(output: expected.word.bigEndianBytes, gasUsed: 3000))
            // The other parity recovers a different key (or none).
            let flipped = Self.input(hash, v: UInt256(28 - UInt64(sig.recoveryId)), r: sig.r, s: sig.s)
            if case .success(let out, _) = Precompiles.run(Address(low: 1), input: flipped, gas: 3000, fork: .frontier) {
                #expect(out != expected.word.bigEndianBytes)
            } else {
                Issue.record("ECRECOVER must succeed even for a wrong v")
            }
            // High s (n - s) with the flipped parity is the same signature: ECRECOVER accepts it.
            let highS = Secp256k1.order &- sig.s
            #expect(Secp256k1.recoverAddress(messageHash: hash, r: sig.r, s: highS, recoveryId: sig.recoveryId ^ 1) == expected)
        }
    }

    @Test func invalidSignaturesGiveEmptyOutputNotFailure() {
        let key = Bytes32(UInt256(0xC0FFEE))
        let hash = Keccak256.hash(Array("lockstep".utf8))
        guard let sig = Secp256k1.sign(messageHash: hash, privateKey: key) else {
            Issue.record("signing failed"); return
        }
        let v = UInt256(27 + UInt64(sig.recoveryId))
        let n = Secp256k1.order
        let bad: [(String, [UInt8])] = [
            ("v = 0", Self.input(hash, v: .zero, r: sig.r, s: sig.s)),
            ("v = 29", Self.input(hash, v: UInt256(29), r: sig.r, s: sig.s)),
            ("v = 27 + 2^8", Self.input(hash, v: UInt256(27 + 256), r: sig.r, s: sig.s)),
            ("v with high garbage", Self.input(hash, v: v | UInt256.one.shiftedLeft(255), r: sig.r, s: sig.s)),
            ("r = 0", Self.input(hash, v: v, r: .zero, s: sig.s)),
            ("s = 0", Self.input(hash, v: v, r: sig.r, s: .zero)),
            ("r = n", Self.input(hash, v: v, r: n, s: sig.s)),
            ("s = n", Self.input(hash, v: v, r: sig.r, s: n)),
            ("r = 2^256 - 1", Self.input(hash, v: v, r: .max, s: sig.s)),
            ("empty", []),
            ("short", Array(Self.input(hash, v: v, r: sig.r, s: sig.s)[0..<70])),
        ]
        for (name, input) in bad {
            #expect(Precompiles.run(Address(low: 1), input: input, gas: 3000, fork: .cancun) == .success(output: [], gasUsed: 3000), "\(name)")
            #expect(Precompiles.run(Address(low: 1), input: input, gas: 2999, fork: .cancun) == .outOfGas, "\(name)")
        }
        #expect(Secp256k1.recoverAddress(messageHash: hash, r: sig.r, s: sig.s, recoveryId: 4) == nil)
        // Extra bytes past 128 are ignored.
        let long = Self.input(hash, v: v, r: sig.r, s: sig.s) + [1, 2, 3]
        #expect(Precompiles.run(Address(low: 1), input: long, gas: 3000, fork: .cancun)
                == .success(output: Secp256k1.address(privateKey: key)!.word.bigEndianBytes, gasUsed: 3000))
    }

    @Test func truncatedInputIsRightPadded() {
        // A signature whose s has trailing zero bytes still recovers when those bytes are cut off.
        var rng = SeededRNG(seed: 7)
        var checked = 0
        while checked < 3 {
            let key = Bytes32(UInt256(rng.next() | 1))
            let hash = Bytes32(UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()))
            guard let sig = Secp256k1.sign(messageHash: hash, privateKey: key), sig.s.w0 & 0xff == 0 else { continue }
            let full = Self.input(hash, v: UInt256(27 + UInt64(sig.recoveryId)), r: sig.r, s: sig.s)
            let cut = Array(full[0..<127])
            #expect(Precompiles.run(Address(low: 1), input: cut, gas: 3000, fork: .london)
                    == Precompiles.run(Address(low: 1), input: full, gas: 3000, fork: .london))
            checked += 1
        }
    }
}
