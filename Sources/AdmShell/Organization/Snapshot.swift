import AdmAPI

/// The organization's configuration as one JSON document — projects and their settings,
/// members and roles, groups, roles, service accounts, rate limits, spend alerts and limits,
/// data retention, model and hosted-tool permissions, key metadata — never a secret. Lists keep
/// the order the API gives (creation order, stable between snapshots) and objects a fixed field
/// order, so two snapshots diff cleanly and a twin lists things as the organization does
/// (`diff` matches items by id, and ignores what changes by use alone, `last_used_at`). What the key could not read is
/// recorded as `{"unreadable": "<status> <message>"}` rather than left out; a setting that is
/// not set (a 404 for a spend limit) is null.
///
/// A snapshot is also what a twin is built from (`adm --sandbox --twin FILE`): version 2 records
/// what a twin needs that version 1 left out (when people joined, keys' last use and expiry,
/// invites' ids, archive times, model and hosted-tool permissions).
struct Snapshot {
    let reader: OrgReader

    /// The per-project reads, in the order they appear under each project.
    static let perProject: [(field: String, endpoint: Endpoint)] = [
        ("members", .listProjectUsers), ("groups", .listProjectGroups), ("service_accounts", .listProjectServiceAccounts),
        ("keys", .listProjectApiKeys), ("rate_limits", .listProjectRateLimits), ("spend_alerts", .listProjectSpendAlerts),
        ("spend_limit", .getProjectSpendLimit), ("data_retention", .retrieveProjectDataRetention),
        ("model_permissions", .retrieveProjectModelPermissions), ("hosted_tool_permissions", .retrieveProjectHostedToolPermissions),
    ]

    /// The format's version: 2 adds what a twin needs (see the type's comment).
    static let version = 2

    /// The query a per-project read asks with: every key, the ones the API hides by default
    /// (their owner lost access to the project) included.
    static func query(_ endpoint: Endpoint) -> [QueryItem] {
        endpoint == .listProjectApiKeys ? [QueryItem("owner_project_access", "any")] : []
    }

    /// Reads the organization.
    func take() async throws(ShellError) -> JSON {
        let users = try await reader.all(.listUsers)
        let projects = try await reader.all(.listProjects, query: [QueryItem("include_archived", "true")])
        let emails = Dictionary(users.compactMap { u in u["id"]?.stringValue.map { ($0, u["email"] ?? .null) } }, uniquingKeysWith: { a, _ in a })
        // Organization-wide reads, then each project's, interleaved by endpoint.
        var requests: [OrgReader.Request] = [
            (.listInvites, [:], []), (.listGroups, [:], []), (.listRoles, [:], []), (.adminApiKeysList, [:], []),
            (.listOrganizationSpendAlerts, [:], []), (.getOrganizationSpendLimit, [:], []), (.retrieveOrganizationDataRetention, [:], []),
        ]
        for project in projects {
            for (_, endpoint) in Self.perProject {
                requests.append((endpoint, ["project_id": project["id"]?.stringValue ?? ""], Self.query(endpoint)))
            }
        }
        let listings = await reader.many(requests, concurrency: min(64, max(8, Self.perProject.count * 2)))
        if Task.isCancelled { throw .cancelled() }
        // A part not read is recorded as unreadable, never as empty: `diff` then refuses to call it removed.
        func part(_ index: Int, single: Bool = false) -> JSON {
            switch listings[index] {
            case .items(let items, _)?: return single ? (items.first ?? .null) : .array(items)
            case .refused(let r)? where single && r.status == 404: return .null  // no such setting: none set
            case .refused(let r)? where r.status == 429: return .obj(["unreadable": "rate limited past --max-wait"])
            case .refused(let r)?: return .obj(["unreadable": .string("\(r.status) \(r.error?.message ?? "")")])
            case .failed(let f)?: return .obj(["unreadable": .string(f.description)])
            case nil: return .obj(["unreadable": "not read (the rate limit stopped the snapshot past --max-wait)"])
            }
        }
        let groups = part(1).arrayValue ?? []
        var groupMembers: [JSON] = []
        if !groups.isEmpty {
            let members = await reader.many(groups.map { (.listGroupUsers, ["group_id": $0["id"]?.stringValue ?? ""], []) }, concurrency: 8)
            groupMembers = members.map { listing in
                .array(
                    (listing?.items ?? []).compactMap { m in m["email"] ?? m["user_id"].flatMap { emails[$0.stringValue ?? ""] } ?? m["id"] }
                )
            }
        }
        var document: JSON = .obj([
            "object": "organization.snapshot", "version": .int(Self.version), "organization": shell.session.organizationID.map(JSON.string) ?? .null,
            "taken_at": .string(UnixTime.iso8601(UnixTime.now())),
        ])
        document["users"] = .array(users.map { Self.pick($0, ["id", "name", "email", "role", "added_at"]) })
        document["invites"] = Self.list(part(0), ["id", "email", "role", "status", "created_at", "expires_at", "projects"])
        document["groups"] = .array(
            zip(groups, groupMembers).map { g, members in
                var out = Self.pick(g, ["id", "name", "group_type", "is_scim_managed"])
                out["members"] = members
                return out
            }
        )
        document["roles"] = Self.list(part(2), ["id", "name", "resource_type", "predefined_role", "permissions"])
        document["admin_keys"] = Self.list(part(3), ["id", "name", "redacted_value", "owner", "created_at", "expires_at", "last_used_at"])
        document["spend_alerts"] = Self.list(part(4), ["id", "threshold_amount", "currency", "interval", "notification_channel"])
        document["spend_limit"] = part(5, single: true)
        document["data_retention"] = part(6, single: true)
        var projectDocs: [JSON] = []
        for (n, project) in projects.enumerated() {
            var doc = Self.pick(project, ["id", "name", "status", "created_at", "archived_at"])
            for (k, (field, endpoint)) in Self.perProject.enumerated() {
                let value = part(7 + n * Self.perProject.count + k, single: !endpoint.paging.isPaged)
                doc[field] = Self.projectPart(field, value)
            }
            projectDocs.append(doc)
        }
        document["projects"] = .array(projectDocs)
        return document
    }

    var shell: CommandContext { reader.shell }

    /// The parts of a snapshot recorded as unreadable: their paths and reasons.
    static func unreadable(_ value: JSON, path: String = "") -> [(path: String, reason: String)] {
        if let reason = SnapshotDiff.unreadableReason(value) { return [(path, reason)] }
        switch value {
        case .object(let members): return members.flatMap { unreadable($0.value, path: path.isEmpty ? $0.key : path + "." + $0.key) }
        case .array(let items): return items.flatMap { unreadable($0, path: path + "[" + SnapshotDiff.label($0) + "]") }
        default: return []
        }
    }

    static func projectPart(_ field: String, _ value: JSON) -> JSON {
        switch field {
        case "members": return list(value, ["id", "email", "name", "role"])
        case "groups": return list(value, ["group_id", "group_name", "role"])
        case "service_accounts": return list(value, ["id", "name", "role", "created_at"])
        case "keys":
            return list(value, ["id", "name", "redacted_value", "owner", "owner_project_access", "created_at", "expires_at", "last_used_at"])
        case "rate_limits":
            return list(
                value,
                ["id", "model", "max_requests_per_1_minute", "max_tokens_per_1_minute", "max_requests_per_1_day", "max_images_per_1_minute"]
            )
        case "spend_alerts": return list(value, ["id", "threshold_amount", "currency", "interval", "notification_channel"])
        default: return value
        }
    }

    /// The fields of `item` named in `fields`, in that order (the ones it has).
    static func pick(_ item: JSON, _ fields: [String]) -> JSON {
        .object(fields.compactMap { f in item[f].map { JSON.Member(f, $0) } })
    }

    /// A list's items narrowed to `fields`, in the API's order; an unreadable part as it is.
    static func list(_ value: JSON, _ fields: [String]) -> JSON {
        guard let items = value.arrayValue else { return value }
        return .array(items.map { pick($0, fields) })
    }

}

/// What differs between two snapshots, path by path, with names where ids are not telling:
/// `projects[Search].members[ada@example.com].role: member → owner`.
enum SnapshotDiff {
    /// One difference between two snapshots, at a path that names things (`projects[Billing].name`).
    struct Change {
        /// What happened at the path (`unreadable`: one side could not be read, so nothing is
        /// known of it; it is not a difference).
        enum Kind: String { case added, removed, changed, unreadable }
        let kind: Kind
        let path: String
        let before: JSON?
        let after: JSON?
    }

    /// Fields that say when, not what: when the snapshot was taken, when a key was last used
    /// (it changes by use alone).
    static let ignored: Set<String> = ["taken_at", "last_used_at"]

    /// `{"unreadable": reason}`: a part a snapshot could not read.
    static func unreadableReason(_ value: JSON) -> String? {
        guard case .object(let members) = value, members.count == 1, members[0].key == "unreadable" else { return nil }
        return members[0].value.stringValue ?? "unreadable"
    }

    static func changes(_ a: JSON, _ b: JSON, path: String = "") -> [Change] {
        // What one side could not read is not compared: never called removed, added or changed.
        if unreadableReason(a) != nil || unreadableReason(b) != nil {
            return a == b && unreadableReason(a) != nil ? [] : [Change(kind: .unreadable, path: path, before: a, after: b)]
        }
        switch (a, b) {
        case (.object(let x), .object(let y)):
            var out: [Change] = []
            let keys = x.map(\.key) + y.map(\.key).filter { k in !x.contains { $0.key == k } }
            for k in keys where !ignored.contains(k) {
                let p = path.isEmpty ? k : path + "." + k
                switch (a[k], b[k]) {
                case (let u?, let v?): out += changes(u, v, path: p)
                case (let u?, nil): out.append(Change(kind: .removed, path: p, before: u, after: nil))
                case (nil, let v?): out.append(Change(kind: .added, path: p, before: nil, after: v))
                default: break
                }
            }
            return out
        case (.array(let x), .array(let y)) where (x + y).allSatisfy({ identity($0) != nil }):
            var out: [Change] = []
            let before = Dictionary(x.map { (identity($0)!, $0) }, uniquingKeysWith: { a, _ in a })
            let after = Dictionary(y.map { (identity($0)!, $0) }, uniquingKeysWith: { a, _ in a })
            for item in x {
                let id = identity(item)!
                let p = path + "[" + label(item) + "]"
                if let other = after[id] {
                    out += changes(item, other, path: p)
                } else {
                    out.append(Change(kind: .removed, path: p, before: item, after: nil))
                }
            }
            for item in y where before[identity(item)!] == nil {
                out.append(Change(kind: .added, path: path + "[" + label(item) + "]", before: nil, after: item))
            }
            return out
        default:
            return a == b ? [] : [Change(kind: .changed, path: path, before: a, after: b)]
        }
    }

    /// How an item is matched across snapshots: its id, else its email, else its name.
    static func identity(_ item: JSON) -> String? {
        for k in ["id", "email", "group_id", "name"] { if let v = item[k]?.stringValue { return k + ":" + v } }
        return nil
    }

    /// How an item is named in a path: its name or email, else its id.
    static func label(_ item: JSON) -> String {
        for k in ["name", "email", "group_name", "model", "id"] { if let v = item[k]?.stringValue { return v } }
        return "?"
    }
}
