import AdmAPI

/// Singleton settings (data retention, model and hosted-tool permissions, service tiers) and
/// per-model rate limits.
enum SettingHandlers {
    static func register(_ t: inout [String: Handler]) {
        t.on(.retrieveOrganizationDataRetention) { (s, _) throws(APIFailure) in
            s.setting("org/data_retention") ?? .obj(["object": "organization.data_retention", "type": "modified_abuse_monitoring"])
        }
        t.on(.updateOrganizationDataRetention) { (s, ctx) throws(APIFailure) in
            let body: JSON = .obj(["object": "organization.data_retention", "type": try ctx.required("retention_type")])
            s.putSetting("org/data_retention", body)
            s.audit("organization.updated", ctx, details: .obj(["id": .string(s.organizationID), "changes_requested": .obj([:])]))
            return body
        }
        t.onProjectSetting(
            "data_retention",
            default: .obj(["object": "project.data_retention", "type": "organization_default"]),
            read: .retrieveProjectDataRetention,
            write: .updateProjectDataRetention
        ) { ctx, _ throws(APIFailure) in
            .obj(["object": "project.data_retention", "type": try ctx.required("retention_type")])
        }
        t.onProjectSetting(
            "model_permissions",
            default: defaultModelPermissions,
            read: .retrieveProjectModelPermissions,
            write: .updateProjectModelPermissions
        ) { ctx, _ throws(APIFailure) in
            .obj(["object": "project.model_permissions", "mode": try ctx.required("mode"), "model_ids": try ctx.required("model_ids")])
        }
        t.on(.deleteProjectModelPermissions) { (s, ctx) throws(APIFailure) in
            let pid = try s.project(ctx, writing: true).id
            s.remove(.setting, pid + "/model_permissions")
            return OrgState.deleted("project.model_permissions.deleted", nil)
        }
        t.onProjectSetting(
            "hosted_tool_permissions",
            default: defaultHostedTools,
            read: .retrieveProjectHostedToolPermissions,
            write: .updateProjectHostedToolPermissions,
            changeHostedTools
        )
        t.onProjectSetting(
            "service_tier_settings",
            default: defaultServiceTiers,
            read: .projectsServiceTierSettingsRetrieve,
            write: .projectsServiceTierSettingsUpdate,
            changeServiceTiers
        )
        registerRateLimits(&t)
    }

    static let toolNames = ["file_search", "web_search", "image_generation", "mcp", "code_interpreter"]
    static let defaultModelPermissions: JSON = .obj(["object": "project.model_permissions", "mode": "deny_list", "model_ids": .array([])])
    static let defaultHostedTools: JSON = .object(toolNames.map { JSON.Member($0, .obj(["enabled": true])) })
    static let defaultServiceTiers: JSON = .obj(["object": "project.service_tier_settings", "default": "standard", "enabled_tiers": "all"])

    /// The tools the request names, each turned on or off.
    @Sendable static func changeHostedTools(_ ctx: OpContext, _ current: JSON) throws(APIFailure) -> JSON {
        var tools = current
        for tool in toolNames {
            guard let v = ctx.field(tool) else { continue }
            guard let enabled = v["enabled"]?.boolValue else {
                throw .invalidType("\(tool).enabled", expected: "a boolean", got: v["enabled"] ?? .null)
            }
            tools[tool] = .obj(["enabled": .bool(enabled)])
        }
        return tools
    }

    /// The default tier and the enabled ones (`all`, or a list), as the request gives them.
    @Sendable static func changeServiceTiers(_ ctx: OpContext, _ current: JSON) throws(APIFailure) -> JSON {
        var tiers = current
        if let d = ctx.field("default") { tiers["default"] = d }
        guard let enabled = ctx.field("enabled_tiers") else { return tiers }
        switch enabled {
        case .string("all"): tiers["enabled_tiers"] = enabled
        case .array(let items) where items.allSatisfy({ ["flex", "fast", "ultrafast"].contains($0.stringValue ?? "") }):
            tiers["enabled_tiers"] = enabled
        default:
            let expected = "expected \"all\" or a list of flex, fast, ultrafast"
            throw .invalid("Invalid 'enabled_tiers': \(expected).", param: "enabled_tiers", code: "invalid_value")
        }
        return tiers
    }

    static func registerRateLimits(_ t: inout [String: Handler]) {
        t.on(.listProjectRateLimits) { (s, ctx) throws(APIFailure) in
            let pid = try s.project(ctx, writing: false).id
            return Pager.page(s, ctx, .rateLimit, parent: pid, defaultLimit: 100, cursorPrefix: pid + "/")
        }
        t.on(.updateProjectRateLimits) { (s, ctx) throws(APIFailure) in
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
    /// One project's setting `name`: `read` answers it (archived projects may be read), or
    /// `fallback` while it was never set; `write` stores what `change` makes of the request and
    /// the current value (archived projects refuse).
    fileprivate mutating func onProjectSetting(
        _ name: String,
        default fallback: JSON,
        read: Endpoint,
        write: Endpoint,
        _ change: @escaping @Sendable (OpContext, JSON) throws(APIFailure) -> JSON
    ) {
        on(read) { (s, ctx) throws(APIFailure) in
            s.setting(try s.project(ctx, writing: false).id + "/" + name) ?? fallback
        }
        on(write) { (s, ctx) throws(APIFailure) in
            let id = try s.project(ctx, writing: true).id + "/" + name
            let body = try change(ctx, s.setting(id) ?? fallback)
            s.putSetting(id, body)
            return body
        }
    }
}
