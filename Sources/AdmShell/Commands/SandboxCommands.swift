import AdmAPI

/// `sandbox …`: controls the built-in emulator (or one started with `adm sandbox`) through its
/// own `/_sandbox` routes, never the emulated API.
enum SandboxCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            name: "sandbox",
            group: .sandbox,
            summary: "control the sandbox: keys with permission profiles, known-issue modes, faults, the rate limit, reset, seed",
            example: "sandbox key create ci --profile restricted:management=read",
            flags: Flags.output + [
                FlagSpec(
                    "--profile",
                    value: true,
                    "all, read-only, or restricted:management=write,usage=read,audit=read,fine-tuning=write",
                    completion: .choices(["all", "read-only", "restricted:management=read", "restricted:management=write", "restricted:usage=read"])
                ),
                FlagSpec("--project", value: true, "project for seed", completion: .ids("project")),
                FlagSpec("--seed", .integer(0...9_007_199_254_740_991), "seed org: which organization (the same number builds the same one)"),
            ],
            subcommands: [
                SubcommandSpec("info") { shell, inv throws(ShellError) in try await info(shell, inv) },
                SubcommandSpec(
                    "key",
                    [ArgumentSpec("create|set", completion: .choices(["create", "set"])), ArgumentSpec("NAME", completion: .keyNames)]
                ) {
                    shell,
                    inv throws(ShellError) in try await key(shell, inv)
                },
                SubcommandSpec(
                    "known-issue",
                    [ArgumentSpec("NAME", completion: .choices(KnownIssues.names)), ArgumentSpec("on|off", completion: .choices(["on", "off"]))]
                ) {
                    shell,
                    inv throws(ShellError) in
                    let args = try texts(shell, inv)
                    guard args.count == 2, ["on", "off"].contains(args[1]) else {
                        throw .usage("sandbox known-issue NAME on|off (known: \(KnownIssues.names.joined(separator: ", ")))", at: inv.location)
                    }
                    let r = try await control(shell, "POST", "known-issues", .obj(["name": .string(args[0]), "enabled": .bool(args[1] == "on")]))
                    guard inv.showsTables else { return .value(r) }
                    shell.say(
                        shell.style.dim("known issue \(args[0]) \(args[1]): \(r["summary"]?.stringValue ?? "") — \(r["report"]?.stringValue ?? "")")
                    )
                    return .printed(r)
                },
                SubcommandSpec("faults", [ArgumentSpec("SPEC")]) { shell, inv throws(ShellError) in
                    let spec = try texts(shell, inv).first ?? ""
                    let r = try await control(shell, "POST", "faults", .obj(["faults": .string(spec == "none" ? "" : spec)]))
                    shell.say(shell.style.dim("faults: \(r["faults"]?.stringValue ?? "?")"))
                    return .printed(r)
                },
                SubcommandSpec("rate-limit", [ArgumentSpec("SPEC", completion: .choices(["off", "realistic", "8/min,burst=7", "120/min,burst=5"]))]) {
                    shell,
                    inv throws(ShellError) in
                    let args = try texts(shell, inv)
                    guard let spec = args.first, args.count == 1 else {
                        throw .usage(
                            "sandbox rate-limit off|realistic|N/min[,burst=B][,scope=key|org][,retry-after][,ratelimit-headers]",
                            at: inv.location
                        )
                    }
                    let r = try await control(shell, "POST", "rate-limit", .obj(["rule": .string(spec)]))
                    // The pace learned under the old limit says nothing of the new one.
                    shell.client.scheduler.forgetAll()
                    shell.say(shell.style.dim("rate limit: \(r["rule"]?.stringValue ?? "?") (the pace adm had learned is forgotten)"))
                    return .printed(r)
                },
                SubcommandSpec("reset") { shell, _ throws(ShellError) in
                    let r = try await control(shell, "POST", "reset")
                    shell.session.probes.removeAll()
                    shell.say(shell.style.dim("sandbox reset to its fixtures (fixture keys keep their values)"))
                    return .printed(r)
                },
                SubcommandSpec(
                    "seed",
                    [
                        ArgumentSpec("KIND", completion: .choices(["projects", "service-accounts", "users", "org"])),
                        ArgumentSpec("N", optional: true, kind: .integer(1...100_000)),
                    ]
                ) {
                    shell,
                    inv throws(ShellError) in try await seed(shell, inv)
                },
                SubcommandSpec("load", [ArgumentSpec("SNAPSHOT", kind: .file)]) { shell, inv throws(ShellError) in
                    try await load(shell, inv)
                },
                SubcommandSpec("snapshot") { shell, _ throws(ShellError) in .value(try await control(shell, "GET", "snapshot")) },
            ],
            run: { shell, inv throws(ShellError) in try await info(shell, inv) }
        )
    ]

    /// The known-issue modes, for messages and completion.
    enum KnownIssues {
        static let names = ["stale-permissions", "cost-amount-strings"]
    }

    static func texts(_ shell: CommandContext, _ inv: Invocation) throws(ShellError) -> [String] {
        try inv.args.positional.map { w throws(ShellError) in try shell.text(of: w) }
    }

    static func info(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let info = try await control(shell, "GET", "info")
        guard inv.showsTables else { return .value(info) }
        let issues = (info["known_issues"]?.arrayValue ?? []).map(Interpreter.stringify).joined(separator: ", ")
        shell.say(
            shell.style.bold("sandbox") + " \(shell.client.baseURL)  org \(info["organization_id"]?.stringValue ?? "?")"
                + "  rate limit: \(info["rate_limit"]?.stringValue ?? "?")  faults: \(info["faults"]?.stringValue ?? "none")  known issues: \(issues.isEmpty ? "none" : issues)"
                + "  requests: \(info["requests"]?["served"]?.intValue ?? 0) served, at most \(info["requests"]?["peak_in_flight"]?.intValue ?? 0) at once, "
                + "\(info["requests"]?["rate_limited"]?.intValue ?? 0) refused by the rate limit"
        )
        let keys = info["admin_keys"]?.arrayValue ?? []
        shell.sayTable(
            keys,
            columns: [
                Column("NAME", ".name"), Column("ID", ".id"), Column("PROFILE", ".profile"),
                Column("CREATED AS", ".created_profile"), Column("STALE", ".stale"),
            ]
        )
        return .printed(info)
    }

    static func key(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let args = try texts(shell, inv)
        guard args.count >= 2, ["create", "set"].contains(args[0]) else {
            throw .usage("sandbox key: expected 'sandbox key create NAME --profile P' or 'sandbox key set NAME --profile P'", at: inv.location)
        }
        let profile = try inv.args.flagWord("--profile").map { w throws(ShellError) in try shell.text(of: w) } ?? (args[0] == "create" ? "all" : "")
        if profile.isEmpty { throw .usage("sandbox key set: --profile is required", at: inv.location) }
        do { _ = try PermissionProfile.parse(profile) } catch { throw .usage("--profile: \(error.description)", at: inv.location) }
        if args[0] == "create" {
            let r = try await control(shell, "POST", "keys", .obj(["name": .string(args[1]), "profile": .string(profile)]))
            guard let value = r["value"]?.stringValue else { throw .environment("the sandbox returned no key value") }
            let secret = Secret(value)
            shell.session.addKey(SessionKey(name: args[1], secret: secret, source: .created("sandbox key create")))
            shell.say(
                shell.style.dim(
                    "created sandbox admin key \(args[1]) (\(secret.redacted), \(r["id"]?.stringValue ?? "")) with permissions \(profile); it is a session key now"
                )
            )
            return .printed(.obj(["name": .string(args[1]), "id": r["id"] ?? .null, "profile": .string(profile)]))
        }
        let r = try await control(shell, "POST", "keys/\(args[1])", .obj(["profile": .string(profile)]))
        shell.session.probes[args[1]] = nil
        guard inv.showsTables else { return .value(r) }
        let stale =
            r["stale"]?.boolValue == true
            ? shell.style.yellow(" — but stale-permissions is on: it keeps what it was created with (\(r["created_profile"]?.stringValue ?? "?"))")
            : ""
        shell.say(shell.style.dim("\(args[1]) now has permissions \(profile)") + stale)
        return .printed(r)
    }

    static func seed(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let args = try texts(shell, inv)
        if args.first == "org" {
            var body: JSON = .obj(["kind": "org"])
            if let n = try inv.integer("--seed") { body["seed"] = .int(n) }
            let r = try await control(shell, "POST", "seed", body)
            let seeded = r["seeded"] ?? .null
            adoptFixtures(shell, r)
            guard inv.showsTables else { return .value(seeded) }
            let keys = seeded["keys"]
            shell.say(
                shell.style.dim(
                    "seeded an organization: \(seeded["projects"]?.intValue ?? 0) projects (\(seeded["archived_projects"]?.intValue ?? 0) archived), "
                        + "\(seeded["users"]?.intValue ?? 0) users, \(keys?["total"]?.intValue ?? 0) keys (\(keys?["admin"]?.intValue ?? 0) admin, "
                        + "\(keys?["project"]?.intValue ?? 0) project, \(keys?["service_account"]?.intValue ?? 0) service-account; "
                        + "\(seeded["owner_inactive_keys"]?.intValue ?? 0) whose owner left, \(seeded["never_used_keys"]?.intValue ?? 0) never used), "
                        + "\(seeded["pending_invites"]?.intValue ?? 0) pending invites, 90 days of usage and costs"
                )
            )
            return .printed(seeded)
        }
        guard args.count == 2, case .integer(let n)? = try inv.checkedArgument(1) else {
            throw .usage("sandbox seed projects|service-accounts|users N [--project P] | sandbox seed org [--seed N]", at: inv.location)
        }
        var body: JSON = .obj(["kind": .string(args[0]), "count": .int(n)])
        if let w = inv.args.flagWord("--project") {
            body["project_id"] = .string(try shell.text(of: w))
        } else if args[0] == "service-accounts", let p = shell.session.activeProject {
            body["project_id"] = .string(p)
        }
        let r = try await control(shell, "POST", "seed", body)
        shell.say(shell.style.dim("seeded \(r["created"]?.intValue ?? 0) \(args[0])"))
        return .printed(r)
    }

    /// `sandbox load SNAPSHOT`: the sandbox becomes a twin of the organization in the file.
    static func load(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let path = try shell.text(of: inv.argument(0))
        let snapshot = try SnapshotCommand.load(path)
        let r = try await control(shell, "POST", "load", .obj(["snapshot": snapshot]))
        adoptFixtures(shell, r)
        shell.session.probes.removeAll()
        let value: JSON = .obj(["organization_id": r["organization_id"] ?? .null, "counts": r["counts"] ?? .null, "notes": r["notes"] ?? .array([])])
        guard inv.showsTables else { return .value(value) }
        let counts = r["counts"]
        shell.say(
            shell.style.dim(
                "the sandbox is a twin of \(r["organization_id"]?.stringValue ?? "?") from \(path): \(counts?["project"]?.intValue ?? 0) projects, "
                    + "\(counts?["user"]?.intValue ?? 0) users, \((counts?["adminKey"]?.intValue ?? 0) + (counts?["projectKey"]?.intValue ?? 0)) keys; "
                    + "its fixture keys (\(shell.session.keyOrder.joined(separator: ", "))) are stand-ins listed nowhere"
            )
        )
        for note in r["notes"]?.arrayValue ?? [] { shell.say(shell.style.yellow("note: ") + TerminalText.inline(note.stringValue ?? "")) }
        return .printed(value)
    }

    /// A seeded organization brings fixture keys and a default project of its own: the session's
    /// sandbox keys take their new values, and the default project becomes the active one.
    static func adoptFixtures(_ shell: CommandContext, _ response: JSON) {
        for member in response["fixture_keys"]?.objectValue ?? [] {
            guard let value = member.value.stringValue else { continue }
            // Whatever the session loaded under a fixture's name (the built-in sandbox's keys, or
            // the keys file of `adm sandbox`) is that fixture, whose value changed.
            let source = shell.session.keys[member.key]?.source ?? .sandbox
            shell.session.addKey(SessionKey(name: member.key, secret: Secret(value), source: source))
        }
        if let project = response["default_project"]?.stringValue { shell.session.activeProject = project }
        shell.session.adminKeyRecords.removeAll()
    }

    /// A request to the sandbox's control routes beside the session's API.
    static func control(_ shell: CommandContext, _ method: String, _ path: String, _ body: JSON? = nil) async throws(ShellError) -> JSON {
        let url = APIPath.sandboxControl(for: shell.client.baseURL) + "/" + path
        let request = WireRequest(method: HTTPMethod(rawValue: method) ?? .get, url: url, body: body?.bytes())
        // A change through the back door changes what listings hold: read them again next time.
        if request.method != .get { shell.client.readings.forgetAll() }
        let response: WireResponse
        do {
            response = try await shell.client.transport.send(request, credential: nil, timeout: .seconds(120))
        } catch {
            if error == .cancelled { throw .cancelled() }
            throw .environment(
                "sandbox control at \(url) did not answer (\(error)); sandbox commands need a sandbox: adm --sandbox, or --base-url of `adm sandbox`"
            )
        }
        let json = try? JSON.parse(bytes: response.body)
        guard response.isSuccess, let json else {
            let message = json?["error"]?["message"]?.stringValue ?? "HTTP \(response.status)"
            if response.status == 404 && json?["error"]?["type"]?.stringValue != "sandbox_error" {
                throw .environment("\(shell.client.baseURL) is not a sandbox (no /_sandbox control routes)")
            }
            throw .usage("sandbox: \(message)", at: nil)
        }
        return json
    }
}
