import AdmAPI
import AdmHTTP
import AdmTestSupport
import Foundation
import Synchronization
import Testing

@Suite("Reliability of the binary", .serialized)
struct ReliabilityTests {
    /// Writes from 8 clients at once; the sandbox is killed with SIGKILL once 60 writes are
    /// acknowledged and the others are in flight (a count, never a clock: a slow machine only
    /// takes longer to get there). Every write it acknowledged is there after a restart, and
    /// SQLite finds the file intact.
    @Test("crash safety: SIGKILL during a write burst loses no acknowledged write")
    func killDuringBurst() async throws {
        let dir = temporaryDirectory()
        let db = dir + "/org.db"
        let server = try await Adm.Server.start(arguments: ["--db", db, "--rate-limit", "off"], keysFile: dir + "/keys")
        let owner = Secret(try server.keys()["owner"]!)
        let transport = try HTTPTransport()
        let client = AdminClient(baseURL: server.baseURL, transport: transport, retry: .none, timeout: .seconds(30))
        let create = Endpoint.createProject
        let killAfter = 60
        let acknowledged = Acknowledged()
        let (enough, enoughReached) = AsyncStream<Void>.makeStream()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskGroup(of: Void.self) { workers in
                    for worker in 0..<8 {
                        workers.addTask {
                            for n in 0..<10_000 {
                                guard
                                    let r = try? await client.send(
                                        Call(create, pathParameters: [:], body: .obj(["name": .string("burst-\(worker)-\(n)")])),
                                        key: owner
                                    ),
                                    r.isSuccess, let id = r.json?["id"]?.stringValue
                                else { break }
                                let count = acknowledged.ids.withLock {
                                    $0.append(id)
                                    return $0.count
                                }
                                if count == killAfter { enoughReached.yield() }
                            }
                        }
                    }
                }
                // Every worker stopped (the kill, or a failure before it): the killer must not wait on.
                enoughReached.finish()
            }
            group.addTask {
                for await _ in enough { break }
                server.kill()
            }
        }
        let acked = acknowledged.ids.withLock { $0 }
        #expect(acked.count >= killAfter, "waited for \(killAfter) acknowledged writes before the kill; the burst stopped at \(acked.count)")
        let restarted = try await Adm.Server.start(arguments: ["--db", db], keysFile: dir + "/keys2")
        defer { restarted.stop() }
        let client2 = AdminClient(baseURL: restarted.baseURL, transport: transport, retry: .none)
        var missing: [String] = []
        var listed: Set<String> = []
        var after: String?
        repeat {
            let r = try await client2.send(
                Call(
                    Endpoint.listProjects,
                    pathParameters: [:],
                    query: [QueryItem("limit", "100")] + (after.map { [QueryItem("after", $0)] } ?? [])
                ),
                key: owner
            )
            let data = r.json?["data"]?.arrayValue ?? []
            listed.formUnion(data.compactMap { $0["id"]?.stringValue })
            after = r.json?["has_more"] == true ? r.json?["last_id"]?.stringValue : nil
        } while after != nil
        for id in acked where !listed.contains(id) { missing.append(id) }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(5))")
        let integrity = try await transport.send(
            WireRequest(method: .get, url: String(restarted.baseURL.dropLast(3)) + "/_sandbox/integrity"),
            credential: nil,
            timeout: .seconds(10)
        )
        #expect(try JSON.parse(bytes: integrity.body)["integrity"] == "ok")
        print("crash safety: \(acked.count) acknowledged writes before SIGKILL, all \(listed.count - 1) projects present after restart")
        await transport.shutdown()
    }

    /// A canary key walks every command (verbose, recording a cassette, with a JUnit report):
    /// no byte of it — no 12-character slice — reaches any output or file, and every file that
    /// may hold a secret is 0600.
    @Test("a canary key never leaks from any command, log, cassette, export, save or report")
    func canaryWalk() async throws {
        let dir = temporaryDirectory()
        // A quick but small bucket: endpoints refuse (so adm keeps what it learned, which must
        // hold no key either) without the walk waiting minutes; the walk's fan-out of eight calls
        // at once to one endpoint is refused however slow the machine.
        let server = try await Adm.Server.start(arguments: ["--rate-limit", "600/min,burst=3"], keysFile: dir + "/fixture-keys")
        defer { server.stop() }
        // adm itself makes the canary (a sandbox admin key) and exports it to a 0600 file.
        let made = try await Adm.run([
            "--base-url", server.baseURL, "--keys-file", dir + "/fixture-keys", "-e",
            "sandbox key create canary --profile all; key export canary \(dir)/canary-keys",
        ])
        #expect(made.status == 0, "\(made.all)")
        let canary = String(try String(contentsOfFile: dir + "/canary-keys", encoding: .utf8).split(separator: "=", maxSplits: 1)[1])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect((try FileManager.default.attributesOfItem(atPath: dir + "/canary-keys")[.posixPermissions] as? Int) == 0o600)
        let walk = """
            use key canary
            key list
            whoami
            projects --all
            let p = projects | .data[0].id
            use project $p
            project show $p
            project create "walk"
            project rename $_.id walked
            users
            user show $_.data[0].id
            invites create someone@example.com
            invites
            invites delete $_.data[0].id
            keys
            keys --project $p
            keys --project [$p, $p, $p, $p, $p, $p, $p, $p] --concurrency 8
            keys create walker
            keys delete $_.id
            create-sa name=walker0
            let sa = create-sa name=walker
            sa
            sa show $sa.id
            sa rename $sa.id walker2
            sa-key $sa.id scopes=api.model.read
            sa-key $sa.id scopes=api.all.read
            expect unauthorized-scope api.all.read
            rotate walker0 --yes --retire-old --save \(dir)/rotated-keys
            sa delete $sa.id
            inventory keys --csv
            inventory people
            snapshot \(dir)/snapshot.json
            diff \(dir)/snapshot.json
            offboard $env.NOBODY --dry-run
            let u = users | .data[0].email
            offboard $u --dry-run
            audit export \(dir)/audit.jsonl
            costs --days 2 --by project --csv
            rate-limits
            rate-limits set gpt-4o max_requests_per_1_minute=10
            audit --since 1d --limit 5
            usage completions --days 2
            costs --days 2
            roles
            groups create walkers
            groups
            call GET /organization/users limit=2
            call GET /organization/nowhere
            expect status 404
            print $env.HOME
            vars
            unset p
            scopes
            scopes create-sa
            scopes --all-keys --writes --save \(dir)/scopes.adm
            retry-with owner
            what-changed --since 1d
            repro
            repro 3 --curl
            export curl
            export httpie
            export http 3 \(dir)/calls.http
            save \(dir)/session.adm
            sandbox info
            sandbox faults none
            sandbox known-issue stale-permissions off
            sandbox seed users 2
            help
            help create-sa
            history
            sleep 10ms
            key add shouldfail \(canary)
            """
        try walk.write(toFile: dir + "/walk.adm", atomically: true, encoding: .utf8)
        let state = dir + "/state"
        let r = try await Adm.run(
            [
                "--base-url", server.baseURL, "--keys-file", dir + "/canary-keys", "--verbose", "--record", dir + "/cassette.jsonl",
                "run", "--keep-going", "--report", "junit=\(dir)/report.xml", "--report", "json=\(dir)/report.json", dir + "/walk.adm",
            ],
            environment: ["OPENAI_ADMIN_KEY": canary, "CANARY": canary, "NOBODY": "nobody@example.com", "XDG_STATE_HOME": state]
        )
        // Every command of the language was walked.
        let used = Set(walk.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
        let all = Set([
            "projects", "project", "users", "user", "invites", "keys", "create-sa", "sa", "sa-key", "rate-limits", "audit", "usage", "costs", "roles",
            "groups", "call", "key", "use", "let", "unset", "vars", "print", "sleep", "help", "history", "scopes", "whoami", "retry-with",
            "what-changed", "expect", "repro", "export", "save", "sandbox", "inventory", "offboard", "rotate", "snapshot", "diff",
        ])
        #expect(all.subtracting(used).isEmpty)
        #expect(r.stderr.contains("refusing a key typed on the command line"))
        var texts = ["stdout": r.stdout, "stderr": r.stderr]
        // What adm keeps in its state directory (learned rate limits, job journals) is held to the same rule.
        let kept = (FileManager.default.subpaths(atPath: state) ?? []).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: state + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        #expect(kept.contains { $0.hasPrefix("adm/rate-limits/") }, "state kept: \(kept)")
        let written = [
            "cassette.jsonl", "report.xml", "report.json", "scopes.adm", "calls.http", "session.adm", "rotated-keys", "snapshot.json", "audit.jsonl",
        ]
        for file in written + kept.map({ "state/" + $0 }) {
            let path = dir + "/" + file
            #expect(FileManager.default.fileExists(atPath: path), "\(file) was not written")
            texts[file] = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
            #expect(mode == 0o600, "\(file) has mode \(String(mode, radix: 8))")
        }
        let secret = Secret(canary)
        for (name, text) in texts {
            #expect(!Redaction.leaks(text, secrets: [secret]), "the canary leaked into \(name)")
        }
        #expect(r.stdout.contains("sk-admin-…"), "the redacted form is shown")
        // rotate's new key is in the file it was saved to, and nowhere else.
        let rotated = texts["rotated-keys"]?.split(separator: "=", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        #expect(rotated.hasPrefix("sk-"), "rotate saved a key: \(r.all)")
        for (name, text) in texts where name != "rotated-keys" {
            #expect(!Redaction.leaks(text, secrets: [Secret(rotated)]), "rotate's new key leaked into \(name)")
        }
    }
}

/// The ids of acknowledged writes, shared by the burst's workers.
final class Acknowledged: Sendable {
    let ids = Mutex<[String]>([])
}
