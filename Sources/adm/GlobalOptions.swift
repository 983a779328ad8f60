import ArgumentParser

/// Options every mode shares: where to connect, which keys, how to behave.
struct GlobalOptions: ParsableArguments {
    @Flag(help: "Start the built-in sandbox inside adm, with its fixture keys as session keys.")
    var sandbox = false

    @Option(help: ArgumentHelp("API base URL (default $OPENAI_BASE_URL, else https://api.openai.com/v1).", valueName: "url"))
    var baseURL: String?

    @Option(
        help: ArgumentHelp("Load NAME=VALUE keys from this 0600 file (for `adm sandbox`: where its fixture keys are written).", valueName: "path")
    )
    var keysFile: String?

    @Option(help: ArgumentHelp("Use this profile of the config file ($XDG_CONFIG_HOME/adm/config).", valueName: "name"))
    var profile: String?

    @Option(help: ArgumentHelp("Start with this session key active.", valueName: "name"))
    var key: String?

    @Option(help: ArgumentHelp("Start with this project active (default $OPENAI_PROJECT_ID).", valueName: "id"))
    var project: String?

    @Option(help: ArgumentHelp("Seconds before a request is abandoned (0.1 to 86400).", valueName: "seconds"))
    var timeout: Double = LaunchOptions().timeout

    @Option(
        help: ArgumentHelp(
            "Retries for calls that are safe to repeat (GET, DELETE; a POST only when it provably never arrived or got 429); 0 to 10.",
            valueName: "n"
        )
    )
    var retries: Int = LaunchOptions().retries

    @Option(help: ArgumentHelp("Calls in flight when a command fans out over a list (1 to 64).", valueName: "n"))
    var concurrency: Int = LaunchOptions().concurrency

    @Option(help: ArgumentHelp("Also trust the CA certificates in this PEM file (verification stays on).", valueName: "path"))
    var cacert: String?

    @Flag(name: .shortAndLong, help: "Print each request and its status (never a key).")
    var verbose = false

    @Flag(help: "Allow `key add NAME VALUE` (a value on the command line lands in shell history and ps).")
    var allowLiteralKey = false

    @Option(help: ArgumentHelp("Record requests and responses (secrets stripped) to this cassette.", valueName: "path"))
    var record: String?

    @Option(help: ArgumentHelp("Answer from this cassette instead of the network.", valueName: "path"))
    var replay: String?

    @Flag(help: "No colours (NO_COLOR is honoured too).")
    var noColor = false

    @Flag(help: "Long output on a terminal (the shell, one-liners) scrolls instead of going through $ADM_PAGER, $PAGER or less -FRX.")
    var noPager = false

    @Option(help: ArgumentHelp("Keep the sandbox's organization in this SQLite file (--sandbox, adm sandbox).", valueName: "path"))
    var db: String?

    @Option(
        help: ArgumentHelp(
            "Sandbox faults (--sandbox, adm sandbox), e.g. latency=20,error-rate=0.1,reset-rate=0.05 (the rate limit is --rate-limit).",
            valueName: "spec"
        )
    )
    var faults: String?

    @Option(help: ArgumentHelp("Sandbox known-issue mode (--sandbox, adm sandbox): stale-permissions, cost-amount-strings.", valueName: "name"))
    var knownIssue: [String] = []

    @Option(
        help: ArgumentHelp(
            "Sandbox rate limit (--sandbox, adm sandbox): realistic (the default: 8/min, burst 7, per key and endpoint, a bare 429), off, or N/min[,burst=B][,scope=key|org][,retry-after][,ratelimit-headers].",
            valueName: "spec"
        )
    )
    var rateLimit: String?

    @Option(
        help: ArgumentHelp(
            "How long a call may keep being refused by a rate limit before it fails (default 30m; 0s to 7d: 90s, 2h).",
            valueName: "duration"
        )
    )
    var maxWait: String?

    @Option(
        help: ArgumentHelp(
            "Start the built-in sandbox as a twin of the organization in this snapshot (`snapshot FILE`), or of a reproduction (`repro --twin FILE`).",
            valueName: "path"
        )
    )
    var twin: String?
}
