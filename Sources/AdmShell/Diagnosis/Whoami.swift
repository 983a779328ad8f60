import AdmAPI

/// `whoami`: finds the active key's own record by matching its redacted value against the
/// admin-key listing. When the key cannot list admin keys, another session key that can is
/// used, and the answer says so.
enum Whoami {
    static func run(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let key = try shell.calls.key(for: inv)
        guard key.secret.kind == .admin else {
            shell.say(
                "\(key.name) is a \(key.secret.kind.displayName) (\(key.secret.redacted)); the admin-key listing does not show it. Project keys appear under `keys --project P`."
            )
            return .printed(.obj(["name": .string(key.name), "kind": .string(key.secret.kind.rawValue), "record": .null]))
        }
        var lookedUpWith = key
        var records = try await listAdminKeys(shell, with: key)
        if records == nil {
            for other in shell.session.orderedKeys where other.name != key.name && other.secret.kind == .admin {
                if let r = try await listAdminKeys(shell, with: other) {
                    records = r
                    lookedUpWith = other
                    break
                }
            }
        }
        guard let records else {
            shell.say(
                "\(key.name) (\(key.secret.redacted)) cannot list admin keys (it lacks api.management.read), and no other session key could either; its record cannot be looked up."
            )
            return .printed(.obj(["name": .string(key.name), "record": .null]))
        }
        guard let record = records.first(where: { Session.redactedValue($0["redacted_value"]?.stringValue ?? "", fits: key.secret) }) else {
            shell.say("no admin key of this organization matches \(key.name) (\(key.secret.redacted)): is it from another organization?")
            return .printed(.obj(["name": .string(key.name), "record": .null]))
        }
        guard inv.showsTables else { return .value(record) }
        shell.say(shell.style.bold("\(key.name)") + "  \(key.secret.redacted)  from \(TerminalText.inline(key.source.description))")
        for line in shell.renderer.fields(
            .obj([
                "id": record["id"] ?? .null, "name": record["name"] ?? .null, "created_at": record["created_at"] ?? .null,
                "last_used_at": record["last_used_at"] ?? .null, "expires_at": record["expires_at"] ?? .null,
                "owner": .string(
                    "\(record["owner"]?["name"]?.stringValue ?? "?") (\(record["owner"]?["role"]?.stringValue ?? record["owner"]?["type"]?.stringValue ?? "?"))"
                ),
            ])
        ) { shell.say("  " + line) }
        if lookedUpWith.name != key.name {
            shell.say(shell.style.dim("  (\(key.name) cannot list admin keys; looked it up with \(lookedUpWith.name))"))
        }
        return .printed(record)
    }

    /// Every admin key record visible to `key` (nil when it may not list them).
    static func listAdminKeys(_ shell: CommandContext, with key: SessionKey) async throws(ShellError) -> [JSON]? {
        let endpoint = Endpoint.adminApiKeysList
        var call = Call(endpoint, pathParameters: [:], query: [QueryItem("limit", String(endpoint.largestPage() ?? 100))])
        var all: [JSON] = []
        for _ in 0..<20 {
            let r = try await shell.calls.lookUp(call, key: key)
            guard r.isSuccess, let json = r.json else { return nil }
            let items = json["data"]?.arrayValue ?? []
            all += items
            guard json["has_more"]?.boolValue == true, let last = items.last?["id"]?.stringValue else { break }
            call = call.with(query: "after", last)
        }
        shell.session.noteIDs(.obj(["data": .array(all)]))
        return all
    }
}
