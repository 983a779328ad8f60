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
}

@Suite("Fan-out under a rate limit")
struct RateLimitTests {
    @Test("a fan-out faster than the key's rate limit finishes every call, paced instead of hammering")
    func pacedFanOut() async throws {
        var options = SandboxOptions()
        options.rateLimitPerSecond = 20
        try await withSandbox(options) { s in
            _ = try await s.control(.post, "seed", .obj(["kind": "projects", "count": 39]))
            let shell = s.shell()
            let counting = CountingTransport(s.transport)
            shell.client.transport = counting
            shell.client.retry = RetryPolicy()
            // 42 calls, 8 in flight, 20 allowed a second (a bucket of 20 to start).
            try await shell.run("let ids = projects --all | .data[].id; keys --project $ids --quiet")
            let results = shell.session.last?["results"]?.arrayValue ?? []
            #expect(results.count == 40)
            #expect(results.allSatisfy { $0["status"] == 200 })
            let seen = counting.statuses.withLock { $0 }
            #expect(seen[200] == 42)  // two pages of projects, then 40 listings
            // The 8 calls in flight when the bucket runs dry are refused; after that, few. (Unpaced,
            // the workers collide until one spends its 20 waits and the fan-out fails.)
            #expect((seen[429] ?? 0) <= 16, "\(seen)")
        }
    }
}
