import AdmAPI
import AdmHTTP
import AdmTestSupport
import Foundation
import Testing

@Suite("Organization-wide jobs of the adm binary", .serialized)
struct OrganizationJobsTests {
    /// How many project keys the sandbox at `baseURL` holds (`sandbox info`).
    func projectKeys(_ transport: HTTPTransport, _ baseURL: String) async throws -> Int {
        let r = try await transport.send(
            WireRequest(method: .get, url: APIPath.sandboxControl(for: baseURL) + "/info"),
            credential: nil,
            timeout: .seconds(10)
        )
        return try JSON.parse(bytes: r.body)["counts"]?["projectKey"]?.intValue ?? -1
    }

    /// Whether a job journal under the state directory `state` records a finished step.
    func journalHasAFinishedStep(_ state: String) -> Bool {
        let jobs = state + "/adm/jobs"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: jobs)) ?? []
        // The journal itself, not the `.tmp-PID` file it is written through: a kill before the
        // rename leaves the journal without the step (a clean-clone CI run caught that window).
        return files.filter { $0.hasSuffix(".json") }.contains { name in
            ((try? String(contentsOfFile: jobs + "/" + name, encoding: .utf8)) ?? "").contains("\"done\"")
        }
    }

    @Test("offboard killed halfway (SIGKILL) finishes when run again: no key of theirs, not a member")
    func offboardResumes() async throws {
        let transport = try HTTPTransport()
        defer { Task { await transport.shutdown() } }
        let dir = temporaryDirectory()
        // 300 ms a request, no rate limit: slow enough to kill in the middle of the deletions.
        let server = try await Adm.Server.start(arguments: ["--rate-limit", "off", "--faults", "latency=300"], keysFile: dir + "/keys")
        defer { server.stop() }
        let state = temporaryDirectory()
        let env = ["XDG_STATE_HOME": state]
        let base = ["--base-url", server.baseURL, "--keys-file", dir + "/keys", "--key", "owner"]
        let seeded = try await Adm.run(base + ["-e", "sandbox seed org --quiet; inventory keys --kind project --json"], environment: env)
        #expect(seeded.status == 0, "\(seeded.all)")
        let rows = (try JSONSerialization.jsonObject(with: Data(seeded.stdout.utf8)) as? [String: Any])?["data"] as? [[String: Any]] ?? []
        var keysByEmail: [String: Int] = [:]
        for r in rows where (r["owner_status"] as? String) == "active" && !((r["flags"] as? [String]) ?? []).contains("project_archived") {
            keysByEmail[(r["owner"] as? [String: Any])?["email"] as? String ?? "", default: 0] += 1
        }
        let email = try #require(keysByEmail.filter { $0.value >= 2 }.keys.sorted().first, "a seeded person with two keys")
        let before = try await projectKeys(transport, server.baseURL)
        let job = Process()
        job.executableURL = URL(fileURLWithPath: Adm.path)
        job.arguments = base + ["-e", "offboard \(email) --yes"]
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = state
        environment["NO_COLOR"] = "1"
        job.environment = environment
        job.standardOutput = FileHandle.nullDevice
        job.standardError = FileHandle.nullDevice
        try job.run()
        // Kill it once its journal holds a finished step (a condition, not a clock; 120 s at the
        // most). Not as soon as the server shows a deletion: the kill could then land between
        // the server's answer and the journal's write, and the rerun would rightly redo that
        // step's plan from the live organization instead of saying "done earlier".
        let deadline = Date().addingTimeInterval(120)
        while !journalHasAFinishedStep(state), job.isRunning, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(job.processIdentifier, SIGKILL)
        try await Adm.offPool { job.waitUntilExit() }
        #expect(job.terminationReason == .uncaughtSignal, "waited for a finished step in the journal; the job ended on its own first")
        #expect(try await projectKeys(transport, server.baseURL) < before)
        let again = try await Adm.run(base + ["-e", "offboard \(email) --yes"], environment: env)
        #expect(again.status == 0, "\(again.all)")
        #expect(again.stdout.contains("done earlier"), "\(again.stdout)")
        let check = try await Adm.run(base + ["-e", "inventory keys --json"], environment: env)
        #expect(!check.stdout.contains("\"\(email)\""))
        let users = try await Adm.run(base + ["-e", "users --all --json"], environment: env)
        #expect(!users.stdout.contains(email))
    }
}
