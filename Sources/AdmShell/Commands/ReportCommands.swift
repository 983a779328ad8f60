import AdmAPI

/// The audit log, usage and costs.
enum ReportCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            name: "audit",
            group: .reports,
            summary: "the audit log, newest first, with filters",
            usage: "audit [--type T,...] [--project P] [--actor ID] [--resource ID] [--since 24h|7d] [--all] [--limit N]",
            example: "audit --type api_key.updated,project.archived --since 7d",
            endpoints: ["list-audit-logs"],
            flags: Flags.api + Flags.paging + [
                FlagSpec("--type", value: true, "event types, comma-separated", completion: .choices(AuditLog.eventTypes)),
                FlagSpec("--project", value: true, "project ids", completion: .ids("project")),
                FlagSpec("--actor", value: true, "actor ids (user, service account or key)"), FlagSpec("--resource", value: true, "resource ids"),
                FlagSpec("--since", value: true, "only newer than this: 30m, 24h, 7d"),
            ],
            run: { shell, inv throws(ShellError) in
                var query: [String: JSON] = [:]
                for (flag, name) in [
                    ("--type", "event_types[]"), ("--project", "project_ids[]"), ("--actor", "actor_ids[]"), ("--resource", "resource_ids[]"),
                ] {
                    if let w = inv.args.flagWord(flag) {
                        let v = try shell.value(of: w)
                        query[name] =
                            v.arrayValue.map(JSON.array) ?? .array(Interpreter.stringify(v).split(separator: ",").map { .string(String($0)) })
                    }
                }
                if let w = inv.args.flagWord("--since") {
                    let seconds = try Durations.seconds(try shell.text(of: w), at: w.location)
                    query["effective_at"] = .obj(["gte": .int(UnixTime.now() - seconds)])
                }
                return try await shell.calls.invoke("list-audit-logs", inv, query: query, list: true)
            }
        ),
        CommandSpec(
            name: "usage",
            group: .reports,
            summary: "usage buckets: completions, embeddings, images, … (default completions)",
            usage: "usage [KIND] [--days N] [--bucket 1d|1h|1m] [--group-by a,b] [--all]",
            example: "usage completions --days 7 --group-by project_id,model",
            endpoints: UsageKinds.endpointIDs,
            flags: Flags.api + Flags.paging + [
                FlagSpec("--days", value: true, "how many days back (default 7)"),
                FlagSpec("--bucket", value: true, "bucket width", completion: .choices(["1d", "1h", "1m"])),
                FlagSpec("--group-by", value: true, "fields to group by"),
            ],
            arguments: [ArgumentSpec("KIND", optional: true, completion: .choices(UsageKinds.names))],
            run: { shell, inv throws(ShellError) in
                let kind = try inv.optionalArgument(0).map { w throws(ShellError) in try shell.text(of: w) } ?? "completions"
                guard let id = UsageKinds.endpointID(kind) else {
                    throw .usage("usage: unknown kind '\(kind)' (\(UsageKinds.names.joined(separator: ", ")))", at: inv.location)
                }
                return try await shell.calls.invoke(id, inv, query: try UsageKinds.query(shell, inv), list: true)
            }
        ),
        CommandSpec(
            name: "costs",
            group: .reports,
            summary: "daily cost buckets",
            usage: "costs [--days N] [--group-by project_id,line_item] [--all]",
            example: "costs --days 30 --group-by project_id",
            endpoints: ["usage-costs"],
            flags: Flags.api + Flags.paging + [
                FlagSpec("--days", value: true, "how many days back (default 7)"), FlagSpec("--group-by", value: true, "fields to group by"),
            ],
            run: { shell, inv throws(ShellError) in
                try await shell.calls.invoke("usage-costs", inv, query: try UsageKinds.query(shell, inv), list: true)
            }
        ),
    ]
}

/// Audit-log facts.
enum AuditLog {
    static let eventTypes = [
        "api_key.created", "api_key.updated", "api_key.deleted", "project.created", "project.updated", "project.archived",
        "service_account.created", "service_account.updated", "service_account.deleted", "user.added", "user.updated",
        "user.deleted", "invite.sent", "invite.deleted", "role.assignment.created", "role.assignment.deleted", "rate_limit.updated",
    ]
}

/// The usage kinds and their operations.
enum UsageKinds {
    static let names = [
        "completions", "embeddings", "moderations", "images", "audio_speeches", "audio_transcriptions",
        "vector_stores", "code_interpreter_sessions", "file_search_calls", "web_search_calls", "decisions",
    ]

    static func endpointID(_ kind: String) -> String? {
        let k = kind.replacing("-", with: "_")
        guard names.contains(k) else { return nil }
        return "usage-" + k.replacing("_", with: "-")
    }

    static var endpointIDs: [String] { names.compactMap(endpointID) }

    static func query(_ shell: Interpreter, _ inv: Invocation) throws(ShellError) -> [String: JSON] {
        var days = 7
        if let w = inv.args.flagWord("--days") {
            guard let d = Int(try shell.text(of: w)), d >= 1 else { throw .usage("--days needs a number ≥ 1", at: w.location) }
            days = d
        }
        let now = UnixTime.now()
        var q: [String: JSON] = ["start_time": .int((now / 86400 - days + 1) * 86400)]
        if let w = inv.args.flagWord("--bucket") { q["bucket_width"] = .string(try shell.text(of: w)) }
        if let w = inv.args.flagWord("--group-by") {
            q["group_by"] = .array(try shell.text(of: w).split(separator: ",").map { .string(String($0)) })
        }
        if !inv.args.has("--limit"), q["bucket_width"] == nil, days <= 31 { q["limit"] = .int(days) }
        return q
    }
}

extension Durations {
    /// Whole seconds of a duration, or a usage error at `location`.
    static func seconds(_ text: String, at location: SourceLocation?) throws(ShellError) -> Int {
        guard let seconds = parse(text) else { throw .usage("'\(text)' is not a duration (30m, 24h, 7d)", at: location) }
        return Int(seconds)
    }
}
