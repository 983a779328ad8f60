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
    /// Each kind `usage` reads, by the name it is given (`audio_speeches` or `audio-speeches`).
    static let kinds: [(name: String, endpoint: Endpoint)] = [
        ("completions", .usageCompletions), ("embeddings", .usageEmbeddings), ("moderations", .usageModerations),
        ("images", .usageImages), ("audio_speeches", .usageAudioSpeeches), ("audio_transcriptions", .usageAudioTranscriptions),
        ("vector_stores", .usageVectorStores), ("code_interpreter_sessions", .usageCodeInterpreterSessions),
        ("file_search_calls", .usageFileSearchCalls), ("web_search_calls", .usageWebSearchCalls), ("decisions", .usageDecisions),
    ]

    static var names: [String] { kinds.map(\.name) }

    static func endpoint(_ kind: String) -> Endpoint? {
        let name = kind.replacing("-", with: "_")
        return kinds.first { $0.name == name }?.endpoint
    }

    static var endpoints: [Endpoint] { kinds.map(\.endpoint) }
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
