import AdmAPI

/// Short commands over the Admin API. Each is thin: it picks the catalog operation and fills
/// its path from arguments, the rest comes from `k=v` pairs typed by the catalog.
enum APICommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            name: "projects", group: .api, summary: "list projects",
            usage: "projects [--archived] [--all] [--limit N] [--after ID]", example: "projects --all | .data[].id",
            endpoints: ["list-projects"], flags: Flags.api + Flags.paging + [FlagSpec("--archived", "include archived projects")]
        ) { (shell, inv) throws(ShellError) in
            try await shell.invoke("list-projects", inv, query: inv.args.has("--archived") ? ["include_archived": true] : [:], list: true)
        },
        CommandSpec(
            name: "project", group: .api, summary: "show, create, rename or archive a project",
            usage: "project [show [ID]] | project create NAME | project rename [ID] NAME | project archive [ID]",
            example: "project create \"Data team\"",
            endpoints: ["retrieve-project", "create-project", "modify-project", "archive-project"],
            flags: Flags.api, subcommands: ["show", "create", "rename", "archive"]
        ) { (shell, inv) throws(ShellError) in
            let sub = inv.args.positional.first?.literalText ?? "show"
            let rest = inv.args.positional.first?.literalText.map { ["show", "create", "rename", "archive"].contains($0) } == true ? 1 : 0
            func id(_ i: Int) throws(ShellError) -> JSON {
                i < inv.args.positional.count ? try shell.value(of: inv.args.positional[i]) : try shell.projectID(inv)
            }
            switch sub {
            case "create":
                let name = try shell.text(of: shell.positional(inv, 1, "NAME"))
                return try await shell.invoke("create-project", inv, body: .obj(["name": .string(name)]))
            case "rename":
                let hasID = inv.args.positional.count > 2
                let name = try shell.text(of: shell.positional(inv, hasID ? 2 : 1, "NAME"))
                return try await shell.invoke("modify-project", inv, path: ["project_id": try id(hasID ? 1 : 99)], body: .obj(["name": .string(name)]))
            case "archive":
                return try await shell.invoke("archive-project", inv, path: ["project_id": try id(1)])
            default:
                return try await shell.invoke("retrieve-project", inv, path: ["project_id": try id(rest)])
            }
        },
        CommandSpec(
            name: "users", group: .api, summary: "list organization users (emails=a@x,b@y filters)",
            usage: "users [emails=A,B] [--all] [--limit N]", endpoints: ["list-users"], flags: Flags.api + Flags.paging
        ) { (shell, inv) throws(ShellError) in try await shell.invoke("list-users", inv, list: true) },
        CommandSpec(
            name: "user", group: .api, summary: "show, change the role of, or remove a user",
            usage: "user show ID | user role ID owner|reader | user remove ID",
            endpoints: ["retrieve-user", "modify-user", "delete-user"], flags: Flags.api, subcommands: ["show", "role", "remove"]
        ) { (shell, inv) throws(ShellError) in
            let sub = try shell.text(of: shell.positional(inv, 0, "show|role|remove"))
            let id = try shell.value(of: shell.positional(inv, 1, "USER_ID"))
            switch sub {
            case "role":
                let role = try shell.text(of: shell.positional(inv, 2, "ROLE"))
                return try await shell.invoke("modify-user", inv, path: ["user_id": id], body: .obj(["role": .string(role)]))
            case "remove", "delete":
                return try await shell.invoke("delete-user", inv, path: ["user_id": id])
            case "show":
                return try await shell.invoke("retrieve-user", inv, path: ["user_id": id])
            default:
                throw .usage("user: unknown subcommand '\(sub)' (show, role, remove)", at: inv.location)
            }
        },
        CommandSpec(
            name: "invites", group: .api, summary: "list, create or delete invites",
            usage: "invites [--all] | invites create EMAIL [role=reader|owner] | invites delete ID",
            example: "invites create ada@example.com role=reader",
            endpoints: ["list-invites", "inviteUser", "delete-invite"], flags: Flags.api + Flags.paging, subcommands: ["create", "delete"]
        ) { (shell, inv) throws(ShellError) in
            switch inv.args.positional.first?.literalText {
            case "create"?:
                let email = try shell.text(of: shell.positional(inv, 1, "EMAIL"))
                let hasRole = inv.args.pairs.contains { $0.key == "role" }
                return try await shell.invoke("inviteUser", inv, body: .obj(hasRole ? ["email": .string(email)] : ["email": .string(email), "role": "reader"]))
            case "delete"?:
                return try await shell.invoke("delete-invite", inv, path: ["invite_id": try shell.value(of: shell.positional(inv, 1, "INVITE_ID"))])
            case nil:
                return try await shell.invoke("list-invites", inv, list: true)
            case let other?:
                throw .usage("invites: unknown subcommand '\(other)' (create, delete)", at: inv.location)
            }
        },
        CommandSpec(
            name: "keys", group: .api, summary: "admin keys; with --project, a project's API keys",
            usage: "keys [--project P] [--all] | keys create NAME | keys show ID [--project P] | keys delete ID [--project P]",
            example: "keys --project $_.data[].id   # every project's keys, 8 calls at a time",
            endpoints: ["admin-api-keys-list", "admin-api-keys-create", "admin-api-keys-get", "admin-api-keys-delete",
                        "list-project-api-keys", "retrieve-project-api-key", "delete-project-api-key"],
            flags: Flags.api + Flags.paging + Flags.project, subcommands: ["create", "show", "delete"]
        ) { (shell, inv) throws(ShellError) in
            let project: JSON? = try inv.args.flagWord("--project").map { w throws(ShellError) in try shell.value(of: w) }
            switch inv.args.positional.first?.literalText {
            case "create"?:
                if project != nil { throw .usage("project API keys cannot be created through the API; create a service account (create-sa) instead", at: inv.location) }
                let name = try shell.text(of: shell.positional(inv, 1, "NAME"))
                return try await shell.invoke("admin-api-keys-create", inv, body: .obj(["name": .string(name)]))
            case "show"?:
                let id = try shell.value(of: shell.positional(inv, 1, "KEY_ID"))
                if let project { return try await shell.invoke("retrieve-project-api-key", inv, path: ["project_id": project, "api_key_id": id]) }
                return try await shell.invoke("admin-api-keys-get", inv, path: ["key_id": id])
            case "delete"?:
                let id = try shell.value(of: shell.positional(inv, 1, "KEY_ID"))
                if let project { return try await shell.invoke("delete-project-api-key", inv, path: ["project_id": project, "api_key_id": id]) }
                return try await shell.invoke("admin-api-keys-delete", inv, path: ["key_id": id])
            case nil:
                if let project { return try await shell.invoke("list-project-api-keys", inv, path: ["project_id": project], list: true) }
                return try await shell.invoke("admin-api-keys-list", inv, list: true)
            case let other?:
                throw .usage("keys: unknown subcommand '\(other)' (create, show, delete)", at: inv.location)
            }
        },
        CommandSpec(
            name: "create-sa", group: .api, summary: "create a service account in the project (its key's secret is shown once)",
            usage: "create-sa name=NAME [create_service_account_only=true] [--project P]", example: "create-sa name=ci-bot",
            endpoints: ["create-project-service-account"], flags: Flags.api + Flags.project
        ) { (shell, inv) throws(ShellError) in
            var body: JSON? = nil
            if !inv.args.pairs.contains(where: { $0.key == "name" }), let first = inv.args.positional.first {
                body = .obj(["name": .string(try shell.text(of: first))])
            }
            return try await shell.invoke("create-project-service-account", inv, path: ["project_id": try shell.projectID(inv)], body: body)
        },
        CommandSpec(
            name: "sa", group: .api, summary: "list, show, rename or delete the project's service accounts",
            usage: "sa [--all] | sa show ID | sa rename ID NAME | sa role ID member|owner | sa delete ID  [--project P]",
            endpoints: ["list-project-service-accounts", "retrieve-project-service-account", "update-project-service-account", "delete-project-service-account"],
            flags: Flags.api + Flags.paging + Flags.project, subcommands: ["show", "rename", "role", "delete"]
        ) { (shell, inv) throws(ShellError) in
            let project = try shell.projectID(inv)
            guard let sub = inv.args.positional.first?.literalText else {
                return try await shell.invoke("list-project-service-accounts", inv, path: ["project_id": project], list: true)
            }
            let id = try shell.value(of: shell.positional(inv, 1, "SERVICE_ACCOUNT_ID"))
            let path: [String: JSON] = ["project_id": project, "service_account_id": id]
            switch sub {
            case "show": return try await shell.invoke("retrieve-project-service-account", inv, path: path)
            case "delete": return try await shell.invoke("delete-project-service-account", inv, path: path)
            case "rename":
                let name = try shell.text(of: shell.positional(inv, 2, "NAME"))
                return try await shell.invoke("update-project-service-account", inv, path: path, body: .obj(["name": .string(name)]))
            case "role":
                let role = try shell.text(of: shell.positional(inv, 2, "ROLE"))
                return try await shell.invoke("update-project-service-account", inv, path: path, body: .obj(["role": .string(role)]))
            default:
                throw .usage("sa: unknown subcommand '\(sub)' (show, rename, role, delete)", at: inv.location)
            }
        },
        CommandSpec(
            name: "sa-key", group: .api, summary: "another key for a service account, optionally restricted to scopes",
            usage: "sa-key SERVICE_ACCOUNT_ID [name=NAME] [scopes=a,b] [--project P]",
            example: "sa-key $sa.id scopes=api.model.read,api.model.request",
            endpoints: ["CreateanAPIkeyforaserviceaccount"], flags: Flags.api + Flags.project
        ) { (shell, inv) throws(ShellError) in
            let id = try shell.value(of: shell.positional(inv, 0, "SERVICE_ACCOUNT_ID"))
            return try await shell.invoke("CreateanAPIkeyforaserviceaccount", inv, path: ["project_id": try shell.projectID(inv), "service_account_id": id])
        },
        CommandSpec(
            name: "rate-limits", group: .api, summary: "a project's per-model rate limits, or change one",
            usage: "rate-limits [--project P] | rate-limits set MODEL_OR_ID max_requests_per_1_minute=N ...",
            example: "rate-limits set gpt-4o max_requests_per_1_minute=500",
            endpoints: ["list-project-rate-limits", "update-project-rate-limits"], flags: Flags.api + Flags.paging + Flags.project, subcommands: ["set"]
        ) { (shell, inv) throws(ShellError) in
            let project = try shell.projectID(inv)
            if inv.args.positional.first?.literalText == "set" {
                var id = try shell.text(of: shell.positional(inv, 1, "MODEL_OR_ID"))
                if !id.hasPrefix("rl-") { id = "rl-" + id }
                return try await shell.invoke("update-project-rate-limits", inv, path: ["project_id": project, "rate_limit_id": .string(id)])
            }
            return try await shell.invoke("list-project-rate-limits", inv, path: ["project_id": project], list: true)
        },
        CommandSpec(
            name: "audit", group: .api, summary: "the audit log, newest first, with filters",
            usage: "audit [--type T,...] [--project P] [--actor ID] [--resource ID] [--since 24h|7d] [--all] [--limit N]",
            example: "audit --type api_key.updated,project.archived --since 7d",
            endpoints: ["list-audit-logs"],
            flags: Flags.api + Flags.paging + [
                FlagSpec("--type", value: true, "event types, comma-separated"), FlagSpec("--project", value: true, "project ids"),
                FlagSpec("--actor", value: true, "actor ids (user, service account or key)"), FlagSpec("--resource", value: true, "resource ids"),
                FlagSpec("--since", value: true, "only newer than this: 30m, 24h, 7d"),
            ]
        ) { (shell, inv) throws(ShellError) in
            var query: [String: JSON] = [:]
            for (flag, name) in [("--type", "event_types[]"), ("--project", "project_ids[]"), ("--actor", "actor_ids[]"), ("--resource", "resource_ids[]")] {
                if let w = inv.args.flagWord(flag) {
                    let v = try shell.value(of: w)
                    query[name] = v.arrayValue.map(JSON.array) ?? .array(Interpreter.stringify(v).split(separator: ",").map { .string(String($0)) })
                }
            }
            if let w = inv.args.flagWord("--since") {
                let seconds = try Durations.seconds(try shell.text(of: w), at: w.location)
                query["effective_at"] = .obj(["gte": .int(UnixTime.now() - seconds)])
            }
            return try await shell.invoke("list-audit-logs", inv, query: query, list: true)
        },
        CommandSpec(
            name: "usage", group: .api, summary: "usage buckets: completions, embeddings, images, … (default completions)",
            usage: "usage [KIND] [--days N] [--bucket 1d|1h|1m] [--group-by a,b] [--all]",
            example: "usage completions --days 7 --group-by project_id,model",
            endpoints: UsageKinds.endpointIDs,
            flags: Flags.api + Flags.paging + [FlagSpec("--days", value: true, "how many days back (default 7)"),
                                               FlagSpec("--bucket", value: true, "bucket width"), FlagSpec("--group-by", value: true, "fields to group by")],
            subcommands: UsageKinds.names
        ) { (shell, inv) throws(ShellError) in
            let kind = try inv.args.positional.first.map { w throws(ShellError) in try shell.text(of: w) } ?? "completions"
            guard let id = UsageKinds.endpointID(kind) else {
                throw .usage("usage: unknown kind '\(kind)' (\(UsageKinds.names.joined(separator: ", ")))", at: inv.location)
            }
            return try await shell.invoke(id, inv, query: try UsageKinds.query(shell, inv), list: true)
        },
        CommandSpec(
            name: "costs", group: .api, summary: "daily cost buckets",
            usage: "costs [--days N] [--group-by project_id,line_item] [--all]", example: "costs --days 30 --group-by project_id",
            endpoints: ["usage-costs"],
            flags: Flags.api + Flags.paging + [FlagSpec("--days", value: true, "how many days back (default 7)"), FlagSpec("--group-by", value: true, "fields to group by")]
        ) { (shell, inv) throws(ShellError) in
            try await shell.invoke("usage-costs", inv, query: try UsageKinds.query(shell, inv), list: true)
        },
        CommandSpec(
            name: "roles", group: .api, summary: "organization roles, or a project's with --project",
            usage: "roles [--project P] [--all]", endpoints: ["list-roles", "list-project-roles"], flags: Flags.api + Flags.paging + Flags.project
        ) { (shell, inv) throws(ShellError) in
            if let w = inv.args.flagWord("--project") {
                return try await shell.invoke("list-project-roles", inv, path: ["project_id": try shell.value(of: w)], list: true)
            }
            return try await shell.invoke("list-roles", inv, list: true)
        },
        CommandSpec(
            name: "groups", group: .api, summary: "groups and their members",
            usage: "groups | groups create NAME | groups delete ID | groups members ID | groups add ID USER_ID | groups remove ID USER_ID",
            endpoints: ["list-groups", "create-group", "delete-group", "list-group-users", "add-group-user", "remove-group-user"],
            flags: Flags.api + Flags.paging, subcommands: ["create", "delete", "members", "add", "remove"]
        ) { (shell, inv) throws(ShellError) in
            guard let sub = inv.args.positional.first?.literalText else { return try await shell.invoke("list-groups", inv, list: true) }
            switch sub {
            case "create":
                return try await shell.invoke("create-group", inv, body: .obj(["name": .string(try shell.text(of: shell.positional(inv, 1, "NAME")))]))
            case "delete":
                return try await shell.invoke("delete-group", inv, path: ["group_id": try shell.value(of: shell.positional(inv, 1, "GROUP_ID"))])
            case "members":
                return try await shell.invoke("list-group-users", inv, path: ["group_id": try shell.value(of: shell.positional(inv, 1, "GROUP_ID"))], list: true)
            case "add":
                let g = try shell.value(of: shell.positional(inv, 1, "GROUP_ID"))
                let u = try shell.value(of: shell.positional(inv, 2, "USER_ID"))
                return try await shell.invoke("add-group-user", inv, path: ["group_id": g], body: .obj(["user_id": u]))
            case "remove":
                let g = try shell.value(of: shell.positional(inv, 1, "GROUP_ID"))
                let u = try shell.value(of: shell.positional(inv, 2, "USER_ID"))
                return try await shell.invoke("remove-group-user", inv, path: ["group_id": g, "user_id": u])
            default:
                throw .usage("groups: unknown subcommand '\(sub)' (create, delete, members, add, remove)", at: inv.location)
            }
        },
        CommandSpec(
            name: "call", group: .api, summary: "any admin operation: by method and path, or by operation id",
            usage: "call METHOD PATH [k=v ...] [--body JSON|@FILE] [--all]  |  call OPERATION_ID [k=v ...]",
            example: "call GET /organization/users limit=5",
            flags: Flags.api + Flags.paging + Flags.body
        ) { (shell, inv) throws(ShellError) in
            try await GenericCall.run(shell, inv)
        },
    ]
}

/// The usage kinds and their operations.
enum UsageKinds {
    static let names = ["completions", "embeddings", "moderations", "images", "audio_speeches", "audio_transcriptions",
                        "vector_stores", "code_interpreter_sessions", "file_search_calls", "web_search_calls", "decisions"]

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
