import AdmAPI

/// Short commands over the Admin API. Each is thin: it picks the catalog operation and fills
/// its path from arguments, the rest comes from `k=v` pairs typed by the catalog.
enum APICommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            name: "projects",
            group: .api,
            summary: "list projects",
            example: "projects --all | .data[].id",
            endpoints: [.listProjects],
            flags: Flags.api + Flags.paging + [FlagSpec("--archived", "include archived projects")],
            run: { shell, inv throws(ShellError) in
                try await shell.calls.invoke(.listProjects, inv, query: inv.args.has("--archived") ? ["include_archived": true] : [:], list: true)
            }
        ),
        CommandSpec(
            name: "project",
            group: .api,
            summary: "show, create, rename or archive a project",
            example: "project create \"Data team\"",
            endpoints: [.retrieveProject, .createProject, .modifyProject, .archiveProject],
            flags: Flags.api,
            arguments: [ArgumentSpec("ID", optional: true, completion: .named("project"))],
            subcommands: [
                SubcommandSpec("show", [ArgumentSpec("ID", optional: true, completion: .named("project"))]) { shell, inv throws(ShellError) in
                    try await show(shell, inv)
                },
                SubcommandSpec("create", [ArgumentSpec("NAME")]) { shell, inv throws(ShellError) in
                    let name = try shell.text(of: inv.argument(0))
                    return try await shell.calls.invoke(.createProject, inv, body: .obj(["name": .string(name)]))
                },
                SubcommandSpec("rename", [ArgumentSpec("ID", optional: true, completion: .named("project")), ArgumentSpec("NAME")]) {
                    shell,
                    inv throws(ShellError) in
                    let hasID = inv.args.positional.count > 1
                    let name = try shell.text(of: inv.argument(hasID ? 1 : 0))
                    let id = hasID ? try await shell.resolvingProjectNames(try shell.value(of: inv.argument(0)), inv) : try await shell.projectID(inv)
                    return try await shell.calls.invoke(.modifyProject, inv, path: ["project_id": id], body: .obj(["name": .string(name)]))
                },
                SubcommandSpec(
                    "archive",
                    [ArgumentSpec("ID", optional: true, completion: .named("project"))],
                    flags: [FlagSpec("--yes", "archive the active project without asking (scripts)")]
                ) { shell, inv throws(ShellError) in
                    guard inv.optionalArgument(0) == nil else {
                        return try await shell.calls.invoke(.archiveProject, inv, path: ["project_id": try await shell.projectID(inv, argument: 0)])
                    }
                    guard let id = try shell.confirmingActiveProject(inv, for: "Archive") else {
                        shell.say(shell.style.dim("not archived: nothing was changed"))
                        return .none
                    }
                    return try await shell.calls.invoke(.archiveProject, inv, path: ["project_id": id])
                },
            ],
            run: { shell, inv throws(ShellError) in try await show(shell, inv) }
        ),
        CommandSpec(
            name: "users",
            group: .api,
            summary: "list organization users (emails=a@x,b@y filters)",
            fields: ["[emails=A,B]"],
            endpoints: [.listUsers],
            flags: Flags.api + Flags.paging,
            run: { shell, inv throws(ShellError) in try await shell.calls.invoke(.listUsers, inv, list: true) }
        ),
        CommandSpec(
            name: "user",
            group: .api,
            summary: "show, change the role of, or remove a user (by id, email or name)",
            endpoints: [.retrieveUser, .modifyUser, .deleteUser],
            flags: Flags.api,
            subcommands: [
                SubcommandSpec("show", [ArgumentSpec("USER", completion: .named("user"))]) { shell, inv throws(ShellError) in
                    try await shell.calls.invoke(.retrieveUser, inv, path: ["user_id": try await shell.userID(inv.argument(0), inv)])
                },
                SubcommandSpec(
                    "role",
                    [ArgumentSpec("USER", completion: .named("user")), ArgumentSpec("ROLE", completion: .choices(["owner", "reader"]))]
                ) {
                    shell,
                    inv throws(ShellError) in
                    let id = try await shell.userID(inv.argument(0), inv)
                    let role = try shell.text(of: inv.argument(1))
                    return try await shell.calls.invoke(.modifyUser, inv, path: ["user_id": id], body: .obj(["role": .string(role)]))
                },
                SubcommandSpec("remove", aliases: ["delete"], [ArgumentSpec("USER", completion: .named("user"))]) { shell, inv throws(ShellError) in
                    try await shell.calls.invoke(.deleteUser, inv, path: ["user_id": try await shell.userID(inv.argument(0), inv)])
                },
            ]
        ),
        CommandSpec(
            name: "invites",
            group: .api,
            summary: "list, create or delete invites",
            example: "invites create ada@example.com role=reader",
            endpoints: [.listInvites, .inviteUser, .deleteInvite],
            flags: Flags.api + Flags.paging,
            subcommands: [
                SubcommandSpec("create", [ArgumentSpec("EMAIL")], fields: ["[role=reader|owner]"]) { shell, inv throws(ShellError) in
                    let email = try shell.text(of: inv.argument(0))
                    let hasRole = inv.args.pairs.contains { $0.key == "role" }
                    return try await shell.calls.invoke(
                        .inviteUser,
                        inv,
                        body: .obj(hasRole ? ["email": .string(email)] : ["email": .string(email), "role": "reader"])
                    )
                },
                SubcommandSpec("delete", [ArgumentSpec("INVITE_ID", completion: .ids("invite"))]) { shell, inv throws(ShellError) in
                    try await shell.calls.invoke(.deleteInvite, inv, path: ["invite_id": try shell.value(of: inv.argument(0))])
                },
            ],
            run: { shell, inv throws(ShellError) in try await shell.calls.invoke(.listInvites, inv, list: true) }
        ),
        CommandSpec(
            name: "keys",
            group: .api,
            summary: "admin keys; with --project, a project's API keys (owners who left included)",
            example: "keys --project $_.data[].id   # every project's keys, 8 calls at a time",
            endpoints: [
                .adminApiKeysList, .adminApiKeysCreate, .adminApiKeysGet, .adminApiKeysDelete, .listProjectApiKeys, .retrieveProjectApiKey,
                .deleteProjectApiKey,
            ],
            flags: Flags.api + Flags.paging + Flags.project + [
                FlagSpec(
                    "--visible-only",
                    "with --project: only what the API shows by default (it hides keys whose owner lost access to the project)"
                )
            ],
            subcommands: [
                SubcommandSpec("create", [ArgumentSpec("NAME")]) { shell, inv throws(ShellError) in
                    if inv.args.has("--project") {
                        throw .usage(
                            "project API keys cannot be created through the API; create a service account (create-sa) instead",
                            at: inv.location
                        )
                    }
                    let name = try shell.text(of: inv.argument(0))
                    return try await shell.calls.invoke(.adminApiKeysCreate, inv, body: .obj(["name": .string(name)]))
                },
                SubcommandSpec("show", [ArgumentSpec("KEY_ID", completion: .ids("key"))]) { shell, inv throws(ShellError) in
                    let id = try shell.value(of: inv.argument(0))
                    if let project = try await projectFlag(shell, inv) {
                        return try await shell.calls.invoke(.retrieveProjectApiKey, inv, path: ["project_id": project, "api_key_id": id])
                    }
                    return try await shell.calls.invoke(.adminApiKeysGet, inv, path: ["key_id": id])
                },
                SubcommandSpec("delete", [ArgumentSpec("KEY_ID", completion: .ids("key"))]) { shell, inv throws(ShellError) in
                    let id = try shell.value(of: inv.argument(0))
                    if let project = try await projectFlag(shell, inv) {
                        return try await shell.calls.invoke(.deleteProjectApiKey, inv, path: ["project_id": project, "api_key_id": id])
                    }
                    return try await shell.calls.invoke(.adminApiKeysDelete, inv, path: ["key_id": id])
                },
            ],
            run: { shell, inv throws(ShellError) in
                if let project = try await projectFlag(shell, inv) {
                    // Every key by default: without `any` the API hides the keys whose owner lost
                    // access to the project — the ones an administrator is looking for (§11).
                    let asked = inv.args.has("--visible-only") || inv.args.pairs.contains { $0.key == "owner_project_access" }
                    let query: [String: JSON] = asked ? [:] : ["owner_project_access": "any"]
                    return try await shell.calls.invoke(.listProjectApiKeys, inv, path: ["project_id": project], query: query, list: true)
                }
                return try await shell.calls.invoke(.adminApiKeysList, inv, list: true)
            }
        ),
        CommandSpec(
            name: "create-sa",
            group: .api,
            summary: "create a service account in the project (its key's secret is shown once)",
            fields: ["[create_service_account_only=true]"],
            example: "create-sa name=ci-bot",
            endpoints: [.createProjectServiceAccount],
            flags: Flags.api + Flags.project,
            arguments: [ArgumentSpec("NAME", optional: true)],
            run: { shell, inv throws(ShellError) in
                var body: JSON? = nil
                if !inv.args.pairs.contains(where: { $0.key == "name" }), let first = inv.args.positional.first {
                    body = .obj(["name": .string(try shell.text(of: first))])
                }
                return try await shell.calls.invoke(
                    .createProjectServiceAccount,
                    inv,
                    path: ["project_id": try await shell.projectID(inv)],
                    body: body
                )
            }
        ),
        CommandSpec(
            name: "sa",
            group: .api,
            summary: "list, show, rename or delete the project's service accounts",
            endpoints: [.listProjectServiceAccounts, .retrieveProjectServiceAccount, .updateProjectServiceAccount, .deleteProjectServiceAccount],
            flags: Flags.api + Flags.paging + Flags.project,
            subcommands: [
                SubcommandSpec("show", [ArgumentSpec("SERVICE_ACCOUNT_ID", completion: .ids("service_account"))]) { shell, inv throws(ShellError) in
                    try await shell.calls.invoke(.retrieveProjectServiceAccount, inv, path: try await serviceAccountPath(shell, inv))
                },
                SubcommandSpec("delete", [ArgumentSpec("SERVICE_ACCOUNT_ID", completion: .ids("service_account"))]) { shell, inv throws(ShellError) in
                    try await shell.calls.invoke(.deleteProjectServiceAccount, inv, path: try await serviceAccountPath(shell, inv))
                },
                SubcommandSpec("rename", [ArgumentSpec("SERVICE_ACCOUNT_ID", completion: .ids("service_account")), ArgumentSpec("NAME")]) {
                    shell,
                    inv throws(ShellError) in
                    let path = try await serviceAccountPath(shell, inv)
                    let name = try shell.text(of: inv.argument(1))
                    return try await shell.calls.invoke(.updateProjectServiceAccount, inv, path: path, body: .obj(["name": .string(name)]))
                },
                SubcommandSpec(
                    "role",
                    [
                        ArgumentSpec("SERVICE_ACCOUNT_ID", completion: .ids("service_account")),
                        ArgumentSpec("ROLE", completion: .choices(["member", "owner"])),
                    ]
                ) {
                    shell,
                    inv throws(ShellError) in
                    let path = try await serviceAccountPath(shell, inv)
                    let role = try shell.text(of: inv.argument(1))
                    return try await shell.calls.invoke(.updateProjectServiceAccount, inv, path: path, body: .obj(["role": .string(role)]))
                },
            ],
            run: projectList(.listProjectServiceAccounts)
        ),
        CommandSpec(
            name: "sa-key",
            group: .api,
            summary: "another key for a service account, optionally restricted to scopes",
            fields: ["[name=NAME]", "[scopes=a,b]"],
            example: "sa-key $sa.id scopes=api.model.read,api.model.request",
            endpoints: [.createServiceAccountKey],
            flags: Flags.api + Flags.project,
            arguments: [ArgumentSpec("SERVICE_ACCOUNT_ID", completion: .ids("service_account"))],
            run: { shell, inv throws(ShellError) in
                try await shell.calls.invoke(.createServiceAccountKey, inv, path: try await serviceAccountPath(shell, inv))
            }
        ),
        CommandSpec(
            name: "rate-limits",
            group: .api,
            summary: "a project's per-model rate limits, or change one",
            example: "rate-limits set gpt-4o max_requests_per_1_minute=500",
            endpoints: [.listProjectRateLimits, .updateProjectRateLimits],
            flags: Flags.api + Flags.paging + Flags.project,
            subcommands: [
                SubcommandSpec("set", [ArgumentSpec("MODEL_OR_ID")], fields: ["max_requests_per_1_minute=N ..."]) { shell, inv throws(ShellError) in
                    var id = try shell.text(of: inv.argument(0))
                    if !id.hasPrefix("rl-") { id = "rl-" + id }
                    return try await shell.calls.invoke(
                        .updateProjectRateLimits,
                        inv,
                        path: ["project_id": try await shell.projectID(inv), "rate_limit_id": .string(id)]
                    )
                }
            ],
            run: projectList(.listProjectRateLimits)
        ),
        CommandSpec(
            name: "roles",
            group: .api,
            summary: "organization roles, or a project's with --project",
            endpoints: [.listRoles, .listProjectRoles],
            flags: Flags.api + Flags.paging + Flags.project,
            run: { shell, inv throws(ShellError) in
                if let project = try await projectFlag(shell, inv) {
                    return try await shell.calls.invoke(.listProjectRoles, inv, path: ["project_id": project], list: true)
                }
                return try await shell.calls.invoke(.listRoles, inv, list: true)
            }
        ),
        CommandSpec(
            name: "groups",
            group: .api,
            summary: "groups and their members",
            endpoints: [.listGroups, .createGroup, .deleteGroup, .listGroupUsers, .addGroupUser, .removeGroupUser],
            flags: Flags.api + Flags.paging,
            subcommands: [
                SubcommandSpec("create", [ArgumentSpec("NAME")]) { shell, inv throws(ShellError) in
                    try await shell.calls.invoke(.createGroup, inv, body: .obj(["name": .string(try shell.text(of: inv.argument(0)))]))
                },
                SubcommandSpec("delete", [ArgumentSpec("GROUP_ID", completion: .ids("group"))]) { shell, inv throws(ShellError) in
                    try await shell.calls.invoke(.deleteGroup, inv, path: ["group_id": try shell.value(of: inv.argument(0))])
                },
                SubcommandSpec("members", [ArgumentSpec("GROUP_ID", completion: .ids("group"))]) { shell, inv throws(ShellError) in
                    try await shell.calls.invoke(.listGroupUsers, inv, path: ["group_id": try shell.value(of: inv.argument(0))], list: true)
                },
                SubcommandSpec("add", [ArgumentSpec("GROUP_ID", completion: .ids("group")), ArgumentSpec("USER_ID", completion: .ids("user"))]) {
                    shell,
                    inv throws(ShellError) in
                    let g = try shell.value(of: inv.argument(0))
                    let u = try shell.value(of: inv.argument(1))
                    return try await shell.calls.invoke(.addGroupUser, inv, path: ["group_id": g], body: .obj(["user_id": u]))
                },
                SubcommandSpec("remove", [ArgumentSpec("GROUP_ID", completion: .ids("group")), ArgumentSpec("USER_ID", completion: .ids("user"))]) {
                    shell,
                    inv throws(ShellError) in
                    let g = try shell.value(of: inv.argument(0))
                    let u = try shell.value(of: inv.argument(1))
                    return try await shell.calls.invoke(.removeGroupUser, inv, path: ["group_id": g, "user_id": u])
                },
            ],
            run: { shell, inv throws(ShellError) in try await shell.calls.invoke(.listGroups, inv, list: true) }
        ),
        CommandSpec(
            name: "call",
            group: .api,
            summary: "any admin operation: by method and path, or by operation id",
            grammar: "call METHOD PATH [k=v ...] [--body JSON|@FILE] [--all]  |  call OPERATION_ID [k=v ...]",
            example: "call GET /organization/users limit=5",
            flags: Flags.api + Flags.paging + Flags.body,
            arguments: [
                ArgumentSpec("METHOD PATH or OPERATION_ID", completion: .callTarget),
                ArgumentSpec("PATH", optional: true, repeats: true, completion: .callTarget),
            ],
            run: { shell, inv throws(ShellError) in try await GenericCall.run(shell, inv) }
        ),
    ]

    /// `project [show] [ID]`.
    static func show(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        try await shell.calls.invoke(.retrieveProject, inv, path: ["project_id": try await shell.projectID(inv, argument: 0)])
    }

    /// The action of a command that lists something of the session's project (or `--project`'s;
    /// a list fans out).
    static func projectList(_ operation: Endpoint) -> CommandAction {
        { shell, inv throws(ShellError) in
            try await shell.calls.invoke(operation, inv, path: ["project_id": try await shell.projectID(inv)], list: true)
        }
    }

    /// `--project`, names resolved to ids (nil when not given).
    static func projectFlag(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> JSON? {
        guard let word = inv.args.flagWord("--project") else { return nil }
        return try await shell.resolvingProjectNames(try shell.value(of: word), inv)
    }

    /// The project and service account of `sa …` and `sa-key`.
    static func serviceAccountPath(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> [String: JSON] {
        ["project_id": try await shell.projectID(inv), "service_account_id": try shell.value(of: inv.argument(0))]
    }
}
