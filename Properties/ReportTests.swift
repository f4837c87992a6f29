import Foundation
import Testing
import _TestSupport
import EVMCore
import ParallelExecutor
import Counterexamples
import Generators
import PropertyKit
import PlantedFaults

/// The auditor's page for a parallel counterexample from a faulty executor: it shows the first
/// difference highlighted, both sides, the schedule timeline and the disassembled input; when a
/// chromium is installed it is rendered headless and the rendered DOM must show the difference.
@Suite struct ReportTests {
    static func page() throws -> (CounterexampleFile, String) {
        let p = ParallelMatchesSerialProperty(generator: BlockGenerator(minTransactions: 10, maxTransactions: 30, conflictRate: 0.8),
                                              variant: .parallelFaults([.skipValidation]))
        let f = try #require(PropertyRunner.run(p, cases: 20, seed: 0xfa17).failure)
        let file = try CounterexampleFile.decode(CounterexampleFile(failure: f, toolVersion: "test").encoded())
        let html = CounterexampleRendering.html(file, input: try file.blockInput(), trace: try file.scheduleTrace(),
                                                replayed: f.violation.difference)
        return (file, html)
    }

    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    @Test func pageShowsDifferenceScheduleAndInput() throws {
        let (file, html) = try Self.page()
        #expect(html.contains("<tr class=\"diff\"><td>\(Self.escaped(file.firstDifference.field))</td>"))
        #expect(html.contains(Self.escaped(file.firstDifference.expected)))
        #expect(html.contains("<svg id=\"schedule\""))
        #expect(html.contains("<rect"))
        #expect(CounterexampleRendering.text(try file.blockInput()).contains { $0.contains("code:") } == html.contains("code:"))
        // The input: every transaction decoded, the pre-state listed (code would be disassembled).
        for i in file.input.transactions.indices { #expect(html.contains("T\(i) ")) }
        #expect(html.contains("Pre-state ("))
        #expect(!html.contains("http://") || html.contains("xmlns=\"http://www.w3.org/2000/svg\""))  // no external resources
        #expect(html.hasSuffix("</html>\n"))
    }

    static let browser: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: browser != nil, "no chromium installed"))
    func pageRendersInHeadlessChromium() throws {
        let (file, html) = try Self.page()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("page.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        func chromium(_ args: [String]) throws -> Data {
            let browser = URL(fileURLWithPath: try #require(Self.browser))
            return try runSubprocess(browser, ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(dir.path)/profile"]
                                     + args + [page.absoluteString]).output
        }
        let shot = dir.appendingPathComponent("page.png")
        _ = try chromium(["--screenshot=\(shot.path)", "--window-size=1200,1600"])
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4e, 0x47]))
        let dom = String(decoding: try chromium(["--dump-dom"]), as: UTF8.self)
        #expect(dom.contains(Self.escaped(file.firstDifference.field)))
        #expect(dom.contains("id=\"schedule\""))
    }
}
