import Foundation

/// Finds the shared `ethereum-tests` fixture tree: the directory named by the environment
/// variable `LOCKSTEP_ETHEREUM_TESTS`, else `../shared/ethereum-tests` relative to the current
/// directory (the layout of this project's work trees: `/work/<tree>` next to `/work/shared`).
public enum FixtureLocator {
    public static let environmentVariable = "LOCKSTEP_ETHEREUM_TESTS"

    /// The fixture root (the folder holding `GeneralStateTests/`), or nil when it does not exist.
    public static func ethereumTestsRoot(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> URL? {
        let candidate: URL
        if let fromEnv = environment[environmentVariable], !fromEnv.isEmpty {
            candidate = URL(fileURLWithPath: fromEnv, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true))
        } else {
            candidate = URL(fileURLWithPath: currentDirectory, isDirectory: true)
                .appendingPathComponent("..").appendingPathComponent("shared").appendingPathComponent("ethereum-tests")
        }
        let url = candidate.standardizedFileURL
        return isDirectory(url) ? url : nil
    }

    /// `<root>/GeneralStateTests`, or nil when absent.
    public static func generalStateTests(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> URL? {
        guard let root = ethereumTestsRoot(environment: environment, currentDirectory: currentDirectory) else { return nil }
        let url = root.appendingPathComponent("GeneralStateTests")
        return isDirectory(url) ? url : nil
    }

    static func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }
}
