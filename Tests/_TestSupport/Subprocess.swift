import Foundation

/// Runs `executable` with `arguments` to completion and returns its exit status and standard
/// output (standard error is discarded). `environment`: nil inherits this process's.
public func runSubprocess(_ executable: URL, _ arguments: [String],
                          environment: [String: String]? = nil) throws -> (status: Int32, output: Data) {
    let p = Process()
    p.executableURL = executable
    p.arguments = arguments
    if let environment { p.environment = environment }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, data)
}
