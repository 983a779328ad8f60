import AdmAPI

/// Where a statement's output goes instead of the terminal: `> FILE`, `>> FILE` or `>| FILE`
/// at its end (see `OutputFile`).
public struct Redirection: Sendable, Hashable {
    public var mode: OutputFile.Mode
    /// The file (a word: `> $dir/out.txt` works).
    public var target: Word
    public var location: SourceLocation

    /// The redirection as typed: `> out.txt`.
    public var source: String { mode.rawValue + " " + target.source }

    /// The mode a word such as `>`, `>>`, `>|` or `>out.txt` starts with, and the rest of it;
    /// nil for any other word (a quoted `'>'` included).
    static func operatorPrefix(of word: Word) -> (mode: OutputFile.Mode, rest: String)? {
        guard let text = word.literalText, text.hasPrefix(">") else { return nil }
        for mode in [OutputFile.Mode.append, .replace, .create] where text.hasPrefix(mode.rawValue) {
            return (mode, String(text.dropFirst(mode.rawValue.count)))
        }
        return nil
    }
}

/// One statement: a command and its words, an optional `| path` selection, and an optional
/// `> FILE` redirection.
public struct Statement: Sendable, Hashable {
    public var words: [Word]
    public var selection: JSONPath?
    public var redirection: Redirection?
    public var location: SourceLocation

    /// The command name (the first word's text).
    public var command: String { words.first?.literalText ?? words.first?.source ?? "" }

    /// The words after the command.
    public var arguments: ArraySlice<Word> { words.dropFirst() }

    /// The statement as it would be typed.
    ///
    /// Built by hand: the generic `joined(separator:)`, unspecialised in the release build,
    /// looks up an associated type by its mangled name, which scans every protocol conformance
    /// in the binary on the first statement of every run (0.1 ms of a one-liner's start).
    public var source: String {
        var text = ""
        for index in words.indices {
            if index != words.startIndex { text += " " }
            text += words[index].source
        }
        if let selection { text += " | \(selection)" }
        if let redirection { text += " " + redirection.source }
        return text
    }
}

/// A parsed line or script.
public struct Program: Sendable, Hashable {
    public var statements: [Statement]
}

/// Groups tokens into statements and checks each against the command table: unknown
/// commands and flags are syntax errors with a suggestion, found before anything runs.
public enum Parser {
    /// Several pieces of source, each complete on its own and numbered on as one text (the
    /// `-e` of a one-liner: an error names its `-e` by line). A quote left open is an error in
    /// its piece, and a `\` at a piece's end continues nothing: no piece reaches into the next.
    public static func parse(pieces: [String], file: String? = nil) throws(SyntaxError) -> Program {
        var statements: [Statement] = []
        var line = 1
        for piece in pieces {
            statements += try parse(piece, file: file, firstLine: line).statements
            line += 1
            for character in TextFile.normalizingLineEnds(piece) where character == "\n" { line += 1 }
        }
        return Program(statements: statements)
    }

    /// What `text` ends inside — `"`, `'`, or a JSON literal's `{` or `[` — so that a line typed
    /// at the prompt goes on at the next (`call POST /x --body {` then the body's lines); nil
    /// when it is complete, or wrong in a way more lines cannot mend.
    public static func openAtEnd(_ text: String) -> String? {
        do {
            _ = try Lexer.tokenize(text, firstLine: 1)
            return nil
        } catch {
            return error.openAtEnd
        }
    }

    /// The statements of `text`, its lines numbered from `firstLine`.
    public static func parse(_ text: String, file: String? = nil, firstLine: Int = 1) throws(SyntaxError) -> Program {
        do throws(SyntaxError) {
            let tokens = try Lexer.tokenize(text, firstLine: firstLine)
            var statements: [Statement] = []
            var words: [Word] = []
            var selection: JSONPath?
            var pendingPipe: SourceLocation?
            var redirection: Redirection?
            var pendingRedirection: (mode: OutputFile.Mode, at: SourceLocation)?
            func finish() throws(SyntaxError) {
                if let at = pendingPipe { throw SyntaxError("'|' must be followed by a path such as .data[].id", at: at) }
                if let pending = pendingRedirection {
                    throw SyntaxError("'\(pending.mode.rawValue)' must be followed by a file name", at: pending.at)
                }
                if !words.isEmpty {
                    let statement = Statement(words: words, selection: selection, redirection: redirection, location: words[0].location)
                    try Checker.check(statement)
                    statements.append(statement)
                } else if selection != nil {
                    throw SyntaxError("a selection needs a command before '|'", at: SourceLocation(line: 1, column: 1))
                }
                words = []
                selection = nil
                redirection = nil
            }
            for token in tokens {
                switch token {
                case .separator:
                    try finish()
                case .pipe(let at):
                    if words.isEmpty { throw SyntaxError("'|' needs a command before it", at: at) }
                    if selection != nil || pendingPipe != nil { throw SyntaxError("only one '|' selection per statement", at: at) }
                    pendingPipe = at
                case .word(let w):
                    if let pending = pendingRedirection {
                        redirection = Redirection(mode: pending.mode, target: w, location: pending.at)
                        pendingRedirection = nil
                    } else if let r = redirection {
                        throw SyntaxError("unexpected '\(w.source)' after '\(r.source)': the file is the last word", at: w.location)
                    } else if pendingPipe == nil, !words.isEmpty, words[0].literalText != "expect",
                        let (mode, rest) = Redirection.operatorPrefix(of: w)
                    {
                        // `expect .n > 3` compares; everywhere else `>` sends the output to a file.
                        if words[0].literalText == "let" {
                            throw SyntaxError("let shows nothing to send to a file: redirect the statement that shows it", at: w.location)
                        }
                        if rest.isEmpty {
                            pendingRedirection = (mode, w.location)
                        } else {
                            let at = SourceLocation(line: w.location.line, column: w.location.column + mode.rawValue.count)
                            redirection = Redirection(
                                mode: mode,
                                target: Word(parts: [.literal(rest)], location: at, source: rest),
                                location: w.location
                            )
                        }
                    } else if let at = pendingPipe {
                        guard let text = w.literalText,
                            text.hasPrefix(".") || text.hasPrefix("[")
                                || w.parts.first.map({ if case .json = $0 { return true } else { return false } }) == true
                        else {
                            throw SyntaxError("'|' must be followed by a path such as .data[].id", at: at)
                        }
                        do {
                            selection = try JSONPath.parse(w.source)
                        } catch {
                            throw SyntaxError("invalid path '\(w.source)': \(error.message)", at: w.location)
                        }
                        pendingPipe = nil
                    } else if selection != nil {
                        throw SyntaxError("unexpected '\(w.source)' after the selection path", at: w.location)
                    } else {
                        words.append(w)
                    }
                }
            }
            try finish()
            return Program(statements: statements)
        } catch {
            var e = error
            e.file = file
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let index = e.location.line - firstLine
            if index >= 0, index < lines.count { e.lineText = String(lines[index]) }
            throw e
        }
    }
}

/// Checks statements against the command declarations before they run: the command, its
/// flags, its own rules (`checkSyntax`), and a first word that must name a subcommand.
enum Checker {
    static func check(_ s: Statement) throws(SyntaxError) {
        guard let first = s.words.first else { return }
        guard let name = first.literalText else {
            throw SyntaxError("a statement starts with a command name, not '\(first.source)'", at: first.location)
        }
        guard let spec = CommandTable.lookup(name) else {
            throw SyntaxError(
                "unknown command '\(name)'",
                at: first.location,
                suggestion: Suggest.closest(name, among: CommandTable.allNames).map { "did you mean \($0)?" }
                    ?? "type 'help' for the list of commands"
            )
        }
        // `let NAME = COMMAND …` checks the command's own flags (in its checkSyntax).
        var acceptsFlags = spec.name != "let"
        let args = Array(s.arguments)
        let subcommand = namedSubcommand(s, spec)
        for (index, word) in args.enumerated() {
            guard acceptsFlags, let text = word.literalText, text.hasPrefix("--"), text.utf8.count > 2 else { continue }
            if text == "--" {
                acceptsFlags = false
                continue
            }
            let flag = String(text.split(separator: "=", maxSplits: 1)[0])
            if spec.takesValue(flag), !text.contains("="), index == args.count - 1 {
                throw SyntaxError("\(flag) needs a value", at: word.location)
            }
            if !spec.accepts(flag: flag, subcommand: subcommand) {
                let owners = spec.subcommands(taking: flag)
                if !owners.isEmpty {
                    let with = owners.map { "\(spec.name) \($0.name)" }.joined(separator: " or ")
                    throw SyntaxError(
                        "\(flag) goes with \(with)" + (subcommand.map { ", not \(spec.name) \($0.name)" } ?? ""),
                        at: word.location
                    )
                }
                let known = (spec.flags + (subcommand?.flags ?? [])).map(\.name)
                throw SyntaxError(
                    "unknown flag '\(flag)' for \(spec.name)",
                    at: word.location,
                    suggestion: Suggest.closest(flag, among: known).map { "did you mean \($0)?" }
                        ?? (known.isEmpty ? "\(spec.name) takes no flags" : "\(spec.name) accepts: \(known.joined(separator: " "))")
                )
            }
        }
        try checkCombinations(args, spec, subcommand)
        try spec.checkSyntax?(s)
        try checkSubcommand(s, spec)
        if spec.name != "let" { try ValueCheck.checkLiterals(s, spec: spec) }
    }

    /// A flag given without the flags it needs, or beside one it excludes, would do nothing: refused.
    static func checkCombinations(_ args: [Word], _ spec: CommandSpec, _ subcommand: SubcommandSpec?) throws(SyntaxError) {
        var given: [(name: String, word: Word)] = []
        for word in args {
            guard let text = word.literalText, text.hasPrefix("--"), text.utf8.count > 2 else { continue }
            if text == "--" { break }
            given.append((String(text.split(separator: "=", maxSplits: 1)[0]), word))
        }
        // A list, not a set: a statement gives a few flags, and a set's hashing is code a
        // one-liner's start would page in for nothing.
        let names = given.map(\.name)
        for (name, word) in given {
            guard let flag = spec.flag(name) else { continue }
            if let missing = flag.requires.first(where: { !names.contains($0) }) {
                throw SyntaxError("\(name) goes with \(missing): without it, \(name) would do nothing", at: word.location)
            }
            if let clash = flag.excludes.first(where: { names.contains($0) }) {
                throw SyntaxError("\(name) and \(clash) do not go together: give one", at: word.location)
            }
        }
    }

    /// The statement's first positional word: not a flag, not a flag's value, not a `k=v` pair.
    static func firstPositional(_ s: Statement, _ spec: CommandSpec) -> Word? {
        var skipNext = false
        for word in s.arguments {
            if skipNext {
                skipNext = false
                continue
            }
            if let text = word.literalText, text.hasPrefix("--"), text.utf8.count > 2 {
                skipNext = spec.takesValue(text) && !text.contains("=")
                continue
            }
            if Arguments.pair(word) != nil { continue }
            return word
        }
        return nil
    }

    /// The subcommand a statement names with its first positional word, if any.
    static func namedSubcommand(_ s: Statement, _ spec: CommandSpec) -> SubcommandSpec? {
        guard !spec.subcommands.isEmpty else { return nil }
        return firstPositional(s, spec)?.literalText.flatMap(spec.subcommand)
    }

    /// A first positional word that must name a subcommand, and does not, is a syntax error
    /// (words with variables are checked when they run).
    static func checkSubcommand(_ s: Statement, _ spec: CommandSpec) throws(SyntaxError) {
        guard spec.firstWordMustBeSubcommand, let word = firstPositional(s, spec), let text = word.literalText else { return }
        if spec.subcommand(text) == nil {
            let (message, suggestion) = spec.unknownSubcommand(text)
            throw SyntaxError(message, at: word.location, suggestion: suggestion)
        }
    }
}

/// Suggestions for mistyped names, by edit distance.
public enum Suggest {
    /// The closest candidate within a distance that makes sense for the name's length.
    public static func closest(_ word: String, among candidates: [String]) -> String? {
        // No name adm suggests is long: a pasted 5,000-character word is compared with nothing
        // (the distance is quadratic; it once took seconds per statement).
        guard word.count <= 64 else { return nil }
        let limit = max(1, min(3, word.count / 3 + 1))
        var best: (String, Int)?
        let lower = word.lowercased()
        for c in candidates where abs(c.count - word.count) <= limit {
            let d = distance(lower, c.lowercased())
            if d <= limit, d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        if best == nil, let prefixed = candidates.first(where: { $0.hasPrefix(word) && word.count >= 3 }) { return prefixed }
        return best?.0
    }

    /// Damerau-Levenshtein distance (adjacent transpositions count once).
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a)
        let y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
