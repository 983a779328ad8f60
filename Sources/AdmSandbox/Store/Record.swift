import AdmAPI

/// The kinds of object the sandbox keeps. Each kind is one table; `parent` scopes a record to
/// a project, group, user or checkpoint when the API nests it.
enum Kind: String, Sendable, CaseIterable {
    case adminKey, project, user, invite, serviceAccount, projectKey, projectUser, certificate
    case group, groupUser, role, roleAssignment, projectGroup, spendAlert, setting, rateLimit
    case auditLog, checkpointPermission, externalKey, externalStorage, identityProvider, federationRule
    /// Keys that only call the sandbox (`StandIns`): never listed.
    case standIn

    /// Memberships are stored under the composite id `parent/member id` (`proj_…/user-…`), so
    /// one member may stand in many projects or groups.
    var isMembership: Bool { self == .projectUser || self == .projectGroup || self == .groupUser }
}

/// One stored object: the body the API shows, plus `hidden` fields it never shows (a key's
/// secret and permission profile, a certificate's PEM and activation state).
struct Record: Sendable, Hashable {
    var kind: Kind
    var id: String
    var parent: String
    /// Insertion order; lists page by it.
    var seq: Int
    var body: JSON
    var hidden: JSON

    init(kind: Kind, id: String, parent: String = "", seq: Int = 0, body: JSON, hidden: JSON = .object([])) {
        self.kind = kind
        self.id = id
        self.parent = parent
        self.seq = seq
        self.body = body
        self.hidden = hidden
    }
}

/// A change to persist: the new state of a record, or its removal.
enum Change: Sendable {
    case upsert(Record)
    case delete(Kind, String)
    case meta(String, String)
    /// Every record removed (a reset).
    case clear
}
