import EVMCore
import EVMInterpreter
import Testing

/// `EVM.createAddress` builds RLP([sender, nonce]) in a stack buffer instead of through the `RLP`
/// encoder: the two must agree on every nonce length (0, one byte below 0x80, 1…8-byte integers).
@Suite struct CreateAddressTests {
    @Test func knownVector() {
        // Widely published: 0x6ac7…dbf0 with nonces 0 and 1.
        let sender = Address(hex: "0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0")!
        #expect(EVM.createAddress(sender: sender, nonce: 0) == Address(hex: "0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8d")!)
        #expect(EVM.createAddress(sender: sender, nonce: 1) == Address(hex: "0x343c43a37d37dff08ae8c4a11544c718abb4fcf8")!)
    }

    @Test func agreesWithRLPEncoder() {
        var rng = SplitMix64(seed: 0xc4ea7e)
        let nonces: [UInt64] = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x1_0000, 1 << 32, (1 << 56) - 1, 1 << 56, .max - 1, .max]
        for _ in 0..<20 {
            let sender = Address(truncating: UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()))
            for nonce in nonces + [rng.next() >> (rng.next() % 64)] {
                let rlp = RLP.encodeList([RLP.encode(bytes: sender.bytes), RLP.encode(nonce)])
                let expected = Address(bytes: Keccak256.hash(rlp).bytes)
                #expect(EVM.createAddress(sender: sender, nonce: nonce) == expected, "sender \(sender) nonce \(nonce)")
            }
        }
    }
}
