import AdmAPI

/// The tools that are more than one statement: explaining a failure, rehearsing a script, and
/// a change in two steps.
extension MCPServer {
    /// `explain_error`: the last failure of the session, or the one described.
    func explain(_ a: MCPTool.Arguments) throws(ShellError) -> JSON {
        let result: CallResult
        let key: SessionKey?
        if let path = try a.string("path") {
            let method = HTTPMethod(rawValue: (try a.string("method") ?? "GET").uppercased()) ?? .get
            guard let status = try a.integer("status"), (100...599).contains(status) else {
                throw .usage("explain_error: give the status the call got (e.g. 401)", at: nil)
            }
            let given = try a.string("body") ?? ""
            // A message alone is wrapped as the API wraps its errors.
            let body: JSON =
                (try? JSON.parse(given)).flatMap { $0["error"] != nil || $0.stringValue != nil ? $0 : nil }
                ?? .obj(["error": .obj(["message": .string(given), "type": "invalid_request_error", "param": .null, "code": .null])])
            let endpoint = EndpointCatalog.match(method: method, path: path)?.endpoint
            let call = Call(endpoint: endpoint, method: method, path: path)
            result = CallResult(reported: call, response: WireResponse(status: status, body: Array(body.serialized().utf8)))
            key = nil
        } else {
            guard let last = shell.session.lastResult, !last.isSuccess else {
                throw .usage("explain_error: no call of this session failed; describe one with method, path, status and body", at: nil)
            }
            result = last
            key = shell.session.calls.last(where: { $0.call == last.call })?.keyName.flatMap { shell.session.keys[$0] }
        }
        let explainer = FailureExplainer(shell: shell.context)
        let error = result.error
        var out = JSON.obj([
            "request": .string("\(result.call.method.rawValue) \(result.call.pathAndQuery)"),
            "status": .int(result.status),
            "message": error.map { .string($0.message) } ?? .null,
            "missing_scopes": .array((error?.missingScopes ?? []).map(JSON.string)),
            "unauthorized_scopes": .array((error?.unauthorizedScopes ?? []).map(JSON.string)),
        ])
        if let endpoint = result.call.endpoint {
            out["operation"] = .string(endpoint.id)
            out["scope_evidence"] = .string(FailureExplainer.evidenceText(endpoint.scopeEvidence))
        }
        out["explanation"] = .array(explainer.explanation(for: result, key: key).map(JSON.string))
        return out
    }

    /// Rehearses `script` (with `apply`, then runs it on the organization and compares), as
    /// the shell's `rehearse` does; the plan is the value.
    func rehearse(_ script: String, snapshot: String?, apply: Bool) async throws(ShellError) -> Outcome {
        var words = StatementWords("rehearse", "script")
        words.add("--snapshot", snapshot)
        words.add("--apply", when: apply)
        words.add("--yes", when: apply)
        let program: Program
        do { program = try Parser.parse(words.statement, file: "mcp") } catch { throw .usage(error.description, at: nil) }
        let inv = try shell.invocation(for: program.statements[0], showing: false)
        return try await RehearseCommand.rehearse(shell.context, inv, file: "script", text: script)
    }

    /// A change: without `confirmation`, the rehearsal and a new id; with it, the change made.
    func change(_ tool: MCPTool, script: String, confirmation: String?) async throws(ShellError) -> JSON {
        guard let confirmation else {
            let rehearsed = try await rehearse(script, snapshot: nil, apply: false)
            var plan = rehearsed.value ?? .obj([:])
            if let failure = rehearsed.failure {
                plan["would_fail"] = .string(failure.description)
                plan["next"] = "the rehearsal failed, so no confirmation id is given: change the request and ask again"
                return plan
            }
            let id = Self.newConfirmationID()
            confirmations[id] = PendingChange(tool: tool.name, script: script)
            plan["confirmation"] = .string(id)
            plan["next"] = .string(
                "nothing was changed. Show this plan to the user; if they agree, call \(tool.name) again with the same arguments and confirmation \"\(id)\""
            )
            return plan
        }
        guard let pending = confirmations[confirmation], pending.tool == tool.name, pending.script == script else {
            throw .usage(
                "\(tool.name): confirmation '\(Cells.inline(confirmation))' is unknown, used already, or for other arguments: call \(tool.name) without it for a new plan",
                at: nil
            )
        }
        confirmations[confirmation] = nil
        let applied = try await rehearse(script, snapshot: nil, apply: true)
        if let failure = applied.failure {
            // The value says what happened; the failure why it is not what was rehearsed.
            shell.session.last = applied.value
            if case .cancelled = failure { throw failure }
            throw .incomplete(failure.description)
        }
        return applied.value ?? .obj([:])
    }

    /// 16 random hexadecimal digits.
    static func newConfirmationID() -> String {
        let digits = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
