/// An HTTP method the Admin API uses (it has no PUT or PATCH; updates are POST).
public enum HTTPMethod: String, Sendable, CaseIterable, Hashable {
    case get = "GET"
    case post = "POST"
    case delete = "DELETE"
}

/// How a list operation pages (reference §4).
public enum Paging: String, Sendable, Hashable {
    /// Not a paged list.
    case none
    /// `{object: "list", data, first_id, last_id, has_more}`; the next page is `after=<last_id>`.
    case cursor
    /// The same envelope; the SDK's `CursorPage` asks for `after=<id of the last element>`.
    case cursorByID
    /// `{object: "list", data, has_more, next}`; the next page is `after=<next>`.
    case nextCursor
    /// `{object: "page", data: [bucket], has_more, next_page}`; the next page is `page=<next_page>`.
    case usagePage

    public var isPaged: Bool { self != .none }
}

/// Where the catalog knows an operation from.
public enum EndpointSource: String, Sendable, Hashable {
    /// OpenAI's published OpenAPI document.
    case spec
    /// Only the official Python SDK calls it (newer than the spec snapshot).
    case sdk
}

/// How sure we are of the scope an operation needs (reference §6).
public enum ScopeEvidence: String, Sendable, Hashable {
    /// The scope was attached to this very operation in OpenAI's spec history.
    case documented
    /// A missing-scope error naming it was reported publicly for this endpoint.
    case confirmed
    /// Inferred from the Organization Administration read/write split.
    case inferred
}

/// The type of a query parameter or body field.
public indirect enum FieldType: Sendable, Hashable, CustomStringConvertible {
    case string, integer, number, boolean, object
    case array(FieldType)
    case oneOf([String])

    public var description: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .number: return "number"
        case .boolean: return "boolean"
        case .object: return "object"
        case .array(let t): return "[\(t)]"
        case .oneOf(let values): return values.joined(separator: "|")
        }
    }
}

/// A query parameter or body field of an operation.
public struct Field: Sendable, Hashable {
    public let name: String
    public let type: FieldType
    public let required: Bool
    public let nullable: Bool
    public let defaultValue: String?
    public let minimum: Int?
    public let maximum: Int?
    public let help: String

    public init(
        _ name: String,
        _ type: FieldType,
        required: Bool = false,
        nullable: Bool = false,
        defaultValue: String? = nil,
        minimum: Int? = nil,
        maximum: Int? = nil,
        help: String = ""
    ) {
        self.name = name
        self.type = type
        self.required = required
        self.nullable = nullable
        self.defaultValue = defaultValue
        self.minimum = minimum
        self.maximum = maximum
        self.help = help
    }

    /// The name without a trailing `[]` (the spec spells some array parameters `project_ids[]`).
    public var baseName: String { name.hasSuffix("[]") ? String(name.dropLast(2)) : name }
}

/// One admin operation, described once, as data. Commands, completion, `help`, `scopes`, the
/// generic `call` and the sandbox's router are all driven by these entries.
public struct Endpoint: Sendable, Hashable, Identifiable {
    /// The spec's operationId, or for SDK-only operations a slug of the SDK method.
    public let id: String
    public let method: HTTPMethod
    /// The path template relative to the base URL, e.g. `/organization/projects/{project_id}`.
    public let path: String
    public let title: String
    public let summary: String
    public let source: EndpointSource
    /// `admin.organization.projects.list` (empty when the SDK has no admin method for it).
    public let sdkMethod: String
    public let paging: Paging
    public let category: PermissionCategory
    public let scopeEvidence: ScopeEvidence
    /// The spec's response schema name (empty for SDK-only operations).
    public let response: String
    public let bodyRequired: Bool
    public let query: [Field]
    public let body: [Field]
    /// The path's template segments, split once.
    public let segments: [PathSegment]
    /// `GET /organization/projects` (every call's rate-limit bucket is named by it).
    public let signature: String

    public init(
        id: String,
        method: HTTPMethod,
        path: String,
        title: String,
        summary: String,
        source: EndpointSource,
        sdkMethod: String,
        paging: Paging,
        category: PermissionCategory,
        scopeEvidence: ScopeEvidence,
        response: String,
        bodyRequired: Bool,
        query: [Field],
        body: [Field]
    ) {
        self.id = id
        self.method = method
        self.path = path
        self.title = title
        self.summary = summary
        self.source = source
        self.sdkMethod = sdkMethod
        self.paging = paging
        self.category = category
        self.scopeEvidence = scopeEvidence
        self.response = response
        self.bodyRequired = bodyRequired
        self.query = query
        self.body = body
        self.segments = PathSegment.split(path)
        self.signature = "\(method.rawValue) \(path)"
    }

    /// Read or write, by method.
    public var access: AccessLevel { method == .get ? .read : .write }

    /// The scope this operation needs.
    public var scope: String {
        access == .write ? (category.writeScope ?? category.readScope) : category.readScope
    }

    /// Names of the `{placeholders}` in the path, in order.
    public var pathParameters: [String] {
        segments.compactMap { if case .parameter(let p) = $0 { return p } else { return nil } }
    }

    /// The largest page `--all` asks for: the `limit` maximum the spec gives, for usage the
    /// maximum of the bucket width (31 days, 168 hours, 1440 minutes), else 100; nil when the
    /// operation takes no `limit`.
    public func largestPage(bucketWidth: String? = nil) -> Int? {
        guard let limit = query.first(where: { $0.name == "limit" }) else { return nil }
        if paging == .usagePage, self != .usageCosts {
            switch bucketWidth {
            case "1m": return 1440
            case "1h": return 168
            default: return 31
            }
        }
        return limit.maximum ?? 100
    }

    /// A query or body field by name (accepting `name` for `name[]`).
    public func field(named name: String) -> Field? {
        query.first(where: { $0.name == name || $0.baseName == name }) ?? body.first(where: { $0.name == name })
    }

    /// Operations are one by id: ids are unique in the catalog (a test holds it), so
    /// comparing and hashing need not walk the fields.
    public static func == (a: Endpoint, b: Endpoint) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// A piece of a path template.
public enum PathSegment: Sendable, Hashable {
    case literal(String)
    case parameter(String)

    static func split(_ path: String) -> [PathSegment] {
        path.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
    }
}
