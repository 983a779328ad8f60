import AdmAPI

/// Reproductions of recorded calls: an `adm -e '…'` line that makes the same requests, `curl`
/// and HTTPie commands, and a REST-client `.http` file. They name keys by where their value
/// comes from (an environment variable), show the key used only redacted, and carry what
/// support asks for: request id, organization, project, UTC time, adm's version, status and
/// error. Nothing is printed or written if the text still holds anything shaped like a key.
enum Repro {
    /// Why a reproduction was refused.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    /// The context lines (as `#` comments).
    static func context(_ calls: [CallRecord], shell: CommandContext) -> [String] {
        var out = ["# adm \(shell.configuration.version) reproduction · \(UnixTime.iso8601(UnixTime.now())) (UTC)"]
        for (n, c) in calls.enumerated() {
            var parts: [String] = []
            parts.append("\(c.call.method.rawValue) \(pathForDisplay(c.call, shell))")
            if let status = c.status {
                parts.append("→ \(status)" + (c.error.map { " " + ($0.code ?? $0.type ?? "") + ": " + oneLine($0.message, 160) } ?? ""))
            } else if let t = c.transportError {
                parts.append("→ no response: \(t)")
            }
            out.append("# \(calls.count > 1 ? "\(n + 1). " : "")" + parts.joined(separator: " "))
            var meta: [String] = []
            if let r = c.requestID { meta.append("request \(r)") }
            meta.append("at \(UnixTime.iso8601(c.time))")
            if let org = c.organizationID ?? shell.session.organizationID { meta.append("org \(org)") }
            if let p = c.projectID ?? APIPath.projectID(in: c.call.path) { meta.append("project \(TerminalText.inline(p))") }
            if let k = c.keyName { meta.append("key \(k) (\(c.keyRedacted ?? "?"), \(shell.session.keys[k]?.source.description ?? "removed"))") }
            out.append("#    " + meta.joined(separator: " · "))
            if c.statement != c.call.summary { out.append("#    you ran: " + oneLine(c.statement, 200)) }
        }
        return out
    }

    /// Text from outside on one comment line: escaped (a reproduction is pasted into
    /// terminals and chat), cut to `max` characters.
    static func oneLine(_ s: String, _ max: Int) -> String {
        let flat = TerminalText.inline(s)
        return flat.count > max ? String(flat.prefix(max - 1)) + "…" : flat
    }

    static func pathForDisplay(_ call: Call, _ shell: CommandContext) -> String {
        let base = shell.client.baseURL
        let prefix = APIPath.hasVersion(base) ? "/v1" : ""
        return prefix + call.pathAndQuery
    }

    /// How a key gets into a new session, named the way it was loaded: the statement that loads
    /// it (none for the built-in sandbox's fixtures), a note for a key that must be provided by
    /// hand, and a launch option (a config profile's key needs `--profile`).
    struct KeySetup {
        var statement: String?
        var note: String?
        /// Launch options, as separate words (`--profile`, `prod`).
        var launch: [String] = []
    }

    static func keySetup(_ name: String, _ shell: CommandContext) -> KeySetup {
        guard let key = shell.session.keys[name] else {
            return KeySetup(statement: "key add \(name) --env OPENAI_ADMIN_KEY", note: "# set OPENAI_ADMIN_KEY to the key '\(name)'")
        }
        switch key.source {
        case .sandbox where shell.configuration.builtInSandbox: return KeySetup()
        case .environment(let v): return KeySetup(statement: "key add \(name) --env \(v)")
        case .file(let p): return KeySetup(statement: "key add \(name) --file \(shellQuote(p))")
        case .keysFile(let p, _): return KeySetup(statement: "key load \(shellQuote(p))")
        case .config(let profile): return KeySetup(launch: ["--profile", profile])
        default:
            let variable = "ADM_KEY_" + name.uppercased().replacing("-", with: "_").replacing(".", with: "_")
            return KeySetup(
                statement: "key add \(name) --env \(variable)",
                note: "# set \(variable) to the key '\(name)' (\(key.secret.redacted), \(key.source))"
            )
        }
    }

    /// The adm statements that make the same calls, the notes to read first, and the launch
    /// options they need.
    static func statements(_ calls: [CallRecord], shell: CommandContext) -> (statements: [String], notes: [String], launch: [String]) {
        var out: [String] = []
        var notes: [String] = []
        var launch: [String] = []
        var added = Set<String>()
        var current: String?
        for c in calls {
            if let k = c.keyName, k != current {
                let setup = keySetup(k, shell)
                if let statement = setup.statement, added.insert(statement).inserted { out.append(statement) }
                if let note = setup.note, added.insert(note).inserted { notes.append(note) }
                if let first = setup.launch.first, !launch.contains(first) { launch += setup.launch }
                out.append("use key \(k)")
                current = k
            }
            var line = canonical(c.call)
            // The built-in sandbox's ids are new each time it starts: its active project is
            // `{project_id}` (filled from the new sandbox's), so the line runs as printed.
            if shell.configuration.builtInSandbox, let project = c.projectID, project.hasPrefix("proj_") {
                line = line.replacing("/projects/" + project, with: "/projects/{project_id}")
            }
            out.append(line)
        }
        return (out, notes, launch)
    }

    /// `call METHOD PATH?QUERY --body {…}`: exactly the request made.
    static func canonical(_ call: Call) -> String {
        var s = "call \(call.method.rawValue) \(call.pathAndQuery)"
        if let body = call.body { s += " --body " + body.serialized() }
        return s
    }

    /// `adm [--sandbox | --base-url URL] -e '…'`.
    static func admLine(_ calls: [CallRecord], shell: CommandContext) -> [String] {
        let (statements, notes, launch) = statements(calls, shell: shell)
        var options = shell.configuration.launchArguments.filter { $0 != "--keys-file" }
        // Keys come from the statements (`key load F`), not from a launch option.
        if let i = shell.configuration.launchArguments.firstIndex(of: "--keys-file") {
            options = Array(shell.configuration.launchArguments[..<i]) + Array(shell.configuration.launchArguments.dropFirst(i + 2))
        }
        if shell.configuration.builtInSandbox, !options.contains("--sandbox") { options.insert("--sandbox", at: 0) }
        if !shell.configuration.builtInSandbox, shell.client.baseURL != "https://api.openai.com/v1", !options.contains("--base-url") {
            options += ["--base-url", shell.client.baseURL]
        }
        if let first = launch.first, !options.contains(first) { options += launch }
        let base = (["adm"] + options.map(shellQuote)).joined(separator: " ")
        return notes + [base + " -e " + shellQuote(statements.joined(separator: "; "))]
    }

    /// `curl` commands, the key from `$OPENAI_ADMIN_KEY` (or the variable it came from).
    static func curl(_ calls: [CallRecord], shell: CommandContext) -> [String] {
        calls.map { c in
            let variable = envVariable(c.keyName, shell)
            var s =
                "curl -sS -X \(c.call.method.rawValue) " + shellQuote(shell.client.baseURL + c.call.pathAndQuery)
                + " -H \"Authorization: Bearer $\(variable)\""
            if let body = c.call.body { s += " -H 'Content-Type: application/json' -d " + shellQuote(body.serialized()) }
            return s
        }
    }

    /// HTTPie commands.
    static func httpie(_ calls: [CallRecord], shell: CommandContext) -> [String] {
        calls.map { c in
            var s =
                "http --check-status \(c.call.method.rawValue) " + shellQuote(shell.client.baseURL + c.call.pathAndQuery)
                + " \"Authorization:Bearer $\(envVariable(c.keyName, shell))\""
            if let body = c.call.body { s = "echo " + shellQuote(body.serialized()) + " | " + s }
            return s
        }
    }

    /// A REST-client (VS Code / JetBrains) `.http` file.
    static func httpFile(_ calls: [CallRecord], shell: CommandContext) -> [String] {
        var out = ["@baseUrl = \(shell.client.baseURL)", ""]
        for c in calls {
            out.append("### " + (c.call.endpoint?.id ?? c.call.summary))
            out.append("\(c.call.method.rawValue) {{baseUrl}}\(c.call.pathAndQuery)")
            out.append("Authorization: Bearer {{$processEnv \(envVariable(c.keyName, shell))}}")
            if let body = c.call.body {
                out.append("Content-Type: application/json")
                out.append("")
                out.append(body.serialized(pretty: true))
            }
            out.append("")
        }
        return out
    }

    static func envVariable(_ keyName: String?, _ shell: CommandContext) -> String {
        if let k = keyName, case .environment(let v)? = shell.session.keys[k]?.source { return v }
        return "OPENAI_ADMIN_KEY"
    }

    /// Single-quotes for a POSIX shell.
    static func shellQuote(_ s: String) -> String {
        if !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./:=@%+,".contains($0) }) { return s }
        return "'" + s.replacing("'", with: "'\\''") + "'"
    }

    /// Refuses text that still holds anything shaped like a key or any session key value.
    static func guardText(_ text: String, shell: CommandContext) throws(Refusal) {
        if let f = Redaction.keyShaped(in: text).first {
            throw Refusal(description: "refused: the text holds something shaped like a key (\(f)); nothing was printed or written")
        }
        if Redaction.leaks(text, secrets: shell.session.secrets) {
            throw Refusal(description: "refused: the text holds part of a session key's value; nothing was printed or written")
        }
    }
}
