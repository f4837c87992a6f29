// swift-tools-version: 6.1
import PackageDescription

/// Lockstep: a reference EVM, a Block-STM parallel executor, a refining sequencer and the
/// verification layer that keeps them honest. Dependency direction is one-way, leaf first:
/// EVMCore → EVMState → EVMPrecompiles → EVMInterpreter → EVMExecution → EthereumTests → lockstep.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]
let optimized: [SwiftSetting] = strict + [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
    name: "Lockstep",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lockstep", targets: ["lockstep"]),
        .library(name: "EVMExecution", targets: ["EVMExecution"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        // Test targets only (generators with shrinking inside Swift Testing).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // MARK: C libraries (Debian -dev packages; scripts/setup.sh installs them)
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CZ3", pkgConfig: "z3", providers: [.apt(["libz3-dev"])]),

        // MARK: Libraries, leaf first
        .target(name: "EVMCore", swiftSettings: optimized),
        .target(name: "EVMState", dependencies: ["EVMCore"], swiftSettings: optimized),
        .target(name: "EVMPrecompiles",
                dependencies: ["EVMCore", "CSecp256k1", .product(name: "BigInt", package: "BigInt"),
                               .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: optimized),
        .target(name: "EVMInterpreter", dependencies: ["EVMCore", "EVMState", "EVMPrecompiles"], swiftSettings: optimized),
        .target(name: "EVMExecution", dependencies: ["EVMInterpreter", "EVMPrecompiles", "EVMState"], swiftSettings: optimized),
        .target(name: "ParallelExecutor", dependencies: ["EVMExecution", "EVMInterpreter", "EVMPrecompiles", "EVMState"], swiftSettings: optimized),
        .target(name: "EthereumTests", dependencies: ["EVMExecution", "ParallelExecutor"], swiftSettings: optimized),
        .target(name: "Verification", dependencies: ["EVMExecution", "ParallelExecutor", "EthereumTests", "SMT", "SequencerModel"], swiftSettings: optimized),
        // The transition-tool protocol (geth's `evm t8n` files) and the block transition behind it.
        .target(name: "T8n", dependencies: ["EVMExecution", "EVMInterpreter", "EVMState", "EVMPrecompiles", "EthereumTests"],
                swiftSettings: optimized),
        // External executors over the t8n protocol and the differential comparison against the reference.
        .target(name: "Oracles", dependencies: ["T8n", "EVMExecution", "EVMInterpreter", "EVMState", "EVMPrecompiles", "EthereumTests", "Verification"], swiftSettings: strict),
        .target(name: "SMT", dependencies: ["CZ3", "EVMCore"], swiftSettings: strict),
        // The sequencer and its verifier (`BatchVerifier`, in Verification) share only the data
        // types in SequencerModel; Verification never depends on Sequencer.
        .target(name: "SequencerModel", dependencies: ["EVMExecution", "EVMState"], swiftSettings: strict),
        .target(name: "Sequencer", dependencies: ["SequencerModel", "EVMExecution", "EVMState"], swiftSettings: strict),
        .executableTarget(name: "lockstep",
                          dependencies: ["EthereumTests", "SMT", "Verification", "Sequencer", "T8n", "Oracles",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: optimized),

        // MARK: Tests
        .target(name: "_TestSupport", dependencies: ["EVMCore"], path: "Tests/_TestSupport", swiftSettings: strict),
        .testTarget(name: "EVMCoreTests",
                    dependencies: ["EVMCore", "_TestSupport", .product(name: "BigInt", package: "BigInt")],
                    swiftSettings: strict),
        .testTarget(name: "EVMStateTests", dependencies: ["EVMState", "_TestSupport"], swiftSettings: strict),
        .testTarget(name: "EVMPrecompilesTests", dependencies: ["EVMPrecompiles", "_TestSupport"], swiftSettings: strict),
        .testTarget(name: "EVMInterpreterTests", dependencies: ["EVMInterpreter", "_TestSupport"], swiftSettings: strict),
        .testTarget(name: "EVMExecutionTests", dependencies: ["EVMExecution", "_TestSupport"], swiftSettings: strict),
        .testTarget(name: "EthereumTestsTests", dependencies: ["EthereumTests", "_TestSupport"], swiftSettings: strict),
        .testTarget(name: "ParallelExecutorTests", dependencies: ["ParallelExecutor", "Verification", "_TestSupport"], swiftSettings: strict),
        .testTarget(name: "SMTTests", dependencies: ["SMT", "_TestSupport"], swiftSettings: strict),
        .testTarget(name: "Properties",
                    dependencies: ["Verification", "_TestSupport", .product(name: "BigInt", package: "BigInt"),
                                   .product(name: "PropertyBased", package: "swift-property-based")],
                    path: "Properties", swiftSettings: strict),
        .testTarget(name: "T8nTests", dependencies: ["T8n", "Oracles", "ParallelExecutor", "_TestSupport"], swiftSettings: strict),
        .testTarget(name: "SequencerTests", dependencies: ["Sequencer", "Verification", "ParallelExecutor", "_TestSupport"],
                    swiftSettings: strict),
    ]
)
