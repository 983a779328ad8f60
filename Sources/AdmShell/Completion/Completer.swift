import AdmAPI

/// Tab completion from the command declarations, the endpoint catalog and the session:
/// commands and subcommands, flags and their values, positional arguments as declared (live ids
/// from the cache, key names, fixed words), the `k=v` field names of the operation, variables
/// and their fields, and paths for `call`. It never touches the network.
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
        return Array(Set(candidates.filter { matches($0, typed: current) })).sorted()
    }

    /// Whether `candidate` completes `typed`: it starts with it, or it is a quoted name whose
    /// text does (`Bil` and `"Bil` both complete to `'Billing team'`).
    public static func matches(_ candidate: String, typed: String) -> Bool {
        if candidate.hasPrefix(typed) { return true }
        guard let quote = candidate.first, quote == "'" || quote == "\"" else { return false }
        let bare = typed.first == "'" || typed.first == "\"" ? String(typed.dropFirst()) : typed
        return candidate.dropFirst().hasPrefix(bare)
    }

    static func rawCandidates(words: [String], current: String, shell: Interpreter) -> [String] {
        if current.hasPrefix("$") { return variables(current, shell: shell) }
        guard let command = words.first else { return CommandTable.allNames }
        guard let spec = CommandTable.lookup(command) else { return [] }
        if let previous = words.last, let flag = spec.flag(previous), flag.takesValue {
            if case .file = flag.kind { return Paths.completions(of: current) }
            return candidates(flag.completion, shell: shell, context: [])
        }
        if current.hasPrefix("-") { return spec.allFlags }
        let args = positionals(Array(words.dropFirst()), spec: spec)
        if let first = args.first, let sub = spec.subcommand(first) {
            let rest = Array(args.dropFirst())
            if let argument = argument(sub.arguments, at: rest.count), case .file = argument.kind { return Paths.completions(of: current) }
            return argumentCandidates(sub.arguments, position: rest.count, context: rest, shell: shell) + fieldNames(spec)
        }
        if let argument = argument(spec.arguments, at: args.count), case .file = argument.kind, !(args.isEmpty && !spec.subcommands.isEmpty) {
            return Paths.completions(of: current)
        }
        var out = argumentCandidates(spec.arguments, position: args.count, context: args, shell: shell)
        if args.isEmpty { out += spec.subcommandNames }
        return out + fieldNames(spec)
    }

    /// The positional words typed so far (flags and their values, and `k=v` pairs, left out).
    static func positionals(_ words: [String], spec: CommandSpec) -> [String] {
        var out: [String] = []
        var skipNext = false
        for w in words {
            if skipNext {
                skipNext = false
                continue
            }
            if w.hasPrefix("--") {
                skipNext = spec.flag(w)?.takesValue == true && !w.contains("=")
                continue
            }
            if w.contains("=") { continue }
            out.append(w)
        }
        return out
    }

    /// The argument at `position` (the last one again when it repeats).
    static func argument(_ arguments: [ArgumentSpec], at position: Int) -> ArgumentSpec? {
        position < arguments.count ? arguments[position] : arguments.last.flatMap({ $0.repeats ? $0 : nil })
    }

    static func argumentCandidates(_ arguments: [ArgumentSpec], position: Int, context: [String], shell: Interpreter) -> [String] {
        guard let argument = argument(arguments, at: position) else { return [] }
        return candidates(argument.completion, shell: shell, context: context)
    }

    static func candidates(_ completion: Completion, shell: Interpreter, context: [String]) -> [String] {
        let session = shell.session
        switch completion {
        case .none: return []
        case .ids(let kind, let orNone): return session.idCache.ids(kind) + (orNone ? ["none"] : [])
        case .named(let kind, let orNone):
            return session.idCache.ids(kind) + session.idCache.names(kind).map(Words.quoted) + (orNone ? ["none"] : [])
        case .keyNames: return session.keyOrder
        case .choices(let words): return words
        case .commands: return CommandTable.allNames
        case .keysOrCommands: return session.keyOrder + CommandTable.all.filter { !$0.endpoints.isEmpty }.map(\.name)
        case .callTarget: return callCandidates(context, shell: shell)
        }
    }

    /// `field=` for the query or body fields of the command's main operation (the body of its
    /// first write when it only creates).
    static func fieldNames(_ spec: CommandSpec) -> [String] {
        let endpoints = spec.endpoints
        guard let main = endpoints.first else { return [] }
        if main.method == .post { return main.body.map { $0.baseName + "=" } }
        return main.query.filter { !["limit", "after", "before", "order"].contains($0.name) }.map { $0.baseName + "=" }
    }

    /// `call`: methods and operation ids, then paths, then the operation's fields.
    static func callCandidates(_ args: [String], shell: Interpreter) -> [String] {
        if args.isEmpty { return ["GET", "POST", "DELETE"] + EndpointCatalog.all.map(\.id) }
        if let method = HTTPMethod(rawValue: args[0].uppercased()) {
            if args.count == 1 { return pathCandidates(method, shell) }
            let path = APIPath.normalize(args[1], base: shell.client.baseURL)
            guard let endpoint = EndpointCatalog.resolve(method: method, path: path)?.endpoint else { return [] }
            return (endpoint.query + endpoint.body).map { $0.baseName + "=" } + endpoint.pathParameters.map { $0 + "=" }
        }
        guard let e = EndpointCatalog.endpoint(id: args[0]) else { return [] }
        return (e.query + e.body).map { $0.baseName + "=" } + e.pathParameters.map { $0 + "=" }
    }

    /// Catalog paths, with `{project_id}` offered as the active or cached project ids.
    static func pathCandidates(_ method: HTTPMethod, _ shell: Interpreter) -> [String] {
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
            guard let value, let path = try? JSONPath.parse(String(base.dropFirst(name.count))), let target = path.lookup(value) else { return [] }
            switch target {
            case .object(let members): return members.map { "$" + base + "." + $0.key }
            case .array(let items): return items.indices.prefix(50).map { "$" + base + "[\($0)]" }
            default: return []
            }
        }
        return (["_", "status", "project", "key", "env."] + shell.session.variables.keys.sorted()).map { "$" + $0 }
    }
}
