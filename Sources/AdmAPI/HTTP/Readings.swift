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
        var entries: [String: Entry] = [:]
        /// Seconds a reading is used for; nil: readings are not kept.
        var lifetime: Double? = Readings.defaultLifetime
    }

    private let state = Mutex(State())

    /// Ten minutes.
    public static let defaultLifetime = 600.0

    public init(lifetime: Double? = Readings.defaultLifetime) {
        state.withLock { $0.lifetime = lifetime }
    }

    /// Seconds a reading is used for (nil: off).
    public var lifetime: Double? {
        get { state.withLock { $0.lifetime } }
        set { state.withLock { $0.lifetime = newValue } }
    }

    /// The kept reading of `request` by `owner`, if it is young enough.
    public func reading(_ request: String, owner: String, now: Double = UnixTime.precise()) -> Entry? {
        state.withLock { s in
            guard let lifetime = s.lifetime, let entry = s.entries[owner + " " + request] else { return nil }
            return now - entry.at <= lifetime ? entry : nil
        }
    }

    /// Keeps a whole listing.
    public func keep(_ request: String, owner: String, items: [JSON], organization: String?, at: Double = UnixTime.precise()) {
        state.withLock { s in
            guard s.lifetime != nil else { return }
            s.entries[owner + " " + request] = Entry(items: items, organization: organization, at: at)
        }
    }

    /// Drops every reading (a write was sent, or an answer contradicted what was read).
    public func forgetAll() {
        state.withLock { $0.entries.removeAll() }
    }

    /// How many readings are kept.
    public var count: Int { state.withLock { $0.entries.count } }
}
