import AdmAPI

/// How tables are laid out: fitted to a terminal's width (nil in a pipe: every cell whole), and
/// whether every row is shown as a record (`records on`, psql's `\x`) instead of only those
/// tables that cannot fit.
struct TableLayout: Sendable {
    var fit: Int?
    var records = false

    /// The same, `cells` narrower (a table indented under a heading).
    func narrowed(by cells: Int) -> TableLayout { TableLayout(fit: fit.map { $0 - cells }, records: records) }
}

/// Aligned text tables, their widths counted in display cells (a CJK name takes two cells a
/// character), cells cut with `…` past 60 cells without splitting a character. On a terminal a
/// table is fitted to its width (`fit`): the widest columns give way first, so a row never
/// wraps; in a pipe every cell is whole.
enum Table {
    static let maxCellWidth = 60
    /// The narrowest a fitted column becomes (unless its header is wider).
    static let minFittedWidth = 6

    static func render(
        items: [JSON],
        columns: [Column],
        style: Style,
        widths fixed: [Int]? = nil,
        header: Bool = true,
        maxWidth: Int = maxCellWidth,
        layout: TableLayout = TableLayout()
    ) -> [String] {
        guard !columns.isEmpty else { return items.map { Cells.inline($0.serialized()) } }
        let cells = items.map { item in columns.map { $0.cell(item) } }
        if layout.records { return records(cells: cells, columns: columns, style: style, header: true) }
        var widths = fixed ?? widths(cells: cells, columns: columns, maxWidth: maxWidth)
        if let fit = layout.fit {
            widths = fitted(widths, cells: cells, columns: columns, in: fit)
            // Too narrow for the columns that must stay whole: one record per block instead.
            if fixed == nil, widths.reduce(0, +) + 2 * max(0, widths.count - 1) > fit {
                return records(cells: cells, columns: columns, style: style, header: header)
            }
        }
        var out: [String] = []
        if header {
            out.append(style.bold(zip(columns, widths).map { DisplayWidth.pad($0.header, to: $1) }.joined(separator: "  ").trimmedRight()))
        }
        for row in cells {
            out.append(
                zip(row, widths).map { cell, w in DisplayWidth.pad(cut(cell, to: w), to: w) }.joined(separator: "  ").trimmedRight()
            )
        }
        return out
    }

    /// The expanded display (psql's `\x`): each row a block of `HEADER  value` lines, values
    /// whole, blocks apart by an empty line.
    static func records(cells: [[String]], columns: [Column], style: Style, header: Bool) -> [String] {
        let labelWidth = columns.map { DisplayWidth.of($0.header) }.max() ?? 0
        var out: [String] = []
        for (n, row) in cells.enumerated() {
            if n > 0 { out.append("") }
            for (column, cell) in zip(columns, row) where !cell.isEmpty {
                out.append((header ? style.bold(DisplayWidth.pad(column.header, to: labelWidth)) + "  " : "") + cell)
            }
        }
        return out
    }

    /// A cell cut to `width` cells so that it still says something: a time keeps its date
    /// (`2026-03-11 09:30` → `2026-03-11`), a redacted key its last characters (`sk-admin...8d9`
    /// → `sk…8d9`: the tail is what tells keys apart); anything else is cut at its end with `…`.
    static func cut(_ cell: String, to width: Int) -> String {
        guard DisplayWidth.of(cell) > width else { return cell }
        if width >= 10, isTime(cell) { return String(cell.prefix(10)) }
        if let tail = redactedTail(cell), width > tail.count {
            return String(cell.prefix(width - 1 - tail.count)) + "…" + tail
        }
        return DisplayWidth.truncate(cell, to: width)
    }

    /// A column whose cells `cut` shortens so that they still say something, and the narrowest
    /// it can be so: times (a date, 10 cells) and redacted keys (the `…` and the longest tail).
    enum Shortening: Equatable {
        case times
        case redactedKeys(tail: Int)

        var usefulWidth: Int {
            switch self {
            case .times: return 10
            case .redactedKeys(let tail): return 3 + tail
            }
        }

        /// How `cells` (one column's, empty and `—` aside) shorten; nil for free text.
        init?(_ cells: [String]) {
            let filled = cells.filter { !$0.isEmpty && $0 != "—" }
            guard !filled.isEmpty else { return nil }
            if filled.allSatisfy(Table.isTime) {
                self = .times
                return
            }
            let tails = filled.map(Table.redactedTail)
            guard tails.allSatisfy({ $0 != nil }) else { return nil }
            self = .redactedKeys(tail: tails.map { $0?.count ?? 0 }.max() ?? 0)
        }
    }

    /// `2026-03-11 09:30`, as `Cells.time` shows a time.
    static func isTime(_ cell: String) -> Bool {
        let u = Array(cell.utf8)
        guard u.count == 16, u[4] == 0x2D, u[7] == 0x2D, u[10] == 0x20, u[13] == 0x3A else { return false }
        return [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15].allSatisfy { (0x30...0x39).contains(u[$0]) }
    }

    /// What follows the dots of a redacted key (`sk-admin...8d9`, `sk-...zH7q`, `sk-…abcd`).
    static func redactedTail(_ cell: String) -> String? {
        guard cell.hasPrefix("sk-"), !cell.contains(" "), let last = cell.lastIndex(where: { $0 == "." || $0 == "…" }) else { return nil }
        guard cell[last] == "…" || cell[..<last].hasSuffix("..") else { return nil }
        let tail = cell[cell.index(after: last)...]
        return tail.isEmpty ? nil : String(tail)
    }

    /// Whether a column's values are copied whole (ids, emails): cut, they are of no use.
    static func keepsWhole(_ column: Column, cells: [String]) -> Bool {
        let header = column.header.uppercased()
        if header == "ID" || header.hasSuffix(" ID") || header.contains("EMAIL") { return true }
        let filled = cells.filter { !$0.isEmpty }
        return !filled.isEmpty
            && filled.allSatisfy { cell in
                cell.contains("@") && !cell.contains(" ")
                    || (cell.count >= 12 && !cell.contains(" ")
                        && ["proj_", "user-", "key_", "svc_acct_", "org-", "invite-", "group_", "role_"].contains { cell.hasPrefix($0) })
            }
    }

    static func widths(items: [JSON], columns: [Column]) -> [Int] {
        widths(cells: items.map { item in columns.map { $0.cell(item) } }, columns: columns)
    }

    static func widths(cells: [[String]], columns: [Column], maxWidth: Int = maxCellWidth) -> [Int] {
        columns.indices.map { i in
            min(maxWidth, max(DisplayWidth.of(columns[i].header), cells.map { DisplayWidth.of($0[i]) }.max() ?? 0))
        }
    }

    /// `widths` narrowed until a row with two-cell gaps fits in `total` cells. Times give up their
    /// hour and minute first (when all of it is needed); then free text gives way (columns whose
    /// cells differ in width: names), the widest first; columns of one regular width (redacted
    /// keys, times) only when that is not enough; ids and emails never (see `keepsWhole`). No
    /// column goes below its header, `minFittedWidth` or the width at which its cells still say
    /// something (`Shortening`: a date, a key's tail); a table that still does not fit is shown
    /// as records by `render`.
    static func fitted(_ widths: [Int], cells: [[String]], columns: [Column], in total: Int) -> [Int] {
        var w = widths
        let shortenings = columns.indices.map { i in Shortening(cells.map { $0[i] }) }
        let times = shortenings.map { $0 == .times }
        let floors = columns.indices.map { i in
            keepsWhole(columns[i], cells: cells.map { $0[i] })
                ? w[i] : min(w[i], max(minFittedWidth, DisplayWidth.of(columns[i].header), shortenings[i]?.usefulWidth ?? 0))
        }
        var excess = w.reduce(0, +) + 2 * max(0, w.count - 1) - total
        let regular = columns.indices.map { i in
            let counts = Dictionary(grouping: cells.map { DisplayWidth.of($0[i]) }, by: { $0 }).mapValues(\.count)
            return counts.max { $0.value < $1.value }?.key == counts.keys.max()
        }
        // A time cut at all shows its date (`cut`): such a column goes to its floor in one step,
        // and what that frees beyond the excess goes back to the columns cut the most.
        for phase in 0..<3 {
            while excess > 0 {
                // A time column gives its hour and minute first only when all of them are needed.
                let candidates = w.indices.filter {
                    w[$0] > floors[$0] && (phase == 0 ? times[$0] && w[$0] - floors[$0] <= excess : phase == 2 || !regular[$0])
                }
                guard let widest = candidates.max(by: { w[$0] < w[$1] }) else { break }
                let step = times[widest] ? w[widest] - floors[widest] : 1
                w[widest] -= step
                excess -= step
            }
        }
        while excess < 0, let most = w.indices.filter({ !times[$0] && w[$0] < widths[$0] }).max(by: { widths[$0] - w[$0] < widths[$1] - w[$1] }) {
            w[most] += 1
            excess += 1
        }
        return w
    }
}

extension String {
    func trimmedRight() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
