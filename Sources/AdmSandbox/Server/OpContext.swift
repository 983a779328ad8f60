import AdmAPI

/// Everything a handler needs to know about one emulated API request.
struct OpContext: Sendable {
    let endpoint: Endpoint
    /// Path parameters by name.
    let path: [String: String]
    let query: QueryParameters
    /// The JSON body (an object), or `.null` when none was sent.
    let body: JSON
    /// The key that made the request.
    let actor: Actor
    /// Unix seconds.
    let now: Int
    let requestID: String
    /// Known-issue modes switched on.
    var knownIssues: Set<KnownIssue> = []

    /// A path parameter (always present: the router bound it).
    func param(_ name: String) -> String { path[name] ?? "" }

    /// A body field, when present and not null.
    func field(_ name: String) -> JSON? {
        guard let v = body[name], !v.isNull else { return nil }
        return v
    }

    func string(_ name: String) -> String? { field(name)?.stringValue }
}

/// The caller: the key record used, and the user or service account behind it.
struct Actor: Sendable {
    let keyID: String
    let keyKind: Kind
    let userID: String?
    let userEmail: String?

    /// The audit-log `actor` object for this key.
    var auditJSON: JSON {
        var apiKey: JSON = .obj(["id": .string(keyID), "type": "user"])
        if let userID {
            apiKey["user"] = .obj(["id": .string(userID), "email": userEmail.map(JSON.string) ?? .null])
        }
        return .obj(["type": "api_key", "api_key": apiKey])
    }
}

/// Query parameters, accepting both spellings of arrays (`ids=a&ids=b` and `ids[]=a`) and nested
/// objects (`effective_at[gt]=1`).
struct QueryParameters: Sendable {
    let items: [QueryItem]

    init(_ items: [QueryItem]) { self.items = items }

    /// The last value given for `name` (or `name[]`).
    func string(_ name: String) -> String? {
        items.last(where: { $0.name == name || $0.name == name + "[]" })?.value
    }

    func int(_ name: String) -> Int? { string(name).flatMap { Int($0) } }

    func bool(_ name: String) -> Bool? {
        switch string(name)?.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: return nil
        }
    }

    /// Every value for `name` or `name[]`, comma lists split.
    func array(_ name: String) -> [String] {
        let base = name.hasSuffix("[]") ? String(name.dropLast(2)) : name
        return items.filter { $0.name == base || $0.name == base + "[]" }
            .flatMap { $0.value.split(separator: ",").map(String.init) }
    }

    /// `name[key]=value` pairs.
    func object(_ name: String) -> [String: String] {
        var out: [String: String] = [:]
        for item in items where item.name.hasPrefix(name + "[") && item.name.hasSuffix("]") {
            let key = String(item.name.dropFirst(name.count + 1).dropLast())
            if !key.isEmpty { out[key] = item.value }
        }
        return out
    }
}

extension OpContext {
    /// A body field the operation requires, or the missing-parameter 400.
    func required(_ name: String) throws(APIFailure) -> JSON {
        guard let v = field(name) else { throw .missingParameter(name) }
        return v
    }
}
