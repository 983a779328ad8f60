/// Durations as people write them: `500ms`, `90s`, `30m`, `24h`, `7d`, `1w`, plain seconds, or
/// parts run together as Go and OpenAI's `x-ratelimit-reset-*` headers write them (`1m30.5s`).
public enum Durations {
    static let units: [String: Double] = ["ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]

    /// Seconds, or nil when `text` is not a duration.
    public static func parse(_ text: String) -> Double? {
        if let n = Double(text) { return n >= 0 && n.isFinite ? n : nil }
        var total = 0.0
        var rest = Substring(text)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            let unit = rest.dropFirst(number.count).prefix { $0.isLetter }
            guard let n = Double(number), n.isFinite, let factor = units[String(unit)] else { return nil }
            total += n * factor
            guard total.isFinite else { return nil }
            rest = rest.dropFirst(number.count + unit.count)
        }
        return text.isEmpty ? nil : total
    }

    /// `seconds` as Go writes a duration: `20ms`, `6.5s`, `1m30s`.
    public static func goStyle(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "\(seconds)s" }
        if seconds < 1 { return "\(Int(saturating: (seconds * 1000).rounded()))ms" }
        let minutes = Int(saturating: seconds / 60)
        let rest = Formatting.number(seconds - Double(minutes * 60), decimals: 3)
        return minutes > 0 ? "\(minutes)m\(rest)s" : "\(rest)s"
    }
}
