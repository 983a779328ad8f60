import AdmAPI

/// The audit log, usage and costs.
enum ReportCommands {
    static let specs: [CommandSpec] = [
        AuditCommand.spec,
        UsageReports.usageSpec,
        UsageReports.costsSpec,
    ]
}

/// The usage kinds and their operations.
enum UsageKinds {
    static let names = [
        "completions", "embeddings", "moderations", "images", "audio_speeches", "audio_transcriptions",
        "vector_stores", "code_interpreter_sessions", "file_search_calls", "web_search_calls", "decisions",
    ]

    static func endpointID(_ kind: String) -> String? {
        let k = kind.replacing("-", with: "_")
        guard names.contains(k) else { return nil }
        return "usage-" + k.replacing("_", with: "-")
    }

    static var endpointIDs: [String] { names.compactMap(endpointID) }
}

extension Durations {
    /// Whole seconds of a duration, or a usage error at `location`.
    static func seconds(_ text: String, at location: SourceLocation?) throws(ShellError) -> Int {
        guard let seconds = parse(text) else { throw .usage("'\(text)' is not a duration (30m, 24h, 7d)", at: location) }
        return Int(seconds)
    }
}
