import AdmAPI
import AdmTestSupport
import Foundation
import Testing

@Suite("The adm binary, end to end", .serialized)
struct EndToEndTests {
    @Test("--version and --help")
    func versionAndHelp() async throws {
        let v = try await Adm.run(["--version"])
        #expect(v.status == 0)
        // A build from source says the version; a release build (Scripts/release, and the
        // static build Scripts/test makes) adds the commit it was built from.
        let commit = v.stdout.dropFirst("0.1.0 (".count).dropLast(")\n".count)
        #expect(
            v.stdout == "0.1.0\n"
                || (v.stdout.hasPrefix("0.1.0 (") && v.stdout.hasSuffix(")\n") && commit.count == 12 && commit.allSatisfy(\.isHexDigit)),
            "\(v.stdout)"
        )
        let h = try await Adm.run(["--help"])
        #expect(h.status == 0)
        #expect(h.stdout.contains("--sandbox"))
        #expect(h.stdout.contains("run"))
        #expect(h.stdout.contains("sandbox"))
    }

    @Test("the first report with its expectations swapped fails with file:line")
    func swapped() async throws {
        let dir = temporaryDirectory()
        var text = try String(contentsOfFile: packageRoot + "/Scripts/examples/missing-scope.adm", encoding: .utf8)
        text = text.replacing("expect status 401", with: "expect status 200")
        try text.write(toFile: dir + "/swapped.adm", atomically: true, encoding: .utf8)
        let r = try await Adm.run(["--sandbox", "run", dir + "/swapped.adm"])
        #expect(r.status == 1)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "expect status 200" }! + 1
        #expect(r.stderr.contains("\(dir)/swapped.adm:\(line):1: expectation failed: expect status 200: got 401"))
    }

    @Test("a one-liner shows the missing-scope error, exits non-zero, and prints no key value")
    func oneLiner() async throws {
        let dir = temporaryDirectory()
        let server = try await Adm.Server.start(keysFile: dir + "/keys")
        defer { server.stop() }
        let keys = try server.keys()
        #expect(keys.count == 6)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/keys")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let r = try await Adm.run([
            "--base-url", server.baseURL, "--keys-file", dir + "/keys", "-e",
            "let p = projects | .data[0].id; use project $p; use key mgmt-read; create-sa name=x",
        ])
        #expect(r.status == 1)
        #expect(r.stderr.contains("Missing scopes: api.management.write"))
        #expect(r.stderr.contains("key used mgmt-read  sk-admin-…"))
        let secrets = keys.values.map { Secret($0) }
        #expect(!Redaction.leaks(r.all, secrets: secrets))
        let same = try await Adm.run(["--sandbox", "-e", "use key mgmt-read; create-sa name=x"])
        #expect(same.status == 1)
        #expect(same.stderr.contains("Missing scopes: api.management.write"))
    }

    @Test("exit statuses: 2 malformed, 3 connection or usage, statements from stdin")
    func exitStatuses() async throws {
        let malformed = try await Adm.run(["--sandbox", "-e", "crate-sa name=x"])
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("-e:1:1: error: unknown command 'crate-sa'"))
        #expect(malformed.stderr.contains("did you mean create-sa?"))
        // Each -e is complete on its own: a quote it leaves open is not closed by the next -e.
        let unclosed = try await Adm.run(["--sandbox", "-e", "print \"a", "-e", "b\""])
        #expect(unclosed.status == 2)
        #expect(unclosed.stderr.contains("-e:1:7: error: unclosed double quote"), "\(unclosed.all)")
        #expect(unclosed.stdout.isEmpty)
        let refused = try await Adm.run(
            ["--base-url", "http://127.0.0.1:9/v1", "-e", "projects"],
            environment: ["OPENAI_ADMIN_KEY": "sk-admin-test"]
        )
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("could not connect to 127.0.0.1:9: connection refused"))
        let insecure = try await Adm.run(["--base-url", "http://api.example.com/v1", "-e", "projects"])
        #expect(insecure.status == 3)
        #expect(insecure.stderr.contains("refusing plain http:// for a non-loopback host"))
        let piped = try await Adm.run(["--sandbox"], stdin: "projects | .data[].name\nexpect count 1\n")
        #expect(piped.status == 0, "\(piped.all)")
        #expect(piped.stdout.hasPrefix("Default project\n"))
        let noKey = try await Adm.run(["--base-url", "http://127.0.0.1:9/v1", "-e", "projects"])
        #expect(noKey.status == 3)
        #expect(noKey.stderr.contains("no key: add one with `key add NAME --env VAR`"))
        let exited = try await Adm.run(["--sandbox", "-e", "print a; exit 4; print b"])
        #expect(exited.status == 4)
        #expect(exited.stdout == "a\n")
        let badExit = try await Adm.run(["--sandbox", "-e", "exit many"])
        #expect(badExit.status == 2)
        #expect(badExit.stderr.contains("exit STATUS: 'many' is not a number: a whole number from 0 to 255"))
    }

    @Test("a binary script, keys file or cassette is refused by name and byte offset, none of its bytes echoed")
    func binaryFiles() async throws {
        let dir = temporaryDirectory()
        let bytes = Array("projects\n".utf8) + [0x00, 0x01, 0x1B, 0x5B, 0x32, 0x4A, 0xFF, 0x9B]
        let script = dir + "/binary.adm"
        #expect(FileManager.default.createFile(atPath: script, contents: Data(bytes), attributes: [.posixPermissions: 0o600]))
        let run = try await Adm.run(["--sandbox", "run", script])
        #expect(run.status == 2)
        #expect(run.stderr == "adm run: error: \(script): not a text script (binary data at byte 9, line 2)\n")
        #expect(run.stdout.isEmpty)
        let piped = try await Adm.run(["--sandbox"], stdinBytes: bytes)
        #expect(piped.status == 2)
        #expect(piped.stderr == "adm: error: <stdin>: not a text script (binary data at byte 9, line 2)\n")
        let keys = try await Adm.run(["--keys-file", script, "-e", "keys"])
        #expect(keys.status == 3)
        #expect(keys.stderr == "adm: error: \(script): not a text keys file (binary data at byte 9, line 2)\n")
        let load = try await Adm.run(["--sandbox", "-e", "key load \(script)"])
        #expect(load.status != 0)
        #expect(load.stderr.contains("\(script): not a text keys file (binary data at byte 9, line 2)"))
        let replay = try await Adm.run(["--replay", script, "-e", "projects"], environment: ["OPENAI_ADMIN_KEY": "sk-admin-test"])
        #expect(replay.status == 3)
        #expect(replay.stderr == "adm: error: --replay: \(script): not a text cassette (binary data at byte 9, line 2)\n")
        for r in [run, piped, keys, load, replay] { #expect(!r.all.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0 }) }
    }

    @Test("a fan-out wider than its concurrency finishes every call, in order")
    func fanOutWiderThanConcurrency() async throws {
        // 20 projects, 3 calls in flight: slots are refilled as calls finish (the release build
        // once trapped here while the debug build passed).
        let r = try await Adm.run([
            "--sandbox", "--rate-limit", "off", "-e",
            """
            sandbox seed projects 19; let ids = projects --all | .data[].id; keys --project $ids --concurrency 3 --quiet
            expect .results[19].status == 200; expect .results[0].project_id == $ids[0]; expect .results[19].project_id == $ids[19]
            """,
        ])
        #expect(r.status == 0, "\(r.all)")
        #expect(r.stdout.contains("✓ expect .results[19].project_id == $ids[19]"), "\(r.all)")
    }

    @Test("--concurrency 16 has 16 calls in flight at the server (not the connection pool's default)")
    func sixteenInFlight() async throws {
        // 100 ms a request, so every call of the fan-out is still open when the last one starts.
        let r = try await Adm.run([
            "--sandbox", "--rate-limit", "off", "--faults", "latency=100", "-e",
            """
            sandbox seed projects 31; let ids = projects --all | .data[].id; keys --project $ids --concurrency 16 --quiet
            let info = sandbox info; expect $info.requests.peak_in_flight == 16
            """,
        ])
        #expect(r.status == 0, "\(r.all)")
        #expect(r.stdout.contains("✓ expect $info.requests.peak_in_flight == 16"), "\(r.all)")
    }

    @Test("data written with --db is there after the sandbox is killed with SIGKILL and started again")
    func killAndRestart() async throws {
        let dir = temporaryDirectory()
        let db = dir + "/org.db"
        var server = try await Adm.Server.start(arguments: ["--db", db], keysFile: dir + "/keys")
        let created = try await Adm.run([
            "--base-url", server.baseURL, "--keys-file", dir + "/keys", "-e",
            "project create survivor; let p = $_.id; print $p; create-sa name=kept --project $p | .id",
        ])
        #expect(created.status == 0, "\(created.all)")
        let ids = created.stdout.split(separator: "\n").filter { $0.hasPrefix("proj_") || $0.hasPrefix("svc_acct_") }
        #expect(ids.count == 2)
        server.kill()
        server = try await Adm.Server.start(arguments: ["--db", db], keysFile: dir + "/keys")
        defer { server.stop() }
        let check = try await Adm.run([
            "--base-url", server.baseURL, "--keys-file", dir + "/keys", "-e",
            "project show \(ids[0]); expect .name == survivor; sa show \(ids[1]) --project \(ids[0]); expect .name == kept",
        ])
        #expect(check.status == 0, "\(check.all)")
    }

    @Test("run --report junit writes a report a JUnit consumer reads")
    func junit() async throws {
        let dir = temporaryDirectory()
        let r = try await Adm.run(["--sandbox", "run", "--report", "junit=\(dir)/r.xml", "--report", "tap", "Scripts/examples/missing-scope.adm"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("TAP version 13"))
        // Scripts/tests/test_reports.py parses it with junitparser; here, its shape.
        let xml = try String(contentsOfFile: dir + "/r.xml", encoding: .utf8)
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"adm\" tests=\"7\" failures=\"0\">"))
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 7)
        #expect(!xml.contains("<failure"))
    }
}

/// The example scripts, each in its own process and sandbox (under the live limit, so they spend
/// their time waiting): run side by side, not in the serialized suite above.
@Suite("The example scripts")
struct ExampleScriptsTests {
    @Test(
        "every example script passes against the built-in sandbox",
        arguments: ["missing-scope", "unauthorized-scope", "stale-permissions", "tour", "organization"]
    )
    func examples(name: String) async throws {
        let r = try await Adm.run(["--sandbox", "run", "Scripts/examples/\(name).adm"])
        #expect(r.status == 0, "\(r.all)")
    }
}
