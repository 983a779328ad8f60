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
    /// Whole seconds of a duration back from now (up to ten years), or a usage error at `location`.
    static func seconds(_ text: String, at location: SourceLocation?) throws(ShellError) -> Int {
        switch Ranges.lookBack.check(text, what: "--since") {
        case .success(.seconds(let seconds)): return Int(seconds)
        case .failure(let error): throw .usage(error.description, at: location)
        default: throw .usage("'\(text)' is not a duration (30m, 24h, 7d)", at: location)
        }
    }
}
