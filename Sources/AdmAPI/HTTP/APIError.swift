/// An error the API answered with, decoded from either shape it is known to send: the
/// documented object `{"error": {"message", "type", "param", "code"}}` or a bare string
/// `{"error": "…"}` (seen in the first user report). Bodies that are not JSON at all (an HTML
/// error page from a proxy, a truncated body) still give a clear message.
public struct APIError: Sendable, Hashable, CustomStringConvertible {
    /// Which shape the body had.
    public enum Shape: String, Sendable, Hashable {
        case object, string, notJSON
    }

    public let status: Int
    public let message: String
    public let type: String?
    public let param: String?
    public let code: String?
    public let shape: Shape

    public init(status: Int, message: String, type: String? = nil, param: String? = nil, code: String? = nil, shape: Shape = .object) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.shape = shape
    }

    /// Decodes an error response; nil for a success status.
    public static func decode(_ response: WireResponse) -> APIError? {
        guard !response.isSuccess else { return nil }
        let contentType = response.header("content-type")?.lowercased() ?? ""
        if (300..<400).contains(response.status) {
            // The transport never follows a redirect: the key would travel with it.
            let target = response.header("location").map { " to \(APIPath.authority(of: $0).isEmpty ? $0 : APIPath.authority(of: $0))" } ?? ""
            return APIError(
                status: response.status,
                message:
                    "HTTP \(response.status): the server redirected\(target); adm does not follow redirects (the key would go with it): check --base-url",
                shape: .notJSON
            )
        }
        if response.body.isEmpty {
            return APIError(
                status: response.status,
                message: "HTTP \(response.status) \(reasonPhrase(response.status)) with an empty body",
                shape: .notJSON
            )
        }
        do {
            let json = try JSON.parse(bytes: response.body)
            switch json["error"] {
            case .object?:
                let e = json["error"]!
                return APIError(
                    status: response.status,
                    message: e["message"]?.stringValue ?? "(no message)",
                    type: e["type"]?.stringValue,
                    param: e["param"]?.stringValue,
                    code: e["code"]?.stringValue,
                    shape: .object
                )
            case .string(let s)?:
                return APIError(status: response.status, message: s, shape: .string)
            default:
                return APIError(
                    status: response.status,
                    message: "HTTP \(response.status) with a JSON body that has no 'error' field",
                    shape: .notJSON
                )
            }
        } catch {
            let kind =
                contentType.contains("html") || response.bodyText.lowercased().contains("<html")
                ? "an HTML page"
                : "a body that is not valid JSON" + (contentType.isEmpty ? "" : " (\(contentType.split(separator: ";").first ?? ""))")
            let title = htmlTitle(response.bodyText).map { " (\"\($0)\")" } ?? ""
            return APIError(
                status: response.status,
                message: "HTTP \(response.status) \(reasonPhrase(response.status)) with \(kind)\(title): \(error)",
                shape: .notJSON
            )
        }
    }

    /// Scopes named by a missing-scope message (`Missing scopes: a, b.`).
    public var missingScopes: [String] { Self.scopes(after: "Missing scopes:", in: message) }

    /// Scopes named by `Request includes unauthorized scopes: X.`.
    public var unauthorizedScopes: [String] { Self.scopes(after: "unauthorized scopes:", in: message) }

    public var isMissingScope: Bool { !missingScopes.isEmpty }

    static func scopes(after marker: String, in message: String) -> [String] {
        guard let r = message.firstRange(of: marker) else { return [] }
        var rest = message[r.upperBound...]
        // The list ends at ". " (a sentence end) or the end of the message.
        if let end = rest.firstRange(of: ". ") { rest = rest[..<end.lowerBound] }
        return rest.split(separator: ",").map {
            var s = $0.trimmingCharacters(in: " ")
            while s.hasSuffix(".") { s.removeLast() }
            return s
        }.filter { !$0.isEmpty }
    }

    /// `401 invalid_request_error: You have insufficient permissions …`.
    public var description: String {
        var head = "\(status)"
        if let code { head += " \(code)" } else if let type { head += " \(type)" }
        if let param { head += " (param \(param))" }
        return "\(head): \(message)"
    }

    static func htmlTitle(_ text: String) -> String? {
        guard let a = text.firstRange(of: "<title>"), let b = text[a.upperBound...].firstRange(of: "</title>") else { return nil }
        return String(text[a.upperBound..<b.lowerBound]).trimmingCharacters(in: " \n\t")
    }

    /// The standard reason phrase for common statuses.
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Payload Too Large"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return ""
        }
    }
}

extension StringProtocol {
    /// The string without leading and trailing Unicode scalars from `set`.
    ///
    /// By scalars, not `Character`s: Swift reads `"\r\n"` as one `Character`, which is in no set
    /// of single characters, so a key file saved on Windows kept its line end (and sent it in the
    /// Authorization header).
    package func trimmingCharacters(in set: String) -> String {
        let chars = Set(set.unicodeScalars)
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !chars.contains($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !chars.contains($0) })!
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[first...last])
        return String(out)
    }
}
