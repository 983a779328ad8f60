import AdmAPI

/// `inventory keys` and `inventory people`: the whole organization in one table each.
enum InventoryCommand {
    static let spec = CommandSpec(
        name: "inventory",
        group: .organization,
        summary: "every key of the organization in one table, or every person with their projects",
        usage: "inventory keys [--idle DAYS] [--kind K,…] [--project P,…] [--flag F,…] [--json|--csv] | inventory people [--json|--csv]",
        example: "inventory keys --flag owner_inactive,owner_removed",
        endpoints: ["admin-api-keys-list", "list-projects", "list-users", "list-project-api-keys", "list-project-users", "list-invites"],
        flags: Flags.output + Flags.key + [
            FlagSpec("--idle", .integer(0...36_500), "days without use that make a key idle (default 90)"),
            FlagSpec("--kind", value: true, "only these kinds: admin, project, service_account", completion: .choices(KeyInventory.kinds)),
            FlagSpec("--project", value: true, "only keys of these projects (ids or names)", completion: .ids("project")),
            FlagSpec(
                "--flag",
                value: true,
                "only keys with any of these flags: " + KeyInventory.flags.joined(separator: ", "),
                completion: .choices(KeyInventory.flags)
            ),
        ],
        subcommands: [
            SubcommandSpec("keys") { shell, inv throws(ShellError) in try await keys(shell, inv) },
            SubcommandSpec("people") { shell, inv throws(ShellError) in try await people(shell, inv) },
        ]
    )

    // MARK: Keys

    static func keys(_ shell: Interpreter, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let idleDays = try inv.integer("--idle") ?? 90
        let kinds = try list(shell, inv, "--kind", allowed: KeyInventory.kinds)
        let flags = try list(shell, inv, "--flag", allowed: KeyInventory.flags)
        let wanted = try list(shell, inv, "--project", allowed: nil)
        let reader = try OrgReader(shell, inv)
        var adminKeys: [JSON] = []
        if kinds?.contains("admin") ?? true { adminKeys = try await reader.all("admin-api-keys-list") }
        let projects = try await reader.all("list-projects", query: [QueryItem("include_archived", "true")])
        let users = try await reader.all("list-users")
        let listed = projects.filter { p in
            wanted.map { w in w.contains(p["id"]?.stringValue ?? "") || w.contains(p["name"]?.stringValue ?? "") } ?? true
        }
        var keysByProject: [String: [JSON]] = [:]
        var listings: [OrgReader.Listing?] = []
        if kinds.map({ $0.contains("project") || $0.contains("service_account") }) ?? true, !listed.isEmpty {
            // `any`: without it the API hides the keys whose owner lost access to the project.
            listings = await reader.each(
                "list-project-api-keys",
                targets: listed.map { ["project_id": $0["id"]?.stringValue ?? ""] },
                query: [QueryItem("owner_project_access", "any")]
            )
            for (project, listing) in zip(listed, listings) {
                if let items = listing?.items, let id = project["id"]?.stringValue { keysByProject[id] = items }
            }
            reader.warnUnread(listings, names: listed.map { $0["name"]?.stringValue ?? "" }, what: "the keys")
        }
        let inventory = KeyInventory(
            adminKeys: adminKeys,
            projects: listed,
            users: users,
            projectKeys: keysByProject,
            now: UnixTime.now(),
            idleDays: idleDays
        )
        let rows = inventory.rows().filter { row in
            (kinds.map { $0.contains(row["kind"]?.stringValue ?? "") } ?? true)
                && (flags.map { f in (row["flags"]?.arrayValue ?? []).contains { f.contains($0.stringValue ?? "") } } ?? true)
                && (wanted == nil || row["kind"]?.stringValue != "admin")
        }
        let summary = KeyInventory.summary(rows)
        var value: JSON = .obj(["object": "list", "data": .array(rows), "summary": summary])
        let unread = zip(listed, listings).filter { $0.1 == nil }.map { $0.0["id"] ?? .null }
        if OrgReader.incomplete(listings) {
            value["remaining_projects"] = .array(unread)
            if Task.isCancelled { throw .cancelled(partial: value) }
        }
        return show(shell, inv, value, KeyInventory.layout, summary: KeyInventory.summaryLine(summary, idleDays: idleDays))
    }

    // MARK: People

    static func people(_ shell: Interpreter, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let reader = try OrgReader(shell, inv)
        let users = try await reader.all("list-users")
        let projects = try await reader.all("list-projects", query: [QueryItem("include_archived", "true")])
        let invites = try await reader.all("list-invites")
        let listings = await reader.each("list-project-users", targets: projects.map { ["project_id": $0["id"]?.stringValue ?? ""] })
        reader.warnUnread(listings, names: projects.map { $0["name"]?.stringValue ?? "" }, what: "the members")
        var memberships: [String: [JSON]] = [:]
        for (project, listing) in zip(projects, listings) {
            for member in listing?.items ?? [] {
                guard let uid = member["id"]?.stringValue else { continue }
                memberships[uid, default: []].append(
                    .obj([
                        "id": project["id"] ?? .null, "name": project["name"] ?? .null, "role": member["role"] ?? .null,
                        "status": project["status"] ?? .null,
                    ])
                )
            }
        }
        var rows: [JSON] = users.sorted { ($0["email"]?.stringValue ?? "") < ($1["email"]?.stringValue ?? "") }.map { u in
            let projects = memberships[u["id"]?.stringValue ?? ""] ?? []
            return .obj([
                "kind": "user", "id": u["id"] ?? .null, "name": u["name"] ?? .null, "email": u["email"] ?? .null, "role": u["role"] ?? .null,
                "added_at": u["added_at"] ?? .null, "projects": .array(projects), "project_roles": .string(roleList(projects)),
            ])
        }
        let projectNames = Dictionary(
            projects.compactMap { p in p["id"]?.stringValue.map { ($0, p["name"] ?? .null) } },
            uniquingKeysWith: { a, _ in a }
        )
        for invite in invites where invite["status"]?.stringValue == "pending" {
            let granted: [JSON] = (invite["projects"]?.arrayValue ?? []).map { p in
                .obj(["id": p["id"] ?? .null, "name": projectNames[p["id"]?.stringValue ?? ""] ?? .null, "role": p["role"] ?? .null])
            }
            rows.append(
                .obj([
                    "kind": "invite", "id": invite["id"] ?? .null, "name": .null, "email": invite["email"] ?? .null, "role": invite["role"] ?? .null,
                    "added_at": invite["created_at"] ?? .null, "projects": .array(granted), "project_roles": .string(roleList(granted)),
                ])
            )
        }
        let pending = rows.filter { $0["kind"] == "invite" }.count
        let value: JSON = .obj(["object": "list", "data": .array(rows)])
        if Task.isCancelled { throw .cancelled(partial: value) }
        return show(shell, inv, value, peopleLayout, summary: "\(rows.count - pending) people, \(pending) pending invite\(pending == 1 ? "" : "s")")
    }

    static let peopleLayout = Layout(
        columns: [
            Column("KIND", ".kind"), Column("NAME", ".name"), Column("EMAIL", ".email"), Column("ROLE", ".role"),
            Column("SINCE", ".added_at", .time), Column("PROJECTS (ROLE)", ".project_roles"),
        ],
        csv: [
            CSV.Column("kind", ".kind"), CSV.Column("id", ".id"), CSV.Column("name", ".name"), CSV.Column("email", ".email"),
            CSV.Column("role", ".role"), CSV.Column("added_at", ".added_at"), CSV.Column("projects", ".project_roles"),
        ]
    )

    /// `Search:owner; Billing:member`.
    static func roleList(_ projects: [JSON]) -> String {
        projects.map { "\($0["name"]?.stringValue ?? $0["id"]?.stringValue ?? "?"):\($0["role"]?.stringValue ?? "?")" }.joined(separator: "; ")
    }

    // MARK: Shared

    /// How a listing shows: its table's columns on a terminal, its CSV's with `--csv`.
    struct Layout: Sendable {
        let columns: [Column]
        let csv: [CSV.Column]
    }

    /// The listing (`{data: rows, …}`) shown as a table with a summary line, as CSV, or as JSON.
    static func show(_ shell: Interpreter, _ inv: Invocation, _ value: JSON, _ layout: Layout, summary: String) -> Outcome {
        let rows = value["data"]?.arrayValue ?? []
        switch inv.output {
        case .auto where inv.showsTables:
            if !rows.isEmpty {
                shell.sayTable(rows, columns: layout.columns)
            }
            shell.say(shell.style.dim(summary))
            return .printed(value)
        case .csv:
            shell.console.exact(CSV.render(rows: rows, columns: layout.csv))
            return .printed(value)
        default:
            return .value(value)
        }
    }

    /// A comma-separated (or list-valued) flag, checked against `allowed`.
    static func list(_ shell: Interpreter, _ inv: Invocation, _ flag: String, allowed: [String]?) throws(ShellError) -> Set<String>? {
        guard let w = inv.args.flagWord(flag) else { return nil }
        let value = try shell.value(of: w)
        let items = value.arrayValue?.map(Interpreter.stringify) ?? Interpreter.stringify(value).split(separator: ",").map(String.init)
        if let allowed {
            for item in items where !allowed.contains(item) {
                let hint = Suggest.closest(item, among: allowed).map { "; did you mean \($0)?" } ?? ""
                throw .usage("\(flag): '\(item)' is not one of \(allowed.joined(separator: ", "))\(hint)", at: w.location)
            }
        }
        return Set(items)
    }
}
