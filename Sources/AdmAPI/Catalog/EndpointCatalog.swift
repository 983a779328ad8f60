/// The endpoint catalog: every admin operation (the spec's 122 and the 24 more the official SDK
/// calls), with lookups by id, by SDK method and by a concrete request path.
public enum EndpointCatalog {
    /// All operations, in the spec's path order.
    public static var all: [Endpoint] { generated }

    private static let byID: [String: Endpoint] = Dictionary(uniqueKeysWithValues: generated.map { ($0.id, $0) })

    /// The operation with this id (`list-projects`).
    public static func endpoint(id: String) -> Endpoint? { byID[id] }

    /// A request path matched to an operation, with the path parameters it carries.
    public struct Match: Sendable {
        public let endpoint: Endpoint
        public let parameters: [String: String]
    }

    /// The operation for `method` and a concrete path (`/organization/projects/proj_1`), or nil.
    /// Literal segments win over parameters (`/certificates/activate` is not a certificate id).
    public static func match(method: HTTPMethod, path: String) -> Match? {
        let parts = splitPath(path)
        var best: (index: Int, parameters: [String: String], literals: Int)?
        for i in candidates[Shape(method: method, segments: parts.count)] ?? [] {
            if let (params, literals) = bind(generated[i].segments, parts), literals > (best?.literals ?? -1) {
                best = (i, params, literals)
            }
        }
        return best.map { Match(endpoint: generated[$0.index], parameters: $0.parameters) }
    }

    /// The operation for `method` and a path written either way: a template
    /// (`/organization/projects/{project_id}`, no parameters bound) or a concrete path.
    public static func resolve(method: HTTPMethod, path: String) -> Match? {
        if path.contains("{") {
            return all.first { $0.method == method && $0.path == path }.map { Match(endpoint: $0, parameters: [:]) }
        }
        return match(method: method, path: path)
    }

    /// The methods some operation serves at this concrete path (for 405-style hints).
    public static func methods(forPath path: String) -> [HTTPMethod] {
        let parts = splitPath(path)
        return HTTPMethod.allCases.filter { m in
            (candidates[Shape(method: m, segments: parts.count)] ?? []).contains { bind(generated[$0].segments, parts) != nil }
        }
    }

    /// A method and a path length: the only operations a request path can match.
    private struct Shape: Hashable {
        let method: HTTPMethod
        let segments: Int
    }

    /// Indexes into `generated` by shape, so matching a request looks at a handful of
    /// operations and copies none (it runs on every sandbox request).
    private static let candidates: [Shape: [Int]] = Dictionary(
        grouping: generated.indices,
        by: { Shape(method: generated[$0].method, segments: generated[$0].segments.count) }
    )

    static func splitPath(_ path: String) -> [Substring] {
        APIPath.split(path).path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func bind(_ segments: [PathSegment], _ parts: [Substring]) -> ([String: String], Int)? {
        var params: [String: String] = [:]
        var literals = 0
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let l):
                guard l == part else { return nil }
                literals += 1
            case .parameter(let name):
                params[name] = part.contains("%") ? QueryItem.percentDecode(part) : String(part)
            }
        }
        return (params, literals)
    }
}
