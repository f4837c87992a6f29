import Testing
import EVMCore
import EVMPrecompiles
import EVMExecution
import _TestSupport

// MARK: - Random transactions

private func randomBytes(_ count: Int, _ rng: inout SeededRNG) -> [UInt8] {
    (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
}

private func randomAddress(_ rng: inout SeededRNG) -> Address { Address(bytes: randomBytes(20, &rng)) }

private func randomBytes32(_ rng: inout SeededRNG) -> Bytes32 { Bytes32(bytes: randomBytes(32, &rng)) }

/// A valid private key (non-zero, below the curve order: top limb kept below 0xffff…).
private func randomPrivateKey(_ rng: inout SeededRNG) -> Bytes32 {
    var bytes = randomBytes(32, &rng)
    bytes[0] = bytes[0] & 0x7f
    bytes[31] |= 1
    return Bytes32(bytes: bytes)
}

private func randomAccessList(_ rng: inout SeededRNG) -> [AccessListEntry] {
    (0..<Int(rng.next() % 4)).map { _ in
        AccessListEntry(address: randomAddress(&rng), storageKeys: (0..<Int(rng.next() % 4)).map { _ in randomBytes32(&rng) })
    }
}

/// Random field values of the given type, unsigned (v = r = s = 0).
private func randomTransaction(_ type: TxType, _ rng: inout SeededRNG) -> Transaction {
    let dataLength = Int(rng.next() % 3 == 0 ? rng.next() % 200 : rng.next() % 8)
    var tx = Transaction(
        type: type,
        chainId: type == .legacy && rng.next() % 2 == 0 ? nil : UInt256.edgeBiased(using: &rng),
        nonce: rng.next() % UInt64.max,
        gasPrice: UInt256.edgeBiased(using: &rng),
        maxPriorityFeePerGas: UInt256.edgeBiased(using: &rng),
        maxFeePerGas: UInt256.edgeBiased(using: &rng),
        gasLimit: rng.next(),
        to: rng.next() % 4 == 0 && type != .blob && type != .setCode ? nil : randomAddress(&rng),
        value: UInt256.edgeBiased(using: &rng),
        data: randomBytes(dataLength, &rng))
    if type != .legacy { tx.accessList = randomAccessList(&rng) }
    if type == .blob {
        tx.maxFeePerBlobGas = UInt256.edgeBiased(using: &rng)
        tx.blobVersionedHashes = (0..<Int(1 + rng.next() % 6)).map { _ in
            var b = randomBytes(32, &rng)
            b[0] = 0x01
            return Bytes32(bytes: b)
        }
    }
    if type == .setCode {
        tx.authorizationList = (0..<Int(1 + rng.next() % 3)).map { _ in
            Authorization(chainId: UInt256.edgeBiased(using: &rng), address: randomAddress(&rng), nonce: rng.next(),
                          yParity: UInt8(truncatingIfNeeded: rng.next()), r: UInt256.edgeBiased(using: &rng),
                          s: UInt256.edgeBiased(using: &rng))
        }
    }
    return tx
}

private func decoded(_ bytes: [UInt8]) -> Result<Transaction, TransactionDecodingError> {
    do throws(TransactionDecodingError) {
        return .success(try Transaction.decode(bytes))
    } catch {
        return .failure(error)
    }
}

private func rejection(_ body: () throws(TransactionError) -> Void) -> TransactionError? {
    do throws(TransactionError) {
        try body()
        return nil
    } catch {
        return error
    }
}

@Suite struct TransactionCodecTests {
    @Test(arguments: TxType.allCases)
    func roundTripWithRawSignatureFields(type: TxType) throws {
        var rng = SeededRNG(seed: 0x7a11_0000 + UInt64(type.rawValue))
        for _ in 0..<200 {
            var tx = randomTransaction(type, &rng)
            tx.v = type == .legacy ? UInt256.edgeBiased(using: &rng) : UInt256(rng.next() % 2)
            tx.r = UInt256.edgeBiased(using: &rng)
            tx.s = UInt256.edgeBiased(using: &rng)
            // A decoded legacy transaction's chain id is the one v encodes.
            if type == .legacy { tx.chainId = Transaction.legacyChainId(v: tx.v) }
            let bytes = tx.encoded()
            if type == .legacy { #expect(bytes[0] >= 0xc0) } else { #expect(bytes[0] == type.rawValue) }
            let back = try Transaction.decode(bytes)
            #expect(back == tx, "seed-stable case of type \(type)")
            #expect(back.encoded() == bytes)
            #expect(back.hash == Keccak256.hash(bytes))
        }
    }

    @Test(arguments: TxType.allCases)
    func signRecoverRoundTrip(type: TxType) throws {
        var rng = SeededRNG(seed: 0x5157_0000 + UInt64(type.rawValue))
        for i in 0..<40 {
            var tx = randomTransaction(type, &rng)
            let key = randomPrivateKey(&rng)
            let chainId: UInt256? = type == .legacy && i % 2 == 0 ? nil : UInt256(rng.next() % 100_000)
            let signed = tx.sign(privateKey: key, chainId: chainId)
            #expect(signed)
            let expected = try #require(Secp256k1.address(privateKey: key))
            #expect(try tx.recoverSender() == expected)
            let back = try Transaction.decode(tx.encoded())
            #expect(back == tx)
            #expect(try back.recoverSender() == expected)
            if type == .legacy {
                #expect(back.chainId == chainId)
                if chainId == nil { #expect(tx.v == 27 || tx.v == 28) }
            } else {
                #expect(tx.v <= UInt256.one)
            }
            // Any change to a signed field changes the signer.
            var tampered = back
            tampered.nonce ^= 1
            #expect((try? tampered.recoverSender()) != expected)
        }
    }

    /// The worked example in EIP-155.
    @Test func eip155Example() throws {
        let key = try #require(Bytes32(hex: "0x4646464646464646464646464646464646464646464646464646464646464646"))
        var tx = Transaction(type: .legacy, chainId: 1, nonce: 9, gasPrice: UInt256(20_000_000_000), gasLimit: 21_000,
                             to: Address(hex: "0x3535353535353535353535353535353535353535"),
                             value: try #require(UInt256(decimal: "1000000000000000000")))
        #expect(tx.signingHash().hexString == "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53")
        let signed = tx.sign(privateKey: key, chainId: 1)
        #expect(signed)
        #expect(tx.v == 37)
        #expect(Hex.encodePrefixed(tx.encoded()) ==
            "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83")
        #expect(try tx.recoverSender() == Address(hex: "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f"))
    }

    @Test func decodingErrorsNameTheField() throws {
        let base = Transaction(type: .legacy, nonce: 1, gasPrice: 1, gasLimit: 21_000, to: Address(low: 7), v: 27, r: 1, s: 1)
        // Legacy: [nonce, gasPrice, gasLimit, to, value, data, v, r, s]
        func legacy(_ items: [[UInt8]]) -> [UInt8] { RLP.encodeList(items) }
        var items = base.payloadItemsForTest()
        items[0] = [0x82, 0x00, 0x01]
        #expect(decoded(legacy(items)) == .failure(.invalidField(.nonce, .nonCanonicalInteger)))
        items = base.payloadItemsForTest()
        items[0] = RLP.encode(bytes: [UInt8](repeating: 0xff, count: 9))
        #expect(decoded(legacy(items)) == .failure(.invalidField(.nonce, .integerTooLarge(maxBytes: 8))))
        items = base.payloadItemsForTest()
        items[3] = RLP.encode(bytes: [UInt8](repeating: 0x11, count: 19))
        #expect(decoded(legacy(items)) == .failure(.invalidField(.to, .wrongLength(expected: 20, actual: 19))))
        items = base.payloadItemsForTest()
        items[5] = RLP.encodeList([])
        #expect(decoded(legacy(items)) == .failure(.invalidField(.data, .expectedBytes)))
        items = base.payloadItemsForTest()
        items.removeLast()
        #expect(decoded(legacy(items)) == .failure(.fieldCount(type: .legacy, expected: 9, actual: 8)))
        #expect(decoded([]) == .failure(.empty))
        #expect(decoded([0x05, 0xc0]) == .failure(.unsupportedType(0x05)))
        #expect(decoded([0x00, 0xc0]) == .failure(.unsupportedType(0x00)))
        #expect(decoded(base.encoded() + [0x00]) == .failure(.invalidEnvelope(.trailingBytes(1))))
        #expect(decoded(Array(base.encoded().dropLast())) ==
            .failure(.invalidEnvelope(.truncated(needed: base.encoded().count - 1, available: base.encoded().count - 2))))

        // Typed: an access-list address of 21 bytes, a storage key of 31, a 5-item authorization.
        let t1 = Transaction(type: .accessList, chainId: 1, gasLimit: 30_000, to: Address(low: 1))
        var t1Fields = t1.payloadItemsForTest()
        let key = RLP.encodeList([RLP.encode(bytes: Bytes32(UInt256(3)).bytes)])
        t1Fields[7] = RLP.encodeList([RLP.encodeList([RLP.encode(bytes: [0] + Address(low: 2).bytes), key])])
        #expect(decoded([1] + RLP.encodeList(t1Fields)) ==
            .failure(.invalidField(.accessListAddress(0), .wrongLength(expected: 20, actual: 21))))
        t1Fields[7] = RLP.encodeList([RLP.encodeList([RLP.encode(bytes: Address(low: 2).bytes),
                                                      RLP.encodeList([RLP.encode(bytes: [UInt8](repeating: 1, count: 31))])])])
        #expect(decoded([1] + RLP.encodeList(t1Fields)) ==
            .failure(.invalidField(.accessListStorageKey(entry: 0, key: 0), .wrongLength(expected: 32, actual: 31))))

        let auth = Authorization(chainId: 1, address: Address(low: 9), nonce: 0)
        let t4 = Transaction(type: .setCode, chainId: 1, gasLimit: 50_000, to: Address(low: 1), authorizationList: [auth])
        var fields = t4.payloadItemsForTest()
        fields[9] = RLP.encodeList([RLP.encodeList([RLP.encode(UInt256(1)), RLP.encode(bytes: Address(low: 9).bytes),
                                                    RLP.encode(UInt64(0)), RLP.encode(UInt64(0)), RLP.encode(UInt256(1))])])
        #expect(decoded([4] + RLP.encodeList(fields)) ==
            .failure(.invalidField(.authorization(0), .wrongListCount(expected: "6", actual: 5))))
        fields = t4.payloadItemsForTest()
        fields[9] = RLP.encodeList([RLP.encodeList([RLP.encode(UInt256(1)), RLP.encode(bytes: Address(low: 9).bytes),
                                                    RLP.encode(UInt64(0)), RLP.encode(UInt64(256)), RLP.encode(UInt256(1)),
                                                    RLP.encode(UInt256(1))])])
        #expect(decoded([4] + RLP.encodeList(fields)) ==
            .failure(.invalidField(.authorizationYParity(0), .integerTooLarge(maxBytes: 1))))
    }

    /// Seeded random mutations of valid encodings: decoding never traps, a successful decode
    /// re-encodes to exactly the input (strictness), and validation/recovery of whatever
    /// decodes never traps either.
    @Test func malformedInputNeverTraps() {
        var rng = SeededRNG(seed: 0xbad_7c0de)
        var decodedCount = 0
        var rejectedCount = 0
        for iteration in 0..<4_000 {
            let type = TxType.allCases[iteration % TxType.allCases.count]
            var tx = randomTransaction(type, &rng)
            tx.sign(privateKey: randomPrivateKey(&rng), chainId: type == .legacy ? nil : 1)
            var bytes = tx.encoded()
            for _ in 0..<Int(1 + rng.next() % 3) {
                guard !bytes.isEmpty else { break }
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 6 {
                case 0: bytes[at] ^= UInt8(truncatingIfNeeded: 1 << (rng.next() % 8))
                case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                case 2: bytes.remove(at: at)
                case 3: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                case 4: bytes = Array(bytes[..<at])
                default: bytes[at] = [0x00, 0x7f, 0x80, 0xb7, 0xb8, 0xbf, 0xc0, 0xf7, 0xf8, 0xff][Int(rng.next() % 10)]
                }
            }
            switch decoded(bytes) {
            case .success(let back):
                decodedCount += 1
                #expect(back.encoded() == bytes, "iteration \(iteration): decode accepted a non-canonical encoding")
                for fork in [Hardfork.frontier, .berlin, .cancun, .prague, .osaka] {
                    _ = try? back.recover(fork: fork, chainId: 1)
                    _ = IntrinsicGas.compute(back, fork: fork)
                }
            case .failure(let error):
                rejectedCount += 1
                #expect(!error.description.isEmpty)
                #expect(error.fixtureName.hasPrefix("TransactionException."))
            }
        }
        // Pure noise too.
        for _ in 0..<2_000 {
            let bytes = randomBytes(Int(rng.next() % 64), &rng)
            if case .success(let back) = decoded(bytes) { #expect(back.encoded() == bytes) }
        }
        #expect(rejectedCount > 1_000)
        #expect(decodedCount > 0)
    }
}

// MARK: - Intrinsic gas

@Suite struct IntrinsicGasTests {
    private func gas(_ tx: Transaction, _ fork: Hardfork) -> UInt64 { IntrinsicGas.compute(tx, fork: fork).gas }

    @Test func perForkExamples() {
        let transfer = Transaction(gasLimit: 21_000, to: Address(low: 1))
        for fork in Hardfork.allCases { #expect(gas(transfer, fork) == 21_000) }

        let emptyCreate = Transaction(gasLimit: 100_000)
        #expect(gas(emptyCreate, .frontier) == 21_000)
        #expect(gas(emptyCreate, .homestead) == 53_000)
        #expect(gas(emptyCreate, .shanghai) == 53_000)

        let data = Transaction(gasLimit: 100_000, to: Address(low: 1), data: [0, 1])
        #expect(gas(data, .petersburg) == 21_000 + 4 + 68)
        #expect(gas(data, .istanbul) == 21_000 + 4 + 16)

        // EIP-3860: 33 bytes of init code = 2 words.
        let initCode = Transaction(gasLimit: 100_000, data: [UInt8](repeating: 0xff, count: 33))
        #expect(gas(initCode, .paris) == 53_000 + 33 * 16)
        #expect(gas(initCode, .shanghai) == 53_000 + 33 * 16 + 2 * 2)

        // EIP-2930: 2 addresses, 3 keys.
        let list = [AccessListEntry(address: Address(low: 1), storageKeys: [.zero, Bytes32(UInt256(1))]),
                    AccessListEntry(address: Address(low: 2), storageKeys: [.zero])]
        let withList = Transaction(type: .accessList, chainId: 1, gasLimit: 100_000, to: Address(low: 1), accessList: list)
        #expect(gas(withList, .berlin) == 21_000 + 2 * 2_400 + 3 * 1_900)
        #expect(gas(withList, .istanbul) == 21_000)

        // EIP-7702: 25000 per authorization.
        let auths = [Authorization(chainId: 1, address: Address(low: 5), nonce: 0),
                     Authorization(chainId: 0, address: Address(low: 6), nonce: 3)]
        let setCode = Transaction(type: .setCode, chainId: 1, gasLimit: 100_000, to: Address(low: 1), authorizationList: auths)
        #expect(gas(setCode, .prague) == 21_000 + 2 * 25_000)
    }

    @Test func calldataFloor() throws {
        let data = [UInt8](repeating: 0xab, count: 100) + [UInt8](repeating: 0, count: 10)
        var tx = Transaction(type: .dynamicFee, chainId: 1, maxFeePerGas: 1, gasLimit: 0, to: Address(low: 1), data: data)
        #expect(IntrinsicGas.calldataTokens(data) == 410)
        let cancun = IntrinsicGas.compute(tx, fork: .cancun)
        #expect(cancun.gas == 21_000 + 1_600 + 40)
        #expect(cancun.floor == 0)
        let prague = IntrinsicGas.compute(tx, fork: .prague)
        #expect(prague.gas == 21_000 + 1_600 + 40)
        #expect(prague.floor == 21_000 + 10 * 410)

        tx.gasLimit = prague.gas
        #expect(rejection { () throws(TransactionError) in try tx.validate(fork: .cancun, chainId: 1) } == nil)
        #expect(rejection { () throws(TransactionError) in try tx.validate(fork: .prague, chainId: 1) } == .floorDataGasTooLow)
        tx.gasLimit = prague.floor
        #expect(rejection { () throws(TransactionError) in try tx.validate(fork: .prague, chainId: 1) } == nil)
        tx.gasLimit = prague.gas - 1
        #expect(rejection { () throws(TransactionError) in try tx.validate(fork: .prague, chainId: 1) } == .intrinsicGasTooLow)
    }
}

// MARK: - Validation

@Suite struct TransactionValidationTests {
    private func check(_ tx: Transaction, _ fork: Hardfork, chainId: UInt256 = 1) -> TransactionError? {
        rejection { () throws(TransactionError) in try tx.validate(fork: fork, chainId: chainId) }
    }

    private func blobTx(blobs: Int, version: UInt8 = 1) -> Transaction {
        var hash = [UInt8](repeating: 0x22, count: 32)
        hash[0] = version
        return Transaction(type: .blob, chainId: 1, maxFeePerGas: 10, gasLimit: 21_000, to: Address(low: 1),
                           maxFeePerBlobGas: 1, blobVersionedHashes: Array(repeating: Bytes32(bytes: hash), count: blobs))
    }

    @Test func typeActivation() {
        let t1 = Transaction(type: .accessList, chainId: 1, gasLimit: 21_000, to: Address(low: 1))
        #expect(check(t1, .istanbul) == .typeNotSupported(.istanbul))
        #expect(check(t1, .berlin) == nil)
        let t2 = Transaction(type: .dynamicFee, chainId: 1, gasLimit: 21_000, to: Address(low: 1))
        #expect(check(t2, .berlin) == .typeNotSupported(.berlin))
        #expect(check(t2, .london) == nil)
        #expect(check(blobTx(blobs: 1), .shanghai) == .typeNotSupported(.shanghai))
        #expect(check(blobTx(blobs: 1), .cancun) == nil)
        let t4 = Transaction(type: .setCode, chainId: 1, gasLimit: 46_000, to: Address(low: 1),
                             authorizationList: [Authorization(chainId: 1, address: Address(low: 2), nonce: 0)])
        #expect(check(t4, .cancun) == .typeNotSupported(.cancun))
        #expect(check(t4, .prague) == nil)
        #expect(TransactionError.typeNotSupported(.cancun).matches(fixtureException: "TransactionException.TYPE_4_TX_PRE_FORK"))
    }

    @Test func blobRules() {
        #expect(check(blobTx(blobs: 0), .cancun) == .type3ZeroBlobs)
        #expect(check(blobTx(blobs: 6), .cancun) == nil)
        #expect(check(blobTx(blobs: 7), .cancun) == .type3TooManyBlobs)
        #expect(check(blobTx(blobs: 9), .prague) == nil)
        #expect(check(blobTx(blobs: 10), .prague) == .type3TooManyBlobs)
        #expect(check(blobTx(blobs: 7), .osaka) == .type3TooManyBlobs)
        #expect(check(blobTx(blobs: 6), .osaka) == nil)
        #expect(check(blobTx(blobs: 2, version: 0), .cancun) == .type3InvalidBlobVersionedHash)
        var create = blobTx(blobs: 1)
        create.to = nil
        #expect(check(create, .cancun) == .type3ContractCreation)
        #expect(blobTx(blobs: 3).blobGas == 3 * 131_072)
    }

    @Test func setCodeRules() {
        var tx = Transaction(type: .setCode, chainId: 1, gasLimit: 100_000, to: Address(low: 1))
        #expect(check(tx, .prague) == .type4EmptyAuthorizationList)
        tx.authorizationList = [Authorization(chainId: 0, address: Address(low: 2), nonce: 0)]
        tx.to = nil
        #expect(check(tx, .prague) == .type4ContractCreation)
    }

    @Test func feeNonceAndSizeRules() {
        var tx = Transaction(type: .dynamicFee, chainId: 1, maxPriorityFeePerGas: 3, maxFeePerGas: 2, gasLimit: 21_000,
                             to: Address(low: 1))
        #expect(check(tx, .london) == .priorityFeeGreaterThanMaxFee)
        tx.maxPriorityFeePerGas = 2
        #expect(check(tx, .london) == nil)
        #expect(check(tx, .london, chainId: 5) == .invalidChainId)
        tx.nonce = .max
        #expect(check(tx, .london) == .nonceMaxValue)
        #expect(TransactionError.nonceMaxValue.matches(fixtureException: "TransactionException.NONCE_IS_MAX"))

        let overflow = Transaction(gasPrice: UInt256.max, gasLimit: 21_000, to: Address(low: 1))
        #expect(check(overflow, .frontier) == .gasLimitPriceProductOverflow)

        var initCode = Transaction(gasLimit: 10_000_000, data: [UInt8](repeating: 0, count: Transaction.maxInitcodeSize + 1))
        #expect(check(initCode, .paris) == nil)
        #expect(check(initCode, .shanghai) == .initcodeSizeExceeded)
        initCode.data.removeLast()
        #expect(check(initCode, .shanghai) == nil)

        var big = Transaction(gasLimit: (1 << 24) + 1, to: Address(low: 1))
        #expect(check(big, .prague) == nil)
        #expect(check(big, .osaka) == .gasLimitExceedsMaximum)
        big.gasLimit = 1 << 24
        #expect(check(big, .osaka) == nil)
    }

    @Test func legacySignatureValueRules() throws {
        let key = try #require(Bytes32(hex: "0x4646464646464646464646464646464646464646464646464646464646464646"))
        var tx = Transaction(nonce: 1, gasPrice: 1, gasLimit: 21_000, to: Address(low: 1))
        tx.sign(privateKey: key, chainId: 1)
        // EIP-155 v before Spurious Dragon is a bad signature; after it the chain must match.
        #expect(rejection { () throws(TransactionError) in _ = try tx.recoverSender(fork: .tangerineWhistle) } == .invalidSignature)
        #expect(rejection { () throws(TransactionError) in _ = try tx.recover(fork: .spuriousDragon, chainId: 1) } == nil)
        #expect(rejection { () throws(TransactionError) in _ = try tx.recover(fork: .spuriousDragon, chainId: 2) } == .invalidChainId)
        var odd = tx
        odd.v = 30
        #expect(rejection { () throws(TransactionError) in _ = try odd.recoverSender(fork: .london) } == .invalidChainId)
        odd.v = 1
        #expect(rejection { () throws(TransactionError) in _ = try odd.recoverSender(fork: .london) } == .invalidSignature)

        // EIP-2: high s is valid in Frontier only, and recovers the same signer as low s.
        var plain = Transaction(nonce: 1, gasPrice: 1, gasLimit: 21_000, to: Address(low: 1))
        plain.sign(privateKey: key, chainId: nil)
        let signer = try plain.recoverSender()
        var high = plain
        high.s = Secp256k1.order &- plain.s
        high.v = plain.v == 27 ? 28 : 27
        #expect(try high.recoverSender(fork: .frontier) == signer)
        #expect(rejection { () throws(TransactionError) in _ = try high.recoverSender(fork: .homestead) } == .invalidSignature)
        var zeroR = plain
        zeroR.r = .zero
        #expect(rejection { () throws(TransactionError) in _ = try zeroR.recoverSender(fork: .frontier) } == .invalidSignature)
    }

    @Test func effectiveGasPrice() {
        let legacy = Transaction(gasPrice: 50, gasLimit: 21_000)
        #expect(legacy.effectiveGasPrice(baseFee: 10) == 50)
        #expect(legacy.maxFeePerGas == 50 && legacy.maxPriorityFeePerGas == 50)
        let tx = Transaction(type: .dynamicFee, chainId: 1, maxPriorityFeePerGas: 3, maxFeePerGas: 20, gasLimit: 21_000)
        #expect(tx.gasPrice == 20)
        #expect(tx.effectiveGasPrice(baseFee: 10) == 13)
        #expect(tx.effectivePriorityFee(baseFee: 10) == 3)
        #expect(tx.effectiveGasPrice(baseFee: 18) == 20)
        #expect(tx.effectivePriorityFee(baseFee: 18) == 2)
        let huge = Transaction(type: .dynamicFee, chainId: 1, maxPriorityFeePerGas: .max, maxFeePerGas: .max, gasLimit: 1)
        #expect(huge.effectiveGasPrice(baseFee: 7) == .max)
    }

    @Test func everyErrorHasAFixtureName() {
        let all: [TransactionError] = [
            .malformed(.empty), .typeNotSupported(.london), .invalidChainId, .invalidSignature, .signatureRecoveryFailed,
            .nonceMaxValue, .gasLimitPriceProductOverflow, .priorityFeeGreaterThanMaxFee, .initcodeSizeExceeded,
            .intrinsicGasTooLow, .floorDataGasTooLow, .gasLimitExceedsMaximum, .type3ContractCreation, .type3ZeroBlobs,
            .type3TooManyBlobs, .type3InvalidBlobVersionedHash, .type4ContractCreation, .type4EmptyAuthorizationList,
            .nonceTooLow, .nonceTooHigh, .insufficientAccountFunds, .senderNotEOA, .gasAllowanceExceeded,
            .blobGasAllowanceExceeded, .feeCapLessThanBaseFee, .insufficientMaxFeePerBlobGas,
        ]
        for e in all {
            #expect(e.fixtureName.hasPrefix("TransactionException."))
            #expect(e.matches(fixtureException: "TransactionException.SOMETHING_ELSE|" + e.fixtureName))
            #expect(!e.description.isEmpty)
        }
        #expect(TransactionError.feeCapLessThanBaseFee.fixtureName == "TransactionException.INSUFFICIENT_MAX_FEE_PER_GAS")
        #expect(TransactionError.intrinsicGasTooLow.matches(
            fixtureException: "TransactionException.INSUFFICIENT_ACCOUNT_FUNDS|TransactionException.INTRINSIC_GAS_TOO_LOW"))
        #expect(!TransactionError.senderNotEOA.matches(fixtureException: "TransactionException.INTRINSIC_GAS_TOO_LOW"))
    }
}

// MARK: - Authorizations

@Suite struct AuthorizationTests {
    @Test func signAndRecoverAuthority() throws {
        var rng = SeededRNG(seed: 0x7702)
        for _ in 0..<20 {
            let key = randomPrivateKey(&rng)
            var auth = Authorization(chainId: UInt256(rng.next() % 10), address: randomAddress(&rng), nonce: rng.next())
            let signed = auth.sign(privateKey: key)
            #expect(signed)
            let expected = try #require(Secp256k1.address(privateKey: key))
            #expect(auth.authority() == expected)

            var highS = auth
            highS.s = Secp256k1.order &- auth.s
            highS.yParity ^= 1
            #expect(highS.authority() == nil, "EIP-7702 rejects s > n/2")
            var badParity = auth
            badParity.yParity = 2
            #expect(badParity.authority() == nil)
            var otherNonce = auth
            otherNonce.nonce &+= 1
            #expect(otherNonce.authority() != expected)
        }
    }

    @Test func signingHashIsMagicPrefixed() throws {
        let auth = Authorization(chainId: 1, address: Address(low: 0xaa), nonce: 7)
        let body = RLP.encodeList([RLP.encode(UInt256(1)), RLP.encode(bytes: Address(low: 0xaa).bytes), RLP.encode(UInt64(7))])
        #expect(auth.signingHash() == Keccak256.hash([0x05] + body))
    }
}

// MARK: - Helpers

private func splitItems(_ payload: [UInt8]) -> [[UInt8]] {
    var out: [[UInt8]] = []
    var p = 0
    while p < payload.count {
        let prefix = payload[p]
        var header = 1
        var length = 0
        switch prefix {
        case 0x00...0x7f: length = 0; header = 1
        case 0x80...0xb7: length = Int(prefix - 0x80)
        case 0xc0...0xf7: length = Int(prefix - 0xc0)
        default:
            let ll = Int(prefix >= 0xf8 ? prefix - 0xf7 : prefix - 0xb7)
            for i in 0..<ll { length = (length << 8) | Int(payload[p + 1 + i]) }
            header = 1 + ll
        }
        let end = min(payload.count, p + header + length)
        out.append(Array(payload[p..<end]))
        p = end
    }
    return out
}

extension Transaction {
    /// The encoded RLP items of the signed transaction's list, for building malformed variants.
    fileprivate func payloadItemsForTest() -> [[UInt8]] {
        var bytes = encoded()
        if type != .legacy { bytes.removeFirst() }
        let headerLength = bytes[0] <= 0xf7 ? 1 : 1 + Int(bytes[0] - 0xf7)
        return splitItems(Array(bytes[headerLength...]))
    }
}
