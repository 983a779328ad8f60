import AdmAPI

/// Every write the sandbox serves leaves an audit-log event of a documented type (the spec's
/// `AuditLogEventType`). Handlers log the events that carry particular details themselves;
/// for the writes they leave, this table names the type, and the dispatcher logs it with the
/// resource's id and what the request asked to change.
enum AuditCoverage {
    static let types: [String: String] = [
        "create-role": "role.created", "create-project-role": "role.created",
        "update-role": "role.updated", "update-project-role": "role.updated",
        "delete-role": "role.deleted", "delete-project-role": "role.deleted",
        "add-group-user": "group.updated", "remove-group-user": "group.updated",
        "remove-project-group": "role.assignment.deleted",
        "update-project-data-retention": "project.updated", "update-project-model-permissions": "project.updated",
        "delete-project-model-permissions": "project.updated", "update-project-hosted-tool-permissions": "project.updated",
        "projects-service-tier-settings-update": "project.updated",
        "create-organization-spend-alert": "organization.updated", "update-organization-spend-alert": "organization.updated",
        "delete-organization-spend-alert": "organization.updated",
        "create-project-spend-alert": "project.updated", "update-project-spend-alert": "project.updated",
        "delete-project-spend-alert": "project.updated",
        "Updateorganizationspendlimit": "organization.updated", "Deleteorganizationspendlimit": "organization.updated",
        "Updateprojectspendlimit": "project.updated", "Deleteprojectspendlimit": "project.updated",
        "activateProjectCertificates": "certificates.activated", "deactivateProjectCertificates": "certificates.deactivated",
    ]

    /// Logs the event of `ctx`'s write when its handler logged none (`logged`: the audit
    /// log's size before the handler ran).
    static func complete(_ s: inout OrgState, _ ctx: OpContext, result: JSON, logged before: Int) {
        guard s.table(.auditLog).count == before, let type = types[ctx.endpoint.id] else { return }
        let project = ctx.path["project_id"].flatMap { s.get(.project, $0) }
        let id = result["id"]?.stringValue ?? ctx.endpoint.pathParameters.last.map { ctx.param($0) } ?? s.organizationID
        var details: JSON = .obj(["id": .string(id)])
        if case .object(let fields) = ctx.body, !fields.isEmpty { details["changes_requested"] = ctx.body }
        if type == "group.updated", let user = ctx.string("user_id") ?? ctx.path["user_id"] {
            details["changes_requested"] = .obj([ctx.endpoint.method == .delete ? "user_removed" : "user_added": .string(user)])
        }
        s.audit(type, ctx, project: project, details: details)
    }
}
