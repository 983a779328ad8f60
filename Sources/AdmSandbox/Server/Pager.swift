import AdmAPI

/// Builds list envelopes in the three paging styles (reference §4) over a table, fast even for
/// 100,000 records: a cursor is found by binary search on insertion order, and a deleted
/// cursor id still works (its position is remembered).
enum Pager {
    /// What a list request asks for: how many, after or before which id, in which order.
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

    /// The records whose `field` equals the query parameter of the same name, when the request
    /// gives one (`?project_id=…`); nil (every record) when it does not.
    private static func matching(_ ctx: OpContext, _ field: String) -> ((Record) -> Bool)? {
        ctx.query.string(field).map { value in { $0.body[field]?.stringValue == value } }
    }

    /// A page of the records of `kind` under `parent` as the request in `ctx` asks for it: the
    /// endpoint's paging style; the query's `limit`, cursors and `order` with the endpoint's
    /// defaults (or `defaultLimit`, `defaultDescending`), unless `options` says otherwise; with
    /// `filteredBy`, only the records whose field of that name equals the query parameter of the
    /// same name when the request gives one (`?project_id=…`).
    static func page(
        _ state: OrgState,
        _ ctx: OpContext,
        _ kind: Kind,
        parent: String = "",
        options: Options? = nil,
        defaultLimit: Int? = nil,
        defaultDescending: Bool? = nil,
        filteredBy field: String? = nil,
        cursorPrefix: String = "",
        where filter: ((Record) -> Bool)? = nil,
        render: (Record) -> JSON = { $0.body }
    ) -> JSON {
        page(
            state,
            kind,
            parent: parent,
            style: ctx.endpoint.paging,
            options: options ?? Pager.options(ctx, defaultLimit: defaultLimit, defaultDescending: defaultDescending),
            cursorPrefix: cursorPrefix,
            where: filter ?? field.flatMap { matching(ctx, $0) },
            render: render
        )
    }

    /// The page of items already in hand (small filtered or computed lists) that the request in
    /// `ctx` asks for, in the endpoint's paging style.
    static func page(_ ctx: OpContext, items: [JSON], id: (JSON) -> String? = { $0["id"]?.stringValue }) -> JSON {
        page(items: items, style: ctx.endpoint.paging, options: Pager.options(ctx), id: id)
    }

    /// The engine behind the pages: a page of the records of `kind` under `parent`, optionally filtered, mapped by `render`.
    /// Kinds stored under composite ids (`proj_…/user-…`) pass the `cursorPrefix` that turns a
    /// body id back into a record id.
    ///
    /// The work is proportional to the page, not the table: cursors are found by binary search
    /// on insertion order, and the filter runs only on the records walked (the page, and up to
    /// the next match for `has_more`). Nothing is copied; a descending page walks backwards.
    private static func page(
        _ state: OrgState,
        _ kind: Kind,
        parent: String = "",
        style: Paging,
        options: Options,
        cursorPrefix: String = "",
        where filter: ((Record) -> Bool)? = nil,
        render: (Record) -> JSON = { $0.body }
    ) -> JSON {
        let table = state.table(kind)
        let ids = table.ids(parent: parent)
        let count = ids.count
        let descending = options.descending
        /// The record at position `k` in the page's order.
        func record(_ k: Int) -> Record? { table[descending ? ids[count - 1 - k] : ids[k]] }
        func seq(_ k: Int) -> Int { record(k)?.seq ?? 0 }
        func matching(_ k: Int) -> Record? {
            guard let r = record(k) else { return nil }
            return filter.map { $0(r) } ?? true ? r : nil
        }
        var start = 0
        var end = count
        if let after = options.after, let cursor = state.cursorSeq(kind, cursorPrefix + after) {
            start = firstFalse(count) { descending ? seq($0) >= cursor : seq($0) <= cursor }
        }
        if let before = options.before, let cursor = state.cursorSeq(kind, cursorPrefix + before) {
            end = firstFalse(count) { descending ? seq($0) > cursor : seq($0) < cursor }
        }
        var picked: [Record] = []
        let hasMore: Bool
        if options.before != nil && options.after == nil {
            // The last `limit` matches before the cursor.
            var k = end - 1
            while k >= start, picked.count < options.limit {
                if let r = matching(k) { picked.append(r) }
                k -= 1
            }
            picked.reverse()
            hasMore = k >= start && (start...k).contains { matching($0) != nil }
        } else {
            var k = start
            while k < end, picked.count < options.limit {
                if let r = matching(k) { picked.append(r) }
                k += 1
            }
            hasMore = (k..<max(k, end)).contains { matching($0) != nil }
        }
        return envelope(picked.map(render), style: style, hasMore: hasMore)
    }

    /// The envelope for items already in hand (small filtered or computed lists).
    private static func page(items: [JSON], style: Paging, options: Options, id: (JSON) -> String? = { $0["id"]?.stringValue }) -> JSON {
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
            return .obj([
                "object": "list", "data": .array(data), "has_more": .bool(hasMore),
                "next": hasMore ? (data.last.flatMap(id).map(JSON.string) ?? .null) : .null,
            ])
        default:
            return .obj([
                "object": "list", "data": .array(data),
                "first_id": data.first.flatMap(id).map(JSON.string) ?? .null,
                "last_id": data.last.flatMap(id).map(JSON.string) ?? .null,
                "has_more": .bool(hasMore),
            ])
        }
    }

    /// The first position in `0..<count` where `isBefore` is false (it holds for a prefix).
    private static func firstFalse(_ count: Int, _ isBefore: (Int) -> Bool) -> Int {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if isBefore(mid) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
