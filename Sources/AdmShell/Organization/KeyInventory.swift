import AdmAPI

/// Every key of the organization as rows: admin keys, and every project's keys with
/// `owner_project_access=any` (service-account keys among them), each with its owner's status
/// and what is worth a look: never used, idle past the threshold, an owner who lost access to
/// the project or left the organization, an archived project.
struct KeyInventory {
    /// The flags a row can carry, in the order they are shown.
    static let flags = ["never_used", "idle", "owner_inactive", "owner_removed", "project_archived"]
    static let kinds = ["admin", "project", "service_account"]

    let adminKeys: [JSON]
    let projects: [JSON]
    let users: [JSON]
    /// Keys by project id.
    let projectKeys: [String: [JSON]]
    let now: Int
    let idleDays: Int

    /// The rows, admin keys first, then by project name and key name.
    func rows() -> [JSON] {
        let userByID = Dictionary(users.compactMap { u in u["id"]?.stringValue.map { ($0, u) } }, uniquingKeysWith: { a, _ in a })
        var out: [JSON] = []
        for key in adminKeys {
            let ownerID = key["owner"]?["id"]?.stringValue
            let user = ownerID.flatMap { userByID[$0] }
            let owner: JSON = .obj([
                "type": "user", "id": ownerID.map(JSON.string) ?? .null, "name": key["owner"]?["name"] ?? user?["name"] ?? .null,
                "email": user?["email"] ?? .null,
            ])
            let status = ownerID == nil ? "unknown" : user == nil ? "removed" : "active"
            out.append(row(key, kind: "admin", project: nil, owner: owner, ownerStatus: status))
        }
        for project in projects.sorted(by: { name($0) < name($1) }) {
            guard let pid = project["id"]?.stringValue else { continue }
            for key in (projectKeys[pid] ?? []).sorted(by: { ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "") }) {
                let ownerObject = key["owner"]
                if ownerObject?["type"]?.stringValue == "service_account" {
                    let sa = ownerObject?["service_account"]
                    let owner: JSON = .obj(["type": "service_account", "id": sa?["id"] ?? .null, "name": sa?["name"] ?? .null, "email": .null])
                    out.append(row(key, kind: "service_account", project: project, owner: owner, ownerStatus: "service_account"))
                    continue
                }
                let u = ownerObject?["user"]
                let userID = u?["id"]?.stringValue
                let owner: JSON = .obj([
                    "type": "user", "id": userID.map(JSON.string) ?? .null, "name": u?["name"] ?? .null, "email": u?["email"] ?? .null,
                ])
                let status: String
                if let userID, userByID[userID] == nil {
                    status = "removed"
                } else if key["owner_project_access"]?.stringValue == "inactive" {
                    status = "inactive"
                } else {
                    status = "active"
                }
                out.append(row(key, kind: "project", project: project, owner: owner, ownerStatus: status))
            }
        }
        return out
    }

    func name(_ project: JSON) -> String { project["name"]?.stringValue ?? project["id"]?.stringValue ?? "" }

    func row(_ key: JSON, kind: String, project: JSON?, owner: JSON, ownerStatus: String) -> JSON {
        let created = key["created_at"]?.intValue
        let lastUsed = key["last_used_at"]?.intValue
        let idle = (lastUsed ?? created).map { max(0, (now - $0) / 86400) }
        var flags: [String] = []
        if lastUsed == nil { flags.append("never_used") }
        if let lastUsed, now - lastUsed > idleDays * 86400 { flags.append("idle") }
        if ownerStatus == "inactive" { flags.append("owner_inactive") }
        if ownerStatus == "removed" { flags.append("owner_removed") }
        if project?["status"]?.stringValue == "archived" { flags.append("project_archived") }
        return .obj([
            "kind": .string(kind), "id": key["id"] ?? .null, "name": key["name"] ?? .null, "redacted_value": key["redacted_value"] ?? .null,
            "project_id": project?["id"] ?? .null, "project": project.map { .string(name($0)) } ?? .null,
            "owner": owner, "owner_status": .string(ownerStatus),
            "created_at": key["created_at"] ?? .null, "last_used_at": key["last_used_at"] ?? .null,
            "idle_days": idle.map(JSON.int) ?? .null, "flags": .array(flags.map(JSON.string)),
        ])
    }

    /// `{total, by_flag: {never_used: n, …}, by_kind: {…}}`.
    static func summary(_ rows: [JSON]) -> JSON {
        var byFlag = JSON.obj([:])
        for flag in flags {
            byFlag[flag] = .int(rows.filter { ($0["flags"]?.arrayValue ?? []).contains(.string(flag)) }.count)
        }
        var byKind = JSON.obj([:])
        for kind in kinds { byKind[kind] = .int(rows.filter { $0["kind"]?.stringValue == kind }.count) }
        return .obj(["total": .int(rows.count), "by_kind": byKind, "by_flag": byFlag])
    }

    /// `105 keys (9 admin, 68 project, 28 service-account): 18 never used, 12 idle over 90 days, …`.
    static func summaryLine(_ summary: JSON, idleDays: Int) -> String {
        let kinds = summary["by_kind"]
        let counts = summary["by_flag"]
        let labels = [
            "never_used": "never used", "idle": "idle over \(idleDays) days", "owner_inactive": "owner without access to the project",
            "owner_removed": "owner no longer in the organization", "project_archived": "in archived projects",
        ]
        let parts = flags.compactMap { flag -> String? in
            let n = counts?[flag]?.intValue ?? 0
            return n > 0 ? "\(n) \(labels[flag]!)" : nil
        }
        let total = summary["total"]?.intValue ?? 0
        return "\(total) key\(total == 1 ? "" : "s") (\(kinds?["admin"]?.intValue ?? 0) admin, \(kinds?["project"]?.intValue ?? 0) project, "
            + "\(kinds?["service_account"]?.intValue ?? 0) service-account)" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
    }

    /// The table's columns, and the CSV's.
    static let layout = InventoryCommand.Layout(columns: columns, csv: csvColumns)
    static let columns = [
        Column("KIND", ".kind"), Column("PROJECT", ".project"), Column("NAME", ".name"), Column("KEY", ".redacted_value"),
        Column("OWNER", ".owner", .principal), Column("OWNER STATUS", ".owner_status"), Column("CREATED", ".created_at", .time),
        Column("LAST USED", ".last_used_at", .time), Column("IDLE", ".idle_days"), Column("FLAGS", ".flags"),
    ]
    static let csvColumns = [
        CSV.Column("kind", ".kind"), CSV.Column("id", ".id"), CSV.Column("name", ".name"), CSV.Column("redacted_value", ".redacted_value"),
        CSV.Column("project_id", ".project_id"), CSV.Column("project", ".project"), CSV.Column("owner_type", ".owner.type"),
        CSV.Column("owner_id", ".owner.id"), CSV.Column("owner_name", ".owner.name"), CSV.Column("owner_email", ".owner.email"),
        CSV.Column("owner_status", ".owner_status"), CSV.Column("created_at", ".created_at"), CSV.Column("last_used_at", ".last_used_at"),
        CSV.Column("idle_days", ".idle_days"), CSV.Column("flags", ".flags"),
    ]
}
