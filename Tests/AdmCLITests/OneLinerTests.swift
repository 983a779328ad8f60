import ArgumentParser
import Testing

@testable import adm

/// The one-liner fast path must read options exactly as swift-argument-parser does, and hand
/// everything else to it.
@Suite("One-liner options: the fast path agrees with swift-argument-parser")
struct OneLinerTests {
    /// The parser's reading: the root command's options and statements.
    func parsed(_ arguments: [String]) throws -> (LaunchOptions, [String]) {
        let command = try Adm.parseAsRoot(arguments)
        let adm = try #require(command as? Adm)
        return (adm.options.launchOptions, adm.execute)
    }

    @Test(
        "the same options and statements as the parser",
        arguments: [
            ["-e", "projects"],
            ["--sandbox", "-e", "projects; users"],
            ["--execute", "x", "--sandbox"],
            ["--execute=x=y", "--key", "owner"],
            ["--base-url", "http://127.0.0.1:9/v1", "--keys-file=/tmp/k", "--key", "reader", "-e", "keys"],
            ["--timeout", "2.5", "--retries", "0", "--concurrency=3", "-v", "-e", "projects"],
            ["--verbose", "--no-color", "--allow-literal-key", "-e", "x"],
            ["--known-issue", "stale-permissions", "--known-issue=other", "--sandbox", "-e", "x"],
            ["--faults", "latency=20,error-rate=0.1", "--db", "/tmp/x.db", "--sandbox", "-e", "x"],
            ["--profile", "work", "--project", "proj_1", "--cacert", "/tmp/ca.pem", "-e", "x"],
            ["--record", "/tmp/c.json", "-e", "x", "--key", "a", "--key", "b"],
            ["--replay", "/tmp/c.json", "-e", "x"],
            ["-e", "print \"a b\"; exit 3"],
            ["-e", "a", "-e", "b", "--sandbox", "--execute=c"],
        ]
    )
    func agrees(_ arguments: [String]) throws {
        let (expected, statements) = try parsed(arguments)
        let fast = try #require(OneLiner.parse(arguments), "fast path declined \(arguments)")
        #expect(fast.1 == statements)
        #expect(fast.0 == expected)
    }

    @Test(
        "declines what is not a plain one-liner, so the parser handles (and reports) it",
        arguments: [
            [], ["--sandbox"], ["run", "a.adm"], ["sandbox", "--port", "0"], ["--help"], ["-h"], ["--version"],
            ["-e"], ["--timeout", "soon", "-e", "x"], ["--retries", "-1", "-e", "x"],
            ["--key", "-e", "x"], ["--sandbox=yes", "-e", "x"], ["--no-such", "-e", "x"], ["-ve", "x"],
            ["-e=x"], ["--base-url=", "-e", "x"], ["extra", "-e", "x"], ["--generate-completion-script", "bash"], ["--experimental-dump-help"],
        ]
    )
    func declines(_ arguments: [String]) {
        #expect(OneLiner.parse(arguments) == nil)
    }

    @Test("knows every option GlobalOptions declares")
    func knowsEveryOption() throws {
        let help = GlobalOptions.helpMessage(columns: 400)
        let declared = Set(help.matches(of: /(?:^|[\s,])(--?[a-z][a-z-]*)/).map { String($0.output.1) })
        #expect(!declared.isEmpty)
        #expect(declared.subtracting(["-h", "--help"]) == OneLiner.names)
    }

    @Test("each option, given alone, changes its field the same way on both paths", arguments: OneLiner.names.sorted())
    func eachOptionIsCarried(_ name: String) throws {
        let flags = OneLiner.flags
        let numeric: Set = ["--timeout", "--retries", "--concurrency"]
        let arguments = flags.contains(name) ? [name, "-e", "x"] : [name, numeric.contains(name) ? "7" : "some-value", "-e", "x"]
        let (expected, _) = try parsed(arguments)
        #expect(expected != LaunchOptions(), "GlobalOptions.launchOptions drops \(name)")
        #expect(OneLiner.parse(arguments)?.0 == expected)
    }

    @Test("the --version fast path prints what swift-argument-parser prints")
    func versionAgrees() {
        do {
            _ = try Adm.parseAsRoot(["--version"])
            Issue.record("--version did not exit")
        } catch {
            // The version, and the commit when a release build has one baked in.
            #expect(Adm.fullMessage(for: error) == AdmVersion.full)
            #expect(AdmVersion.full.hasPrefix(AdmVersion.string))
        }
    }
}
