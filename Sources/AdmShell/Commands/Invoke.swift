import AdmAPI

/// Operations from arguments: a catalog operation, its path parameters, query and body filled
/// from the statement.
extension CallRunner {
    /// Calls the catalog operation `endpoint`. Path parameters come from `path`, then from `k=v`
    /// pairs, then from the active project; the remaining pairs become query parameters (GET,
    /// DELETE) or body fields (POST), typed by the catalog. A list value for a path parameter
    /// fans out: one call per element, `--concurrency` at a time.
    ///
    /// `rawQuery`: query items written into a path (`call GET /x?limit=1`), kept as they are.
    /// `sendIncomplete`: send a body that lacks a field the catalog requires (`call`, which
    /// shows the API's own answer); other commands say what is missing without a call — a
    /// paced call spent on a certain 400 is a turn lost under the rate limit.
    func invoke(
        _ endpoint: Endpoint,
        _ inv: Invocation,
        path: [String: JSON] = [:],
        query: [String: JSON] = [:],
        rawQuery: [QueryItem] = [],
        body: JSON? = nil,
        usePairs: Bool = true,
        list: Bool = false,
        sendIncomplete: Bool = false
    ) async throws(ShellError) -> Outcome {
        let key = try self.key(for: inv)
        var pathValues = path
        var queryItems: [QueryItem] = rawQuery
        var bodyFields: [JSON.Member] = body?.objectValue ?? []
        for (name, v) in query { queryItems += QueryItem.items(name: name, value: v) }
        if usePairs {
            for (name, word) in inv.args.pairs {
                if endpoint.pathParameters.contains(name) {
                    pathValues[name] = try shell.value(of: word, typed: false)
                    continue
                }
                guard let field = endpoint.field(named: name) else {
                    let names = (endpoint.query + endpoint.body).map(\.baseName)
                    let hint = Suggest.closest(name, among: names).map { "; did you mean \($0)?" } ?? ""
                    throw .usage(
                        "\(endpoint.id) has no field '\(name)'" + (names.isEmpty ? "" : " (fields: \(names.joined(separator: ", ")))") + hint,
                        at: word.location
                    )
                }
                let v = try typed(word, as: field)
                if endpoint.body.contains(where: { $0.name == field.name }) {
                    bodyFields.removeAll { $0.key == field.name }
                    bodyFields.append(JSON.Member(field.name, v))
                } else {
                    queryItems.removeAll { $0.name == field.baseName || $0.name == field.baseName + "[]" }
                    queryItems += QueryItem.items(name: field.name, value: v)
                }
            }
        }
        if list {
            if let limit = try inv.integer("--limit") { queryItems.append(QueryItem("limit", String(limit))) }
            if let after = inv.args.flagWord("--after") {
                queryItems.append(QueryItem(endpoint.paging == .usagePage ? "page" : "after", try shell.text(of: after)))
            }
        }
        for p in endpoint.pathParameters where pathValues[p] == nil {
            if p == "project_id", let active = session.activeProject {
                pathValues[p] = .string(active)
            } else {
                throw .usage(
                    "\(endpoint.id) needs \(p): give \(p)=…" + (p == "project_id" ? ", --project ID, or `use project ID`" : ""),
                    at: inv.location
                )
            }
        }
        if endpoint.method == .post, !sendIncomplete {
            let missing = endpoint.body.filter { field in field.required && !bodyFields.contains { $0.key == field.name } }.map(\.name)
            if let first = missing.first {
                throw .usage("\(inv.spec.name) needs \(missing.joined(separator: ", ")): give \(first)=…", at: inv.location)
            }
        }
        let bodyJSON: JSON? =
            endpoint.method == .post ? (bodyFields.isEmpty && body == nil ? (endpoint.body.isEmpty ? nil : .object([])) : .object(bodyFields)) : nil
        let concurrency =
            try inv.integer("--concurrency").map { n throws(ShellError) -> Int in
                guard n <= shell.configuration.maxConcurrency else {
                    throw .usage(
                        "--concurrency is at most \(shell.configuration.maxConcurrency) (start adm with --concurrency \(n) for more)",
                        at: inv.args.flagWord("--concurrency")?.location
                    )
                }
                return n
            } ?? shell.configuration.concurrency
        // Fan out over list-valued path parameters.
        let listParams = pathValues.filter { if case .array = $0.value { return true } else { return false } }
        if let (name, values) = listParams.first.map({ ($0.key, $0.value.arrayValue ?? []) }) {
            let calls = values.map { v -> Call in
                var p = pathValues.mapValues(Interpreter.stringify)
                p[name] = Interpreter.stringify(v)
                return Call(endpoint, pathParameters: p, query: queryItems, body: bodyJSON)
            }
            return try await fanOut(calls, values: values, parameter: name, key: key, inv: inv, concurrency: concurrency)
        }
        // Nothing fans out: a concurrency would do nothing.
        if let word = inv.args.flagWord("--concurrency") {
            throw .usage("--concurrency applies when an argument is a list (a fan-out); here there is one call", at: word.location)
        }
        let call = Call(endpoint, pathParameters: pathValues.mapValues(Interpreter.stringify), query: queryItems, body: bodyJSON)
        if list {
            return try await self.list(endpoint, call: call, key: key, inv: inv, all: inv.args.has("--all"), printer: shell.pagePrinter(for: inv))
        }
        let result = try await require(call, key: key, statement: inv.statement.source)
        return .value(result.json ?? .obj([:]), calls: [result])
    }

    /// A `k=v` value typed by the catalog field it fills.
    func typed(_ word: Word, as field: Field) throws(ShellError) -> JSON {
        let v = try shell.value(of: word, typed: false)
        do {
            return try Self.coerce(v, to: field.type, name: field.name)
        } catch {
            throw .usage(error.description, at: word.location)
        }
    }

    /// A `k=v` value that does not fit the field's type in the catalog.
    struct CoercionError: Error, CustomStringConvertible { let description: String }

    static func coerce(_ v: JSON, to type: FieldType, name: String) throws(CoercionError) -> JSON {
        switch (type, v) {
        case (.string, .string), (.oneOf, .string):
            if case .oneOf(let allowed) = type, case .string(let s) = v, !allowed.contains(s) {
                throw CoercionError(description: "\(name) must be one of \(allowed.joined(separator: ", ")); got '\(s)'")
            }
            return v
        case (.string, _): return .string(Interpreter.stringify(v))
        case (.integer, .string(let s)):
            guard let i = Int(s) else { throw CoercionError(description: "\(name) expects an integer, got '\(s)'") }
            return .int(i)
        case (.number, .string(let s)):
            guard let d = Double(s) else { throw CoercionError(description: "\(name) expects a number, got '\(s)'") }
            return d.rounded() == d && abs(d) < 1e15 ? .int(Int(d)) : .double(d)
        case (.boolean, .string(let s)):
            switch s.lowercased() {
            case "true", "yes", "1", "on": return .bool(true)
            case "false", "no", "0", "off": return .bool(false)
            default: throw CoercionError(description: "\(name) expects true or false, got '\(s)'")
            }
        case (.array(let element), .string(let s)):
            if s.isEmpty { return .array([]) }
            return .array(
                try s.split(separator: ",").map { part throws(CoercionError) -> JSON in
                    try coerce(.string(String(part)), to: element, name: name)
                }
            )
        case (.object, .string(let s)):
            do { return try JSON.parse(s) } catch { throw CoercionError(description: "\(name) expects a JSON object: \(error)") }
        default:
            return v
        }
    }
}
