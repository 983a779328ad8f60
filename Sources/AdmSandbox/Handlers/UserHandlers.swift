import AdmAPI

/// Organization users, project members and invites.
enum UserHandlers {
    static func register(_ t: inout [String: Handler]) {
        t.on(.listUsers) { (s, ctx) throws(APIFailure) in
            let emails = Set(ctx.query.array("emails").map { $0.lowercased() })
            return Pager.page(s, ctx, .user, where: emails.isEmpty ? nil : { emails.contains($0.body["email"]?.stringValue?.lowercased() ?? "") })
        }
        t.onRetrieve(.retrieveUser, .user, "user_id", what: "user")
        t.on(.modifyUser) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("user_id")
            let user = try s.record(.user, id, what: "user", param: "user_id")
            var role = ctx.string("role")
            if let roleID = ctx.string("role_id") {
                guard let r = s.role(roleID, projectID: nil) else { throw .notFound("role", roleID, param: "role_id") }
                role = r["name"]?.stringValue
            }
            if let role, !["owner", "reader"].contains(role) { throw .invalidValue("role", role, supported: ["owner", "reader"]) }
            if role == "reader", user.body["role"]?.stringValue == "owner", s.ownerCount() <= 1 {
                throw .invalid("The organization must keep at least one owner.", param: "role")
            }
            let updated = s.update(.user, id) { r in
                if let role { r.body["role"] = .string(role) }
                for f in ["technical_level", "developer_persona"] { if let v = ctx.string(f) { r.body[f] = .string(v) } }
            }!
            s.auditRoleChange("user.updated", ctx, updated)
            return updated.body
        }
        t.on(.deleteUser) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("user_id")
            let user = try s.record(.user, id, what: "user", param: "user_id")
            if user.body["role"]?.stringValue == "owner", s.ownerCount() <= 1 {
                throw .invalid("The organization's last owner cannot be removed.", param: "user_id")
            }
            for project in s.records(.project) { s.remove(.projectUser, project.id + "/" + id) }
            for g in s.records(.group) { s.remove(.groupUser, g.id + "/" + id) }
            s.remove(.user, id)
            s.audit("user.deleted", ctx, details: .obj(["id": .string(id)]))
            return OrgState.deleted("organization.user.deleted", id)
        }
        registerProjectUsers(&t)
        registerInvites(&t)
    }

    static func registerProjectUsers(_ t: inout [String: Handler]) {
        t.on(.listProjectUsers) { (s, ctx) throws(APIFailure) in
            let pid = try s.project(ctx, writing: false).id
            return Pager.page(s, ctx, .projectUser, parent: pid, cursorPrefix: pid + "/")
        }
        t.on(.createProjectUser) { (s, ctx) throws(APIFailure) in
            let project = try s.project(ctx, writing: true)
            let pid = project.id
            let role = ctx.string("role") ?? ""
            guard ["owner", "member"].contains(role) else { throw .invalidValue("role", role, supported: ["owner", "member"]) }
            let user: Record
            if let uid = ctx.string("user_id") {
                guard let u = s.get(.user, uid) else {
                    throw .invalid("User \(uid) is not a member of the organization; invite them first.", param: "user_id")
                }
                user = u
            } else if let email = ctx.string("email") {
                guard let u = s.records(.user).first(where: { $0.body["email"]?.stringValue?.lowercased() == email.lowercased() }) else {
                    throw .invalid("No member of the organization has the email \(email); invite them first.", param: "email")
                }
                user = u
            } else {
                throw .missingParameter("user_id")
            }
            if s.get(.projectUser, pid + "/" + user.id) != nil {
                throw .invalid("User \(user.id) is already a member of project \(pid).", param: "user_id")
            }
            let member = s.addProjectUser(projectID: pid, user: user, role: role, now: ctx.now)
            s.audit("user.added", ctx, project: project, details: .obj(["id": .string(user.id), "data": .obj(["role": .string(role)])]))
            return member.body
        }
        t.on(.retrieveProjectUser) { (s, ctx) throws(APIFailure) in
            try s.inProject(ctx, .projectUser, "user_id", what: "project member", writing: false).record.body
        }
        t.on(.modifyProjectUser) { (s, ctx) throws(APIFailure) in
            let (project, member) = try s.inProject(ctx, .projectUser, "user_id", what: "project member", writing: true)
            if let role = ctx.string("role"), !["owner", "member"].contains(role) {
                throw .invalidValue("role", role, supported: ["owner", "member"])
            }
            let updated = s.update(.projectUser, member.id) { r in
                if let role = ctx.string("role") { r.body["role"] = .string(role) }
            }!
            s.auditRoleChange("user.updated", ctx, project: project, updated)
            return updated.body
        }
        t.on(.deleteProjectUser) { (s, ctx) throws(APIFailure) in
            let (project, member) = try s.inProject(ctx, .projectUser, "user_id", what: "project member", writing: true)
            let uid = ctx.param("user_id")
            s.remove(.projectUser, member.id)
            s.audit("user.deleted", ctx, project: project, details: .obj(["id": .string(uid)]))
            return OrgState.deleted("organization.project.user.deleted", uid)
        }
    }

    static func registerInvites(_ t: inout [String: Handler]) {
        t.on(.listInvites) { (s, ctx) throws(APIFailure) in
            Pager.page(s, ctx, .invite)
        }
        t.on(.inviteUser) { (s, ctx) throws(APIFailure) in
            let email = ctx.string("email") ?? ""
            guard email.contains("@"), !email.hasPrefix("@"), !email.hasSuffix("@") else {
                throw .invalid("Invalid email address: '\(email)'.", param: "email", code: "invalid_value")
            }
            if s.records(.user).contains(where: { $0.body["email"]?.stringValue?.lowercased() == email.lowercased() }) {
                throw .invalid("\(email) is already a member of the organization.", param: "email")
            }
            var projects: [JSON] = []
            if let given = ctx.field("projects") {
                guard let list = given.arrayValue else { throw .invalidType("projects", expected: "an array", got: given) }
                for (i, p) in list.enumerated() {
                    guard let pid = p["id"]?.stringValue else { throw .missingParameter("projects[\(i)].id") }
                    let role = p["role"]?.stringValue ?? ""
                    guard ["member", "owner"].contains(role) else {
                        throw .invalidValue("projects[\(i)].role", role, supported: ["member", "owner"])
                    }
                    _ = try s.activeProject(pid)
                    projects.append(.obj(["id": .string(pid), "role": .string(role)]))
                }
            } else if let d = s.defaultProject {
                projects = [.obj(["id": .string(d.id), "role": "member"])]
            }
            let invite = s.create(.invite, IDs.invite()) { id in
                .obj([
                    "object": "organization.invite", "id": .string(id), "email": .string(email),
                    "role": .string(ctx.string("role") ?? "reader"), "status": "pending",
                    "created_at": .int(ctx.now), "expires_at": .int(ctx.now + 7 * 86400), "accepted_at": .null,
                    "projects": .array(projects),
                ])
            }
            let id = invite.id
            s.audit("invite.sent", ctx, details: .obj(["id": .string(id), "data": .obj(["email": .string(email), "role": invite.body["role"]!])]))
            return invite.body
        }
        t.onRetrieve(.retrieveInvite, .invite, "invite_id", what: "invite")
        t.on(.deleteInvite) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("invite_id")
            let invite = try s.record(.invite, id, what: "invite", param: "invite_id")
            if invite.body["status"]?.stringValue == "accepted" {
                throw .invalid("An accepted invite cannot be deleted.", param: "invite_id")
            }
            s.remove(.invite, id)
            s.audit("invite.deleted", ctx, details: .obj(["id": .string(id)]))
            return OrgState.deleted("organization.invite.deleted", id)
        }
    }
}

extension OrgState {
    func ownerCount() -> Int { records(.user).filter { $0.body["role"]?.stringValue == "owner" }.count }

    /// Adds a user to the organization.
    @discardableResult
    mutating func addUser(name: String, email: String, role: String, now: Int, id: String? = nil) -> Record {
        let uid = id ?? IDs.user()
        return put(
            Record(
                kind: .user,
                id: uid,
                body: .obj([
                    "object": "organization.user", "id": .string(uid), "name": .string(name), "email": .string(email),
                    "role": .string(role), "added_at": .int(now),
                ])
            )
        )
    }
}
