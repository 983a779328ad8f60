import AdmAPI

/// A twin served in-process: the sandbox's dispatcher over an organization built from a
/// snapshot, without a socket and without the rate limit (a rehearsal should take as long as
/// the work, not the live API's pace). `rehearse` calls it through `transport`.
public final class TwinSandbox: Sendable {
    /// Calls carry this base URL; the transport answers them without a network.
    public static let baseURL = "http://twin.adm.invalid/v1"
    public let notes: [String]
    private let store: Store
    private let dispatcher: Dispatcher

    /// A twin of the organization in `snapshot` (a file `snapshot FILE` wrote).
    public init(snapshot: JSON, knownIssues: Set<KnownIssue> = []) throws(SandboxError) {
        let (state, keys, notes) = try Twin.withFixtures(snapshot, now: UnixTime.now())
        var settings = SandboxSettings()
        settings.rateLimit = nil
        settings.knownIssues = knownIssues
        store = Store(state: state, persistence: nil)
        dispatcher = Dispatcher(store: store, settings: settings, fixtures: FixtureKeyring(keys))
        self.notes = notes
    }

    public var transport: InProcessTransport { InProcessTransport(dispatcher: dispatcher) }

    /// Requests answered so far.
    public var requestsServed: Int { dispatcher.served.load(ordering: .relaxed) }

    /// A stand-in with `profile` (nil: a project key) under `name`; `standsFor` names the admin
    /// key record it is, when the organization has it.
    public func standIn(name: String, profile: PermissionProfile?, standsFor: String? = nil) async throws(SandboxError) -> Secret {
        let now = UnixTime.now()
        do {
            return try await store.write { s in
                s.standIn(name: name, profile: profile, standsFor: standsFor, ownerUserID: s.firstOwner?.id, now: now).1
            }
        } catch {
            throw .storage(error.message)
        }
    }
}
