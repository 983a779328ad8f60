import AdmAPI
import AdmShell

/// One launch option as the one-liner fast path reads it: its names, whether it takes a value,
/// and the field it sets (false when the value is not one the field takes: the parser then
/// says why).
struct LaunchOption: Sendable {
    let names: [String]
    let takesValue: Bool
    let apply: @Sendable (inout LaunchOptions, String) -> Bool

    static func flag(_ names: String..., to field: WritableKeyPath<LaunchOptions, Bool> & Sendable) -> LaunchOption {
        LaunchOption(names: names, takesValue: false) { o, _ in
            o[keyPath: field] = true
            return true
        }
    }

    static func text(_ name: String, to field: WritableKeyPath<LaunchOptions, String?> & Sendable) -> LaunchOption {
        LaunchOption(names: [name], takesValue: true) { o, v in
            o[keyPath: field] = v
            return true
        }
    }

    static func integer(_ name: String, to field: WritableKeyPath<LaunchOptions, Int> & Sendable) -> LaunchOption {
        LaunchOption(names: [name], takesValue: true) { o, v in
            guard let n = Int(v) else { return false }
            o[keyPath: field] = n
            return true
        }
    }

    static func decimal(_ name: String, to field: WritableKeyPath<LaunchOptions, Double> & Sendable) -> LaunchOption {
        LaunchOption(names: [name], takesValue: true) { o, v in
            guard let n = Double(v) else { return false }
            o[keyPath: field] = n
            return true
        }
    }

    /// A repeatable option: each use adds a value.
    static func list(_ name: String, to field: WritableKeyPath<LaunchOptions, [String]> & Sendable) -> LaunchOption {
        LaunchOption(names: [name], takesValue: true) { o, v in
            o[keyPath: field].append(v)
            return true
        }
    }
}

extension LaunchOptions {
    /// The ranges of the numeric options, written once (help and errors quote them).
    static let timeoutRange = 0.1...86_400.0
    static let retriesRange = 0...10
    static let concurrencyRange = 1...64
    /// `--max-wait` and the config's `max_wait`, in seconds: up to a week.
    static let maxWaitRange = 0...604_800.0

    /// Refuses a number out of its documented range (a `nan` timeout once trapped at start).
    func check() throws(LaunchError) {
        guard Self.timeoutRange.contains(timeout) else {
            let why = timeout.isFinite ? "is out of range" : "is not a number"
            throw LaunchError("--timeout: '\(Formatting.number(timeout))' \(why): seconds from 0.1 to 86400")
        }
        guard Self.retriesRange.contains(retries) else { throw LaunchError("--retries: '\(retries)' is out of range: a whole number from 0 to 10") }
        guard Self.concurrencyRange.contains(concurrency) else {
            throw LaunchError("--concurrency: '\(concurrency)' is out of range: a whole number from 1 to 64")
        }
    }

    /// `text` (`--max-wait`, the config's `max_wait`) as seconds within `maxWaitRange`.
    static func maxWait(_ text: String, from origin: String) throws(LaunchError) -> Double {
        guard let seconds = Durations.parse(text.trimmingCharacters(in: " ")), maxWaitRange.contains(seconds) else {
            let why = Durations.parse(text.trimmingCharacters(in: " ")) == nil ? "is not a duration" : "is out of range"
            throw LaunchError("\(origin): '\(TerminalText.inline(String(text.prefix(40))))' \(why): a duration from 0s to 7d (90s, 30m, 2h)")
        }
        return seconds
    }
}
