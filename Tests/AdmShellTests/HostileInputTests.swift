import AdmAPI
import AdmTestSupport
import Testing

@testable import AdmShell

/// Issue "Hostile input": each row of its table as a regression test, through the command
/// language against the sandbox.
@Suite("Hostile input: no secret shown, values read as people have them")
struct HostileInputTests {
    /// Nothing shaped like a key, and no session key's value, in `text`.
    func holdsNoSecret(_ text: String, _ shell: Interpreter) -> Bool {
        Redaction.keyShaped(in: text).isEmpty && !Redaction.leaks(text, secrets: shell.session.secrets)
    }

    @Test("a fan-out of create-sa keeps every new key as a session key and prints none of them, as a table or as JSON")
    func fanOutSecrets() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("project create second --quiet; project create third --quiet")
            try await shell.run("let ids = projects | .data[].id")
            try await shell.run("create-sa name=bot --project $ids")
            try await shell.run("create-sa name=json-bot --project $ids --json")
            let created = shell.session.orderedKeys.filter { if case .created = $0.source { return true } else { return false } }
            #expect(created.count == 6, "one session key per service account: \(created.map(\.name))")
            #expect(Set(created.map(\.name)) == ["bot", "bot-2", "bot-3", "json-bot", "json-bot-2", "json-bot-3"])
            #expect(created.allSatisfy { $0.secret.kind == .serviceAccount })
            #expect(holdsNoSecret(out.standard + out.errors, shell))
            #expect(holdsNoSecret(shell.session.last?.serialized() ?? "", shell), "$_ holds redacted values only")
            // The adopted keys work: a service account's key reaches its project's endpoints only.
            try await shell.run("use key bot")
            #expect(shell.session.activeKey == "bot")
        }
    }

    @Test("a key file saved on Windows (CRLF, a byte-order mark) reads as its key; a value with a space inside is refused without being shown")
    func windowsKeyFile() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            let dir = temporaryDirectory()
            let owner = s.key("owner").unredacted
            let crlf = dir + "/ci.key"
            writeTestFile(crlf, [0xEF, 0xBB, 0xBF] + Array((owner + "\r\n").utf8))
            try await shell.run("key add ci --file \(crlf)")
            try await shell.run("projects --key ci --quiet")
            #expect(shell.session.lastResult?.status == 200)
            let spaced = dir + "/spaced.key"
            writeTestFile(spaced, String(owner.prefix(20)) + " " + owner.dropFirst(20))
            await #expect(throws: ShellError.self) { try await shell.run("key add bad --file \(spaced)") }
            #expect(shell.session.keys["bad"] == nil)
            let keysFile = dir + "/keys"
            writeTestFile(keysFile, "a=\(owner)\r\nb=\(owner)\r\n")
            do {
                try await shell.run("key add whole --file \(keysFile)")
                Issue.record("a keys file was read as one key")
            } catch let error as ShellError {
                #expect(error.description.contains("is a keys file (NAME=VALUE lines), not one key: load it with `key load \(keysFile)`"))
            }
            try await shell.run("key load \(keysFile)")
            try await shell.run("projects --key b --quiet")
            #expect(shell.session.lastResult?.status == 200)
            #expect(holdsNoSecret(out.standard + out.errors, shell))
        }
    }

    @Test("a value that cannot be a header never reaches the HTTP library: adm refuses it in its own words, without the value")
    func unsafeCredential() async throws {
        try await withSandbox(overHTTP: true) { s in
            let broken = Secret(s.key("owner").unredacted + "\r\n")
            do {
                _ = try await s.client.send(Call(Endpoint.listProjects, pathParameters: [:]), key: broken)
                Issue.record("a key with a line end was sent")
            } catch let error as CallFailure {
                #expect(error.description.contains("holds a space, a line end or another character a header cannot carry"))
                #expect(!error.description.contains(s.key("owner").unredacted))
                #expect(!Redaction.leaks(error.description, secrets: [s.key("owner")]))
            }
            #expect(throws: Secret.Unusable.self) { try Secret.reading("sk-admin-abc\tdef", from: "test") }
            #expect(try Secret.reading(" sk-admin-abcdefghijklmnop\r\n", from: "test").redacted == "sk-admin-…mnop")
        }
    }

    @Test("library error text is scrubbed of the key in every form: as it is, escaped, percent-encoded")
    func scrubForms() {
        let secret = Secret("sk-admin-abcdefghijklmnopqrstuvwx+/yz\r\n")
        for text in [
            "header Bearer sk-admin-abcdefghijklmnopqrstuvwx+/yz\r\n sent", "values [\"Bearer sk-admin-abcdefghijklmnopqrstuvwx+/yz\\r\\n\"]",
            "url ?key=sk-admin-abcdefghijklmnopqrstuvwx%2B%2Fyz%0D%0A",
        ] {
            let scrubbed = Redaction.scrub(text, secrets: [secret])
            #expect(!scrubbed.contains("abcdefghijklmnop"), "\(scrubbed)")
        }
    }

    @Test("a script with CRLF line ends or a byte-order mark runs line by line")
    func crlfScript() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("print one\r\nprint two\r\nprojects --quiet\r\n")
            #expect(out.standard.hasPrefix("one\ntwo\n"))
            let file = temporaryDirectory() + "/crlf.adm"
            writeTestFile(file, [0xEF, 0xBB, 0xBF] + Array("print three\r\nprint four\r\n".utf8))
            let text = try TextFile.read(file, kind: "script")
            #expect(text == "print three\nprint four\n")
        }
    }
}
