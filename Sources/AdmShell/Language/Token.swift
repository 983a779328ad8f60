import AdmAPI

/// A place in source text: 1-based line and column (in characters).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "\(line):\(column)" }
}

/// A piece of a word: literal text, a variable reference, an environment variable, or a
/// double-quoted string with its own pieces.
public enum WordPart: Sendable, Hashable {
    case literal(String)
    /// `$name.path` or `${name.path}`; `_` is the last value.
    case variable(name: String, path: JSONPath)
    /// `$env.NAME`.
    case environment(String)
    /// Text inside double quotes (may hold variables); `quoted` so `"42"` stays a string.
    case quoted([WordPart])
    /// Text inside single quotes: no interpolation.
    case singleQuoted(String)
    /// A JSON literal `{…}` or `[…]`, kept as written.
    case json(String)
}

/// A shell word: adjacent parts with no space between them (`name=$x` is one word).
public struct Word: Sendable, Hashable {
    public var parts: [WordPart]
    public var location: SourceLocation
    /// The text as written (for messages, history and reproductions).
    public var source: String

    public init(parts: [WordPart], location: SourceLocation, source: String) {
        self.parts = parts
        self.location = location
        self.source = source
    }

    /// The word's text when it is plain literal text (no variables, no quotes).
    public var literalText: String? {
        var out = ""
        for p in parts {
            guard case .literal(let s) = p else { return nil }
            out += s
        }
        return out
    }

    /// Whether the word is a bare `--flag`.
    public var isFlag: Bool { literalText.map { $0.hasPrefix("--") && $0.count > 2 } ?? false }
}

/// A lexical token.
public enum Token: Sendable, Hashable {
    case word(Word)
    /// `;` or a newline: ends a statement.
    case separator(SourceLocation)
    /// `|`: selects from the result with a path.
    case pipe(SourceLocation)
}

/// Writing text as one word of the language.
public enum Words {
    /// `text` as a word that reads back as `text`, never as a flag or a variable: bare when it
    /// is plain and does not start with `-`, in single quotes (taken literally) when it holds no
    /// `'` and no line break (a script's `\r` reads as a line end), else in double quotes with
    /// `\`, `"`, `$` and line breaks escaped.
    public static func quoted(_ text: String) -> String {
        if !text.isEmpty, !text.hasPrefix("-"), text.allSatisfy({ $0.isLetter || $0.isNumber || "-_./:@%+,".contains($0) }) { return text }
        if !text.contains("'"), !text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) { return "'" + text + "'" }
        return "\"" + text.escaping(["\\": "\\\\", "\"": "\\\"", "$": "\\$", "\r": "\\r", "\n": "\\n"]) + "\""
    }
}
