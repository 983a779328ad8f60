import AdmAPI

/// `inventory keys` and `inventory people`: the whole organization in one table each. What
/// could not be read is never left out silently: it is said on stderr, marked in `--json`
/// (`incomplete`), and the statement exits 4.
enum InventoryCommand {
    static let spec = CommandSpec(
        name: "inventory",
        group: .organization,
        summary: "every key of the organization in one table, or every person with their projects (and who left, with what they own)",
        example: "inventory keys --flag owner_inactive,owner_removed",
        endpoints: [.adminApiKeysList, .listProjects, .listUsers, .listProjectApiKeys, .listProjectUsers, .listInvites],
        flags: Flags.output + Flags.key + [Flags.fresh],
        subcommands: [
            SubcommandSpec(
                "keys",
                flags: [
                    FlagSpec("--idle", .integer(0...36_500), "days without use that make a key idle (default 90)"),
                    FlagSpec("--kind", value: true, "only these kinds: admin, project, service_account", completion: .choices(KeyInventory.kinds)),
                    FlagSpec("--project", value: true, "only keys of these projects (ids or names)", completion: .named("project")),
                    FlagSpec(
                        "--flag",
                        value: true,
                        "only keys with any of these flags: " + KeyInventory.flags.joined(separator: ", "),
                        completion: .choices(KeyInventory.flags)
                    ),
                ]
            ) { shell, inv throws(ShellError) in try await keys(shell, inv) },
            SubcommandSpec(
                "people",
                flags: [FlagSpec("--departed", "only people no longer in the organization who still own something, with what they own")]
            ) { shell, inv throws(ShellError) in
                inv.args.has("--departed") ? try await departed(shell, inv) : try await people(shell, inv)
            },
        ]
    )

    // MARK: Keys

    static func keys(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let idleDays = try inv.integer("--idle") ?? 90
        let kinds = try list(shell, inv, "--kind", allowed: KeyInventory.kinds)
        let flags = try list(shell, inv, "--flag", allowed: KeyInventory.flags)
        let wanted = try list(shell, inv, "--project", allowed: nil)
        let reader = try OrgReader(shell, inv)
        var adminKeys: [JSON] = []
        if kinds?.contains("admin") ?? true { adminKeys = try await reader.all(.adminApiKeysList) }
        let projects = try await reader.all(.listProjects, query: [QueryItem("include_archived", "true")])
        let users = try await reader.all(.listUsers)
        let listed = projects.filter { p in
            wanted.map { w in w.contains(p["id"]?.stringValue ?? "") || w.contains(p["name"]?.stringValue ?? "") } ?? true
        }
        var keysByProject: [String: [JSON]] = [:]
        var listings: [OrgReader.Listing?] = []
        if kinds.map({ $0.contains("project") || $0.contains("service_account") }) ?? true, !listed.isEmpty {
            // `any`: without it the API hides the keys whose owner lost access to the project.
            listings = await reader.each(
                .listProjectApiKeys,
                targets: listed.map { ["project_id": $0["id"]?.stringValue ?? ""] },
                query: [QueryItem("owner_project_access", "any")]
            )
            for (project, listing) in zip(listed, listings) {
                if let items = listing?.items, let id = project["id"]?.stringValue { keysByProject[id] = items }
            }
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
        let unread = OrgReader.unread(listings, targets: listed, what: "the keys")
        if !unread.isEmpty {
            value["incomplete"] = unread.json
            value["remaining_projects"] = .array(unread.targets.map(\.id))
        }
        var line = KeyInventory.summaryLine(summary, idleDays: idleDays)
        if let note = reader.memoryNote { line += "; " + note }
        return finish(show(shell, inv, value, KeyInventory.layout, summary: line), unread, of: listed.count, "projects")
    }

    /// A listing's outcome with what it lacks: the gaps for stderr and the exit status, and
    /// Ctrl-C's verdict after what finished is shown.
    static func finish(_ shown: Outcome, _ unread: OrgReader.Unread, of total: Int, _ noun: String) -> Outcome {
        var outcome = shown
        if !unread.isEmpty {
            outcome.gaps = unread.lines
            outcome.gapSummary = unread.summary(of: total, noun)
        }
        if Task.isCancelled { outcome.failure = .cancelled() }
        return outcome
    }

    // MARK: People

    static func people(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let reader = try OrgReader(shell, inv)
        let users = try await reader.all(.listUsers)
        let projects = try await reader.all(.listProjects, query: [QueryItem("include_archived", "true")])
        let invites = try await reader.all(.listInvites)
        let listings = await reader.each(.listProjectUsers, targets: projects.map { ["project_id": $0["id"]?.stringValue ?? ""] })
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
        var value: JSON = .obj(["object": "list", "data": .array(rows)])
        let unread = OrgReader.unread(listings, targets: projects, what: "the members")
        if !unread.isEmpty { value["incomplete"] = unread.json }
        var line = "\(rows.count - pending) people, \(pending) pending invite\(pending == 1 ? "" : "s")"
        if let note = reader.memoryNote { line += "; " + note }
        return finish(show(shell, inv, value, peopleLayout, summary: line), unread, of: projects.count, "projects")
    }

    /// `inventory people --departed`: everyone who owns something in the organization but is
    /// no longer a member, with what they own (project keys in any status, admin keys).
    static func departed(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let reader = try OrgReader(shell, inv)
        let users = try await reader.all(.listUsers)
        let projects = try await reader.all(.listProjects, query: [QueryItem("include_archived", "true")])
        let adminKeys = try await reader.all(.adminApiKeysList)
        let listings = await reader.each(
            .listProjectApiKeys,
            targets: projects.map { ["project_id": $0["id"]?.stringValue ?? ""] },
            query: [QueryItem("owner_project_access", "any")]
        )
        let members = Set(users.compactMap { $0["id"]?.stringValue })
        var order: [String] = []
        var people: [String: (owner: JSON, keys: [JSON])] = [:]
        func note(_ owner: JSON?, key: JSON, kind: String, project: JSON?) {
            guard let owner, owner["type"]?.stringValue == "user" || owner["user"] != nil || owner["email"] != nil else { return }
            let user = owner["user"] ?? owner
            guard let id = user["id"]?.stringValue, !members.contains(id) else { return }
            if people[id] == nil { order.append(id) }
            let entry: JSON = .obj([
                "kind": .string(kind), "id": key["id"] ?? .null, "name": key["name"] ?? .null, "redacted_value": key["redacted_value"] ?? .null,
                "project_id": project?["id"] ?? .null, "project": project?["name"] ?? .null, "last_used_at": key["last_used_at"] ?? .null,
            ])
            people[id, default: (user, [])].keys.append(entry)
            // Admin keys' owner records carry no email; a project key's does.
            if people[id]?.owner["email"]?.stringValue == nil, user["email"]?.stringValue != nil { people[id]?.owner = user }
        }
        for key in adminKeys { note(key["owner"], key: key, kind: "admin", project: nil) }
        for (project, listing) in zip(projects, listings) {
            for key in listing?.items ?? [] { note(key["owner"], key: key, kind: "project", project: project) }
        }
        let rows: [JSON] = order.map { id in
            let (user, keys) = people[id]!
            let adminCount = keys.filter { $0["kind"] == "admin" }.count
            let projectNames = Set(keys.compactMap { $0["project"]?.stringValue }).sorted()
            var owns: [String] = []
            if keys.count > adminCount {
                owns.append(
                    "\(keys.count - adminCount) project key\(keys.count - adminCount == 1 ? "" : "s") (\(projectNames.joined(separator: ", ")))"
                )
            }
            if adminCount > 0 { owns.append("\(adminCount) admin key\(adminCount == 1 ? "" : "s")") }
            return .obj([
                "kind": "departed", "id": .string(id), "name": user["name"] ?? .null, "email": user["email"] ?? .null,
                "keys": .array(keys), "owns": .string(owns.joined(separator: ", ")),
            ])
        }.sorted { ($0["email"]?.stringValue ?? "") < ($1["email"]?.stringValue ?? "") }
        var value: JSON = .obj(["object": "list", "data": .array(rows)])
        let unread = OrgReader.unread(listings, targets: projects, what: "the keys")
        if !unread.isEmpty { value["incomplete"] = unread.json }
        let keyCount = rows.map { $0["keys"]?.arrayValue?.count ?? 0 }.reduce(0, +)
        var line =
            "\(rows.count) \(rows.count == 1 ? "person" : "people") no longer in the organization still own \(keyCount) key\(keyCount == 1 ? "" : "s")"
        if !rows.isEmpty { line += "; offboard EMAIL removes what is left of someone" }
        if let note = reader.memoryNote { line += "; " + note }
        return finish(show(shell, inv, value, departedLayout, summary: line), unread, of: projects.count, "projects")
    }

    static let departedLayout = Layout(
        columns: [Column("NAME", ".name"), Column("EMAIL", ".email"), Column("ID", ".id"), Column("OWNS", ".owns")],
        csv: [CSV.Column("id", ".id"), CSV.Column("name", ".name"), CSV.Column("email", ".email"), CSV.Column("owns", ".owns")]
    )

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
    static func show(_ shell: CommandContext, _ inv: Invocation, _ value: JSON, _ layout: Layout, summary: String) -> Outcome {
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
    static func list(_ shell: CommandContext, _ inv: Invocation, _ flag: String, allowed: [String]?) throws(ShellError) -> Set<String>? {
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
