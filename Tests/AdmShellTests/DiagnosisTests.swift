import AdmAPI
import AdmTestSupport
import Testing

@testable import AdmShell

@Suite("Permission diagnosis")
struct DiagnosisTests {
    @Test("scopes --all-keys --writes gives exactly the matrix the fixture profiles define, and changes nothing")
    func matrix() async throws {
        try await withSandbox { s in
            let before = try await s.control(.get, "snapshot")
            let shell = s.shell()
            try await shell.run("scopes --all-keys --writes --quiet")
            let after = try await s.control(.get, "snapshot")
            #expect(before == after, "probing changed the sandbox")
            let m = try #require(shell.session.last)
            func cell(_ key: String, _ c: String) -> String {
                let read = m[key]?[c]?["read"]?.stringValue ?? "?"
                let write = m[key]?[c]?["write"]?.stringValue
                return read == "granted" ? (write == "granted" ? "rw" : "r") : (read == "missing" ? "-" : "?")
            }
            let expected: [String: [String]] = [
                "owner": ["rw", "r", "r", "rw"], "reader": ["r", "r", "r", "r"], "mgmt-read": ["r", "-", "-", "-"],
                "mgmt-write": ["rw", "-", "-", "-"], "usage": ["-", "r", "-", "-"], "project-key": ["-", "-", "-", "-"],
            ]
            for (key, cells) in expected {
                #expect(["management", "usage", "audit", "fine-tuning"].map { cell(key, $0) } == cells, "\(key)")
            }
            #expect(shell.session.calls.isEmpty, "probes are not calls a person made")
        }
    }

    @Test("a missing-scope error names the key's record and the probed keys that have the scope")
    func explanation() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("scopes mgmt-write --writes --quiet; use key mgmt-read")
            await shell.runInteractive("create-sa name=x")
            #expect(
                out.errors.contains(
                    "missing  api.management.write (Organization Administration: Write) needed by create-project-service-account [confirmed by public reports]"
                )
            )
            let keyID = s.server.fixtureKeys.first { $0.name == "mgmt-read" }!.id
            #expect(out.errors.contains("key used mgmt-read  \(s.key("mgmt-read").redacted)  (sandbox fixture)  \(keyID), created "))
            #expect(out.errors.contains("by Sam Owner"))
            #expect(out.errors.contains("have it  mgmt-write (probed)  → retry-with mgmt-write"))
        }
    }

    @Test("retry-with compares keys; whoami finds the key's record; scopes --save writes a check that passes")
    func retryWhoamiSave() async throws {
        try await withSandbox { s in
            let dir = temporaryDirectory()
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            _ = try? await shell.run("use key mgmt-read; create-sa name=cmp")
            try await shell.run("retry-with mgmt-write usage; expect status 401")
            #expect(out.standard.contains("mgmt-read (first)  401     missing api.management.write"))
            #expect(out.standard.contains("mgmt-write         200"))
            #expect(out.standard.contains("usage              401     missing api.management.write"))
            try await shell.run("use key reader; whoami")
            #expect(shell.session.last?["name"] == "reader")
            try await shell.run("use key usage; whoami")
            #expect(shell.session.last?["name"] == "usage")
            #expect(out.standard.contains("(usage cannot list admin keys; looked it up with owner)"))
            try await shell.run("scopes --all-keys --writes --save \(dir)/lp.adm --quiet")
            let script = try FileMode.read(dir + "/lp.adm")
            #expect(script.contains("use key usage\ncall GET /organization/projects?limit=1\nexpect missing-scope api.management.read"))
            // The same key names (the service-account key `cmp` too) run the check.
            let outcome = await ScriptRunner.run(shell, text: script, file: "lp.adm")
            #expect(outcome.exitStatus == 0, "\(outcome.failures)")
            // The check notices a changed key.
            _ = try await s.control(.post, "keys/usage", .obj(["profile": "all"]))
            let changed = await ScriptRunner.run(shell, text: script, file: "lp.adm")
            #expect(changed.exitStatus == 1)
        }
    }

    @Test("what-changed shows the permission change behind a failure, with the key's last use")
    func whatChanged() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("use key mgmt-write; create-sa name=before")
            _ = try await s.control(.post, "keys/mgmt-write", .obj(["profile": "restricted:management=read"]))
            _ = try? await shell.run("create-sa name=after")
            try await shell.run("what-changed --since 1h")
            #expect(out.standard.contains("api_key.updated"))
            #expect(out.standard.contains("sam.owner@example.com"))
            #expect(out.standard.contains("\"scopes\":[\"api.management.read\"]"))
            #expect(out.standard.contains("last used 20"))
        }
    }

    @Test("warnings before sending: a project key on an admin endpoint, an archived project")
    func warnings() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("project create gone; let g = $_.id; project archive $g; projects --archived --quiet")
            _ = try? await shell.run("create-sa name=x --project $g")
            #expect(
                out.errors.contains("warning: project \(shell.session.variables["g"]!.stringValue!) is archived; archived projects refuse changes")
            )
            await shell.runInteractive("use key project-key; projects")
            #expect(out.errors.contains("warning: 'project-key' is a project key"))
            #expect(out.errors.contains("this is a project key: admin endpoints accept only admin keys"))
        }
    }
}
