/// Ethereum mainnet hard forks, ordered. `fork >= .berlin` reads as "Berlin rules or later".
public enum Hardfork: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    case frontier
    case homestead
    case tangerineWhistle   // EIP-150
    case spuriousDragon     // EIP-155/158/161/170
    case byzantium
    case constantinople
    case petersburg         // "ConstantinopleFix" in fixtures
    case istanbul
    case muirGlacier
    case berlin
    case london
    case arrowGlacier
    case grayGlacier
    case paris              // The Merge
    case shanghai
    case cancun
    case prague
    case osaka

    public static func < (a: Hardfork, b: Hardfork) -> Bool { a.rawValue < b.rawValue }

    /// The newest fork Lockstep implements.
    public static let latest: Hardfork = .osaka

    /// The name used in Ethereum test fixtures (`post` keys, `result` keys).
    public var fixtureName: String {
        switch self {
        case .frontier: return "Frontier"
        case .homestead: return "Homestead"
        case .tangerineWhistle: return "EIP150"
        case .spuriousDragon: return "EIP158"
        case .byzantium: return "Byzantium"
        case .constantinople: return "Constantinople"
        case .petersburg: return "ConstantinopleFix"
        case .istanbul: return "Istanbul"
        case .muirGlacier: return "MuirGlacier"
        case .berlin: return "Berlin"
        case .london: return "London"
        case .arrowGlacier: return "ArrowGlacier"
        case .grayGlacier: return "GrayGlacier"
        case .paris: return "Paris"
        case .shanghai: return "Shanghai"
        case .cancun: return "Cancun"
        case .prague: return "Prague"
        case .osaka: return "Osaka"
        }
    }

    public var description: String { fixtureName }

    /// Parses a fixture fork name; accepts aliases ("Merge" for Paris, "Petersburg" for
    /// ConstantinopleFix, "TangerineWhistle", "SpuriousDragon"), case-insensitively.
    public init?(fixtureName name: String) {
        let n = name.lowercased()
        let aliases: [String: Hardfork] = [
            "merge": .paris, "petersburg": .petersburg, "tangerinewhistle": .tangerineWhistle,
            "spuriousdragon": .spuriousDragon,
        ]
        if let f = aliases[n] { self = f; return }
        guard let f = Hardfork.allCases.first(where: { $0.fixtureName.lowercased() == n }) else { return nil }
        self = f
    }
}
