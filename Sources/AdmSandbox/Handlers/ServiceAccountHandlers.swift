import AdmAPI

/// Project service accounts and project API keys. Creating a service account returns its first
/// key's secret once (none with `create_service_account_only`); more keys come from
/// `…/service_accounts/{id}/api_keys`, whose `scopes` are checked against what the organization
/// may grant (the second user report); deleting a service account removes its keys.
enum ServiceAccountHandlers {
    /// Scopes a service-account key may carry (reference §6.2). `api.all.read` (what "Read
    /// only" asks for) is not among them: requesting it fails as in the second user report.
    static let grantableScopes: Set<String> = [
        "model.read", "api.model.read", "model.request", "api.model.request",
        "api.model.chat_completions.request", "api.model.audio.request", "api.model.embeddings.request",
        "api.model.images.request", "api.model.moderations.request", "api.model.realtime.request",
        "api.assistants.read", "api.assistants.write", "api.threads.read", "api.threads.write",
        "api.fine_tuning.jobs.read", "api.fine_tuning.jobs.write", "api.files.read", "api.files.write",
        "api.responses.read", "api.responses.write", "api.videos.write", "api.batch.read", "api.batch.write",
        "api.vector_stores.read", "api.vector_stores.write", "api.evals.read", "api.evals.write",
    ]

    static func register(_ t: inout [String: Handler]) {
        t.on(.listProjectServiceAccounts) { (s, ctx) throws(APIFailure) in
            Pager.page(s, ctx, .serviceAccount, parent: try s.project(ctx, writing: false).id)
        }
        t.on(.createProjectServiceAccount) { (s, ctx) throws(APIFailure) in
            let project = try s.project(ctx, writing: true)
            let pid = project.id
            let name = ctx.string("name") ?? ""
            if name.trimmingCharacters(in: " ").isEmpty { throw .invalid("Service account name must not be empty.", param: "name") }
            let only = ctx.field("create_service_account_only")?.boolValue ?? false
            let expires = try expiry(ctx)
            let sa = s.create(.serviceAccount, IDs.serviceAccount(), parent: pid) { saID in
                .obj([
                    "object": "organization.project.service_account",
                    "id": .string(saID),
                    "name": .string(name),
                    "role": .string(only ? "none" : "member"),
                    "created_at": .int(ctx.now),
                ])
            }
            let saID = sa.id
            s.audit("service_account.created", ctx, project: project, details: .obj(["id": .string(saID), "data": .obj(["role": sa.body["role"]!])]))
            var response = sa.body
            if only {
                response["api_key"] = .null
            } else {
                response["api_key"] = newKey(&s, ctx, project: project, sa: sa, name: "Secret Key", scopes: [], expires: expires)
            }
            return response
        }
        t.on(.retrieveProjectServiceAccount) { (s, ctx) throws(APIFailure) in
            try s.inProject(ctx, .serviceAccount, "service_account_id", what: "service account", writing: false).record.body
        }
        t.on(.updateProjectServiceAccount) { (s, ctx) throws(APIFailure) in
            let (project, sa) = try s.inProject(ctx, .serviceAccount, "service_account_id", what: "service account", writing: true)
            let id = sa.id
            if let name = ctx.string("name"), name.trimmingCharacters(in: " ").isEmpty {
                throw .invalid("Service account name must not be empty.", param: "name")
            }
            let updated = s.update(.serviceAccount, id) { r in
                if let name = ctx.string("name") { r.body["name"] = .string(name) }
                if let role = ctx.string("role") { r.body["role"] = .string(role) }
            }!
            s.refreshServiceAccountKeys(updated)
            s.auditRoleChange("service_account.updated", ctx, project: project, updated)
            return updated.body
        }
        t.on(.deleteProjectServiceAccount) { (s, ctx) throws(APIFailure) in
            let (project, sa) = try s.inProject(ctx, .serviceAccount, "service_account_id", what: "service account", writing: true)
            let id = sa.id
            for key in s.records(.projectKey, parent: project.id) where key.hidden["service_account_id"]?.stringValue == id {
                s.remove(.projectKey, key.id)
            }
            s.remove(.serviceAccount, id)
            s.audit("service_account.deleted", ctx, project: project, details: .obj(["id": .string(id)]))
            return OrgState.deleted("organization.project.service_account.deleted", id)
        }
        t.on(.createServiceAccountKey) { (s, ctx) throws(APIFailure) in
            let (project, sa) = try s.inProject(ctx, .serviceAccount, "service_account_id", what: "service account", writing: true)
            let scopes = ctx.field("scopes")?.arrayValue?.compactMap(\.stringValue) ?? []
            try checkScopes(scopes)
            let expires = try expiry(ctx)
            return newKey(&s, ctx, project: project, sa: sa, name: ctx.string("name") ?? "Secret Key", scopes: scopes, expires: expires)
        }
        registerProjectKeys(&t)
    }

    /// Mints a key for `sa`, logs it, and answers with the key and its secret: the one time the
    /// secret is shown.
    static func newKey(
        _ s: inout OrgState,
        _ ctx: OpContext,
        project: Record,
        sa: Record,
        name: String,
        scopes: [String],
        expires: Int?
    ) -> JSON {
        let (key, secret) = s.mintProjectKey(for: .serviceAccount(sa), name: name, scopes: scopes, now: ctx.now, expiresAt: expires)
        s.audit(
            "api_key.created",
            ctx,
            project: project,
            details: .obj(["id": .string(key.id), "data": .obj(["scopes": .array(scopes.map(JSON.string))])])
        )
        return .obj([
            "object": "organization.project.service_account.api_key", "value": .string(secret), "name": key.body["name"]!,
            "created_at": .int(ctx.now), "id": .string(key.id), "expires_at": expires.map(JSON.int) ?? .null,
        ])
    }

    /// `expires_in_seconds`, checked: 1…31,536,000.
    static func expiresIn(_ ctx: OpContext) throws(APIFailure) -> Int? {
        guard let seconds = ctx.field("expires_in_seconds")?.intValue else { return nil }
        if seconds < 1 { throw .belowMinimum("expires_in_seconds", 1, got: seconds) }
        if seconds > 31_536_000 { throw .aboveMaximum("expires_in_seconds", 31_536_000, got: seconds) }
        return seconds
    }

    /// `expires_in_seconds` as an absolute time.
    static func expiry(_ ctx: OpContext) throws(APIFailure) -> Int? { try expiresIn(ctx).map { ctx.now + $0 } }

    /// E8: any scope outside what the organization may grant is refused, all named at once.
    static func checkScopes(_ scopes: [String]) throws(APIFailure) {
        let bad = scopes.filter { !grantableScopes.contains($0) }
        if !bad.isEmpty { throw .unauthorizedScopes(bad) }
    }

    static func registerProjectKeys(_ t: inout [String: Handler]) {
        t.on(.listProjectApiKeys) { (s, ctx) throws(APIFailure) in
            let project = try s.project(ctx, writing: false)
            let access = ctx.query.string("owner_project_access") ?? "active"
            return Pager.page(
                s,
                ctx,
                .projectKey,
                parent: project.id,
                where: access == "any" ? nil : { $0.body["owner_project_access"]?.stringValue == access }
            )
        }
        t.on(.retrieveProjectApiKey) { (s, ctx) throws(APIFailure) in
            try s.inProject(ctx, .projectKey, "api_key_id", what: "API key", writing: false).record.body
        }
        t.on(.deleteProjectApiKey) { (s, ctx) throws(APIFailure) in
            let (project, key) = try s.inProject(ctx, .projectKey, "api_key_id", what: "API key", writing: true)
            let id = key.id
            if key.body["owner"]?["type"]?.stringValue == "service_account" {
                throw .invalid("API keys owned by a service account cannot be deleted; delete the service account instead.", param: "api_key_id")
            }
            s.remove(.projectKey, id)
            s.audit("api_key.deleted", ctx, project: project, details: .obj(["id": .string(id)]))
            return OrgState.deleted("organization.project.api_key.deleted", id)
        }
        t.on(.projectsApiKeysUpdate) { (s, ctx) throws(APIFailure) in
            let (project, key) = try s.inProject(ctx, .projectKey, "api_key_id", what: "API key", writing: true)
            let id = key.id
            let scopes = ctx.field("scopes")?.arrayValue?.compactMap(\.stringValue)
            if let scopes { try checkScopes(scopes) }
            let expires = try expiresIn(ctx)
            let updated = s.update(.projectKey, id) { r in
                if let scopes { r.hidden["scopes"] = .array(scopes.map(JSON.string)) }
                if let expires { r.body["expires_at"] = .int(ctx.now + expires) }
            }!
            var changes: JSON = .obj([:])
            if let scopes { changes["scopes"] = .array(scopes.map(JSON.string)) }
            if let expires { changes["expires_in_seconds"] = .int(expires) }
            s.audit("api_key.updated", ctx, project: project, details: .obj(["id": .string(id), "changes_requested": changes]))
            return updated.body
        }
    }
}

extension OrgState {
    /// Who a new project key belongs to: a service account (in its project), or a user in a
    /// project (the API cannot create these; fixtures and the seed can).
    enum KeyOwner {
        case serviceAccount(Record)
        case user(Record, projectID: String)
    }

    /// A new project key; returns the record and its secret. A service account's key carries
    /// its scopes and `expires_at` (null when it never expires); a user's carries neither.
    mutating func mintProjectKey(
        for owner: KeyOwner,
        name: String,
        scopes: [String] = [],
        now: Int,
        expiresAt: Int? = nil,
        secret: String? = nil,
        id: String? = nil
    ) -> (Record, String) {
        let keyID = id ?? IDs.key()
        let value: String
        let project: String
        var body: JSON = .obj([
            "object": "organization.project.api_key", "redacted_value": "", "name": .string(name), "created_at": .int(now),
            "last_used_at": .null, "id": .string(keyID), "owner_project_access": "active",
        ])
        var hidden: [JSON.Member]
        switch owner {
        case .serviceAccount(let sa):
            (value, project) = (secret ?? IDs.serviceAccountSecret(), sa.parent)
            body["owner"] = .obj(["type": "service_account", "service_account": Self.serviceAccountOwner(sa)])
            body["expires_at"] = expiresAt.map(JSON.int) ?? .null
            hidden = [JSON.Member("scopes", .array(scopes.map(JSON.string))), JSON.Member("service_account_id", .string(sa.id))]
        case .user(let user, let projectID):
            (value, project) = (secret ?? IDs.projectSecret(), projectID)
            body["owner"] = .obj([
                "type": "user",
                "user": .obj([
                    "id": .string(user.id), "created_at": user.body["added_at"] ?? .int(now),
                    "email": user.body["email"] ?? "", "name": user.body["name"] ?? "", "role": user.body["role"] ?? "owner",
                ]),
            ])
            hidden = [JSON.Member("scopes", .array([])), JSON.Member("user_id", .string(user.id))]
        }
        body["redacted_value"] = .string(IDs.redactedValue(value))
        hidden.insert(JSON.Member("secret", .string(value)), at: 0)
        return (put(Record(kind: .projectKey, id: keyID, parent: project, body: body, hidden: .object(hidden))), value)
    }

    /// Keeps the owner copy inside a service account's keys in step with the account.
    mutating func refreshServiceAccountKeys(_ sa: Record) {
        for key in records(.projectKey, parent: sa.parent) where key.hidden["service_account_id"]?.stringValue == sa.id {
            update(.projectKey, key.id) { r in r.body["owner"] = .obj(["type": "service_account", "service_account": Self.serviceAccountOwner(sa)]) }
        }
    }

    static func serviceAccountOwner(_ sa: Record) -> JSON {
        .obj(["id": .string(sa.id), "name": sa.body["name"]!, "created_at": sa.body["created_at"]!, "role": sa.body["role"]!])
    }
}
