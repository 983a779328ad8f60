import AdmAPI

extension Interpreter {
    /// The key for a call: `--key NAME`, else the active key.
    func selectedKey(_ inv: Invocation) throws(ShellError) -> SessionKey {
        if let word = inv.args.flagWord("--key") {
            let name = try text(of: word)
            guard let key = session.keys[name] else { throw unknownKey(name, at: word.location) }
            return key
        }
        guard let name = session.activeKey, let key = session.keys[name] else {
            if session.keys.isEmpty {
                throw .environment("no key: add one with `key add NAME --env VAR` (or set OPENAI_ADMIN_KEY, or start with --sandbox)")
            }
            throw .environment("no active key: `use key NAME` (keys: \(session.keyOrder.joined(separator: ", ")))")
        }
        return key
    }

    func unknownKey(_ name: String, at location: SourceLocation?) -> ShellError {
        let hint = Suggest.closest(name, among: session.keyOrder).map { " (did you mean \($0)?)" } ?? ""
        let known = session.keyOrder.isEmpty ? "none yet; `key add NAME --env VAR`" : session.keyOrder.joined(separator: ", ")
        return .usage("no key named '\(name)'\(hint); keys: \(known)", at: location)
    }

    /// Sends one call with `key`, records it, keeps any new secret as a session key (shown once
    /// on a terminal, redacted everywhere else), and prints an error with its explanation.
    @discardableResult
    ///
    /// `unrecorded` calls (probes, look-ups) are not remembered: `retry-with` and `repro` work on
    /// what the person ran.
    func send(_ call: Call, key: SessionKey, inv: Invocation?, statement: String? = nil, quietErrors: Bool = false,
              unrecorded: Bool = false) async throws(ShellError) -> CallResult {
        if unrecorded {
            do { return try await client.send(call, key: key.secret) } catch {
                if error.error == .cancelled { throw .cancelled }
                throw .transport(error)
            }
        }
        inv?.madeCall = true
        if !quietErrors { preflight(call, key: key) }
        if configuration.verbose {
            warn(style.dim("→ \(call.method.rawValue) \(client.baseURL)\(call.pathAndQuery) (key \(key.name) \(key.secret.redacted))"))
        }
        var record = CallRecord(statement: statement ?? inv?.statement.source ?? call.summary, call: call, keyName: key.name,
                                keyRedacted: key.secret.redacted, time: UnixTime.now())
        record.projectID = session.activeProject
        let verbose = configuration.verbose
        var result: CallResult
        do {
            result = try await client.send(call, key: key.secret)
        } catch {
            record.transportError = error.description
            session.record(record)
            if error.error == .cancelled { throw .cancelled }
            throw .transport(error)
        }
        record.status = result.status
        record.error = result.error
        record.requestID = result.response.requestID
        if let org = result.response.header("openai-organization") { session.organizationID = org; record.organizationID = org }
        session.record(record)
        if verbose {
            warn(style.dim("← \(result.status) in \(Int(result.elapsed.components.seconds * 1000 + result.elapsed.components.attoseconds / 1_000_000_000_000_000)) ms\(result.response.requestID.map { " " + $0 } ?? "")\(result.notes.isEmpty ? "" : " (" + result.notes.joined(separator: "; ") + ")")"))
        }
        if result.isSuccess, result.json == nil, !result.response.body.isEmpty {
            let type = result.response.header("content-type").map { "\($0.split(separator: ";")[0]), " } ?? ""
            let preview = String(result.response.bodyText.prefix(60)).replacing("\n", with: " ")
            throw .environment("\(call.method.rawValue) \(call.path) → \(result.status), but the answer is not JSON (\(type)\(result.response.body.count) bytes): \(preview)")
        }
        if result.isSuccess, var json = result.json {
            captureSecrets(in: &json, from: call)
            result.json = json
            session.noteIDs(json)
        }
        session.lastResult = result
        if !result.isSuccess && !quietErrors {
            if result.error?.isMissingScope == true, key.secret.kind == .admin, adminKeyRecord(for: key.secret) == nil {
                await lookUpKeyRecord(key, missing: result.error?.missingScopes ?? [])
            }
            explainFailure(result, key: key)
        }
        return result
    }

    /// Finds the admin-key record of `key` (id, creation, owner) with a key that may list admin
    /// keys: the key itself unless it lacks the read scope, else keys probed to have it.
    func lookUpKeyRecord(_ key: SessionKey, missing: [String]) async {
        let read = PermissionCategory.organizationAdministration.readScope
        var candidates: [SessionKey] = missing.contains(read) ? [] : [key]
        candidates += session.orderedKeys.filter { $0.name != key.name && session.probes[$0.name]?.grants(read) == true }
        for k in candidates.prefix(2) {
            if (try? await Whoami.listAdminKeys(self, with: k)) != nil, adminKeyRecord(for: key.secret) != nil { return }
        }
    }

    /// Keys minted by a response become session keys; the value in `$_` is redacted.
    func captureSecrets(in json: inout JSON, from call: Call) {
        func take(_ value: inout JSON, name: String, what: String) {
            guard let secret = value["value"]?.stringValue, secret.hasPrefix("sk-") else { return }
            var keyName = name.isEmpty ? "new-key" : name.replacing(" ", with: "-")
            var n = 2
            while session.keys[keyName] != nil { keyName = (name.isEmpty ? "new-key" : name.replacing(" ", with: "-")) + "-\(n)"; n += 1 }
            let s = Secret(secret)
            if configuration.showNewSecrets {
                output.write(style.yellow("New secret for \(what) (shown once; copy it now): ") + secret + "\n")
            }
            session.addKey(SessionKey(name: keyName, secret: s, source: .created(what)))
            value["value"] = .string(s.redacted)
            let where_ = configuration.showNewSecrets ? "" : " (its value is not printed: save it with `key export \(keyName) FILE`)"
            warn(style.dim("kept the new key as session key '\(keyName)'\(where_)"))
        }
        if json["api_key"]?["value"] != nil, var apiKey = json["api_key"] {
            take(&apiKey, name: json["name"]?.stringValue ?? "", what: "service account \(json["name"]?.stringValue ?? "")")
            json["api_key"] = apiKey
        }
        if json["value"] != nil {
            let name = json["name"]?.stringValue ?? ""
            let what = json["object"]?.stringValue == "organization.admin_api_key" ? "admin key \(name)" : "key \(name)"
            take(&json, name: name, what: what)
        }
    }

    /// A list, one page or (with `--all`) every page. Pages after the first are fetched as the
    /// previous one is shown, and `$_` keeps at most `allCap` items, so memory stays flat.
    func list(_ endpoint: Endpoint, call: Call, key: SessionKey, inv: Invocation, all: Bool) async throws(ShellError) -> JSON? {
        guard all, endpoint.paging.isPaged else {
            let result = try await send(call, key: key, inv: inv)
            return result.isSuccess ? (result.json ?? .null) : nil
        }
        var page = call
        var kept: [JSON] = []
        var total = 0
        var pages = 0
        var printer = StreamingPrinter(interpreter: self, selection: inv.statement.selection)
        while true {
            try checkCancelled()
            let result = try await send(page, key: key, inv: inv)
            guard result.isSuccess, let json = result.json else { return nil }
            pages += 1
            let items = json["data"]?.arrayValue ?? []
            total += items.count
            if kept.count < Self.allCap { kept.append(contentsOf: items.prefix(Self.allCap - kept.count)) }
            printer.page(json)
            guard json["has_more"]?.boolValue == true, let next = Self.nextPage(endpoint, json, items) else { break }
            page = page.with(query: endpoint.paging == .usagePage ? "page" : "after", next)
        }
        printer.finish(total: total, pages: pages)
        alreadyRendered = true
        var merged: JSON = .obj(["object": "list", "data": .array(kept), "has_more": false])
        merged["pages"] = .int(pages)
        merged["count"] = .int(total)
        if total > kept.count { merged["truncated"] = true }
        return merged
    }

    /// Items `$_` keeps after `--all`.
    static var allCap: Int { 10_000 }

    static func nextPage(_ endpoint: Endpoint, _ json: JSON, _ items: [JSON]) -> String? {
        switch endpoint.paging {
        case .nextCursor: return json["next"]?.stringValue ?? items.last?["id"]?.stringValue
        case .usagePage: return json["next_page"]?.stringValue
        case .cursorByID: return items.last?["id"]?.stringValue ?? json["last_id"]?.stringValue
        default: return json["last_id"]?.stringValue ?? items.last?["id"]?.stringValue
        }
    }

    func checkCancelled() throws(ShellError) {
        if Task.isCancelled { throw .cancelled }
    }

    /// One call's outcome as a value.
    ///
    /// Kept out of the task-group closure on purpose: a `do throws(CallFailure)` inside that
    /// closure returned corrupt indices in release builds (Swift 6.3, an out-of-range trap on
    /// the first fan-out); a plain async function returning a `Result` does not.
    static func outcome(of call: Call, client: AdminClient, key: Secret) async -> Result<CallResult, CallFailure> {
        do throws(CallFailure) {
            return .success(try await client.send(call, key: key))
        } catch {
            return .failure(error)
        }
    }

    /// Runs `calls` with at most `concurrency` in flight, results in input order.
    func fanOut(_ calls: [Call], key: SessionKey, inv: Invocation, concurrency: Int) async throws(ShellError) -> [CallResult] {
        inv.madeCall = true
        let client = self.client
        let secret = key.secret
        let limit = max(1, concurrency)
        let results = await withTaskGroup(of: (Int, Result<CallResult, CallFailure>).self,
                                          returning: [Result<CallResult, CallFailure>?].self) { group in
            var collected = [Result<CallResult, CallFailure>?](repeating: nil, count: calls.count)
            var next = 0
            while next < calls.count {
                if next >= limit {
                    // One in flight finished: record it, then start the next.
                    guard let (index, result) = await group.next() else { break }
                    collected[index] = result
                    if Task.isCancelled { break }
                }
                let index = next
                let call = calls[index]
                group.addTask { (index, await Self.outcome(of: call, client: client, key: secret)) }
                next += 1
            }
            while let (index, result) = await group.next() { collected[index] = result }
            return collected
        }
        if Task.isCancelled { throw .cancelled }
        var out: [CallResult] = []
        for (call, result) in zip(calls, results) {
            var record = CallRecord(statement: inv.statement.source, call: call, keyName: key.name, keyRedacted: key.secret.redacted, time: UnixTime.now())
            record.projectID = session.activeProject
            switch result {
            case .success(let r)?:
                record.status = r.status
                record.error = r.error
                record.requestID = r.response.requestID
                session.record(record)
                if let json = r.json { session.noteIDs(json) }
                out.append(r)
            case .failure(let f)?:
                record.transportError = f.description
                session.record(record)
                throw .transport(f)
            case nil:
                throw .cancelled
            }
        }
        session.lastResult = out.first(where: { !$0.isSuccess }) ?? out.last
        return out
    }

    func format3(_ d: Double) -> String {
        let ms = Int((d * 1000).rounded())
        return "\(ms / 1000).\(String(ms % 1000).leftPadded(to: 3))"
    }
}
