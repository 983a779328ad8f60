import AdmAPI

/// Aligned text tables, their widths counted in display cells (a CJK name takes two cells a
/// character), cells cut with `…` past 60 cells without splitting a character.
enum Table {
    static let maxCellWidth = 60

    static func render(
        items: [JSON],
        columns: [Column],
        style: Style,
        widths fixed: [Int]? = nil,
        header: Bool = true,
        maxWidth: Int = maxCellWidth
    ) -> [String] {
        guard !columns.isEmpty else { return items.map { Cells.inline($0.serialized()) } }
        let cells = items.map { item in columns.map { $0.cell(item) } }
        let widths = fixed ?? widths(cells: cells, columns: columns, maxWidth: maxWidth)
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
}

extension String {
    func trimmedRight() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
