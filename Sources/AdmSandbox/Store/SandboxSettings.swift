import AdmAPI

/// Sandbox behaviour that is not part of the emulated organization: known-issue modes, the
/// rate limit and injected faults. Changed through the control API.
struct SandboxSettings: Sendable, Hashable {
    /// Known-issue modes switched on (see `KnownIssue`).
    var knownIssues: Set<KnownIssue> = []
    /// The rate limit per key (or organization) and endpoint; nil = none.
    var rateLimit: RateLimitRule? = .realistic
    var faults = Faults()
}

/// Faults injected into the emulated API, for testing clients.
public struct Faults: Sendable, Hashable, CustomStringConvertible {
    /// Added to every request, in milliseconds.
    public var latencyMS: Int = 0
    /// Share of requests answered with a 500 before anything happens (0…1).
    public var errorRate: Double = 0
    /// Share of requests whose connection is cut: half before the request is applied, half after.
    public var resetRate: Double = 0

    public init() {}

    /// Parses `latency=MS,error-rate=P,reset-rate=P`.
    public static func parse(_ text: String) throws(SandboxError) -> Faults {
        var f = Faults()
        for part in text.split(separator: ",") where !part.isEmpty {
            let kv = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: " ") }
            guard kv.count == 2 else { throw .badRequest("fault '\(part)' must be NAME=VALUE") }
            switch kv[0] {
            case "latency":
                guard let ms = Int(kv[1].hasSuffix("ms") ? String(kv[1].dropLast(2)) : kv[1]), ms >= 0 else {
                    throw .badRequest("latency must be milliseconds, got '\(kv[1])'")
                }
                f.latencyMS = ms
            case "error-rate":
                guard let p = Double(kv[1]), (0...1).contains(p) else { throw .badRequest("error-rate must be between 0 and 1") }
                f.errorRate = p
            case "reset-rate":
                guard let p = Double(kv[1]), (0...1).contains(p) else { throw .badRequest("reset-rate must be between 0 and 1") }
                f.resetRate = p
            case "rate-limit":
                throw .badRequest("the rate limit is set on its own: --rate-limit SPEC, or sandbox rate-limit SPEC")
            default:
                throw .badRequest("unknown fault '\(kv[0])': expected latency, error-rate or reset-rate")
            }
        }
        return f
    }

    public var description: String {
        var parts: [String] = []
        if latencyMS > 0 { parts.append("latency=\(latencyMS)") }
        if errorRate > 0 { parts.append("error-rate=\(errorRate)") }
        if resetRate > 0 { parts.append("reset-rate=\(resetRate)") }
        return parts.isEmpty ? "none" : parts.joined(separator: ",")
    }
}

/// Publicly reported behaviours of the real API that the sandbox can reproduce on request.
public enum KnownIssue: String, Sendable, CaseIterable, Hashable {
    /// An admin key first created with restricted permissions keeps them after it is widened
    /// (even to All); a key created with All is not affected. Errors come as a bare string.
    case stalePermissions = "stale-permissions"
    /// Costs come with `amount.value` as a string (`"12.50"`) instead of a number.
    case costAmountStrings = "cost-amount-strings"

    public var summary: String {
        switch self {
        case .stalePermissions:
            return "widening a key first created restricted does not take effect (errors as a bare string)"
        case .costAmountStrings:
            return "costs give amount.value as a string (\"12.50\") instead of a number"
        }
    }

    /// The public report it reproduces.
    public var citation: String {
        switch self {
        case .stalePermissions:
            return
                "community.openai.com/t/admin-api-key-doesnt-work-unless-explicit-permissions-are-given/1368874 (confirmed by the forum moderator, Dec 2025)"
        case .costAmountStrings:
            return "github.com/steipete/CodexBar/issues/999 (a client broke on a string amount from the costs endpoint)"
        }
    }
}

/// An error in sandbox control (not an emulated API error).
public enum SandboxError: Error, Sendable, CustomStringConvertible {
    case badRequest(String)
    case notFound(String)
    case storage(String)

    public var description: String {
        switch self {
        case .badRequest(let m), .notFound(let m): return m
        case .storage(let m): return "sandbox store: \(m)"
        }
    }
}
