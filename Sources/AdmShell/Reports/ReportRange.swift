import AdmAPI

/// The days a report covers: `--days N` is the last N daily buckets, today's included (from
/// 00:00 UTC N−1 days ago; default 7); `--since DATE [--until DATE]` names the first and last
/// day (UTC, `YYYY-MM-DD`). Today's bucket is incomplete: data keeps arriving for a while.
struct ReportRange {
    let start: Int
    /// The end (exclusive), or nil for "up to now".
    let end: Int?
    let now: Int

    static let day = 86400

    init(start: Int, end: Int?, now: Int) {
        self.start = start
        self.end = end
        self.now = now
    }

    static func parse(_ shell: CommandContext, _ inv: Invocation) throws(ShellError) -> ReportRange {
        let now = UnixTime.now()
        let today = now / day * day
        if let w = inv.args.flagWord("--since") {
            if inv.args.has("--days") { throw .usage("give --days N or --since DATE, not both", at: w.location) }
            let start = try date(shell.text(of: w), flag: "--since", at: w.location)
            var end: Int?
            if let u = inv.args.flagWord("--until") { end = try date(shell.text(of: u), flag: "--until", at: u.location) + day }
            if let end, end <= start { throw .usage("--until is before --since", at: inv.location) }
            if start > now { throw .usage("--since is in the future", at: w.location) }
            return ReportRange(start: start, end: end.map { min($0, today + day) }, now: now)
        }
        if inv.args.has("--until") { throw .usage("--until goes with --since DATE", at: inv.location) }
        let days = try inv.integer("--days") ?? 7
        return ReportRange(start: today - (days - 1) * day, end: nil, now: now)
    }

    /// `2026-11-30` → Unix time of 00:00 UTC.
    static func date(_ text: String, flag: String, at location: SourceLocation) throws(ShellError) -> Int {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1970...9999).contains(parts[0]), (1...12).contains(parts[1]), (1...31).contains(parts[2]) else {
            throw .usage("\(flag): '\(text)' is not a date (YYYY-MM-DD)", at: location)
        }
        return UnixTime.civilToUnix(year: parts[0], month: parts[1], day: parts[2])
    }

    /// How many daily buckets it spans.
    var days: Int { ((end ?? (now / Self.day * Self.day + Self.day)) - start + Self.day - 1) / Self.day }

    /// Query items for the usage and costs endpoints (daily buckets).
    var query: [QueryItem] {
        var items = [QueryItem("start_time", String(start)), QueryItem("bucket_width", "1d")]
        if let end { items.append(QueryItem("end_time", String(end))) }
        return items
    }

    /// Whether the bucket starting at `t` is still filling.
    func incomplete(_ t: Int) -> Bool { t + Self.day > now }

    /// `2026-11-01 – 2026-11-30 (30 days)`.
    var description: String {
        let last = (end ?? (now / Self.day * Self.day + Self.day)) - Self.day
        return "\(UnixTime.iso8601(start).prefix(10)) – \(UnixTime.iso8601(last).prefix(10)) (\(days) day\(days == 1 ? "" : "s"))"
    }
}
