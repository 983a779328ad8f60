import AdmAPI

/// Usage and costs: time buckets over generated, deterministic data (the same request always
/// gives the same numbers), with `bucket_width`, `limit` caps per width, `group_by`, filters
/// and `page` cursors.
enum UsageHandlers {
    /// One usage endpoint: its result object, numeric fields, and the values it groups by.
    struct Kind {
        let path: String
        let object: String
        let metrics: [(String, Int)]
        let models: [String]
    }

    static let kinds: [String: Kind] = {
        let list: [(String, Kind)] = [
            (
                "usage-completions",
                Kind(
                    path: "completions",
                    object: "organization.usage.completions.result",
                    metrics: [
                        ("input_tokens", 2_000_000), ("output_tokens", 600_000), ("input_cached_tokens", 400_000),
                        ("input_audio_tokens", 0), ("output_audio_tokens", 0), ("num_model_requests", 3_000),
                    ],
                    models: ["gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18"]
                )
            ),
            (
                "usage-decisions",
                Kind(
                    path: "decisions",
                    object: "organization.usage.decisions.result",
                    metrics: [("input_tokens", 300_000), ("output_tokens", 40_000), ("num_model_requests", 800)],
                    models: ["gpt-4o-mini-2024-07-18"]
                )
            ),
            (
                "usage-embeddings",
                Kind(
                    path: "embeddings",
                    object: "organization.usage.embeddings.result",
                    metrics: [("input_tokens", 5_000_000), ("num_model_requests", 9_000)],
                    models: ["text-embedding-3-small"]
                )
            ),
            (
                "usage-moderations",
                Kind(
                    path: "moderations",
                    object: "organization.usage.moderations.result",
                    metrics: [("input_tokens", 200_000), ("num_model_requests", 1_500)],
                    models: ["omni-moderation-latest"]
                )
            ),
            (
                "usage-images",
                Kind(
                    path: "images",
                    object: "organization.usage.images.result",
                    metrics: [("images", 400), ("num_model_requests", 380)],
                    models: ["dall-e-3"]
                )
            ),
            (
                "usage-audio-speeches",
                Kind(
                    path: "audio_speeches",
                    object: "organization.usage.audio_speeches.result",
                    metrics: [("characters", 90_000), ("num_model_requests", 300)],
                    models: ["tts-1"]
                )
            ),
            (
                "usage-audio-transcriptions",
                Kind(
                    path: "audio_transcriptions",
                    object: "organization.usage.audio_transcriptions.result",
                    metrics: [("seconds", 20_000), ("num_model_requests", 250)],
                    models: ["whisper-1"]
                )
            ),
            (
                "usage-vector-stores",
                Kind(
                    path: "vector_stores",
                    object: "organization.usage.vector_stores.result",
                    metrics: [("usage_bytes", 800_000_000)],
                    models: []
                )
            ),
            (
                "usage-code-interpreter-sessions",
                Kind(
                    path: "code_interpreter_sessions",
                    object: "organization.usage.code_interpreter_sessions.result",
                    metrics: [("num_sessions", 120)],
                    models: []
                )
            ),
            (
                "usage-file-search-calls",
                Kind(
                    path: "file_search_calls",
                    object: "organization.usage.file_searches.result",
                    metrics: [("num_requests", 700)],
                    models: []
                )
            ),
            (
                "usage-web-search-calls",
                Kind(
                    path: "web_search_calls",
                    object: "organization.usage.web_searches.result",
                    metrics: [("num_model_requests", 500), ("num_requests", 650)],
                    models: ["gpt-4o-search-preview"]
                )
            ),
            ("usage-costs", Kind(path: "costs", object: "organization.costs.result", metrics: [], models: [])),
        ]
        return Dictionary(uniqueKeysWithValues: list)
    }()

    static func register(_ t: inout [String: Handler]) {
        for (id, kind) in kinds {
            t.on(id) { (s, ctx) throws(APIFailure) in try page(s, ctx, kind) }
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
        var buckets: [JSON] = []
        var t = first
        while t < end && buckets.count < limit {
            buckets.append(
                .obj([
                    "object": "bucket", "start_time": .int(t), "end_time": .int(t + w),
                    "results": .array(results(s, ctx, kind, at: t, width: w, groupBy: groupBy)),
                ])
            )
            t += w
        }
        let more = t < end
        return .obj([
            "object": "page", "data": .array(buckets), "has_more": .bool(more),
            "next_page": more ? .string("page_\(t)") : .null,
        ])
    }

    /// Results of one bucket: one per combination of the grouped values (at most 20).
    static func results(_ s: OrgState, _ ctx: OpContext, _ kind: Kind, at t: Int, width: Int, groupBy: [String]) -> [JSON] {
        let projectFilter = Set(ctx.query.array("project_ids"))
        var projects = s.records(.project).map(\.id)
        if !projectFilter.isEmpty { projects = projects.filter(projectFilter.contains) }
        let dimensions: [(String, [JSON])] = groupBy.map { field in
            switch field {
            case "project_id": return (field, projects.prefix(5).map(JSON.string))
            case "user_id": return (field, s.records(.user).prefix(3).map { .string($0.id) })
            case "api_key_id": return (field, s.table(.projectKey).all.prefix(3).map { .string($0.id) })
            case "model": return (field, (kind.models.isEmpty ? ["gpt-4o"] : kind.models).map(JSON.string))
            case "batch": return (field, [false, true])
            case "service_tier": return (field, ["default", "flex"])
            case "size": return (field, ["1024x1024"])
            case "source": return (field, ["image.generation"])
            case "context_level": return (field, ["medium"])
            case "vector_store_id": return (field, ["vs_sandbox0000000000000001"])
            case "line_item": return (field, ["gpt-4o-2024-08-06, input", "gpt-4o-2024-08-06, output", "web search tool calls"])
            default: return (field, [.null])
            }
        }
        var combos: [[(String, JSON)]] = [[]]
        for (field, values) in dimensions {
            combos = combos.flatMap { c in values.map { c + [(field, $0)] } }
            if combos.count > 20 { combos = Array(combos.prefix(20)) }
        }
        if projects.isEmpty && groupBy.contains("project_id") { return [] }
        let scale = Double(width) / 86400
        return combos.map { combo in
            let key = kind.object + String(t) + combo.map { "\($0.0)=\($0.1)" }.joined()
            var h = hash(key)
            var members: [JSON.Member] = [JSON.Member("object", .string(kind.object))]
            if kind.path == "costs" {
                h = next(h)
                let cents = Int(Double(h % 5000) * max(scale, 1.0 / 24) + 100)
                members.append(JSON.Member("amount", .obj(["value": .double(Double(cents) / 100), "currency": "usd"])))
                members.append(JSON.Member("quantity", .double(Double(cents) * 1000)))
                members.append(JSON.Member("quantity_unit", "tokens"))
            } else {
                for (name, typical) in kind.metrics {
                    h = next(h)
                    let value = typical == 0 ? 0 : Int(Double(typical) * scale * (0.5 + Double(h % 1000) / 1000))
                    members.append(JSON.Member(name, .int(max(value, 0))))
                }
            }
            for (field, value) in combo { members.append(JSON.Member(field, value)) }
            return .object(members)
        }
    }

    /// FNV-1a, then splitmix steps: cheap and stable across runs and platforms.
    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return next(h)
    }

    static func next(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
