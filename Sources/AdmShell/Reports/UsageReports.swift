import AdmAPI

/// `costs` and `usage`: every page of the buckets in a range, grouped with the API's
/// `group_by`, named (projects; keys through their projects' listings, service accounts
/// included), and shown as a table with bars, a share and a total — or as CSV and JSON.
enum UsageReports {
    static let rangeFlags = [
        FlagSpec("--days", Ranges.days, "the last N daily buckets, today's included (default 7)").excluding("--since"),
        FlagSpec("--since", value: true, "the first day, YYYY-MM-DD (UTC)").named("DATE"),
        FlagSpec("--until", value: true, "the last day, YYYY-MM-DD (UTC)").named("DATE").requiring("--since"),
        FlagSpec("--project", value: true, "only these projects (ids or names, comma-separated)", completion: .named("project")),
    ]

    static let costsSpec = CommandSpec(
        name: "costs",
        group: .reports,
        summary: "costs in a range, by project, line item, key or day: a table with bars, shares and a total",
        example: "costs --days 30 --by project",
        endpoints: [.usageCosts, .listProjects, .listProjectApiKeys],
        flags: Flags.output + Flags.key + rangeFlags + [
            FlagSpec(
                "--by",
                value: true,
                "project, line_item, api_key or day (default day)",
                completion: .choices(["project", "line_item", "api_key", "day"])
            )
        ],
        run: { shell, inv throws(ShellError) in try await costs(shell, inv) }
    )

    static let usageSpec = CommandSpec(
        name: "usage",
        group: .reports,
        summary: "usage of a kind (default completions) in a range, by model, project, key, day, …",
        example: "usage completions --days 7 --by model",
        endpoints: UsageKinds.endpoints,
        flags: Flags.output + Flags.key + rangeFlags + [
            FlagSpec(
                "--by",
                value: true,
                "model, project, api_key, user, day, or another grouping the endpoint has (default day)",
                completion: .choices(["model", "project", "api_key", "user", "day", "batch", "service_tier"])
            ).named("GROUPING")
        ],
        arguments: [ArgumentSpec("KIND", optional: true, completion: .choices(UsageKinds.names))],
        run: { shell, inv throws(ShellError) in try await usage(shell, inv) }
    )

    /// `--by` words and the API's `group_by` fields.
    static let groupings: [String: String] = [
        "project": "project_id", "api_key": "api_key_id", "key": "api_key_id", "user": "user_id", "model": "model", "line_item": "line_item",
        "batch": "batch", "service_tier": "service_tier", "size": "size", "source": "source", "context_level": "context_level",
        "vector_store": "vector_store_id",
    ]

    // MARK: Costs

    static func costs(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let reading = try await read(shell, inv, endpoint: Endpoint.usageCosts)
        let results = reading.buckets.flatMap { $0["results"]?.arrayValue ?? [] }
        let currency = results.lazy.compactMap { $0["amount"]?["currency"]?.stringValue }.first ?? "usd"
        return try await report(
            reading,
            title: "Costs",
            measures: [.init(header: "AMOUNT", key: "amount", money: true)],
            main: [0],
            currency: currency,
            values: { [amountCents($0["amount"]?["value"])] },
            shell: shell,
            inv: inv,
            extra: [JSON.Member("object", "costs")]
        )
    }

    /// `amount.value` in cents, whether the API sent a number or a string (both are seen, §11).
    static func amountCents(_ value: JSON?) -> Double {
        switch value {
        case .int(let i)?: return Double(i * 100)
        case .double(let d)?: return (d * 100).rounded()
        case .string(let s)?: return ((Double(s.trimmingCharacters(in: " ")) ?? 0) * 100).rounded()
        default: return 0
        }
    }

    // MARK: Usage

    static func usage(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let kind = try inv.optionalArgument(0).map { w throws(ShellError) in try shell.text(of: w) } ?? "completions"
        guard let endpoint = UsageKinds.endpoint(kind) else {
            throw .usage("usage: unknown kind '\(kind)' (\(UsageKinds.names.joined(separator: ", ")))", at: inv.location)
        }
        let reading = try await read(shell, inv, endpoint: endpoint)
        // The measures: the numbers the results carry, in their order.
        var measures: [String] = []
        for result in reading.buckets.flatMap({ $0["results"]?.arrayValue ?? [] }) {
            for m in result.objectValue ?? [] where m.value.intValue != nil && !measures.contains(m.key) && !groupings.values.contains(m.key) {
                measures.append(m.key)
            }
        }
        // The bar follows the main measure: tokens in and out where there are tokens.
        let main = ["input_tokens", "output_tokens"].compactMap { measures.firstIndex(of: $0) }
        return try await report(
            reading,
            title: "Usage: \(kind.replacing("-", with: "_"))",
            measures: measures.map { .init(header: header($0), key: $0) },
            main: main.isEmpty ? (measures.isEmpty ? [] : [0]) : main,
            currency: "",
            values: { result in measures.map { Double(result[$0]?.intValue ?? 0) } },
            shell: shell,
            inv: inv,
            extra: [JSON.Member("object", "usage"), JSON.Member("kind", .string(kind))]
        )
    }

    // MARK: The pipeline both share

    /// What a report read: its range, its grouping, and every bucket of every page.
    struct Reading {
        let range: ReportRange
        let by: (word: String, field: String?, header: String)
        let reader: OrgReader
        let buckets: [JSON]
    }

    /// Reads every page of `endpoint`'s buckets over the range, grouped by `--by` with the API's
    /// `group_by` (keys with their projects, which name them), filtered by `--project`.
    static func read(_ shell: CommandContext, _ inv: Invocation, endpoint: Endpoint) async throws(ShellError) -> Reading {
        let range = try ReportRange.parse(shell, inv)
        let reader = try OrgReader(shell, inv)
        let by = try grouping(shell, inv, allowed: endpoint)
        var query = range.query + (try await projectFilter(shell, inv, reader))
        if let field = by.field {
            query += QueryItem.items(name: "group_by", value: .array(([field] + (field == "api_key_id" ? ["project_id"] : [])).map(JSON.string)))
        }
        return Reading(range: range, by: by, reader: reader, buckets: try await reader.all(endpoint, query: query))
    }

    /// Sums each result's `values` by day, or by group with names, and shows the report.
    static func report(
        _ reading: Reading,
        title: String,
        measures: [GroupedReport.Measure],
        main: [Int],
        currency: String,
        values: (JSON) -> [Double],
        shell: CommandContext,
        inv: Invocation,
        extra: [JSON.Member]
    ) async throws(ShellError) -> Outcome {
        let (range, by) = (reading.range, reading.by)
        let zero = [Double](repeating: 0, count: measures.count)
        var groups: [String: (project: String?, values: [Double])] = [:]
        var days: [GroupedReport.Row] = []
        for bucket in reading.buckets {
            guard let start = bucket["start_time"]?.intValue else { continue }
            var day = zero
            for result in bucket["results"]?.arrayValue ?? [] {
                let figures = values(result)
                for i in figures.indices { day[i] += figures[i] }
                if let field = by.field {
                    let key = result[field].flatMap { $0.isNull ? nil : $0.stringValue ?? $0.serialized() } ?? ""
                    var g = groups[key, default: (result["project_id"]?.stringValue, zero)]
                    for i in figures.indices { g.values[i] += figures[i] }
                    groups[key] = g
                }
            }
            days.append(GroupedReport.Row(id: nil, name: dayLabel(start), values: day, day: start, incomplete: range.incomplete(start)))
        }
        let rows: [GroupedReport.Row]
        if let field = by.field {
            rows = try await named(groups.map { ($0.key, $0.value.project, $0.value.values) }, field: field, reader: reading.reader, shell: shell)
        } else {
            rows = days
        }
        let report = GroupedReport(
            title: "\(title) \(range.description)" + (by.field == nil ? "" : ", by \(by.word)"),
            groupHeader: by.header,
            groupKey: by.field ?? "date",
            measures: measures,
            main: main,
            rows: rows,
            currency: currency,
            byDay: by.field == nil
        )
        return show(
            report,
            shell: shell,
            inv: inv,
            extra: extra + [
                JSON.Member("by", .string(by.word)), JSON.Member("start_time", .int(range.start)),
                JSON.Member("end_time", range.end.map(JSON.int) ?? .null),
            ]
        )
    }

    /// `input_tokens` → `INPUT TOKENS`, shorter where it is long.
    static func header(_ metric: String) -> String {
        let short = [
            "num_model_requests": "REQUESTS", "input_cached_tokens": "CACHED", "input_audio_tokens": "AUDIO IN", "output_audio_tokens": "AUDIO OUT",
            "input_tokens": "INPUT", "output_tokens": "OUTPUT", "num_requests": "CALLS", "num_sessions": "SESSIONS", "usage_bytes": "BYTES",
        ]
        return short[metric] ?? metric.uppercased().replacing("_", with: " ")
    }

    // MARK: Shared

    /// `--by`: its word, the `group_by` field (nil: by day), and the column header.
    static func grouping(
        _ shell: CommandContext,
        _ inv: Invocation,
        allowed endpoint: Endpoint
    ) throws(ShellError) -> (word: String, field: String?, header: String) {
        guard let w = inv.args.flagWord("--by") else { return ("day", nil, "DAY") }
        let word = try shell.text(of: w)
        if word == "day" { return ("day", nil, "DAY") }
        let options = groupByOptions(endpoint)
        guard let field = groupings[word] ?? (options.contains(word) ? word : nil), options.contains(field) else {
            let words = ["day"] + groupings.filter { options.contains($0.value) && $0.key != "key" }.map(\.key).sorted()
            let hint = Suggest.closest(word, among: words).map { "; did you mean \($0)?" } ?? ""
            throw .usage("--by: \(endpoint.id) groups by \(words.joined(separator: ", ")), not '\(word)'\(hint)", at: w.location)
        }
        return (word, field, word.uppercased().replacing("_", with: " "))
    }

    /// The `group_by` values an endpoint takes (from the catalog).
    static func groupByOptions(_ endpoint: Endpoint) -> [String] {
        guard let field = endpoint.query.first(where: { $0.baseName == "group_by" }), case .array(.oneOf(let values)) = field.type else { return [] }
        return values
    }

    /// `--project` as `project_ids[]`: ids as they are, names looked up (an unknown or
    /// ambiguous name is an error naming it).
    static func projectFilter(_ shell: CommandContext, _ inv: Invocation, _ reader: OrgReader) async throws(ShellError) -> [QueryItem] {
        guard let w = inv.args.flagWord("--project") else { return [] }
        let value = try shell.value(of: w)
        let given = value.arrayValue?.map(Interpreter.stringify) ?? Interpreter.stringify(value).split(separator: ",").map(String.init)
        var ids: [String] = []
        for item in given.map({ $0.trimmingCharacters(in: " ") }) where !item.isEmpty {
            if item.hasPrefix("proj_") {
                ids.append(item)
                continue
            }
            let found = try await shell.session.names.projectIDs(named: item, reader: reader)
            ids.append(
                try CommandContext.oneMatch(
                    found,
                    named: item,
                    among: "projects",
                    give: "the id",
                    at: w.location,
                    context: "--project: ",
                    none: "no project is called '\(Cells.inline(item))'"
                )
            )
        }
        return QueryItem.items(name: "project_ids", value: .array(ids.map(JSON.string)))
    }

    /// Rows for grouped figures, with names: projects, keys (via their projects), users.
    static func named(
        _ groups: [(id: String, project: String?, values: [Double])],
        field: String,
        reader: OrgReader,
        shell: CommandContext
    ) async throws(ShellError) -> [GroupedReport.Row] {
        let names = shell.session.names
        if field == "api_key_id" { try await names.loadKeys(of: Array(Set(groups.compactMap(\.project))).sorted(), reader: reader) }
        var rows: [GroupedReport.Row] = []
        for g in groups {
            var name: String?
            switch field {
            case "project_id": name = g.id.isEmpty ? nil : try await names.project(g.id, reader: reader)
            case "api_key_id": name = g.id.isEmpty ? nil : names.key(g.id, project: g.project)
            case "user_id": name = g.id.isEmpty ? nil : try await names.user(g.id, reader: reader)
            default: name = g.id
            }
            let unattributed = g.id.isEmpty
            rows.append(
                GroupedReport.Row(
                    id: unattributed ? nil : g.id,
                    name: name ?? (unattributed ? "(no \(field.replacing("_id", with: "").replacing("_", with: " ")))" : g.id),
                    named: name != nil || unattributed,
                    values: g.values
                )
            )
        }
        return rows
    }

    /// `2026-11-30 Mon`.
    static func dayLabel(_ t: Int) -> String { String(UnixTime.iso8601(t).prefix(10)) + " " + UnixTime.weekday(t) }

    /// The report as a table, CSV or JSON.
    static func show(_ report: GroupedReport, shell: CommandContext, inv: Invocation, extra: [JSON.Member]) -> Outcome {
        let value = report.json(extra: extra)
        switch inv.output {
        case .auto where inv.showsTables:
            let bars = Bars(unicode: Bars.localeIsUTF8(FileMode.environment))
            for line in report.lines(style: shell.style, bars: bars, width: shell.configuration.width) { shell.say(line) }
            return .printed(value)
        case .csv:
            shell.console.exact(report.csv())
            return .printed(value)
        default:
            return .value(value)
        }
    }
}
