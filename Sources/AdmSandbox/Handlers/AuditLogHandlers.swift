import AdmAPI

/// The audit log: newest first, filtered by time, project, event type, actor and resource.
enum AuditLogHandlers {
    static func register(_ t: inout [String: Handler]) {
        t.on(.listAuditLogs) { (s, ctx) throws(APIFailure) in
            let effective = ctx.query.object("effective_at").compactMapValues { Int($0) }
            let projects = Set(ctx.query.array("project_ids"))
            let types = Set(ctx.query.array("event_types"))
            let actors = Set(ctx.query.array("actor_ids"))
            let emails = Set(ctx.query.array("actor_emails").map { $0.lowercased() })
            let resources = Set(ctx.query.array("resource_ids"))
            var options = Pager.options(ctx, defaultDescending: true)
            options.descending = true
            if options.limit > 100 { options.limit = 100 }
            return Pager.page(s, ctx, .auditLog, options: options) { r in
                let at = r.body["effective_at"]?.intValue ?? 0
                if let v = effective["gt"], !(at > v) { return false }
                if let v = effective["gte"], !(at >= v) { return false }
                if let v = effective["lt"], !(at < v) { return false }
                if let v = effective["lte"], !(at <= v) { return false }
                if !projects.isEmpty, !projects.contains(r.body["project"]?["id"]?.stringValue ?? "") { return false }
                let type = r.body["type"]?.stringValue ?? ""
                if !types.isEmpty, !types.contains(type) { return false }
                if !actors.isEmpty {
                    let ids = [r.hidden["actor_id"]?.stringValue, r.hidden["user_id"]?.stringValue].compactMap { $0 }
                    if !ids.contains(where: actors.contains) { return false }
                }
                if !emails.isEmpty, !emails.contains(r.body["actor"]?["api_key"]?["user"]?["email"]?.stringValue?.lowercased() ?? "") { return false }
                if !resources.isEmpty {
                    let details = r.body[type]
                    let ids = [details?["id"]?.stringValue, details?["principal_id"]?.stringValue, details?["resource_id"]?.stringValue].compactMap {
                        $0
                    }
                    if !ids.contains(where: resources.contains) { return false }
                }
                return true
            }
        }
    }
}
