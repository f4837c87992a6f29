import Foundation
import Testing
import BatchVerification

/// The rule catalogue is the one list of the sequencer's rules: ids R1…R19 in order, each with
/// text, and every rule the verifier can report is in it.
@Suite struct RuleCatalogueTests {
    @Test func catalogueIsR1ToR19InOrderWithText() {
        #expect(SequencerRule.catalogue.map(\.id) == (1...19).map { "R\($0)" })
        #expect(SequencerRule.catalogue.allSatisfy { $0.text.count > 10 })
        #expect(BatchVerifier.rules == (1...18).map { "R\($0)" })
        #expect(SequencerRule.named("R20") == nil)
    }

    /// Every `fail("Rn", …)` in the verifier's sources names a catalogued rule, so no verdict can
    /// carry a rule without text.
    @Test func everyRuleTheVerifierReportsIsCatalogued() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/BatchVerification")
        let files = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil).filter { $0.pathExtension == "swift" }
        var used: Set<String> = []
        for f in files {
            let text = try String(contentsOf: f, encoding: .utf8)
            for m in text.matches(of: /fail\("(R\d+)"/) { used.insert(String(m.1)) }
        }
        #expect(used.count >= 10, "found only \(used.sorted()) in \(dir.path)")
        let known = Set(SequencerRule.catalogue.map(\.id))
        #expect(used.subtracting(known).isEmpty, "uncatalogued rules \(used.subtracting(known).sorted())")
    }
}
