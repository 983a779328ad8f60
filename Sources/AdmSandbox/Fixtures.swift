import AdmAPI
import Synchronization

/// A fixture key: its name in the tour, its permissions, and its secret.
public struct FixtureKey: Sendable {
    public let name: String
    public let profile: PermissionProfile?
    public let secret: Secret
    /// The key record's id.
    public let id: String
}

/// The fixture keys of a running sandbox.
public typealias FixtureKeys = [FixtureKey]

/// The fixture organization: one project named "Default project", one owner user, and five
/// admin keys whose names are part of the tour (plus one user-owned project key, to show what
/// happens when a project key is used on an admin endpoint).
enum Fixtures {
    /// Admin keys by name and the permissions the admin-key form would give them.
    static let adminKeys: [(String, PermissionProfile)] = [
        ("owner", .all),
        ("reader", .readOnly),
        ("mgmt-read", .restricted([.organizationAdministration: .read])),
        ("mgmt-write", .restricted([.organizationAdministration: .write])),
        ("usage", .restricted([.usage: .read])),
    ]
    static let projectKeyName = "project-key"

    /// A fresh organization. `secrets` keeps key values across a reset (by name).
    static func make(now: Int, secrets: [String: String] = [:], organizationID: String? = nil) -> (OrgState, FixtureKeys) {
        var s = OrgState(organizationID: organizationID ?? IDs.organization(), organizationName: "Sandbox Org")
        let owner = s.addUser(name: "Sam Owner", email: "sam.owner@example.com", role: "owner", now: now)
        let project = s.createProject(name: "Default project", now: now, ownerUserID: owner.id)
        let ownerRole = s.predefinedRole("owner", description: "", permissions: [], projectID: nil)["id"]!.stringValue!
        s.put(
            Record(
                kind: .roleAssignment,
                id: "org:user:\(owner.id)|\(ownerRole)",
                parent: "org:user:\(owner.id)",
                body: .obj(["role_id": .string(ownerRole), "created_at": .int(now), "created_by": .null]),
                hidden: .obj(["principal_id": .string(owner.id), "principal_type": "user"])
            )
        )
        var keys: FixtureKeys = []
        for (name, profile) in adminKeys {
            let (record, secret) = s.mintAdminKey(name: name, profile: profile, ownerUserID: owner.id, now: now, secret: secrets[name])
            keys.append(FixtureKey(name: name, profile: profile, secret: Secret(secret), id: record.id))
        }
        let (pk, psecret) = s.mintProjectKey(
            for: .user(owner, projectID: project.id),
            name: projectKeyName,
            now: now,
            secret: secrets[projectKeyName]
        )
        keys.append(FixtureKey(name: projectKeyName, profile: nil, secret: Secret(psecret), id: pk.id))
        return (s, keys)
    }

    /// The fixture keys found in a restored organization (by name).
    static func keys(in s: OrgState) -> FixtureKeys {
        var keys: FixtureKeys = []
        for r in s.records(.adminKey) {
            guard let name = r.body["name"]?.stringValue, let secret = r.hidden["secret"]?.stringValue else { continue }
            keys.append(FixtureKey(name: name, profile: Authorizer.profile(r.hidden["profile"]), secret: Secret(secret), id: r.id))
        }
        for r in s.table(.projectKey).all where r.body["name"]?.stringValue == projectKeyName && r.hidden["user_id"] != nil {
            if let secret = r.hidden["secret"]?.stringValue {
                keys.append(FixtureKey(name: projectKeyName, profile: nil, secret: Secret(secret), id: r.id))
            }
        }
        return keys
    }
}

/// The fixture keys of a running sandbox as they are now — a seeded organization brings keys of
/// its own — and the keys file they were written to, kept in step with them.
public final class FixtureKeyring: Sendable {
    private let state: Mutex<(keys: FixtureKeys, file: String?, header: String)>

    init(_ keys: FixtureKeys) {
        state = Mutex((keys, nil, ""))
    }

    public var keys: FixtureKeys { state.withLock { $0.keys } }

    /// Writes the keys to `path` (0600) and keeps them there when they change.
    func write(to path: String, header: String) throws(FileError) {
        let keys = state.withLock { s in
            s.file = path
            s.header = header
            return s.keys
        }
        try Self.write(keys, to: path, header: header)
    }

    /// The organization's keys are now `keys` (a seed, a twin): the keys file follows.
    func replace(with keys: FixtureKeys) throws(FileError) {
        let (file, header) = state.withLock { s in
            s.keys = keys
            return (s.file, s.header)
        }
        if let file { try Self.write(keys, to: file, header: header) }
    }

    private static func write(_ keys: FixtureKeys, to path: String, header: String) throws(FileError) {
        let text = header + keys.map { "\($0.name)=\($0.secret.unredacted)" }.joined(separator: "\n") + "\n"
        try OwnFiles.replace(path, with: text, as: .keysFile)
    }
}
