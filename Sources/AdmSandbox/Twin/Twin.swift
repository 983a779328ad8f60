import AdmAPI

/// A copy of a real organization, built from its snapshot (`snapshot FILE`): the same ids,
/// names, emails, roles, memberships, groups, service accounts, keys (by id, name, redacted
/// value, owner, access, times), settings and archived projects, so a script or a job can be
/// rehearsed on it before it touches the organization. A twin's own snapshot diffs clean
/// against the file it was built from.
///
/// Key values are never in a snapshot, so the twin's keys get values of their own that nobody
/// holds; who calls the twin does so with stand-ins (`StandIns`): keys that authenticate with a
/// given permission profile and appear in no listing, so they change nothing a diff would see.
enum Twin {
    /// What a twin is built from: the snapshot, checked.
    struct Source {
        let document: JSON
        let version: Int

        init(_ document: JSON) throws(SandboxError) {
            guard document["object"]?.stringValue == "organization.snapshot" else {
                throw .badRequest("not a snapshot: a twin is built from a file `snapshot FILE` wrote (its \"object\" is organization.snapshot)")
            }
            let version = document["version"]?.intValue ?? 0
            guard (1...2).contains(version) else {
                throw .badRequest("snapshot version \(version) is not one this adm reads (1 or 2); a newer adm wrote it")
            }
            self.document = document
            self.version = version
        }
    }

    /// The organization in `snapshot`, and what it could not carry over (parts the snapshot
    /// could not read, fields an older version did not record).
    static func build(_ snapshot: JSON, now: Int) throws(SandboxError) -> (state: OrgState, notes: [String]) {
        let source = try Source(snapshot)
        var b = Builder(doc: source.document, now: now)
        if source.version < 2 {
            b.notes.append(
                "this snapshot is version 1: it has no join times, key last use or expiry, invite ids, archive times, "
                    + "model or hosted-tool permissions; the twin uses the API's defaults for them (take a new snapshot for all of it)"
            )
        }
        b.build()
        b.state.discardChanges()
        return (b.state, b.notes)
    }

    /// A twin with stand-ins under the fixture keys' names (`secrets` keeps their values, as a
    /// reset does).
    static func withFixtures(
        _ snapshot: JSON,
        now: Int,
        secrets: [String: String] = [:]
    ) throws(SandboxError) -> (
        state: OrgState, keys: FixtureKeys, notes: [String]
    ) {
        var (state, notes) = try build(snapshot, now: now)
        let keys = state.fixtureStandIns(now: now, secrets: secrets)
        state.discardChanges()
        return (state, keys, notes)
    }

    /// Builds the state part by part.
    struct Builder {
        let doc: JSON
        let now: Int
        var state: OrgState
        var notes: [String] = []

        init(doc: JSON, now: Int) {
            self.doc = doc
            self.now = now
            state = OrgState(organizationID: doc["organization"]?.stringValue ?? IDs.organization(), organizationName: "Twin")
        }

        /// The items of a list part, or none with a note when the snapshot could not read it.
        mutating func items(_ value: JSON?, _ what: String) -> [JSON] {
            guard let value, value != .null else { return [] }
            if let reason = Self.unreadable(value) {
                notes.append("\(what) could not be read when the snapshot was taken (\(reason)): the twin has none")
                return []
            }
            return value.arrayValue ?? []
        }

        /// A single setting part, or nil (not set, or unreadable with a note).
        mutating func setting(_ value: JSON?, _ what: String) -> JSON? {
            guard let value, value != .null else { return nil }
            if let reason = Self.unreadable(value) {
                notes.append("\(what) could not be read when the snapshot was taken (\(reason)): the twin uses the default")
                return nil
            }
            return value.objectValue == nil ? nil : value
        }

        static func unreadable(_ value: JSON) -> String? {
            guard case .object(let members) = value, members.count == 1, members[0].key == "unreadable" else { return nil }
            return members[0].value.stringValue ?? "unreadable"
        }

        mutating func build() {
            state.setMeta("twin", doc["taken_at"]?.stringValue ?? "")
            users()
            roles()
            groups()
            invites()
            adminKeys()
            for alert in items(doc["spend_alerts"], "the organization's spend alerts") {
                put(.spendAlert, alert, parent: "", object: "organization.spend_alert")
            }
            if let limit = setting(doc["spend_limit"], "the organization's spend limit") { state.putSetting("org/spend_limit", limit) }
            if let retention = setting(doc["data_retention"], "the organization's data retention") {
                state.putSetting("org/data_retention", retention)
            }
            for project in items(doc["projects"], "the projects") { self.project(project) }
        }

        /// Stores `item` as a record of `kind`, its body the item with the API's `object`.
        @discardableResult
        mutating func put(_ kind: Kind, _ item: JSON, id: String? = nil, parent: String, object: String, hidden: JSON = .object([])) -> Record? {
            guard let id = id ?? item["id"]?.stringValue, !id.isEmpty else { return nil }
            var body: JSON = .obj(["object": .string(object)])
            for member in item.objectValue ?? [] where member.key != "object" { body[member.key] = member.value }
            return state.put(Record(kind: kind, id: id, parent: parent, body: body, hidden: hidden))
        }

        var userByEmail: [String: Record] {
            Dictionary(
                state.records(.user).compactMap { u in u.body["email"]?.stringValue.map { ($0.lowercased(), u) } },
                uniquingKeysWith: { a, _ in a }
            )
        }

        mutating func users() {
            for user in items(doc["users"], "the users") {
                var body = user
                if body["added_at"] == nil { body["added_at"] = .int(now) }
                put(.user, body, parent: "", object: "organization.user")
            }
        }

        /// The organization's roles as the snapshot has them (predefined ones included), in
        /// place of the sandbox's own.
        mutating func roles() {
            let roles = items(doc["roles"], "the organization's roles")
            guard !roles.isEmpty else { return }
            state.setMeta("twin_roles", "1")
            for role in roles { put(.role, role, parent: "", object: "role") }
        }

        mutating func groups() {
            let people = userByEmail
            for group in items(doc["groups"], "the groups") {
                var body = group
                body["members"] = nil
                if body["created_at"] == nil { body["created_at"] = .int(now) }
                guard let g = put(.group, body, parent: "", object: "group") else { continue }
                for member in group["members"]?.arrayValue ?? [] {
                    guard let email = member.stringValue, let user = people[email.lowercased()] else {
                        notes.append(
                            "group \(g.body["name"]?.stringValue ?? g.id): member \(member.serialized()) is not a user in the snapshot; left out"
                        )
                        continue
                    }
                    state.put(
                        Record(
                            kind: .groupUser,
                            id: g.id + "/" + user.id,
                            parent: g.id,
                            body: .obj([
                                "id": .string(user.id), "name": user.body["name"] ?? "", "email": user.body["email"] ?? .null,
                                "picture": .null, "is_service_account": false, "user_type": "user",
                            ])
                        )
                    )
                }
            }
        }

        mutating func invites() {
            for invite in items(doc["invites"], "the invites") {
                var body = invite
                let id = invite["id"]?.stringValue ?? IDs.invite()
                body["id"] = .string(id)
                if body["created_at"] == nil { body["created_at"] = .int(now) }
                if body["expires_at"] == nil { body["expires_at"] = .int(now + 7 * 86400) }
                if body["accepted_at"] == nil { body["accepted_at"] = .null }
                put(.invite, body, id: id, parent: "", object: "organization.invite")
            }
        }

        /// Admin keys: their values are unknown, so each gets one nobody holds; what they may do
        /// is unknown too (the API does not list it), so they may do everything.
        mutating func adminKeys() {
            for key in items(doc["admin_keys"], "the admin keys") {
                let owner = key["owner"]?["id"]?.stringValue
                let hidden: JSON = .obj([
                    "secret": .string(IDs.adminSecret()), "profile": "all", "created_profile": "all",
                    "user_id": owner.map(JSON.string) ?? .null,
                ])
                put(.adminKey, key, parent: "", object: "organization.admin_api_key", hidden: hidden)
            }
        }

        mutating func project(_ project: JSON) {
            guard let pid = project["id"]?.stringValue else { return }
            let name = project["name"]?.stringValue ?? pid
            var body: JSON = .obj([:])
            for field in ["id", "name", "created_at", "archived_at", "status"] { body[field] = project[field] ?? .null }
            if body["status"] == .null { body["status"] = "active" }
            if body["created_at"] == .null { body["created_at"] = .int(now) }
            put(.project, body, parent: "", object: "organization.project")
            for member in items(project["members"], "the members of \(name)") {
                guard let uid = member["id"]?.stringValue else { continue }
                var m = member
                if m["added_at"] == nil { m["added_at"] = .int(now) }
                put(.projectUser, m, id: pid + "/" + uid, parent: pid, object: "organization.project.user")
            }
            for group in items(project["groups"], "the groups of \(name)") {
                guard let gid = group["group_id"]?.stringValue else { continue }
                var g: JSON = .obj(["project_id": .string(pid)])
                for member in group.objectValue ?? [] where member.key != "role" { g[member.key] = member.value }
                if g["group_type"] == nil { g["group_type"] = "group" }
                if g["created_at"] == nil { g["created_at"] = .int(now) }
                let role = group["role"]?.stringValue ?? "role-api-project-member__api-project__\(pid)"
                put(.projectGroup, g, id: pid + "/" + gid, parent: pid, object: "project.group", hidden: .obj(["role": .string(role)]))
            }
            for account in items(project["service_accounts"], "the service accounts of \(name)") {
                var a = account
                if a["created_at"] == nil { a["created_at"] = .int(now) }
                put(.serviceAccount, a, parent: pid, object: "organization.project.service_account")
            }
            for key in items(project["keys"], "the keys of \(name)") { projectKey(key, pid) }
            for limit in items(project["rate_limits"], "the rate limits of \(name)") {
                guard let id = limit["id"]?.stringValue else { continue }
                put(.rateLimit, limit, id: pid + "/" + id, parent: pid, object: "project.rate_limit")
            }
            for alert in items(project["spend_alerts"], "the spend alerts of \(name)") {
                put(.spendAlert, alert, parent: pid, object: "project.spend_alert")
            }
            for (field, what) in [
                ("spend_limit", "spend limit"), ("data_retention", "data retention"), ("model_permissions", "model permissions"),
                ("hosted_tool_permissions", "hosted-tool permissions"),
            ] {
                if let value = setting(project[field], "the \(what) of \(name)") { state.putSetting(pid + "/" + field, value) }
            }
        }

        /// A project key, owned by a user or a service account as the snapshot says.
        mutating func projectKey(_ key: JSON, _ pid: String) {
            var body = key
            if body["owner_project_access"] == nil { body["owner_project_access"] = "active" }
            let owner = key["owner"]
            var hidden: [JSON.Member] = [JSON.Member("scopes", .array([]))]
            if owner?["type"]?.stringValue == "service_account" {
                hidden.insert(JSON.Member("secret", .string(IDs.serviceAccountSecret())), at: 0)
                hidden.append(JSON.Member("service_account_id", owner?["service_account"]?["id"] ?? .null))
            } else {
                hidden.insert(JSON.Member("secret", .string(IDs.projectSecret())), at: 0)
                hidden.append(JSON.Member("user_id", owner?["user"]?["id"] ?? .null))
            }
            put(.projectKey, body, parent: pid, object: "organization.project.api_key", hidden: .object(hidden))
        }
    }
}
