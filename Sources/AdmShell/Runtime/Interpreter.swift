import AdmAPI

/// Runs statements against a session: evaluates words, dispatches to commands, applies the
/// `| path` selection, sets `$_`, renders the value, and turns failures into `ShellError`s.
public final class Interpreter {
    public let session = Session()
    public var configuration: ShellConfiguration
    public let output: OutputSink
    public var client: AdminClient
    var style: Style { configuration.style }
    /// Set by commands that printed their own result.
    var alreadyRendered = false
    /// Output options of the statement being run.
    var outputMode: OutputMode = .auto
    /// Every `expect` run, for reports.
    public var expectations: [ExpectationRecord] = []
    /// Failures of scripts run so far (for reports).
    public var failures: [String] = []
    /// The script file being run (for messages and reports).
    public var currentFile: String?
    /// Print a ✓ line for each passing `expect` (scripts show progress).
    public var echoExpectations = true
    /// Set by `exit [STATUS]`: the status the shell or script ends with.
    public var requestedExit: Int32?
    /// Whether `exit` ran.
    public var shouldExit: Bool { requestedExit != nil }
    /// The REPL's history lines, for `history` (nil outside the REPL).
    public var historyProvider: (() -> [String])?
    /// Reads a secret without echo (the REPL provides it; nil when there is no terminal).
    public var promptForSecret: ((String) -> String?)?
    /// The completion cache's background refresh, if one is under way.
    var backgroundRefresh: Task<Void, Never>?

    public init(configuration: ShellConfiguration, output: OutputSink) {
        self.configuration = configuration
        self.output = output
        self.client = AdminClient(baseURL: configuration.baseURL, transport: configuration.transport,
                                  retry: configuration.retry, timeout: configuration.timeout,
                                  organization: configuration.organization, scheduler: configuration.rateLimits)
        self.client.maxRateLimitWait = configuration.maxRateLimitWait
    }

    /// How a value is shown.
    enum OutputMode { case auto, json, raw, quiet }

    // MARK: Output

    /// Writes to standard output, with every known key value scrubbed.
    public func say(_ text: String) {
        output.write(Redaction.scrub(text, secrets: session.secrets) + "\n")
    }

    /// Writes to standard error, scrubbed.
    public func warn(_ text: String) {
        output.writeError(Redaction.scrub(text, secrets: session.secrets) + "\n")
    }

    /// `error: …` in red on standard error.
    public func report(_ error: ShellError, file: String? = nil) {
        let place = error.location.map { (file.map { "\($0):" } ?? "") + "\($0.line):\($0.column): " } ?? (file.map { "\($0): " } ?? "")
        switch error {
        case .api:
            break // printed with its explanation when the call returned
        case .cancelled:
            warn(style.yellow("cancelled"))
        default:
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

    /// Runs one statement.
    public func execute(_ statement: Statement) async throws(ShellError) {
        guard let spec = CommandTable.lookup(statement.command) else {
            throw .usage("unknown command '\(statement.command)'", at: statement.location)
        }
        alreadyRendered = false
        let args = try Arguments(statement.arguments, valued: spec.valuedFlags)
        outputMode = args.has("--raw") ? .raw : args.has("--json") ? .json : args.has("--quiet") ? .quiet : .auto
        let invocation = Invocation(statement: statement, args: args, spec: spec)
        if spec.recordsInTranscript { session.remember(statement: statement.source) }
        var value = try await spec.run(self, invocation)
        if let path = statement.selection, let v = value {
            do {
                value = try path.evaluate(v)
            } catch {
                throw .usage("selection \(path): \(error.message)", at: statement.location)
            }
        }
        if let value {
            if spec.setsLastValue { session.last = value }
            if !alreadyRendered { render(value, selected: statement.selection != nil) }
        }
        if let result = session.lastResult, invocation.madeCall, !result.isSuccess {
            throw .api(result)
        }
    }

    // MARK: Values

    /// A word's value: a variable's JSON as it is, a JSON literal parsed, quoted text as a
    /// string, other text typed (`5` → 5, `true` → true) when `typed`.
    func value(of word: Word, typed: Bool = false) throws(ShellError) -> JSON {
        if word.parts.count == 1 {
            switch word.parts[0] {
            case .variable(let name, let path): return try lookup(name, path, at: word.location)
            case .environment(let name): return try environment(name, at: word.location)
            case .json(let text):
                let filled = try interpolateJSON(text, at: word.location)
                do { return try JSON.parse(filled) } catch {
                    throw .usage("invalid JSON literal: \(error)", at: word.location)
                }
            case .quoted(let parts): return .string(try text(of: parts, at: word.location))
            case .singleQuoted(let s): return .string(s)
            case .literal(let s): return typed ? Self.typedLiteral(s) : .string(s)
            }
        }
        return .string(try text(of: word.parts, at: word.location))
    }

    /// A JSON literal with `$name.path` references (outside its strings) replaced by their
    /// values as JSON: `{"project_ids": [$p]}`.
    func interpolateJSON(_ text: String, at location: SourceLocation) throws(ShellError) -> String {
        guard text.contains("$") else { return text }
        let chars = Array(text)
        var out = ""
        var i = 0
        var inString = false
        while i < chars.count {
            let c = chars[i]
            if inString {
                out.append(c)
                if c == "\\", i + 1 < chars.count { out.append(chars[i + 1]); i += 2; continue }
                if c == "\"" { inString = false }
                i += 1
                continue
            }
            if c == "\"" { inString = true; out.append(c); i += 1; continue }
            if c == "$", i + 1 < chars.count, chars[i + 1].isLetter || chars[i + 1] == "_" {
                var j = i + 1
                var ref = ""
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "." || chars[j] == "[" || chars[j] == "]" || chars[j] == "-" {
                    if chars[j] == "]", !ref.contains("[") { break }
                    ref.append(chars[j])
                    j += 1
                }
                while ref.hasSuffix(".") { ref.removeLast(); j -= 1 }
                let name = String(ref.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" }))
                let path: JSONPath
                do { path = try JSONPath.parse(String(ref.dropFirst(name.count))) } catch {
                    throw .usage("invalid path in '$\(ref)' inside a JSON literal: \(error.message)", at: location)
                }
                out += (name == "env" ? try environment(String(ref.dropFirst(4)), at: location) : try lookup(name, path, at: location)).serialized()
                i = j
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    /// A word as text (variables stringified: strings as they are, other values as JSON).
    func text(of word: Word) throws(ShellError) -> String {
        try text(of: word.parts, at: word.location)
    }

    func text(of parts: [WordPart], at location: SourceLocation) throws(ShellError) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s), .singleQuoted(let s), .json(let s): out += s
            case .quoted(let inner): out += try text(of: inner, at: location)
            case .variable(let name, let path): out += Self.stringify(try lookup(name, path, at: location))
            case .environment(let name): out += Self.stringify(try environment(name, at: location))
            }
        }
        return out
    }

    static func stringify(_ v: JSON) -> String {
        if case .string(let s) = v { return s }
        return v.serialized()
    }

    /// `5` → 5, `2.5` → 2.5, `true`/`false`/`null`, anything else a string.
    static func typedLiteral(_ s: String) -> JSON {
        switch s {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            if let i = Int(s) { return .int(i) }
            if let d = Double(s), s.contains(".") { return .double(d) }
            return .string(s)
        }
    }

    func lookup(_ name: String, _ path: JSONPath, at location: SourceLocation) throws(ShellError) -> JSON {
        let base: JSON
        switch name {
        case "_":
            guard let last = session.last else { throw .usage("$_ is empty: no command has produced a value yet", at: location) }
            base = last
        case "status":
            base = session.lastResult.map { .int($0.status) } ?? .null
        case "project":
            base = session.activeProject.map(JSON.string) ?? .null
        case "key":
            base = session.activeKey.map(JSON.string) ?? .null
        default:
            guard let v = session.variables[name] else {
                let known = session.variables.keys.sorted()
                throw .usage("undefined variable $\(name)" + (known.isEmpty ? "" : " (defined: \(known.map { "$" + $0 }.joined(separator: ", ")))"),
                             at: location)
            }
            base = v
        }
        do {
            return try path.evaluate(base)
        } catch {
            throw .usage("$\(name)\(path.components.isEmpty ? "" : path.description): \(error.message)", at: location)
        }
    }

    func environment(_ name: String, at location: SourceLocation) throws(ShellError) -> JSON {
        guard let v = FileMode.environment(name) else {
            throw .usage("environment variable \(name) is not set", at: location)
        }
        if Redaction.keyShaped(in: v).count > 0 || v.hasPrefix("sk-") {
            throw .usage("$env.\(name) holds a key; add it with `key add NAME --env \(name)` so its value stays hidden", at: location)
        }
        return .string(v)
    }
}

/// One statement being run by a command: its words, sorted arguments and spec.
final class Invocation {
    let statement: Statement
    let args: Arguments
    let spec: CommandSpec
    /// Whether the command made an API call (whose failure fails the statement).
    var madeCall = false

    init(statement: Statement, args: Arguments, spec: CommandSpec) {
        self.statement = statement
        self.args = args
        self.spec = spec
    }

    var location: SourceLocation { statement.location }
}

extension Interpreter {
    /// Runs a line typed at the prompt: every error is printed, nothing is thrown, and the
    /// session goes on.
    public func runInteractive(_ line: String) async {
        let program: Program
        do {
            program = try Parser.parse(line)
        } catch {
            warn(style.red(error.description))
            return
        }
        for statement in program.statements {
            do {
                try await execute(statement)
            } catch {
                report(error)
                return
            }
            if shouldExit { return }
        }
    }

    /// The prompt: `adm KEY@PROJECT> `.
    public var prompt: String {
        let key = session.activeKey ?? "no-key"
        let project = session.activeProject.map { "@" + Self.shortProject($0) } ?? ""
        return "adm \(key)\(project)> "
    }

    static func shortProject(_ id: String) -> String {
        id.count > 14 ? String(id.prefix(11)) + "…" : id
    }

    /// The line as it may be stored in history: key values (and anything key-shaped) redacted,
    /// and a literal `key add NAME VALUE` reduced to its name.
    public func historyLine(_ line: String) -> String {
        var text = Redaction.scrub(line, secrets: session.secrets)
        text = CassetteEntry.scrubKeys(text)
        return text
    }
}
