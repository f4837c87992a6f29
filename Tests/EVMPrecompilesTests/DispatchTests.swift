import Testing
import EVMCore
@testable import EVMPrecompiles

@Suite struct DispatchTests {
    @Test func addressesPerFork() {
        func lows(_ fork: Hardfork) -> [UInt64] { Precompiles.addresses(for: fork).map { $0.word.w0 } }
        #expect(lows(.frontier) == [1, 2, 3, 4])
        #expect(lows(.spuriousDragon) == [1, 2, 3, 4])
        #expect(lows(.byzantium) == Array(1...8))
        #expect(lows(.petersburg) == Array(1...8))
        #expect(lows(.istanbul) == Array(1...9))
        #expect(lows(.shanghai) == Array(1...9))
        #expect(lows(.cancun) == Array(1...10))
        #expect(lows(.prague) == Array(1...17))
        #expect(lows(.osaka) == Array(1...17) + [0x100])
    }

    @Test func isPrecompileRejectsNeighbours() {
        #expect(!Precompiles.isPrecompile(.zero, fork: .osaka))
        #expect(!Precompiles.isPrecompile(Address(low: 0x12), fork: .osaka))
        #expect(!Precompiles.isPrecompile(Address(low: 0xff), fork: .osaka))
        #expect(!Precompiles.isPrecompile(Address(low: 0x101), fork: .osaka))
        #expect(!Precompiles.isPrecompile(Address(low: 0x100), fork: .prague))
        #expect(!Precompiles.isPrecompile(Address(truncating: UInt256(1) | UInt256(1).shiftedLeft(100)), fork: .osaka))
        #expect(Precompiles.isPrecompile(Address(low: 0x100), fork: .osaka))
        #expect(Precompiles.isPrecompile(Address(low: 0x0a), fork: .cancun))
        #expect(!Precompiles.isPrecompile(Address(low: 0x0a), fork: .shanghai))
    }

    @Test func unimplementedPrecompilesSaySo() {
        let pending: [(UInt64, String)] = [
            (0x10, "BLS12_MAP_FP_TO_G1"),
            (0x11, "BLS12_MAP_FP2_TO_G2"),
        ]
        for (low, name) in pending {
            #expect(Precompiles.run(Address(low: low), input: [], gas: 100_000, fork: .osaka) == .unimplemented(name: name))
        }
    }

    @Test func negativeGasCountsAsZero() {
        #expect(Precompiles.run(Address(low: 4), input: [], gas: -5, fork: .frontier) == .outOfGas)
    }
}
