import AdmAPI

/// An error answer of the emulated API: status, the error object, and extra headers. The
/// constructors carry the real API's exact wording where it is known (reference §5).
struct APIFailure: Error, Sendable {
    var status: Int
    var message: String
    var type: String = "invalid_request_error"
    var param: String?
    var code: String?
    /// `{"error": "…"}` instead of the documented object (seen in the first user report).
    var bareString = false
    var headers: [Header] = []

    var body: JSON {
        if bareString { return .obj(["error": .string(message)]) }
        return .obj([
            "error": .obj([
                "message": .string(message),
                "type": .string(type),
                "param": param.map(JSON.string) ?? .null,
                "code": code.map(JSON.string) ?? .null,
            ])
        ])
    }

    /// E1: the missing-scope 401 of admin endpoints.
    static func missingScopes(_ scopes: [String]) -> APIFailure {
        APIFailure(
            status: 401,
            message:
                "You have insufficient permissions for this operation. Missing scopes: \(scopes.joined(separator: ", ")). Check that you have the correct role in your organization, and if you're using a restricted API key, that it has the necessary scopes."
        )
    }

    /// E9: an unknown key, echoed masked.
    static func incorrectKey(_ value: String) -> APIFailure {
        APIFailure(
            status: 401,
            message: "Incorrect API key provided: \(maskKey(value)). You can find your API key at https://platform.openai.com/account/api-keys.",
            code: "invalid_api_key"
        )
    }

    static let noKey = APIFailure(
        status: 401,
        message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys."
    )

    /// E10: no such route.
    static func invalidURL(_ method: String, _ path: String) -> APIFailure {
        APIFailure(status: 404, message: "Invalid URL (\(method) \(path))")
    }

    /// E11: the server error, naming the request id.
    static func serverError(requestID: String) -> APIFailure {
        APIFailure(
            status: 500,
            message:
                "The server had an error processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if you keep seeing this error. (Please include the request ID \(requestID) in your email.)",
            type: "server_error"
        )
    }

    static let invalidJSON = APIFailure(
        status: 400,
        message:
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)"
    )

    static func missingParameter(_ name: String) -> APIFailure {
        APIFailure(status: 400, message: "Missing required parameter: '\(name)'.", param: name, code: "missing_required_parameter")
    }

    static func invalidType(_ name: String, expected: String, got: JSON) -> APIFailure {
        APIFailure(
            status: 400,
            message: "Invalid type for '\(name)': expected \(expected), but got \(got.isNull ? "null" : article(got.typeName)) instead.",
            param: name,
            code: "invalid_type"
        )
    }

    static func invalidValue(_ name: String, _ value: String, supported: [String]) -> APIFailure {
        let list = supported.map { "'\($0)'" }
        let joined = list.count <= 1 ? list.joined() : list.dropLast().joined(separator: ", ") + " and " + list.last!
        return APIFailure(status: 400, message: "Invalid value: '\(value)'. Supported values are: \(joined).", param: name, code: "invalid_value")
    }

    static func belowMinimum(_ name: String, _ minimum: Int, got: Int) -> APIFailure {
        APIFailure(
            status: 400,
            message: "Invalid '\(name)': integer below minimum value. Expected a value >= \(minimum), but got \(got) instead.",
            param: name,
            code: "integer_below_min_value"
        )
    }

    static func aboveMaximum(_ name: String, _ maximum: Int, got: Int) -> APIFailure {
        APIFailure(
            status: 400,
            message: "Invalid '\(name)': integer above maximum value. Expected a value <= \(maximum), but got \(got) instead.",
            param: name,
            code: "integer_above_max_value"
        )
    }

    static func unknownParameter(_ name: String) -> APIFailure {
        APIFailure(status: 400, message: "Unrecognized request argument supplied: \(name)", param: name)
    }

    static func invalid(_ message: String, param: String? = nil, code: String? = nil) -> APIFailure {
        APIFailure(status: 400, message: message, param: param, code: code)
    }

    /// 404 for an unknown id (the real wording was not found publicly; this is our choice).
    static func notFound(_ what: String, _ id: String, param: String? = nil) -> APIFailure {
        APIFailure(status: 404, message: "No \(what) found with id '\(id)'.", param: param, code: "not_found")
    }

    /// E8: scopes the organization may not grant.
    static func unauthorizedScopes(_ scopes: [String]) -> APIFailure {
        APIFailure(
            status: 400,
            message: "Request includes unauthorized scopes: \(scopes.joined(separator: ", ")). Please check and remove these scopes.",
            param: "scopes"
        )
    }

    static func archived(_ projectID: String) -> APIFailure {
        APIFailure(status: 400, message: "Project \(projectID) is archived and cannot be modified.", param: "project_id", code: "project_archived")
    }

    /// The live Admin API's refusal (reference §11): a bare 429, no `Retry-After`, no
    /// `x-ratelimit-*`; `retryAfter` adds the header the spec allows (whole seconds, ≥ 1), and
    /// `bucket` the `x-ratelimit-*-requests` headers of OpenAI's other APIs (size, tokens left,
    /// seconds until full).
    static func rateLimited(retryAfter wait: Double?, bucket: (limit: Int, remaining: Int, untilFull: Double)? = nil) -> APIFailure {
        var headers = wait.map { [Header("Retry-After", String(max(1, Int($0.rounded(.up)))))] } ?? []
        if let bucket {
            headers += [
                Header("x-ratelimit-limit-requests", String(bucket.limit)),
                Header("x-ratelimit-remaining-requests", String(bucket.remaining)),
                Header("x-ratelimit-reset-requests", Durations.goStyle(bucket.untilFull)),
            ]
        }
        return APIFailure(
            status: 429,
            message: "You're making too many requests, please slow down.",
            type: "requests",
            code: "rate_limit_exceeded",
            headers: headers
        )
    }

    static func storage(_ detail: String) -> APIFailure {
        APIFailure(status: 500, message: "The sandbox could not save this change: \(detail)", type: "server_error")
    }

    /// `sk-admin*fake`: the first 8 characters, a star per hidden one, the last 4 (as the real
    /// API echoes a wrong key).
    static func maskKey(_ value: String) -> String {
        guard value.count > 12 else { return String(repeating: "*", count: value.count) }
        return String(value.prefix(8)) + String(repeating: "*", count: value.count - 12) + String(value.suffix(4))
    }

    static func article(_ type: String) -> String {
        (["a", "e", "i", "o", "u"].contains(type.prefix(1)) ? "an " : "a ") + type
    }
}
