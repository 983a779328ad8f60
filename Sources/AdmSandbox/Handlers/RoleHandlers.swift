import AdmAPI

/// Roles (organization and project, predefined and custom) and their assignments to users and
/// groups. Predefined role ids follow the shape a third party observed:
/// `role-api-organization-owner__api-organization__<org_id>`.
enum RoleHandlers {
    static let organizationRoles: [(String, String, [String])] = [
        (
            "owner", "Can manage everything in the organization.",
            [
                "api.organization.read", "api.organization.write", "api.groups.read", "api.groups.write", "api.organization.projects.api_keys.read",
                "api.organization.projects.api_keys.write",
            ]
        ),
        ("reader", "Can view the organization.", ["api.organization.read", "api.groups.read", "api.organization.projects.api_keys.read"]),
    ]
    static let projectRoles: [(String, String, [String])] = [
        (
            "owner", "Can manage the project and its members.",
            ["api.project.read", "api.project.write", "api.model.request", "api.files.read", "api.files.write"]
        ),
        ("member", "Can use the project.", ["api.project.read", "api.model.request", "api.files.read", "api.files.write"]),
        ("viewer", "Can view the project.", ["api.project.read", "api.files.read"]),
    ]

    static func register(_ t: inout [String: Handler]) {
        // Organization roles.
        t.on(.listRoles) { (s, ctx) throws(APIFailure) in
            Pager.page(ctx, items: s.roles(projectID: nil))
        }
        t.on(.createRole) { (s, ctx) throws(APIFailure) in try createRole(&s, ctx, projectID: nil) }
        t.on(.retrieveRole) { (s, ctx) throws(APIFailure) in
            guard let r = s.role(ctx.param("role_id"), projectID: nil) else { throw .notFound("role", ctx.param("role_id"), param: "role_id") }
            return r
        }
        t.on(.updateRole) { (s, ctx) throws(APIFailure) in try updateRole(&s, ctx, projectID: nil) }
        t.on(.deleteRole) { (s, ctx) throws(APIFailure) in try deleteRole(&s, ctx, projectID: nil) }
        // Project roles.
        t.on(.listProjectRoles) { (s, ctx) throws(APIFailure) in
            let pid = ctx.param("project_id")
            _ = try s.project(pid)
            return Pager.page(ctx, items: s.roles(projectID: pid))
        }
        t.on(.createProjectRole) { (s, ctx) throws(APIFailure) in
            _ = try s.activeProject(ctx.param("project_id"))
            return try createRole(&s, ctx, projectID: ctx.param("project_id"))
        }
        t.on(.retrieveProjectRole) { (s, ctx) throws(APIFailure) in
            let pid = ctx.param("project_id")
            _ = try s.project(pid)
            guard let r = s.role(ctx.param("role_id"), projectID: pid) else { throw .notFound("role", ctx.param("role_id"), param: "role_id") }
            return r
        }
        t.on(.updateProjectRole) { (s, ctx) throws(APIFailure) in
            _ = try s.activeProject(ctx.param("project_id"))
            return try updateRole(&s, ctx, projectID: ctx.param("project_id"))
        }
        t.on(.deleteProjectRole) { (s, ctx) throws(APIFailure) in
            _ = try s.activeProject(ctx.param("project_id"))
            return try deleteRole(&s, ctx, projectID: ctx.param("project_id"))
        }
        registerAssignments(&t)
    }

    static func createRole(_ s: inout OrgState, _ ctx: OpContext, projectID: String?) throws(APIFailure) -> JSON {
        let name = ctx.string("role_name") ?? ""
        if name.isEmpty { throw .invalid("Role name must not be empty.", param: "role_name") }
        if s.roles(projectID: projectID).contains(where: { $0["name"]?.stringValue == name }) {
            throw .invalid("A role named '\(name)' already exists.", param: "role_name")
        }
        let id = IDs.role()
        let body: JSON = .obj([
            "object": "role", "id": .string(id), "name": .string(name),
            "description": ctx.field("description") ?? .null,
            "permissions": ctx.field("permissions") ?? .array([]),
            "resource_type": .string(projectID == nil ? "api.organization" : "api.project"),
            "predefined_role": false,
        ])
        s.put(Record(kind: .role, id: id, parent: projectID ?? "", body: body, hidden: .obj(["created_at": .int(ctx.now)])))
        s.audit(
            "role.created",
            ctx,
            details: .obj([
                "id": .string(id), "role_name": .string(name), "permissions": body["permissions"]!,
                "resource_type": body["resource_type"]!, "resource_id": .string(projectID ?? s.organizationID),
            ])
        )
        return body
    }

    static func updateRole(_ s: inout OrgState, _ ctx: OpContext, projectID: String?) throws(APIFailure) -> JSON {
        let id = ctx.param("role_id")
        guard let existing = s.role(id, projectID: projectID) else { throw .notFound("role", id, param: "role_id") }
        if existing["predefined_role"]?.boolValue == true { throw .invalid("Predefined roles cannot be changed.", param: "role_id") }
        if let name = ctx.string("role_name"), name.isEmpty { throw .invalid("Role name must not be empty.", param: "role_name") }
        let updated = s.update(.role, id) { r in
            if let name = ctx.string("role_name") { r.body["name"] = .string(name) }
            if let d = ctx.field("description") { r.body["description"] = d }
            if let p = ctx.field("permissions") { r.body["permissions"] = p }
        }!
        s.audit("role.updated", ctx, details: .obj(["id": .string(id), "changes_requested": .obj(["role_name": updated.body["name"]!])]))
        return updated.body
    }

    static func deleteRole(_ s: inout OrgState, _ ctx: OpContext, projectID: String?) throws(APIFailure) -> JSON {
        let id = ctx.param("role_id")
        guard let existing = s.role(id, projectID: projectID) else { throw .notFound("role", id, param: "role_id") }
        if existing["predefined_role"]?.boolValue == true { throw .invalid("Predefined roles cannot be deleted.", param: "role_id") }
        for a in s.table(.roleAssignment).all where a.body["role_id"]?.stringValue == id { s.remove(.roleAssignment, a.id) }
        s.remove(.role, id)
        s.audit("role.deleted", ctx, details: .obj(["id": .string(id)]))
        return OrgState.deleted("role.deleted", id)
    }

    /// The four assignment families: org users, org groups, project users, project groups.
    enum Principal { case user, group }

    static func registerAssignments(_ t: inout [String: Handler]) {
        let families: [(list: Endpoint, assign: Endpoint, retrieve: Endpoint, unassign: Endpoint, principal: Principal, project: Bool)] = [
            (.listUserRoleAssignments, .assignUserRole, .retrieveUserRole, .unassignUserRole, .user, false),
            (.listGroupRoleAssignments, .assignGroupRole, .retrieveGroupRole, .unassignGroupRole, .group, false),
            (
                .listProjectUserRoleAssignments, .assignProjectUserRole, .retrieveProjectUserRole, .unassignProjectUserRole, .user,
                true
            ),
            (
                .listProjectGroupRoleAssignments, .assignProjectGroupRole, .retrieveProjectGroupRole, .unassignProjectGroupRole,
                .group, true
            ),
        ]
        for f in families {
            t.on(f.list) { (s, ctx) throws(APIFailure) in
                let (scope, _, pid) = try principalScope(s, ctx, f.principal, project: f.project, writing: false)
                let items = s.records(.roleAssignment, parent: scope).compactMap { a in assignedRole(s, a, projectID: pid) }
                return Pager.page(ctx, items: items)
            }
            t.on(f.assign) { (s, ctx) throws(APIFailure) in
                let (scope, principal, pid) = try principalScope(s, ctx, f.principal, project: f.project, writing: true)
                let roleID = ctx.string("role_id") ?? ""
                guard let role = s.role(roleID, projectID: pid) else { throw .notFound("role", roleID, param: "role_id") }
                let hidden: JSON = .obj(["principal_id": .string(principal.id), "principal_type": .string(f.principal == .user ? "user" : "group")])
                if s.createOnce(
                    .roleAssignment,
                    scope + "|" + roleID,
                    parent: scope,
                    hidden: hidden,
                    body: {
                        .obj(["role_id": .string(roleID), "created_at": .int(ctx.now), "created_by": .string(ctx.actor.keyID)])
                    }
                ) {
                    s.audit("role.assignment.created", ctx, details: assignment(s, roleID, principal, f.principal, projectID: pid))
                }
                switch f.principal {
                case .user:
                    return .obj(["object": "user.role", "user": principal.body, "role": role])
                case .group:
                    return .obj([
                        "object": "group.role",
                        "group": .obj([
                            "object": "group", "id": .string(principal.id), "name": principal.body["name"]!,
                            "created_at": principal.body["created_at"]!, "scim_managed": principal.body["is_scim_managed"] ?? false,
                        ]), "role": role,
                    ])
                }
            }
            t.on(f.retrieve) { (s, ctx) throws(APIFailure) in
                let (scope, _, pid) = try principalScope(s, ctx, f.principal, project: f.project, writing: false)
                let roleID = ctx.param("role_id")
                guard let a = s.get(.roleAssignment, scope + "|" + roleID), let details = assignedRole(s, a, projectID: pid) else {
                    throw .notFound("role assignment", roleID, param: "role_id")
                }
                return details
            }
            t.on(f.unassign) { (s, ctx) throws(APIFailure) in
                let (scope, principal, pid) = try principalScope(s, ctx, f.principal, project: f.project, writing: true)
                let roleID = ctx.param("role_id")
                guard s.remove(.roleAssignment, scope + "|" + roleID) != nil else { throw .notFound("role assignment", roleID, param: "role_id") }
                s.audit("role.assignment.deleted", ctx, details: assignment(s, roleID, principal, f.principal, projectID: pid))
                return OrgState.deleted(f.principal == .user ? "user.role.deleted" : "group.role.deleted", nil)
            }
        }
    }

    /// The assignment scope key, the principal's record, and the project (for project families).
    static func principalScope(
        _ s: OrgState,
        _ ctx: OpContext,
        _ principal: Principal,
        project: Bool,
        writing: Bool
    ) throws(APIFailure) -> (String, Record, String?) {
        var pid: String?
        if project {
            pid = ctx.param("project_id")
            _ = writing ? try s.activeProject(pid!) : try s.project(pid!)
        }
        let record: Record
        switch principal {
        case .user: record = try s.record(.user, ctx.param("user_id"), what: "user", param: "user_id")
        case .group: record = try s.record(.group, ctx.param("group_id"), what: "group", param: "group_id")
        }
        let scope = (pid.map { "proj:\($0):" } ?? "org:") + (principal == .user ? "user:" : "group:") + record.id
        return (scope, record, pid)
    }

    /// What the audit log says of an assignment: the role, to whom, on what.
    static func assignment(_ s: OrgState, _ roleID: String, _ principal: Record, _ type: Principal, projectID pid: String?) -> JSON {
        .obj([
            "id": .string(roleID), "principal_id": .string(principal.id), "principal_type": .string(type == .user ? "user" : "group"),
            "resource_id": .string(pid ?? s.organizationID), "resource_type": .string(pid == nil ? "api.organization" : "api.project"),
        ])
    }

    /// An assignment as `AssignedRoleDetails`.
    static func assignedRole(_ s: OrgState, _ a: Record, projectID: String?) -> JSON? {
        guard let roleID = a.body["role_id"]?.stringValue, let role = s.role(roleID, projectID: projectID) else { return nil }
        let source: JSON = .obj(["principal_id": a.hidden["principal_id"] ?? .null, "principal_type": a.hidden["principal_type"] ?? .null])
        let created: JSON = a.body["created_at"] ?? .null
        let members: [JSON.Member] = [
            JSON.Member("id", .string(roleID)), JSON.Member("name", role["name"] ?? ""),
            JSON.Member("permissions", role["permissions"] ?? .array([])),
            JSON.Member("resource_type", role["resource_type"] ?? ""),
            JSON.Member("predefined_role", role["predefined_role"] ?? false),
            JSON.Member("description", role["description"] ?? .null), JSON.Member("created_at", created),
            JSON.Member("updated_at", created), JSON.Member("created_by", a.body["created_by"] ?? .null),
            JSON.Member("created_by_user_obj", .null), JSON.Member("metadata", .null),
            JSON.Member("assignment_sources", .array([source])),
        ]
        return .object(members)
    }
}

extension OrgState {
    /// Predefined then custom roles of the organization (projectID nil) or a project.
    func roles(projectID: String?) -> [JSON] {
        // A twin holds the organization's roles as the snapshot had them, predefined ones too.
        if projectID == nil, meta["twin_roles"] == "1" { return records(.role, parent: "").map(\.body) }
        let predefined = (projectID == nil ? RoleHandlers.organizationRoles : RoleHandlers.projectRoles).map { name, description, permissions in
            predefinedRole(name, description: description, permissions: permissions, projectID: projectID)
        }
        return predefined + records(.role, parent: projectID ?? "").map(\.body)
    }

    /// One role by id, in the organization or a project.
    func role(_ id: String, projectID: String?) -> JSON? {
        if let custom = get(.role, id), custom.parent == (projectID ?? "") { return custom.body }
        return roles(projectID: projectID).first { $0["id"]?.stringValue == id }
    }

    func predefinedRole(_ name: String, description: String, permissions: [String], projectID: String?) -> JSON {
        let id =
            projectID.map { "role-api-project-\(name)__api-project__\($0)" } ?? "role-api-organization-\(name)__api-organization__\(organizationID)"
        return .obj([
            "object": "role", "id": .string(id), "name": .string(name), "description": .string(description),
            "permissions": .array(permissions.map(JSON.string)),
            "resource_type": .string(projectID == nil ? "api.organization" : "api.project"), "predefined_role": true,
        ])
    }
}
