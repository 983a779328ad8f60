import AdmAPI
import Synchronization

/// One API call as the session remembers it: for `retry-with`, `repro`, `export` and
/// `what-changed`. Holds no secret: the key appears by name and redacted value.
public struct CallRecord: Sendable {
    public var statement: String
    public var call: Call
    public var keyName: String?
    public var keyRedacted: String?
    public var status: Int?
    public var error: APIError?
    public var transportError: String?
    public var requestID: String?
    public var organizationID: String?
    public var projectID: String?
    public var time: Int
}

/// The session's state: variables, named keys, the active key and project, the last value and
/// the calls made.
public final class Session {
    public var variables: [String: JSON] = [:]
    public private(set) var keys: [String: SessionKey] = [:]
    /// Key names in the order they were added.
    public private(set) var keyOrder: [String] = []
    public var activeKey: String?
    public var activeProject: String?
    /// `$_`: the last value.
    public var last: JSON?
    /// The last API call's result.
    public var lastResult: CallResult?
    /// The API calls made, oldest first (at least the last 200).
    public private(set) var calls: [CallRecord] = []
    /// Statements run, for `save`.
    public private(set) var transcript: [String] = []
    /// What probes found out per key (for `retry-with` candidates).
    public var probes: [String: KeyProbe] = [:]
    /// Ids seen in listings, for completion (shared with background refreshes).
    public let idCache = IDCache()
    public var organizationID: String?
    /// Project statuses seen in responses (`active`, `archived`), for warnings.
    public var projectStatus: [String: String] = [:]
    /// Admin-key records seen in listings, for explaining which key a secret is.
    public var adminKeyRecords: [JSON] = []
    /// Warnings already given (each once per session).
    public var warned: Set<String> = []
    /// Names for the ids usage and costs carry, looked up once per session.
    let names = NameCache()

    public init() {}

    public func addKey(_ key: SessionKey) {
        if keys[key.name] == nil { keyOrder.append(key.name) }
        keys[key.name] = key
        probes[key.name] = nil
    }

    public func removeKey(_ name: String) {
        keys[name] = nil
        keyOrder.removeAll { $0 == name }
        if activeKey == name { activeKey = nil }
    }

    /// The session's keys in the order added.
    public var orderedKeys: [SessionKey] { keyOrder.compactMap { keys[$0] } }

    /// Every secret the session holds (for scrubbing output).
    public var secrets: [Secret] { orderedKeys.map(\.secret) }

    /// The session key holding this value, if any.
    public func keyName(matching secret: Secret) -> String? {
        orderedKeys.first { $0.secret == secret }?.name
    }

    public func record(_ call: CallRecord) {
        calls.append(call)
        // The last 200 are kept; trimmed in batches, so a long script does not move them each time.
        if calls.count > 400 { calls.removeFirst(calls.count - 200) }
    }

    public func remember(statement: String) {
        transcript.append(statement)
    }

    /// Remembers ids from a listing for completion (most recent first, at most 200 per kind).
    public func noteIDs(_ value: JSON) {
        if value["object"]?.stringValue == "organization.project", let id = value["id"]?.stringValue {
            projectStatus[id] = value["status"]?.stringValue
        }
        // One object (a project just made, a user shown): its id and name complete from now on.
        if value["id"]?.stringValue != nil { idCache.note(items: [value]) }
        guard let items = value["data"]?.arrayValue else { return }
        if items.first?["object"]?.stringValue == "organization.admin_api_key" {
            for item in items {
                adminKeyRecords.removeAll { $0["id"] == item["id"] }
                adminKeyRecords.append(item)
            }
        }
        for item in items {
            guard let id = item["id"]?.stringValue else { continue }
            if item["object"]?.stringValue == "organization.project" { projectStatus[id] = item["status"]?.stringValue }
        }
        idCache.note(items: items)
    }

    static func kind(ofID id: String) -> String {
        if id.hasPrefix("proj_") { return "project" }
        if id.hasPrefix("user-") { return "user" }
        if id.hasPrefix("svc_acct_") { return "service_account" }
        if id.hasPrefix("key_") { return "key" }
        if id.hasPrefix("invite-") { return "invite" }
        if id.hasPrefix("group_") { return "group" }
        if id.hasPrefix("role") { return "role" }
        return "other"
    }
}

/// Ids seen in listings, by kind (`project`, `service_account`, `user`, `key`, …), most recent
/// first, for Tab completion. Thread-safe: background refreshes fill it while the prompt waits.
public final class IDCache: Sendable {
    private let ids = Mutex<[String: [String]]>([:])
    /// The names (and emails) of projects and users, by kind: they complete where a name works.
    private let names = Mutex<[String: [String]]>([:])
    private let refreshedAt = Mutex<Double>(0)

    public init() {}

    public func note(_ list: [String]) {
        ids.withLock { all in
            for id in list.reversed() {
                let kind = Session.kind(ofID: id)
                var l = all[kind, default: []]
                l.removeAll { $0 == id }
                l.insert(id, at: 0)
                if l.count > 500 { l.removeLast() }
                all[kind] = l
            }
        }
    }

    public func ids(_ kind: String) -> [String] { ids.withLock { $0[kind] ?? [] } }

    /// The names (and emails) of a kind seen, most recent first.
    public func names(_ kind: String) -> [String] { names.withLock { $0[kind] ?? [] } }

    /// Notes the ids of `items` (a listing's `data`, or one object), and the names of the
    /// projects and users among them.
    public func note(items: [JSON]) {
        note(items.compactMap { $0["id"]?.stringValue })
        names.withLock { all in
            for item in items.reversed() {
                guard let id = item["id"]?.stringValue else { continue }
                let kind = Session.kind(ofID: id)
                guard kind == "project" || kind == "user" else { continue }
                for field in ["email", "name"] {
                    guard let name = item[field]?.stringValue, !name.isEmpty, !name.hasPrefix(" ") else { continue }
                    var l = all[kind, default: []]
                    l.removeAll { $0 == name }
                    l.insert(name, at: 0)
                    if l.count > 500 { l.removeLast() }
                    all[kind] = l
                }
            }
        }
    }

    /// Marks a refresh; returns false when one happened within `seconds`.
    public func shouldRefresh(every seconds: Double) -> Bool {
        let now = UnixTime.precise()
        return refreshedAt.withLock { last in
            if now - last < seconds { return false }
            last = now
            return true
        }
    }
}

/// What probing found about one key: per category, the level seen and the evidence.
public struct KeyProbe: Sendable {
    public var levels: [PermissionCategory: ProbeOutcome] = [:]
    public var writes: [PermissionCategory: ProbeOutcome] = [:]

    /// Whether the probe showed this key has `scope`.
    public func grants(_ scope: String) -> Bool? {
        guard let category = PermissionCategory.of(scope: scope) else { return nil }
        let outcome = scope == category.readScope ? levels[category] : writes[category]
        switch outcome?.verdict {
        case .granted?: return true
        case .missing?: return false
        default: return nil
        }
    }
}

/// The result of probing one permission.
public struct ProbeOutcome: Sendable {
    /// What a probe concluded about a scope.
    public enum Verdict: String, Sendable { case granted, missing, unknown }
    public var verdict: Verdict
    public var evidence: String
    /// The scopes the API named as missing, when it refused.
    public var missing: [String] = []
}
