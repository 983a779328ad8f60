import AdmAPI

/// Every write the sandbox serves leaves an audit-log event of a documented type (the spec's
/// `AuditLogEventType`). Handlers log the events that carry particular details themselves;
/// for the writes they leave, this table names the type, and the dispatcher logs it with the
/// resource's id and what the request asked to change.
enum AuditCoverage {
    static let types: [Endpoint: String] = [
        .createRole: "role.created", .createProjectRole: "role.created",
        .updateRole: "role.updated", .updateProjectRole: "role.updated",
        .deleteRole: "role.deleted", .deleteProjectRole: "role.deleted",
        .addGroupUser: "group.updated", .removeGroupUser: "group.updated",
        .removeProjectGroup: "role.assignment.deleted",
        .updateProjectDataRetention: "project.updated", .updateProjectModelPermissions: "project.updated",
        .deleteProjectModelPermissions: "project.updated", .updateProjectHostedToolPermissions: "project.updated",
        .projectsServiceTierSettingsUpdate: "project.updated",
        .createOrganizationSpendAlert: "organization.updated", .updateOrganizationSpendAlert: "organization.updated",
        .deleteOrganizationSpendAlert: "organization.updated",
        .createProjectSpendAlert: "project.updated", .updateProjectSpendAlert: "project.updated",
        .deleteProjectSpendAlert: "project.updated",
        .updateOrganizationSpendLimit: "organization.updated", .deleteOrganizationSpendLimit: "organization.updated",
        .updateProjectSpendLimit: "project.updated", .deleteProjectSpendLimit: "project.updated",
        .activateProjectCertificates: "certificates.activated", .deactivateProjectCertificates: "certificates.deactivated",
    ]

    /// Logs the event of `ctx`'s write when its handler logged none (`logged`: the audit
    /// log's size before the handler ran).
    static func complete(_ s: inout OrgState, _ ctx: OpContext, result: JSON, logged before: Int) {
        guard s.table(.auditLog).count == before, let type = types[ctx.endpoint] else { return }
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
