import AdmAPI

/// The whole emulated organization, in memory. Handlers read and change it through these
/// methods; every change is also queued in `changes` so the store can persist it.
struct OrgState: Sendable {
    var organizationID: String
    var organizationName: String
    private(set) var tables: [Kind: Table] = [:]
    var seq = 0
    /// Secret value → (kind, id) of the key record, for authentication.
    private(set) var keyIndex: [String: (Kind, String)] = [:]
    /// Where deleted records stood, so a page cursor naming one still works.
    private(set) var tombstones: [String: Int] = [:]
    /// Changes since the last `takeChanges()`.
    private(set) var changes: [Change] = []
    var settings = SandboxSettings()
    /// Facts about the sandbox kept with the organization (`seeded`: what `sandbox seed org`
    /// built, as JSON).
    private(set) var meta: [String: String] = [:]

    init(organizationID: String, organizationName: String) {
        self.organizationID = organizationID
        self.organizationName = organizationName
    }

    func table(_ kind: Kind) -> Table { tables[kind] ?? Table() }

    func get(_ kind: Kind, _ id: String) -> Record? { tables[kind]?[id] }

    func records(_ kind: Kind, parent: String = "") -> [Record] { table(kind).records(parent: parent) }

    mutating func nextSeq() -> Int {
        seq += 1
        return seq
    }

    /// Stores a new record of `kind` under `id` (a fresh one from `IDs`), its body built from
    /// that id: the shape of every create handler.
    @discardableResult
    mutating func create(_ kind: Kind, _ id: String, parent: String = "", hidden: JSON = .object([]), body: (String) -> JSON) -> Record {
        put(Record(kind: kind, id: id, parent: parent, body: body(id), hidden: hidden))
    }

    /// Stores a new record of `kind` under `id` unless one is there already (adding a member
    /// twice changes nothing); true when it stored one.
    @discardableResult
    mutating func createOnce(_ kind: Kind, _ id: String, parent: String = "", hidden: JSON = .object([]), body: () -> JSON) -> Bool {
        guard get(kind, id) == nil else { return false }
        put(Record(kind: kind, id: id, parent: parent, body: body(), hidden: hidden))
        return true
    }

    /// Stores a new record (assigning its order) or replaces an existing one.
    @discardableResult
    mutating func put(_ record: Record) -> Record {
        var r = record
        if r.seq == 0 { r.seq = get(r.kind, r.id)?.seq ?? nextSeq() }
        if let old = get(r.kind, r.id), let secret = old.hidden["secret"]?.stringValue { keyIndex[secret] = nil }
        tables[r.kind, default: Table()].put(r)
        if let secret = r.hidden["secret"]?.stringValue { keyIndex[secret] = (r.kind, r.id) }
        changes.append(.upsert(r))
        return r
    }

    /// Loads a record from the database without queueing a change.
    mutating func restore(_ record: Record) {
        tables[record.kind, default: Table()].put(record)
        if let secret = record.hidden["secret"]?.stringValue { keyIndex[secret] = (record.kind, record.id) }
        seq = max(seq, record.seq)
    }

    /// Changes a record's body in place.
    @discardableResult
    mutating func update(_ kind: Kind, _ id: String, _ change: (inout Record) -> Void) -> Record? {
        guard var r = get(kind, id) else { return nil }
        change(&r)
        return put(r)
    }

    @discardableResult
    mutating func remove(_ kind: Kind, _ id: String) -> Record? {
        guard let r = tables[kind]?.remove(id) else { return nil }
        if tombstones.count > 200_000 { tombstones.removeAll() }
        tombstones[id] = r.seq
        if let secret = r.hidden["secret"]?.stringValue { keyIndex[secret] = nil }
        changes.append(.delete(kind, id))
        return r
    }

    /// The insertion position of a page cursor (a live or deleted record's id).
    func cursorSeq(_ kind: Kind, _ id: String) -> Int? { get(kind, id)?.seq ?? tombstones[id] }

    /// The key record holding this secret value.
    func keyRecord(secret: String) -> Record? {
        guard let (kind, id) = keyIndex[secret] else { return nil }
        return get(kind, id)
    }

    /// Updates a key's `last_used_at` in memory only (not worth a disk write per request).
    mutating func touch(_ kind: Kind, _ id: String, at time: Int) {
        guard var r = get(kind, id) else { return }
        if r.body["last_used_at"]?.intValue == time { return }
        r.body["last_used_at"] = .int(time)
        tables[kind, default: Table()].put(r)
    }

    /// Replaces everything with `fresh` (a reset), queueing the whole new content.
    mutating func replace(with fresh: OrgState) {
        let settings = self.settings
        self = fresh
        self.settings = settings
        changes =
            [.clear, .meta("organization_id", organizationID), .meta("seeded", "")] + Kind.allCases.flatMap { table($0).all.map(Change.upsert) }
    }

    /// Sets a meta value, persisted with the organization.
    mutating func setMeta(_ key: String, _ value: String) {
        meta[key] = value
        changes.append(.meta(key, value))
    }

    /// Loads a meta value from the database without queueing a change.
    mutating func restoreMeta(_ key: String, _ value: String) { meta[key] = value }

    mutating func takeChanges() -> [Change] {
        defer { changes.removeAll(keepingCapacity: true) }
        return changes
    }

    mutating func discardChanges() { changes.removeAll(keepingCapacity: true) }
}
