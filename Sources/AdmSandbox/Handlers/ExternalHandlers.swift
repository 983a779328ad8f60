import AdmAPI

/// External key-management keys and external storage (operations the SDK calls that the spec
/// snapshot does not list; shapes from the SDK's types).
enum ExternalHandlers {
    /// Required fields per external-key provider type.
    static let keyFields: [String: [String]] = [
        "aws": ["external_id", "kms_arn", "role_arn"],
        "gcp": [
            "audience", "kms_key_location", "kms_key_name", "kms_key_ring_name", "kms_project_id",
            "workload_identity_pool_id", "workload_identity_project_number", "workload_identity_provider_id",
        ],
        "azure": ["key_name", "tenant_id", "vault_uri"],
        "oci": ["key_ocid", "region", "vault_ocid"],
    ]

    /// Required fields per storage provider type.
    static let storageFields: [String: [String]] = [
        "aws": ["bucket", "role_arn"],
        "azure": ["account_name", "container", "resource_group", "subscription_id", "tenant_id"],
        "gcp": ["bucket", "workload_identity_pool_id", "workload_identity_project_number", "workload_identity_provider_id"],
        "oci": ["bucket", "region", "tenancy_ocid"],
    ]

    static func register(_ t: inout [String: Handler]) {
        t.on(.externalKeysList) { (s, ctx) throws(APIFailure) in
            Pager.page(s, ctx, .externalKey, filteredBy: "purpose")
        }
        t.on(.externalKeysCreate) { (s, ctx) throws(APIFailure) in
            let type = ctx.string("type") ?? ""
            guard let fields = keyFields[type] else { throw .invalidValue("type", type, supported: ["aws", "gcp", "azure", "oci"]) }
            let name = ctx.string("name") ?? ""
            if name.isEmpty { throw .missingParameter("name") }
            for f in fields where ctx.string(f) == nil { throw .missingParameter(f) }
            let id = IDs.externalKey()
            var members: [JSON.Member] = [
                JSON.Member("id", .string(id)), JSON.Member("object", "organization.external_key"),
                JSON.Member("api_project_ids", .array([])), JSON.Member("created_at", .int(ctx.now)),
                JSON.Member("name", .string(name)), JSON.Member("type", .string(type)),
                JSON.Member("workspace_id", .string(s.organizationID)),
                JSON.Member("purpose", .string(ctx.string("purpose") ?? "ekm")),
            ]
            for member in ctx.body.objectValue ?? [] where !["name", "type", "purpose"].contains(member.key) {
                members.append(member)
            }
            let r = s.put(Record(kind: .externalKey, id: id, body: .object(members)))
            s.audit("external_key.registered", ctx, details: .obj(["id": .string(id), "data": .obj(["type": .string(type)])]))
            return r.body
        }
        t.onRetrieve(.externalKeysRetrieve, .externalKey, "external_key_id", what: "external key")
        t.on(.externalKeysDelete) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("external_key_id")
            let key = try s.record(.externalKey, id, what: "external key", param: "external_key_id")
            if let p = s.records(.project).first(where: { $0.body["external_key_id"]?.stringValue == id }) {
                throw .invalid("External key \(id) is used by project \(p.id); detach it first.", param: "external_key_id")
            }
            s.remove(.externalKey, id)
            s.audit("external_key.removed", ctx, details: .obj(["id": .string(id)]))
            // The SDK types this answer as the key itself.
            return key.body.merging([("deleted", .bool(true))])
        }
        t.on(.externalKeysValidate) { (s, ctx) throws(APIFailure) in
            _ = try s.record(.externalKey, ctx.param("external_key_id"), what: "external key", param: "external_key_id")
            return .obj(["status": "valid"])
        }
        t.on(.externalStorageList) { (s, ctx) throws(APIFailure) in
            Pager.page(s, ctx, .externalStorage, filteredBy: "project_id")
        }
        t.on(.externalStorageCreate) { (s, ctx) throws(APIFailure) in
            let pid = ctx.string("project_id") ?? ""
            _ = try s.activeProject(pid)
            let provider = ctx.field("provider") ?? .null
            guard case .object = provider else { throw .invalidType("provider", expected: "an object", got: provider) }
            let type = provider["type"]?.stringValue ?? ""
            guard let fields = storageFields[type] else { throw .invalidValue("provider.type", type, supported: ["aws", "azure", "gcp", "oci"]) }
            for f in fields where provider[f]?.stringValue == nil { throw .missingParameter("provider.\(f)") }
            let completed = completeProvider(provider, type, s)
            let r = s.create(.externalStorage, IDs.externalStorage()) { id in
                .obj([
                    "id": .string(id), "object": "organization.external_storage", "created_at": .int(ctx.now),
                    "geography": "US", "project_id": .string(pid), "provider": completed, "status": "pending",
                ])
            }
            let id = r.id
            // The documented event types have none for external storage; the project it
            // belongs to is what changed.
            s.audit(
                "project.updated",
                ctx,
                details: .obj([
                    "id": .string(pid),
                    "changes_requested": .obj(["external_storage": .obj(["id": .string(id), "geography": "US", "provider": r.body["provider"]!])]),
                ])
            )
            return r.body
        }
        t.onRetrieve(.externalStorageRetrieve, .externalStorage, "external_storage_id", what: "external storage configuration")
        t.on(.externalStorageDelete) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("external_storage_id")
            let r = try s.record(.externalStorage, id, what: "external storage configuration", param: "external_storage_id")
            s.remove(.externalStorage, id)
            s.audit(
                "project.updated",
                ctx,
                details: .obj(["id": r.body["project_id"] ?? .null, "changes_requested": .obj(["external_storage_removed": .string(id)])])
            )
            return .obj(["id": .string(id), "object": "organization.external_storage.deleted", "deleted": true])
        }
        t.on(.externalStorageValidate) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("external_storage_id")
            _ = try s.record(.externalStorage, id, what: "external storage configuration", param: "external_storage_id")
            return s.update(.externalStorage, id) { r in r.body["status"] = "validated" }!.body
        }
    }

    /// The provider as the API reports it back, with the fields it derives (account, region,
    /// audience) filled in.
    static func completeProvider(_ p: JSON, _ type: String, _ s: OrgState) -> JSON {
        var out = p
        switch type {
        case "aws":
            let arn = p["role_arn"]?.stringValue ?? ""
            let account = arn.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first.map(String.init) ?? "000000000000"
            out["account_id"] = out["account_id"] ?? .string(account)
            out["external_id"] = out["external_id"] ?? .string(s.organizationID)
            out["region"] = out["region"] ?? "us-east-1"
        case "azure":
            out["region"] = out["region"] ?? "eastus"
        case "gcp":
            out["audience"] = out["audience"] ?? .string(s.organizationID)
            out["region"] = out["region"] ?? "us-central1"
        default:
            break
        }
        return out
    }
}
