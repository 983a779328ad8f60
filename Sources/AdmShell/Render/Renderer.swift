import AdmAPI

extension Interpreter {
    /// Shows a value: a list as a table, an object as aligned fields, scalars plainly;
    /// `--json` pretty JSON, `--raw` the exact response body.
    func render(_ value: JSON, selected: Bool) {
        switch outputMode {
        case .quiet:
            return
        case .raw:
            if !selected, let body = session.lastResult?.response.bodyText { say(body); return }
            say(value.serialized())
            return
        case .json:
            say(value.serialized(pretty: true))
            return
        case .auto:
            break
        }
        for line in Self.lines(for: value, style: style) { say(line) }
    }

    /// The lines that show `value`.
    static func lines(for value: JSON, style: Style) -> [String] {
        switch value {
        case .array(let items):
            if items.allSatisfy({ if case .object = $0 { return true } else { return false } }), !items.isEmpty {
                return Table.render(items: items, columns: Columns.forItems(items), style: style)
            }
            return items.map { Cells.text($0) }
        case .object:
            if let object = value["object"]?.stringValue, object == "list" || object == "page", let data = value["data"]?.arrayValue {
                var out: [String] = []
                if object == "page" {
                    out = usageRows(data, style: style)
                } else {
                    out = data.isEmpty ? [style.dim("(none)")] : Table.render(items: data, columns: Columns.forItems(data), style: style)
                }
                if let count = value["count"]?.intValue, value["pages"] != nil {
                    let truncated = value["truncated"]?.boolValue == true ? "; $_ keeps the first \(Interpreter.allCap)" : ""
                    out.append(style.dim("\(count) item\(count == 1 ? "" : "s") in \(value["pages"]!.intValue ?? 1) page(s)\(truncated)"))
                } else if value["has_more"]?.boolValue == true {
                    out.append(style.dim("more: --all for every page, or --after \(value["last_id"]?.stringValue ?? value["next"]?.stringValue ?? value["next_page"]?.stringValue ?? "…")"))
                }
                return out
            }
            return fields(value, style: style)
        default:
            return [Cells.text(value)]
        }
    }

    /// An object as `key  value` lines; nested objects inline as JSON.
    static func fields(_ value: JSON, style: Style) -> [String] {
        guard let members = value.objectValue else { return [Cells.text(value)] }
        let width = min(28, members.map(\.key.count).max() ?? 0)
        return members.map { m in
            let v: String
            switch m.value {
            case .int where m.key.hasSuffix("_at") || m.key == "created" || m.key.hasSuffix("_time"):
                v = Cells.time(m.value) + style.dim("  (\(m.value.intValue!))")
            case .object, .array:
                let s = m.value.serialized()
                v = s.count > 160 ? String(s.prefix(157)) + "…" : s
            default:
                v = Cells.text(m.value)
            }
            return style.bold(m.key.padding(to: width)) + "  " + v
        }
    }

    /// Usage and cost buckets: one row per result, with its time, groups and numbers.
    static func usageRows(_ buckets: [JSON], style: Style) -> [String] {
        var rows: [JSON] = []
        for b in buckets {
            let results = b["results"]?.arrayValue ?? []
            if results.isEmpty { rows.append(.obj(["start": b["start_time"] ?? .null])) }
            for r in results {
                var members: [JSON.Member] = [JSON.Member("start", b["start_time"] ?? .null)]
                for m in r.objectValue ?? [] where m.key != "object" {
                    if case .object = m.value, m.key == "amount" {
                        members.append(JSON.Member("amount", .string("\(Cells.text(m.value["value"])) \(m.value["currency"]?.stringValue ?? "")")))
                    } else if !m.value.isNull {
                        members.append(m)
                    }
                }
                rows.append(.object(members))
            }
        }
        guard let first = rows.first else { return [style.dim("(no buckets)")] }
        var columns = [Column("START", ".start", .time)]
        for m in first.objectValue ?? [] where m.key != "start" {
            columns.append(Column(m.key.uppercased().replacing("_", with: " "), "." + m.key))
        }
        return Table.render(items: rows, columns: columns, style: style)
    }
}

/// Aligned text tables.
enum Table {
    static func render(items: [JSON], columns: [Column], style: Style, widths fixed: [Int]? = nil, header: Bool = true) -> [String] {
        guard !columns.isEmpty else { return items.map { $0.serialized() } }
        let cells = items.map { item in columns.map { $0.cell(item) } }
        let widths = fixed ?? columns.indices.map { i in
            min(60, max(columns[i].header.count, cells.map { $0[i].count }.max() ?? 0))
        }
        var out: [String] = []
        if header {
            out.append(style.bold(zip(columns, widths).map { $0.header.padding(to: $1) }.joined(separator: "  ").trimmedRight()))
        }
        for row in cells {
            out.append(zip(row, widths).map { cell, w in
                (cell.count > w ? String(cell.prefix(max(1, w - 1))) + "…" : cell).padding(to: w)
            }.joined(separator: "  ").trimmedRight())
        }
        return out
    }

    static func widths(items: [JSON], columns: [Column]) -> [Int] {
        columns.map { c in min(60, max(c.header.count, items.map { c.cell($0).count }.max() ?? 0)) }
    }
}

/// Prints the pages of `--all` as they arrive: the table with the first page's column widths,
/// a selection applied page by page, or JSON lines.
struct StreamingPrinter {
    let interpreter: Interpreter
    let selection: JSONPath?
    var columns: [Column]?
    var widths: [Int]?

    init(interpreter: Interpreter, selection: JSONPath?) {
        self.interpreter = interpreter
        self.selection = selection
    }

    mutating func page(_ json: JSON) {
        let items = json["data"]?.arrayValue ?? []
        switch interpreter.outputMode {
        case .quiet:
            return
        case .json, .raw:
            for item in items { interpreter.say(item.serialized()) }
            return
        case .auto:
            break
        }
        if let selection {
            if let first = selection.components.first, first == .key("data") {
                if let v = selection.lookup(json) {
                    for line in Interpreter.lines(for: v, style: interpreter.style) { interpreter.say(line) }
                }
            }
            return
        }
        if json["object"]?.stringValue == "page" {
            for line in Interpreter.usageRows(items, style: interpreter.style) { interpreter.say(line) }
            return
        }
        guard !items.isEmpty else { return }
        let header = columns == nil
        if columns == nil {
            columns = Columns.forItems(items)
            widths = Table.widths(items: items, columns: columns!)
        }
        for line in Table.render(items: items, columns: columns!, style: interpreter.style, widths: widths, header: header) {
            interpreter.say(line)
        }
    }

    func finish(total: Int, pages: Int) {
        guard interpreter.outputMode == .auto, selection == nil else { return }
        let truncated = total > Interpreter.allCap ? "; $_ keeps the first \(Interpreter.allCap)" : ""
        interpreter.say(interpreter.style.dim("\(total) item\(total == 1 ? "" : "s") in \(pages) page\(pages == 1 ? "" : "s")\(truncated)"))
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    func trimmedRight() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
