#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time without Foundation.
public enum UnixTime {
    /// Seconds since 1970 (UTC).
    public static func now() -> Int { Int(time(nil)) }

    /// Seconds since 1970 with sub-second precision.
    public static func precise() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Seconds on a clock that never steps back (NTP or a user setting the time cannot make a
    /// duration negative or long): for measuring how long something took, never for dates.
    public static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// 00:00 UTC of a calendar day (days from civil, after Howard Hinnant's algorithm).
    public static func civilToUnix(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return (era * 146_097 + doe - 719_468) * 86400
    }

    /// The weekday of a Unix time, `Mon` … `Sun` (UTC).
    public static func weekday(_ t: Int) -> String {
        ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((t / 86400) % 7 + 7) % 7]
    }

    /// `2026-11-23T11:33:56Z`.
    public static func iso8601(_ t: Int) -> String {
        var tt = time_t(t)
        var parts = tm()
        gmtime_r(&tt, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
