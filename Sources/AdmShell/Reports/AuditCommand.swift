import AdmAPI

/// `audit`: the audit log with filters, its rows naming the actor and the resource where the
/// event carries them or adm can look them up; `audit export FILE` for a SIEM; `audit --follow`
/// to watch it.
enum AuditCommand {
    static let filters: [(flag: String, query: String)] = [
        ("--type", "event_types[]"), ("--project", "project_ids[]"), ("--actor", "actor_ids[]"), ("--resource", "resource_ids[]"),
    ]

    static let spec = CommandSpec(
        name: "audit",
        group: .reports,
        summary: "the audit log, newest first, with names; export it for a SIEM, or follow it",
        example: "audit --type api_key.updated,project.archived --since 7d",
        endpoints: [.listAuditLogs],
        flags: Flags.output + Flags.key + Flags.paging + [
            FlagSpec("--type", value: true, "event types, comma-separated", completion: .choices(AuditLog.eventTypes)).named("TYPE,…"),
            FlagSpec("--project", value: true, "project ids", completion: .ids("project")),
            FlagSpec("--actor", value: true, "actor ids (user, service account or key)").named("ID"),
            FlagSpec("--resource", value: true, "resource ids").named("ID"),
            FlagSpec("--since", value: true, "only newer than this: 30m, 24h, 7d, or a date YYYY-MM-DD").named("24h|7d|DATE"),
            FlagSpec("--follow", "keep watching: new events as they arrive (Ctrl-C stops)"),
            FlagSpec("--every", .duration(1...86_400), "with --follow: how often to look (default 10s; the rate limit may stretch it)").requiring(
                "--follow"
            ),
        ],
        subcommands: [
            SubcommandSpec("export", [ArgumentSpec("FILE", kind: .file)]) { shell, inv throws(ShellError) in try await AuditExport.run(shell, inv) }
        ],
        run: { shell, inv throws(ShellError) in
            inv.args.has("--follow") ? try await follow(shell, inv) : try await list(shell, inv)
        }
    )

    /// The query of the filters and `--since`.
    static func query(_ shell: CommandContext, _ inv: Invocation) throws(ShellError) -> [QueryItem] {
        var items: [QueryItem] = []
        for (flag, name) in filters {
            guard let w = inv.args.flagWord(flag) else { continue }
            let v = try shell.value(of: w)
            let values = v.arrayValue.map { $0.map(Interpreter.stringify) } ?? Interpreter.stringify(v).split(separator: ",").map(String.init)
            items += values.map { QueryItem(name, $0) }
        }
        if let since = try since(shell, inv) { items.append(QueryItem("effective_at[gte]", String(since))) }
        return items
    }

    /// `--since` as a Unix time: a duration back from now, or a date.
    static func since(_ shell: CommandContext, _ inv: Invocation) throws(ShellError) -> Int? {
        guard let w = inv.args.flagWord("--since") else { return nil }
        let text = try shell.text(of: w)
        if text.contains("-") { return try ReportRange.date(text, flag: "--since", at: w.location) }
        return UnixTime.now() - (try Durations.seconds(text, at: w.location))
    }

    static func list(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        var q = try query(shell, inv)
        if let limit = try inv.integer("--limit") { q.append(QueryItem("limit", String(limit))) }
        if let w = inv.args.flagWord("--after") { q.append(QueryItem("after", try shell.text(of: w))) }
        let reader = try OrgReader(shell, inv)
        let events: [JSON]
        var hasMore = false
        if inv.args.has("--all") {
            events = try await reader.all(.listAuditLogs, query: q)
        } else {
            let call = Call(Endpoint.listAuditLogs, pathParameters: [:], query: q)
            let result = try await shell.calls.require(call, key: reader.key, statement: inv.statement.source)
            events = result.json?["data"]?.arrayValue ?? []
            hasMore = result.json?["has_more"]?.boolValue == true
        }
        let value: JSON = .obj(["object": "list", "data": .array(events), "has_more": .bool(hasMore)])
        guard inv.showsTables || inv.output == .csv else { return .value(value) }
        let rows = try await named(events, reader: reader, shell: shell)
        if inv.output == .csv {
            shell.console.exact(
                CSV.render(
                    rows: rows,
                    columns: [
                        CSV.Column("effective_at", ".effective_at"), CSV.Column("type", ".type"), CSV.Column("actor", ".actor"),
                        CSV.Column("resource_id", ".resource_id"),
                        CSV.Column("resource", ".resource"), CSV.Column("project_id", ".project_id"), CSV.Column("project", ".project"),
                        CSV.Column("id", ".id"),
                    ]
                )
            )
            return .printed(value)
        }
        if rows.isEmpty { shell.say(shell.style.dim("(no events)")) }
        shell.sayTable(rows, columns: columns)
        if hasMore, let last = events.last?["id"]?.stringValue {
            shell.say(shell.style.dim("more: --all for every page, or --after \(Cells.inline(last))"))
        }
        return .printed(value)
    }

    static let columns = [
        Column("WHEN (UTC)", ".effective_at", .time), Column("EVENT", ".type"), Column("ACTOR", ".actor"), Column("RESOURCE", ".resource"),
        Column("PROJECT", ".project"),
    ]

    /// Rows with the actor and the resource named: what the event carries (an email, a project's
    /// name, a name in its data), else a look-up (projects, users), else the id.
    static func named(_ events: [JSON], reader: OrgReader, shell: CommandContext) async throws(ShellError) -> [JSON] {
        let names = shell.session.names
        var rows: [JSON] = []
        for e in events {
            let type = e["type"]?.stringValue ?? ""
            let details = e[type]
            let actor =
                e["actor"]?["session"]?["user"]?["email"]?.stringValue ?? e["actor"]?["api_key"]?["user"]?["email"]?.stringValue
                ?? e["actor"]?["api_key"]?["service_account"]?["id"].map { "sa:" + ($0.stringValue ?? "") } ?? e["actor"]?["api_key"]?["id"]?
                .stringValue ?? "?"
            let resourceID = details?["id"]?.stringValue ?? ""
            var resource = details?["data"]?["name"]?.stringValue ?? details?["data"]?["email"]?.stringValue
            if resource == nil, resourceID.hasPrefix("proj_") { resource = (try? await names.project(resourceID, reader: reader)) ?? nil }
            if resource == nil, resourceID.hasPrefix("user-") { resource = (try? await names.user(resourceID, reader: reader)) ?? nil }
            rows.append(
                .obj([
                    "effective_at": e["effective_at"] ?? .null, "type": .string(type), "actor": .string(actor), "resource_id": .string(resourceID),
                    "resource": .string(resource.map { "\($0) (\(resourceID))" } ?? resourceID), "project_id": e["project"]?["id"] ?? .null,
                    "project": e["project"]?["name"] ?? .null, "id": e["id"] ?? .null,
                ])
            )
        }
        return rows
    }

    /// `audit --follow`: looks every `--every` (the scheduler paces it like any call) and prints
    /// new events as they arrive, oldest first. Ctrl-C stops; the events seen stay in `$_`.
    static func follow(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let every =
            try inv.seconds("--every") ?? 10
        let reader = try OrgReader(shell, inv)
        let base = try query(shell, inv).filter { $0.name != "effective_at[gte]" }
        var since = try since(shell, inv) ?? UnixTime.now()
        var seen = Set<String>()
        var shown: [JSON] = []
        var header = true
        if inv.showsTables { shell.say(shell.style.dim("following the audit log from \(Cells.time(.int(since))) UTC; Ctrl-C stops")) }
        while !Task.isCancelled {
            let events: [JSON]
            do {
                events = try await reader.all(.listAuditLogs, query: base + [QueryItem("effective_at[gte]", String(since))])
            } catch {
                if case .cancelled = error { break }
                throw error
            }
            let fresh = events.filter { !seen.contains($0["id"]?.stringValue ?? "") }.sorted(by: AuditExport.chronological)
            if !fresh.isEmpty {
                for e in fresh { seen.insert(e["id"]?.stringValue ?? "") }
                since = fresh.compactMap { $0["effective_at"]?.intValue }.max() ?? since
                shown += fresh
                if inv.showsTables {
                    let rows = try await named(fresh, reader: reader, shell: shell)
                    for line in Table.render(
                        items: rows,
                        columns: columns,
                        style: shell.style,
                        widths: header ? nil : Table.widths(items: rows, columns: columns),
                        header: header,
                        layout: shell.tableLayout
                    ) {
                        shell.say(line)
                    }
                    header = false
                } else if inv.output != .quiet {
                    for e in fresh { shell.say(e.serialized()) }
                }
            }
            do { try await Task.sleep(for: .seconds(clamped: every)) } catch { break }
        }
        throw .cancelled(partial: .obj(["object": "list", "data": .array(shown)]))
    }
}

/// Audit-log facts.
enum AuditLog {
    static let eventTypes = [
        "api_key.created", "api_key.updated", "api_key.deleted", "project.created", "project.updated", "project.archived",
        "service_account.created", "service_account.updated", "service_account.deleted", "user.added", "user.updated",
        "user.deleted", "invite.sent", "invite.deleted", "role.assignment.created", "role.assignment.deleted", "rate_limit.updated",
    ]
}
