import AdmAPI

/// How long readings of the organization answer again: `cache = 10m` in the config file,
/// `cache 30m` in the shell. `off` keeps none (every job reads the organization afresh).
public enum ReadingsSetting: Sendable, Equatable {
    case off
    case lifetime(Double)

    /// `off`, `on` (the default 10 minutes) or a duration from 1s to 1d; the error names
    /// `what` (`cache`, `config:3: cache`) and what is accepted.
    public static func parse(_ text: String, what: String) -> Result<ReadingsSetting, ValueError> {
        switch text.trimmingCharacters(in: " ").lowercased() {
        case "off", "no", "false", "0": return .success(.off)
        case "on", "yes", "true": return .success(.lifetime(Readings.defaultLifetime))
        default:
            switch Ranges.readingLifetime.check(text, what: what) {
            case .success(.seconds(let s)): return .success(.lifetime(s))
            case .failure(let e): return .failure(ValueError(description: e.description + ", or off"))
            default: return .failure(ValueError(description: "\(what): expected off, on or a duration"))
            }
        }
    }

    /// Applies the setting to a session's readings.
    public func apply(to readings: Readings) {
        switch self {
        case .off: readings.lifetime = nil
        case .lifetime(let s): readings.lifetime = s
        }
    }
}

/// `cache [on|off|DURATION|clear]`: how long this session's readings answer again.
enum CacheCommand {
    static let spec = CommandSpec(
        name: "cache",
        group: .session,
        summary: "how long readings of the organization answer again (default 10m); clear drops them",
        example: "cache 30m",
        arguments: [ArgumentSpec("SETTING", optional: true, completion: .choices(["on", "off", "clear", "5m", "30m"]))],
        setsLastValue: false,
        recordsInTranscript: false,
        run: { shell, inv throws(ShellError) in
            let readings = shell.client.readings
            if let word = inv.optionalArgument(0) {
                let text = try shell.text(of: word)
                if text == "clear" {
                    readings.forgetAll()
                    shell.say("readings dropped: the next job reads the organization afresh")
                    return .none
                }
                switch ReadingsSetting.parse(text, what: "cache") {
                case .success(let setting): setting.apply(to: readings)
                case .failure(let error): throw .usage(error.description, at: word.location)
                }
            }
            shell.say(describe(readings))
            return .none
        }
    )

    /// `readings answer again for 10m; 3 kept, the oldest 2m old; not shared with later runs`.
    static func describe(_ readings: Readings) -> String {
        guard let lifetime = readings.lifetime else { return "readings are off: every job reads the organization afresh" }
        var line = "readings answer again for \(Durations.goStyle(lifetime))"
        let count = readings.count
        if count == 0 {
            line += "; none kept"
        } else {
            line += "; \(count) kept"
            if let oldest = readings.oldest { line += ", the oldest \(Formatting.duration(max(0, UnixTime.precise() - oldest))) old" }
        }
        line += readings.shared == nil ? "; not shared with later runs" : "; shared with later runs (cache_file = on)"
        return line
    }
}
