import AdmAPI

/// Builds list envelopes in the three paging styles (reference §4) over a table, fast even for
/// 100,000 records: a cursor is found by binary search on insertion order, and a deleted
/// cursor id still works (its position is remembered).
enum Pager {
    struct Options {
        var limit: Int
        var after: String?
        var before: String?
        var descending: Bool
    }

    /// Reads `limit`, `after`, `before` and `order` from the query with the endpoint's defaults.
    static func options(_ ctx: OpContext, defaultLimit: Int? = nil, defaultDescending: Bool? = nil) -> Options {
        let limitField = ctx.endpoint.query.first { $0.name == "limit" }
        let fallbackLimit = defaultLimit ?? limitField?.defaultValue.flatMap { Int($0) } ?? 20
        var limit = ctx.query.int("limit") ?? fallbackLimit
        if limit <= 0 { limit = fallbackLimit == 0 ? 20 : fallbackLimit }
        let orderDefault = ctx.endpoint.query.first { $0.name == "order" }?.defaultValue
        let order = ctx.query.string("order") ?? orderDefault
        let descending = order.map { $0 == "desc" || $0 == "descending" } ?? (defaultDescending ?? false)
        return Options(limit: limit, after: ctx.query.string("after"), before: ctx.query.string("before"), descending: descending)
    }

    /// A page of the records of `kind` under `parent`, optionally filtered, mapped by `render`.
    /// Kinds stored under composite ids (`proj_…/user-…`) pass the `cursorPrefix` that turns a
    /// body id back into a record id.
    static func page(
        _ state: OrgState, _ kind: Kind, parent: String = "", style: Paging, options: Options,
        cursorPrefix: String = "", where filter: ((Record) -> Bool)? = nil, render: (Record) -> JSON = { $0.body }
    ) -> JSON {
        let table = state.table(kind)
        var ids = table.ids(parent: parent)
        if let filter { ids = ids.filter { table[$0].map(filter) ?? false } }
        if options.descending { ids.reverse() }
        var start = 0
        var end = ids.count
        if let after = options.after, let seq = state.cursorSeq(kind, cursorPrefix + after) {
            start = firstIndex(ids, table: table, beyond: seq, descending: options.descending)
        }
        if let before = options.before, let seq = state.cursorSeq(kind, cursorPrefix + before) {
            end = firstIndex(ids, table: table, reaching: seq, descending: options.descending)
        }
        let slice: ArraySlice<String>
        let hasMore: Bool
        if options.before != nil && options.after == nil {
            let from = max(start, end - options.limit)
            slice = from < end ? ids[from..<end] : []
            hasMore = from > start
        } else {
            let to = min(end, start + options.limit)
            slice = start < to ? ids[start..<to] : []
            hasMore = to < end
        }
        let data = slice.compactMap { table[$0].map(render) }
        return envelope(data, style: style, hasMore: hasMore)
    }

    /// The envelope for items already in hand (small filtered or computed lists).
    static func page(items: [JSON], style: Paging, options: Options, id: (JSON) -> String? = { $0["id"]?.stringValue }) -> JSON {
        var list = items
        if options.descending { list.reverse() }
        var start = 0
        if let after = options.after, let index = list.firstIndex(where: { id($0) == after }) { start = index + 1 }
        var end = list.count
        if let before = options.before, let index = list.firstIndex(where: { id($0) == before }) { end = index }
        let to = min(end, start + options.limit)
        let data = start < to ? Array(list[start..<to]) : []
        return envelope(data, style: style, hasMore: to < end, id: id)
    }

    static func envelope(_ data: [JSON], style: Paging, hasMore: Bool, id: (JSON) -> String? = { $0["id"]?.stringValue }) -> JSON {
        switch style {
        case .nextCursor:
            return .obj(["object": "list", "data": .array(data), "has_more": .bool(hasMore),
                         "next": hasMore ? (data.last.flatMap(id).map(JSON.string) ?? .null) : .null])
        default:
            return .obj(["object": "list", "data": .array(data),
                         "first_id": data.first.flatMap(id).map(JSON.string) ?? .null,
                         "last_id": data.last.flatMap(id).map(JSON.string) ?? .null,
                         "has_more": .bool(hasMore)])
        }
    }

    /// The first index whose record comes after `seq` in the iteration order.
    private static func firstIndex(_ ids: [String], table: Table, beyond seq: Int, descending: Bool) -> Int {
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let s = table[ids[mid]]?.seq ?? 0
            if descending ? s >= seq : s <= seq { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The first index whose record is at or beyond `seq` in the iteration order.
    private static func firstIndex(_ ids: [String], table: Table, reaching seq: Int, descending: Bool) -> Int {
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let s = table[ids[mid]]?.seq ?? 0
            if descending ? s > seq : s < seq { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
