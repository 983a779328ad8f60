import AdmAPI

/// `help` and `help COMMAND`, generated from the command table and the endpoint catalog so it
/// cannot drift from what runs.
enum Help {
    static func lines(for topic: String?, style: Style) -> [String] {
        guard let topic else { return overview(style) }
        if let spec = CommandTable.lookup(topic) { return command(spec, style) }
        if let endpoint = EndpointCatalog.endpoint(id: topic) { return operation(endpoint, style) }
        let near = Suggest.closest(topic, among: CommandTable.allNames).map { " Did you mean \($0)?" } ?? ""
        return ["no command or operation '\(topic)'.\(near) Type help for the list."]
    }

    static func overview(_ style: Style) -> [String] {
        var out = [style.bold("adm") + " — a shell for the OpenAI Admin API. Commands:"]
        for group in CommandGroup.allCases {
            out.append("")
            out.append(style.bold(group.rawValue))
            for spec in CommandTable.all where spec.group == group {
                out.append("  " + spec.name.padding(to: 14) + spec.summary)
            }
        }
        out.append("")
        out.append("help COMMAND shows usage, the endpoint, the scope it needs and an example. `call` reaches all \(EndpointCatalog.all.count) operations; help call lists them.")
        out.append("Values: $name.field[0], $_ (last value), $env.NAME; `let x = COMMAND`; `COMMAND | .data[].id` selects.")
        return out
    }

    static func command(_ spec: CommandSpec, _ style: Style) -> [String] {
        var out = [style.bold(spec.name) + (spec.aliases.isEmpty ? "" : " (also " + spec.aliases.joined(separator: ", ") + ")") + " — " + spec.summary,
                   "usage:   " + spec.usage]
        if !spec.example.isEmpty { out.append("example: " + spec.example) }
        if !spec.flags.isEmpty {
            out.append("flags:")
            for f in spec.flags { out.append("  " + (f.name + (f.takesValue ? " VALUE" : "")).padding(to: 22) + f.help) }
        }
        let endpoints = spec.endpoints.compactMap(EndpointCatalog.endpoint(id:))
        if !endpoints.isEmpty {
            out.append("reaches:")
            for e in endpoints {
                out.append("  " + e.signature.padding(to: 64) + " needs " + e.scope + style.dim(" [\(e.scopeEvidence.rawValue)]"))
            }
        }
        if spec.name == "call" {
            out.append("operations (\(EndpointCatalog.all.count)):")
            for e in EndpointCatalog.all { out.append("  " + e.method.rawValue.padding(to: 7) + e.path.padding(to: 86) + style.dim(e.id)) }
        }
        return out
    }

    static func operation(_ e: Endpoint, _ style: Style) -> [String] {
        var out = [style.bold(e.id) + " — " + e.title, "  " + e.signature, "  needs " + e.scope + " (" + e.category.displayName + ") [" + e.scopeEvidence.rawValue + "]"]
        if !e.summary.isEmpty { out.append("  " + e.summary) }
        for (label, fields) in [("query", e.query), ("body", e.body)] where !fields.isEmpty {
            out.append("  \(label):")
            for f in fields {
                out.append("    " + (f.name + (f.required ? "*" : "")).padding(to: 34) + "\(f.type)".padding(to: 24) + style.dim(String(f.help.prefix(80))))
            }
        }
        if !e.sdkMethod.isEmpty { out.append("  SDK: client." + e.sdkMethod) }
        return out
    }
}
