import AdmAPI

/// Usage and costs: time buckets over the organization's own usage (`UsageModel`), with
/// `bucket_width`, `limit` caps per width, `group_by`, filters and `page` cursors.
enum UsageHandlers {
    /// Where a fact comes from: a key's id (or `unattributed`), the day, and who it belongs to.
    struct Source {
        let seed: String
        let day: Int
        let project: String
        let key: String?
        let user: String?
        /// The share of the day's usage in the bucket.
        let share: Double

        /// The dimensions every fact of this source carries.
        var base: [String: JSON] {
            ["project_id": .string(project), "api_key_id": key.map(JSON.string) ?? .null, "user_id": user.map(JSON.string) ?? .null]
        }

        /// A generator fixed by the source, `what` and the day.
        func rolls(_ what: String) -> SeededGenerator { SeededGenerator(seed: SeededGenerator.hash("\(seed)|\(what)|\(day)")) }

        /// A generator fixed by the source and `what` only (the same every day: a key's habits).
        func habit(_ what: String) -> SeededGenerator { SeededGenerator(seed: SeededGenerator.hash("\(seed)|\(what)")) }

        /// `n` scaled to the bucket.
        func scaled(_ n: Int) -> Int { Int((Double(n) * share).rounded(.down)) }
    }

    /// One usage endpoint: its result object, measures, the fields a result may be grouped by,
    /// and how a source's usage of it looks.
    struct Kind: Sendable {
        let path: String
        let object: String
        let metrics: [String]
        let dimensions: [String]
        /// Percent of keys that use it.
        let users: Int
        let generate: @Sendable (Source) -> [UsageModel.Fact]

        func facts(seed: String, day: Int, project: String, key: String?, user: String?, share: Double) -> [UsageModel.Fact] {
            let source = Source(seed: seed, day: day, project: project, key: key, user: user, share: share)
            var habit = source.habit(path)
            guard habit.pick(0...99) < users else { return [] }
            return generate(source)
        }
    }

    static let chatModels = ["gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18"]
    /// Dollars per unit (per token, image, character, second, call).
    static let prices: [String: Double] = [
        "gpt-4o-2024-08-06, input": 2.50 / 1e6, "gpt-4o-2024-08-06, output": 10 / 1e6,
        "gpt-4o-mini-2024-07-18, input": 0.15 / 1e6, "gpt-4o-mini-2024-07-18, output": 0.60 / 1e6,
        "text-embedding-3-small": 0.02 / 1e6, "dall-e-3": 0.04, "tts-1": 15 / 1e6, "whisper-1": 0.0001, "web search tool calls": 0.025,
    ]

    /// The chat usage of a source: per model, requests and tokens (also what costs price).
    static func chat(_ s: Source) -> [(model: String, requests: Int, input: Int, output: Int, cached: Int, batch: Bool, tier: String)] {
        var habit = s.habit("chat")
        let models = habit.chance(0.4) ? chatModels : [habit.element(chatModels)]
        let batch = habit.chance(0.1)
        let tier = habit.chance(0.15) ? "flex" : "default"
        return models.map { model in
            var r = s.rolls("chat|" + model)
            let requests = s.scaled(r.pick(20...2000))
            let input = requests * r.pick(200...1200)
            return (model, requests, input, requests * r.pick(40...400), input * r.pick(0...35) / 100, batch, tier)
        }
    }

    static func simple(_ s: Source, what: String, model: String, units: ClosedRange<Int>, perRequest: ClosedRange<Int>) -> (units: Int, requests: Int)
    {
        var r = s.rolls(what)
        let requests = s.scaled(r.pick(perRequest))
        return (requests * r.pick(units), requests)
    }

    /// A usage endpoint of one model, measured in one unit besides requests (embeddings,
    /// moderations, speech, transcriptions); `rolls` names its dice.
    static func oneModel(
        _ path: String,
        metric: String,
        model: String,
        users: Int,
        units: ClosedRange<Int>,
        perRequest: ClosedRange<Int>,
        rolls: String
    ) -> Kind {
        Kind(
            path: path,
            object: "organization.usage.\(path).result",
            metrics: [metric, "num_model_requests"],
            dimensions: ["project_id", "user_id", "api_key_id", "model"],
            users: users
        ) { s in
            let (n, requests) = simple(s, what: rolls, model: model, units: units, perRequest: perRequest)
            return [fact(s, ["model": .string(model)], [(metric, n), ("num_model_requests", requests)])]
        }
    }

    static func fact(_ s: Source, _ extra: [String: JSON], _ metrics: [(String, Int)]) -> UsageModel.Fact {
        UsageModel.Fact(dimensions: s.base.merging(extra) { _, new in new }, metrics: metrics)
    }

    static let kinds: [Endpoint: Kind] = {
        let list: [(Endpoint, Kind)] = [
            (
                .usageCompletions,
                Kind(
                    path: "completions",
                    object: "organization.usage.completions.result",
                    metrics: [
                        "input_tokens", "output_tokens", "input_cached_tokens", "input_audio_tokens", "output_audio_tokens", "num_model_requests",
                    ],
                    dimensions: ["project_id", "user_id", "api_key_id", "model", "batch", "service_tier"],
                    users: 85
                ) { s in
                    chat(s).map { c in
                        fact(
                            s,
                            ["model": .string(c.model), "batch": .bool(c.batch), "service_tier": .string(c.tier)],
                            [
                                ("input_tokens", c.input), ("output_tokens", c.output), ("input_cached_tokens", c.cached), ("input_audio_tokens", 0),
                                ("output_audio_tokens", 0), ("num_model_requests", c.requests),
                            ]
                        )
                    }
                }
            ),
            (
                .usageDecisions,
                Kind(
                    path: "decisions",
                    object: "organization.usage.decisions.result",
                    metrics: ["input_tokens", "output_tokens", "num_model_requests"],
                    dimensions: ["project_id", "user_id", "api_key_id", "model"],
                    users: 10
                ) { s in
                    let (tokens, requests) = simple(s, what: "decisions", model: "gpt-4o-mini-2024-07-18", units: 300...900, perRequest: 5...200)
                    return [
                        fact(
                            s,
                            ["model": "gpt-4o-mini-2024-07-18"],
                            [("input_tokens", tokens), ("output_tokens", tokens / 8), ("num_model_requests", requests)]
                        )
                    ]
                }
            ),
            (
                .usageEmbeddings,
                oneModel(
                    "embeddings",
                    metric: "input_tokens",
                    model: "text-embedding-3-small",
                    users: 30,
                    units: 100...800,
                    perRequest: 50...3000,
                    rolls: "embeddings"
                )
            ),
            (
                .usageModerations,
                oneModel(
                    "moderations",
                    metric: "input_tokens",
                    model: "omni-moderation-latest",
                    users: 20,
                    units: 50...400,
                    perRequest: 10...800,
                    rolls: "moderations"
                )
            ),
            (
                .usageImages,
                Kind(
                    path: "images",
                    object: "organization.usage.images.result",
                    metrics: ["images", "num_model_requests"],
                    dimensions: ["project_id", "user_id", "api_key_id", "model", "size", "source"],
                    users: 10
                ) { s in
                    let (images, requests) = simple(s, what: "images", model: "dall-e-3", units: 1...2, perRequest: 1...60)
                    return [
                        fact(
                            s,
                            ["model": "dall-e-3", "size": "1024x1024", "source": "image.generation"],
                            [("images", images), ("num_model_requests", requests)]
                        )
                    ]
                }
            ),
            (
                .usageAudioSpeeches,
                oneModel("audio_speeches", metric: "characters", model: "tts-1", users: 8, units: 100...2000, perRequest: 1...100, rolls: "speech")
            ),
            (
                .usageAudioTranscriptions,
                oneModel(
                    "audio_transcriptions",
                    metric: "seconds",
                    model: "whisper-1",
                    users: 8,
                    units: 10...600,
                    perRequest: 1...80,
                    rolls: "transcriptions"
                )
            ),
            (
                .usageVectorStores,
                Kind(
                    path: "vector_stores",
                    object: "organization.usage.vector_stores.result",
                    metrics: ["usage_bytes"],
                    dimensions: ["project_id"],
                    users: 15
                ) { s in
                    var r = s.habit("bytes")
                    return [
                        UsageModel.Fact(
                            dimensions: ["project_id": .string(s.project)],
                            metrics: [("usage_bytes", s.scaled(r.pick(1_000_000...900_000_000)))]
                        )
                    ]
                }
            ),
            (
                .usageCodeInterpreterSessions,
                Kind(
                    path: "code_interpreter_sessions",
                    object: "organization.usage.code_interpreter_sessions.result",
                    metrics: ["num_sessions"],
                    dimensions: ["project_id"],
                    users: 10
                ) { s in
                    var r = s.rolls("sessions")
                    return [UsageModel.Fact(dimensions: ["project_id": .string(s.project)], metrics: [("num_sessions", s.scaled(r.pick(1...50)))])]
                }
            ),
            (
                .usageFileSearchCalls,
                Kind(
                    path: "file_search_calls",
                    object: "organization.usage.file_searches.result",
                    metrics: ["num_requests"],
                    dimensions: ["project_id", "user_id", "api_key_id", "vector_store_id"],
                    users: 12
                ) { s in
                    var r = s.rolls("file_search")
                    return [fact(s, ["vector_store_id": "vs_sandbox0000000000000001"], [("num_requests", s.scaled(r.pick(5...700)))])]
                }
            ),
            (
                .usageWebSearchCalls,
                Kind(
                    path: "web_search_calls",
                    object: "organization.usage.web_searches.result",
                    metrics: ["num_model_requests", "num_requests"],
                    dimensions: ["project_id", "user_id", "api_key_id", "model", "context_level"],
                    users: 15
                ) { s in
                    let (calls, requests) = simple(s, what: "web_search", model: "gpt-4o-search-preview", units: 1...3, perRequest: 2...60)
                    return [
                        fact(
                            s,
                            ["model": "gpt-4o-search-preview", "context_level": "medium"],
                            [("num_model_requests", requests), ("num_requests", calls)]
                        )
                    ]
                }
            ),
            (
                .usageCosts,
                Kind(
                    path: "costs",
                    object: "organization.costs.result",
                    metrics: ["quantity"],
                    dimensions: ["project_id", "line_item", "api_key_id"],
                    users: 100
                ) { s in costFacts(s) }
            ),
        ]
        return Dictionary(uniqueKeysWithValues: list)
    }()

    /// What a source's usage costs, per line item, each rounded to whole cents.
    static func costFacts(_ s: Source) -> [UsageModel.Fact] {
        var items: [(String, Int)] = []
        if kinds[.usageCompletions]!.facts(seed: s.seed, day: s.day, project: s.project, key: s.key, user: s.user, share: s.share).isEmpty == false {
            for c in chat(s) {
                items.append((c.model + ", input", c.input))
                items.append((c.model + ", output", c.output))
            }
        }
        for (kind, item) in [
            (Endpoint.usageEmbeddings, "text-embedding-3-small"), (.usageImages, "dall-e-3"), (.usageAudioSpeeches, "tts-1"),
            (.usageAudioTranscriptions, "whisper-1"), (.usageWebSearchCalls, "web search tool calls"),
        ] {
            if let fact = kinds[kind]!.facts(seed: s.seed, day: s.day, project: s.project, key: s.key, user: s.user, share: s.share).first {
                items.append((item, kind == .usageWebSearchCalls ? fact.metrics[1].1 : fact.metrics[0].1))
            }
        }
        return items.compactMap { item, units in
            let cents = Int((Double(units) * (prices[item] ?? 0) * 100).rounded())
            guard cents > 0 else { return nil }
            var f = UsageModel.Fact(
                dimensions: ["project_id": .string(s.project), "api_key_id": s.key.map(JSON.string) ?? .null, "line_item": .string(item)],
                metrics: [("quantity", units)]
            )
            f.cents = cents
            return f
        }
    }

    /// A dimension's value as filters and group keys compare it.
    static func text(_ v: JSON) -> String {
        if case .string(let s) = v { return s }
        return v.serialized()
    }

    static func register(_ t: inout [String: Handler]) {
        for (endpoint, kind) in kinds {
            t.on(endpoint) { (s, ctx) throws(APIFailure) in try page(s, ctx, kind) }
        }
    }

    static func widthSeconds(_ w: String) -> Int { w == "1m" ? 60 : w == "1h" ? 3600 : 86400 }

    /// (default, maximum) bucket count per page for a width.
    static func limits(_ w: String, costs: Bool) -> (Int, Int) {
        if costs { return (7, 180) }
        switch w {
        case "1m": return (60, 1440)
        case "1h": return (24, 168)
        default: return (7, 31)
        }
    }

    static func page(_ s: OrgState, _ ctx: OpContext, _ kind: Kind) throws(APIFailure) -> JSON {
        guard let start = ctx.query.int("start_time") else { throw .missingParameter("start_time") }
        let costs = kind.path == "costs"
        let width = ctx.query.string("bucket_width") ?? "1d"
        let w = widthSeconds(width)
        let (defaultLimit, maxLimit) = limits(width, costs: costs)
        let limit = ctx.query.int("limit") ?? defaultLimit
        if limit < 1 { throw .belowMinimum("limit", 1, got: limit) }
        if limit > maxLimit { throw .aboveMaximum("limit", maxLimit, got: limit) }
        let end = ctx.query.int("end_time") ?? ((ctx.now / w) + 1) * w
        if end <= start { throw .invalid("'end_time' must be after 'start_time'.", param: "end_time") }
        var first = (start / w) * w
        if let page = ctx.query.string("page") {
            guard page.hasPrefix("page_"), let t = Int(page.dropFirst(5)), t >= first else {
                throw .invalid("Invalid 'page' cursor: \(page)", param: "page")
            }
            first = t
        }
        let groupBy = ctx.query.array("group_by")
        var filters: [String: Set<String>] = [:]
        for (param, field) in [
            ("project_ids", "project_id"), ("user_ids", "user_id"), ("api_key_ids", "api_key_id"), ("models", "model"), ("line_items", "line_item"),
        ] {
            let values = ctx.query.array(param)
            if !values.isEmpty { filters[field] = Set(values) }
        }
        if let batch = ctx.query.bool("batch") { filters["batch"] = [batch ? "true" : "false"] }
        let model = UsageModel(state: s, now: ctx.now)
        let strings = ctx.knownIssues.contains(.costAmountStrings)
        var buckets: [JSON] = []
        var t = first
        while t < end && buckets.count < limit {
            let results = UsageModel.results(
                model.facts(kind, start: t, width: w),
                kind: kind,
                groupBy: groupBy,
                filters: filters,
                amountAsString: strings
            )
            buckets.append(.obj(["object": "bucket", "start_time": .int(t), "end_time": .int(t + w), "results": .array(results)]))
            t += w
        }
        let more = t < end
        return .obj([
            "object": "page", "data": .array(buckets), "has_more": .bool(more),
            "next_page": more ? .string("page_\(t)") : .null,
        ])
    }
}
