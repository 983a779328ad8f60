import AdmAPI
import Synchronization

/// Reads the organization through the API for the organization-wide jobs: every page of a
/// listing (the largest pages the endpoint allows), or one listing per target (every project's
/// keys) in parallel, each endpoint at the pace its rate limit allows, with the estimate and
/// progress of long work. What could not be read is reported per target, never silently left
/// out; Ctrl-C stops it with what was read.
///
/// Whole listings are kept in the session's `Readings` and answered from there for a while
/// (`--fresh` reads again): the second question about the organization costs no call.
struct OrgReader {
    let shell: CommandContext
    let key: SessionKey
    let inv: Invocation
    /// Read again instead of answering from this session's readings (`--fresh`).
    let fresh: Bool
    /// When the oldest reading this job was answered from was made.
    let memory = MemoryUse()

    /// A reader for `inv`; `fresh` reads everything again (a job that must see the
    /// organization as it is now: `diff`, `rotate`), else `--fresh` decides.
    init(_ shell: CommandContext, _ inv: Invocation, fresh: Bool = false) throws(ShellError) {
        self.shell = shell
        self.inv = inv
        self.key = try shell.calls.key(for: inv)
        self.fresh = fresh || inv.args.has("--fresh")
        self.log = shell.configuration.verbose ? VerboseLog(baseURL: shell.client.baseURL, key: key) : nil
    }

    /// Listings of what happens (usage, costs, the audit log) are never answered from memory:
    /// their point is what is new.
    static func isTimeSeries(_ endpoint: Endpoint) -> Bool {
        ["/organization/usage", "/organization/costs", "/organization/audit_logs"].contains { endpoint.path.hasPrefix($0) }
    }

    /// The oldest reading a job was answered from (thread-safe: listings are read in parallel).
    final class MemoryUse: Sendable {
        private let oldest = Mutex<Double?>(nil)
        func note(_ at: Double) { oldest.withLock { $0 = min($0 ?? at, at) } }
        var oldestReading: Double? { oldest.withLock { $0 } }
    }

    /// `from a reading 3 min ago; --fresh reads again`, when anything came from memory.
    var memoryNote: String? {
        memory.oldestReading.map { "from a reading \(Formatting.duration(max(0, UnixTime.precise() - $0))) ago; --fresh reads again" }
    }

    /// How a listing is read: the client, the key, whether readings may answer it, and where
    /// `-v` notes its calls.
    struct Source: Sendable {
        let client: AdminClient
        let key: Secret
        let fresh: Bool
        let memory: MemoryUse
        let log: VerboseLog?
    }

    /// The `-v` lines of this job's calls (nil without `-v`).
    let log: VerboseLog?

    var source: Source { Source(client: shell.client, key: key.secret, fresh: fresh, memory: memory, log: log) }

    /// Prints the `-v` lines noted so far (on the job's own task).
    func printLog() {
        guard let log else { return }
        for line in log.drain() { shell.console.warn(shell.style.dim(line)) }
    }

    /// What reading one listing gave.
    enum Listing: Sendable {
        /// Every item, and the organization the answers came from (`openai-organization`).
        case items([JSON], organization: String?)
        /// The API refused (a missing scope, a 404, a rate limit past --max-wait).
        case refused(CallResult)
        case failed(CallFailure)

        var items: [JSON]? {
            if case .items(let items, _) = self { return items }
            return nil
        }
    }

    /// Every item of `endpoint`'s listing; a refusal is thrown (with its explanation).
    func all(_ endpoint: Endpoint, path: [String: String] = [:], query: [QueryItem] = []) async throws(ShellError) -> [JSON] {
        if Self.remembered(endpoint, path: path, query: query, from: source) == nil {
            shell.calls.announceWait(on: shell.client.bucket(for: Call(endpoint, pathParameters: path, query: query), key: key.secret))
        }
        let listing = await Self.read(endpoint, path: path, query: query, from: source)
        printLog()
        return try await unwrap(listing)
    }

    /// The items of a listing, or its failure thrown.
    func unwrap(_ listing: Listing) async throws(ShellError) -> [JSON] {
        switch listing {
        case .items(let items, let organization):
            if let organization { shell.session.organizationID = organization }
            return items
        case .refused(let result):
            await shell.calls.prepareExplanation(result, key: key)
            throw .api(result)
        case .failed(let failure):
            if failure.error == .cancelled { throw .cancelled() }
            throw .transport(failure)
        }
    }

    /// One listing of `endpoint` per target (its path parameters), `--concurrency` at a
    /// time; nil for a target not read (Ctrl-C, or the rate limit stopped the job).
    func each(_ endpoint: Endpoint, targets: [[String: String]], query: [QueryItem] = []) async -> [Listing?] {
        await many(targets.map { (endpoint, $0, query) }, concurrency: shell.configuration.concurrency)
    }

    /// One read: an operation, its path parameters and its query.
    typealias Request = (endpoint: Endpoint, path: [String: String], query: [QueryItem])

    /// One read per request (operation, path parameters, query), all in one pool: requests
    /// to different endpoints go side by side, each endpoint at its own pace, so the whole takes
    /// about as long as its busiest endpoint. Give the requests interleaved by endpoint.
    ///
    /// What this session's readings hold is answered first, at once; only the rest is read,
    /// and only the rest is estimated and shown as progress (an estimate of minutes for reads
    /// that come from memory would be a false alarm).
    func many(_ requests: [Request], concurrency: Int) async -> [Listing?] {
        guard !requests.isEmpty else { return [] }
        let client = shell.client
        let secret = key.secret
        let source = self.source
        let endpoints = requests.map(\.endpoint)
        var results = [Listing?](repeating: nil, count: requests.count)
        for (index, request) in requests.enumerated() {
            results[index] = Self.remembered(endpoints[index], path: request.path, query: request.query, from: source)
        }
        let toRead = results.indices.filter { results[$0] == nil }
        guard !toRead.isEmpty else { return results }
        var buckets: [RateLimitScheduler.Bucket] = []
        for index in toRead {
            let bucket = client.bucket(for: Call(endpoints[index], pathParameters: requests[index].path), key: secret)
            if !buckets.contains(bucket) { buckets.append(bucket) }
        }
        for bucket in buckets { shell.calls.announceWait(on: bucket) }
        let progress = BulkProgress(status: shell.status, scheduler: client.scheduler, buckets: buckets, total: toRead.count)
        progress.beforeRedraw = printLog
        let read = await runBounded(
            count: toRead.count,
            concurrency: concurrency,
            progress: progress,
            stop: { (listing: Listing) in if case .refused(let r) = listing { return r.status == 429 } else { return false } },
            work: { n -> Listing in
                let index = toRead[n]
                return await Self.read(endpoints[index], path: requests[index].path, query: requests[index].query, from: source)
            }
        )
        for (n, listing) in read.enumerated() {
            if case .failed(let f)? = listing, f.error == .cancelled { continue }
            results[toRead[n]] = listing
        }
        return results
    }

    /// The reading of a listing this session holds, when it may answer (`read` checks again).
    static func remembered(_ endpoint: Endpoint, path: [String: String], query: [QueryItem], from source: Source) -> Listing? {
        guard !source.fresh, !isTimeSeries(endpoint) else { return nil }
        let call = Call(endpoint, pathParameters: path, query: query)
        let owner = RateLimitMemory.owner(baseURL: source.client.baseURL, key: source.key)
        guard let kept = source.client.readings.reading(call.pathAndQuery, owner: owner) else { return nil }
        source.memory.note(kept.at)
        return .items(kept.items, organization: kept.organization)
    }

    /// Every page of one listing, one after another; a single object (a setting) as one item.
    /// A whole listing read in this session is answered from its reading while it is young.
    static func read(_ endpoint: Endpoint, path: [String: String], query: [QueryItem], from source: Source) async -> Listing {
        let client = source.client
        let key = source.key
        let call = Call(endpoint, pathParameters: path, query: query)
        if let kept = remembered(endpoint, path: path, query: query, from: source) { return kept }
        let owner = RateLimitMemory.owner(baseURL: client.baseURL, key: key)
        let request = call.pathAndQuery
        let listing = await readAll(endpoint, call: call, client: client, key: key, log: source.log)
        if !isTimeSeries(endpoint), case .items(let items, let organization) = listing {
            client.readings.keep(request, owner: owner, items: items, organization: organization)
        }
        return listing
    }

    /// Every page of `call`'s listing from the API.
    static func readAll(_ endpoint: Endpoint, call first: Call, client: AdminClient, key: Secret, log: VerboseLog?) async -> Listing {
        var call = first
        let query = first.query
        /// Sends one call, noting it for `-v`.
        func send(_ call: Call) async throws(CallFailure) -> CallResult {
            do {
                let r = try await client.send(call, key: key)
                log?.note(call, .success(r))
                return r
            } catch {
                log?.note(call, .failure(error))
                throw error
            }
        }
        guard endpoint.paging.isPaged else {
            do {
                let r = try await send(call)
                guard r.isSuccess, let json = r.json else { return .refused(r) }
                return .items([json], organization: r.response.header("openai-organization"))
            } catch {
                return .failed(error)
            }
        }
        if !query.contains(where: { $0.name == "limit" }),
            let largest = endpoint.largestPage(bucketWidth: query.last { $0.name == "bucket_width" }?.value)
        {
            call = call.with(query: "limit", String(largest))
        }
        var items: [JSON] = []
        var organization: String?
        for _ in 0..<10_000 {
            let result: CallResult
            do { result = try await send(call) } catch { return .failed(error) }
            guard result.isSuccess, let json = result.json else { return .refused(result) }
            organization = organization ?? result.response.header("openai-organization")
            let page = json["data"]?.arrayValue ?? []
            items += page
            guard json["has_more"]?.boolValue == true, let next = CallRunner.nextPage(endpoint, json, page) else { break }
            call = call.with(query: endpoint.paging == .usagePage ? "page" : "after", next)
        }
        return .items(items, organization: organization)
    }

    /// The targets a job could not read, and why: what its result lacks.
    struct Unread {
        /// `the keys`, `the members`.
        let what: String
        /// Each target's name and the reason it was not read.
        var targets: [(name: String, id: JSON, reason: String)] = []

        var isEmpty: Bool { targets.isEmpty }

        /// One line per reason: `the keys of Search, Billing and 3 more: rate limited past --max-wait`.
        var lines: [String] {
            var order: [String] = []
            var names: [String: [String]] = [:]
            for t in targets {
                if names[t.reason] == nil { order.append(t.reason) }
                names[t.reason, default: []].append(Cells.inline(t.name))
            }
            return order.map { reason in
                let list = names[reason] ?? []
                let shown = list.prefix(5).joined(separator: ", ") + (list.count > 5 ? " and \(list.count - 5) more" : "")
                return "\(what) of \(shown): \(TerminalText.inline(reason))"
            }
        }

        /// For `--json`: `[{id, name, reason}]`.
        var json: JSON {
            .array(targets.map { .obj(["id": $0.id, "name": .string($0.name), "what": .string(what), "reason": .string($0.reason)]) })
        }

        /// `the keys of 3 of 20 projects could not be read`.
        func summary(of total: Int, _ noun: String) -> String { "\(what) of \(targets.count) of \(total) \(noun) could not be read" }
    }

    /// What of `listings` (one per target) was not read, and why.
    static func unread(_ listings: [Listing?], targets: [JSON], what: String) -> Unread {
        var out = Unread(what: what)
        for (listing, target) in zip(listings, targets) {
            let reason: String
            switch listing {
            case .items?: continue
            case .refused(let r)?:
                reason = r.status == 429 ? "rate limited past --max-wait" : "\(r.status) \(r.error?.message ?? "")"
            case .failed(let f)?:
                reason = f.error == .cancelled ? "not read (interrupted)" : f.description
            case nil:
                reason = Task.isCancelled ? "not read (interrupted)" : "not read (the rate limit stopped the job past --max-wait)"
            }
            out.targets.append((target["name"]?.stringValue ?? target["id"]?.stringValue ?? "?", target["id"] ?? .null, reason))
        }
        return out
    }

    /// Whether the job stopped before reading everything: Ctrl-C, or the rate limit past --max-wait.
    static func incomplete(_ listings: [Listing?]) -> Bool {
        listings.contains { listing in
            guard let listing else { return true }
            if case .refused(let r) = listing { return r.status == 429 }
            return false
        }
    }
}
