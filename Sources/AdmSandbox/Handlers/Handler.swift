import AdmAPI

/// Serves one operation: reads or changes the organization and returns the response body.
/// Handlers check everything before they change anything, so a failed request changes nothing.
typealias Handler = @Sendable (inout OrgState, OpContext) throws(APIFailure) -> JSON

/// Every operation's handler, by endpoint id.
enum Handlers {
    static let table: [String: Handler] = {
        var t: [String: Handler] = [:]
        AdminKeyHandlers.register(&t)
        ProjectHandlers.register(&t)
        ServiceAccountHandlers.register(&t)
        UserHandlers.register(&t)
        GroupHandlers.register(&t)
        RoleHandlers.register(&t)
        CertificateHandlers.register(&t)
        SettingHandlers.register(&t)
        SpendHandlers.register(&t)
        AuditLogHandlers.register(&t)
        UsageHandlers.register(&t)
        CheckpointHandlers.register(&t)
        ExternalHandlers.register(&t)
        IdentityProviderHandlers.register(&t)
        return t
    }()
}

extension Dictionary where Key == String, Value == Handler {
    /// Registers `handler` for the catalog operation `endpoint`.
    mutating func on(_ endpoint: Endpoint, _ handler: @escaping Handler) {
        self[endpoint.id] = handler
    }

    /// Registers the read of one top-level record of `kind`, named by the path parameter
    /// `param`; 404 naming `what`.
    mutating func onRetrieve(_ endpoint: Endpoint, _ kind: Kind, _ param: String, what: String) {
        on(endpoint) { (s, ctx) throws(APIFailure) in try s.record(kind, ctx.param(param), what: what, param: param).body }
    }
}

extension OrgState {
    /// The project, or 404.
    func project(_ id: String) throws(APIFailure) -> Record {
        guard let p = get(.project, id) else { throw .notFound("project", id, param: "project_id") }
        return p
    }

    /// The project, or 404; 400 when it is archived (archived projects refuse writes).
    func activeProject(_ id: String) throws(APIFailure) -> Record {
        let p = try project(id)
        if p.body["status"]?.stringValue == "archived" { throw .archived(id) }
        return p
    }

    /// The project the request's path names, or 404; with `writing`, 400 when it is archived.
    func project(_ ctx: OpContext, writing: Bool) throws(APIFailure) -> Record {
        let id = ctx.param("project_id")
        return writing ? try activeProject(id) : try project(id)
    }

    /// A record of `kind` under `parent`, or 404 naming `what`. For the kinds stored under
    /// `parent/id` (memberships), `id` is the member's.
    func child(_ kind: Kind, _ id: String, parent: String, what: String, param: String? = nil) throws(APIFailure) -> Record {
        guard let r = get(kind, kind.isMembership ? parent + "/" + id : id), r.parent == parent else { throw .notFound(what, id, param: param) }
        return r
    }

    /// The project the request's path names and the record of `kind` in it that the path
    /// parameter `param` names: 404 naming the project or `what`; with `writing`, 400 when the
    /// project is archived.
    func inProject(
        _ ctx: OpContext,
        _ kind: Kind,
        _ param: String,
        what: String,
        writing: Bool
    ) throws(APIFailure) -> (
        project: Record, record: Record
    ) {
        let project = try project(ctx, writing: writing)
        return (project, try child(kind, ctx.param(param), parent: project.id, what: what, param: param))
    }

    /// A top-level record of `kind`, or 404.
    func record(_ kind: Kind, _ id: String, what: String, param: String? = nil) throws(APIFailure) -> Record {
        guard let r = get(kind, id) else { throw .notFound(what, id, param: param) }
        return r
    }

    /// The project admin-key actions are attributed to (the oldest project).
    var defaultProject: Record? {
        let projects = records(.project)
        return projects.first { $0.body["status"]?.stringValue != "archived" } ?? projects.first
    }

    /// Writes an audit-log entry for a change, as the real API logs it.
    mutating func audit(_ type: String, _ ctx: OpContext, project: Record? = nil, details: JSON) {
        let p = project ?? defaultProject
        var body: JSON = .obj([
            "id": .string(IDs.auditLog(at: ctx.now)),
            "type": .string(type),
            "effective_at": .int(ctx.now),
        ])
        if let p {
            body["project"] = .obj(["id": .string(p.id), "name": p.body["name"] ?? .null])
        }
        body["actor"] = ctx.actor.auditJSON
        body[type] = details
        put(
            Record(
                kind: .auditLog,
                id: body["id"]!.stringValue!,
                body: body,
                hidden: .obj(["actor_id": .string(ctx.actor.keyID), "user_id": ctx.actor.userID.map(JSON.string) ?? .null])
            )
        )
    }

    /// Logs a change of `updated`'s role (`user.updated`, `service_account.updated`).
    mutating func auditRoleChange(_ type: String, _ ctx: OpContext, project: Record? = nil, _ updated: Record) {
        let id = updated.body["id"] ?? .string(updated.id)
        audit(type, ctx, project: project, details: .obj(["id": id, "changes_requested": .obj(["role": updated.body["role"] ?? .null])]))
    }

    /// The organization user behind an id, as the `owner` of an admin key.
    func ownerJSON(userID: String?) -> JSON {
        guard let userID, let u = get(.user, userID) else { return .obj(["type": "user"]) }
        return .obj([
            "type": "user", "object": "organization.user", "id": .string(u.id),
            "name": u.body["name"] ?? .null, "created_at": u.body["added_at"] ?? .null,
            "role": u.body["role"] ?? .null,
        ])
    }

    /// A deleted-object answer.
    static func deleted(_ object: String, _ id: String?) -> JSON {
        var out: JSON = .obj(["object": .string(object)])
        if let id { out["id"] = .string(id) }
        out["deleted"] = true
        return out
    }
}

extension JSON {
    /// A copy with the given fields replaced (nil values skipped).
    func merging(_ fields: [(String, JSON?)]) -> JSON {
        var out = self
        for (k, v) in fields { if let v { out[k] = v } }
        return out
    }
}
