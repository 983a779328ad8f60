/// The outcome of one call: the response (after any retries), its JSON, and the decoded error.
public struct CallResult: Sendable {
    public var call: Call
    public var response: WireResponse
    /// The body as JSON, when it is JSON.
    public var json: JSON?
    /// The decoded error for a non-2xx status.
    public var error: APIError?
    /// Attempts made (1 when the first one answered for good).
    public var attempts: Int
    /// What the retry logic did: the retries made, or why none was made.
    public var notes: [String]
    public var elapsed: Duration

    public var status: Int { response.status }
    public var isSuccess: Bool { response.isSuccess }
}

/// Sends admin calls: builds the URL from the base URL and the call, adds the credential,
/// retries by `RetryPolicy`, decodes JSON and errors. Cancellation (Ctrl-C) stops it at once,
/// including during a backoff wait. Calls with a key the server has rate-limited wait their turn
/// (`RateLimitPacer`), which copies of a client share.
public struct AdminClient: Sendable {
    public var baseURL: String
    public var transport: any Transport
    public var retry: RetryPolicy
    public var timeout: Duration
    /// Sent as `OpenAI-Organization` when set.
    public var organization: String?
    /// Turns for rate-limited keys, shared by every copy of this client.
    public let pacer = RateLimitPacer()

    public init(baseURL: String, transport: any Transport, retry: RetryPolicy = RetryPolicy(),
                timeout: Duration = .seconds(60), organization: String? = nil)
    {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.transport = transport
        self.retry = retry
        self.timeout = timeout
        self.organization = organization
    }

    /// The wire request for a call (no credential: the transport adds it).
    public func wireRequest(for call: Call) -> WireRequest {
        var headers: [Header] = []
        if let organization { headers.append(Header("OpenAI-Organization", organization)) }
        return WireRequest(method: call.method, url: baseURL + call.pathAndQuery, headers: headers, body: call.body?.bytes())
    }

    /// Sends `call` with `key`. `onRetry` hears about each retry before its wait.
    public func send(_ call: Call, key: Secret?, onRetry: (@Sendable (String, Double) -> Void)? = nil) async throws(CallFailure) -> CallResult {
        let request = wireRequest(for: call)
        let clock = ContinuousClock()
        let start = clock.now
        var attempt = 1
        var rateLimited = 0
        var notes: [String] = []
        let paceKey = key?.unredacted ?? ""
        while true {
            while let wake = pacer.turn(for: paceKey) {
                do { try await Task.sleep(until: wake, clock: .continuous) } catch {
                    throw CallFailure(error: .cancelled, attempts: attempt, notes: notes)
                }
            }
            let response: WireResponse
            let sent = ContinuousClock.now
            do {
                response = try await transport.send(request, credential: key, timeout: timeout)
            } catch {
                if error == .cancelled { throw CallFailure(error: error, attempts: attempt, notes: notes) }
                switch retry.decide(method: call.method, error: error, attempt: attempt) {
                case .retry(let delay, let reason):
                    notes.append("retry \(attempt) after \(reason), waited \(Self.format(delay)) s")
                    onRetry?(reason, delay)
                    try await Self.sleep(delay, attempts: attempt, notes: notes)
                    attempt += 1
                    continue
                case .stop(let note):
                    if let note { notes.append(note) }
                    throw CallFailure(error: error, attempts: attempt, notes: notes)
                }
            }
            switch retry.decide(method: call.method, response: response, attempt: attempt, rateLimited: rateLimited) {
            case .retry(let delay, let reason):
                notes.append("retry \(attempt) after \(reason), waited \(Self.format(delay)) s")
                onRetry?(reason, delay)
                if response.status == 429, RetryPolicy.serverDelay(response) != nil {
                    // The pacer holds this and every other call with the key until its turn.
                    pacer.limited(paceKey, wait: delay, sent: sent)
                    rateLimited += 1
                } else {
                    try await Self.sleep(delay, attempts: attempt, notes: notes)
                }
                attempt += 1
                continue
            case .stop(let note):
                if let note { notes.append(note) }
            }
            if response.status != 429 { pacer.succeeded(paceKey) }
            let json = response.body.isEmpty ? nil : try? JSON.parse(bytes: response.body)
            return CallResult(
                call: call, response: response, json: json, error: APIError.decode(response),
                attempts: attempt, notes: notes, elapsed: clock.now - start)
        }
    }

    static func sleep(_ seconds: Double, attempts: Int, notes: [String]) async throws(CallFailure) {
        do {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        } catch {
            throw CallFailure(error: .cancelled, attempts: attempts, notes: notes)
        }
    }

    static func format(_ s: Double) -> String {
        let ms = (s * 1000).rounded()
        return ms < 1000 ? "0.\(String(Int(ms)).leftPadded(to: 3))" : TransportError.format((s * 100).rounded() / 100)
    }
}

extension String {
    package func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// A call that got no usable response: the transport error, and what the retry logic did.
public struct CallFailure: Error, Sendable, CustomStringConvertible {
    public let error: TransportError
    public let attempts: Int
    public let notes: [String]

    public var description: String {
        let retried = attempts > 1 ? " (after \(attempts) attempts)" : ""
        let note = notes.last.flatMap { $0.hasPrefix("retry") ? nil : "; " + $0 } ?? ""
        return error.description + retried + note
    }
}
