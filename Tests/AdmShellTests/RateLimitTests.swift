import AdmAPI
import AdmSandbox
import AdmShell
import AdmTestSupport
import Synchronization
import Testing

/// Counts the statuses a transport sees.
final class CountingTransport: Transport {
    let inner: any Transport
    let statuses = Mutex<[Int: Int]>([:])
    init(_ inner: any Transport) { self.inner = inner }
    func send(_ request: WireRequest, credential: Secret?, timeout: Duration) async throws(TransportError) -> WireResponse {
        let response = try await inner.send(request, credential: credential, timeout: timeout)
        statuses.withLock { $0[response.status, default: 0] += 1 }
        return response
    }
    func shutdown() async {}
    var refused: Int { statuses.withLock { $0[429] ?? 0 } }
}

@Suite("Bulk work under the sandbox's rate limit")
struct RateLimitTests {
    /// A shell on `s` whose calls are counted, retrying as a user's would.
    func countedShell(_ s: TestSandbox) -> (Interpreter, CountingTransport) {
        let shell = s.shell()
        let counting = CountingTransport(s.transport)
        shell.configuration.transport = counting
        shell.configuration.retry = RetryPolicy()
        return (shell, counting)
    }

    @Test(
        "a fan-out faster than the endpoint's limit finishes every call, paced (a bare 429, as the live API)",
        arguments: ["120/min,burst=5", "120/min,burst=5,retry-after", "120/min,burst=5,ratelimit-headers"]
    )
    func pacedFanOut(rule: String) async throws {
        try await withSandbox(SandboxOptions().limited(try RateLimitRule.parse(rule))) { s in
            _ = try await s.control(.post, "seed", .obj(["kind": "projects", "count": 12]))
            let (shell, counting) = countedShell(s)
            try await shell.run("let ids = projects --all | .data[].id")
            let beforeFanOut = counting.refused
            // 13 listings with 8 in flight against 5 at once and 2 a second: without pacing the
            // workers collide until the fan-out fails.
            try await shell.run("keys --project $ids --quiet")
            let results = shell.session.last?["results"]?.arrayValue ?? []
            #expect(results.count == 13)
            #expect(results.allSatisfy { $0["status"] == 200 })
            // Paced, not a storm: fewer refusals than calls. (The targets — time within 1.15× the
            // floor, refusals within burst + 3 — are timing goals: the simulated-time tests of
            // EndpointRate and Scripts/bench hold adm to them.)
            #expect(counting.refused - beforeFanOut < 13)
        }
    }

    @Test("past --max-wait a fan-out stops: the error names the endpoint, the pace it saw and --max-wait; $_ keeps what finished")
    func maxWait() async throws {
        // Two at once, then one every 30 s: with --max-wait 2s the third listing waits too long.
        try await withSandbox(SandboxOptions().limited(try RateLimitRule.parse("2/min,burst=2"))) { s in
            _ = try await s.control(.post, "seed", .obj(["kind": "projects", "count": 5]))
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            shell.configuration.maxRateLimitWait = .seconds(2)
            try await shell.run("let ids = projects --all | .data[].id")
            await shell.runInteractive("keys --project $ids --quiet")
            let endpoint = "GET /organization/projects/{project_id}/api_keys"
            #expect(out.errors.contains("rate limited: \(endpoint) "), "\(out.errors)")
            #expect(out.errors.contains("past --max-wait (2 s)"), "\(out.errors)")
            #expect(out.errors.contains("raise --max-wait"))
            let last = shell.session.last
            let finished = last?["results"]?.arrayValue?.filter { $0["status"] == 200 }.count ?? 0
            #expect(finished == 2, "the burst went through: \(String(describing: last))")
            #expect(finished + (last?["remaining"]?.arrayValue?.count ?? 0) == 6, "what finished and what remains make the whole input")
        }
    }

    @Test("the completion cache's refresh takes only a spare token: nothing while a call waits for one, no refusal of its own")
    func backgroundYields() async throws {
        // Two at once, then one every 10 s.
        try await withSandbox(SandboxOptions().limited(try RateLimitRule.parse("6/min,burst=2"))) { s in
            let (shell, counting) = countedShell(s)
            let client = shell.client
            let key = s.key("owner")
            let call = Call(endpoint: nil, method: .get, path: "/organization/projects")
            // Nothing learned, nobody waiting: the refresh goes.
            #expect(try await client.sendIfSpare(call, key: key)?.status == 200)
            #expect(try await client.send(call, key: key).status == 200)
            // The bucket is empty: the next call is refused and waits for a token.
            let waiting = Task { try await client.send(call, key: key) }
            let deadline = ContinuousClock.now + .seconds(30)
            while counting.refused == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(counting.refused == 1, "waited 30 s for the third call to be refused")
            let sent = counting.statuses.withLock { $0.values.reduce(0, +) }
            // While it waits, a refresh does not go: the token that comes back is the waiting call's.
            #expect(try await client.sendIfSpare(call, key: key) == nil)
            #expect(counting.statuses.withLock { $0.values.reduce(0, +) } == sent)
            waiting.cancel()
            _ = await waiting.result
        }
    }

    @Test("a listing of many pages finishes paced", arguments: ["120/min,burst=2", "120/min,burst=2,retry-after"])
    func pacedListing(rule: String) async throws {
        try await withSandbox(SandboxOptions().limited(try RateLimitRule.parse(rule))) { s in
            _ = try await s.control(.post, "seed", .obj(["kind": "projects", "count": 30]))
            let (shell, counting) = countedShell(s)
            try await shell.run("projects --all --limit 5 --quiet")
            #expect(shell.session.last?["count"] == 31)
            #expect(shell.session.last?["pages"] == 7)
            #expect(counting.refused < 7)
        }
    }
}
