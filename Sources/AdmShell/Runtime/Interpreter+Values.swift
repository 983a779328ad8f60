import AdmAPI

/// Word evaluation: what a word of a statement stands for.
extension Interpreter {
    /// A word's value: a variable's JSON as it is, a JSON literal parsed, quoted text as a
    /// string, other text typed (`5` → 5, `true` → true) when `typed`.
    func value(of word: Word, typed: Bool = false) throws(ShellError) -> JSON {
        if word.parts.count == 1 {
            switch word.parts[0] {
            case .variable(let name, let path): return try lookup(name, path, at: word.location)
            case .environment(let name): return try environment(name, at: word.location)
            case .json(let text):
                let filled = try interpolateJSON(text, at: word.location)
                do { return try JSON.parse(filled) } catch {
                    throw .usage("invalid JSON literal: \(error)", at: word.location)
                }
            case .quoted(let parts): return .string(try text(of: parts, at: word.location))
            case .singleQuoted(let s): return .string(s)
            case .literal(let s): return typed ? Self.typedLiteral(s) : .string(s)
            }
        }
        return .string(try text(of: word.parts, at: word.location))
    }

    /// A JSON literal with `$name.path` references (outside its strings) replaced by their
    /// values as JSON: `{"project_ids": [$p]}`.
    func interpolateJSON(_ text: String, at location: SourceLocation) throws(ShellError) -> String {
        guard text.contains("$") else { return text }
        let chars = Array(text)
        var out = ""
        var i = 0
        var inString = false
        while i < chars.count {
            let c = chars[i]
            if inString {
                out.append(c)
                if c == "\\", i + 1 < chars.count {
                    out.append(chars[i + 1])
                    i += 2
                    continue
                }
                if c == "\"" { inString = false }
                i += 1
                continue
            }
            if c == "\"" {
                inString = true
                out.append(c)
                i += 1
                continue
            }
            if c == "$", i + 1 < chars.count, chars[i + 1].isLetter || chars[i + 1] == "_" {
                var j = i + 1
                var ref = ""
                while j < chars.count,
                    chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "." || chars[j] == "[" || chars[j] == "]"
                        || chars[j] == "-"
                {
                    if chars[j] == "]", !ref.contains("[") { break }
                    ref.append(chars[j])
                    j += 1
                }
                while ref.hasSuffix(".") {
                    ref.removeLast()
                    j -= 1
                }
                let name = String(ref.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" }))
                let path: JSONPath
                do { path = try JSONPath.parse(String(ref.dropFirst(name.count))) } catch {
                    throw .usage("invalid path in '$\(ref)' inside a JSON literal: \(error.message)", at: location)
                }
                out += (name == "env" ? try environment(String(ref.dropFirst(4)), at: location) : try lookup(name, path, at: location)).serialized()
                i = j
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    /// A word as text (variables stringified: strings as they are, other values as JSON).
    func text(of word: Word) throws(ShellError) -> String {
        try text(of: word.parts, at: word.location)
    }

    func text(of parts: [WordPart], at location: SourceLocation) throws(ShellError) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s), .singleQuoted(let s), .json(let s): out += s
            case .quoted(let inner): out += try text(of: inner, at: location)
            case .variable(let name, let path): out += Self.stringify(try lookup(name, path, at: location))
            case .environment(let name): out += Self.stringify(try environment(name, at: location))
            }
        }
        return out
    }

    static func stringify(_ v: JSON) -> String {
        if case .string(let s) = v { return s }
        return v.serialized()
    }

    /// `5` → 5, `2.5` → 2.5, `true`/`false`/`null`, anything else a string.
    static func typedLiteral(_ s: String) -> JSON {
        switch s {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            if let i = Int(s) { return .int(i) }
            if let d = Double(s), s.contains(".") { return .double(d) }
            return .string(s)
        }
    }

    func lookup(_ name: String, _ path: JSONPath, at location: SourceLocation) throws(ShellError) -> JSON {
        let base: JSON
        switch name {
        case "_":
            guard let last = session.last else { throw .usage("$_ is empty: no command has produced a value yet", at: location) }
            base = last
        case "status":
            base = session.lastResult.map { .int($0.status) } ?? .null
        case "project":
            base = session.activeProject.map(JSON.string) ?? .null
        case "key":
            base = session.activeKey.map(JSON.string) ?? .null
        default:
            guard let v = session.variables[name] else {
                let known = session.variables.keys.sorted()
                throw .usage(
                    "undefined variable $\(name)" + (known.isEmpty ? "" : " (defined: \(known.map { "$" + $0 }.joined(separator: ", ")))"),
                    at: location
                )
            }
            base = v
        }
        do {
            return try path.evaluate(base)
        } catch {
            throw .usage("$\(name)\(path.components.isEmpty ? "" : path.description): \(error.message)", at: location)
        }
    }

    func environment(_ name: String, at location: SourceLocation) throws(ShellError) -> JSON {
        guard let v = FileMode.environment(name) else {
            throw .usage("environment variable \(name) is not set", at: location)
        }
        if Redaction.keyShaped(in: v).count > 0 || v.hasPrefix("sk-") {
            throw .usage("$env.\(name) holds a key; add it with `key add NAME --env \(name)` so its value stays hidden", at: location)
        }
        return .string(v)
    }
}

extension Interpreter {
    /// The project positional argument `index` names, else `--project`, else the active project.
    func projectID(_ inv: Invocation, argument index: Int) async throws(ShellError) -> JSON {
        if let word = inv.optionalArgument(index) { return try await resolvingProjectNames(try value(of: word), inv) }
        return try await projectID(inv)
    }

    /// The project for a command: `--project`, else the active project.
    func projectID(_ inv: Invocation) async throws(ShellError) -> JSON {
        if let w = inv.args.flagWord("--project") { return try await resolvingProjectNames(try value(of: w), inv) }
        guard let p = session.activeProject else {
            throw .usage("no project: give --project ID or `use project ID` (projects lists them)", at: inv.location)
        }
        return .string(p)
    }

    /// The active project for a change that cannot be undone, when the statement names none:
    /// a terminal asks first (`Archive the active project …? [y/N]`; nil when the answer is no);
    /// a script needs `--yes`.
    func confirmingActiveProject(_ inv: Invocation, for verb: String) throws(ShellError) -> JSON? {
        guard let project = session.activeProject else {
            throw .usage("no project: give its id or name (projects lists them)", at: inv.location)
        }
        if inv.args.has("--yes") { return .string(project) }
        guard let confirm else {
            throw .usage(
                "\(verb.lowercased()) the active project \(Cells.inline(project)) without naming it? Name it, or add --yes",
                at: inv.location
            )
        }
        return confirm("\(verb) the active project \(Cells.inline(project))? [y/N] ") ? .string(project) : nil
    }

    /// A person given where a user id goes, as the id: an id (`user-…`) is taken as it is; an
    /// email or a name is looked up in the organization's users (read through the readings, so
    /// a second lookup reads nothing); none, or several, is an error that says so.
    func userID(_ word: Word, _ inv: Invocation) async throws(ShellError) -> JSON {
        let value = try value(of: word)
        guard case .string(let text) = value, !text.hasPrefix("user-"), !text.isEmpty else { return value }
        let users = try await OrgReader(self, inv).all(.listUsers)
        let lowered = text.lowercased()
        var found = users.filter { $0["email"]?.stringValue?.lowercased() == lowered }
        if found.isEmpty { found = users.filter { $0["name"]?.stringValue == text } }
        if found.isEmpty { found = users.filter { $0["name"]?.stringValue?.lowercased() == lowered } }
        let ids = found.compactMap { $0["id"]?.stringValue }
        return .string(
            try Self.oneMatch(
                ids,
                named: text,
                among: "users",
                give: "the email or id",
                at: word.location,
                none: "no user is '\(Cells.inline(text))' in the organization (users --all lists them; offboard finds people who left)"
            )
        )
    }

    /// The one id `text` was found to mean among `things` (`users`, `projects`): none is the
    /// error `none`; several is an error listing them that asks for `give` instead. `context`
    /// starts either message (`--project: `).
    static func oneMatch(
        _ ids: [String],
        named text: String,
        among things: String,
        give: String,
        at location: SourceLocation,
        context: String = "",
        none: String
    ) throws(ShellError) -> String {
        guard ids.count == 1 else {
            let several = "\(ids.count) \(things) are named '\(Cells.inline(text))' (\(ids.joined(separator: ", "))): give \(give)"
            throw .usage(context + (ids.isEmpty ? none : several), at: location)
        }
        return ids[0]
    }

    /// Project names given where ids go, as ids: an id (`proj_…`) is taken as it is; a name is
    /// looked up in the projects listing (read once, then from memory); a name that names no
    /// project, or several, is an error that says so. Lists are resolved item by item.
    func resolvingProjectNames(_ value: JSON, _ inv: Invocation) async throws(ShellError) -> JSON {
        switch value {
        case .array(let items):
            var out: [JSON] = []
            for item in items { out.append(try await resolvingProjectNames(item, inv)) }
            return .array(out)
        case .string(let text) where !text.hasPrefix("proj_") && !text.isEmpty:
            let ids = try await NameCache().projectIDs(named: text, reader: OrgReader(self, inv))
            return .string(
                try Self.oneMatch(
                    ids,
                    named: text,
                    among: "projects",
                    give: "the id",
                    at: inv.location,
                    none: "no project is named '\(Cells.inline(text))' (projects --all lists them)"
                )
            )
        default:
            return value
        }
    }
}
