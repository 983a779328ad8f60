import AdmAPI

/// `scopes`: probe keys and show the matrix, or show which scope a command needs.
enum ScopesCommand {
    static func run(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let writes = inv.args.has("--writes")
        if inv.args.has("--all-keys") {
            let keys = shell.session.orderedKeys
            guard !keys.isEmpty else { throw .environment("scopes --all-keys: the session has no keys") }
            for key in keys { try await Probe.run(shell, key, writes: writes) }
            if inv.showsTables { printMatrix(shell, keys, writes: writes) }
            if let w = inv.args.flagWord("--save") { try save(shell, keys, writes: writes, path: try shell.text(of: w)) }
            return Outcome(value: matrixJSON(shell, keys), printed: inv.showsTables)
        }
        /// One key probed, and its check saved when asked (`--save` without `--all-keys`).
        func probed(_ key: SessionKey) async throws(ShellError) -> Outcome {
            let outcome = try await probeOne(shell, key, writes: writes, inv: inv)
            if let w = inv.args.flagWord("--save") { try save(shell, [key], writes: writes, path: try shell.text(of: w)) }
            return outcome
        }
        guard let first = inv.optionalArgument(0) else { return try await probed(try shell.calls.key(for: inv)) }
        let word = try shell.text(of: first)
        if let key = shell.session.keys[word] { return try await probed(key) }
        // Describing an operation probes nothing: flags about probing would do nothing.
        for flag in ["--writes", "--save"] where inv.args.has(flag) {
            throw .usage(
                "scopes \(word): \(flag) goes with probing a key (scopes [KEY] \(flag)), not with describing an operation",
                at: first.location
            )
        }
        var endpoints: [Endpoint] = []
        if let method = HTTPMethod(rawValue: word.uppercased()) {
            let path = APIPath.normalize(try shell.text(of: inv.argument(1)), base: shell.client.baseURL)
            guard let m = EndpointCatalog.resolve(method: method, path: path) else {
                throw .usage("scopes: no admin operation is \(method.rawValue) \(path)", at: inv.location)
            }
            endpoints = [m.endpoint]
        } else if let spec = CommandTable.lookup(word), !spec.endpoints.isEmpty {
            endpoints = spec.endpoints
        } else if let e = EndpointCatalog.endpoint(id: word) {
            endpoints = [e]
        } else {
            let near = Suggest.closest(word, among: shell.session.keyOrder + CommandTable.allNames).map { "; did you mean \($0)?" } ?? ""
            throw .usage("scopes: '\(word)' is not a session key, a command that calls the API, or an operation\(near)", at: first.location)
        }
        let rows: [JSON] = endpoints.map { e in
            let holders = shell.session.orderedKeys.filter { shell.session.probes[$0.name]?.grants(e.scope) == true }.map(\.name)
            return .obj([
                "operation": .string(e.id), "request": .string(e.signature), "scope": .string(e.scope),
                "category": .string(e.category.displayName), "evidence": .string(e.scopeEvidence.rawValue),
                "keys_with_it": .string(holders.isEmpty ? "—" : holders.joined(separator: ",")),
            ])
        }
        guard inv.showsTables else { return .value(.array(rows)) }
        shell.sayTable(
            rows,
            columns: [
                Column("OPERATION", ".operation"), Column("REQUEST", ".request"), Column("NEEDS", ".scope"),
                Column("EVIDENCE", ".evidence"), Column("PROBED KEYS WITH IT", ".keys_with_it"),
            ]
        )
        if endpoints.contains(where: { $0.category.isScopeNameInferred }) {
            shell.say(shell.style.dim("The Audit Logs and Fine-tuning scope strings were never seen publicly; these names are adm's inference."))
        }
        return .printed(.array(rows))
    }

    static func probeOne(_ shell: CommandContext, _ key: SessionKey, writes: Bool, inv: Invocation) async throws(ShellError) -> Outcome {
        let probe = try await Probe.run(shell, key, writes: writes)
        var rows: [JSON] = []
        for c in PermissionCategory.allCases {
            let read = probe.levels[c]
            let write = probe.writes[c]
            let writeText = c.writeScope == nil ? "—" : (write?.verdict.rawValue ?? "not probed")
            rows.append(
                .obj([
                    "category": .string(c.displayName), "read": .string(read?.verdict.rawValue ?? "?"), "write": .string(writeText),
                    "evidence": .string(([read?.evidence, write?.evidence].compactMap { $0 }).joined(separator: " | ")),
                ])
            )
        }
        guard inv.showsTables else { return .value(matrixJSON(shell, [key])) }
        shell.say(shell.style.bold("scopes of \(key.name)") + " (\(key.secret.redacted), \(key.secret.kind.displayName))")
        for line in Table.render(
            items: rows,
            columns: [Column("CATEGORY", ".category"), Column("READ", ".read"), Column("WRITE", ".write"), Column("EVIDENCE", ".evidence")],
            style: shell.style,
            layout: shell.tableLayout
        ) {
            shell.say(colorize(line, shell.style))
        }
        if !writes {
            shell.say(shell.style.dim("writes not probed: add --writes (requests that fail validation after authorization; nothing changes)"))
        }
        if key.secret.kind != .admin {
            shell.say(shell.style.yellow("\(key.name) is a \(key.secret.kind.displayName): admin endpoints refuse it whatever its permissions"))
        }
        return .printed(matrixJSON(shell, [key]))
    }

    static func colorize(_ line: String, _ style: Style) -> String {
        line.replacing(" granted ", with: " " + style.green("granted") + " ").replacing(" missing ", with: " " + style.red("missing") + " ")
    }

    /// `read+write`, `read`, `none`, `?` for one key and category.
    static func cell(_ probe: KeyProbe?, _ c: PermissionCategory, writes: Bool) -> String {
        guard let probe, let read = probe.levels[c] else { return "?" }
        let write = probe.writes[c]
        if write?.verdict == .granted { return "read+write" }
        switch read.verdict {
        case .granted: return c.writeScope != nil && writes && write?.verdict == .unknown ? "read (write ?)" : "read"
        case .missing: return "none"
        case .unknown: return "?"
        }
    }

    static func printMatrix(_ shell: CommandContext, _ keys: [SessionKey], writes: Bool) {
        var columns = [Column("KEY", ".key"), Column("KIND", ".kind")]
        for c in PermissionCategory.allCases { columns.append(Column(c.displayName.uppercased(), "." + c.rawValue)) }
        let rows: [JSON] = keys.map { k in
            var members = [JSON.Member("key", .string(k.name)), JSON.Member("kind", .string(k.secret.kind.rawValue))]
            for c in PermissionCategory.allCases {
                members.append(JSON.Member(c.rawValue, .string(cell(shell.session.probes[k.name], c, writes: writes))))
            }
            return .object(members)
        }
        shell.sayTable(rows, columns: columns)
        if !writes { shell.say(shell.style.dim("writes not probed: add --writes to tell read from read+write")) }
    }

    static func matrixJSON(_ shell: CommandContext, _ keys: [SessionKey]) -> JSON {
        .object(
            keys.map { k in
                let p = shell.session.probes[k.name]
                return JSON.Member(
                    k.name,
                    .object(
                        PermissionCategory.allCases.map { c in
                            JSON.Member(
                                c.shortName,
                                .obj([
                                    "read": .string(p?.levels[c]?.verdict.rawValue ?? "unknown"),
                                    "write": c.writeScope == nil ? .null : .string(p?.writes[c]?.verdict.rawValue ?? "not probed"),
                                ])
                            )
                        }
                    )
                )
            }
        )
    }

    /// The observed matrix as a least-privilege check: each key may do what it did, and must be
    /// refused what it was refused.
    static func save(_ shell: CommandContext, _ keys: [SessionKey], writes: Bool, path: String) throws(ShellError) {
        var lines = [
            "# least-privilege check written by `scopes --save` (adm \(shell.configuration.version), \(UnixTime.iso8601(UnixTime.now())))",
            "# Each key may do what it could, and must be refused what it was refused. Run: adm run \(path)",
            "# (define the same key names first, e.g. adm --keys-file FILE run \(path))",
        ]
        for k in keys {
            guard let probe = shell.session.probes[k.name] else { continue }
            lines.append("")
            lines.append("use key \(k.name)")
            /// The probe's call and what it should answer; a comment where the probe could not tell.
            func check(_ call: String, _ outcome: ProbeOutcome, granted: String, scope: String, what: String) {
                switch outcome.verdict {
                case .granted: lines += [call, granted]
                case .missing: lines += [call, "expect missing-scope \(outcome.missing.first ?? scope)"]
                case .unknown: lines.append("# \(what): unknown (\(outcome.evidence))")
                }
            }
            for c in PermissionCategory.allCases {
                if let read = probe.levels[c] {
                    let call = Repro.canonical(Probe.readCall(c)).replacing(try! Regex(#"start_time=\d+"#), with: "start_time=0")
                    check(call, read, granted: "expect ok", scope: c.readScope, what: "\(c.displayName) read")
                }
                if let write = probe.writes[c], let call = Probe.writeCall(c), let scope = c.writeScope {
                    check(
                        Repro.canonical(call),
                        write,
                        granted: "expect status 400   # authorized; the empty body is refused, nothing changes",
                        scope: scope,
                        what: "\(c.displayName) write"
                    )
                }
            }
        }
        try ScriptCommands.emit(shell, lines, file: path, as: .script)
    }
}
