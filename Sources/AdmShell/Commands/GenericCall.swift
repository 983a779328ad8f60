import AdmAPI

/// `call`: reaches every admin operation, by `METHOD PATH` (concrete, or a template whose
/// `{params}` come from `k=v`) or by operation id / SDK method name. A path the catalog does not
/// know is still sent, so the API's own answer (`Invalid URL …`) can be seen.
enum GenericCall {
    static func run(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let first = try shell.text(of: inv.argument(0))
        let body = try bodyFlag(shell, inv)
        if let method = HTTPMethod(rawValue: first.uppercased()) {
            let pathWord = try inv.argument(1)
            let (path, query) = APIPath.split(APIPath.normalize(try shell.text(of: pathWord), base: shell.client.baseURL))
            let rawQuery = QueryItem.parse(query)
            if let match = EndpointCatalog.resolve(method: method, path: path) {
                return try await shell.calls.invoke(
                    match.endpoint,
                    inv,
                    path: match.parameters.mapValues(JSON.string),
                    rawQuery: rawQuery,
                    body: body,
                    list: listing(match.endpoint),
                    sendIncomplete: true
                )
            }
            if path.contains("{") {
                throw .usage("no \(method.rawValue) operation has the path template \(path)", at: pathWord.location)
            }
            return try await raw(shell, inv, method: method, path: path, query: rawQuery, body: body)
        }
        if ["PUT", "PATCH", "HEAD", "OPTIONS"].contains(first.uppercased()) {
            throw .usage("call: the Admin API uses only GET, POST and DELETE (updates are POST)", at: inv.location)
        }
        let endpoint =
            EndpointCatalog.endpoint(id: first)
            ?? EndpointCatalog.all.first(where: { $0.sdkMethod == first || $0.sdkMethod == "admin.organization." + first })
        guard let endpoint else {
            let candidates = EndpointCatalog.all.map(\.id)
            let hint = Suggest.closest(first, among: candidates).map { "; did you mean \($0)?" } ?? ""
            throw .usage("call: '\(first)' is neither GET/POST/DELETE nor an operation id\(hint) (help call lists them)", at: inv.location)
        }
        return try await shell.calls.invoke(endpoint, inv, body: body, list: listing(endpoint), sendIncomplete: true)
    }

    static func listing(_ e: Endpoint) -> Bool { e.method == .get && e.paging.isPaged }

    /// `--body JSON` or `--body @FILE`.
    static func bodyFlag(_ shell: CommandContext, _ inv: Invocation) throws(ShellError) -> JSON? {
        guard let w = inv.args.flagWord("--body") else { return nil }
        if let text = w.literalText, text.hasPrefix("@") {
            let path = String(text.dropFirst())
            let content: String
            do { content = try TextFile.read(path, kind: "JSON file") } catch { throw .environment(error.description) }
            do { return try JSON.parse(content) } catch {
                throw .usage("--body @\(path) is not valid JSON: \(error)", at: w.location)
            }
        }
        let v = try shell.value(of: w)
        if case .string(let s) = v {
            do { return try JSON.parse(s) } catch { throw .usage("--body is not valid JSON: \(error)", at: w.location) }
        }
        return v
    }

    /// A call outside the catalog: pairs become query parameters (GET, DELETE) or body fields.
    static func raw(
        _ shell: CommandContext,
        _ inv: Invocation,
        method: HTTPMethod,
        path: String,
        query rawQuery: [QueryItem],
        body: JSON?
    ) async throws(ShellError) -> Outcome {
        let key = try shell.calls.key(for: inv)
        var query: [QueryItem] = rawQuery
        var fields = body?.objectValue ?? []
        for (name, word) in inv.args.pairs {
            let v = try shell.value(of: word, typed: method == .post)
            if method == .post { fields.append(JSON.Member(name, v)) } else { query += QueryItem.items(name: name, value: v) }
        }
        let call = Call(
            endpoint: nil,
            method: method,
            path: path,
            query: query,
            body: method == .post ? (body != nil && fields.isEmpty ? body : .object(fields)) : nil
        )
        let result = try await shell.calls.require(call, key: key, statement: inv.statement.source)
        return .value(result.json ?? .null, calls: [result])
    }
}
