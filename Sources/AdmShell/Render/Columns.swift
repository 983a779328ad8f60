import AdmAPI

/// A table column: its header and how to read its cell from an item.
struct Column {
    let header: String
    let path: JSONPath
    var format: CellFormat = .plain

    /// How a cell shows its value: as it is, a time, a redacted key, an owner, a count, a principal.
    enum CellFormat { case plain, time, redacted, owner, count, principal }

    init(_ header: String, _ path: String, _ format: CellFormat = .plain) {
        self.header = header
        self.path = (try? JSONPath.parse(path)) ?? JSONPath([])
        self.format = format
    }

    func cell(_ item: JSON) -> String {
        let v = path.lookup(item)
        switch format {
        case .time: return Cells.time(v)
        case .owner: return Cells.owner(v)
        case .principal: return Cells.principal(v)
        case .count: return v?.arrayValue.map { String($0.count) } ?? Cells.text(v)
        default: return Cells.text(v)
        }
    }
}

/// Columns chosen per object type, so each listing shows what matters about its objects.
enum Columns {
    static func forItems(_ items: [JSON]) -> [Column] {
        guard let first = items.first else { return [] }
        if let object = first["object"]?.stringValue, let chosen = byObject[object] { return chosen }
        if first["effective_at"] != nil, first["type"] != nil {
            return [
                Column("TIME", ".effective_at", .time), Column("TYPE", ".type"), Column("ACTOR", ".actor.api_key.id"),
                Column("USER", ".actor.api_key.user.email"), Column("PROJECT", ".project.name"), Column("ID", ".id"),
            ]
        }
        if first["group_id"] != nil, first["project_id"] != nil {
            return [
                Column("GROUP", ".group_id"), Column("NAME", ".group_name"), Column("TYPE", ".group_type"), Column("ADDED", ".created_at", .time),
            ]
        }
        if first["predefined_role"] != nil {
            return [
                Column("ID", ".id"), Column("NAME", ".name"), Column("RESOURCE", ".resource_type"), Column("PREDEFINED", ".predefined_role"),
                Column("PERMISSIONS", ".permissions", .count),
            ]
        }
        return generic(first)
    }

    static let byObject: [String: [Column]] = [
        "organization.project": [Column("ID", ".id"), Column("NAME", ".name"), Column("STATUS", ".status"), Column("CREATED", ".created_at", .time)],
        "organization.admin_api_key": [
            Column("ID", ".id"), Column("NAME", ".name"), Column("KEY", ".redacted_value"), Column("OWNER", ".owner.name"),
            Column("CREATED", ".created_at", .time), Column("LAST USED", ".last_used_at", .time), Column("EXPIRES", ".expires_at", .time),
        ],
        "organization.project.api_key": [
            Column("ID", ".id"), Column("NAME", ".name"), Column("KEY", ".redacted_value"), Column("OWNER", ".owner", .owner),
            Column("ACCESS", ".owner_project_access"), Column("CREATED", ".created_at", .time), Column("LAST USED", ".last_used_at", .time),
        ],
        "organization.project.service_account": [
            Column("ID", ".id"), Column("NAME", ".name"), Column("ROLE", ".role"), Column("CREATED", ".created_at", .time),
        ],
        "organization.user": [
            Column("ID", ".id"), Column("NAME", ".name"), Column("EMAIL", ".email"), Column("ROLE", ".role"), Column("ADDED", ".added_at", .time),
        ],
        "organization.project.user": [
            Column("ID", ".id"), Column("NAME", ".name"), Column("EMAIL", ".email"), Column("ROLE", ".role"), Column("ADDED", ".added_at", .time),
        ],
        "organization.invite": [
            Column("ID", ".id"), Column("EMAIL", ".email"), Column("ROLE", ".role"), Column("STATUS", ".status"),
            Column("EXPIRES", ".expires_at", .time),
        ],
        "project.rate_limit": [
            Column("ID", ".id"), Column("MODEL", ".model"), Column("RPM", ".max_requests_per_1_minute"), Column("TPM", ".max_tokens_per_1_minute"),
            Column("RPD", ".max_requests_per_1_day"), Column("BATCH TPD", ".batch_1_day_max_input_tokens"),
        ],
        "role": [
            Column("ID", ".id"), Column("NAME", ".name"), Column("RESOURCE", ".resource_type"), Column("PREDEFINED", ".predefined_role"),
            Column("PERMISSIONS", ".permissions", .count),
        ],
        "group": [
            Column("ID", ".id"), Column("NAME", ".name"), Column("TYPE", ".group_type"), Column("SCIM", ".is_scim_managed"),
            Column("CREATED", ".created_at", .time),
        ],
        "organization.certificate": [
            Column("ID", ".id"), Column("NAME", ".name"), Column("ACTIVE", ".active"), Column("EXPIRES", ".certificate_details.expires_at", .time),
        ],
        "organization.project.certificate": [
            Column("ID", ".id"), Column("NAME", ".name"), Column("ACTIVE", ".active"), Column("EXPIRES", ".certificate_details.expires_at", .time),
        ],
        "organization.spend_alert": [
            Column("ID", ".id"), Column("THRESHOLD (¢)", ".threshold_amount"), Column("CURRENCY", ".currency"), Column("INTERVAL", ".interval"),
            Column("RECIPIENTS", ".notification_channel.recipients"),
        ],
        "project.spend_alert": [
            Column("ID", ".id"), Column("THRESHOLD (¢)", ".threshold_amount"), Column("CURRENCY", ".currency"), Column("INTERVAL", ".interval"),
            Column("RECIPIENTS", ".notification_channel.recipients"),
        ],
        "checkpoint.permission": [Column("ID", ".id"), Column("PROJECT", ".project_id"), Column("CREATED", ".created_at", .time)],
        "bucket": [Column("START", ".start_time", .time), Column("END", ".end_time", .time), Column("RESULTS", ".results", .count)],
    ]

    /// `id` and up to five other scalar fields of the first item.
    static func generic(_ first: JSON) -> [Column] {
        var cols: [Column] = []
        if first["id"] != nil { cols.append(Column("ID", ".id")) }
        for m in first.objectValue ?? [] where m.key != "id" && m.key != "object" && cols.count < 6 {
            switch m.value {
            case .object, .array: continue
            default:
                cols.append(
                    Column(
                        m.key.uppercased().replacing("_", with: " "),
                        "." + m.key,
                        m.key.hasSuffix("_at") || m.key.hasSuffix("_time") ? .time : .plain
                    )
                )
            }
        }
        return cols
    }
}

/// Cell text for values: what came from outside escaped for one line of a layout
/// (`TerminalText.inline`), nothing as `—`.
enum Cells {
    static func text(_ v: JSON?) -> String {
        guard let v else { return "—" }
        switch v {
        case .null: return "—"
        case .string(let s): return inline(s)
        case .array(let items): return items.map { text($0) }.joined(separator: ",")
        default: return inline(v.serialized())
        }
    }

    /// Text from outside on one line.
    static func inline(_ s: String) -> String { TerminalText.inline(s) }

    /// A Unix time as `2026-11-23 11:33` (UTC).
    static func time(_ v: JSON?) -> String {
        guard let t = v?.intValue else { return text(v) }
        let iso = UnixTime.iso8601(t)
        return String(iso.prefix(16)).replacing("T", with: " ")
    }

    /// A person or service account as adm's own rows hold one (`{type, id, name, email}`):
    /// the email, or `sa:` and the name.
    static func principal(_ v: JSON?) -> String {
        guard let v, !v.isNull else { return "—" }
        if v["type"]?.stringValue == "service_account" { return "sa:" + inline(v["name"]?.stringValue ?? v["id"]?.stringValue ?? "?") }
        return inline(v["email"]?.stringValue ?? v["name"]?.stringValue ?? v["id"]?.stringValue ?? "?")
    }

    static func owner(_ v: JSON?) -> String {
        guard let v else { return "—" }
        switch v["type"]?.stringValue {
        case "service_account"?: return "sa:" + inline(v["service_account"]?["name"]?.stringValue ?? "?")
        case "user"?: return "user:" + inline(v["user"]?["email"]?.stringValue ?? v["user"]?["name"]?.stringValue ?? v["name"]?.stringValue ?? "?")
        default: return text(v["name"] ?? v["id"])
        }
    }
}
