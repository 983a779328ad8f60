import AdmAPI

/// `retry-with KEY …`: the last call again with each key, then a comparison table: key, status,
/// error code or missing scope, and what differs in the body from the first answer.
enum RetryWith {
    static func run(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        guard let original = shell.session.calls.last else {
            throw .usage("retry-with: no call has been made yet", at: inv.location)
        }
        var keys: [SessionKey] = []
        if inv.args.has("--all") {
            keys = shell.session.orderedKeys.filter { $0.name != original.keyName }
        } else {
            for w in inv.args.positional {
                let name = try shell.text(of: w)
                guard let k = shell.session.keys[name] else { throw shell.session.unknownKey(name, at: w.location) }
                keys.append(k)
            }
        }
        guard !keys.isEmpty else {
            throw .usage("retry-with: name at least one key (or --all); keys: \(shell.session.keyOrder.joined(separator: ", "))", at: inv.location)
        }
        if original.call.method == .post && keys.count > 1 {
            shell.warn(shell.style.yellow("note: repeating a POST with \(keys.count) keys; each success makes its own change"))
        }
        var rows: [JSON] = []
        rows.append(
            row(
                name: (original.keyName ?? "?") + " (first)",
                status: original.status,
                error: original.error,
                transport: original.transportError,
                diff: "—",
                json: nil
            )
        )
        let reference = shell.session.lastResult?.call == original.call ? shell.session.lastResult?.json : nil
        var last: CallResult?
        for key in keys {
            let statement = "retry-with \(key.name)  # \(original.call.summary)"
            do {
                let r = try await shell.calls.send(original.call, key: key, statement: statement)
                rows.append(row(name: key.name, status: r.status, error: r.error, transport: nil, diff: diff(reference, r.json), json: r.json))
                last = r
            } catch {
                if case .cancelled = error { throw error }
                rows.append(row(name: key.name, status: nil, error: nil, transport: error.description, diff: "—", json: nil))
            }
        }
        // The comparison is the point: a key that is refused is an answer, not a failure.
        let value = last?.json ?? .obj(["comparison": .array(rows)])
        let calls = last.map { [$0] } ?? []
        guard inv.showsTables else { return .value(value, calls: calls) }
        if keys.count == 1, let r = last, r.isSuccess, let json = r.json {
            for line in shell.renderer.lines(for: json) { shell.say(line) }
            shell.say("")
        }
        shell.sayTable(
            rows,
            columns: [
                Column("KEY", ".key"), Column("STATUS", ".status"), Column("ERROR / MISSING SCOPE", ".error"),
                Column("BODY VS FIRST", ".diff"),
            ]
        )
        return .printed(value, calls: calls)
    }

    static func row(name: String, status: Int?, error: APIError?, transport: String?, diff: String, json: JSON?) -> JSON {
        let problem: String
        if let t = transport {
            problem = "no response: " + t
        } else if let e = error {
            problem =
                e.missingScopes.isEmpty
                ? (e.code ?? e.type ?? "") + ": " + String(e.message.prefix(70)) : "missing " + e.missingScopes.joined(separator: ", ")
        } else {
            problem = "—"
        }
        return .obj(["key": .string(name), "status": status.map(JSON.int) ?? .null, "error": .string(problem), "diff": .string(diff)])
    }

    /// What differs between two bodies: `same`, or the top-level fields that differ.
    static func diff(_ a: JSON?, _ b: JSON?) -> String {
        guard let a, let b else { return a == nil && b == nil ? "same" : "different" }
        if a.looselyEquals(b) { return "same" }
        guard let ao = a.objectValue, let bo = b.objectValue else { return "different" }
        var changes: [String] = []
        for m in bo where !(a[m.key].map { $0.looselyEquals(m.value) } ?? false) {
            changes.append((a[m.key] == nil ? "+" : "~") + m.key)
        }
        for m in ao where b[m.key] == nil { changes.append("-" + m.key) }
        return changes.isEmpty ? "same" : changes.prefix(6).joined(separator: " ") + (changes.count > 6 ? " …" : "")
    }
}
