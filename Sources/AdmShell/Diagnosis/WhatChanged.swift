import AdmAPI

/// `what-changed`: for the last failed call, the audit-log entries about its resources and
/// the key it used (key updated or deleted, service account changed, project archived, role
/// assignment removed, user changed) over a time window, shown beside the key's last use.
enum WhatChanged {
    static func run(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        guard let failed = shell.session.calls.last(where: { ($0.status ?? 0) >= 400 }) ?? shell.session.calls.last else {
            throw .usage("what-changed: no call has been made yet", at: inv.location)
        }
        let window =
            try inv.args.flagWord("--since").map { w throws(ShellError) in try Durations.seconds(try shell.text(of: w), at: w.location) } ?? 7 * 86400
        var resources = failed.call.path.split(separator: "/").map(String.init).filter { part in
            ["proj_", "user-", "svc_acct_", "key_", "group_", "role", "invite-", "cert_"].contains { part.hasPrefix($0) }
        }
        // The key's own record, from listings seen or looked up now.
        var keyRecord: JSON?
        if let name = failed.keyName, let key = shell.session.keys[name] {
            keyRecord = shell.session.adminKeyRecord(for: key.secret)
            if keyRecord == nil {
                for k in [key] + shell.session.orderedKeys where k.secret.kind == .admin {
                    if let list = try await Whoami.listAdminKeys(shell, with: k) {
                        keyRecord = list.first { Session.redactedValue($0["redacted_value"]?.stringValue ?? "", fits: key.secret) }
                        break
                    }
                }
            }
        }
        if let id = keyRecord?["id"]?.stringValue { resources.append(id) }
        guard !resources.isEmpty else {
            throw .usage("what-changed: the last call names no resource and its key's record could not be found", at: inv.location)
        }
        let since = UnixTime.now() - window
        let endpoint = Endpoint.listAuditLogs
        let call = Call(
            endpoint,
            pathParameters: [:],
            query: QueryItem.items(name: "resource_ids[]", value: .array(resources.map(JSON.string)))
                + [QueryItem("effective_at[gte]", String(since)), QueryItem("limit", "100")]
        )
        var entries: [JSON]?
        var usedKey: SessionKey?
        let candidates = ([failed.keyName].compactMap { $0 } + shell.session.keyOrder).compactMap { shell.session.keys[$0] }
        for k in candidates where k.secret.kind == .admin {
            let r = try await shell.calls.lookUp(call, key: k)
            if r.isSuccess {
                entries = r.json?["data"]?.arrayValue ?? []
                usedKey = k
                break
            }
        }
        guard let entries, let usedKey else {
            shell.say("no session key can read the audit log (it needs \(PermissionCategory.auditLogs.readScope)); add one with Audit Logs: Read")
            return .none
        }
        let value: JSON = .obj(["resources": .array(resources.map(JSON.string)), "entries": .array(entries), "key": keyRecord ?? .null])
        guard inv.showsTables else { return .value(value) }
        shell.say(
            shell.style.bold("what changed")
                + " for \(failed.call.method.rawValue) \(failed.call.path) (\(failed.status.map(String.init) ?? "no response")) since \(Cells.time(.int(since))) UTC"
        )
        shell.say(shell.style.dim("resources: \(resources.joined(separator: ", ")); audit log read with key \(usedKey.name)"))
        if let record = keyRecord {
            shell.say(
                "key \(failed.keyName ?? "?") is \(record["id"]?.stringValue ?? "?"), created \(Cells.time(record["created_at"])), last used \(Cells.time(record["last_used_at"]))"
            )
        }
        if entries.isEmpty {
            shell.say(
                shell.style.dim(
                    "no audit-log entries for these in the window: the change may be older (--since 30d), or not one the audit log records"
                )
            )
        } else {
            let rows: [JSON] = entries.map { e in
                let type = e["type"]?.stringValue ?? ""
                let details = e[type]
                let change = details?["changes_requested"].map { $0.serialized() } ?? details?["data"].map { $0.serialized() } ?? ""
                return .obj([
                    "time": e["effective_at"] ?? .null, "type": .string(type), "resource": details?["id"] ?? .null,
                    "by": .string(
                        e["actor"]?["api_key"]?["user"]?["email"]?.stringValue ?? e["actor"]?["api_key"]?["id"]?.stringValue ?? e["actor"]?[
                            "session"
                        ]?["user"]?["email"]?.stringValue ?? "?"
                    ),
                    "change": .string(change.count > 60 ? String(change.prefix(59)) + "…" : change),
                ])
            }
            shell.sayTable(
                rows,
                columns: [
                    Column("WHEN (UTC)", ".time", .time), Column("EVENT", ".type"), Column("RESOURCE", ".resource"),
                    Column("BY", ".by"), Column("CHANGE", ".change"),
                ]
            )
        }
        return .printed(value)
    }
}
