import AdmAPI

/// A twin to rehearse on: a copy of an organization built from a snapshot, called without a
/// socket. The shell cannot build one itself (the sandbox lives in a module of its own); the
/// `adm` executable hands it a `TwinProvider` in its configuration.
public protocol RehearsalTwin: Sendable {
    /// The base URL calls to the twin carry (the transport answers them; nothing is sent).
    var baseURL: String { get }
    var transport: any Transport { get }
    /// What the snapshot could not carry over (unreadable parts, an older version's gaps).
    var notes: [String] { get }
    /// Requests the twin answered, the stand-ins' included.
    var requestsServed: Int { get }
    /// A key that calls the twin with `profile` (nil: as a project key does) and is listed
    /// nowhere, so the twin's snapshots do not see it. `standsFor`: the admin key record (by
    /// id) the session's key is, whose deletion revokes the stand-in.
    func standIn(name: String, profile: PermissionProfile?, standsFor: String?) async throws(ShellError) -> Secret
}

/// Builds twins from snapshots.
public protocol TwinProvider: Sendable {
    func twin(of snapshot: JSON) async throws(ShellError) -> any RehearsalTwin
}
