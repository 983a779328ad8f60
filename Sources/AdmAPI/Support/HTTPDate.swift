/// The date form of HTTP headers (`Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`, RFC 9110's
/// IMF-fixdate), read without Foundation. Anything else is nil.
public enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Unix time of an IMF-fixdate, or nil.
    public static func parse(_ text: String) -> Int? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
            let day = Int(parts[1]), (1...31).contains(day),
            let month = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3]), (1970...9999).contains(year)
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2]) else { return nil }
        return UnixTime.civilToUnix(year: year, month: month + 1, day: day) + clock[0] * 3600 + clock[1] * 60 + clock[2]
    }
}
