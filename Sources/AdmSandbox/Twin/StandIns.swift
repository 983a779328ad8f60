import AdmAPI

/// Stand-ins: keys that exist only to call the sandbox with a given permission profile. A
/// stand-in authenticates like an admin key with its profile (or, made `asProject`, like a
/// project key on an admin endpoint) and appears in no listing, so calling a twin with one
/// changes nothing a snapshot or a diff would see. Rehearsals give each session key a stand-in
/// with the permissions probing observed on the live key; a twin's fixture keys are stand-ins.
extension OrgState {
    /// A new stand-in and its value. `createdProfile` is what the key was first made with (the
    /// stale-permissions issue narrows a widened key to it). `standsFor` is the admin key record
    /// the stand-in is (the session's key, found in the organization): deleting that record
    /// revokes the stand-in, as deleting the real key would.
    mutating func standIn(
        name: String,
        profile: PermissionProfile?,
        createdProfile: PermissionProfile? = nil,
        standsFor: String? = nil,
        ownerUserID: String?,
        now: Int
    ) -> (Record, Secret) {
        let value = profile == nil ? IDs.projectSecret() : IDs.adminSecret()
        let id = "standin_" + IDs.random(16)
        let body: JSON = .obj([
            "object": "sandbox.stand_in", "id": .string(id), "name": .string(name), "redacted_value": .string(IDs.redactedValue(value)),
            "created_at": .int(now), "last_used_at": .null,
        ])
        var hidden: JSON = .obj([
            "secret": .string(value), "as": profile == nil ? "project" : "admin",
            "user_id": (standsFor.flatMap { get(.adminKey, $0)?.hidden["user_id"]?.stringValue } ?? ownerUserID).map(JSON.string) ?? .null,
        ])
        if let standsFor { hidden["stands_for"] = .string(standsFor) }
        if let profile {
            hidden["profile"] = .string(profile.description)
            hidden["created_profile"] = .string((createdProfile ?? profile).description)
        }
        return (put(Record(kind: .standIn, id: id, body: body, hidden: hidden)), Secret(value))
    }

    /// The first owner of the organization (stand-ins act as them in the audit log).
    var firstOwner: Record? { records(.user).first { $0.body["role"]?.stringValue == "owner" } ?? records(.user).first }

    /// Stand-ins under the fixture keys' names and with their profiles: a twin's keys for the
    /// tour (`owner`, `reader`, …, and `project-key` in the first active project).
    mutating func fixtureStandIns(now: Int, secrets: [String: String] = [:]) -> FixtureKeys {
        var keys: FixtureKeys = []
        let owner = firstOwner?.id
        for (name, profile) in Fixtures.adminKeys {
            var (record, secret) = standIn(name: name, profile: profile, ownerUserID: owner, now: now)
            if let kept = secrets[name] { (record, secret) = rekey(record, kept) }
            keys.append(FixtureKey(name: name, profile: profile, secret: secret, id: record.id))
        }
        var (record, secret) = standIn(name: Fixtures.projectKeyName, profile: nil, ownerUserID: owner, now: now)
        if let kept = secrets[Fixtures.projectKeyName] { (record, secret) = rekey(record, kept) }
        keys.append(FixtureKey(name: Fixtures.projectKeyName, profile: nil, secret: secret, id: record.id))
        return keys
    }

    /// The stand-in with `value` as its secret (a reset keeps the values the session holds).
    private mutating func rekey(_ record: Record, _ value: String) -> (Record, Secret) {
        var r = record
        r.hidden["secret"] = .string(value)
        r.body["redacted_value"] = .string(IDs.redactedValue(value))
        return (put(r), Secret(value))
    }
}
