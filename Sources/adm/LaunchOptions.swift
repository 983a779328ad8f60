/// What a session is started with: `GlobalOptions` as plain values, and the one place their
/// defaults are written. The one-liner fast path (`OneLiner`) fills it without
/// swift-argument-parser; every other path converts the parsed `GlobalOptions`.
struct LaunchOptions: Equatable, Sendable {
    var sandbox = false
    var baseURL: String?
    var keysFile: String?
    var profile: String?
    var key: String?
    var project: String?
    var timeout: Double = 60
    var retries = 2
    var concurrency = 8
    var cacert: String?
    var verbose = false
    var allowLiteralKey = false
    var record: String?
    var replay: String?
    var noColor = false
    var db: String?
    var faults: String?
    var knownIssue: [String] = []
    var rateLimit: String?
    var maxWait: String?
}

extension GlobalOptions {
    /// The parsed options as plain values.
    var launchOptions: LaunchOptions {
        LaunchOptions(
            sandbox: sandbox,
            baseURL: baseURL,
            keysFile: keysFile,
            profile: profile,
            key: key,
            project: project,
            timeout: timeout,
            retries: retries,
            concurrency: concurrency,
            cacert: cacert,
            verbose: verbose,
            allowLiteralKey: allowLiteralKey,
            record: record,
            replay: replay,
            noColor: noColor,
            db: db,
            faults: faults,
            knownIssue: knownIssue,
            rateLimit: rateLimit,
            maxWait: maxWait
        )
    }
}
