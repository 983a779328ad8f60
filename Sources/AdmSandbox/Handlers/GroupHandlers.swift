import AdmAPI

/// Groups, their members, and groups' access to projects.
enum GroupHandlers {
    static func register(_ t: inout [String: Handler]) {
        t.on(.listGroups) { (s, ctx) throws(APIFailure) in
            Pager.page(s, ctx, .group)
        }
        t.on(.createGroup) { (s, ctx) throws(APIFailure) in
            let name = try groupName(ctx)
            let g = s.create(.group, IDs.group()) { id in
                .obj([
                    "object": "group", "id": .string(id), "name": .string(name), "created_at": .int(ctx.now),
                    "is_scim_managed": false, "group_type": "group",
                ])
            }
            let id = g.id
            s.audit("group.created", ctx, details: .obj(["id": .string(id), "data": .obj(["group_name": .string(name)])]))
            return g.body
        }
        t.onRetrieve(.retrieveGroup, .group, "group_id", what: "group")
        t.on(.updateGroup) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("group_id")
            _ = try s.record(.group, id, what: "group", param: "group_id")
            let name = try groupName(ctx)
            let g = s.update(.group, id) { r in r.body["name"] = .string(name) }!
            for pg in s.table(.projectGroup).all where pg.body["group_id"]?.stringValue == id {
                s.update(.projectGroup, pg.id) { r in r.body["group_name"] = .string(name) }
            }
            s.audit("group.updated", ctx, details: .obj(["id": .string(id), "changes_requested": .obj(["group_name": .string(name)])]))
            return .obj([
                "id": .string(id), "name": .string(name), "created_at": g.body["created_at"]!, "is_scim_managed": g.body["is_scim_managed"]!,
            ])
        }
        t.on(.deleteGroup) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("group_id")
            _ = try s.record(.group, id, what: "group", param: "group_id")
            for m in s.records(.groupUser, parent: id) { s.remove(.groupUser, m.id) }
            for pg in s.table(.projectGroup).all where pg.body["group_id"]?.stringValue == id { s.remove(.projectGroup, pg.id) }
            for a in s.table(.roleAssignment).all where a.hidden["principal_id"]?.stringValue == id { s.remove(.roleAssignment, a.id) }
            s.remove(.group, id)
            s.audit("group.deleted", ctx, details: .obj(["id": .string(id)]))
            return OrgState.deleted("group.deleted", id)
        }
        registerMembers(&t)
        registerProjectGroups(&t)
    }

    static func groupName(_ ctx: OpContext) throws(APIFailure) -> String {
        let name = ctx.string("name") ?? ""
        if name.isEmpty {
            throw .invalid(
                "Invalid 'name': string too short. Expected a string with minimum length 1, but got an empty string instead.",
                param: "name",
                code: "string_below_min_length"
            )
        }
        if name.count > 255 {
            throw .invalid(
                "Invalid 'name': string too long. Expected a string with maximum length 255, but got a string with length \(name.count) instead.",
                param: "name",
                code: "string_above_max_length"
            )
        }
        return name
    }

    static func registerMembers(_ t: inout [String: Handler]) {
        t.on(.listGroupUsers) { (s, ctx) throws(APIFailure) in
            let gid = ctx.param("group_id")
            _ = try s.record(.group, gid, what: "group", param: "group_id")
            return Pager.page(
                s,
                ctx,
                .groupUser,
                parent: gid,
                cursorPrefix: gid + "/",
                render: { r in .obj(["id": r.body["id"]!, "name": r.body["name"]!, "email": r.body["email"] ?? .null]) }
            )
        }
        t.on(.addGroupUser) { (s, ctx) throws(APIFailure) in
            let gid = ctx.param("group_id")
            _ = try s.record(.group, gid, what: "group", param: "group_id")
            let uid = ctx.string("user_id") ?? ""
            let user = try s.record(.user, uid, what: "user", param: "user_id")
            s.createOnce(.groupUser, gid + "/" + uid, parent: gid) {
                .obj([
                    "id": .string(uid), "name": user.body["name"] ?? "", "email": user.body["email"] ?? .null,
                    "picture": .null, "is_service_account": false, "user_type": "user",
                ])
            }
            return .obj(["object": "group.user", "user_id": .string(uid), "group_id": .string(gid)])
        }
        t.on(.retrieveGroupUser) { (s, ctx) throws(APIFailure) in
            try s.groupMember(ctx).body
        }
        t.on(.removeGroupUser) { (s, ctx) throws(APIFailure) in
            s.remove(.groupUser, try s.groupMember(ctx).id)
            return OrgState.deleted("group.user.deleted", nil)
        }
    }

    static func registerProjectGroups(_ t: inout [String: Handler]) {
        t.on(.listProjectGroups) { (s, ctx) throws(APIFailure) in
            let pid = try s.project(ctx, writing: false).id
            return Pager.page(ctx, items: s.records(.projectGroup, parent: pid).map(\.body), id: { $0["group_id"]?.stringValue })
        }
        t.on(.addProjectGroup) { (s, ctx) throws(APIFailure) in
            let project = try s.project(ctx, writing: true)
            let pid = project.id
            let gid = ctx.string("group_id") ?? ""
            let group = try s.record(.group, gid, what: "group", param: "group_id")
            let roleID = ctx.string("role") ?? ""
            guard s.role(roleID, projectID: pid) != nil else { throw .notFound("project role", roleID, param: "role") }
            let body: JSON = .obj([
                "object": "project.group", "project_id": .string(pid), "group_id": .string(gid),
                "group_name": group.body["name"]!, "group_type": group.body["group_type"] ?? "group", "created_at": .int(ctx.now),
            ])
            s.put(Record(kind: .projectGroup, id: pid + "/" + gid, parent: pid, body: body, hidden: .obj(["role": .string(roleID)])))
            s.audit(
                "role.assignment.created",
                ctx,
                project: project,
                details: .obj([
                    "id": .string(roleID), "principal_id": .string(gid), "principal_type": "group",
                    "resource_id": .string(pid), "resource_type": "api.project",
                ])
            )
            return body
        }
        t.on(.retrieveProjectGroup) { (s, ctx) throws(APIFailure) in
            try s.inProject(ctx, .projectGroup, "group_id", what: "project group", writing: false).record.body
        }
        t.on(.removeProjectGroup) { (s, ctx) throws(APIFailure) in
            s.remove(.projectGroup, try s.inProject(ctx, .projectGroup, "group_id", what: "project group", writing: true).record.id)
            return OrgState.deleted("project.group.deleted", nil)
        }
    }
}

extension OrgState {
    /// The member of the group the request's path names, the user its path names: 404 naming the
    /// group or the member.
    fileprivate func groupMember(_ ctx: OpContext) throws(APIFailure) -> Record {
        let group = try record(.group, ctx.param("group_id"), what: "group", param: "group_id")
        return try child(.groupUser, ctx.param("user_id"), parent: group.id, what: "group member", param: "user_id")
    }
}
