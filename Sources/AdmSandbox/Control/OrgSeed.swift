import AdmAPI

/// `sandbox seed org [--seed N]`: a realistic organization for the jobs administrators come
/// for, the same for the same seed (ids included; times relative to now). On top of the
/// fixtures it adds about 20 projects (one archived, with keys), 30 users with organization and
/// project roles, people who left projects and people removed from the organization (their
/// keys stay, `owner_project_access: inactive`), service accounts with one or two keys, user
/// keys that were never used or are idle past 90 days, admin keys including stale ones and one
/// whose owner left, pending invites with projects, and an audit-log event for each of these.
/// Usage and costs follow from the keys (`UsageModel`): a key has usage between its creation
/// and its last use, so never-used keys have none.
struct OrgSeed {
    var g: SeededGenerator
    let now: Int
    /// The audit-log events, kept until the end (they are written last, oldest first).
    var events: [(time: Int, type: String, project: Record?, actor: Record?, details: JSON)] = []

    static let day = 86400

    static let firstNames = [
        "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kira", "Liam", "Maya", "Noah", "Olga",
        "Priya", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wei", "Xenia", "Yusuf", "Zoe", "Amir", "Bea", "Carl",
    ]
    static let lastNames = [
        "Lovelace", "Okafor", "Martin", "Patel", "Rossi", "Haddad", "Hopper", "Tanaka", "Silva", "Berg", "Novak", "Walsh", "Singh",
        "Cohen", "Ivanova", "Rao", "Murphy", "Garcia", "Larsen", "Kim", "Farouk", "Petrova", "Zhang", "Moreau", "Demir", "Ng",
        "Karimi", "Schulz", "Dubois",
    ]
    static let projectNames = [
        "Search", "Support Bot", "Data Platform", "Billing", "Mobile App", "Research", "Marketing Copy", "Internal Tools",
        "Fraud Detection", "Analytics", "Customer Success", "Recruiting", "Legal Review", "Docs Assistant", "Voice Agent",
        "Evaluations", "Experiments", "Partner API", "Legacy Import",
    ]
    static let serviceAccountNames = ["ci-bot", "etl-pipeline", "deploy", "eval-runner", "nightly-batch", "support-sync"]
    static let keyNames = ["laptop", "notebook", "prod", "staging", "local-dev", "script", "prototype"]

    /// Builds the organization into `s`; returns what was seeded (for `sandbox info`).
    static func build(_ s: inout OrgState, seed: UInt64, now: Int) throws(APIFailure) -> JSON {
        if let seeded = s.meta["seeded"], !seeded.isEmpty {
            throw APIFailure.invalid("this sandbox was seeded already (sandbox reset first)")
        }
        var b = OrgSeed(g: SeededGenerator(seed: seed), now: now)
        b.build(&s)
        s.setMeta("seeded", String(seed))
        return summary(s, seed: seed)
    }

    func ago(days: Int) -> Int { now - days * Self.day - (now % Self.day) / 3 }

    mutating func id(_ prefix: String, _ count: Int) -> String { prefix + IDs.random(count, using: &g) }

    mutating func build(_ s: inout OrgState) {
        let founder = s.records(.user).first { $0.body["role"]?.stringValue == "owner" }
        // People.
        var users: [Record] = []
        let lastNames = Self.lastNames.shuffled(using: &g)
        for (i, first) in Self.firstNames.enumerated() {
            let last = lastNames[i % lastNames.count]
            let added = ago(days: g.pick(120...900))
            let role = i < 3 ? "owner" : "reader"
            let user = s.addUser(
                name: "\(first) \(last)",
                email: "\(first.lowercased()).\(last.lowercased())@example.com",
                role: role,
                now: added,
                id: id("user-", 24)
            )
            users.append(user)
            events.append((added, "user.added", nil, founder, .obj(["id": .string(user.id), "data": .obj(["role": .string(role)])])))
        }
        let owners = users.filter { $0.body["role"]?.stringValue == "owner" } + (founder.map { [$0] } ?? [])
        // Projects, members, and the members' keys.
        var projects: [Record] = []
        var memberships: [(project: Record, user: Record, keys: [Record])] = []
        for name in Self.projectNames {
            let created = ago(days: g.pick(90...600))
            let creator = g.element(owners)
            let project = s.createProject(name: name, now: created, ownerUserID: creator.id, id: id("proj_", 24))
            projects.append(project)
            events.append((created, "project.created", project, creator, .obj(["id": .string(project.id), "data": .obj(["name": .string(name)])])))
            let members = users.shuffled(using: &g).prefix(g.pick(2...6))
            for (n, user) in members.enumerated() where user.id != creator.id {
                let joined = max(created, user.body["added_at"]?.intValue ?? created) + g.pick(0...20) * Self.day
                let role = n == 0 ? "owner" : "member"
                s.addProjectUser(projectID: project.id, user: user, role: role, now: min(joined, now - Self.day))
                events.append(
                    (
                        min(joined, now - Self.day), "user.added", project, creator,
                        .obj(["id": .string(user.id), "data": .obj(["role": .string(role)])])
                    )
                )
                var keys: [Record] = []
                let count = g.chance(0.6) ? 1 : (g.chance(0.4) ? 2 : 0)
                for _ in 0..<count {
                    keys.append(userKey(&s, project: project, user: user, since: min(joined, now - 2 * Self.day)))
                }
                memberships.append((project, user, keys))
            }
        }
        // People who left a project: their keys stay, and the API hides them by default.
        var leftProjects = 0
        for m in memberships.shuffled(using: &g) where !m.keys.isEmpty && leftProjects < 4 {
            guard s.get(.projectUser, m.project.id + "/" + m.user.id) != nil else { continue }
            s.remove(.projectUser, m.project.id + "/" + m.user.id)
            for key in m.keys { s.update(.projectKey, key.id) { $0.body["owner_project_access"] = "inactive" } }
            events.append((ago(days: g.pick(5...15)), "user.deleted", m.project, owners.first, .obj(["id": .string(m.user.id)])))
            leftProjects += 1
        }
        // People removed from the organization: their memberships go, their keys stay.
        let keyHolders = Set(memberships.filter { !$0.keys.isEmpty }.map(\.user.id))
        let removed = users.filter { $0.body["role"]?.stringValue != "owner" && keyHolders.contains($0.id) }.shuffled(using: &g).prefix(2)
        for user in removed {
            for p in s.records(.project) { s.remove(.projectUser, p.id + "/" + user.id) }
            for m in memberships where m.user.id == user.id {
                for key in m.keys { s.update(.projectKey, key.id) { $0.body["owner_project_access"] = "inactive" } }
            }
            s.remove(.user, user.id)
            events.append((ago(days: g.pick(5...15)), "user.deleted", nil, owners.first, .obj(["id": .string(user.id)])))
        }
        // Service accounts with one or two keys.
        for project in projects.shuffled(using: &g).prefix(12) {
            for name in Self.serviceAccountNames.shuffled(using: &g).prefix(g.pick(1...2)) {
                let created = max(project.body["created_at"]?.intValue ?? now, ago(days: g.pick(30...400)))
                let saID = id("svc_acct_", 24)
                let sa = s.put(
                    Record(
                        kind: .serviceAccount,
                        id: saID,
                        parent: project.id,
                        body: .obj([
                            "object": "organization.project.service_account", "id": .string(saID), "name": .string(name),
                            "role": .string(g.chance(0.2) ? "owner" : "member"), "created_at": .int(created),
                        ])
                    )
                )
                events.append(
                    (
                        created, "service_account.created", project, owners.first,
                        .obj(["id": .string(saID), "data": .obj(["role": sa.body["role"]!])])
                    )
                )
                for n in 0..<(g.chance(0.3) ? 2 : 1) {
                    let keyCreated = n == 0 ? created : created + g.pick(1...60) * Self.day
                    let (key, _) = s.mintProjectKey(
                        for: .serviceAccount(sa),
                        name: n == 0 ? "Secret Key" : "rotation-\(n + 1)",
                        scopes: [],
                        now: min(keyCreated, now - Self.day),
                        id: id("key_", 16)
                    )
                    setUse(&s, key, created: min(keyCreated, now - Self.day), pattern: g.chance(0.1) ? .never : .recent)
                    events.append(
                        (
                            min(keyCreated, now - Self.day), "api_key.created", project, owners.first,
                            .obj(["id": .string(key.id), "data": .obj(["scopes": .array([])])])
                        )
                    )
                }
            }
        }
        // Admin keys: one in use, a stale one, one never used, one whose owner left.
        let adminOwner = owners.first
        let departed = removed.first ?? users.last!
        for (name, pattern, owner) in [
            ("terraform", UsePattern.recent, adminOwner), ("billing-export", .idle, adminOwner),
            ("spare-admin", .never, adminOwner), ("departed-admin", .idle, departed),
        ] {
            let created = ago(days: g.pick(150...500))
            let (key, _) = s.mintAdminKey(name: name, profile: .readOnly, ownerUserID: owner?.id, now: created, id: id("key_", 16))
            if owner?.id == departed.id, var body = s.get(.adminKey, key.id)?.body {
                body["owner"] = .obj([
                    "type": "user", "object": "organization.user", "id": .string(departed.id),
                    "name": departed.body["name"] ?? .null, "created_at": departed.body["added_at"] ?? .null, "role": "reader",
                ])
                s.update(.adminKey, key.id) { $0.body = body }
            }
            setUse(&s, key, kind: .adminKey, created: created, pattern: pattern)
            events.append((created, "api_key.created", nil, owner, .obj(["id": .string(key.id), "data": .obj(["scopes": .array([])])])))
        }
        // Pending invites, with the projects they grant.
        for (n, name) in ["new.hire", "contractor", "intern"].enumerated() {
            let sent = ago(days: n + 1)
            let inviteID = id("invite-", 24)
            let granted = projects.dropLast().shuffled(using: &g).prefix(g.pick(1...2)).map { JSON.obj(["id": .string($0.id), "role": "member"]) }
            s.put(
                Record(
                    kind: .invite,
                    id: inviteID,
                    body: .obj([
                        "object": "organization.invite", "id": .string(inviteID), "email": .string("\(name)@example.com"), "role": "reader",
                        "status": "pending", "created_at": .int(sent), "expires_at": .int(sent + 7 * Self.day), "accepted_at": .null,
                        "projects": .array(granted),
                    ])
                )
            )
            events.append(
                (
                    sent, "invite.sent", nil, adminOwner,
                    .obj(["id": .string(inviteID), "data": .obj(["email": .string("\(name)@example.com"), "role": "reader"])])
                )
            )
        }
        // The archived project keeps its keys.
        if let legacy = projects.last {
            let archived = ago(days: 40)
            s.update(.project, legacy.id) { r in
                r.body["status"] = "archived"
                r.body["archived_at"] = .int(archived)
            }
            // Its keys stopped working when it was archived.
            for key in s.records(.projectKey, parent: legacy.id) {
                if let used = key.body["last_used_at"]?.intValue, used > archived {
                    s.update(.projectKey, key.id) { $0.body["last_used_at"] = .int(archived - g.pick(1...20) * Self.day) }
                }
            }
            events.append((archived, "project.archived", legacy, adminOwner, .obj(["id": .string(legacy.id)])))
        }
        writeEvents(&s)
    }

    /// How a seeded key has been used: never, not for months, or lately.
    enum UsePattern { case never, idle, recent }

    /// A user key in `project`, created after `since`, used in one of the three patterns.
    mutating func userKey(_ s: inout OrgState, project: Record, user: Record, since: Int) -> Record {
        let created = min(now - 20 * Self.day, since + g.pick(0...200) * Self.day)
        let first = (user.body["name"]?.stringValue ?? "user").split(separator: " ").first.map { $0.lowercased() } ?? "user"
        let (key, _) = s.mintProjectKey(
            for: .user(user, projectID: project.id),
            name: "\(first)-\(g.element(Self.keyNames))",
            now: created,
            id: id("key_", 16)
        )
        let roll = g.pick(0...99)
        setUse(&s, key, created: created, pattern: roll < 15 ? .never : roll < 32 ? .idle : .recent)
        events.append((created, "api_key.created", project, user, .obj(["id": .string(key.id), "data": .obj(["scopes": .array([])])])))
        return s.get(.projectKey, key.id)!
    }

    /// Back-dates a key's creation and last use.
    mutating func setUse(_ s: inout OrgState, _ key: Record, kind: Kind = .projectKey, created: Int, pattern: UsePattern) {
        var createdAt = created
        let lastUsed: Int?
        switch pattern {
        case .never:
            lastUsed = nil
        case .idle:
            let used = ago(days: g.pick(95...300))
            createdAt = min(createdAt, used - g.pick(5...90) * Self.day)
            lastUsed = used
        case .recent:
            // Most keys in use were used today; a few not for a week or two.
            let idleFor = g.pick(0...9) < 8 ? g.pick(0...(20 * 3600)) : g.pick(1...14) * Self.day
            lastUsed = max(createdAt, now - idleFor)
        }
        s.update(kind, key.id) { r in
            r.body["created_at"] = .int(createdAt)
            r.body["last_used_at"] = lastUsed.map(JSON.int) ?? .null
        }
    }

    /// The audit log, oldest first, with ids from the seed.
    mutating func writeEvents(_ s: inout OrgState) {
        for e in events.sorted(by: { $0.time < $1.time }) {
            var body: JSON = .obj(["id": .string(IDs.auditLog(at: e.time, using: &g)), "type": .string(e.type), "effective_at": .int(e.time)])
            if let p = e.project { body["project"] = .obj(["id": .string(p.id), "name": p.body["name"] ?? .null]) }
            body["actor"] = .obj([
                "type": "session",
                "session": .obj([
                    "user": .obj(["id": e.actor.map { .string($0.id) } ?? .null, "email": e.actor?.body["email"] ?? .null]),
                    "ip_address": "127.0.0.1",
                ]),
            ])
            body[e.type] = e.details
            s.put(
                Record(
                    kind: .auditLog,
                    id: body["id"]!.stringValue!,
                    body: body,
                    hidden: .obj(["actor_id": .null, "user_id": e.actor.map { .string($0.id) } ?? .null])
                )
            )
        }
    }

    /// What the organization holds now, for `sandbox info` (`seeded`): counted live, so they
    /// compare with what a client finds (keys used since are no longer never-used).
    static func summary(_ s: OrgState, seed: UInt64) -> JSON {
        let projectKeys = s.table(.projectKey).all
        let serviceAccountKeys = projectKeys.filter { $0.body["owner"]?["type"]?.stringValue == "service_account" }.count
        let adminKeys = s.table(.adminKey).all
        let neverUsed = (projectKeys + adminKeys).filter { $0.body["last_used_at"]?.isNull ?? true }.count
        return .obj([
            "seed": .int(Int(truncatingIfNeeded: seed)),
            "projects": .int(s.table(.project).count),
            "archived_projects": .int(s.records(.project).filter { $0.body["status"]?.stringValue == "archived" }.count),
            "users": .int(s.table(.user).count),
            "keys": .obj([
                "admin": .int(adminKeys.count), "project": .int(projectKeys.count - serviceAccountKeys), "service_account": .int(serviceAccountKeys),
                "total": .int(adminKeys.count + projectKeys.count),
            ]),
            "owner_inactive_keys": .int(projectKeys.filter { $0.body["owner_project_access"]?.stringValue == "inactive" }.count),
            "never_used_keys": .int(neverUsed),
            "service_accounts": .int(s.table(.serviceAccount).count),
            "pending_invites": .int(s.table(.invite).count),
        ])
    }
}
