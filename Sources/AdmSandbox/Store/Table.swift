/// The records of one kind, by id and, per parent, in insertion order.
struct Table: Sendable {
    private(set) var byID: [String: Record] = [:]
    /// Per parent, the ids in `seq` order.
    private(set) var order: [String: [String]] = [:]

    var count: Int { byID.count }

    subscript(id: String) -> Record? { byID[id] }

    mutating func put(_ record: Record) {
        if let existing = byID[record.id] {
            if existing.parent != record.parent {
                remove(record.id)
            } else {
                byID[record.id] = record
                return
            }
        }
        byID[record.id] = record
        var ids = order[record.parent, default: []]
        if let last = ids.last, let lastSeq = byID[last]?.seq, lastSeq > record.seq {
            let index = insertionIndex(ids, seq: record.seq)
            ids.insert(record.id, at: index)
        } else {
            ids.append(record.id)
        }
        order[record.parent] = ids
    }

    @discardableResult
    mutating func remove(_ id: String) -> Record? {
        guard let record = byID.removeValue(forKey: id) else { return nil }
        if var ids = order[record.parent] {
            if let index = ids.firstIndex(of: id) { ids.remove(at: index) }
            order[record.parent] = ids.isEmpty ? nil : ids
        }
        return record
    }

    /// The ids under `parent`, oldest first.
    func ids(parent: String) -> [String] { order[parent] ?? [] }

    /// Every record, oldest first within each parent.
    var all: [Record] { byID.values.sorted { $0.seq < $1.seq } }

    /// Records under `parent`, oldest first.
    func records(parent: String) -> [Record] { ids(parent: parent).compactMap { byID[$0] } }

    /// The position of `id` in its parent's order.
    func position(of id: String, parent: String) -> Int? {
        guard let record = byID[id] else { return nil }
        let ids = order[parent] ?? []
        var lo = 0
        var hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if (byID[ids[mid]]?.seq ?? 0) < record.seq { lo = mid + 1 } else { hi = mid }
        }
        return lo < ids.count && ids[lo] == id ? lo : ids.firstIndex(of: id)
    }

    private func insertionIndex(_ ids: [String], seq: Int) -> Int {
        var lo = 0
        var hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if (byID[ids[mid]]?.seq ?? 0) < seq { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
