import AdmAPI
import AdmTestSupport
import Testing

@testable import AdmShell

@Suite("Reproductions, exports and saved scripts")
struct ReproTests {
    @Test("repro carries the context and no secret; run again, it makes the same request")
    func roundTrip() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            _ = try? await shell.run("use key mgmt-read; create-sa name=\"repro bot\"")
            let before = shell.session.calls.last!
            try await shell.run("repro")
            let text = out.standard
            #expect(text.contains("→ 401 invalid_request_error: You have insufficient permissions"))
            #expect(text.contains("request req_"))
            #expect(text.contains("org \(s.server.organizationID)"))
            #expect(text.contains("project \(s.defaultProject)"))
            #expect(text.contains("key mgmt-read (sk-admin-…"))
            #expect(text.contains("# adm 0.1.0 reproduction · "))
            #expect(!Redaction.leaks(text, secrets: shell.session.secrets))
            #expect(Redaction.keyShaped(in: text).isEmpty)
            let line = try #require(text.split(separator: "\n").last(where: { $0.hasPrefix("adm --sandbox -e ") }))
            // Run the -e text in a fresh session: same request, same answer.
            var e = String(line.dropFirst("adm --sandbox -e ".count))
            e = String(e.dropFirst().dropLast()).replacing("'\\''", with: "'")
            let again = s.shell()
            _ = try? await again.run(e)
            let after = again.session.calls.last!
            #expect(after.call.method == before.call.method)
            #expect(after.call.pathAndQuery == before.call.pathAndQuery)
            #expect(after.call.body == before.call.body)
            #expect(after.keyName == "mgmt-read")
            #expect(after.status == 401)
        }
    }

    @Test("curl, HTTPie and .http exports read the key from the environment")
    func exports() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("project create \"Exported\"; repro --curl; export httpie; export http")
            #expect(
                out.standard.contains(
                    "curl -sS -X POST \(s.server.baseURL)/organization/projects -H \"Authorization: Bearer $OPENAI_ADMIN_KEY\" -H 'Content-Type: application/json' -d '{\"name\":\"Exported\"}'"
                )
            )
            #expect(out.standard.contains("http --check-status POST"))
            #expect(out.standard.contains("Authorization: Bearer {{$processEnv OPENAI_ADMIN_KEY}}"))
            #expect(!Redaction.leaks(out.standard, secrets: shell.session.secrets))
        }
    }

    @Test("save writes the session's statements to a 0600 script that runs")
    func save() async throws {
        try await withSandbox { s in
            let dir = temporaryDirectory()
            let shell = s.shell()
            try await shell.run("use key mgmt-write; let sa = create-sa name=saved; sa show $sa.id; save \(dir)/s.adm")
            #expect(FileMode.mode(dir + "/s.adm") == 0o600)
            let text = try FileMode.read(dir + "/s.adm")
            #expect(text.contains("let sa = create-sa name=saved\nsa show $sa.id\n"))
            let outcome = await ScriptRunner.run(s.shell(), text: text, file: "s.adm")
            #expect(outcome.exitStatus == 0)
        }
    }

    @Test("anything shaped like a key stops a reproduction")
    func refusal() async throws {
        try await withSandbox { s in
            let shell = s.shell()
            let fake = "sk-admin-" + String(repeating: "x", count: 40)
            try await shell.run("project create \(fake)")
            do throws(ShellError) {
                try await shell.run("repro")
                Issue.record("repro printed a key-shaped text")
            } catch {
                #expect(
                    error.description
                        == "refused: the text holds something shaped like a key (an API key (sk-…) at character 99); nothing was printed or written"
                        || error.description.hasPrefix("refused: the text holds something shaped like a key")
                )
            }
        }
    }

    @Test("a cassette replays a session with no network, knows which key made each request, and refuses what it does not hold")
    func cassette() async throws {
        let dir = temporaryDirectory()
        let (recordedBody, owner): (String, Secret) = try await withSandbox { s in
            let recorder = try RecordingTransport(inner: s.transport, path: dir + "/c.jsonl")
            var config = ShellConfiguration(baseURL: s.server.baseURL, transport: recorder)
            config.retry = .none
            let shell = Interpreter(configuration: config, output: CapturedOutput())
            shell.session.addKey(SessionKey(name: "owner", secret: s.key("owner"), source: .sandbox))
            shell.session.activeKey = "owner"
            try await shell.run("projects; create-sa name=rec --project \(s.defaultProject)")
            let text = try FileMode.read(dir + "/c.jsonl")
            #expect(!Redaction.leaks(text, secrets: [s.key("owner")]))
            #expect(Redaction.keyShaped(in: text).isEmpty)
            return (shell.session.calls.first!.call.pathAndQuery, s.key("owner"))
        }
        #expect(FileMode.mode(dir + "/c.jsonl") == 0o600)
        func replaying(_ path: String, with key: Secret) throws -> Interpreter {
            let replay = try ReplayTransport(path: path)
            let shell = Interpreter(configuration: ShellConfiguration(baseURL: "http://127.0.0.1:1/v1", transport: replay), output: CapturedOutput())
            shell.session.addKey(SessionKey(name: "k", secret: key, source: .literal))
            shell.session.activeKey = "k"
            return shell
        }
        let shell = try replaying(dir + "/c.jsonl", with: owner)
        try await shell.run("projects; expect count 1")
        #expect(shell.session.calls.last?.call.pathAndQuery == recordedBody)
        do throws(ShellError) {
            try await shell.run("users")
            Issue.record("replayed a request the cassette does not hold")
        } catch {
            #expect(error.description == "the cassette holds no response for GET /v1/organization/users")
            #expect(error.exitStatus == 3)
        }
        // Another key: the same request is not answered, and the error says why.
        let other = try replaying(dir + "/c.jsonl", with: Secret("sk-admin-" + String(repeating: "o", count: 40)))
        do throws(ShellError) {
            try await other.run("projects")
            Issue.record("a cassette answered a key it was not recorded with")
        } catch {
            #expect(error.description.contains("made with this key (it was recorded with another key)"))
        }
        // A cassette from before fingerprints (no header, no key): answers any key, as it did.
        let lines = try FileMode.read(dir + "/c.jsonl").split(separator: "\n").dropFirst().map { line in
            var entry = try! JSON.parse(String(line))
            var request = entry["request"]!
            request["key"] = nil
            entry["request"] = request
            return entry.serialized()
        }
        writeTestFile(dir + "/old.jsonl", lines.joined(separator: "\n") + "\n")
        let old = try replaying(dir + "/old.jsonl", with: Secret("sk-admin-" + String(repeating: "o", count: 40)))
        try await old.run("projects; expect count 1")
    }
}
