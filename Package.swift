// swift-tools-version: 6.1
import PackageDescription

/// Lockstep: a reference EVM, a Block-STM parallel executor, a refining sequencer and the
/// verification layer that keeps them honest. Dependency direction is one-way, leaf first; the
/// README's "Layout" section draws the graph, and `Tests/ArchitectureTests` fails when this file,
/// the sources' `import` lines and that section disagree.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]
// Release: cross-module optimisation, and no run-time exclusivity checks (swift_beginAccess on
// every class-property access was ~12% of the instructions of a storage loop; debug builds keep
// the checks, so the test suite still catches overlapping accesses).
let optimized: [SwiftSetting] = strict + [.unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"],
                                                        .when(configuration: .release))]

let package = Package(
    name: "Lockstep",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lockstep", targets: ["lockstep"]),
        .library(name: "EVMExecution", targets: ["EVMExecution"]),
        .library(name: "EVMChain", targets: ["EVMChain"]),
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

        // MARK: Libraries, leaf first (README "Layout" draws these arrows; ArchitectureTests
        // checks that every target declares exactly what its sources import)
        .target(name: "EVMCore", swiftSettings: optimized),
        .target(name: "EVMState", dependencies: ["EVMCore"], swiftSettings: optimized),
        .target(name: "EVMPrecompiles",
                dependencies: ["EVMCore", "CSecp256k1", .product(name: "BigInt", package: "BigInt"),
                               .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: optimized),
        .target(name: "EVMInterpreter", dependencies: ["EVMCore", "EVMState", "EVMPrecompiles"], swiftSettings: optimized),
        .target(name: "EVMExecution", dependencies: ["EVMCore", "EVMInterpreter", "EVMPrecompiles", "EVMState"], swiftSettings: optimized),
        .target(name: "ParallelExecutor", dependencies: ["EVMCore", "EVMExecution", "EVMInterpreter", "EVMPrecompiles", "EVMState"], swiftSettings: optimized),
        // Blocks: header/body RLP, header rules, the block-level system operations, `BlockImporter`/`Chain`.
        .target(name: "EVMChain", dependencies: ["EVMCore", "EVMExecution", "EVMInterpreter", "EVMPrecompiles", "EVMState"], swiftSettings: optimized),
        .target(name: "EthereumTests", dependencies: ["EVMChain", "EVMCore", "EVMExecution", "EVMInterpreter", "EVMPrecompiles", "EVMState"], swiftSettings: optimized),
        // The transition-tool protocol (geth's `evm t8n` files) and the block transition behind it.
        .target(name: "T8n", dependencies: ["EVMChain", "EVMCore", "EVMExecution", "EVMInterpreter", "EVMPrecompiles", "EVMState", "EthereumTests"],
                swiftSettings: optimized),
        .target(name: "SMT", dependencies: ["CZ3", "EVMCore"], swiftSettings: strict),
        .target(name: "OpcodeProofs", dependencies: ["EVMCore", "SMT"], swiftSettings: strict),
        // The sequencer and its verifier (`BatchVerification`) share only the data types in
        // SequencerModel; nothing in the verification layer depends on Sequencer.
        .target(name: "SequencerModel", dependencies: ["EVMCore", "EVMExecution", "EVMInterpreter", "EVMState"], swiftSettings: strict),
        .target(name: "Sequencer", dependencies: ["EVMCore", "EVMExecution", "EVMInterpreter", "EVMState", "SequencerModel"], swiftSettings: strict),

        // MARK: Verification layer, one target per concern (one-way arrows, see README "Layout")
        .target(name: "EVMAssembly", dependencies: ["EVMCore"], swiftSettings: optimized),
        .target(name: "DeFiContracts", dependencies: ["EVMAssembly", "EVMCore", "EVMExecution", "EVMInterpreter", "EVMState"], swiftSettings: optimized),
        .target(name: "Generators",
                dependencies: ["DeFiContracts", "EVMAssembly", "EVMCore", "EVMExecution", "EVMInterpreter", "EVMState", "SequencerModel"],
                swiftSettings: optimized),
        // Every deliberately faulty variant, in one catalogue (`PlantedFault`); production
        // targets only expose `FaultPoint`s and take an optional `FaultHook` (EVMCore).
        .target(name: "PlantedFaults",
                dependencies: ["DeFiContracts", "EVMAssembly", "EVMCore", "EVMExecution", "EVMState", "Generators", "ParallelExecutor", "SMT", "SequencerModel"],
                swiftSettings: optimized),
        .target(name: "PropertyKit",
                dependencies: ["DeFiContracts", "EVMAssembly", "EVMCore", "EVMExecution", "EVMInterpreter", "EVMState", "Generators", "ParallelExecutor",
                               "PlantedFaults"],
                swiftSettings: optimized),
        .target(name: "Proofs",
                dependencies: ["DeFiContracts", "EVMAssembly", "EVMCore", "EVMExecution", "EVMInterpreter", "EVMState", "Generators",
                               "ParallelExecutor", "PlantedFaults", "PropertyKit", "SMT"],
                swiftSettings: optimized),
        .target(name: "BatchVerification",
                dependencies: ["EVMCore", "EVMExecution", "EVMInterpreter", "EVMState", "ParallelExecutor", "SMT", "SequencerModel"],
                swiftSettings: optimized),
        .target(name: "Counterexamples",
                dependencies: ["BatchVerification", "EVMAssembly", "EVMCore", "EVMExecution", "EVMInterpreter", "EVMState", "Generators",
                               "ParallelExecutor", "PlantedFaults", "PropertyKit", "SMT", "SequencerModel"],
                swiftSettings: optimized),
        .target(name: "Benchmarks",
                dependencies: ["DeFiContracts", "EVMAssembly", "EVMCore", "EVMExecution", "EVMInterpreter", "EVMState", "Generators", "ParallelExecutor"],
                swiftSettings: optimized),
        // External executors over the t8n protocol and the differential comparison against the reference.
        .target(name: "Oracles",
                dependencies: ["EVMChain", "EVMCore", "EVMExecution", "EVMInterpreter", "EVMPrecompiles", "EVMState", "EthereumTests", "Generators", "T8n"],
                swiftSettings: strict),

        // `lockstep fuzz`: generated cases batched into blocks, compared with the execution spec.
        .target(name: "Differential",
                dependencies: ["EVMCore", "EVMExecution", "EVMPrecompiles", "EVMState", "EthereumTests", "Generators", "Oracles",
                               "ParallelExecutor", "T8n"],
                swiftSettings: strict),

        .executableTarget(name: "lockstep",
                          dependencies: ["BatchVerification", "Benchmarks", "Counterexamples", "DeFiContracts", "Differential", "EVMChain", "EVMCore", "EVMExecution",
                                         "EVMInterpreter", "EVMPrecompiles", "EthereumTests", "Generators", "OpcodeProofs", "Oracles", "ParallelExecutor", "PlantedFaults", "Proofs",
                                         "PropertyKit", "SMT", "Sequencer", "SequencerModel", "T8n",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: optimized),

        // MARK: Tests
        .target(name: "_TestSupport", dependencies: ["EVMCore"], path: "Tests/_TestSupport", swiftSettings: strict),
        .testTarget(name: "EVMCoreTests",
                    dependencies: ["EVMCore", "_TestSupport", .product(name: "BigInt", package: "BigInt")],
                    swiftSettings: strict),
        .testTarget(name: "EVMStateTests", dependencies: ["EVMCore", "EVMState", "_TestSupport"], swiftSettings: strict),
        .testTarget(name: "EVMPrecompilesTests", dependencies: ["EVMCore", "EVMPrecompiles", "_TestSupport"], swiftSettings: strict),
        .testTarget(name: "EVMInterpreterTests", dependencies: ["EVMAssembly", "EVMCore", "EVMInterpreter", "_TestSupport"], swiftSettings: strict),
        .testTarget(name: "EVMExecutionTests", dependencies: ["EVMCore", "EVMExecution", "EVMPrecompiles", "_TestSupport"], swiftSettings: strict),
        .testTarget(name: "EthereumTestsTests",
                    dependencies: ["EVMChain", "EVMCore", "EVMExecution", "EVMState", "EthereumTests", "ParallelExecutor", "PlantedFaults", "_TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "ParallelExecutorTests",
                    dependencies: ["Benchmarks", "EVMCore", "EVMExecution", "EVMInterpreter", "EVMState", "Generators",
                                   "ParallelExecutor", "PlantedFaults", "Proofs", "PropertyKit", "SMT"],
                    swiftSettings: strict),
        .testTarget(name: "ArchitectureTests", swiftSettings: strict),
        .testTarget(name: "SMTTests", dependencies: ["EVMCore", "OpcodeProofs", "PlantedFaults", "SMT", "_TestSupport"], swiftSettings: strict),
        .testTarget(name: "Properties",
                    dependencies: ["Counterexamples", "DeFiContracts", "EVMAssembly", "EVMCore", "EVMExecution", "EVMState",
                                   "Generators", "ParallelExecutor", "PlantedFaults", "Proofs", "PropertyKit", "SMT", "_TestSupport",
                                   .product(name: "BigInt", package: "BigInt"),
                                   .product(name: "PropertyBased", package: "swift-property-based")],
                    path: "Properties", swiftSettings: strict),
        .testTarget(name: "T8nTests",
                    dependencies: ["Differential", "EVMCore", "EVMExecution", "EVMState", "EthereumTests", "Oracles", "ParallelExecutor", "T8n", "_TestSupport"],
                    swiftSettings: strict),
        // Issue 16: bad, truncated, duplicate-key and extreme-number inputs of every loader and
        // verb (in process and through the built CLI), and a seeded malformed-input fuzz.
        .testTarget(name: "ReliabilityTests",
                    dependencies: ["BatchVerification", "Counterexamples", "EVMCore", "EVMExecution", "EVMInterpreter", "EVMState", "EthereumTests", "Generators",
                                   "ParallelExecutor", "PlantedFaults", "PropertyKit", "Sequencer", "SequencerModel", "_TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "SequencerTests",
                    dependencies: ["BatchVerification", "Counterexamples", "DeFiContracts", "EVMCore", "EVMExecution", "EVMState",
                                   "Generators", "ParallelExecutor", "PlantedFaults", "Sequencer", "SequencerModel", "_TestSupport"],
                    swiftSettings: strict),
    ]
)
