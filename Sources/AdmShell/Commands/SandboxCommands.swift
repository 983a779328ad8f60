import AdmAPI

/// `sandbox …`: controls the built-in emulator (or one started with `adm sandbox`) through its
/// own `/_sandbox` routes, never the emulated API.
enum SandboxCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            name: "sandbox", group: .sandbox,
            summary: "control the sandbox: keys with permission profiles, known-issue modes, faults, reset, seed",
            usage: """
            sandbox info | sandbox key create NAME --profile P | sandbox key set NAME --profile P | \
            sandbox known-issue NAME on|off | sandbox faults SPEC | sandbox rate-limit off|realistic|N/min,… | sandbox reset | \
            sandbox seed projects|service-accounts|users N [--project P] | sandbox snapshot
            """,
            example: "sandbox key create ci --profile restricted:management=read",
            flags: Flags.output + [FlagSpec("--profile", value: true, "all, read-only, or restricted:management=write,usage=read,audit=read,fine-tuning=write"),
                                   FlagSpec("--project", value: true, "project for seed")],
            subcommands: ["info", "key", "known-issue", "faults", "rate-limit", "reset", "seed", "snapshot"]
        ) { (shell, inv) throws(ShellError) in try await run(shell, inv) },
    ]

    static func run(_ shell: Interpreter, _ inv: Invocation) async throws(ShellError) -> JSON? {
        let sub = try inv.args.positional.first.map { w throws(ShellError) in try shell.text(of: w) } ?? "info"
        let args = try Array(inv.args.positional.dropFirst()).map { w throws(ShellError) in try shell.text(of: w) }
        switch sub {
        case "info":
            let info = try await control(shell, "GET", "info")
            if shell.outputMode == .auto {
                shell.say(shell.style.bold("sandbox") + " \(shell.client.baseURL)  org \(info["organization_id"]?.stringValue ?? "?")"
                          + "  rate limit: \(info["rate_limit"]?.stringValue ?? "?")  faults: \(info["faults"]?.stringValue ?? "none")  known issues: \((info["known_issues"]?.arrayValue ?? []).map(Interpreter.stringify).joined(separator: ", ").ifEmpty("none"))"
                          + "  requests: \(info["requests"]?["served"]?.intValue ?? 0) served, at most \(info["requests"]?["peak_in_flight"]?.intValue ?? 0) at once")
                let keys = info["admin_keys"]?.arrayValue ?? []
                for line in Table.render(items: keys, columns: [Column("NAME", ".name"), Column("ID", ".id"), Column("PROFILE", ".profile"),
                                                                Column("CREATED AS", ".created_profile"), Column("STALE", ".stale")], style: shell.style) {
                    shell.say(line)
                }
                shell.alreadyRendered = true
            }
            return info
        case "key":
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
                shell.say(shell.style.dim("created sandbox admin key \(args[1]) (\(secret.redacted), \(r["id"]?.stringValue ?? "")) with permissions \(profile); it is a session key now"))
                shell.alreadyRendered = true
                return .obj(["name": .string(args[1]), "id": r["id"] ?? .null, "profile": .string(profile)])
            }
            let r = try await control(shell, "POST", "keys/\(args[1])", .obj(["profile": .string(profile)]))
            shell.session.probes[args[1]] = nil
            if shell.outputMode == .auto {
                shell.say(shell.style.dim("\(args[1]) now has permissions \(profile)") + (r["stale"]?.boolValue == true ? shell.style.yellow(" — but stale-permissions is on: it keeps what it was created with (\(r["created_profile"]?.stringValue ?? "?"))") : ""))
                shell.alreadyRendered = true
            }
            return r
        case "known-issue":
            guard args.count == 2, ["on", "off"].contains(args[1]) else {
                throw .usage("sandbox known-issue NAME on|off (known: stale-permissions)", at: inv.location)
            }
            let r = try await control(shell, "POST", "known-issues", .obj(["name": .string(args[0]), "enabled": .bool(args[1] == "on")]))
            if shell.outputMode == .auto {
                shell.say(shell.style.dim("known issue \(args[0]) \(args[1]): \(r["summary"]?.stringValue ?? "") — \(r["report"]?.stringValue ?? "")"))
                shell.alreadyRendered = true
            }
            return r
        case "faults":
            let spec = args.first ?? ""
            let r = try await control(shell, "POST", "faults", .obj(["faults": .string(spec == "none" ? "" : spec)]))
            shell.say(shell.style.dim("faults: \(r["faults"]?.stringValue ?? "?")"))
            shell.alreadyRendered = true
            return r
        case "rate-limit":
            guard let spec = args.first, args.count == 1 else {
                throw .usage("sandbox rate-limit off|realistic|N/min[,burst=B][,scope=key|org][,retry-after]", at: inv.location)
            }
            let r = try await control(shell, "POST", "rate-limit", .obj(["rule": .string(spec)]))
            shell.say(shell.style.dim("rate limit: \(r["rule"]?.stringValue ?? "?")"))
            shell.alreadyRendered = true
            return r
        case "reset":
            let r = try await control(shell, "POST", "reset")
            shell.session.probes.removeAll()
            shell.say(shell.style.dim("sandbox reset to its fixtures (fixture keys keep their values)"))
            shell.alreadyRendered = true
            return r
        case "seed":
            guard args.count == 2, let n = Int(args[1]) else { throw .usage("sandbox seed projects|service-accounts|users N [--project P]", at: inv.location) }
            var body: JSON = .obj(["kind": .string(args[0]), "count": .int(n)])
            if let w = inv.args.flagWord("--project") { body["project_id"] = .string(try shell.text(of: w)) }
            else if args[0] == "service-accounts", let p = shell.session.activeProject { body["project_id"] = .string(p) }
            let r = try await control(shell, "POST", "seed", body)
            shell.say(shell.style.dim("seeded \(r["created"]?.intValue ?? 0) \(args[0])"))
            shell.alreadyRendered = true
            return r
        case "snapshot":
            return try await control(shell, "GET", "snapshot")
        default:
            throw .usage("sandbox: unknown subcommand '\(sub)' (info, key, known-issue, faults, rate-limit, reset, seed, snapshot)", at: inv.location)
        }
    }

    /// The control root for the session's base URL.
    static func controlURL(_ shell: Interpreter) -> String {
        if let url = shell.configuration.sandboxControlURL { return url }
        var base = shell.client.baseURL
        if base.hasSuffix("/v1") { base.removeLast(3) }
        return base + "/_sandbox"
    }

    static func control(_ shell: Interpreter, _ method: String, _ path: String, _ body: JSON? = nil) async throws(ShellError) -> JSON {
        let url = controlURL(shell) + "/" + path
        let request = WireRequest(method: HTTPMethod(rawValue: method) ?? .get, url: url, body: body?.bytes())
        let response: WireResponse
        do {
            response = try await shell.client.transport.send(request, credential: nil, timeout: .seconds(120))
        } catch {
            if error == .cancelled { throw .cancelled }
            throw .environment("sandbox control at \(url) did not answer (\(error)); sandbox commands need a sandbox: adm --sandbox, or --base-url of `adm sandbox`")
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

extension String {
    func ifEmpty(_ fallback: String) -> String { isEmpty ? fallback : self }
}
