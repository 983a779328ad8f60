/// One admin call, fully resolved: the operation (when the catalog knows it), the concrete path,
/// the query and the JSON body. The shell keeps the last calls for `retry-with` and `repro`.
public struct Call: Sendable, Hashable {
    public var endpoint: Endpoint?
    public var method: HTTPMethod
    /// The concrete path relative to the base URL: `/organization/projects/proj_1`.
    public var path: String
    public var query: [QueryItem]
    public var body: JSON?

    public init(endpoint: Endpoint?, method: HTTPMethod, path: String, query: [QueryItem] = [], body: JSON? = nil) {
        self.endpoint = endpoint
        self.method = method
        self.path = path
        self.query = query
        self.body = body
    }

    /// Builds the call for `endpoint` with its path parameters filled in.
    public init(_ endpoint: Endpoint, pathParameters: [String: String], query: [QueryItem] = [], body: JSON? = nil) {
        var path = ""
        for segment in endpoint.segments {
            switch segment {
            case .literal(let l): path += "/" + l
            case .parameter(let p): path += "/" + QueryItem.percentEncode(pathParameters[p] ?? "{\(p)}", allowSlash: false, allowColon: true)
            }
        }
        self.init(endpoint: endpoint, method: endpoint.method, path: path, query: query, body: body)
    }

    /// `/organization/projects?limit=5`.
    public var pathAndQuery: String {
        query.isEmpty ? path : path + "?" + QueryItem.encode(query)
    }

    /// `GET /organization/projects?limit=5`.
    public var summary: String { "\(method.rawValue) \(pathAndQuery)" }

    /// The same call on another page.
    public func with(query name: String, _ value: String) -> Call {
        var copy = self
        copy.query.removeAll { $0.name == name }
        copy.query.append(QueryItem(name, value))
        return copy
    }
}

/// A query parameter. Arrays are sent the way the official SDK sends them, `name[]=a&name[]=b`,
/// and nested objects as `name[key]=value`.
public typealias QueryItem = Named<String>

extension Named<String> {
    /// The items for one parameter and its JSON value.
    public static func items(name: String, value: JSON) -> [QueryItem] {
        switch value {
        case .array(let items):
            let key = name.hasSuffix("[]") ? name : name + "[]"
            return items.map { QueryItem(key, scalarText($0)) }
        case .object(let members):
            return members.flatMap { items(name: "\(name)[\($0.key)]", value: $0.value) }
        case .null:
            return []
        default:
            return [QueryItem(name, scalarText(value))]
        }
    }

    static func scalarText(_ value: JSON) -> String {
        switch value {
        case .string(let s): return s
        case .null: return ""
        default: return value.serialized()
        }
    }

    public static func encode(_ items: [QueryItem]) -> String {
        items.map { percentEncode($0.name, allowSlash: true, allowBrackets: true) + "=" + percentEncode($0.value, allowSlash: true) }
            .joined(separator: "&")
    }

    /// Percent-encodes everything but unreserved characters (and `/`, `[`, `]` when allowed).
    public static func percentEncode(_ s: String, allowSlash: Bool, allowBrackets: Bool = false, allowColon: Bool = false) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(UnicodeScalar(b))
            if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || c == "-" || c == "_" || c == "." || c == "~" || (allowSlash && c == "/")
                || (allowBrackets && (c == "[" || c == "]")) || (allowColon && (c == ":" || c == "@"))
            {
                out.append(c)
            } else {
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// Decodes `%XX` and `+` (as space).
    public static func percentDecode(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        var i = s.utf8.startIndex
        let u = s.utf8
        while i < u.endIndex {
            let b = u[i]
            if b == UInt8(ascii: "%"), let h1 = u.index(i, offsetBy: 1, limitedBy: u.endIndex), h1 < u.endIndex,
                let h2 = u.index(i, offsetBy: 2, limitedBy: u.endIndex), h2 < u.endIndex,
                let v = UInt8(String(decoding: [u[h1], u[h2]], as: UTF8.self), radix: 16)
            {
                bytes.append(v)
                i = u.index(i, offsetBy: 3)
            } else {
                bytes.append(b == UInt8(ascii: "+") ? 0x20 : b)
                i = u.index(after: i)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses `a=1&b[]=2` into items.
    public static func parse(_ query: Substring) -> [QueryItem] {
        query.split(separator: "&").map { pair in
            if let eq = pair.firstIndex(of: "=") {
                return QueryItem(percentDecode(pair[..<eq]), percentDecode(pair[pair.index(after: eq)...]))
            }
            return QueryItem(percentDecode(pair), "")
        }
    }
}
