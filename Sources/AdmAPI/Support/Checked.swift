/// Conversions and arithmetic that cannot trap, for numbers a user or a server gives.
///
/// Swift traps on `Int(Double.nan)`, on `Int(1e300)` and on an overflowing `+`: a typed `sleep
/// 1e16` or a header of `9223372036854775807` once ended adm with SIGILL. Numbers from outside go
/// through these instead: out-of-range values saturate (or are refused earlier, by the ranges
/// `ValueKind` declares), so the worst a hostile number does is give a wrong-looking answer.
extension Int {
    /// The nearest `Int` to `value` (rounded toward zero): `.max`/`.min` beyond the range, 0 for NaN.
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9.223372036854775e18 {
            self = .max
        } else if value <= -9.223372036854775e18 {
            self = .min
        } else {
            self = Int(value)
        }
    }

    /// `self + other`, held at `.max`/`.min` instead of overflowing.
    public func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self - other`, held at `.max`/`.min` instead of overflowing.
    public func saturatingSubtract(_ other: Int) -> Int {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : difference
    }

    /// `self * other`, held at `.max`/`.min` instead of overflowing.
    public func saturatingMultiply(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) != (other < 0) ? .min : .max) : product
    }
}

extension Duration {
    /// `seconds` as a duration, held between 0 and `limit` (NaN is 0): for sleeps and timeouts
    /// computed from numbers adm did not choose.
    public static func seconds(clamped seconds: Double, limit: Double = 365 * 86400) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return seconds == .infinity ? .milliseconds(Int(saturating: limit * 1000)) : .zero }
        return .milliseconds(Int(saturating: min(seconds, limit) * 1000))
    }

    /// The duration in seconds.
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
