import AdmAPI

/// Singleton settings (data retention, model and hosted-tool permissions, service tiers) and
/// per-model rate limits.
enum SettingHandlers {
    static func register(_ t: inout [String: Handler]) {
        t.on("retrieve-organization-data-retention") { (s, _) throws(APIFailure) in
            s.setting("org/data_retention") ?? .obj(["object": "organization.data_retention", "type": "modified_abuse_monitoring"])
        }
        t.on("update-organization-data-retention") { (s, ctx) throws(APIFailure) in
            let body: JSON = .obj(["object": "organization.data_retention", "type": try ctx.required("retention_type")])
            s.putSetting("org/data_retention", body)
            s.audit("organization.updated", ctx, details: .obj(["id": .string(s.organizationID), "changes_requested": .obj([:])]))
            return body
        }
        t.onProjectSetting(
            "retrieve-project-data-retention",
            "data_retention",
            default: .obj(["object": "project.data_retention", "type": "organization_default"])
        )
        t.on("update-project-data-retention") { (s, ctx) throws(APIFailure) in
            let pid = ctx.param("project_id")
            _ = try s.activeProject(pid)
            let body: JSON = .obj(["object": "project.data_retention", "type": try ctx.required("retention_type")])
            s.putSetting(pid + "/data_retention", body)
            return body
        }
        t.onProjectSetting("retrieve-project-model-permissions", "model_permissions", default: defaultModelPermissions)
        t.on("update-project-model-permissions") { (s, ctx) throws(APIFailure) in
            let pid = ctx.param("project_id")
            _ = try s.activeProject(pid)
            let body: JSON = .obj([
                "object": "project.model_permissions", "mode": try ctx.required("mode"), "model_ids": try ctx.required("model_ids"),
            ])
            s.putSetting(pid + "/model_permissions", body)
            return body
        }
        t.on("delete-project-model-permissions") { (s, ctx) throws(APIFailure) in
            let pid = ctx.param("project_id")
            _ = try s.activeProject(pid)
            s.remove(.setting, pid + "/model_permissions")
            return OrgState.deleted("project.model_permissions.deleted", nil)
        }
        t.onProjectSetting("retrieve-project-hosted-tool-permissions", "hosted_tool_permissions", default: defaultHostedTools)
        t.on("update-project-hosted-tool-permissions") { (s, ctx) throws(APIFailure) in
            let pid = ctx.param("project_id")
            _ = try s.activeProject(pid)
            var body = s.setting(pid + "/hosted_tool_permissions") ?? defaultHostedTools
            for tool in toolNames {
                guard let v = ctx.field(tool) else { continue }
                guard let enabled = v["enabled"]?.boolValue else {
                    throw .invalidType("\(tool).enabled", expected: "a boolean", got: v["enabled"] ?? .null)
                }
                body[tool] = .obj(["enabled": .bool(enabled)])
            }
            s.putSetting(pid + "/hosted_tool_permissions", body)
            return body
        }
        t.onProjectSetting("projects-service-tier-settings-retrieve", "service_tier_settings", default: defaultServiceTiers)
        t.on("projects-service-tier-settings-update") { (s, ctx) throws(APIFailure) in
            let pid = ctx.param("project_id")
            _ = try s.activeProject(pid)
            var body = s.setting(pid + "/service_tier_settings") ?? defaultServiceTiers
            if let d = ctx.field("default") { body["default"] = d }
            if let tiers = ctx.field("enabled_tiers") {
                switch tiers {
                case .string("all"): body["enabled_tiers"] = tiers
                case .array(let items) where items.allSatisfy({ ["flex", "fast", "ultrafast"].contains($0.stringValue ?? "") }):
                    body["enabled_tiers"] = tiers
                default:
                    throw .invalid(
                        "Invalid 'enabled_tiers': expected \"all\" or a list of flex, fast, ultrafast.",
                        param: "enabled_tiers",
                        code: "invalid_value"
                    )
                }
            }
            s.putSetting(pid + "/service_tier_settings", body)
            return body
        }
        registerRateLimits(&t)
    }

    static let toolNames = ["file_search", "web_search", "image_generation", "mcp", "code_interpreter"]
    static let defaultModelPermissions: JSON = .obj(["object": "project.model_permissions", "mode": "deny_list", "model_ids": .array([])])
    static let defaultHostedTools: JSON = .object(toolNames.map { JSON.Member($0, .obj(["enabled": true])) })
    static let defaultServiceTiers: JSON = .obj(["object": "project.service_tier_settings", "default": "standard", "enabled_tiers": "all"])

    static func registerRateLimits(_ t: inout [String: Handler]) {
        t.on("list-project-rate-limits") { (s, ctx) throws(APIFailure) in
            let pid = ctx.param("project_id")
            _ = try s.project(pid)
            return Pager.page(
                s,
                .rateLimit,
                parent: pid,
                style: ctx.endpoint.paging,
                options: Pager.options(ctx, defaultLimit: 100),
                cursorPrefix: pid + "/"
            )
        }
        t.on("update-project-rate-limits") { (s, ctx) throws(APIFailure) in
            let pid = ctx.param("project_id")
            let project = try s.activeProject(pid)
            let id = ctx.param("rate_limit_id")
            guard s.get(.rateLimit, pid + "/" + id) != nil else { throw .notFound("rate limit", id, param: "rate_limit_id") }
            var changes: [JSON.Member] = []
            for member in ctx.body.objectValue ?? [] {
                guard let n = member.value.intValue else { continue }
                if n < 0 { throw .belowMinimum(member.key, 0, got: n) }
                changes.append(JSON.Member(member.key, .int(n)))
            }
            let updated = s.update(.rateLimit, pid + "/" + id) { r in
                for c in changes { r.body[c.key] = c.value }
            }!
            s.audit("rate_limit.updated", ctx, project: project, details: .obj(["id": .string(id), "changes_requested": .object(changes)]))
            return updated.body
        }
    }
}

/// The per-model limits every new project starts with.
enum RateLimitDefaults {
    /// One model's default rate limit: its id (`rl-gpt-4o`) and the object the API returns.
    struct Limit {
        let id: String
        let json: JSON
    }

    static let models: [Limit] = [
        limit("gpt-4o", rpm: 10_000, tpm: 30_000_000, batch: 5_000_000_000),
        limit("gpt-4o-mini", rpm: 30_000, tpm: 150_000_000, batch: 15_000_000_000),
        limit("o3", rpm: 10_000, tpm: 30_000_000, batch: 5_000_000_000),
        limit("text-embedding-3-small", rpm: 10_000, tpm: 10_000_000, batch: 4_000_000_000),
        Limit(
            id: "rl-dall-e-3",
            json: .obj([
                "object": "project.rate_limit", "id": "rl-dall-e-3", "model": "dall-e-3",
                "max_requests_per_1_minute": 10_000, "max_tokens_per_1_minute": 0, "max_images_per_1_minute": 50,
            ])
        ),
        Limit(
            id: "rl-whisper-1",
            json: .obj([
                "object": "project.rate_limit", "id": "rl-whisper-1", "model": "whisper-1",
                "max_requests_per_1_minute": 10_000, "max_tokens_per_1_minute": 0, "max_audio_megabytes_per_1_minute": 500,
            ])
        ),
    ]

    static func limit(_ model: String, rpm: Int, tpm: Int, batch: Int) -> Limit {
        Limit(
            id: "rl-" + model,
            json: .obj([
                "object": "project.rate_limit", "id": .string("rl-" + model), "model": .string(model),
                "max_requests_per_1_minute": .int(rpm), "max_tokens_per_1_minute": .int(tpm),
                "batch_1_day_max_input_tokens": .int(batch),
            ])
        )
    }
}

extension OrgState {
    func setting(_ id: String) -> JSON? { get(.setting, id)?.body }

    mutating func putSetting(_ id: String, _ body: JSON) {
        let parent = String(id.split(separator: "/").first ?? "")
        put(Record(kind: .setting, id: id, parent: parent, body: body))
    }
}

extension [String: Handler] {
    /// A read of one project's setting `name` (archived projects may be read), or `default`
    /// while it was never set.
    fileprivate mutating func onProjectSetting(_ id: String, _ name: String, default fallback: JSON) {
        on(id) { (s, ctx) throws(APIFailure) in
            let pid = ctx.param("project_id")
            _ = try s.project(pid)
            return s.setting(pid + "/" + name) ?? fallback
        }
    }
}
