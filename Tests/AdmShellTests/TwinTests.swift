import AdmAPI
import AdmSandbox
import AdmTestSupport
import Testing

@testable import AdmShell

/// Issue "Try it on a twin first", the fast tier: twins and rehearsals through the sandbox's
/// dispatcher, no socket. (Scripts/tests/test_rehearsal.py runs the same over HTTP with
/// `adm sandbox` playing the live organization, and the reproductions of both user reports.)
@Suite("Twins and rehearsals")
struct TwinTests {
    /// A seeded organization and its snapshot, in a file.
    func seededSnapshot(_ s: TestSandbox) async throws -> (Interpreter, CapturedOutput, String) {
        let out = CapturedOutput()
        let shell = s.shell(output: out)
        try await shell.run("sandbox seed org --seed 3 --quiet")
        let path = temporaryDirectory() + "/org.json"
        try await shell.run("snapshot \(path) --quiet")
        return (shell, out, path)
    }

    @Test("a twin holds the organization of its snapshot: its own snapshot diffs clean, it lists what the organization lists in the same order")
    func roundTrip() async throws {
        try await withSandbox { live in
            let (liveShell, _, path) = try await seededSnapshot(live)
            try await liveShell.run("keys --all --quiet")
            let liveKeys = liveShell.session.last?["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
            try await withSandbox { twin in
                let out = CapturedOutput()
                let shell = twin.shell(output: out)
                try await shell.run("sandbox load \(path)")
                #expect(
                    out.standard.contains("its fixture keys (owner, reader, mgmt-read, mgmt-write, usage, project-key) are stand-ins listed nowhere")
                )
                try await shell.run("diff \(path)")
                #expect(out.standard.contains("no difference from \(path) to the organization now"))
                try await shell.run("keys --all --quiet")
                #expect(shell.session.last?["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == liveKeys)
            }
        }
    }

    @Test("a version 1 snapshot loads, and the twin says what it lacked; a file that is not a snapshot is refused")
    func olderAndWrong() async throws {
        try await withSandbox { s in
            let (shell, out, path) = try await seededSnapshot(s)
            var v1 = try JSON.parse(try FileMode.read(path))
            v1["version"] = 1
            let old = temporaryDirectory() + "/v1.json"
            try FileMode.writePrivate(old, v1.serialized())
            try await shell.run("sandbox load \(old)")
            #expect(out.standard.contains("note: this snapshot is version 1"))
            v1["version"] = 3
            try FileMode.writePrivate(old, v1.serialized())
            await #expect(throws: ShellError.self) { try await shell.run("sandbox load \(old)") }
        }
    }

    @Test("a rehearsal under a read-only key: every write refused with the missing scope, nothing changed, exit 1")
    func readOnly() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            let script = temporaryDirectory() + "/w.adm"
            try FileMode.writePrivate(script, "create-sa name=nightly\nproject create \"New one\"\n")
            let before = try await s.control(.get, "info")["requests"]?["writes_applied"]
            try await shell.run("use key reader")
            await #expect(throws: ShellError.self) { try await shell.run("rehearse \(script) --json") }
            let plan = try #require(shell.session.last)
            #expect(plan["writes"]?[0]?["outcome"] == "refused")
            #expect(plan["writes"]?[0]?["reason"] == "refused: missing api.management.write")
            #expect(plan["exit_status"] == 1)
            #expect(plan["sent_to_organization"] == 0)
            #expect(try await s.control(.get, "info")["requests"]?["writes_applied"] == before)
        }
    }

    @Test("deleting the key a script runs with is rehearsed as the lockout it is: the stand-in is revoked with its record")
    func selfLockout() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            let script = temporaryDirectory() + "/lockout.adm"
            let ownerID = s.server.fixtureKeys.first { $0.name == "owner" }!.id
            try FileMode.writePrivate(script, "call DELETE /organization/admin_api_keys/\(ownerID)\nprojects --limit 1\n")
            await #expect(throws: ShellError.self) { try await shell.run("rehearse \(script)") }
            #expect(out.standard.contains("done     Delete admin API key owner"))
            #expect(out.standard.contains("would fail: \(script):2"), "\(out.standard)")
            try await shell.run("keys --all --quiet")
            #expect(shell.session.last?["data"]?.arrayValue?.contains { $0["id"]?.stringValue == ownerID } == true)
        }
    }

    @Test("an apply matches its rehearsal when only the moment differs: a time the change sets is not a difference, a value is")
    func applyComparesMomentsLoosely() {
        typealias C = SnapshotDiff.Change
        let rehearsed = [
            C(kind: .changed, path: "projects[Billing].archived_at", before: .null, after: .int(100)),
            C(kind: .changed, path: "projects[Billing].status", before: "active", after: "archived"),
        ]
        let later = [
            C(kind: .changed, path: "projects[Billing].archived_at", before: .null, after: .int(107)),
            C(kind: .changed, path: "projects[Billing].status", before: "active", after: "archived"),
        ]
        #expect(RehearseCommand.compare(predicted: rehearsed, actual: later).isEmpty)
        let otherwise = [
            C(kind: .changed, path: "projects[Billing].archived_at", before: .null, after: .null),
            C(kind: .changed, path: "projects[Billing].status", before: "active", after: "deleted"),
        ]
        #expect(RehearseCommand.compare(predicted: rehearsed, actual: otherwise).count == 2)
    }
}
