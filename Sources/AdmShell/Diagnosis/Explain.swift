import AdmAPI

extension Interpreter {
    /// Prints a failed call and, for a missing scope, why: which scope, which operation needed
    /// it, which key was used (and its record when an admin key can see it), and which session
    /// keys have the scope.
    func explainFailure(_ result: CallResult, key: SessionKey) {
        let call = result.call
        let head = "\(call.method.rawValue) \(call.pathAndQuery) → \(result.status)"
        guard let error = result.error else {
            warn(style.red("error: ") + head)
            return
        }
        let label = error.code ?? error.type ?? APIError.reasonPhrase(result.status)
        warn(style.red("error: ") + head + (label.isEmpty ? "" : " \(label)") + (error.param.map { " (param \($0))" } ?? ""))
        warn("  " + error.message + (error.shape == .string ? style.dim("  [the error came as a bare string]") : ""))
        for line in explanation(for: result, key: key) { warn("  " + line) }
        for note in result.notes where !note.hasPrefix("retry") { warn(style.dim("  " + note)) }
    }

    /// The lines that explain a failure (also used by `retry-with`).
    func explanation(for result: CallResult, key: SessionKey) -> [String] {
        guard let error = result.error else { return [] }
        var lines: [String] = []
        let endpoint = result.call.endpoint
        if let scope = error.missingScopes.first {
            let category = PermissionCategory.of(scope: scope)
            let level = category.map { $0.writeScope == scope ? "Write" : "Read" }
            let what = category.map { " (\($0.displayName): \(level!))" } ?? ""
            let needed = endpoint.map { " needed by \($0.id) [\(Self.evidenceText($0.scopeEvidence))]" } ?? ""
            lines.append(style.bold("missing  ") + "\(scope)\(what)\(needed)")
            lines.append(style.bold("key used ") + keyDescription(key))
            if key.secret.kind != .admin {
                lines.append(style.yellow("this is a \(key.secret.kind.displayName): admin endpoints accept only admin keys (sk-admin-…), whatever their permissions"))
            }
            let holders = session.orderedKeys.filter { $0.name != key.name && session.probes[$0.name]?.grants(scope) == true }
            if !holders.isEmpty {
                lines.append(style.bold("have it  ") + holders.map(\.name).joined(separator: ", ") + style.dim(" (probed)") + "  → retry-with \(holders[0].name)")
            } else if session.keys.count > 1 {
                lines.append(style.bold("next     ") + "scopes --all-keys (find a key that has it), then retry-with NAME")
            }
            if error.shape == .string {
                lines.append(style.dim("a bare-string error like this matched a known issue: a key first created restricted keeps its old permissions after being widened; a new key with the same permissions works (community report 1368874)"))
            }
        } else if !error.unauthorizedScopes.isEmpty {
            lines.append(style.bold("refused  ") + error.unauthorizedScopes.joined(separator: ", ") + " cannot be granted to this key; "
                         + (error.unauthorizedScopes.contains("api.all.read") ? "api.all.read is what \"Read only\" asks for, and it was refused in a public report too: grant the specific read scopes instead" : "remove them or grant specific scopes"))
        } else if error.code == "invalid_api_key" {
            lines.append(style.bold("key used ") + keyDescription(key))
            lines.append("the API does not know this key: revoked, expired, mistyped, or from another organization")
        } else if result.status == 404, error.message.hasPrefix("Invalid URL") {
            let path = result.call.path
            let near = Suggest.closest(path, among: EndpointCatalog.all.map(\.path))
            lines.append("no admin endpoint has this path" + (near.map { "; closest: \($0)" } ?? "") + " (help call lists them)")
        } else if result.status == 429 {
            lines.append("rate limited" + (result.attempts > 1 ? " after \(result.attempts) attempts" : "") + "; wait, or lower --concurrency")
        }
        return lines
    }

    /// `mgmt-read  sk-admin-…abcd  (sandbox fixture)  key_abc, created … by …`.
    func keyDescription(_ key: SessionKey) -> String {
        var s = "\(key.name)  \(key.secret.redacted)  (\(key.source))"
        if let record = adminKeyRecord(for: key.secret) {
            s += "  " + (record["id"]?.stringValue ?? "")
            if let created = record["created_at"] { s += ", created \(Cells.time(created))" }
            if let owner = record["owner"]?["name"]?.stringValue { s += " by \(owner)" }
            if let used = record["last_used_at"], !used.isNull { s += ", last used \(Cells.time(used))" }
        }
        return s
    }

    /// The admin-key record whose redacted value fits this secret (from listings seen).
    func adminKeyRecord(for secret: Secret) -> JSON? {
        session.adminKeyRecords.first { Self.redactedValue($0["redacted_value"]?.stringValue ?? "", fits: secret) }
    }

    /// Whether an API `redacted_value` (`sk-admin...def`, `sk-...abcd`) can be this secret.
    static func redactedValue(_ redacted: String, fits secret: Secret) -> Bool {
        let value = secret.unredacted
        let parts = redacted.components(separatedBy3Dots: ())
        guard let prefix = parts.first, let suffix = parts.last, parts.count == 2, !suffix.isEmpty else { return false }
        return value.hasPrefix(prefix) && value.hasSuffix(suffix)
    }

    static func evidenceText(_ e: ScopeEvidence) -> String {
        switch e {
        case .documented: return "documented in OpenAI's spec history"
        case .confirmed: return "confirmed by public reports"
        case .inferred: return "inferred"
        }
    }

    /// Warnings before sending, when adm can tell a call cannot work as meant.
    func preflight(_ call: Call, key: SessionKey) {
        if key.secret.kind == .project || key.secret.kind == .serviceAccount, call.endpoint != nil {
            warnOnce("kind:\(key.name)", "warning: '\(key.name)' is a \(key.secret.kind.displayName) (\(key.secret.redacted)); admin endpoints need an admin key (sk-admin-…), so this will fail with a missing scope")
        }
        if call.method != .get, let pid = Self.projectID(in: call.path), session.projectStatus[pid] == "archived" {
            warn(style.yellow("warning: project \(pid) is archived; archived projects refuse changes"))
        }
        if let env = configuration.environmentKey, env != key.secret, !configuration.builtInSandbox {
            let envName = session.keyName(matching: env).map { " (session key '\($0)')" } ?? ""
            warnOnce("envkey:\(key.name)", "warning: OPENAI_ADMIN_KEY is set to \(env.redacted)\(envName), but this call uses '\(key.name)' (\(key.secret.redacted)); curl and the SDKs would use the other one")
        }
    }

    func warnOnce(_ id: String, _ message: String) {
        guard !session.warned.contains(id) else { return }
        session.warned.insert(id)
        warn(style.yellow(message))
    }

    static func projectID(in path: String) -> String? {
        path.split(separator: "/").first { $0.hasPrefix("proj_") }.map(String.init)
    }
}

extension String {
    /// Splits at the first `...` (API redacted values).
    func components(separatedBy3Dots: ()) -> [String] {
        guard let r = firstRange(of: "...") else { return [self] }
        return [String(self[..<r.lowerBound]), String(self[r.upperBound...])]
    }
}
