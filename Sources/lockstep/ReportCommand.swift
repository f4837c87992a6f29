import ArgumentParser
import Foundation
import Counterexamples
import EVMExecution
import Oracles

/// `lockstep report FILE [--out page.html]`
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML page for one counterexample.",
        discussion: """
            The page shows the input, the expected and actual results side by side with the difference \
            highlighted, the result of replaying it now and, for parallel properties, a timeline of the schedule. \
            Exits 2 when the file cannot be read or the page cannot be written.
            """)

    @Argument(help: ArgumentHelp("A counterexample JSON file.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Output page (default: FILE with .html).", valueName: "page.html"))
    var out: String?

    func run() throws {
        if let data = FileManager.default.contents(atPath: file), ExternalCounterexample.isExternal(data) {
            FileHandle.standardError.write(Data("lockstep report: error: \(file) is an external-executor counterexample; `lockstep replay \(file)` prints it and re-runs the tool\n".utf8))
            throw ExitCode(2)
        }
        let page: String
        do {
            let cx = try CounterexampleFile.load(path: file)
            let input = try cx.blockInput()
            let replayed: ResultDifference?
            switch try cx.replay() {
            case .reproduced(let v, _): replayed = v.difference
            case .fixed: replayed = nil
            }
            page = CounterexampleRendering.html(cx, input: input, trace: try cx.scheduleTrace(), replayed: replayed)
        } catch {
            FileHandle.standardError.write(Data("lockstep report: error: \(file): \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        let target = out ?? (file.hasSuffix(".json") ? String(file.dropLast(5)) + ".html" : file + ".html")
        do { try page.write(toFile: target, atomically: true, encoding: .utf8) } catch {
            FileHandle.standardError.write(Data("lockstep report: error: cannot write \(target): \(error.localizedDescription)\n".utf8))
            throw ExitCode(2)
        }
        print(target)
    }
}
