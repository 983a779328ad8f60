/// How adm writes numbers and durations, in one place.
public enum Formatting {
    /// A number without a needless `.0`: `8`, `7.5`, `0.25`.
    public static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    /// A number with at most `digits` decimals, trailing zeros dropped: `7.53`, `8`.
    public static func number(_ value: Double, decimals digits: Int) -> String {
        let scale = pow10(digits)
        guard value.isFinite, abs(value * scale) < 1e15 else { return number(value) }
        return number((value * scale).rounded() / scale)
    }

    /// A number with exactly `digits` decimals: `5.0`, `11.90`.
    public static func fixed(_ value: Double, decimals digits: Int) -> String {
        let scale = pow10(digits)
        guard value.isFinite, abs(value * scale) < 1e15 else { return String(value) }
        let scaled = Int((abs(value) * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = String(scaled % Int(scale)).leftPadded(to: digits)
        return (value < 0 && scaled > 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + fraction : "")
    }

    /// Seconds with three decimals: `0.250`, `12.000`.
    public static func seconds(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e12 else { return String(value) }
        let ms = Int((value * 1000).rounded())
        return "\(ms / 1000).\(String(ms % 1000).leftPadded(to: 3))"
    }

    /// A duration for people: `850 ms`, `12 s`, `4 min`, `1 h 5 min`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return seconds.isNaN ? "an unknown time" : "forever" }
        if seconds < 1 { return "\(Int(saturating: (seconds * 1000).rounded())) ms" }
        if seconds < 90 { return "\(Int(seconds.rounded())) s" }
        let minutes = Int(saturating: (seconds / 60).rounded())
        if minutes < 90 { return "\(minutes) min" }
        return "\(minutes / 60) h \(minutes % 60) min"
    }

    /// A time taken, to the millisecond below ten seconds (`1,432 ms`), else as `duration` says.
    public static func elapsed(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds < 10 else { return duration(seconds) }
        return thousands(Int(saturating: (max(0, seconds) * 1000).rounded())) + " ms"
    }

    /// A whole number with thousands separators: `2,554,000`.
    public static func thousands(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// An amount with exactly two decimals and separators: `1,234.50`.
    public static func money(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return String(value) }
        let cents = Int((abs(value) * 100).rounded())
        return (value < 0 && cents > 0 ? "-" : "") + thousands(cents / 100) + "." + String(cents % 100).leftPadded(to: 2)
    }

    private static func pow10(_ n: Int) -> Double {
        var x = 1.0
        for _ in 0..<max(0, n) { x *= 10 }
        return x
    }
}
