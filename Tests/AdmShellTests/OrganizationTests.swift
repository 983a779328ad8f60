import AdmAPI
import AdmSandbox
import AdmTestSupport
import Testing

@testable import AdmShell

@Suite("Organization-wide jobs against a seeded organization")
struct OrganizationTests {
    /// A sandbox seeded with `sandbox seed org`, its shell, and what it says it holds.
    func seeded(_ s: TestSandbox, seed: Int = 1) async throws -> (Interpreter, CapturedOutput, JSON) {
        let out = CapturedOutput()
        let shell = s.shell(output: out)
        try await shell.run("sandbox seed org --seed \(seed) --quiet")
        return (shell, out, try await s.control(.get, "info")["seeded"] ?? .null)
    }

    @Test("the same seed builds the same organization; another seed another")
    func deterministic() async throws {
        func projects(_ seed: Int) async throws -> [String] {
            try await withSandbox { s in
                let (shell, _, _) = try await seeded(s, seed: seed)
                try await shell.run("projects --all --archived --quiet")
                let items = shell.session.last?["data"]?.arrayValue ?? []
                let named: [String] = items.map { p in (p["name"]?.stringValue ?? "") + " " + (p["id"]?.stringValue ?? "") }
                return named.filter { !$0.hasPrefix("Default project") }
            }
        }
        let a = try await projects(7)
        #expect(a.count == 19)
        #expect(try await projects(7) == a)
        #expect(try await projects(8) != a)
    }

    @Test("one seed, one organization: two sandboxes seeded alike give the same snapshot byte for byte and diff clean")
    func seedTwice() async throws {
        let dir = temporaryDirectory()
        for n in 0..<2 {
            try await withSandbox { s in
                let (shell, _, _) = try await seeded(s, seed: 5)
                try await shell.run("snapshot \(dir)/\(n).json --quiet")
                // The session follows the seeded organization: its keys and project work.
                try await shell.run("projects --quiet; keys --quiet")
            }
        }
        // When it was taken, and when the key that read it was last used (that read), differ.
        func body(_ n: Int) throws -> String {
            try FileMode.read(dir + "/\(n).json").split(separator: "\n").filter { !$0.contains("\"taken_at\"") && !$0.contains("\"last_used_at\"") }
                .joined(separator: "\n")
        }
        #expect(try body(0) == body(1), "byte for byte but the time it was taken and keys' last use")
        try await withSandbox { s in
            let shell = s.shell()
            try await shell.run("diff \(dir)/0.json \(dir)/1.json --quiet")
        }
    }

    @Test("inventory keys finds every key the sandbox holds, owner-inactive and never-used included; keys --visible-only shows fewer")
    func inventory() async throws {
        try await withSandbox { s in
            let (shell, _, _) = try await seeded(s)
            try await shell.run("inventory keys --json --quiet")
            let rows = shell.session.last?["data"]?.arrayValue ?? []
            let seeded = try await s.control(.get, "info")["seeded"]
            #expect(rows.count == seeded?["keys"]?["total"]?.intValue)
            let flagged = { (flag: String) in rows.filter { ($0["flags"]?.arrayValue ?? []).contains(.string(flag)) } }
            #expect(
                flagged("owner_inactive").count + flagged("owner_removed").filter { $0["kind"] == "project" }.count
                    == seeded?["owner_inactive_keys"]?.intValue
            )
            #expect(flagged("never_used").count == seeded?["never_used_keys"]?.intValue)
            #expect(flagged("never_used").count > 0 && flagged("owner_inactive").count > 0 && flagged("idle").count > 0)
            #expect(rows.filter { $0["kind"] == "service_account" }.count == seeded?["keys"]?["service_account"]?.intValue)
            for field in [
                "kind", "id", "name", "redacted_value", "project_id", "owner", "owner_status", "created_at", "last_used_at", "idle_days", "flags",
            ] {
                #expect(rows.allSatisfy { $0[field] != nil }, "every row has \(field)")
            }
            // A project with a key whose owner left: the API's default listing hides it, adm's does not.
            let project = try #require(flagged("owner_inactive").first?["project_id"]?.stringValue)
            try await shell.run("keys --project \(project) --all --quiet")
            let all = shell.session.last?["count"]?.intValue ?? 0
            try await shell.run("keys --project \(project) --all --visible-only --quiet")
            let visible = shell.session.last?["count"]?.intValue ?? 0
            #expect(visible < all)
            // Filters.
            try await shell.run("inventory keys --kind admin --flag never_used --json --quiet")
            let filtered = shell.session.last?["data"]?.arrayValue ?? []
            #expect(!filtered.isEmpty && filtered.allSatisfy { $0["kind"] == "admin" && ($0["flags"]?.arrayValue ?? []).contains("never_used") })
        }
    }

    @Test("offboard: the dry run lists their keys in two projects; --yes removes keys, memberships and the person; a second run finds nothing left")
    func offboard() async throws {
        try await withSandbox { s in
            let (shell, out, _) = try await seeded(s)
            try await shell.run("inventory keys --kind project --json --quiet")
            let rows = shell.session.last?["data"]?.arrayValue ?? []
            // Someone still in the organization with keys in two active projects.
            var projectsByEmail: [String: Set<String>] = [:]
            for r in rows where r["owner_status"] == "active" && !(r["flags"]?.arrayValue ?? []).contains("project_archived") {
                projectsByEmail[r["owner"]?["email"]?.stringValue ?? "", default: []].insert(r["project_id"]?.stringValue ?? "")
            }
            let email = try #require(projectsByEmail.filter { $0.value.count >= 2 }.keys.sorted().first)
            let theirs = rows.filter { $0["owner"]?["email"]?.stringValue == email }
            try await shell.run("offboard \(email) --dry-run")
            for key in theirs { #expect(out.standard.contains(key["redacted_value"]?.stringValue ?? "?")) }
            #expect(out.standard.contains("dry run: nothing was changed"))
            try await shell.run("offboard \(email) --yes --quiet")
            try await shell.run("inventory keys --json --quiet")
            let after = shell.session.last?["data"]?.arrayValue ?? []
            #expect(!after.contains { $0["owner"]?["email"]?.stringValue == email })
            try await shell.run("users --all --quiet")
            #expect(!(shell.session.last?["data"]?.arrayValue ?? []).contains { $0["email"]?.stringValue == email })
            // Run again: its receipt says there is nothing left to do, without reading anything.
            let before = try await s.control(.get, "info")["requests"]?["served"]?.intValue ?? -1
            try await shell.run("offboard \(email) --yes")
            #expect(out.standard.contains("offboard \(email) — nothing left to do"))
            #expect(try await s.control(.get, "info")["requests"]?["served"]?.intValue == before, "the receipt answered, not the API")
            // Without --yes, a script is refused before anything changes.
            do throws(ShellError) {
                try await shell.run("offboard \(shell.session.keys.isEmpty ? "" : "sam.owner@example.com")")
                Issue.record("ran without --yes")
            } catch {
                #expect(error.description.contains("add --yes to run it"))
            }
        }
    }

    @Test(
        "offboard of someone who already left: found by their keys, the plan says so, every key deleted, a rerun finds nothing; inventory people --departed lists them"
    )
    func offboardDeparted() async throws {
        try await withSandbox { s in
            let (shell, out, _) = try await seeded(s)
            try await shell.run("inventory keys --json --quiet")
            let rows = shell.session.last?["data"]?.arrayValue ?? []
            let departed = rows.filter { ($0["flags"]?.arrayValue ?? []).contains("owner_removed") }
            let emails = departed.compactMap { $0["owner"]?["email"]?.stringValue }.sorted()
            let email = try #require(emails.first, "a seeded owner who left")
            let theirs = departed.filter { $0["owner"]?["email"]?.stringValue == email }
            #expect(theirs.count >= 2)
            // The second question is answered from what was just read.
            let served = { () async throws -> Int in try await s.control(.get, "info")["requests"]?["served"]?.intValue ?? -1 }
            let before = try await served()
            try await shell.run("offboard \(email) --dry-run")
            let calls = try await served() - before
            #expect(calls <= 2, "inventory keys then offboard --dry-run reads at most 2 listings again: \(calls)")
            #expect(out.standard.contains("\(email) is no longer a member of the organization"))
            #expect(out.standard.contains("from a reading"), "the plan says it came from memory")
            for key in theirs { #expect(out.standard.contains(key["redacted_value"]?.stringValue ?? "?")) }
            try await shell.run("inventory people --departed --json --quiet")
            let listed = shell.session.last?["data"]?.arrayValue ?? []
            let entry = try #require(listed.first { $0["email"]?.stringValue == email })
            #expect(entry["keys"]?.arrayValue?.count == theirs.count)
            try await shell.run("offboard \(email) --yes --quiet")
            try await shell.run("inventory keys --json --quiet --fresh")
            let remaining = (shell.session.last?["data"]?.arrayValue ?? []).filter { $0["owner"]?["email"]?.stringValue == email }
            #expect(remaining.allSatisfy { ($0["flags"]?.arrayValue ?? []).contains("project_archived") }, "only keys the API may not delete stay")
            try await shell.run("offboard \(email) --yes")
            #expect(out.standard.contains("offboard \(email) — nothing left to do"))
            do throws(ShellError) {
                try await shell.run("offboard nobody.at.all@example.com --dry-run")
                Issue.record("a stranger was offboarded")
            } catch {
                #expect(error.description.contains("nothing in the organization knows 'nobody.at.all@example.com'"))
            }
        }
    }

    @Test("rotate --yes --retire-old: the old account is gone, the new one has its role, the new key is a session key printed nowhere")
    func rotate() async throws {
        try await withSandbox { s in
            let (shell, out, _) = try await seeded(s)
            try await shell.run("inventory keys --kind service_account --quiet")
            let project = try #require(shell.session.last?["data"]?[0]?["project_id"]?.stringValue)
            try await shell.run("use project \(project); sa --quiet")
            let old = try #require(shell.session.last?["data"]?[0])
            let oldName = try #require(old["name"]?.stringValue)
            try await shell.run("sa role \(old["id"]!.stringValue!) owner --quiet")
            let dir = temporaryDirectory()
            try await shell.run("rotate \(oldName) --retire-old --yes --save \(dir)/new.key")
            try await shell.run("sa --all --quiet")
            let accounts = shell.session.last?["data"]?.arrayValue ?? []
            #expect(!accounts.contains { $0["id"] == old["id"] })
            let new = try #require(accounts.first { $0["name"]?.stringValue?.hasPrefix(oldName + "-") == true })
            #expect(new["role"] == "owner")
            let newKey = try #require(shell.session.keys[new["name"]!.stringValue!])
            #expect(FileMode.mode(dir + "/new.key") == 0o600)
            try await shell.run("repro; save \(dir)/session.adm")
            let saved = try FileMode.read(dir + "/session.adm")
            for text in [out.standard, out.errors, saved, shell.session.transcript.joined(separator: "\n")] {
                #expect(!Redaction.leaks(text, secrets: [newKey.secret]))
            }
        }
    }

    @Test("snapshot, a change, diff fails naming it; a fresh snapshot diffs clean")
    func drift() async throws {
        try await withSandbox { s in
            let (shell, out, _) = try await seeded(s)
            let dir = temporaryDirectory()
            try await shell.run("snapshot \(dir)/a.json")
            #expect(FileMode.mode(dir + "/a.json") == 0o600)
            let text = try FileMode.read(dir + "/a.json")
            #expect(!text.contains("sk-admin-") || !text.contains("T3BlbkFJ"), "no secret in a snapshot")
            try await shell.run("diff \(dir)/a.json")
            try await shell.run("project rename Drifted")
            do throws(ShellError) {
                try await shell.run("diff \(dir)/a.json")
                Issue.record("a changed organization diffed clean")
            } catch {
                #expect(error.exitStatus == 1)
            }
            #expect(out.standard.contains("projects[Default project].name  Default project → Drifted"))
            try await shell.run("snapshot \(dir)/b.json; diff \(dir)/b.json")
            do throws(ShellError) {
                try await shell.run("diff \(dir)/a.json \(dir)/b.json")
                Issue.record("two different snapshots diffed clean")
            } catch {
                #expect(error.description == "diff: 1 difference from \(dir)/a.json to \(dir)/b.json")
            }
        }
    }
}
