import AdmAPI

/// Tab completion from the command table, the endpoint catalog and the session: commands and
/// subcommands, flags, `k=v` field names of the operation, key names, variables and their
/// fields, paths for `call`, and live ids from the cache (never the network).
public enum Completer {
    /// Candidates that replace the word under the cursor.
    public static func complete(line: String, cursor: Int, shell: Interpreter) -> [String] {
        let upto = String(line.prefix(cursor))
        let statementText = upto.split(separator: ";", omittingEmptySubsequences: false).last.map(String.init) ?? upto
        if statementText.contains("|") { return [] }
        let endsWithSpace = statementText.last.map { $0 == " " || $0 == "\t" } ?? true
        var words = statementText.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let current = endsWithSpace ? "" : (words.popLast() ?? "")
        let candidates = rawCandidates(words: words, current: current, shell: shell)
        return Array(Set(candidates.filter { $0.hasPrefix(current) })).sorted()
    }

    static func rawCandidates(words: [String], current: String, shell: Interpreter) -> [String] {
        if current.hasPrefix("$") { return variables(current, shell: shell) }
        guard let command = words.first else { return CommandTable.allNames }
        guard let spec = CommandTable.lookup(command) else { return [] }
        let previous = words.last ?? ""
        if previous == "--key" { return shell.session.keyOrder }
        if previous == "--project" { return shell.session.idCache.ids("project") }
        if previous == "--type" { return auditTypes }
        if previous == "--profile" { return ["all", "read-only", "restricted:management=read", "restricted:management=write", "restricted:usage=read"] }
        if current.hasPrefix("-") { return spec.allFlags }
        let args = Array(words.dropFirst()).filter { !$0.hasPrefix("--") }
        switch spec.name {
        case "use":
            if args.isEmpty { return ["key", "project"] }
            if args.count == 1 { return args[0] == "key" ? shell.session.keyOrder : shell.session.idCache.ids("project") + ["none"] }
            return []
        case "retry-with":
            return shell.session.keyOrder
        case "scopes":
            return args.isEmpty ? shell.session.keyOrder + CommandTable.all.filter { !$0.endpoints.isEmpty }.map(\.name) : []
        case "help":
            return args.isEmpty ? CommandTable.allNames : []
        case "call":
            return callCandidates(args, current: current, shell: shell)
        case "key":
            if args.isEmpty { return spec.subcommands }
            if args.count == 1, ["remove", "export"].contains(args[0]) { return shell.session.keyOrder }
            return []
        case "sandbox":
            if args.isEmpty { return spec.subcommands }
            if args[0] == "known-issue" { return args.count == 1 ? ["stale-permissions"] : ["on", "off"] }
            if args[0] == "key", args.count == 1 { return ["create", "set"] }
            if args[0] == "seed", args.count == 1 { return ["projects", "service-accounts", "users"] }
            return []
        case "expect":
            return args.isEmpty ? Expect.forms : []
        default:
            break
        }
        if args.isEmpty, !spec.subcommands.isEmpty {
            return spec.subcommands + idsForPosition(spec.name, nil, shell) + fieldNames(spec, shell)
        }
        if let sub = args.first, spec.subcommands.contains(sub), args.count == 1 {
            return idsForPosition(spec.name, sub, shell)
        }
        return fieldNames(spec, shell)
    }

    /// Ids that fit an argument position (`sa show <id>`, `project archive <id>`).
    static func idsForPosition(_ command: String, _ sub: String?, _ shell: Interpreter) -> [String] {
        let cache = shell.session.idCache
        switch (command, sub) {
        case ("project", _): return cache.ids("project")
        case ("sa", _?), ("sa-key", nil): return cache.ids("service_account")
        case ("user", _?): return cache.ids("user")
        case ("keys", "show"?), ("keys", "delete"?): return cache.ids("key")
        case ("invites", "delete"?): return cache.ids("invite")
        case ("groups", _?): return cache.ids("group")
        default: return []
        }
    }

    /// `field=` for the body or query fields of the command's main operation.
    static func fieldNames(_ spec: CommandSpec, _ shell: Interpreter) -> [String] {
        guard let id = spec.endpoints.first, let e = EndpointCatalog.endpoint(id: id) else { return [] }
        let writer = spec.endpoints.compactMap(EndpointCatalog.endpoint(id:)).first { $0.method == .post } ?? e
        let fields = spec.name == "create-sa" || spec.name == "sa-key" ? writer.body : e.query.filter { !["limit", "after", "before", "order"].contains($0.name) }
        return fields.map { $0.baseName + "=" }
    }

    static func callCandidates(_ args: [String], current: String, shell: Interpreter) -> [String] {
        if args.isEmpty { return ["GET", "POST", "DELETE"] + EndpointCatalog.all.map(\.id) }
        if let method = HTTPMethod(rawValue: args[0].uppercased()) {
            if args.count == 1 { return pathCandidates(method, current, shell) }
            let path = GenericCall.normalize(args[1], base: shell.client.baseURL)
            let endpoint = EndpointCatalog.match(method: method, path: path)?.endpoint
                ?? EndpointCatalog.all.first { $0.method == method && $0.path == path }
            guard let endpoint else { return [] }
            return (endpoint.query + endpoint.body).map { $0.baseName + "=" } + endpoint.pathParameters.map { $0 + "=" }
        }
        guard let e = EndpointCatalog.endpoint(id: args[0]) else { return [] }
        return (e.query + e.body).map { $0.baseName + "=" } + e.pathParameters.map { $0 + "=" }
    }

    /// Catalog paths, with `{project_id}` offered as the active or cached project ids.
    static func pathCandidates(_ method: HTTPMethod, _ current: String, _ shell: Interpreter) -> [String] {
        var out: [String] = []
        let projects = ([shell.session.activeProject].compactMap { $0 } + shell.session.idCache.ids("project")).prefix(20)
        for e in EndpointCatalog.all where e.method == method {
            out.append(e.path)
            if e.path.hasPrefix("/organization/projects/{project_id}") {
                for p in projects { out.append(e.path.replacing("{project_id}", with: p)) }
            }
        }
        return out
    }

    /// `$name`, `$_`, `$env.` and the fields of a variable's value (`$sa.api_key.id`).
    static func variables(_ current: String, shell: Interpreter) -> [String] {
        let body = String(current.dropFirst())
        if let dot = body.lastIndex(where: { $0 == "." || $0 == "[" }) {
            let base = String(body[..<dot])
            let name = String(base.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" }))
            let value: JSON? = name == "_" ? shell.session.last : shell.session.variables[name]
            guard let value, let path = try? JSONPath.parse(String(base.dropFirst(name.count))), let target = path.lookup(value) else {
                if name == "env" { return [] }
                return []
            }
            switch target {
            case .object(let members): return members.map { "$" + base + "." + $0.key }
            case .array(let items): return items.indices.prefix(50).map { "$" + base + "[\($0)]" }
            default: return []
            }
        }
        return (["_", "status", "project", "key", "env."] + shell.session.variables.keys.sorted()).map { "$" + $0 }
    }

    static let auditTypes = ["api_key.created", "api_key.updated", "api_key.deleted", "project.created", "project.updated", "project.archived",
                             "service_account.created", "service_account.updated", "service_account.deleted", "user.added", "user.updated",
                             "user.deleted", "invite.sent", "invite.deleted", "role.assignment.created", "role.assignment.deleted", "rate_limit.updated"]
}

extension Interpreter {
    /// Refreshes the id cache in the background (projects, and the active project's service
    /// accounts; users), at most every `interval` seconds, so Tab never waits on the network.
    public func refreshCompletionCache(every interval: Double = 30) {
        guard let name = session.activeKey, let key = session.keys[name], session.idCache.shouldRefresh(every: interval) else { return }
        let client = self.client
        let cache = session.idCache
        let project = session.activeProject
        let secret = key.secret
        // A refresh still under way is stale: it is cancelled, and the new one waits for it,
        // so awaiting the latest (`stopBackgroundWork`) awaits them all.
        let previous = backgroundRefresh
        previous?.cancel()
        backgroundRefresh = Task.detached(priority: .background) {
            await previous?.value
            var calls = [Call(EndpointCatalog.endpoint(id: "list-projects")!, pathParameters: [:], query: [QueryItem("limit", "100")]),
                         Call(EndpointCatalog.endpoint(id: "list-users")!, pathParameters: [:], query: [QueryItem("limit", "100")])]
            if let project {
                calls.append(Call(EndpointCatalog.endpoint(id: "list-project-service-accounts")!, pathParameters: ["project_id": project], query: [QueryItem("limit", "100")]))
            }
            for call in calls where !Task.isCancelled {
                guard let r = try? await client.send(call, key: secret), r.isSuccess, let items = r.json?["data"]?.arrayValue else { continue }
                cache.note(items.compactMap { $0["id"]?.stringValue })
            }
        }
    }

    /// Cancels background work and waits for it: call before the transport shuts down, so
    /// no request is left in flight on a closing connection pool.
    public func stopBackgroundWork() async {
        guard let task = backgroundRefresh else { return }
        task.cancel()
        await task.value
        backgroundRefresh = nil
    }
}
