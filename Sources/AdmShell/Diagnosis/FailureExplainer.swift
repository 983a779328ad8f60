import AdmAPI

/// Explains a refused call, and warns before one that cannot work as meant. For a missing
/// scope: which scope, which operation needed it (and how sure we are), which key was used —
/// by name, redacted, with its own record when an admin key could see it — and which session
/// keys have the scope. Text from the API is escaped (`TerminalText`).
struct FailureExplainer {
    let shell: CommandContext
    var session: Session { shell.session }
    var style: Style { shell.configuration.style }

    /// The lines that report a refused call: the request and status, the API's message, the
    /// explanation, the client's notes (retries, rate-limit waits).
    func report(_ result: CallResult) -> [String] {
        let call = result.call
        let head = "\(call.method.rawValue) \(TerminalText.inline(call.pathAndQuery)) → \(result.status)"
        guard let error = result.error else { return [style.red("error: ") + head] + notes(result) }
        let label = TerminalText.inline(error.code ?? error.type ?? APIError.reasonPhrase(result.status))
        var lines = [
            style.red("error: ") + head + (label.isEmpty ? "" : " \(label)") + (error.param.map { " (param \(TerminalText.inline($0)))" } ?? "")
        ]
        lines.append("  " + TerminalText.inline(error.message) + (error.shape == .string ? style.dim("  [the error came as a bare string]") : ""))
        let key = session.calls.last(where: { $0.call == call })?.keyName.flatMap { session.keys[$0] }
        lines += explanation(for: result, key: key).map { "  " + $0 }
        return lines + notes(result)
    }

    func notes(_ result: CallResult) -> [String] {
        // A rate limit's verdict is in the explanation already.
        result.notes.filter { !$0.hasPrefix("retry") && !$0.hasPrefix("gave up: ") }.map { style.dim("  " + TerminalText.inline($0)) }
    }

    /// The lines that explain a failure (also used by `retry-with`).
    func explanation(for result: CallResult, key: SessionKey?) -> [String] {
        guard let error = result.error else { return [] }
        var lines: [String] = []
        let endpoint = result.call.endpoint
        if let scope = error.missingScopes.first {
            let category = PermissionCategory.of(scope: scope)
            let level = category.map { $0.writeScope == scope ? "Write" : "Read" }
            let what = category.map { " (\($0.displayName): \(level!))" } ?? ""
            let needed = endpoint.map { " needed by \($0.id) [\(Self.evidenceText($0.scopeEvidence))]" } ?? ""
            lines.append(style.bold("missing  ") + "\(TerminalText.inline(scope))\(what)\(needed)")
            if let key {
                lines.append(style.bold("key used ") + keyDescription(key))
                if key.secret.kind != .admin {
                    lines.append(
                        style.yellow(
                            "this is a \(key.secret.kind.displayName): admin endpoints accept only admin keys (sk-admin-…), whatever their permissions"
                        )
                    )
                }
            }
            let holders = session.orderedKeys.filter { $0.name != key?.name && session.probes[$0.name]?.grants(scope) == true }
            if !holders.isEmpty {
                lines.append(
                    style.bold("have it  ") + holders.map(\.name).joined(separator: ", ") + style.dim(" (probed)")
                        + "  → retry-with \(holders[0].name)"
                )
            } else if session.keys.count > 1 {
                lines.append(style.bold("next     ") + "scopes --all-keys (find a key that has it), then retry-with NAME")
            }
            if error.shape == .string {
                lines.append(
                    style.dim(
                        "a bare-string error like this matched a known issue: a key first created restricted keeps its old permissions after being widened; a new key with the same permissions works (community report 1368874)"
                    )
                )
            }
        } else if !error.unauthorizedScopes.isEmpty {
            lines.append(
                style.bold("refused  ") + error.unauthorizedScopes.map(TerminalText.inline).joined(separator: ", ")
                    + " cannot be granted to this key; "
                    + (error.unauthorizedScopes.contains("api.all.read")
                        ? "api.all.read is what \"Read only\" asks for, and it was refused in a public report too: grant the specific read scopes instead"
                        : "remove them or grant specific scopes")
            )
        } else if error.code == "invalid_api_key" {
            if let key { lines.append(style.bold("key used ") + keyDescription(key)) }
            lines.append("the API does not know this key: revoked, expired, mistyped, or from another organization")
        } else if result.status == 404, error.message.hasPrefix("Invalid URL") {
            let near = Suggest.closest(result.call.path, among: EndpointCatalog.all.map(\.path))
            lines.append("no admin endpoint has this path" + (near.map { "; closest: \($0)" } ?? "") + " (help call lists them)")
        } else if result.status == 429 {
            let bucket = shell.client.bucket(for: result.call, key: key?.secret)
            let outlook = shell.client.scheduler.outlook(bucket)
            let pace = outlook.perMinute.map { "; it granted about \(Formatting.number($0, decimals: 1)) a minute" } ?? ""
            // The client says why it stopped: refused too long, or a turn predicted past --max-wait.
            let why =
                result.notes.first { $0.hasPrefix("gave up: ") }.map { String($0.dropFirst("gave up: ".count)) }
                ?? "\(bucket.endpoint) kept refusing past --max-wait (\(Formatting.duration(shell.configuration.maxRateLimitWait.seconds)))\(pace)"
            lines.append("rate limited: \(TerminalText.inline(why)); wait and run it again (adm remembers the pace), or raise --max-wait")
        }
        return lines
    }

    /// `mgmt-read  sk-admin-…abcd  (sandbox fixture)  key_abc, created … by …`.
    func keyDescription(_ key: SessionKey) -> String {
        var s = "\(key.name)  \(key.secret.redacted)  (\(TerminalText.inline(key.source.description)))"
        if let record = session.adminKeyRecord(for: key.secret) {
            s += "  " + Cells.inline(record["id"]?.stringValue ?? "")
            if let created = record["created_at"] { s += ", created \(Cells.time(created))" }
            if let owner = record["owner"]?["name"]?.stringValue { s += " by \(Cells.inline(owner))" }
            if let used = record["last_used_at"], !used.isNull { s += ", last used \(Cells.time(used))" }
        }
        return s
    }

    static func evidenceText(_ e: ScopeEvidence) -> String {
        switch e {
        case .documented: return "documented in OpenAI's spec history"
        case .confirmed: return "confirmed by public reports"
        case .inferred: return "inferred"
        }
    }

    /// Warnings before sending, when adm can tell a call cannot work as meant (each given once
    /// per session where it would repeat).
    func preflight(_ call: Call, key: SessionKey) -> [String] {
        var warnings: [String] = []
        if key.secret.kind == .project || key.secret.kind == .serviceAccount, call.endpoint != nil, session.warnOnce("kind:\(key.name)") {
            warnings.append(
                "warning: '\(key.name)' is a \(key.secret.kind.displayName) (\(key.secret.redacted)); admin endpoints need an admin key (sk-admin-…), so this will fail with a missing scope"
            )
        }
        if call.method != .get, let pid = APIPath.projectID(in: call.path), session.projectStatus[pid] == "archived" {
            warnings.append("warning: project \(TerminalText.inline(pid)) is archived; archived projects refuse changes")
        }
        if let env = shell.configuration.environmentKey, env != key.secret, !shell.configuration.builtInSandbox,
            session.warnOnce("envkey:\(key.name)")
        {
            let envName = session.keyName(matching: env).map { " (session key '\($0)')" } ?? ""
            warnings.append(
                "warning: OPENAI_ADMIN_KEY is set to \(env.redacted)\(envName), but this call uses '\(key.name)' (\(key.secret.redacted)); curl and the SDKs would use the other one"
            )
        }
        return warnings
    }
}

extension Session {
    /// Whether `id` was not warned about yet (and now counts as warned).
    func warnOnce(_ id: String) -> Bool {
        warned.insert(id).inserted
    }

    /// The admin-key record whose redacted value fits this secret (from listings seen).
    func adminKeyRecord(for secret: Secret) -> JSON? {
        adminKeyRecords.first { Self.redactedValue($0["redacted_value"]?.stringValue ?? "", fits: secret) }
    }

    /// Whether an API `redacted_value` (`sk-admin...def`, `sk-...abcd`) can be this secret.
    static func redactedValue(_ redacted: String, fits secret: Secret) -> Bool {
        guard let r = redacted.firstRange(of: "...") else { return false }
        let prefix = redacted[..<r.lowerBound]
        let suffix = redacted[r.upperBound...]
        guard !suffix.isEmpty else { return false }
        let value = secret.unredacted
        return value.hasPrefix(prefix) && value.hasSuffix(suffix)
    }

    /// The error for a key name the session does not know.
    func unknownKey(_ name: String, at location: SourceLocation?) -> ShellError {
        let hint = Suggest.closest(name, among: keyOrder).map { " (did you mean \($0)?)" } ?? ""
        let known = keyOrder.isEmpty ? "none yet; `key add NAME --env VAR`" : keyOrder.joined(separator: ", ")
        return .usage("no key named '\(TerminalText.inline(name))'\(hint); keys: \(known)", at: location)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
