import AdmAPI

/// Makes the API calls of commands: picks the key, warns before a call that cannot work,
/// sends it through the client (whose scheduler paces each endpoint), remembers it for `repro`
/// and `retry-with`, keeps any new secret as a session key, and follows pages or fans out over
/// a list — announcing long work, showing its progress, and keeping what finished on Ctrl-C.
struct CallRunner {
    let shell: CommandContext
    var session: Session { shell.session }
    /// Standard error and the progress line only: answers are returned, never printed.
    var status: StatusOutput { shell.status }
    var style: Style { shell.configuration.style }

    // MARK: Keys

    /// The key for a call: `--key NAME`, else the active key.
    func key(for inv: Invocation) throws(ShellError) -> SessionKey {
        if let word = inv.args.flagWord("--key") {
            let name = try shell.text(of: word)
            guard let key = session.keys[name] else { throw session.unknownKey(name, at: word.location) }
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

    // MARK: One call

    /// Sends a call the person asked for: warns first when it cannot work, shows the request
    /// with `--verbose`, records it for `repro` and `retry-with`, and keeps any new secret as a
    /// session key. A refusal is returned, not thrown (see `require`).
    func send(_ call: Call, key: SessionKey, statement: String) async throws(ShellError) -> CallResult {
        let record = prepare(call, key: key, statement: statement)
        let client = shell.client
        let secret = key.secret
        let outcome = await Self.outcome(of: call, client: client, key: secret)
        return try finish(outcome, record: record)
    }

    /// Sends `call` and throws its refusal (after looking up the key's own record, which the
    /// explanation names).
    func require(_ call: Call, key: SessionKey, statement: String) async throws(ShellError) -> CallResult {
        let result = try await send(call, key: key, statement: statement)
        try await requireSuccess(result, key: key)
        return result
    }

    /// Throws a refused result, after looking up what explaining it needs.
    func requireSuccess(_ result: CallResult, key: SessionKey) async throws(ShellError) {
        guard !result.isSuccess else { return }
        await prepareExplanation(result, key: key)
        throw .api(result)
    }

    /// Looks up what the explanation of a refusal names: the key's own record, for a missing scope.
    func prepareExplanation(_ result: CallResult, key: SessionKey) async {
        if result.error?.isMissingScope == true, key.secret.kind == .admin, session.adminKeyRecord(for: key.secret) == nil {
            await lookUpKeyRecord(key, missing: result.error?.missingScopes ?? [])
        }
    }

    /// Sends a call on adm's own behalf (a probe, a look-up): not recorded, not explained.
    func lookUp(_ call: Call, key: SessionKey) async throws(ShellError) -> CallResult {
        do {
            return try await shell.client.send(call, key: key.secret)
        } catch {
            if error.error == .cancelled { throw .cancelled() }
            throw .transport(error)
        }
    }

    /// A call that will wait more than two seconds for its turn says so, and why, on a terminal
    /// (a progress line, gone when the answer comes) and with `-v`.
    func announceWait(for call: Call, key: SessionKey) {
        announceWait(on: shell.client.bucket(for: call, key: key.secret))
    }

    /// Says so when the next call on `bucket` will wait more than two seconds for its turn.
    func announceWait(on bucket: RateLimitScheduler.Bucket) {
        let outlook = shell.client.scheduler.outlook(bucket)
        guard outlook.nextTurn > 2 else { return }
        let pace = outlook.perMinute.map { "it grants ~\(Formatting.number($0, decimals: 1))/min" } ?? "adm is finding its pace"
        let line =
            "waiting ~\(Formatting.duration(outlook.nextTurn)) for a turn on \(bucket.endpoint): \(pace), learned from its 429s (\(outlook.refused) refused); Ctrl-C stops"
        if shell.configuration.verbose { status.warn(style.dim(line)) }
        status.progress(style.dim(line))
    }

    /// Warnings, the verbose line, and the record to fill once the call is answered.
    func prepare(_ call: Call, key: SessionKey, statement: String) -> CallRecord {
        for warning in FailureExplainer(shell: shell).preflight(call, key: key) { status.warn(style.yellow(warning)) }
        if shell.configuration.verbose {
            status.warn(style.dim(VerboseLines.request(call, baseURL: shell.client.baseURL, keyName: key.name, redacted: key.secret.redacted)))
        }
        announceWait(for: call, key: key)
        var record = CallRecord(statement: statement, call: call, keyName: key.name, keyRedacted: key.secret.redacted, time: UnixTime.now())
        record.projectID = session.activeProject
        return record
    }

    /// Records an answered (or failed) call and returns its result.
    func finish(_ outcome: Result<CallResult, CallFailure>, record: CallRecord) throws(ShellError) -> CallResult {
        var record = record
        let result: CallResult
        switch outcome {
        case .failure(let failure):
            record.transportError = failure.description
            session.record(record)
            if failure.error == .cancelled { throw .cancelled() }
            throw .transport(failure)
        case .success(let r):
            result = r
        }
        record.status = result.status
        record.error = result.error
        record.requestID = result.response.requestID
        if let org = result.response.header("openai-organization") {
            session.organizationID = org
            record.organizationID = org
        }
        session.record(record)
        if shell.configuration.verbose { status.warn(style.dim(VerboseLines.answer(result))) }
        if (300..<400).contains(result.status), let error = result.error {
            // Not an answer from the API at all: where the base URL points is wrong (exit 3).
            throw .environment("\(record.call.method.rawValue) \(record.call.path) → \(error.message)")
        }
        if result.isSuccess, result.json == nil, !result.response.body.isEmpty {
            let type = result.response.header("content-type").map { "\($0.split(separator: ";")[0]), " } ?? ""
            let preview = TerminalText.inline(String(result.response.bodyText.prefix(60)))
            throw .environment(
                "\(record.call.method.rawValue) \(record.call.path) → \(result.status), but the answer is not JSON (\(type)\(result.response.body.count) bytes): \(preview)"
            )
        }
        adoptMintedKeys()
        if result.isSuccess, let json = result.json { session.noteIDs(json) }
        return result
    }

    /// One call's outcome as a value.
    ///
    /// Kept out of task-group closures on purpose: a `do throws(CallFailure)` inside such a
    /// closure returned corrupt indices in release builds (Swift 6.3, an out-of-range trap on
    /// the first fan-out); a plain async function returning a `Result` does not.
    static func outcome(of call: Call, client: AdminClient, key: Secret) async -> Result<CallResult, CallFailure> {
        do throws(CallFailure) {
            return .success(try await client.send(call, key: key))
        } catch {
            return .failure(error)
        }
    }

    /// Finds the admin-key record of `key` (id, creation, owner) with a key that may list admin
    /// keys: the key itself unless it lacks the read scope, else keys probed to have it.
    func lookUpKeyRecord(_ key: SessionKey, missing: [String]) async {
        let read = PermissionCategory.organizationAdministration.readScope
        var candidates: [SessionKey] = missing.contains(read) ? [] : [key]
        candidates += session.orderedKeys.filter { $0.name != key.name && session.probes[$0.name]?.grants(read) == true }
        for k in candidates.prefix(2) {
            if (try? await Whoami.listAdminKeys(shell, with: k)) != nil, session.adminKeyRecord(for: key.secret) != nil { return }
        }
    }

    /// Keys that answers carried (captured and redacted by the client, whatever path made the
    /// call) become session keys: shown once on a terminal, redacted everywhere else. Returns
    /// the session names they got.
    @discardableResult
    func adoptMintedKeys() -> [SessionKey] {
        var adopted: [SessionKey] = []
        for minted in shell.client.minted.take() {
            let base = minted.name.isEmpty ? "new-key" : minted.name.replacing(" ", with: "-")
            var keyName = base
            var n = 2
            while session.keys[keyName] != nil {
                keyName = base + "-\(n)"
                n += 1
            }
            // The one place a secret is printed on purpose: once, on a terminal, at creation
            // (never into a statement's `> FILE`).
            let shown =
                shell.configuration.showNewSecrets
                && status.showOnTerminalOnly(
                    style.resolve(style.yellow("New secret for \(TerminalText.inline(minted.what)) (shown once; copy it now): "))
                        + minted.secret.unredacted + "\n"
                )
            let key = SessionKey(name: keyName, secret: minted.secret, source: .created(minted.what))
            session.addKey(key)
            adopted.append(key)
            let where_ = shown ? "" : " (its value is not printed: save it with `key export \(keyName) FILE`)"
            status.warn(style.dim("kept the new key as session key '\(keyName)'\(where_)"))
        }
        return adopted
    }

    // MARK: Pages

    /// Items `$_` keeps after `--all`.
    static var allCap: Int { 10_000 }

    /// A list, one page or (with `--all`) every page, the largest the endpoint allows unless
    /// `--limit` says otherwise. Pages after the first are fetched as the previous one is shown,
    /// and `$_` keeps at most `allCap` items, so memory stays flat. Ctrl-C keeps the items read,
    /// with the cursor to go on from (`--after $_.after`). The pages are shown by `printer`, which
    /// the caller gives: this reads them, it does not print them.
    func list(
        _ endpoint: Endpoint,
        call: Call,
        key: SessionKey,
        inv: Invocation,
        all: Bool,
        printer: StreamingPrinter
    ) async throws(ShellError) -> Outcome {
        guard all, endpoint.paging.isPaged else {
            let result = try await require(call, key: key, statement: inv.statement.source)
            return .value(result.json ?? .null, calls: [result])
        }
        var page = call
        if !inv.args.has("--limit"), let largest = endpoint.largestPage(bucketWidth: call.query.last { $0.name == "bucket_width" }?.value) {
            page = page.with(query: "limit", String(largest))
        }
        var kept: [JSON] = []
        var total = 0
        var pages = 0
        var printer = printer
        let progress = BulkProgress(
            status: status,
            scheduler: shell.client.scheduler,
            bucket: shell.client.bucket(for: page, key: key.secret),
            total: nil
        )
        defer { progress.finish() }
        var last: CallResult?
        func partial(after cursor: String?) -> JSON {
            var merged: JSON = .obj(["object": "list", "data": .array(kept), "has_more": .bool(cursor != nil)])
            merged["pages"] = .int(pages)
            merged["count"] = .int(total)
            if total > kept.count { merged["truncated"] = true }
            if let cursor { merged["after"] = .string(cursor) }
            return merged
        }
        var cursor: String?
        /// Pages read, then a stop: what was read is shown and kept, the rest said missing.
        func stopped(_ why: String, failure: ShellError?) -> Outcome {
            printer.finish(total: total, pages: pages)
            var outcome = Outcome(value: partial(after: cursor), printed: inv.output != .csv, calls: last.map { [$0] } ?? [])
            outcome.gaps = ["the pages after the first \(pages) were not read (\(why)); `--after $_.after` goes on from there"]
            outcome.gapSummary = "\(total) items in \(pages) page\(pages == 1 ? "" : "s"), not every page"
            outcome.failure = failure
            return outcome
        }
        while true {
            if Task.isCancelled, pages > 0 { return stopped("interrupted", failure: .cancelled(partial: partial(after: cursor))) }
            if Task.isCancelled { throw .cancelled(partial: partial(after: cursor)) }
            let record = prepare(page, key: key, statement: inv.statement.source)
            let client = shell.client
            let secret = key.secret
            let request = page
            let outcome = await awaitTicking(tick: { progress.redraw() }, work: { await Self.outcome(of: request, client: client, key: secret) })
            let result: CallResult
            do { result = try finish(outcome, record: record) } catch {
                if case .cancelled = error {
                    if pages > 0 { return stopped("interrupted", failure: .cancelled(partial: partial(after: cursor))) }
                    throw .cancelled(partial: partial(after: cursor))
                }
                throw error
            }
            last = result
            guard result.isSuccess, let json = result.json else {
                if pages == 0 { try await requireSuccess(result, key: key) }
                // A later page refused: the pages read stay in $_, the refusal is explained, and
                // the statement ends incomplete (a 429 past --max-wait) or failed (anything else).
                await prepareExplanation(result, key: key)
                if result.status == 429 {
                    for line in FailureExplainer(shell: shell).report(result) { status.warn(line) }
                    return stopped("rate limited past --max-wait", failure: nil)
                }
                return stopped("\(result.status) \(result.error?.message ?? "")", failure: .api(result))
            }
            pages += 1
            progress.advance()
            let items = json["data"]?.arrayValue ?? []
            total += items.count
            if kept.count < Self.allCap { kept.append(contentsOf: items.prefix(Self.allCap - kept.count)) }
            progress.finish()
            printer.page(json)
            guard json["has_more"]?.boolValue == true, let next = Self.nextPage(endpoint, json, items) else {
                cursor = nil
                break
            }
            cursor = next
            page = page.with(query: endpoint.paging == .usagePage ? "page" : "after", next)
        }
        printer.finish(total: total, pages: pages)
        // CSV is one table: the interpreter renders it from the items kept.
        return Outcome(value: partial(after: nil), printed: inv.output != .csv, calls: last.map { [$0] } ?? [])
    }

    static func nextPage(_ endpoint: Endpoint, _ json: JSON, _ items: [JSON]) -> String? {
        switch endpoint.paging {
        case .nextCursor: return json["next"]?.stringValue ?? items.last?["id"]?.stringValue
        case .usagePage: return json["next_page"]?.stringValue
        case .cursorByID: return items.last?["id"]?.stringValue ?? json["last_id"]?.stringValue
        default: return json["last_id"]?.stringValue ?? items.last?["id"]?.stringValue
        }
    }

    // MARK: Fan-out

    /// Runs `calls` (one per value of `parameter`) with at most `concurrency` in flight, each
    /// endpoint at the pace its limit allows; results in input order. Ctrl-C, or a call refused
    /// past `--max-wait`, stops it: the results that finished stay in `$_`, with
    /// `$_.remaining` holding the values not done (`keys --project $_.remaining` goes on).
    func fanOut(
        _ calls: [Call],
        values: [JSON],
        parameter: String,
        key: SessionKey,
        inv: Invocation,
        concurrency: Int
    ) async throws(ShellError) -> Outcome {
        let client = shell.client
        let secret = key.secret
        let limit = max(1, concurrency)
        let progress = calls.first.map {
            BulkProgress(status: status, scheduler: client.scheduler, bucket: client.bucket(for: $0, key: secret), total: calls.count)
        }
        defer { progress?.finish() }
        // A call refused past --max-wait stops the rest: they would wait as long.
        let collected = await runBounded(
            count: calls.count,
            concurrency: limit,
            progress: progress,
            stop: { if case .success(let r) = $0 { return r.status == 429 } else { return false } },
            work: { index in await Self.outcome(of: calls[index], client: client, key: secret) }
        )
        adoptMintedKeys()
        let stoppedBy = collected.lazy.compactMap { result -> CallResult? in
            if case .success(let r)? = result, r.status == 429 { return r } else { return nil }
        }.first
        progress?.finish()
        var results: [CallResult] = []
        var done: [(CallResult, JSON)] = []
        var remaining: [JSON] = []
        for (index, call) in calls.enumerated() {
            var record = CallRecord(
                statement: inv.statement.source,
                call: call,
                keyName: key.name,
                keyRedacted: key.secret.redacted,
                time: UnixTime.now()
            )
            record.projectID = session.activeProject
            switch collected[index] {
            case .success(let r)?:
                record.status = r.status
                record.error = r.error
                record.requestID = r.response.requestID
                session.record(record)
                if let json = r.json { session.noteIDs(json) }
                results.append(r)
                // Refused past --max-wait, the call did not happen: it stays to do.
                if r.status == 429 { remaining.append(values[index]) } else { done.append((r, values[index])) }
            case .failure(let f)? where f.error != .cancelled:
                record.transportError = f.description
                session.record(record)
                throw .transport(f)
            default:
                remaining.append(values[index])
            }
        }
        var value = Self.fanOutValue(done, parameter: parameter)
        if !remaining.isEmpty { value["remaining"] = .array(remaining) }
        var outcome = Outcome.value(value, calls: [])
        let failed = results.first { !$0.isSuccess && $0.status != 429 }
        outcome.calls = [failed ?? results.last].compactMap { $0 }
        // Partial is never silent: what was not done is said on stderr (in any output mode),
        // kept in $_.remaining, and the statement ends with exit 4 (130 on Ctrl-C).
        if !remaining.isEmpty {
            let why = stoppedBy != nil ? "rate limited past --max-wait" : "interrupted"
            outcome.gaps = ["\(remaining.count) of \(calls.count) calls were not made (\(why)); $_.remaining holds their \(parameter) values"]
            outcome.gapSummary = "\(done.count) of \(calls.count) calls made"
        }
        if Task.isCancelled || (stoppedBy == nil && !remaining.isEmpty) {
            outcome.failure = .cancelled(partial: value)
        } else if let stoppedBy {
            await prepareExplanation(stoppedBy, key: key)
            for line in FailureExplainer(shell: shell).report(stoppedBy) { status.warn(line) }
            session.lastResult = stoppedBy
        } else if let failed {
            outcome.failure = .api(failed)
            await prepareExplanation(failed, key: key)
        }
        return outcome
    }

    /// The results of a fan-out as one value, `{object: "fanout", parameter, results: [{param,
    /// status, value, error}]}` (the renderer shows it as one table per call).
    static func fanOutValue(_ done: [(CallResult, JSON)], parameter: String) -> JSON {
        let items = done.map { r, v in
            JSON.obj([
                parameter: v, "status": .int(r.status), "value": r.json ?? .null,
                "error": r.error.map { .string($0.message) } ?? .null,
            ])
        }
        return .obj(["object": "fanout", "parameter": .string(parameter), "results": .array(items)])
    }
}
