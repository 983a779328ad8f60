import AdmAPI

/// `call`: reaches every admin operation, by `METHOD PATH` (concrete, or a template whose
/// `{params}` come from `k=v`) or by operation id / SDK method name. A path the catalog does not
/// know is still sent, so the API's own answer (`Invalid URL …`) can be seen.
enum GenericCall {
    static func run(_ shell: Interpreter, _ inv: Invocation) async throws(ShellError) -> JSON? {
        let first = try shell.text(of: shell.positional(inv, 0, "METHOD PATH or OPERATION_ID"))
        let body = try bodyFlag(shell, inv)
        if let method = HTTPMethod(rawValue: first.uppercased()) {
            let pathWord = try shell.positional(inv, 1, "PATH")
            var path = normalize(try shell.text(of: pathWord), base: shell.client.baseURL)
            var rawQuery: [QueryItem] = []
            if let q = path.firstIndex(of: "?") {
                rawQuery = QueryItem.parse(path[path.index(after: q)...])
                path = String(path[..<q])
            }
            if path.contains("{") {
                guard let endpoint = EndpointCatalog.all.first(where: { $0.method == method && $0.path == path }) else {
                    throw .usage("no \(method.rawValue) operation has the path template \(path)", at: pathWord.location)
                }
                return try await shell.invoke(endpoint, inv, rawQuery: rawQuery, body: body, list: listing(endpoint))
            }
            if let match = EndpointCatalog.match(method: method, path: path) {
                return try await shell.invoke(match.endpoint, inv, path: match.parameters.mapValues(JSON.string), rawQuery: rawQuery, body: body,
                                              list: listing(match.endpoint))
            }
            return try await raw(shell, inv, method: method, path: path, query: rawQuery, body: body)
        }
        if ["PUT", "PATCH", "HEAD", "OPTIONS"].contains(first.uppercased()) {
            throw .usage("call: the Admin API uses only GET, POST and DELETE (updates are POST)", at: inv.location)
        }
        let endpoint = EndpointCatalog.endpoint(id: first)
            ?? EndpointCatalog.all.first(where: { $0.sdkMethod == first || $0.sdkMethod == "admin.organization." + first })
        guard let endpoint else {
            let candidates = EndpointCatalog.all.map(\.id)
            let hint = Suggest.closest(first, among: candidates).map { "; did you mean \($0)?" } ?? ""
            throw .usage("call: '\(first)' is neither GET/POST/DELETE nor an operation id\(hint) (help call lists them)", at: inv.location)
        }
        return try await shell.invoke(endpoint, inv, body: body, list: listing(endpoint))
    }

    static func listing(_ e: Endpoint) -> Bool { e.method == .get && e.paging.isPaged }

    /// `/v1/organization/x`, `https://api.openai.com/v1/organization/x` and `organization/x`
    /// all become `/organization/x`.
    static func normalize(_ path: String, base: String) -> String {
        var p = path
        if p.hasPrefix(base) { p.removeFirst(base.count) }
        if let r = p.firstRange(of: "://") {
            let afterScheme = p[r.upperBound...]
            p = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? "/"
        }
        if !p.hasPrefix("/") { p = "/" + p }
        if p.hasPrefix("/v1/") { p.removeFirst(3) }
        return p
    }

    /// `--body JSON` or `--body @FILE`.
    static func bodyFlag(_ shell: Interpreter, _ inv: Invocation) throws(ShellError) -> JSON? {
        guard let w = inv.args.flagWord("--body") else { return nil }
        if let text = w.literalText, text.hasPrefix("@") {
            let path = String(text.dropFirst())
            let content: String
            do { content = try FileMode.read(path) } catch { throw .environment("--body: \(error)") }
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
    static func raw(_ shell: Interpreter, _ inv: Invocation, method: HTTPMethod, path: String, query rawQuery: [QueryItem], body: JSON?) async throws(ShellError) -> JSON? {
        let key = try shell.selectedKey(inv)
        var query: [QueryItem] = rawQuery
        var fields = body?.objectValue ?? []
        for (name, word) in inv.args.pairs {
            let v = try shell.value(of: word, typed: method == .post)
            if method == .post { fields.append(JSON.Member(name, v)) } else { query += QueryItem.items(name: name, value: v) }
        }
        let call = Call(endpoint: nil, method: method, path: path, query: query,
                        body: method == .post ? (body != nil && fields.isEmpty ? body : .object(fields)) : nil)
        let result = try await shell.send(call, key: key, inv: inv)
        return result.isSuccess ? (result.json ?? .null) : nil
    }
}
