import AdmAPI
import Synchronization

/// A response of the sandbox, independent of the HTTP server library.
struct SandboxResponse: Sendable {
    var status: Int
    var headers: [Header]
    var body: [UInt8]
    /// Cut the connection instead of answering (an injected reset).
    var reset = false
}

/// The sandbox's request pipeline: control routes, injected faults, routing by the endpoint
/// catalog (`Invalid URL` otherwise), authorization, the rate limit per key and endpoint,
/// validation, and the operation's handler.
final class Dispatcher: Sendable {
    let store: Store
    let settings: Mutex<SandboxSettings>
    /// What the sandbox started with (a reset returns to it).
    let initialSettings: SandboxSettings
    /// Token buckets by key (or organization) and endpoint.
    let buckets = Mutex<[String: (tokens: Double, last: Double)]>([:])
    let control: ControlAPI
    /// API requests served, being served, and the most ever served at once (`sandbox info`
    /// shows them: a client's concurrency is visible from the server side).
    let served = Atomic<Int>(0)
    let inFlight = Atomic<Int>(0)
    let peakInFlight = Atomic<Int>(0)
    /// Requests refused by the rate limit (429).
    let rateLimited = Atomic<Int>(0)
    /// Writes that changed the organization (a write refused, or invalid, changes nothing):
    /// a rehearsal's tests count that none reached the organization it stands for.
    let writesApplied = Atomic<Int>(0)

    init(store: Store, settings: SandboxSettings, fixtures: FixtureKeyring) {
        self.store = store
        self.settings = Mutex(settings)
        self.initialSettings = settings
        self.control = ControlAPI(store: store, fixtures: fixtures)
    }

    func handle(method: String, target: String, authorization: String?, body: [UInt8]) async -> SandboxResponse {
        let requestID = IDs.request()
        let (path, queryText) = APIPath.split(target)
        if path.hasPrefix("/_sandbox") {
            return await control.handle(method: method, path: path, body: body, dispatcher: self)
        }
        let serving = inFlight.wrappingAdd(1, ordering: .relaxed).newValue
        peakInFlight.max(serving, ordering: .relaxed)
        defer {
            inFlight.wrappingSubtract(1, ordering: .relaxed)
            served.wrappingAdd(1, ordering: .relaxed)
        }
        let current = settings.withLock { $0 }
        if current.faults.latencyMS > 0 {
            try? await Task.sleep(for: .milliseconds(current.faults.latencyMS))
        }
        if current.faults.errorRate > 0, Double.random(in: 0..<1) < current.faults.errorRate {
            return respond(APIFailure.serverError(requestID: requestID), requestID: requestID)
        }
        let resetRoll = Double.random(in: 0..<1)
        let resetBefore = current.faults.resetRate > 0 && resetRoll < current.faults.resetRate / 2
        let resetAfter = current.faults.resetRate > 0 && !resetBefore && resetRoll < current.faults.resetRate
        if resetBefore { return SandboxResponse(status: 500, headers: [], body: [], reset: true) }
        var response = await serve(
            method: method,
            path: path,
            queryText: queryText,
            authorization: authorization,
            body: body,
            requestID: requestID,
            settings: current
        )
        if resetAfter { response.reset = true }
        return response
    }

    private func serve(
        method: String,
        path: String,
        queryText: Substring,
        authorization: String?,
        body: [UInt8],
        requestID: String,
        settings current: SandboxSettings
    ) async -> SandboxResponse {
        guard path.hasPrefix("/v1/"), let verb = HTTPMethod(rawValue: method.uppercased()),
            let match = EndpointCatalog.match(method: verb, path: String(path.dropFirst(3)))
        else {
            return respond(.invalidURL(method.uppercased(), path), requestID: requestID)
        }
        let endpoint = match.endpoint
        let now = UnixTime.now()
        let query = QueryParameters(QueryItem.parse(queryText))
        do throws(APIFailure) {
            let actor = try store.read { (s: inout OrgState) throws(APIFailure) -> Actor in
                try Authorizer.authorize(&s, authorization: authorization, endpoint: endpoint, now: now, knownIssues: current.knownIssues)
            }
            if let rule = current.rateLimit {
                try checkRate(rule.scope == .key ? actor.keyID + " " + endpoint.id : endpoint.id, rule: rule)
            }
            var json: JSON = .null
            if !body.isEmpty, !endpoint.body.isEmpty || verb == .post {
                do { json = try JSON.parse(bytes: body) } catch { throw APIFailure.invalidJSON }
            }
            try Validation.check(endpoint, query: query, body: json)
            guard let handler = Handlers.table[endpoint.id] else {
                throw APIFailure(status: 501, message: "The sandbox does not implement \(endpoint.signature) yet.", type: "server_error")
            }
            var ctx = OpContext(endpoint: endpoint, path: match.parameters, query: query, body: json, actor: actor, now: now, requestID: requestID)
            ctx.knownIssues = current.knownIssues
            let result =
                verb == .get
                ? try store.read { (s: inout OrgState) throws(APIFailure) -> JSON in try handler(&s, ctx) }
                : try await store.write { (s: inout OrgState) throws(APIFailure) -> JSON in
                    let logged = s.table(.auditLog).count
                    let result = try handler(&s, ctx)
                    AuditCoverage.complete(&s, ctx, result: result, logged: logged)
                    return result
                }
            if verb != .get { writesApplied.wrappingAdd(1, ordering: .relaxed) }
            return SandboxResponse(status: 200, headers: headers(requestID), body: result.bytes())
        } catch {
            return respond(error, requestID: requestID)
        }
    }

    func respond(_ failure: APIFailure, requestID: String) -> SandboxResponse {
        SandboxResponse(status: failure.status, headers: headers(requestID) + failure.headers, body: failure.body.bytes())
    }

    private func headers(_ requestID: String) -> [Header] {
        [
            Header("Content-Type", "application/json"), Header("x-request-id", requestID),
            Header("openai-organization", store.organizationID), Header("openai-version", "2020-10-01"),
            Header("openai-processing-ms", "1"),
        ]
    }

    /// Takes a token from `bucket`'s token bucket, or refuses as the live API does.
    private func checkRate(_ bucket: String, rule: RateLimitRule) throws(APIFailure) {
        let now = UnixTime.precise()
        let perSecond = rule.perMinute / 60
        let capacity = Double(rule.burst)
        // nil when granted; else the wait for the next token and the tokens left.
        let refusal: (wait: Double, tokens: Double)? = buckets.withLock { b in
            var entry = b[bucket] ?? (tokens: capacity, last: now)
            entry.tokens = min(capacity, entry.tokens + (now - entry.last) * perSecond)
            entry.last = now
            defer { b[bucket] = entry }
            if entry.tokens >= 1 {
                entry.tokens -= 1
                return nil
            }
            return ((1 - entry.tokens) / perSecond, entry.tokens)
        }
        if let refusal {
            rateLimited.wrappingAdd(1, ordering: .relaxed)
            throw .rateLimited(
                retryAfter: rule.retryAfter ? refusal.wait : nil,
                bucket: rule.rateLimitHeaders ? (rule.burst, Int(refusal.tokens), (capacity - refusal.tokens) / perSecond) : nil
            )
        }
    }
}
