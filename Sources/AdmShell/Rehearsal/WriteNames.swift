import AdmAPI

/// Names for what a write touches, from the snapshots around a rehearsal: a request to
/// `DELETE /organization/projects/proj_1/api_keys/key_2` reads `Delete project API key
/// grace-laptop (sk-...kqKZ) in Customer Success`.
struct WriteNames {
    /// Id → how it is named (`grace-laptop (sk-...kqKZ)`, `ada@example.com`, `Billing`).
    private var names: [String: String] = [:]

    init(_ snapshots: JSON...) {
        for snapshot in snapshots { index(snapshot) }
    }

    private mutating func index(_ snapshot: JSON) {
        func name(_ item: JSON) -> String? {
            guard let label = item["name"]?.stringValue ?? item["email"]?.stringValue ?? item["group_name"]?.stringValue else { return nil }
            return item["redacted_value"]?.stringValue.map { "\(label) (\($0))" } ?? label
        }
        func add(_ items: JSON?) {
            for item in items?.arrayValue ?? [] {
                guard let id = item["id"]?.stringValue ?? item["group_id"]?.stringValue, names[id] == nil, let n = name(item) else { continue }
                names[id] = n
            }
        }
        for part in ["users", "invites", "groups", "roles", "admin_keys", "spend_alerts", "projects"] { add(snapshot[part]) }
        for project in snapshot["projects"]?.arrayValue ?? [] {
            for part in ["members", "groups", "service_accounts", "keys", "rate_limits", "spend_alerts"] { add(project[part]) }
        }
    }

    /// What `call` does, in words: the operation's title, what it acts on, and where.
    func describe(_ call: Call) -> String {
        guard let match = EndpointCatalog.match(method: call.method, path: call.path) else { return call.summary }
        let endpoint = match.endpoint
        let parameters = match.parameters
        let title = endpoint.title
        var text = !title.isEmpty && title.count <= 48 && !title.hasSuffix(".") ? title : "\(call.method.rawValue) \(endpoint.path)"
        func named(_ id: String) -> String { Cells.inline(names[id] ?? id) }
        let last = endpoint.pathParameters.last
        // A project's own operation (archive, modify) acts on the project; one on a collection
        // under it acts on what the body names.
        let onProject = last == "project_id" && (endpoint.path.hasSuffix("{project_id}") || endpoint.path.hasSuffix("{project_id}/archive"))
        if let last, last != "project_id", let id = parameters[last] {
            text += " " + named(id)
        } else if onProject, let project = parameters["project_id"] {
            return text + " " + named(project)
        } else if let given = call.body?["name"]?.stringValue ?? call.body?["email"]?.stringValue {
            text += " " + Cells.inline(given)
        }
        if let project = parameters["project_id"] { text += " in " + named(project) }
        return text
    }
}
