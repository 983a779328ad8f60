import AdmAPI

/// Runs statements against a session: finds the command (and subcommand) a statement names,
/// runs it, applies the `| path` selection, sets `$_`, and has the value shown. Failures are
/// thrown as `ShellError`s and printed once, by `report`. The work around a command lives in
/// types of its own: `CallRunner` makes API calls, `Renderer` and `Console` show values,
/// `FailureExplainer` explains refusals, `ScriptRecord` keeps what a script run needs for its
/// report, `CompletionRefresher` keeps Tab's id cache warm.
public final class Interpreter {
    public let session = Session()
    /// How the session talks to the API and shows itself; the client is built from it.
    public var configuration: ShellConfiguration {
        didSet {
            let (minted, readings) = (client.minted, client.readings)
            client = Self.client(for: configuration)
            client.minted = minted
            client.readings = readings
            console.follow(style: configuration.style, outputIsTerminal: configuration.outputIsTerminal, wrapWidth: configuration.width)
        }
    }
    /// The client, built from `configuration` (with its rate-limit scheduler).
    public private(set) var client: AdminClient
    /// The one output path.
    public let console: Console
    /// Expectations and the file being run, for script reports.
    public var script = ScriptRecord()
    /// Set by `exit [STATUS]`: the status the shell or script ends with.
    public var requestedExit: Int32?
    /// Whether `exit` ran.
    public var shouldExit: Bool { requestedExit != nil }
    /// The REPL's history lines, for `history` (nil outside the REPL).
    public var historyProvider: (() -> [String])?
    /// Reads a secret without echo (the REPL provides it; nil when there is no terminal).
    public var promptForSecret: ((String) -> String?)?
    /// Asks a yes/no question at the terminal (the REPL provides it; nil in scripts, where a
    /// change to the organization needs `--yes`).
    public var confirm: ((String) -> Bool)?
    /// Tab's id cache, refreshed in the background.
    let completionRefresher = CompletionRefresher()

    var style: Style { configuration.style }
    var renderer: Renderer { Renderer(style: style, width: configuration.width, layout: tableLayout) }
    /// How tables are laid out: fitted to the terminal's width when output goes to one (else
    /// every cell whole), every row a record when `records on` says so.
    var tableLayout: TableLayout {
        TableLayout(fit: console.outputIsTerminal ? configuration.width : nil, records: configuration.records)
    }
    var calls: CallRunner { context.calls }

    public init(configuration: ShellConfiguration, output: OutputSink) {
        self.configuration = configuration
        self.client = Self.client(for: configuration)
        let session = self.session
        self.console = Console(
            sink: output,
            style: configuration.style,
            outputIsTerminal: configuration.outputIsTerminal,
            errorIsTerminal: configuration.errorIsTerminal,
            secrets: { session.secrets }
        )
        console.wrapWidth = configuration.width
    }

    static func client(for c: ShellConfiguration) -> AdminClient {
        var client = AdminClient(
            baseURL: c.baseURL,
            transport: c.transport,
            retry: c.retry,
            timeout: c.timeout,
            organization: c.organization,
            scheduler: c.rateLimits
        )
        client.maxRateLimitWait = c.maxRateLimitWait
        return client
    }

    // MARK: Output

    /// A line on standard output (through the console).
    public func say(_ text: String) { console.say(text) }

    /// A table of `items` on standard output.
    func sayTable(_ items: [JSON], columns: [Column]) {
        for line in Table.render(items: items, columns: columns, style: style, layout: tableLayout) { say(line) }
    }

    /// A line on standard error (through the console).
    public func warn(_ text: String) { console.warn(text) }

    /// Prints a failure: a refused call with its explanation, `cancelled`, or `error: …` with
    /// its place.
    public func report(_ error: ShellError, file: String? = nil, atPrompt: Bool = false) {
        switch error {
        case .api(let result):
            for line in FailureExplainer(shell: context).report(result) { warn(line) }
        case .cancelled:
            warn(style.yellow("cancelled"))
        case .incomplete(let summary):
            warn(style.yellow(summary) + style.dim(" (the result above is partial)"))
        default:
            // At the prompt the place is the line just typed: only a second line is named.
            var place = file.map { "\($0): " } ?? ""
            if let location = error.location {
                if atPrompt {
                    place = location.line > 1 ? "line \(location.line): " : ""
                } else {
                    place = (file.map { "\($0):" } ?? "") + "\(location.line):\(location.column): "
                }
            }
            warn(place + style.red("error: ") + error.description)
        }
    }

    // MARK: Running

    /// Parses and runs `text` (one or more statements); stops at the first failure.
    public func run(_ text: String, file: String? = nil) async throws(ShellError) {
        let program: Program
        do {
            program = try Parser.parse(text, file: file)
        } catch {
            throw .usage(error.description, at: nil)
        }
        for statement in program.statements {
            try await execute(statement)
        }
    }

    /// Runs one statement and shows its value (and, with `timing on`, how long it took).
    public func execute(_ statement: Statement) async throws(ShellError) {
        // A plain number, not an optional instant: this runs for every statement of every run.
        let started = configuration.timing ? UnixTime.monotonic() : -1
        defer { if started >= 0, configuration.timing { warn(style.dim("time: " + Formatting.elapsed(UnixTime.monotonic() - started))) } }
        if let redirection = statement.redirection {
            try await executeRedirected(statement, to: redirection)
        } else {
            _ = try await perform(statement, showing: true)
        }
    }

    /// Runs a statement for its value only (the right side of `let`): nothing is shown.
    func evaluate(_ statement: Statement) async throws(ShellError) -> JSON? {
        try await perform(statement, showing: false)
    }

    /// The one pipeline: the command, its subcommand, the run, the selection, `$_`, the display.
    func perform(_ statement: Statement, showing: Bool) async throws(ShellError) -> JSON? {
        let inv = try invocation(for: statement, showing: showing)
        if showing, inv.spec.recordsInTranscript { session.remember(statement: statement.source) }
        let action = inv.subcommand?.run ?? inv.spec.run!
        var outcome: Outcome
        defer {
            calls.adoptMintedKeys()
            if let trouble = client.scheduler.memory?.takeFailure() { warn(style.yellow("warning: ") + trouble) }
            if let trouble = client.readings.shared?.takeFailure() { warn(style.yellow("warning: ") + trouble) }
        }
        do {
            outcome = try await action(context, inv)
        } catch {
            switch error {
            case .api(let result): session.lastResult = result
            case .cancelled(let partial?): session.last = partial
            default: break
            }
            throw error
        }
        if let last = outcome.calls.last { session.lastResult = last }
        if let path = statement.selection, let v = outcome.value {
            do {
                outcome.value = try path.evaluate(v)
            } catch {
                throw .usage("selection \(path): \(error.message)", at: statement.location)
            }
        }
        if let value = outcome.value {
            if inv.spec.setsLastValue { session.last = value }
            if showing, !outcome.printed {
                renderer.show(value, mode: inv.output, body: statement.selection == nil ? session.lastResult?.response.body : nil, on: console)
            }
        }
        if !outcome.gaps.isEmpty {
            for gap in outcome.gaps { warn(style.yellow("incomplete: ") + gap) }
            if outcome.failure == nil {
                throw .incomplete(
                    "incomplete: " + (outcome.gapSummary ?? "\(outcome.gaps.count) part\(outcome.gaps.count == 1 ? "" : "s") could not be read")
                )
            }
        }
        if let failure = outcome.failure {
            if case .api(let result) = failure { session.lastResult = result }
            throw failure
        }
        return outcome.value
    }

    /// The statement's command, subcommand and arguments.
    func invocation(for statement: Statement, showing: Bool) throws(ShellError) -> Invocation {
        guard let spec = CommandTable.lookup(statement.command) else {
            throw .usage("unknown command '\(statement.command)'", at: statement.location)
        }
        var args = try Arguments(statement.arguments, takesValue: spec.takesValue)
        var subcommand: SubcommandSpec?
        if let first = args.positional.first, !spec.subcommands.isEmpty {
            let word = first.literalText ?? ""
            if let s = spec.subcommand(word) {
                subcommand = s
                args.positional.removeFirst()
            } else if spec.firstWordMustBeSubcommand {
                let (message, suggestion) = spec.unknownSubcommand(try text(of: first))
                throw .usage(message + "; " + suggestion, at: first.location)
            }
        } else if spec.run == nil {
            throw .usage("\(spec.name): missing \(spec.subcommandNames.joined(separator: "|")) — usage: \(spec.usage)", at: statement.location)
        }
        let output = showing ? OutputMode.flags.first { args.has($0.flag) }?.mode ?? .auto : .quiet
        // Values from variables are checked now (literal ones were checked by the parser).
        for item in ValueCheck.items(Array(statement.arguments), spec: spec) where item.word.literalText == nil {
            if case .failure(let error) = item.kind.check(try text(of: item.word), what: item.what) {
                throw .usage(error.description, at: item.word.location)
            }
        }
        // A word the command does not take is an error, never dropped without a word.
        let declared = subcommand?.arguments ?? spec.arguments
        if !declared.contains(where: \.repeats), args.positional.count > declared.count {
            let stray = args.positional[declared.count]
            let name = subcommand.map { "\(spec.name) \($0.name)" } ?? spec.name
            throw .usage("\(name): unexpected argument '\(Cells.inline(stray.source))' — usage: \(spec.usage)", at: stray.location)
        }
        return Invocation(statement: statement, spec: spec, subcommand: subcommand, args: args, output: output) {
            [unowned self] w throws(ShellError) in
            try self.text(of: w)
        }
    }

    /// Runs a line typed at the prompt: every error is printed, nothing is thrown, and the
    /// session goes on.
    public func runInteractive(_ line: String) async {
        let program: Program
        do {
            program = try Parser.parse(line)
        } catch {
            warn(style.red(error.atPrompt))
            return
        }
        for statement in program.statements {
            do {
                try await execute(statement)
            } catch {
                report(error, atPrompt: true)
                return
            }
            if shouldExit { return }
        }
    }

    // MARK: The prompt and history

    /// The prompt: `adm KEY@PROJECT> ` (a project id from outside is shown escaped).
    public var prompt: String {
        let key = session.activeKey ?? "no-key"
        let project = session.activeProject.map { "@" + Self.shortProject($0) + (session.projectStatus[$0] == "archived" ? "(archived)" : "") } ?? ""
        return TerminalText.inline("adm \(key)\(project)> ")
    }

    static func shortProject(_ id: String) -> String {
        id.count > 14 ? String(id.prefix(11)) + "…" : id
    }

    /// The line as it may be stored in history: the session's key values, and anything shaped
    /// like a key, redacted (so `key add lit sk-…` is kept as `key add lit sk-admin-…`).
    public func historyLine(_ line: String) -> String {
        Redaction.maskKeyShaped(Redaction.scrub(line, secrets: session.secrets))
    }
}
