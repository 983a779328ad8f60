import AdmAPI

/// Turns values into lines: a list as a table, an object as aligned fields, usage and cost
/// buckets as rows, scalars plainly; `--json` as pretty JSON, `--raw` as the body received.
/// Text from the API goes through `Cells`, which escapes what could drive a terminal, and
/// widths are counted in display cells.
struct Renderer {
    let style: Style
    /// The terminal's width in cells (for charts).
    var width = 80
    /// How tables are laid out: fitted to the terminal's width when output goes to one; as
    /// records when `records on` says so.
    var layout = TableLayout()

    /// Shows `value` on `console` as `mode` says; `body` is the answer's body, for `--raw`.
    func show(_ value: JSON, mode: OutputMode, body: [UInt8]?, on console: Console) {
        switch mode {
        case .quiet:
            return
        case .raw:
            if let body {
                console.exact(String(decoding: body, as: UTF8.self) + "\n")
                return
            }
            console.say(value.serialized())
        case .json:
            console.say(value.serialized(pretty: true))
        case .csv:
            console.exact(CSV.render(value))
        case .auto:
            for line in lines(for: value) { console.say(line) }
        }
    }

    /// The lines that show `value`.
    func lines(for value: JSON) -> [String] {
        switch value {
        case .array(let items):
            if items.allSatisfy({ if case .object = $0 { return true } else { return false } }), !items.isEmpty {
                return Table.render(items: items, columns: Columns.forItems(items), style: style, layout: layout)
            }
            return items.map { Cells.text($0) }
        case .object:
            if let object = value["object"]?.stringValue, object == "list" || object == "page", let data = value["data"]?.arrayValue {
                var out: [String] = []
                if object == "page" {
                    out = usageRows(data)
                } else {
                    out =
                        data.isEmpty
                        ? [style.dim("(none)")] : Table.render(items: data, columns: Columns.forItems(data), style: style, layout: layout)
                }
                if let count = value["count"]?.intValue, let pages = value["pages"] {
                    out.append(pagesLine(items: count, pages: pages.intValue ?? 1, truncated: value["truncated"]?.boolValue == true))
                } else if value["has_more"]?.boolValue == true {
                    let next = value["last_id"]?.stringValue ?? value["next"]?.stringValue ?? value["next_page"]?.stringValue ?? "…"
                    out.append(style.dim("more: --all for every page, or --after \(TerminalText.inline(next))"))
                }
                return out
            }
            if value["object"]?.stringValue == "fanout", let results = value["results"]?.arrayValue {
                return fanOutLines(results, parameter: value["parameter"]?.stringValue ?? "")
            }
            return fields(value)
        case .string(let s):
            return [TerminalText.block(s)]
        default:
            return [Cells.text(value)]
        }
    }

    /// The line under a listing read with `--all`: how many items in how many pages, and when
    /// `$_` keeps only the first of them, so. The same whether the pages were shown as they came
    /// (`StreamingPrinter`) or the whole list at once.
    func pagesLine(items: Int, pages: Int, truncated: Bool) -> String {
        let kept = truncated ? "; $_ keeps the first \(CallRunner.allCap)" : ""
        return style.dim("\(items) item\(items == 1 ? "" : "s") in \(pages) page\(pages == 1 ? "" : "s")\(kept)")
    }

    /// A fan-out's results: one heading per call (its value and status), its answer or error
    /// beneath, and a count.
    func fanOutLines(_ results: [JSON], parameter: String) -> [String] {
        var out: [String] = []
        for item in results {
            let status = item["status"]?.intValue ?? 0
            out.append(
                style.bold("── \(parameter) \(TerminalText.inline(Interpreter.stringify(item[parameter] ?? .null)))") + style.dim(" (\(status))")
            )
            if let error = item["error"]?.stringValue {
                out.append(style.red("   error: ") + TerminalText.inline(error))
            } else if let v = item["value"] {
                out += lines(for: v).map { "   " + $0 }
            }
        }
        let failed = results.filter { !(200..<300).contains($0["status"]?.intValue ?? 0) }.count
        out.append(style.dim("\(results.count) calls, \(failed) failed"))
        return out
    }

    /// An object as `key  value` lines; nested objects inline as JSON, cut to fit a line.
    func fields(_ value: JSON) -> [String] {
        guard let members = value.objectValue else { return [Cells.text(value)] }
        let keys = members.map { Cells.inline($0.key) }
        let labelWidth = min(28, keys.map(DisplayWidth.of).max() ?? 0)
        // A nested value takes one line: on a terminal up to its edge (JSON has few spaces to
        // wrap at, and a line past the edge breaks mid-word); elsewhere up to 160 cells (--json
        // has it whole).
        let nestedRoom = layout.fit.map { max(20, $0 - labelWidth - 2) } ?? 160
        return zip(members, keys).map { m, key in
            let v: String
            switch m.value {
            case .int where m.key.hasSuffix("_at") || m.key == "created" || m.key.hasSuffix("_time"):
                v = Cells.time(m.value) + style.dim("  (\(m.value.intValue!))")
            case .object, .array:
                v = DisplayWidth.truncate(Cells.inline(m.value.serialized()), to: nestedRoom)
            default:
                v = Cells.text(m.value)
            }
            return style.bold(DisplayWidth.pad(key, to: labelWidth)) + "  " + v
        }
    }

    /// Usage and cost buckets: one row per result, with its time, groups and numbers.
    func usageRows(_ buckets: [JSON]) -> [String] {
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
        return Table.render(items: rows, columns: columns, style: style, layout: layout)
    }
}
