import AdmAPI

/// Sharing fine-tuned model checkpoints with projects.
enum CheckpointHandlers {
    static func register(_ t: inout [String: Handler]) {
        t.on(.listFineTuningCheckpointPermissions) { (s, ctx) throws(APIFailure) in
            let checkpoint = ctx.param("fine_tuned_model_checkpoint")
            return Pager.page(s, ctx, .checkpointPermission, parent: checkpoint, filteredBy: "project_id")
        }
        t.on(.createFineTuningCheckpointPermission) { (s, ctx) throws(APIFailure) in
            let checkpoint = ctx.param("fine_tuned_model_checkpoint")
            guard checkpoint.hasPrefix("ft:") else {
                throw .invalid(
                    "Invalid checkpoint '\(checkpoint)': expected a fine-tuned model checkpoint id (ft:…).",
                    param: "fine_tuned_model_checkpoint"
                )
            }
            let ids = try ctx.required("project_ids").arrayValue?.compactMap(\.stringValue) ?? []
            if ids.isEmpty { throw .invalid("'project_ids' must name at least one project.", param: "project_ids") }
            for pid in ids { _ = try s.activeProject(pid) }
            var data: [JSON] = []
            for pid in ids {
                if let existing = s.records(.checkpointPermission, parent: checkpoint).first(where: { $0.body["project_id"]?.stringValue == pid }) {
                    data.append(existing.body)
                    continue
                }
                let r = s.create(.checkpointPermission, IDs.checkpointPermission(), parent: checkpoint) { id in
                    .obj([
                        "object": "checkpoint.permission", "id": .string(id), "created_at": .int(ctx.now), "project_id": .string(pid),
                    ])
                }
                let id = r.id
                s.audit(
                    "checkpoint.permission.created",
                    ctx,
                    details: .obj([
                        "id": .string(id), "data": .obj(["fine_tuned_model_checkpoint": .string(checkpoint), "project_id": .string(pid)]),
                    ])
                )
                data.append(r.body)
            }
            return Pager.envelope(data, style: .cursor, hasMore: false)
        }
        t.on(.deleteFineTuningCheckpointPermission) { (s, ctx) throws(APIFailure) in
            let checkpoint = ctx.param("fine_tuned_model_checkpoint")
            let id = ctx.param("permission_id")
            _ = try s.child(.checkpointPermission, id, parent: checkpoint, what: "checkpoint permission", param: "permission_id")
            s.remove(.checkpointPermission, id)
            s.audit("checkpoint.permission.deleted", ctx, details: .obj(["id": .string(id)]))
            return .obj(["object": "checkpoint.permission", "id": .string(id), "deleted": true])
        }
    }
}
