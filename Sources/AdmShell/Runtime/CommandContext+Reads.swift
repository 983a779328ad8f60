import AdmAPI

/// What commands read from their arguments that needs the organization: projects and people
/// named by name, the active project confirmed.
extension CommandContext {
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
