import AdmAPI

/// `help` and `help COMMAND`, generated from the command declarations and the endpoint catalog
/// so it cannot drift from what runs.
struct Help {
    let style: Style

    func lines(for topic: String?) -> [String] {
        guard let topic else { return overview() }
        if let spec = CommandTable.lookup(topic) { return command(spec) }
        if let endpoint = EndpointCatalog.endpoint(id: topic) { return operation(endpoint) }
        let near = Suggest.closest(topic, among: CommandTable.allNames).map { " Did you mean \($0)?" } ?? ""
        return ["no command or operation '\(TerminalText.inline(topic))'.\(near) Type help for the list."]
    }

    func overview() -> [String] {
        var out = [style.bold("adm") + " — a shell for the OpenAI Admin API. Commands:"]
        for group in CommandGroup.allCases where CommandTable.all.contains(where: { $0.group == group }) {
            out.append("")
            out.append(style.bold(group.rawValue))
            for spec in CommandTable.all where spec.group == group {
                out.append("  " + DisplayWidth.column(spec.name, 14) + spec.summary)
            }
        }
        out.append("")
        out.append(
            "help COMMAND shows usage, the endpoint, the scope it needs and an example. `call` reaches all \(EndpointCatalog.all.count) operations; help call lists them."
        )
        out.append("Values: $name.field[0], $_ (last value), $env.NAME; `let x = COMMAND`; `COMMAND | .data[].id` selects.")
        return out
    }

    func command(_ spec: CommandSpec) -> [String] {
        var out = [
            style.bold(spec.name) + (spec.aliases.isEmpty ? "" : " (also " + spec.aliases.joined(separator: ", ") + ")") + " — " + spec.summary,
            "usage:   " + spec.usage,
        ]
        if !spec.example.isEmpty { out.append("example: " + spec.example) }
        if !spec.subcommands.isEmpty {
            out.append("subcommands:")
            for sub in spec.subcommands {
                let words = ([sub.name] + sub.arguments.map { $0.optional ? "[\($0.name)]" : $0.name + ($0.repeats ? " …" : "") }).joined(
                    separator: " "
                )
                out.append("  " + spec.name + " " + words + (sub.aliases.isEmpty ? "" : style.dim("  (also \(sub.aliases.joined(separator: ", ")))")))
            }
        }
        if !spec.flags.isEmpty || spec.subcommands.contains(where: { !$0.flags.isEmpty }) {
            out.append("flags:")
            for f in spec.flags { out.append("  " + DisplayWidth.column(f.name + (f.takesValue ? " VALUE" : ""), 22) + f.help) }
            for sub in spec.subcommands where !sub.flags.isEmpty {
                for f in sub.flags {
                    out.append("  " + DisplayWidth.column(f.name + (f.takesValue ? " VALUE" : ""), 22) + "(\(spec.name) \(sub.name)) " + f.help)
                }
            }
        }
        let endpoints = spec.endpoints
        if !endpoints.isEmpty {
            out.append("reaches:")
            let width = endpoints.map { DisplayWidth.of($0.signature) }.max()! + 2
            for e in endpoints {
                out.append("  " + DisplayWidth.column(e.signature, width) + "needs " + e.scope + style.dim(" [\(e.scopeEvidence.rawValue)]"))
            }
        }
        if spec.name == "call" {
            out.append("operations (\(EndpointCatalog.all.count)):")
            for e in EndpointCatalog.all {
                out.append("  " + DisplayWidth.column(e.method.rawValue, 8) + DisplayWidth.column(e.path, 86) + style.dim(e.id))
            }
        }
        return out
    }

    func operation(_ e: Endpoint) -> [String] {
        var out = [
            style.bold(e.id) + " — " + e.title, "  " + e.signature,
            "  needs " + e.scope + " (" + e.category.displayName + ") [" + e.scopeEvidence.rawValue + "]",
        ]
        if !e.summary.isEmpty { out.append("  " + e.summary) }
        for (label, fields) in [("query", e.query), ("body", e.body)] where !fields.isEmpty {
            out.append("  \(label):")
            for f in fields {
                out.append(
                    "    " + DisplayWidth.column(f.name + (f.required ? "*" : ""), 34) + DisplayWidth.column("\(f.type)", 24)
                        + style.dim(String(f.help.prefix(80)))
                )
            }
        }
        if !e.sdkMethod.isEmpty { out.append("  SDK: client." + e.sdkMethod) }
        return out
    }
}
