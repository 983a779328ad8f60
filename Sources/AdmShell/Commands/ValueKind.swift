import AdmAPI

/// What the value of a flag or an argument must be, with the range a number may take. The
/// interpreter checks every value a statement gives against its declaration before the command
/// runs (`Invocation.check`), so a number out of range — `1e16`, `-1`, `nan` — is a one-line
/// error naming the range, and commands read numbers already checked (`Invocation.integer`,
/// `Invocation.seconds`), never parsing text themselves.
enum ValueKind: Sendable, Equatable {
    /// Any text.
    case text
    /// A whole number within `range`.
    case integer(ClosedRange<Int>)
    /// A duration (`500ms`, `90s`, `30m`, `24h`, `7d`, plain seconds) within `range` seconds.
    case duration(ClosedRange<Double>)
    /// One of these words.
    case choice([String])
    /// A file's path.
    case file

    /// A checked value.
    enum Value: Sendable, Equatable {
        case text(String)
        case integer(Int)
        case seconds(Double)
    }

    /// How the range reads in errors and help: `a whole number from 1 to 100`.
    var expectation: String {
        switch self {
        case .text, .file: return "text"
        case .integer(let r):
            if r.upperBound == .max { return "a whole number from \(Formatting.thousands(r.lowerBound)) up" }
            return "a whole number from \(Formatting.thousands(r.lowerBound)) to \(Formatting.thousands(r.upperBound))"
        case .duration(let r):
            // Examples of the forms, only those the range takes (`7d` is no example for at most 1d).
            let examples = [("500ms", 0.5), ("90s", 90), ("30m", 1800), ("24h", 86400), ("7d", 604_800)].filter { r.contains($0.1) }
            let shown = examples.isEmpty ? "" : " (" + examples.map(\.0).joined(separator: ", ") + ")"
            return "a duration from \(r.lowerBound == 0 ? "0s" : Durations.goStyle(r.lowerBound)) to \(Self.longDuration(r.upperBound))" + shown
        case .choice(let words): return "one of " + words.joined(separator: ", ")
        }
    }

    /// `7d`, `1w`, `2h`: a bound in the unit people would write it in.
    static func longDuration(_ seconds: Double) -> String {
        for (unit, size) in [("w", 604_800.0), ("d", 86400), ("h", 3600), ("m", 60)]
        where seconds >= size && (seconds / size).rounded() == seconds / size {
            return Formatting.number(seconds / size) + unit
        }
        return Durations.goStyle(seconds)
    }

    /// `text` checked against this kind; the error names `what` (`--limit`, `sleep`) and the range.
    func check(_ text: String, what: String) -> Result<Value, ValueError> {
        switch self {
        case .text, .file:
            return .success(.text(text))
        case .integer(let range):
            let trimmed = text.trimmingCharacters(in: " ")
            guard let n = Int(trimmed), range.contains(n) else {
                let shown = TerminalText.inline(String(text.prefix(40)))
                let why = Int(trimmed) == nil && Double(trimmed)?.isFinite != true ? "is not a number" : "is out of range"
                return .failure(ValueError(description: "\(what): '\(shown)' \(why): \(expectation)"))
            }
            return .success(.integer(n))
        case .duration(let range):
            guard let seconds = Durations.parse(text.trimmingCharacters(in: " ")), range.contains(seconds) else {
                let shown = TerminalText.inline(String(text.prefix(40)))
                let why = Durations.parse(text.trimmingCharacters(in: " ")) == nil ? "is not a duration" : "is out of range"
                return .failure(ValueError(description: "\(what): '\(shown)' \(why): \(expectation)"))
            }
            return .success(.seconds(seconds))
        case .choice(let words):
            guard words.contains(text) else {
                let hint = Suggest.closest(text, among: words).map { " (did you mean \($0)?)" } ?? ""
                return .failure(ValueError(description: "\(what): '\(TerminalText.inline(String(text.prefix(40))))' is not \(expectation)\(hint)"))
            }
            return .success(.text(text))
        }
    }

    /// Whether values of this kind are checked (anything but free text).
    var isChecked: Bool {
        switch self {
        case .text, .file: return false
        default: return true
        }
    }
}

/// A value that is not what its declaration says.
public struct ValueError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// Ranges used by several commands, written once.
enum Ranges {
    /// Items per page: the API's own limits are checked by the API; adm refuses what no
    /// endpoint takes.
    static let pageSize: ValueKind = .integer(1...10_000)
    /// Days back for reports and idleness: up to 100 years.
    static let days: ValueKind = .integer(1...36_500)
    /// Calls in flight in a fan-out (the transport keeps 64 connections per host).
    static let concurrency: ValueKind = .integer(1...64)
    /// A pause: up to a day.
    static let pause: ValueKind = .duration(0...86_400)
    /// How long readings answer again (`cache 30m`, `cache = 30m`): a second to a day.
    static let readingLifetime: ValueKind = .duration(1...86_400)
    /// How far back a report may look: up to 10 years.
    static let lookBack: ValueKind = .duration(1...(3650 * 86_400))
}
