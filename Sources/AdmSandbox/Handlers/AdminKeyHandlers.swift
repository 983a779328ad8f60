import AdmAPI

/// Admin API keys: list, create (the secret returned once), retrieve, delete. A key made
/// through the API gets permissions All (the API has no permission field; the sandbox control
/// API can set a profile).
enum AdminKeyHandlers {
    static func register(_ t: inout [String: Handler]) {
        t.on(.adminApiKeysList) { (s, ctx) throws(APIFailure) in
            Pager.page(s, ctx, .adminKey)
        }
        t.onRetrieve(.adminApiKeysGet, .adminKey, "key_id", what: "API key")
        t.on(.adminApiKeysCreate) { (s, ctx) throws(APIFailure) in
            let name = ctx.string("name") ?? ""
            let expires = ctx.field("expires_in_seconds")?.intValue
            if let expires, !(1...31_536_000).contains(expires) {
                throw expires < 1
                    ? .belowMinimum("expires_in_seconds", 1, got: expires) : .aboveMaximum("expires_in_seconds", 31_536_000, got: expires)
            }
            let (record, secret) = s.mintAdminKey(
                name: name,
                profile: .all,
                ownerUserID: ctx.actor.userID,
                now: ctx.now,
                expiresAt: expires.map { ctx.now + $0 }
            )
            s.audit(
                "api_key.created",
                ctx,
                details: .obj(["id": .string(record.id), "data": .obj(["scopes": .array(PermissionProfile.all.scopes.sorted().map(JSON.string))])])
            )
            return record.body.merging([("value", .string(secret))])
        }
        t.on(.adminApiKeysDelete) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("key_id")
            _ = try s.record(.adminKey, id, what: "API key", param: "key_id")
            s.remove(.adminKey, id)
            s.audit("api_key.deleted", ctx, details: .obj(["id": .string(id)]))
            return OrgState.deleted("organization.admin_api_key.deleted", id)
        }
    }
}

extension OrgState {
    /// Creates an admin key with a permission profile; returns the record and its secret.
    mutating func mintAdminKey(
        name: String,
        profile: PermissionProfile,
        ownerUserID: String?,
        now: Int,
        expiresAt: Int? = nil,
        secret: String? = nil,
        id: String? = nil
    ) -> (Record, String) {
        let value = secret ?? IDs.adminSecret()
        let keyID = id ?? IDs.key()
        let body: JSON = .obj([
            "object": "organization.admin_api_key",
            "id": .string(keyID),
            "name": .string(name),
            "redacted_value": .string(IDs.redactedValue(value)),
            "created_at": .int(now),
            "last_used_at": .null,
            "expires_at": expiresAt.map(JSON.int) ?? .null,
            "owner": ownerJSON(userID: ownerUserID),
        ])
        let hidden: JSON = .obj([
            "secret": .string(value),
            "profile": .string(profile.description),
            "created_profile": .string(profile.description),
            "user_id": ownerUserID.map(JSON.string) ?? .null,
        ])
        return (put(Record(kind: .adminKey, id: keyID, body: body, hidden: hidden)), value)
    }
}
