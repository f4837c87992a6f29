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

    /// Every precompile is implemented: none answers `.unimplemented`, even for empty input.
    @Test func noPrecompileIsUnimplemented() {
        for p in Precompile.allCases {
            let result = Precompiles.run(p.address, input: [], gas: 100_000, fork: .osaka)
            if case .unimplemented = result { Issue.record("\(p.name) is unimplemented") }
        }
    }

    @Test func negativeGasCountsAsZero() {
        #expect(Precompiles.run(Address(low: 4), input: [], gas: -5, fork: .frontier) == .outOfGas)
    }
}
