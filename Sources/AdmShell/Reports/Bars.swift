/// Bars and sparklines drawn with Unicode block characters (eighths of a cell), or with `#`
/// and `.`/`:`/`|` where the locale is not UTF-8.
struct Bars {
    let unicode: Bool

    static let eighths: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
    static let sparks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiSparks: [Character] = ["_", ".", "-", "=", "+", "*", "#", "@"]

    /// A bar of `value / maximum × width` cells.
    func bar(_ value: Double, of maximum: Double, width: Int) -> String {
        guard maximum > 0, value > 0, width > 0 else { return "" }
        let eighthsTotal = min(width.saturatingMultiply(8), max(0, Int(saturating: (value / maximum * Double(width) * 8).rounded())))
        if !unicode { return String(repeating: "#", count: max(1, Int((Double(eighthsTotal) / 8).rounded()))) }
        let full = eighthsTotal / 8
        let rest = eighthsTotal % 8
        var out = String(repeating: "█", count: full)
        if rest > 0 { out.append(Self.eighths[rest]) }
        return out.isEmpty ? "▏" : out
    }

    /// One character per value, its height in proportion to the largest.
    func sparkline(_ values: [Double]) -> String {
        let top = values.max() ?? 0
        let marks = unicode ? Self.sparks : Self.asciiSparks
        return String(
            values.map { v in
                guard top > 0 else { return marks[0] }
                return marks[min(marks.count - 1, max(0, Int(saturating: (v / top * Double(marks.count - 1)).rounded())))]
            }
        )
    }

    /// Whether the terminal takes UTF-8 (`LC_ALL`, `LC_CTYPE`, `LANG`, the first one set).
    static func localeIsUTF8(_ environment: (String) -> String?) -> Bool {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let v = environment(name), !v.isEmpty {
                let lower = v.lowercased()
                return lower.contains("utf-8") || lower.contains("utf8")
            }
        }
        return false
    }
}
