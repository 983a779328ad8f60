import AdmAPI

/// Reads the organization through the API for the organization-wide jobs: every page of a
/// listing (the largest pages the endpoint allows), or one listing per target (every project's
/// keys) in parallel, each endpoint at the pace its rate limit allows, with the estimate and
/// progress of long work. What could not be read is reported per target, never silently left
/// out; Ctrl-C stops it with what was read.
struct OrgReader {
    let shell: Interpreter
    let key: SessionKey
    let inv: Invocation

    init(_ shell: Interpreter, _ inv: Invocation) throws(ShellError) {
        self.shell = shell
        self.inv = inv
        self.key = try shell.calls.key(for: inv)
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

    /// Every item of the operation `id`'s listing; a refusal is thrown (with its explanation).
    func all(_ id: String, path: [String: String] = [:], query: [QueryItem] = []) async throws(ShellError) -> [JSON] {
        let endpoint = EndpointCatalog.endpoint(id: id)!
        let listing = await Self.read(endpoint, path: path, query: query, client: shell.client, key: key.secret)
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

    /// One listing of operation `id` per target (its path parameters), `--concurrency` at a
    /// time; nil for a target not read (Ctrl-C, or the rate limit stopped the job).
    func each(_ id: String, targets: [[String: String]], query: [QueryItem] = []) async -> [Listing?] {
        let endpoint = EndpointCatalog.endpoint(id: id)!
        let client = shell.client
        let secret = key.secret
        guard let first = targets.first else { return [] }
        let progress = BulkProgress(
            console: shell.console,
            scheduler: client.scheduler,
            bucket: client.bucket(for: Call(endpoint, pathParameters: first, query: query), key: secret),
            total: targets.count
        )
        let results = await runBounded(
            count: targets.count,
            concurrency: shell.configuration.concurrency,
            progress: progress,
            stop: { listing in if case .refused(let r) = listing { return r.status == 429 } else { return false } },
            work: { index in await Self.read(endpoint, path: targets[index], query: query, client: client, key: secret) }
        )
        return results.map { listing in
            if case .failed(let f)? = listing, f.error == .cancelled { return nil }
            return listing
        }
    }

    /// One read per request (operation id and path parameters), all in one pool: requests to
    /// different endpoints go side by side, each endpoint at its own pace, so the whole takes
    /// about as long as its busiest endpoint. Give the requests interleaved by endpoint.
    func many(_ requests: [(id: String, path: [String: String])], concurrency: Int) async -> [Listing?] {
        guard !requests.isEmpty else { return [] }
        let client = shell.client
        let secret = key.secret
        let endpoints = requests.map { EndpointCatalog.endpoint(id: $0.id)! }
        var buckets: [RateLimitScheduler.Bucket] = []
        for (endpoint, request) in zip(endpoints, requests) {
            let bucket = client.bucket(for: Call(endpoint, pathParameters: request.path), key: secret)
            if !buckets.contains(bucket) { buckets.append(bucket) }
        }
        let progress = BulkProgress(console: shell.console, scheduler: client.scheduler, buckets: buckets, total: requests.count)
        let results = await runBounded(
            count: requests.count,
            concurrency: concurrency,
            progress: progress,
            stop: { (listing: Listing) in if case .refused(let r) = listing { return r.status == 429 } else { return false } },
            work: { index -> Listing in await Self.read(endpoints[index], path: requests[index].path, query: [], client: client, key: secret) }
        )
        return results.map { listing in
            if case .failed(let f)? = listing, f.error == .cancelled { return nil }
            return listing
        }
    }

    /// Every page of one listing, one after another; a single object (a setting) as one item.
    static func read(_ endpoint: Endpoint, path: [String: String], query: [QueryItem], client: AdminClient, key: Secret) async -> Listing {
        var call = Call(endpoint, pathParameters: path, query: query)
        guard endpoint.paging.isPaged else {
            do {
                let r = try await client.send(call, key: key)
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
            do { result = try await client.send(call, key: key) } catch { return .failed(error) }
            guard result.isSuccess, let json = result.json else { return .refused(result) }
            organization = organization ?? result.response.header("openai-organization")
            let page = json["data"]?.arrayValue ?? []
            items += page
            guard json["has_more"]?.boolValue == true, let next = CallRunner.nextPage(endpoint, json, page) else { break }
            call = call.with(query: endpoint.paging == .usagePage ? "page" : "after", next)
        }
        return .items(items, organization: organization)
    }

    /// A line on standard error for each target that could not be read.
    func warnUnread(_ listings: [Listing?], names: [String], what: String) {
        for (listing, name) in zip(listings, names) {
            switch listing {
            case .refused(let r)?:
                shell.warn(
                    shell.style.yellow(
                        "warning: \(what) of \(Cells.inline(name)) could not be read: \(r.status) \(Cells.inline(r.error?.message ?? ""))"
                    )
                )
            case .failed(let f)?:
                shell.warn(shell.style.yellow("warning: \(what) of \(Cells.inline(name)) could not be read: \(f.description)"))
            default:
                continue
            }
        }
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
