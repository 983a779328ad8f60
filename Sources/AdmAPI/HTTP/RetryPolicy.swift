/// When and how long to wait before trying a call again, as the official SDK does it: capped
/// exponential backoff with jitter, a server-given delay (`retry-after-ms`, `Retry-After`) when
/// it is at most two minutes, and `x-should-retry` obeyed. (A 429 is not a failure to retry:
/// `AdminClient` waits it out at the pace `RateLimitScheduler` learns.)
///
/// Only calls that cannot be applied twice are retried after they may have reached the server:
/// GET and DELETE always; a POST only when the request provably never left (no connection).
public struct RetryPolicy: Sendable, Hashable {
    public var maxRetries: Int = 2
    public var initialDelay: Double = 0.5
    public var maxDelay: Double = 8
    /// Server delays longer than this are not waited for.
    public var maxServerDelay: Double = 120

    public init(maxRetries: Int = 2, initialDelay: Double = 0.5, maxDelay: Double = 8) {
        self.maxRetries = maxRetries
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxRetries: 0)

    /// Statuses worth another try (for methods safe to repeat). A 429 is not among them: it is
    /// the rate limit, which `AdminClient` waits out.
    public static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 409 || status >= 500
    }

    /// The decision after one attempt.
    public enum Decision: Sendable, Equatable {
        case retry(after: Double, reason: String)
        case stop(note: String?)
    }

    /// Whether to retry after a response. `attempt` counts the attempts so far.
    public func decide(method: HTTPMethod, response: WireResponse, attempt: Int) -> Decision {
        guard Self.isRetryable(status: response.status) else { return .stop(note: nil) }
        if let should = response.header("x-should-retry")?.lowercased(), should == "false" {
            return .stop(note: "not retried: the server said x-should-retry: false")
        }
        if method == .post {
            return .stop(note: "not retried: a POST that reached the server may already have been applied")
        }
        let server = Self.serverDelay(response)
        if attempt > maxRetries {
            return .stop(note: maxRetries > 0 ? "gave up after \(maxRetries) retr\(maxRetries == 1 ? "y" : "ies")" : nil)
        }
        let reason = "HTTP \(response.status)"
        if let server {
            if server > maxServerDelay {
                return .stop(note: "not retried: the server asked to wait \(Formatting.duration(server))")
            }
            return .retry(after: server, reason: reason + " (server asked to wait \(Formatting.number(server, decimals: 3)) s)")
        }
        return .retry(after: backoff(attempt: attempt), reason: reason)
    }

    /// Whether to retry after a transport failure.
    public func decide(method: HTTPMethod, error: TransportError, attempt: Int) -> Decision {
        guard error.isTransient else { return .stop(note: nil) }
        if method == .post && !error.requestNeverSent {
            return .stop(note: "not retried: a POST that may have reached the server is never repeated")
        }
        guard attempt <= maxRetries else {
            return .stop(note: maxRetries > 0 ? "gave up after \(maxRetries) retr\(maxRetries == 1 ? "y" : "ies")" : nil)
        }
        return .retry(after: backoff(attempt: attempt), reason: error.description)
    }

    /// `initialDelay × 2^(attempt-1)`, capped, times a jitter in [0.75, 1].
    public func backoff(attempt: Int) -> Double {
        let base = min(maxDelay, initialDelay * Double(1 << min(max(attempt - 1, 0), 20)))
        return base * Double.random(in: 0.75...1.0)
    }

    /// The delay a response asks for: `retry-after-ms`, else `Retry-After` in seconds or as an
    /// HTTP date, else what `x-ratelimit-*-requests` imply (below). What is not a finite,
    /// non-negative number (or a date) is ignored, as if the header were not there; how long
    /// adm actually waits is capped by its callers (`EndpointRate.longestServerWait`).
    public static func serverDelay(_ response: WireResponse, now: Double = UnixTime.precise()) -> Double? {
        if let ms = response.header("retry-after-ms").flatMap({ Double($0.trimmingCharacters(in: " ")) }), ms.isFinite, ms >= 0 {
            return ms / 1000
        }
        if let text = response.header("retry-after")?.trimmingCharacters(in: " ") {
            if let s = Double(text), s.isFinite, s >= 0 { return s }
            if let date = HTTPDate.parse(text) { return max(0, Double(date) - now) }
        }
        return rateLimitHeadersDelay(response)
    }

    /// OpenAI's other APIs say how full the bucket is: `x-ratelimit-limit-requests` (its size),
    /// `x-ratelimit-remaining-requests`, and `x-ratelimit-reset-requests` (`6m0s`, `20ms`: until
    /// it is full again). The missing tokens come back in that time, so one comes back in
    /// reset / (limit − remaining). No witness has seen these on the admin endpoints; when they
    /// come, adm waits for that one token instead of searching for it.
    static func rateLimitHeadersDelay(_ response: WireResponse) -> Double? {
        // Doubles, and only sane values: `limit: 9223372036854775807, remaining: -1` once
        // overflowed an `Int` subtraction.
        guard let limit = response.header("x-ratelimit-limit-requests").flatMap({ Double($0.trimmingCharacters(in: " ")) }),
            let remaining = response.header("x-ratelimit-remaining-requests").flatMap({ Double($0.trimmingCharacters(in: " ")) }),
            let reset = response.header("x-ratelimit-reset-requests").flatMap({ Durations.parse($0.trimmingCharacters(in: " ")) }),
            limit.isFinite, remaining.isFinite, reset.isFinite, remaining >= 0, remaining < limit, reset >= 0
        else { return nil }
        return reset / (limit - remaining)
    }
}
