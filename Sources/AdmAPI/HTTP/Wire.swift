/// A request as it goes on the wire, minus the credential: the key travels beside it as a
/// `Secret` and only the transport turns it into an Authorization header, so anything that
/// records, logs or prints a `WireRequest` cannot leak it.
public struct WireRequest: Sendable, Hashable {
    public var method: HTTPMethod
    /// The absolute URL, query included.
    public var url: String
    public var headers: [Header]
    public var body: [UInt8]?

    public init(method: HTTPMethod, url: String, headers: [Header] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public var bodyText: String? { body.map { String(decoding: $0, as: UTF8.self) } }
}

/// A header name and value.
public typealias Header = Named<String>

/// A response as received.
public struct WireResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [Header]
    public var body: [UInt8]

    public init(status: Int, headers: [Header] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header with this name (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first(where: { $0.name.lowercased() == lower })?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The server's request id (`x-request-id`), which support asks for.
    public var requestID: String? { header("x-request-id") }
}

/// Why a request got no HTTP response. Every case reads as one clear sentence.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case insecureURL(String)
    case connect(host: String, reason: String)
    case connectTimeout(host: String, seconds: Double)
    case timeout(seconds: Double)
    case connectionClosed(host: String)
    case tls(host: String, reason: String)
    case responseTooLarge(limit: Int)
    case cancelled
    case noRecording(String)
    case other(String)

    public var description: String {
        switch self {
        case .invalidURL(let u): return "invalid URL '\(u)'"
        case .insecureURL(let u): return "refusing plain http:// for a non-loopback host (\(u)): keys would travel unencrypted; use https://"
        case .connect(let h, let r): return "could not connect to \(h): \(r)"
        case .connectTimeout(let h, let s): return "could not connect to \(h) within \(Formatting.number(s)) s (connect timeout)"
        case .timeout(let s): return "no complete response within \(Formatting.number(s)) s (request timeout; change it with --timeout)"
        case .connectionClosed(let h): return "\(h) closed the connection before a complete response"
        case .tls(let h, let r): return "TLS with \(h) failed: \(r)"
        case .responseTooLarge(let limit): return "response body larger than \(limit / 1_048_576) MiB; refused"
        case .cancelled: return "cancelled"
        case .noRecording(let what): return "the cassette holds no response for \(what)"
        case .other(let m): return m
        }
    }

    /// The same error with every form of `secret` in its text replaced by the redacted form: the
    /// text of a library's error can quote the request's headers.
    public func scrubbing(_ secret: Secret?) -> TransportError {
        guard let secret else { return self }
        let scrub = { (text: String) in Redaction.scrub(text, secrets: [secret]) }
        switch self {
        case .invalidURL(let u): return .invalidURL(scrub(u))
        case .insecureURL(let u): return .insecureURL(scrub(u))
        case .connect(let h, let r): return .connect(host: scrub(h), reason: scrub(r))
        case .connectionClosed(let h): return .connectionClosed(host: scrub(h))
        case .connectTimeout(let h, let s): return .connectTimeout(host: scrub(h), seconds: s)
        case .tls(let h, let r): return .tls(host: scrub(h), reason: scrub(r))
        case .noRecording(let w): return .noRecording(scrub(w))
        case .other(let m): return .other(scrub(m))
        case .timeout, .responseTooLarge, .cancelled: return self
        }
    }

    /// Whether the request certainly never reached the server (so even a POST may be retried).
    public var requestNeverSent: Bool {
        switch self {
        case .connect, .connectTimeout, .invalidURL, .insecureURL, .tls: return true
        default: return false
        }
    }

    /// Whether trying again could help.
    public var isTransient: Bool {
        switch self {
        case .connect, .connectTimeout, .timeout, .connectionClosed: return true
        default: return false
        }
    }
}

/// Something that sends a request and returns the response: the real HTTP client, or a
/// cassette replaying recorded responses.
public protocol Transport: Sendable {
    /// Sends `request`, authenticated with `credential` when given.
    func send(_ request: WireRequest, credential: Secret?, timeout: Duration) async throws(TransportError) -> WireResponse
    /// Releases connections and threads.
    func shutdown() async
}
