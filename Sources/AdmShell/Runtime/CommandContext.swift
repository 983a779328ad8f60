import AdmAPI

/// What a command may touch, and nothing else: this is the whole of what an action
/// (`CommandAction`) receives besides its `Invocation`.
///
/// * **Reads**: the session (keys, variables, the active key and project, the last value, the
///   calls made), the settings (read only), a word's text or value with its variables read,
///   and the names a command resolves (`projectID`, `userID`, in `CommandContext+Reads`).
/// * **Calls**: `calls` (the one way to the API: keys, pacing, pages, fan-out, secrets taken
///   out of answers) and a read-only `client` for what describes it (base URL, the scheduler's
///   outlook, the readings).
/// * **Output**: `say`, `warn`, `sayTable`, `renderer`, `style` and the `console` they write to
///   (the one sanitizing path); a statement's `> FILE` and the pager are the interpreter's.
/// * **Asking the person**: `confirm` and `promptForSecret` (nil in scripts and the MCP server).
/// * **The script record**: expectations and the file being run.
/// * **The language's own forms** (`let`, `run`, `exit`, `history`, `pager`): `language`, which
///   no other command needs.
///
/// What a command cannot reach: replacing the client or the configuration, running text of its
/// own as statements, the REPL's callbacks, ending the session. The interpreter makes one for
/// each statement (`Interpreter.context`).
struct CommandContext {
    /// Fileprivate: a command reaches the interpreter only through the members below.
    fileprivate let interpreter: Interpreter

    init(_ interpreter: Interpreter) { self.interpreter = interpreter }

    // MARK: Reads

    /// Keys, variables, the active key and project, the last value and results, the transcript.
    var session: Session { interpreter.session }
    /// How the session talks to the API and shows itself (read only).
    var configuration: ShellConfiguration { interpreter.configuration }

    /// A word's text, its variables read.
    func text(of word: Word) throws(ShellError) -> String { try interpreter.text(of: word) }
    /// Parts of a word, their variables read.
    func text(of parts: [WordPart], at location: SourceLocation) throws(ShellError) -> String {
        try interpreter.text(of: parts, at: location)
    }
    /// A word's value (`typed`: a bare number or boolean is one).
    func value(of word: Word, typed: Bool = false) throws(ShellError) -> JSON { try interpreter.value(of: word, typed: typed) }
    /// A JSON text with `$name` read in.
    func interpolateJSON(_ text: String, at location: SourceLocation) throws(ShellError) -> String {
        try interpreter.interpolateJSON(text, at: location)
    }

    // MARK: Calls

    /// The one way a command calls the API.
    var calls: CallRunner { CallRunner(shell: self) }
    /// The client, to describe it (base URL, the scheduler's outlook, the readings); calls go
    /// through `calls`.
    var client: AdminClient { interpreter.client }

    // MARK: Output

    /// The one output path.
    var console: Console { interpreter.console }
    /// Its standard error and progress line alone (for the call service and long work).
    var status: StatusOutput { StatusOutput(interpreter.console) }
    var style: Style { interpreter.style }
    var renderer: Renderer { interpreter.renderer }
    /// How tables are laid out (fitted to a terminal; records when `records on`).
    var tableLayout: TableLayout { interpreter.tableLayout }
    /// A line on standard output.
    func say(_ text: String) { interpreter.say(text) }
    /// A line on standard error.
    func warn(_ text: String) { interpreter.warn(text) }
    /// A table of `items` on standard output.
    func sayTable(_ items: [JSON], columns: [Column]) { interpreter.sayTable(items, columns: columns) }
    /// What shows the pages of `--all` as they are read, as the statement asks.
    func pagePrinter(for inv: Invocation) -> StreamingPrinter {
        StreamingPrinter(renderer: renderer, console: console, output: inv.output, selection: inv.statement.selection)
    }

    // MARK: Asking the person

    /// A yes/no question at the terminal; nil in scripts, where a change needs `--yes`.
    var confirm: ((String) -> Bool)? { interpreter.confirm }
    /// Reads a secret without echo; nil when there is no terminal.
    var promptForSecret: ((String) -> String?)? { interpreter.promptForSecret }

    // MARK: The script record

    /// Expectations and the file being run, for the script's report.
    var script: ScriptRecord {
        get { interpreter.script }
        nonmutating set { interpreter.script = newValue }
    }

    // MARK: The language's own forms

    /// What only `let`, `run`, `exit`, `history` and `pager` do.
    var language: LanguageForms { LanguageForms(interpreter: interpreter) }
}

/// What the language's own forms do to the interpreter: evaluate a statement (`let`), run a
/// script in this session (`run`), end it (`exit`), read the prompt's history (`history`),
/// turn the pager on or off (`pager`), show tables as records (`records`), time statements
/// (`timing`).
struct LanguageForms {
    fileprivate let interpreter: Interpreter

    /// Runs a statement for its value only; nothing is shown.
    func evaluate(_ statement: Statement) async throws(ShellError) -> JSON? { try await interpreter.evaluate(statement) }
    /// Runs a script's text in this session.
    func runScript(_ text: String, file: String, keepGoing: Bool) async -> ScriptOutcome {
        await ScriptRunner.run(interpreter, text: text, file: file, keepGoing: keepGoing)
    }
    /// Ends the session (or script) with `status` once the statement is done.
    func requestExit(_ status: Int32) { interpreter.requestedExit = status }
    /// The prompt's history lines, else the session's transcript.
    var history: [String] { interpreter.historyProvider?() ?? interpreter.session.transcript }
    /// Turns paging at the prompt on or off.
    func setPager(_ on: Bool) { interpreter.configuration.pager = on }
    /// Shows every table as records, or only those that cannot fit (`records on|off`).
    func setRecords(_ on: Bool) { interpreter.configuration.records = on }
    /// Follows each statement with how long it took, or not (`timing on|off`).
    func setTiming(_ on: Bool) { interpreter.configuration.timing = on }
    /// Whether output is paged, and through what.
    var pagerDescription: String { interpreter.pagerDescription }
}

extension Interpreter {
    /// What a command run by this interpreter may touch.
    var context: CommandContext { CommandContext(self) }
}
