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
    /// Key values the answer carried, taken out of `json` and `response.body` (which hold their
    /// redacted forms) by `SecretCapture`.
    public var minted: [MintedKey] = []

    public var status: Int { response.status }
    public var isSuccess: Bool { response.isSuccess }

}

extension CallResult {
    /// An answer met elsewhere (a failure someone pastes to be explained), decoded as a live
    /// answer would be; no attempt was made here.
    public init(reported call: Call, response: WireResponse) {
        self.init(
            call: call,
            response: response,
            json: response.body.isEmpty ? nil : try? JSON.parse(bytes: response.body),
            error: APIError.decode(response),
            attempts: 0,
            notes: [],
            elapsed: .zero
        )
    }
}

/// Sends admin calls: builds the URL from the base URL and the call, adds the credential,
/// retries by `RetryPolicy`, decodes JSON and errors. Cancellation (Ctrl-C) stops it at once,
/// including while it waits. Every call asks the `RateLimitScheduler` for its turn first (copies
/// of a client share it): a 429 is waited out at the pace the scheduler learns, never counted
/// against the retry budget, and fails only after `maxRateLimitWait` without a grant.
public struct AdminClient: Sendable {
    public var baseURL: String
    public var transport: any Transport
    public var retry: RetryPolicy
    public var timeout: Duration
    /// Sent as `OpenAI-Organization` when set.
    public var organization: String?
    /// Turns per endpoint, shared by every copy of this client.
    public let scheduler: RateLimitScheduler
    /// How long a call may keep being refused (429) before it fails: `--max-wait`.
    public var maxRateLimitWait: Duration = .seconds(30 * 60)
    /// Where the key values answers carry are kept until the shell adopts them (shared by every
    /// copy of this client).
    public var minted = MintedKeys()
    /// Whole listings read by organization-wide work, reused for a while; every write this
    /// client sends, and every 404 it gets, drops them (shared by every copy of this client).
    public var readings = Readings()

    public init(
        baseURL: String,
        transport: any Transport,
        retry: RetryPolicy = RetryPolicy(),
        timeout: Duration = .seconds(60),
        organization: String? = nil,
        scheduler: RateLimitScheduler = RateLimitScheduler()
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.transport = transport
        self.retry = retry
        self.timeout = timeout
        self.organization = organization
        self.scheduler = scheduler
    }

    /// The wire request for a call (no credential: the transport adds it).
    public func wireRequest(for call: Call) -> WireRequest {
        var headers: [Header] = []
        if let organization { headers.append(Header("OpenAI-Organization", organization)) }
        return WireRequest(method: call.method, url: baseURL + call.pathAndQuery, headers: headers, body: call.body?.bytes())
    }

    /// The rate-limit bucket `call` counts against when sent with `key`.
    public func bucket(for call: Call, key: Secret?) -> RateLimitScheduler.Bucket {
        RateLimitScheduler.Bucket(baseURL: baseURL, key: key, call: call)
    }

    /// Sends `call` with `key`. `onRetry` hears about each retry before its wait.
    public func send(_ call: Call, key: Secret?, onRetry: (@Sendable (String, Double) -> Void)? = nil) async throws(CallFailure) -> CallResult {
        try await send(call, key: key, background: false, onRetry: onRetry)!
    }

    /// Sends `call` only if its endpoint has a token to spare and no call is waiting for one
    /// (the completion cache's refresh); nil when it did not go. A refusal is not waited out.
    public func sendIfSpare(_ call: Call, key: Secret?) async throws(CallFailure) -> CallResult? {
        try await send(call, key: key, background: true, onRetry: nil)
    }

    private func send(
        _ call: Call,
        key: Secret?,
        background: Bool,
        onRetry: (@Sendable (String, Double) -> Void)?
    ) async throws(CallFailure) -> CallResult? {
        let request = wireRequest(for: call)
        // A write may change what any listing holds: what was read is read again next time.
        if call.method != .get { readings.forgetAll() }
        let clock = ContinuousClock()
        let start = clock.now
        let bucket = bucket(for: call, key: key)
        var attempt = 1
        var refusals = 0
        var refusedSince: Double?
        var lastRefusal: WireResponse?
        /// The wait the last refusal named (`Retry-After`), as the server gave it.
        var serverAsked: Double?
        var notes: [String] = []
        func result(_ response: WireResponse) -> CallResult {
            var notes = notes
            if refusals > 0 {
                notes.insert(
                    "refused \(refusals) time\(refusals == 1 ? "" : "s") by the rate limit (429) and waited \(Formatting.number(UnixTime.precise() - (refusedSince ?? 0), decimals: 2)) s",
                    at: 0
                )
            }
            var response = response
            if response.status == 404 { readings.forgetAll() }
            var json = response.body.isEmpty ? nil : try? JSON.parse(bytes: response.body)
            var keys: [MintedKey] = []
            if response.isSuccess, let parsed = json {
                (json, keys) = SecretCapture.extract(from: parsed)
                if !keys.isEmpty {
                    response.body = SecretCapture.redact(response.body, keys: keys)
                    minted.add(keys)
                }
            }
            var result = CallResult(
                call: call,
                response: response,
                json: json,
                error: APIError.decode(response),
                attempts: attempt,
                notes: notes,
                elapsed: clock.now - start
            )
            result.minted = keys
            return result
        }
        /// Follows the retry policy: waits and returns true to try again, noting why; or notes
        /// why not and returns false.
        func retried(_ decision: RetryPolicy.Decision) async throws(CallFailure) -> Bool {
            switch decision {
            case .retry(let delay, let reason):
                notes.append("retry \(attempt) after \(reason), waited \(Formatting.number(delay, decimals: 3)) s")
                onRetry?(reason, delay)
                try await Self.sleep(delay, attempts: attempt, notes: notes)
                attempt += 1
                return true
            case .stop(let note):
                if let note { notes.append(note) }
                return false
            }
        }
        while true {
            if background && attempt == 1 {
                guard scheduler.admitBackground(bucket) else { return nil }
            } else {
                // Once refused, the call may wait until --max-wait from its first refusal.
                let deadline = refusedSince.map { $0 + maxRateLimitWait.inSeconds }
                do { try await scheduler.admit(bucket, deadline: deadline) } catch {
                    switch error {
                    case .cancelled: throw CallFailure(error: .cancelled, attempts: attempt, notes: notes)
                    case .pastDeadline(let turn):
                        // Refused before (a 429 is in hand): give up now, saying when the turn would have come.
                        guard let refusal = lastRefusal else { throw CallFailure(error: .cancelled, attempts: attempt, notes: notes) }
                        notes.append(
                            "gave up: \(bucket.endpoint) would not grant a turn for \(Formatting.duration(turn - UnixTime.precise())), past --max-wait (\(Formatting.duration(maxRateLimitWait.inSeconds)))"
                                + (serverAsked.map { "; the server asked to wait \(Formatting.duration($0))" } ?? "")
                        )
                        return result(refusal)
                    }
                }
            }
            let sent = UnixTime.precise()
            let response: WireResponse
            do {
                response = try await transport.send(request, credential: key, timeout: timeout)
            } catch {
                scheduler.abandon(bucket)
                if error == .cancelled { throw CallFailure(error: error, attempts: attempt, notes: notes) }
                if try await retried(retry.decide(method: call.method, error: error, attempt: attempt - refusals)) { continue }
                throw CallFailure(error: error, attempts: attempt, notes: notes)
            }
            let received = UnixTime.precise()
            let refused = response.status == 429
            let serverWait = refused ? RetryPolicy.serverDelay(response) : nil
            scheduler.record(bucket, sent: sent, received: received, refused: refused, serverWait: serverWait)
            if refused {
                lastRefusal = response
                serverAsked = serverWait
                if let serverWait, serverWait > EndpointRate.longestServerWait, !notes.contains(where: { $0.hasPrefix("the server asked") }) {
                    notes.append(
                        "the server asked to wait \(Formatting.duration(serverWait)); adm waits at most \(Formatting.duration(EndpointRate.longestServerWait)) before asking again"
                    )
                }
                refusals += 1
                let since = refusedSince ?? sent
                refusedSince = since
                if background { return result(response) }
                if response.header("x-should-retry")?.lowercased() == "false" {
                    notes.append("not retried: the server said x-should-retry: false")
                    return result(response)
                }
                let waited = received - since
                let limit = maxRateLimitWait.inSeconds
                if waited >= limit {
                    let outlook = scheduler.outlook(bucket)
                    let pace =
                        outlook.perMinute.map { "it granted about \(Formatting.number($0, decimals: 1)) a minute" }
                        ?? "it granted nothing since the first refusal"
                    notes.append(
                        "gave up: \(bucket.endpoint) kept refusing (429) for \(Formatting.duration(waited)), past --max-wait (\(Formatting.duration(limit))); \(pace)"
                    )
                    return result(response)
                }
                onRetry?("HTTP 429", 0)
                attempt += 1
                continue
            }
            if try await retried(retry.decide(method: call.method, response: response, attempt: attempt - refusals)) { continue }
            return result(response)
        }
    }

    static func sleep(_ seconds: Double, attempts: Int, notes: [String]) async throws(CallFailure) {
        do {
            try await Task.sleep(for: .seconds(clamped: seconds))
        } catch {
            throw CallFailure(error: .cancelled, attempts: attempts, notes: notes)
        }
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
