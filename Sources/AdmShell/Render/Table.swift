import AdmAPI

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
        fit: Int? = nil
    ) -> [String] {
        guard !columns.isEmpty else { return items.map { Cells.inline($0.serialized()) } }
        let cells = items.map { item in columns.map { $0.cell(item) } }
        var widths = fixed ?? widths(cells: cells, columns: columns, maxWidth: maxWidth)
        if let fit { widths = fitted(widths, cells: cells, columns: columns, in: fit) }
        var out: [String] = []
        if header {
            out.append(style.bold(zip(columns, widths).map { DisplayWidth.pad($0.header, to: $1) }.joined(separator: "  ").trimmedRight()))
        }
        for row in cells {
            out.append(
                zip(row, widths).map { cell, w in DisplayWidth.pad(DisplayWidth.truncate(cell, to: w), to: w) }.joined(separator: "  ").trimmedRight()
            )
        }
        return out
    }

    static func widths(items: [JSON], columns: [Column]) -> [Int] {
        widths(cells: items.map { item in columns.map { $0.cell(item) } }, columns: columns)
    }

    static func widths(cells: [[String]], columns: [Column], maxWidth: Int = maxCellWidth) -> [Int] {
        columns.indices.map { i in
            min(maxWidth, max(DisplayWidth.of(columns[i].header), cells.map { DisplayWidth.of($0[i]) }.max() ?? 0))
        }
    }

    /// `widths` narrowed until a row with two-cell gaps fits in `total` cells. Free text gives
    /// way first (columns whose cells differ in width: names, emails), the widest first; columns
    /// of one regular width (dates, redacted keys, ids) only when that is not enough. No column
    /// goes below its header or `minFittedWidth`, so a table with more columns than the terminal
    /// can hold stays as narrow as that allows.
    static func fitted(_ widths: [Int], cells: [[String]], columns: [Column], in total: Int) -> [Int] {
        var w = widths
        let floors = columns.indices.map { min(w[$0], max(minFittedWidth, DisplayWidth.of(columns[$0].header))) }
        var excess = w.reduce(0, +) + 2 * max(0, w.count - 1) - total
        let regular = columns.indices.map { i in
            let counts = Dictionary(grouping: cells.map { DisplayWidth.of($0[i]) }, by: { $0 }).mapValues(\.count)
            return counts.max { $0.value < $1.value }?.key == counts.keys.max()
        }
        for shrinkRegular in [false, true] {
            while excess > 0 {
                let candidates = w.indices.filter { w[$0] > floors[$0] && (shrinkRegular || !regular[$0]) }
                guard let widest = candidates.max(by: { w[$0] < w[$1] }) else { break }
                w[widest] -= 1
                excess -= 1
            }
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
