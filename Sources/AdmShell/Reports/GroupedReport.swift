import AdmAPI

/// A report grouped one way (costs by project, usage by model, …) or by day: rows sorted by the
/// main measure, each with a bar in proportion to it and its share, and a TOTAL row; days in
/// date order as a bar chart, or — past a month — a sparkline beside the total. Human output
/// only draws; `--csv` gives machine values (plain numbers, ISO dates) and `--json` the rows
/// with their names.
struct GroupedReport {
    /// A column of figures.
    struct Measure {
        let header: String
        /// The field name in CSV and JSON.
        let key: String
        /// Amounts in cents of `currency` (else counts).
        var money = false
    }

    /// One row: a group (a project, a model, a key) or a day, with its figures.
    struct Row {
        /// The id grouped by (nil for a day or an ungrouped total).
        var id: String?
        var name: String
        /// Whether something named the id (an id nothing could name stays, marked so).
        var named = true
        var values: [Double]
        /// The day (for a report by day).
        var day: Int?
        var incomplete = false
    }

    let title: String
    let groupHeader: String
    /// The JSON/CSV field of the grouped id (`project_id`).
    let groupKey: String
    let measures: [Measure]
    /// The measure the bars and the order follow (an index, or the sum of several).
    let main: [Int]
    var rows: [Row]
    let currency: String
    let byDay: Bool

    func mainValue(_ row: Row) -> Double { main.map { row.values[$0] }.reduce(0, +) }

    /// The rows as every output shows them: days in date order, groups largest first (ties by name).
    var ordered: [Row] {
        byDay ? rows : rows.sorted { (mainValue($0), $1.name) > (mainValue($1), $0.name) }
    }

    var totals: [Double] { measures.indices.map { i in rows.map { $0.values[i] }.reduce(0, +) } }

    func format(_ value: Double, _ measure: Measure) -> String {
        measure.money ? Formatting.money(value / 100) + " " + currency.uppercased() : Formatting.thousands(Int(saturating: value))
    }

    /// The table (or chart) for people: measures that are zero throughout left out.
    func lines(style: Style, bars: Bars, width: Int) -> [String] {
        let kept = measures.indices.filter { i in main.contains(i) || rows.contains { $0.values[i] != 0 } }
        if kept.count < measures.count {
            let narrowed = GroupedReport(
                title: title,
                groupHeader: groupHeader,
                groupKey: groupKey,
                measures: kept.map { measures[$0] },
                main: main.compactMap { kept.firstIndex(of: $0) },
                rows: rows.map { r in
                    var r = r
                    r.values = kept.map { r.values[$0] }
                    return r
                },
                currency: currency,
                byDay: byDay
            )
            return narrowed.lines(style: style, bars: bars, width: width)
        }
        var out = [style.bold(title)]
        let total = totals
        let grand = main.map { total[$0] }.reduce(0, +)
        if byDay && rows.count > 31 {
            let figures = rows.map(mainValue)
            let spark = bars.sparkline(figures)
            let peak = rows.max { mainValue($0) < mainValue($1) }
            out.append(
                style.bold("TOTAL") + "  " + measures.indices.map { format(total[$0], measures[$0]) }.joined(separator: "  ") + "  "
                    + style.cyan(spark)
            )
            if let peak, let day = peak.day {
                out.append(
                    style.dim(
                        "\(rows.count) days; the highest \(UnixTime.iso8601(day).prefix(10)) (\(format(peak.values[main[0]], measures[main[0]]))); "
                            + "an average day \(format(grand / Double(max(1, rows.count)), measures[main[0]]))"
                            + (rows.last?.incomplete == true ? "; today is incomplete" : "")
                    )
                )
            }
            return out
        }
        let sorted = ordered
        let names = sorted.map { row -> String in
            let label = Cells.inline(row.name) + (row.named ? "" : " (no name)") + (row.incomplete ? " *" : "")
            return DisplayWidth.truncate(label, to: 40)
        }
        let nameWidth = max(DisplayWidth.of(groupHeader), DisplayWidth.of("TOTAL"), names.map(DisplayWidth.of).max() ?? 0)
        let figureWidths = measures.indices.map { i in
            max(
                DisplayWidth.of(measures[i].header),
                DisplayWidth.of(format(total[i], measures[i])),
                sorted.map { DisplayWidth.of(format($0.values[i], measures[i])) }.max() ?? 0
            )
        }
        let showShare = !byDay
        let used = nameWidth + figureWidths.reduce(0) { $0 + 2 + $1 } + (showShare ? 8 : 0) + 2
        let barWidth = max(10, width - used)
        let peak = sorted.map(mainValue).max() ?? 0
        func line(_ name: String, _ figures: [String], _ share: String, _ bar: String) -> String {
            var parts = [DisplayWidth.pad(name, to: nameWidth)]
            for (f, w) in zip(figures, figureWidths) { parts.append(String(repeating: " ", count: max(0, w - DisplayWidth.of(f))) + f) }
            if showShare { parts.append(String(repeating: " ", count: max(0, 6 - DisplayWidth.of(share))) + share) }
            if !bar.isEmpty { parts.append(bar) }
            return parts.joined(separator: "  ").trimmedRight()
        }
        out.append(style.bold(line(groupHeader, measures.map(\.header), showShare ? "SHARE" : "", "")))
        for (row, name) in zip(sorted, names) {
            let share = grand > 0 ? Formatting.fixed(mainValue(row) / grand * 100, decimals: 1) + "%" : "—"
            out.append(
                line(
                    name,
                    measures.indices.map { format(row.values[$0], measures[$0]) },
                    share,
                    style.cyan(bars.bar(mainValue(row), of: peak, width: barWidth))
                )
            )
        }
        out.append(style.bold(line("TOTAL", measures.indices.map { format(total[$0], measures[$0]) }, showShare ? "100%" : "", "")))
        if sorted.contains(where: \.incomplete) { out.append(style.dim("* today: still filling (late data arrives for a while)")) }
        if sorted.contains(where: { !$0.named }) { out.append(style.dim("(no name): an id that no listing names (a deleted key or project)")) }
        return out
    }

    /// The rows as JSON: ids, names, figures (money in currency units), shares, the total.
    func json(extra: [JSON.Member] = []) -> JSON {
        let total = totals
        let grand = main.map { total[$0] }.reduce(0, +)
        let items: [JSON] = ordered.map { row in
            var members: [JSON.Member] = []
            if byDay, let day = row.day {
                members.append(JSON.Member("date", .string(String(UnixTime.iso8601(day).prefix(10)))))
                members.append(JSON.Member("start_time", .int(day)))
                members.append(JSON.Member("complete", .bool(!row.incomplete)))
            } else {
                members.append(JSON.Member(groupKey, row.id.map(JSON.string) ?? .null))
                members.append(JSON.Member("name", .string(row.name)))
                members.append(JSON.Member("named", .bool(row.named)))
            }
            for (m, v) in zip(measures, row.values) { members.append(JSON.Member(m.key, value(v, m))) }
            if !byDay { members.append(JSON.Member("share", .double(grand > 0 ? (mainValue(row) / grand * 10000).rounded() / 10000 : 0))) }
            return .object(members)
        }
        var out: [JSON.Member] = [JSON.Member("rows", .array(items))]
        out.append(JSON.Member("total", .object(zip(measures, total).map { JSON.Member($0.key, value($1, $0)) })))
        if measures.contains(where: \.money) { out.append(JSON.Member("currency", .string(currency))) }
        return .object(extra + out)
    }

    func value(_ v: Double, _ m: Measure) -> JSON { m.money ? .double((v).rounded() / 100) : .int(Int(saturating: v)) }

    /// RFC 4180 CSV of the rows.
    func csv() -> String {
        let items = json()["rows"]?.arrayValue ?? []
        var columns: [CSV.Column] =
            byDay
            ? [CSV.Column("date", ".date"), CSV.Column("complete", ".complete")]
            : [CSV.Column(groupKey, "." + groupKey), CSV.Column("name", ".name")]
        columns += measures.map { CSV.Column($0.key, "." + $0.key) }
        if measures.contains(where: \.money) { columns.append(CSV.Column("currency", ".currency")) }
        if !byDay { columns.append(CSV.Column("share", ".share")) }
        let rows = items.map { item -> JSON in
            var row = item
            row["currency"] = .string(currency)
            return row
        }
        return CSV.render(rows: rows, columns: columns)
    }
}
