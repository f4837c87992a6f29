import Foundation

/// Where the package and the shared fixture tree are, for tests.
public enum FixturePaths {
    /// The package root (the directory holding Package.swift), derived from this file's path.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()   // _TestSupport
            .deletingLastPathComponent()   // Tests
            .deletingLastPathComponent()
    }

    /// The `ethereum-tests` fixture root: `$LOCKSTEP_ETHEREUM_TESTS` if set, else
    /// `../shared/ethereum-tests` relative to the package root; nil when the directory is absent.
    public static var ethereumTests: URL? {
        let candidate: URL
        if let env = ProcessInfo.processInfo.environment["LOCKSTEP_ETHEREUM_TESTS"], !env.isEmpty {
            candidate = URL(fileURLWithPath: env, relativeTo: packageRoot)
        } else {
            candidate = packageRoot.appendingPathComponent("../shared/ethereum-tests")
        }
        let url = candidate.standardizedFileURL
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else { return nil }
        return url
    }

    /// `<ethereumTests>/GeneralStateTests`, or nil when absent.
    public static var generalStateTests: URL? {
        guard let root = ethereumTests else { return nil }
        let url = root.appendingPathComponent("GeneralStateTests")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Message for tests skipped because fixtures are missing.
    public static let missingMessage =
        "ethereum-tests fixtures not found: set LOCKSTEP_ETHEREUM_TESTS or place them at ../shared/ethereum-tests"
}
