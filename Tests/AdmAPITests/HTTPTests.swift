import AdmAPI
import AdmHTTP
import Testing

@Suite("API errors")
struct APIErrorTests {
    func response(_ status: Int, _ body: String, type: String = "application/json") -> WireResponse {
        WireResponse(status: status, headers: [Header("Content-Type", type)], body: Array(body.utf8))
    }

    @Test("decodes the documented error object")
    func object() {
        let e = APIError.decode(
            response(
                401,
                #"{"error":{"message":"You have insufficient permissions for this operation. Missing scopes: api.management.read. Check that you have the correct role in your organization, and if you're using a restricted API key, that it has the necessary scopes.","type":"invalid_request_error","param":null,"code":null}}"#
            )
        )
        #expect(e?.shape == .object)
        #expect(e?.type == "invalid_request_error")
        #expect(e?.missingScopes == ["api.management.read"])
    }

    @Test("decodes a bare-string error, as in the first user report")
    func string() {
        let e = APIError.decode(
            response(
                401,
                #"{"error":"You have insufficient permissions for this operation. Missing scopes: api.management.write. Check that you have the correct role in your organization, and if you're using a restricted API key, that it has the necessary scopes."}"#
            )
        )
        #expect(e?.shape == .string)
        #expect(e?.missingScopes == ["api.management.write"])
    }

    @Test("reads several missing scopes and unauthorized scopes")
    func scopeLists() {
        #expect(
            APIError(status: 401, message: "…Missing scopes: api.responses.read, api.responses.write").missingScopes == [
                "api.responses.read", "api.responses.write",
            ]
        )
        #expect(
            APIError(status: 400, message: "Request includes unauthorized scopes: api.all.read. Please check and remove these scopes.")
                .unauthorizedScopes == ["api.all.read"]
        )
    }

    @Test("explains bodies that are not JSON")
    func notJSON() {
        let html = APIError.decode(response(502, "<html><head><title>502 Bad Gateway</title></head></html>", type: "text/html"))
        #expect(html?.shape == .notJSON)
        #expect(html?.message.hasPrefix("HTTP 502 Bad Gateway with an HTML page (\"502 Bad Gateway\")") == true)
        let truncated = APIError.decode(response(500, #"{"error":{"mess"#))
        #expect(
            truncated?.message
                == "HTTP 500 Internal Server Error with a body that is not valid JSON (application/json): unterminated string at line 1, column 16"
        )
        #expect(APIError.decode(response(503, "", type: ""))?.message == "HTTP 503 Service Unavailable with an empty body")
        #expect(APIError.decode(response(200, "{}")) == nil)
    }
}

@Suite("Retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy(maxRetries: 2, initialDelay: 0.5, maxDelay: 8)

    func response(_ status: Int, _ headers: [Header] = []) -> WireResponse { WireResponse(status: status, headers: headers) }

    @Test("retries GET and DELETE on 5xx, never a POST that reached the server")
    func idempotency() {
        guard case .retry = policy.decide(method: .get, response: response(500), attempt: 1) else {
            Issue.record("GET 500 not retried")
            return
        }
        guard case .retry = policy.decide(method: .delete, response: response(503), attempt: 1) else {
            Issue.record("DELETE 503 not retried")
            return
        }
        #expect(
            policy.decide(method: .post, response: response(500), attempt: 1)
                == .stop(note: "not retried: a POST that reached the server may already have been applied")
        )
        #expect(policy.decide(method: .get, response: response(404), attempt: 1) == .stop(note: nil))
    }

    @Test("x-ratelimit-*-requests give the wait for one token: reset ÷ the tokens missing")
    func rateLimitHeaders() {
        func delay(_ limit: String, _ remaining: String, _ reset: String) -> Double? {
            RetryPolicy.serverDelay(
                response(
                    429,
                    [
                        Header("x-ratelimit-limit-requests", limit), Header("x-ratelimit-remaining-requests", remaining),
                        Header("x-ratelimit-reset-requests", reset),
                    ]
                )
            )
        }
        #expect(delay("60", "0", "6m0s") == 6)
        #expect(delay("8", "0", "52.5s") == 6.5625)
        #expect(delay("7", "3", "1m30s") == 22.5)
        #expect(delay("1", "0", "20ms") == 0.02)
        #expect(delay("7", "7", "0s") == nil, "a full bucket names no wait")
        #expect(delay("7", "0", "soon") == nil)
        #expect(delay("x", "0", "1s") == nil)
        // Retry-After, when both come, is the server's own word.
        #expect(
            RetryPolicy.serverDelay(
                response(
                    429,
                    [
                        Header("Retry-After", "3"), Header("x-ratelimit-limit-requests", "1"),
                        Header("x-ratelimit-remaining-requests", "0"), Header("x-ratelimit-reset-requests", "9s"),
                    ]
                )
            ) == 3
        )
        #expect(Durations.parse("1m30.5s") == 90.5)
        #expect(Durations.goStyle(90.5) == "1m30.5s")
        #expect(Durations.goStyle(0.02) == "20ms")
    }

    @Test("a server-named delay is honoured up to two minutes; x-should-retry: false is obeyed")
    func serverDelay() {
        #expect(
            policy.decide(method: .get, response: response(503, [Header("retry-after-ms", "250")]), attempt: 1)
                == .retry(after: 0.25, reason: "HTTP 503 (server asked to wait 0.25 s)")
        )
        #expect(
            policy.decide(method: .get, response: response(503, [Header("Retry-After", "2")]), attempt: 1)
                == .retry(after: 2, reason: "HTTP 503 (server asked to wait 2 s)")
        )
        #expect(
            policy.decide(method: .get, response: response(503, [Header("Retry-After", "600")]), attempt: 1)
                == .stop(note: "not retried: the server asked to wait 10 min")
        )
        #expect(
            policy.decide(method: .get, response: response(500, [Header("x-should-retry", "false")]), attempt: 1)
                == .stop(note: "not retried: the server said x-should-retry: false")
        )
        #expect(RetryPolicy.none.decide(method: .get, response: response(503), attempt: 1) == .stop(note: nil))
    }

    @Test("stops after the last retry, and backs off exponentially with jitter, capped")
    func backoff() {
        #expect(policy.decide(method: .get, response: response(500), attempt: 3) == .stop(note: "gave up after 2 retries"))
        for attempt in 1...10 {
            let d = policy.backoff(attempt: attempt)
            let base = min(8, 0.5 * Double(1 << (attempt - 1)))
            #expect(d >= base * 0.75 && d <= base)
        }
    }

    @Test("a POST is retried only when the request provably never left")
    func transport() {
        guard case .retry = policy.decide(method: .post, error: .connect(host: "h", reason: "connection refused"), attempt: 1) else {
            Issue.record("a refused connection should be retried")
            return
        }
        #expect(
            policy.decide(method: .post, error: .connectionClosed(host: "h"), attempt: 1)
                == .stop(note: "not retried: a POST that may have reached the server is never repeated")
        )
        guard case .retry = policy.decide(method: .get, error: .connectionClosed(host: "h"), attempt: 1) else {
            Issue.record("a GET whose connection dropped should be retried")
            return
        }
    }
}

@Suite("Transport safety")
struct TransportSafetyTests {
    @Test("plain http is refused for a non-loopback host")
    func noDowngrade() {
        #expect(throws: TransportError.insecureURL("http://api.openai.com/v1")) { try HTTPTransport.validate(baseURL: "http://api.openai.com/v1") }
        #expect(throws: Never.self) { try HTTPTransport.validate(baseURL: "http://127.0.0.1:8080/v1") }
        #expect(throws: Never.self) { try HTTPTransport.validate(baseURL: "http://localhost:1/v1") }
        #expect(throws: Never.self) { try HTTPTransport.validate(baseURL: "https://api.openai.com/v1") }
        #expect(throws: Never.self) { try HTTPTransport.validate(baseURL: "http://[::1]:8080/v1") }
        #expect(throws: Never.self) { try HTTPTransport.validate(baseURL: "HTTPS://api.openai.com/v1") }
        // A name that starts like a loopback address resolves anywhere: the key would travel in clear.
        for url in ["http://127.0.0.1.nip.io/v1", "http://127.example.com/v1", "http://127.0.0.1x/v1", "http://localhost.example.com/v1"] {
            #expect(throws: TransportError.insecureURL(url)) { try HTTPTransport.validate(baseURL: url) }
        }
    }

    @Test("a refused connection is reported clearly")
    func refused() async throws {
        let transport = try HTTPTransport()
        defer { Task { await transport.shutdown() } }
        let client = AdminClient(baseURL: "http://127.0.0.1:9", transport: transport, retry: .none)
        do {
            _ = try await client.send(Call(endpoint: nil, method: .get, path: "/x"), key: nil)
            Issue.record("expected a failure")
        } catch {
            #expect(error.description == "could not connect to 127.0.0.1:9: connection refused")
        }
    }
}

@Suite("URLs taken apart")
struct APIPathTests {
    @Test(
        "the authority, host and target of a URL, with or without a scheme, port or path",
        arguments: [
            ("https://api.openai.com/v1", "api.openai.com", "api.openai.com", "/v1"),
            ("http://127.0.0.1:8080/v1/organization/projects?limit=5", "127.0.0.1:8080", "127.0.0.1", "/v1/organization/projects?limit=5"),
            ("http://[::1]:9/v1", "[::1]:9", "[::1]", "/v1"),
            ("https://example.com?x=a://b", "example.com", "example.com", "/?x=a://b"),
            ("example.com:443/v1", "example.com:443", "example.com", "/v1"),
            ("https:/", "https:", "https", "/"),
            ("https://", "", "", "/"),
        ]
    )
    func parts(url: String, authority: String, host: String, target: String) {
        #expect(APIPath.authority(of: url) == authority)
        #expect(APIPath.host(of: url) == host)
        #expect(APIPath.target(of: url) == target)
    }
}
