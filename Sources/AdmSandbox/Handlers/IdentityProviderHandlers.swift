import AdmAPI

/// Workload identity providers and their federation rules (SDK-only operations).
enum IdentityProviderHandlers {
    static func register(_ t: inout [String: Handler]) {
        t.on(.workloadIdentityProvidersList) { (s, ctx) throws(APIFailure) in
            Pager.page(s, ctx, .identityProvider)
        }
        t.on(.workloadIdentityProvidersCreate) { (s, ctx) throws(APIFailure) in
            for f in ["audience", "issuer", "name"] where (ctx.string(f) ?? "").isEmpty { throw .missingParameter(f) }
            let issuer = ctx.string("issuer")!
            guard issuer.hasPrefix("https://") else { throw .invalid("'issuer' must be an https:// URL.", param: "issuer", code: "invalid_value") }
            let verification =
                try self.verification(ctx, issuer: issuer)
                ?? .obj(["type": "discovery", "discovery_url": .string(issuer + "/.well-known/openid-configuration")])
            let attributeTransformations = try transformations(ctx) ?? .array([])
            let r = s.create(.identityProvider, IDs.identityProvider()) { id in
                .obj([
                    "id": .string(id), "object": "organization.workload_identity_provider",
                    "attribute_transformations": attributeTransformations,
                    "audience": .string(ctx.string("audience")!), "created_at": .int(ctx.now),
                    "description": ctx.field("description") ?? .null, "enabled": ctx.field("enabled") ?? true,
                    "issuer": .string(issuer), "name": .string(ctx.string("name")!), "type": "oidc",
                    "updated_at": .int(ctx.now), "verification": verification,
                ])
            }
            let id = r.id
            s.audit("workload_identity_provider.created", ctx, details: .obj(["id": .string(id), "data": .obj(["name": r.body["name"]!])]))
            return r.body
        }
        t.onRetrieve(.workloadIdentityProvidersRetrieve, .identityProvider, "workload_identity_provider_id", what: "workload identity provider")
        t.on(.workloadIdentityProvidersUpdate) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("workload_identity_provider_id")
            let existing = try s.record(.identityProvider, id, what: "workload identity provider", param: "workload_identity_provider_id")
            let issuer = ctx.string("issuer") ?? existing.body["issuer"]?.stringValue ?? ""
            let verification = try self.verification(ctx, issuer: issuer)
            let transformations = try self.transformations(ctx)
            let r = s.update(.identityProvider, id) { r in
                for f in ["audience", "issuer", "name", "description", "enabled"] { if let v = ctx.field(f) { r.body[f] = v } }
                if let verification { r.body["verification"] = verification }
                if let transformations { r.body["attribute_transformations"] = transformations }
                r.body["updated_at"] = .int(ctx.now)
            }!
            s.audit("workload_identity_provider.updated", ctx, details: .obj(["id": .string(id), "changes_requested": ctx.body]))
            return r.body
        }
        t.on(.workloadIdentityProvidersDelete) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("workload_identity_provider_id")
            let p = try s.record(.identityProvider, id, what: "workload identity provider", param: "workload_identity_provider_id")
            for rule in s.records(.federationRule, parent: id) { s.remove(.federationRule, rule.id) }
            s.remove(.identityProvider, id)
            s.audit("workload_identity_provider.deleted", ctx, details: .obj(["id": .string(id), "name": p.body["name"]!]))
            return .obj(["id": .string(id), "object": "organization.workload_identity_provider.deleted", "deleted": true])
        }
        registerRules(&t)
    }

    static func verification(_ ctx: OpContext, issuer: String) throws(APIFailure) -> JSON? {
        guard let v = ctx.field("verification") else { return nil }
        switch v["type"]?.stringValue {
        case "discovery"?:
            return .obj(["type": "discovery", "discovery_url": v["discovery_url"] ?? .string(issuer + "/.well-known/openid-configuration")])
        case "uploaded_jwks"?:
            guard case .object? = v["jwks"] else { throw .invalidType("verification.jwks", expected: "an object", got: v["jwks"] ?? .null) }
            return .obj(["type": "uploaded_jwks", "jwks": v["jwks"]!])
        default:
            throw .invalidValue("verification.type", v["type"]?.stringValue ?? "", supported: ["discovery", "uploaded_jwks"])
        }
    }

    static func transformations(_ ctx: OpContext) throws(APIFailure) -> JSON? {
        guard let v = ctx.field("attribute_transformations") else { return nil }
        guard let items = v.arrayValue else { throw .invalidType("attribute_transformations", expected: "an array", got: v) }
        for (i, item) in items.enumerated() where item["attribute"]?.stringValue == nil || item["expression"]?.stringValue == nil {
            throw .invalid("attribute_transformations[\(i)] needs 'attribute' and 'expression'.", param: "attribute_transformations[\(i)]")
        }
        return v
    }

    static func permissions(_ ctx: OpContext) throws(APIFailure) -> JSON? {
        guard let v = ctx.field("permissions") else { return nil }
        switch v["type"]?.stringValue {
        case "service_account_default"?: return .obj(["type": "service_account_default"])
        case "restricted"?:
            let scopes = v["scopes"]?.arrayValue?.compactMap(\.stringValue) ?? []
            try ServiceAccountHandlers.checkScopes(scopes)
            return .obj(["type": "restricted", "scopes": .array(scopes.map(JSON.string))])
        default:
            throw .invalidValue("permissions.type", v["type"]?.stringValue ?? "", supported: ["service_account_default", "restricted"])
        }
    }

    static func matchers(_ ctx: OpContext, required: Bool) throws(APIFailure) -> JSON? {
        guard let v = ctx.field("attribute_matchers") else {
            if required { throw .missingParameter("attribute_matchers") }
            return nil
        }
        guard case .object(let members) = v else { throw .invalidType("attribute_matchers", expected: "an object", got: v) }
        for m in members {
            switch m.value {
            case .string, .bool, .int, .double: continue
            default: throw .invalidType("attribute_matchers.\(m.key)", expected: "a string, number or boolean", got: m.value)
            }
        }
        return v
    }

    /// The federation rule the request's path names, under the provider it names; 404 naming it.
    static func rule(_ s: OrgState, _ ctx: OpContext) throws(APIFailure) -> Record {
        let param = "workload_identity_federation_rule_id"
        return try s.child(
            .federationRule,
            ctx.param(param),
            parent: ctx.param("workload_identity_provider_id"),
            what: "federation rule",
            param: param
        )
    }

    /// Logs a change to a federation rule (`created`, `updated`), naming it and its provider.
    static func logRule(_ change: String, _ s: inout OrgState, _ ctx: OpContext, _ rule: Record) {
        s.audit(
            "workload_identity_provider_mapping." + change,
            ctx,
            details: .obj(["id": .string(rule.id), "identity_provider_id": .string(rule.parent)])
        )
    }

    static func registerRules(_ t: inout [String: Handler]) {
        t.on(.workloadIdentityProvidersFederationRulesList) { (s, ctx) throws(APIFailure) in
            let pid = ctx.param("workload_identity_provider_id")
            _ = try s.record(.identityProvider, pid, what: "workload identity provider", param: "workload_identity_provider_id")
            return Pager.page(s, ctx, .federationRule, parent: pid, filteredBy: "service_account_id")
        }
        t.on(.workloadIdentityProvidersFederationRulesCreate) { (s, ctx) throws(APIFailure) in
            let providerID = ctx.param("workload_identity_provider_id")
            _ = try s.record(.identityProvider, providerID, what: "workload identity provider", param: "workload_identity_provider_id")
            let projectID = ctx.string("project_id") ?? ""
            _ = try s.activeProject(projectID)
            let saID = ctx.string("service_account_id") ?? ""
            _ = try s.child(.serviceAccount, saID, parent: projectID, what: "service account", param: "service_account_id")
            let matchers = try self.matchers(ctx, required: true)!
            let permissions = try self.permissions(ctx) ?? .obj(["type": "service_account_default"])
            let r = s.create(.federationRule, IDs.federationRule(), parent: providerID) { id in
                .obj([
                    "id": .string(id), "object": "organization.workload_identity_federation_rule",
                    "attribute_matchers": matchers, "created_at": .int(ctx.now), "description": ctx.field("description") ?? .null,
                    "enabled": ctx.field("enabled") ?? true, "name": ctx.field("name") ?? .null, "permissions": permissions,
                    "project_id": .string(projectID), "service_account_id": .string(saID), "updated_at": .int(ctx.now),
                    "workload_identity_provider_id": .string(providerID),
                ])
            }
            logRule("created", &s, ctx, r)
            return r.body
        }
        t.on(.workloadIdentityProvidersFederationRulesRetrieve) { (s, ctx) throws(APIFailure) in
            try rule(s, ctx).body
        }
        t.on(.workloadIdentityProvidersFederationRulesUpdate) { (s, ctx) throws(APIFailure) in
            let id = try rule(s, ctx).id
            let matchers = try self.matchers(ctx, required: false)
            let permissions = try self.permissions(ctx)
            let r = s.update(.federationRule, id) { r in
                for f in ["description", "enabled", "name"] { if let v = ctx.field(f) { r.body[f] = v } }
                if let matchers { r.body["attribute_matchers"] = matchers }
                if let permissions { r.body["permissions"] = permissions }
                r.body["updated_at"] = .int(ctx.now)
            }!
            logRule("updated", &s, ctx, r)
            return r.body
        }
        t.on(.workloadIdentityProvidersFederationRulesDelete) { (s, ctx) throws(APIFailure) in
            let providerID = ctx.param("workload_identity_provider_id")
            let r = try rule(s, ctx)
            let id = r.id
            s.remove(.federationRule, id)
            s.audit(
                "workload_identity_provider_mapping.deleted",
                ctx,
                details: .obj([
                    "id": .string(id), "identity_provider_id": .string(providerID),
                    "project_id": r.body["project_id"]!, "service_account_id": r.body["service_account_id"]!,
                ])
            )
            return .obj(["id": .string(id), "object": "organization.workload_identity_federation_rule.deleted", "deleted": true])
        }
    }
}
