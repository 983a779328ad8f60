import Synchronization

/// Whole listings read in this session (every page of one listing, by key and request), kept
/// for a while so the next question is answered from what was just read: `inventory keys` then
/// `offboard X --dry-run` reads nothing twice.
///
/// What is kept is dropped when it may no longer be true: after `lifetime` (default 10 minutes),
/// on any write the session sends (a change to one resource can show in many listings, so all of
/// them go), and on any 404 (the organization no longer has something a listing may hold).
/// Readings are per key: two keys may see different things.
public final class Readings: Sendable {
    /// One listing as read.
    public struct Entry: Sendable {
        public let items: [JSON]
        public let organization: String?
        /// When it was read (Unix time).
        public let at: Double
    }

    private struct State {
        /// By owner, then request.
        var entries: [String: [String: Entry]] = [:]
        /// Seconds a reading is used for; nil: readings are not kept.
        var lifetime: Double? = Readings.defaultLifetime
        /// Where readings are shared with other processes, if anywhere.
        var shared: ReadingsFile?
        /// Owners whose shared file was read in this process.
        var loaded: Set<String> = []
    }

    private let state = Mutex(State())

    /// Ten minutes.
    public static let defaultLifetime = 600.0

    public init(lifetime: Double? = Readings.defaultLifetime) {
        state.withLock { $0.lifetime = lifetime }
    }

    /// Seconds a reading is used for (nil: off, and what was kept is dropped).
    public var lifetime: Double? {
        get { state.withLock { $0.lifetime } }
        set {
            state.withLock { s in
                s.lifetime = newValue
                if newValue == nil { s.entries.removeAll() }
            }
        }
    }

    /// Where readings are shared with other processes (`cache_file = on`); nil: this process only.
    public var shared: ReadingsFile? {
        get { state.withLock { $0.shared } }
        set { state.withLock { $0.shared = newValue } }
    }

    /// The kept reading of `request` by `owner`, if it is young enough.
    public func reading(_ request: String, owner: String, now: Double = UnixTime.precise()) -> Entry? {
        state.withLock { s in
            guard let lifetime = s.lifetime else { return nil }
            if let shared = s.shared, !s.loaded.contains(owner) {
                s.loaded.insert(owner)
                s.entries[owner, default: [:]].merge(shared.load(owner: owner)) { mine, _ in mine }
            }
            guard let entry = s.entries[owner]?[request] else { return nil }
            return now - entry.at <= lifetime && entry.at <= now + 60 ? entry : nil
        }
    }

    /// Keeps a whole listing (and shares it, when readings are shared).
    public func keep(_ request: String, owner: String, items: [JSON], organization: String?, at: Double = UnixTime.precise()) {
        state.withLock { s in
            guard s.lifetime != nil else { return }
            s.entries[owner, default: [:]][request] = Entry(items: items, organization: organization, at: at)
            s.shared?.save(owner: owner, s.entries[owner]!)
        }
    }

    /// Drops every reading (a write was sent, or an answer contradicted what was read), and
    /// the shared ones of the organization.
    public func forgetAll() {
        state.withLock { s in
            s.entries.removeAll()
            s.shared?.removeAll()
        }
    }

    /// How many readings are kept.
    public var count: Int { state.withLock { $0.entries.values.reduce(0) { $0 + $1.count } } }

    /// When the oldest kept reading was made, if any is kept.
    public var oldest: Double? { state.withLock { $0.entries.values.flatMap(\.values).map(\.at).min() } }
}
