/// Durations as people write them: `500ms`, `90s`, `30m`, `24h`, `7d`, `1w`, or plain seconds.
public enum Durations {
    /// Seconds, or nil when `text` is not a duration.
    public static func parse(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604_800)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let n = Double(text.dropLast(suffix.count)), n >= 0, n.isFinite else { return nil }
            return n * factor
        }
        guard let n = Double(text), n >= 0, n.isFinite else { return nil }
        return n
    }
}
