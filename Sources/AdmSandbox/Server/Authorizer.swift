import AdmAPI

/// Decides who a request comes from and whether its key may make it, as the real API does:
/// no key → the "You didn't provide an API key" 401; an unknown key → E9 (echoed masked); an
/// admin key whose profile lacks the operation's scope → E1 naming that scope; a project or
/// service-account key on an admin endpoint → E1 naming the category's read scope (the
/// reported behaviour).
enum Authorizer {
    static func authorize(
        _ state: inout OrgState,
        authorization: String?,
        endpoint: Endpoint,
        now: Int,
        knownIssues: Set<KnownIssue>
    ) throws(APIFailure) -> Actor {
        guard let header = authorization?.trimmingCharacters(in: " "), !header.isEmpty else { throw APIFailure.noKey }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIFailure.noKey }
        let value = String(parts[1]).trimmingCharacters(in: " ")
        guard let key = state.keyRecord(secret: value) else { throw .incorrectKey(value) }
        // A stand-in for a key the organization no longer has is revoked with it.
        if key.kind == .standIn, let target = key.hidden["stands_for"]?.stringValue, state.get(.adminKey, target) == nil {
            throw .incorrectKey(value)
        }
        // A stand-in (`StandIns`) authenticates as the kind of key it stands in for.
        let actsAsAdmin = key.kind == .adminKey || (key.kind == .standIn && key.hidden["as"]?.stringValue == "admin")
        guard actsAsAdmin else { throw APIFailure.missingScopes([endpoint.category.readScope]) }
        if let expires = key.body["expires_at"]?.intValue, expires <= now {
            throw APIFailure(
                status: 401,
                message: "The API key provided has expired. Create a new key at https://platform.openai.com/settings/organization/admin-keys.",
                code: "invalid_api_key"
            )
        }
        let (scopes, stale) = effectiveScopes(key, knownIssues: knownIssues)
        if !scopes.contains(endpoint.scope) {
            var failure = APIFailure.missingScopes([endpoint.scope])
            // The report quotes this case's body as a bare string.
            failure.bareString = stale && profile(key.hidden["profile"]).scopes.contains(endpoint.scope)
            throw failure
        }
        state.touch(key.kind, key.id, at: now)
        let userID = key.hidden["user_id"]?.stringValue
        return Actor(
            keyID: key.id,
            keyKind: .adminKey,
            userID: userID,
            userEmail: userID.flatMap { state.get(.user, $0)?.body["email"]?.stringValue }
        )
    }

    /// The scopes a key has now, and whether the stale-permissions issue narrowed them.
    static func effectiveScopes(_ key: Record, knownIssues: Set<KnownIssue>) -> (Set<String>, Bool) {
        let current = profile(key.hidden["profile"]).scopes
        guard knownIssues.contains(.stalePermissions) else { return (current, false) }
        let created = profile(key.hidden["created_profile"])
        if case .all = created { return (current, false) }
        let effective = current.intersection(created.scopes)
        return (effective, effective != current)
    }

    static func profile(_ value: JSON?) -> PermissionProfile {
        (try? PermissionProfile.parse(value?.stringValue ?? "all")) ?? .all
    }
}
