import AdmAPI

/// Spend alerts (organization and project) and hard spend limits. Amounts are integer cents.
enum SpendHandlers {
    static func register(_ t: inout [String: Handler]) {
        let alerts: [(list: Endpoint, create: Endpoint, retrieve: Endpoint, update: Endpoint, delete: Endpoint, project: Bool)] = [
            (
                .listOrganizationSpendAlerts, .createOrganizationSpendAlert, .retrieveOrganizationSpendAlert, .updateOrganizationSpendAlert,
                .deleteOrganizationSpendAlert, false
            ),
            (.listProjectSpendAlerts, .createProjectSpendAlert, .retrieveProjectSpendAlert, .updateProjectSpendAlert, .deleteProjectSpendAlert, true),
        ]
        for a in alerts {
            let isProject = a.project
            let object = isProject ? "project.spend_alert" : "organization.spend_alert"
            t.on(a.list) { (s, ctx) throws(APIFailure) in
                let parent = try parentID(s, ctx, isProject, writing: false)
                return Pager.page(s, ctx, .spendAlert, parent: parent)
            }
            t.on(a.create) { (s, ctx) throws(APIFailure) in
                let parent = try parentID(s, ctx, isProject, writing: true)
                let channel = try notificationChannel(ctx)
                let id = IDs.alert()
                let body = try alertBody(object, id, ctx, channel)
                let r = s.put(Record(kind: .spendAlert, id: id, parent: parent, body: body))
                return r.body
            }
            t.on(a.retrieve) { (s, ctx) throws(APIFailure) in
                let parent = try parentID(s, ctx, isProject, writing: false)
                return try s.child(.spendAlert, ctx.param("alert_id"), parent: parent, what: "spend alert", param: "alert_id").body
            }
            t.on(a.update) { (s, ctx) throws(APIFailure) in
                let parent = try parentID(s, ctx, isProject, writing: true)
                let id = ctx.param("alert_id")
                _ = try s.child(.spendAlert, id, parent: parent, what: "spend alert", param: "alert_id")
                let channel = try notificationChannel(ctx)
                let body = try alertBody(object, id, ctx, channel)
                return s.update(.spendAlert, id) { r in r.body = body }!.body
            }
            t.on(a.delete) { (s, ctx) throws(APIFailure) in
                let parent = try parentID(s, ctx, isProject, writing: true)
                let id = ctx.param("alert_id")
                _ = try s.child(.spendAlert, id, parent: parent, what: "spend alert", param: "alert_id")
                s.remove(.spendAlert, id)
                return OrgState.deleted(object + ".deleted", id)
            }
        }
        let limits: [(get: Endpoint, update: Endpoint, delete: Endpoint, project: Bool)] = [
            (.getOrganizationSpendLimit, .updateOrganizationSpendLimit, .deleteOrganizationSpendLimit, false),
            (.getProjectSpendLimit, .updateProjectSpendLimit, .deleteProjectSpendLimit, true),
        ]
        for l in limits {
            let object = l.project ? "project.spend_limit" : "organization.spend_limit"
            t.on(l.get) { (s, ctx) throws(APIFailure) in
                let parent = try parentID(s, ctx, l.project, writing: false)
                guard let body = s.setting((l.project ? parent : "org") + "/spend_limit") else {
                    throw APIFailure(
                        status: 404,
                        message: "No spend limit is set for this \(l.project ? "project" : "organization").",
                        code: "not_found"
                    )
                }
                return body
            }
            t.on(l.update) { (s, ctx) throws(APIFailure) in
                let parent = try parentID(s, ctx, l.project, writing: true)
                let threshold = try ctx.required("threshold_amount")
                let currency = try ctx.required("currency")
                let interval = try ctx.required("interval")
                let body: JSON = .obj([
                    "object": .string(object), "threshold_amount": threshold,
                    "currency": currency, "interval": interval,
                    "enforcement": .obj(["status": "inactive"]),
                ])
                s.putSetting((l.project ? parent : "org") + "/spend_limit", body)
                return body
            }
            t.on(l.delete) { (s, ctx) throws(APIFailure) in
                let parent = try parentID(s, ctx, l.project, writing: true)
                let id = (l.project ? parent : "org") + "/spend_limit"
                guard s.remove(.setting, id) != nil else {
                    throw APIFailure(
                        status: 404,
                        message: "No spend limit is set for this \(l.project ? "project" : "organization").",
                        code: "not_found"
                    )
                }
                return OrgState.deleted(object + ".deleted", nil)
            }
        }
    }

    static func parentID(_ s: OrgState, _ ctx: OpContext, _ isProject: Bool, writing: Bool) throws(APIFailure) -> String {
        guard isProject else { return "" }
        let pid = ctx.param("project_id")
        _ = writing ? try s.activeProject(pid) : try s.project(pid)
        return pid
    }

    static func notificationChannel(_ ctx: OpContext) throws(APIFailure) -> JSON {
        let c = ctx.field("notification_channel") ?? .null
        guard case .object = c else { throw .invalidType("notification_channel", expected: "an object", got: c) }
        guard c["type"]?.stringValue == "email" else {
            throw .invalidValue("notification_channel.type", c["type"]?.stringValue ?? "", supported: ["email"])
        }
        guard let recipients = c["recipients"]?.arrayValue, !recipients.isEmpty,
            recipients.allSatisfy({ $0.stringValue?.contains("@") ?? false })
        else {
            throw .invalid("'notification_channel.recipients' must list at least one email address.", param: "notification_channel.recipients")
        }
        var out: JSON = .obj(["type": "email", "recipients": .array(recipients)])
        if let prefix = c["subject_prefix"], !prefix.isNull { out["subject_prefix"] = prefix }
        return out
    }

    static func alertBody(_ object: String, _ id: String, _ ctx: OpContext, _ channel: JSON) throws(APIFailure) -> JSON {
        let threshold = try ctx.required("threshold_amount")
        let currency = try ctx.required("currency")
        let interval = try ctx.required("interval")
        return .obj([
            "object": .string(object), "id": .string(id), "threshold_amount": threshold,
            "currency": currency, "interval": interval, "notification_channel": channel,
        ])
    }
}
