import AdmAPI

/// CSV as RFC 4180 has it: a header row, fields quoted when they hold a comma, a quote or a
/// line break (quotes doubled), CRLF line ends. Values are machine values: numbers plain with a
/// decimal point, times (`*_at`, `*_time` and `created` integers) in ISO 8601, nothing as an
/// empty field, no colour, no bar.
enum CSV {
    /// One column: its header and where its value is.
    struct Column {
        let header: String
        let path: JSONPath
        init(_ header: String, _ path: String) {
            self.header = header
            self.path = (try? JSONPath.parse(path)) ?? JSONPath([])
        }
    }

    /// A table's rows.
    static func render(rows: [JSON], columns: [Column]) -> String {
        var out = line(columns.map(\.header))
        for row in rows {
            out += line(
                columns.map { c in
                    field(c.path.lookup(row), key: c.path.components.last.flatMap { if case .key(let k) = $0 { return k } else { return nil } } ?? "")
                }
            )
        }
        return out
    }

    /// Any value: a list's items (or an array of objects) as rows, their scalar fields (nested
    /// objects flattened as `owner.name`) as columns in the order first seen; an object as one row.
    static func render(_ value: JSON) -> String {
        let items: [JSON]
        if let data = value["data"]?.arrayValue {
            items = data
        } else if let rows = value["rows"]?.arrayValue {
            items = rows
        } else if value["object"]?.stringValue == "fanout", let results = value["results"]?.arrayValue {
            items = results
        } else if let array = value.arrayValue {
            items = array
        } else {
            items = [value]
        }
        let flat = items.map { flatten($0) }
        var headers: [String] = []
        var seen = Set<String>()
        for row in flat {
            for (k, _) in row where !seen.contains(k) {
                seen.insert(k)
                headers.append(k)
            }
        }
        var out = line(headers)
        for row in flat {
            let values = Dictionary(row, uniquingKeysWith: { a, _ in a })
            out += line(headers.map { h in field(values[h], key: h) })
        }
        return out
    }

    /// `owner.name`-style paths to the scalars (and arrays of scalars) of an object.
    static func flatten(_ value: JSON, prefix: String = "") -> [(String, JSON)] {
        guard let members = value.objectValue else { return [(prefix.isEmpty ? "value" : prefix, value)] }
        var out: [(String, JSON)] = []
        for m in members {
            let name = prefix.isEmpty ? m.key : prefix + "." + m.key
            switch m.value {
            case .object: out += flatten(m.value, prefix: name)
            case .array(let items) where items.contains(where: { if case .object = $0 { return true } else { return false } }):
                out.append((name, .string(m.value.serialized())))
            default: out.append((name, m.value))
            }
        }
        return out
    }

    static func field(_ value: JSON?, key: String) -> String {
        guard let value else { return "" }
        switch value {
        case .null: return ""
        case .string(let s): return s
        case .int(let i):
            if key.hasSuffix("_at") || key.hasSuffix("_time") || key == "created" { return UnixTime.iso8601(i) }
            return String(i)
        case .double(let d): return Formatting.number(d)
        case .bool(let b): return b ? "true" : "false"
        case .array(let items): return items.map { field($0, key: key) }.joined(separator: ";")
        case .object: return value.serialized()
        }
    }

    static func line(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacing("\"", with: "\"\"") + "\""
    }
}
