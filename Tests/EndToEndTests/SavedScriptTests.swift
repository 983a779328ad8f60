import AdmAPI
import AdmTestSupport
import Foundation
import Testing

/// Issue "Round trips": a saved script says how to run it, with the options it needs.
@Suite("Saved scripts run as their header says")
struct SavedScriptTests {
    @Test("save in an adm --sandbox session writes `adm --sandbox run FILE`, and that line runs the script")
    func sandboxHeader() async throws {
        let dir = temporaryDirectory()
        let file = dir + "/s.adm"
        let saved = try await Adm.run(["--sandbox", "-e", "projects --quiet; expect status 200; save \(file)"])
        #expect(saved.status == 0, "\(saved.all)")
        let header = try #require(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").first)
        #expect(header.hasSuffix("run it with: adm --sandbox run \(file)"), "\(header)")
        let words = header.split(separator: "run it with: ")[1].split(separator: " ").dropFirst().map(String.init)
        let ran = try await Adm.run(words)
        #expect(ran.status == 0, "\(ran.all)")
    }
}
