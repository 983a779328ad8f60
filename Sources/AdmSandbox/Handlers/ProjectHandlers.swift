import AdmAPI

/// Projects: list (archived ones only with `include_archived=true`), create, retrieve, modify,
/// archive. Projects cannot be deleted; an archived project refuses every write.
enum ProjectHandlers {
    static func register(_ t: inout [String: Handler]) {
        t.on(.listProjects) { (s, ctx) throws(APIFailure) in
            let includeArchived = ctx.query.bool("include_archived") ?? false
            return Pager.page(s, ctx, .project, where: includeArchived ? nil : { $0.body["status"]?.stringValue != "archived" })
        }
        t.on(.createProject) { (s, ctx) throws(APIFailure) in
            let name = ctx.string("name") ?? ""
            if name.trimmingCharacters(in: " ").isEmpty { throw .invalid("Project name must not be empty.", param: "name") }
            if let ek = ctx.string("external_key_id"), s.get(.externalKey, ek) == nil {
                throw .notFound("external key", ek, param: "external_key_id")
            }
            var project = s.createProject(
                name: name,
                now: ctx.now,
                residency: ctx.string("residency"),
                externalKeyID: ctx.string("external_key_id"),
                ownerUserID: ctx.actor.userID
            )
            if let geography = ctx.string("geography") {
                project = s.update(.project, project.id) { r in r.body["geography"] = .string(geography) }!
            }
            s.audit(
                "project.created",
                ctx,
                project: project,
                details: .obj(["id": .string(project.id), "data": .obj(["name": .string(name), "title": .string(name)])])
            )
            return project.body
        }
        t.on(.retrieveProject) { (s, ctx) throws(APIFailure) in
            try s.project(ctx.param("project_id")).body
        }
        t.on(.modifyProject) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("project_id")
            _ = try s.activeProject(id)
            if let name = ctx.string("name"), name.trimmingCharacters(in: " ").isEmpty {
                throw .invalid("Project name must not be empty.", param: "name")
            }
            if let ek = ctx.string("external_key_id"), s.get(.externalKey, ek) == nil {
                throw .notFound("external key", ek, param: "external_key_id")
            }
            let updated = s.update(.project, id) { r in
                if let name = ctx.string("name") { r.body["name"] = .string(name) }
                if ctx.body["external_key_id"] != nil { r.body["external_key_id"] = ctx.body["external_key_id"] }
                if let geography = ctx.string("geography") { r.body["geography"] = .string(geography) }
            }!
            s.audit(
                "project.updated",
                ctx,
                project: updated,
                details: .obj(["id": .string(id), "changes_requested": .obj(["title": updated.body["name"] ?? .null])])
            )
            return updated.body
        }
        t.on(.archiveProject) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("project_id")
            let p = try s.project(id)
            if p.body["status"]?.stringValue == "archived" { return p.body }
            if p.id == s.defaultProject?.id {
                throw .invalid("The default project cannot be archived.", param: "project_id")
            }
            let updated = s.update(.project, id) { r in
                r.body["status"] = "archived"
                r.body["archived_at"] = .int(ctx.now)
            }!
            s.audit("project.archived", ctx, project: updated, details: .obj(["id": .string(id)]))
            return updated.body
        }
    }
}

extension OrgState {
    /// Creates a project with its default rate limits, the creator as owner.
    mutating func createProject(
        name: String,
        now: Int,
        residency: String? = nil,
        externalKeyID: String? = nil,
        ownerUserID: String?,
        id: String? = nil
    ) -> Record {
        let projectID = id ?? IDs.project()
        var body: JSON = .obj([
            "id": .string(projectID),
            "object": "organization.project",
            "name": .string(name),
            "created_at": .int(now),
            "archived_at": .null,
            "status": "active",
        ])
        if let residency { body["residency"] = .string(residency) }
        if let externalKeyID { body["external_key_id"] = .string(externalKeyID) }
        let project = put(Record(kind: .project, id: projectID, body: body))
        for limit in RateLimitDefaults.models {
            put(Record(kind: .rateLimit, id: projectID + "/" + limit.id, parent: projectID, body: limit.json))
        }
        if let ownerUserID, let user = get(.user, ownerUserID) {
            addProjectUser(projectID: projectID, user: user, role: "owner", now: now)
        }
        return project
    }

    /// Adds an organization member to a project.
    @discardableResult
    mutating func addProjectUser(projectID: String, user: Record, role: String, now: Int) -> Record {
        let body: JSON = .obj([
            "object": "organization.project.user",
            "id": .string(user.id),
            "name": user.body["name"] ?? .null,
            "email": user.body["email"] ?? .null,
            "role": .string(role),
            "added_at": .int(now),
        ])
        return put(Record(kind: .projectUser, id: projectID + "/" + user.id, parent: projectID, body: body))
    }
}
