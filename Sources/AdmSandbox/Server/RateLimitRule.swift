import AdmAPI

/// The sandbox's rate limit: a token bucket per key (or per organization) and endpoint (method
/// and path template), as users observed on the live Admin API (reference §11): about 7–10
/// requests a minute per endpoint, refused with a bare 429 — no `Retry-After`, no
/// `x-ratelimit-*`. The spec allows an optional `Retry-After`, which `retry-after` adds;
/// `ratelimit-headers` adds the `x-ratelimit-*-requests` headers OpenAI's other APIs send (no
/// witness has seen them on the admin endpoints; they are here so that a client's use of them
/// can be tried).
///
/// Written `off`, `realistic` (8/min, burst 7), or
/// `N/min[,burst=B][,scope=key|org][,retry-after][,ratelimit-headers]` (`N/s` too).
public struct RateLimitRule: Sendable, Hashable, CustomStringConvertible {
    /// Who shares a bucket: each key on its own, or the whole organization.
    public enum Scope: String, Sendable, Hashable { case key, org }

    /// Tokens added per minute.
    public var perMinute: Double
    /// The bucket's size: requests that may go at once after a quiet spell.
    public var burst: Int
    public var scope: Scope
    /// Whether a refusal carries `Retry-After` (whole seconds until the next token).
    public var retryAfter: Bool
    /// Whether a refusal carries `x-ratelimit-limit-requests` (the bucket's size),
    /// `x-ratelimit-remaining-requests` and `x-ratelimit-reset-requests` (until it is full).
    public var rateLimitHeaders: Bool

    public init(perMinute: Double, burst: Int = 7, scope: Scope = .key, retryAfter: Bool = false, rateLimitHeaders: Bool = false) {
        self.perMinute = perMinute
        self.burst = burst
        self.scope = scope
        self.retryAfter = retryAfter
        self.rateLimitHeaders = rateLimitHeaders
    }

    /// What was observed on the live API: 8 a minute, 7 at once, per key and endpoint, no hint.
    public static let realistic = RateLimitRule(perMinute: 8, burst: 7)

    /// Parses a rule; nil for `off`.
    public static func parse(_ text: String) throws(SandboxError) -> RateLimitRule? {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: " ") }
        guard let first = parts.first, !first.isEmpty else { throw .badRequest(usage) }
        if parts.count == 1, first == "off" { return nil }
        if parts.count == 1, first == "realistic" { return .realistic }
        var rule: RateLimitRule
        if first.hasSuffix("/min"), let n = Double(first.dropLast(4)), n > 0 {
            rule = RateLimitRule(perMinute: n)
        } else if first.hasSuffix("/s"), let n = Double(first.dropLast(2)), n > 0 {
            rule = RateLimitRule(perMinute: n * 60)
        } else {
            throw .badRequest("'\(first)' is not a rate; \(usage)")
        }
        for option in parts.dropFirst() {
            let kv = option.split(separator: "=", maxSplits: 1).map(String.init)
            switch (kv[0], kv.count) {
            case ("burst", 2):
                guard let b = Int(kv[1]), b >= 1 else { throw .badRequest("burst must be a whole number ≥ 1, got '\(kv[1])'") }
                rule.burst = b
            case ("scope", 2):
                guard let s = Scope(rawValue: kv[1]) else { throw .badRequest("scope must be key or org, got '\(kv[1])'") }
                rule.scope = s
            case ("retry-after", 1):
                rule.retryAfter = true
            case ("ratelimit-headers", 1):
                rule.rateLimitHeaders = true
            default:
                throw .badRequest("unknown rate-limit option '\(option)'; \(usage)")
            }
        }
        return rule
    }

    static let usage = "expected off, realistic, or N/min[,burst=B][,scope=key|org][,retry-after][,ratelimit-headers]"

    public var description: String {
        var s = Formatting.number(perMinute) + "/min,burst=\(burst),scope=\(scope.rawValue)"
        if retryAfter { s += ",retry-after" }
        if rateLimitHeaders { s += ",ratelimit-headers" }
        return s
    }

    /// The description of an optional rule (`off` for none).
    public static func describe(_ rule: RateLimitRule?) -> String { rule?.description ?? "off" }
}
