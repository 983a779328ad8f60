import AdmAPI

/// Names for the ids usage and costs carry (the API gives only `project_id` and `api_key_id`):
/// projects from their listing, keys from their projects' key listings (owners who left and
/// service accounts included), looked up once per session. An id nothing can name stays as it
/// is, marked so.
final class NameCache {
    private var projects: [String: String]?
    private var keys: [String: [String: String]] = [:]
    /// Users by id: name or email.
    private var users: [String: String]?

    /// The name of a project, or nil.
    func project(_ id: String, reader: OrgReader) async throws(ShellError) -> String? {
        if projects == nil {
            let list = try await reader.all(.listProjects, query: [QueryItem("include_archived", "true")])
            projects = Dictionary(
                list.compactMap { p in p["id"]?.stringValue.map { ($0, p["name"]?.stringValue ?? $0) } },
                uniquingKeysWith: { a, _ in a }
            )
        }
        return projects?[id]
    }

    /// The ids of the projects called `name` (exactly, then ignoring case).
    func projectIDs(named name: String, reader: OrgReader) async throws(ShellError) -> [String] {
        _ = try await project("", reader: reader)
        let all = projects ?? [:]
        let exact = all.filter { $0.value == name }.map(\.key)
        return (exact.isEmpty ? all.filter { $0.value.lowercased() == name.lowercased() }.map(\.key) : exact).sorted()
    }

    /// The names of the keys of `projectIDs`, read in one go (the projects not read yet).
    func loadKeys(of projectIDs: [String], reader: OrgReader) async throws(ShellError) {
        _ = try await project("", reader: reader)
        let missing = projectIDs.filter { keys[$0] == nil }
        guard !missing.isEmpty else { return }
        let listings = await reader.each(
            .listProjectApiKeys,
            targets: missing.map { ["project_id": $0] },
            query: [QueryItem("owner_project_access", "any")]
        )
        for (id, listing) in zip(missing, listings) {
            guard let items = listing?.items else { continue }
            let project = projects?[id] ?? id
            keys[id] = Dictionary(
                items.compactMap { k in k["id"]?.stringValue.map { ($0, Self.label(k, project: project)) } },
                uniquingKeysWith: { a, _ in a }
            )
        }
    }

    /// `Secret Key (Search, sa:etl-pipeline)`, `ada-laptop (Billing, ada.murphy)`: key names
    /// repeat (every service account's first key is "Secret Key"), their owners do not.
    static func label(_ key: JSON, project: String) -> String {
        let owner = key["owner"]
        let who: String
        if owner?["type"]?.stringValue == "service_account" {
            who = "sa:" + (owner?["service_account"]?["name"]?.stringValue ?? "?")
        } else {
            who =
                (owner?["user"]?["email"]?.stringValue ?? owner?["user"]?["name"]?.stringValue ?? "?").split(separator: "@").first.map(String.init)
                ?? "?"
        }
        return (key["name"]?.stringValue ?? key["id"]?.stringValue ?? "?") + " (\(project), \(who))"
    }

    /// The name of a key of a project loaded with `loadKeys`, or nil.
    func key(_ id: String, project: String?) -> String? {
        if let project, let name = keys[project]?[id] { return name }
        return keys.values.lazy.compactMap { $0[id] }.first
    }

    /// The name (or email) of a user, or nil.
    func user(_ id: String, reader: OrgReader) async throws(ShellError) -> String? {
        if users == nil {
            let list = try await reader.all(.listUsers)
            users = Dictionary(
                list.compactMap { u in u["id"]?.stringValue.map { ($0, u["email"]?.stringValue ?? u["name"]?.stringValue ?? $0) } },
                uniquingKeysWith: { a, _ in a }
            )
        }
        return users?[id]
    }
}
