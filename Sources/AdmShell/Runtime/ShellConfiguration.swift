import AdmAPI

/// How a shell session talks to the API and presents itself.
public struct ShellConfiguration: Sendable {
    public var baseURL: String
    public var transport: any Transport
    public var retry = RetryPolicy()
    public var timeout: Duration = .seconds(60)
    /// Turns per endpoint, learned from refusals (and kept on disk by the launcher).
    public var rateLimits = RateLimitScheduler()
    /// How long a call may keep being refused by a rate limit before it fails (`--max-wait`).
    public var maxRateLimitWait: Duration = .seconds(30 * 60)
    /// Sent as `OpenAI-Organization` when set (`OPENAI_ORG_ID`).
    public var organization: String?
    /// Whether the sandbox runs inside this process (`adm --sandbox`).
    public var builtInSandbox = false
    /// Most calls in flight at once when a command fans out.
    public var concurrency = 8
    /// The most a statement's `--concurrency` may ask for: the transport's connections per host.
    public var maxConcurrency = 64
    /// A person at a prompt (errors do not stop anything; secrets may be shown once).
    public var interactive = false
    /// Whether a new key's secret may be printed once (only on a terminal).
    public var showNewSecrets = false
    public var allowLiteralKeys = false
    public var version = "0.1.0"
    /// `OPENAI_ADMIN_KEY`, to warn when the selected key silently differs from it.
    public var environmentKey: Secret?
    /// Print each request and response status (never headers with keys).
    public var verbose = false
    /// Colour and emphasis (on only on a terminal, never with NO_COLOR).
    public var style = Style(enabled: false)
    /// Whether standard output and standard error are terminals (progress lines, `--raw`).
    public var outputIsTerminal = false
    public var errorIsTerminal = false
    /// The terminal's width in cells, for charts (`COLUMNS`, 80 when unknown).
    public var width = 80
    /// Whether output at the prompt longer than the screen goes through the pager (`pager
    /// on|off`, `--no-pager`; see `Pager`).
    public var pager = true
    /// Whether every table is shown as records, one block per row (`records on`, psql's `\x`);
    /// off, only a table too wide for the terminal is.
    public var records = false
    /// Whether each statement is followed by how long it took, on standard error (`timing on`,
    /// psql's `\timing`).
    public var timing = false
    /// The launch options another run needs to meet the same API with the same keys
    /// (`--sandbox`, `--profile P`, `--base-url URL`, `--keys-file F`): what `save` writes in its
    /// header and reproductions start with. Never a key.
    public var launchArguments: [String] = []
    /// The CA certificates file given with `--cacert` (nil: the system's).
    public var caCertificateFile: String?
    /// The line editor and its version, for `doctor` (the REPL's; nil elsewhere).
    public var lineEditor: String?
    /// Builds twins for `rehearse` (the `adm` executable provides it; nil: no rehearsals).
    public var twins: (any TwinProvider)?

    public init(baseURL: String, transport: any Transport) {
        self.baseURL = baseURL
        self.transport = transport
    }
}
