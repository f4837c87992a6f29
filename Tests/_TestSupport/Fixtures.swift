import Foundation

/// Locates the shared test fixtures without hard-coding a machine path.
///
/// Lookup order for the ethereum/tests checkout:
/// 1. the `LOCKSTEP_ETHEREUM_TESTS` environment variable, when it names an existing directory;
/// 2. `../shared/ethereum-tests` relative to the package root (derived from this file's
///    `#filePath`, which is `<root>/Tests/_TestSupport/Fixtures.swift`).
///
/// Returns nil when neither exists, so suites can skip with a message instead of failing on a
/// machine without the fixtures.
public enum Fixtures {
    /// The package root: three levels above this source file.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()   // _TestSupport
            .deletingLastPathComponent()   // Tests
            .deletingLastPathComponent()   // package root
    }

    /// The ethereum/tests checkout, or nil when absent.
    public static var ethereumTests: URL? {
        if let env = ProcessInfo.processInfo.environment["LOCKSTEP_ETHEREUM_TESTS"], !env.isEmpty {
            let url = URL(fileURLWithPath: env)
            if isDirectory(url) { return url }
        }
        let sibling = packageRoot
            .deletingLastPathComponent()
            .appendingPathComponent("shared")
            .appendingPathComponent("ethereum-tests")
        return isDirectory(sibling) ? sibling.standardizedFileURL : nil
    }

    /// A subdirectory of the ethereum/tests checkout (e.g. `"RLPTests"`), or nil when absent.
    public static func ethereumTests(_ subdirectory: String) -> URL? {
        guard let root = ethereumTests else { return nil }
        let url = root.appendingPathComponent(subdirectory)
        return isDirectory(url) ? url : nil
    }

    /// Every `.json` file under `directory`, recursively, sorted by path so runs are stable.
    public static func jsonFiles(under directory: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            return []
        }
        var out: [URL] = []
        for case let url as URL in walker where url.pathExtension == "json" { out.append(url) }
        return out.sorted { $0.path < $1.path }
    }

    /// The message a suite prints (and uses as its skip comment) when fixtures are missing.
    public static let missingMessage =
        "ethereum/tests fixtures not found: set LOCKSTEP_ETHEREUM_TESTS or place them at ../shared/ethereum-tests"

    private static func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }
}
