import AdmAPI

/// Splits source text into words, separators (`;`, newline) and pipes, following the shell
/// rules users expect: `#` comments, `"…"` with escapes and `$var` interpolation, `'…'` taken
/// literally, `\` at the end of a line continues it, `$name.path[0]` and `${name.path}`
/// variable references, `$env.NAME`, and `{…}`/`[…]` JSON literals kept whole.
public struct Lexer {
    let chars: [Character]
    var index = 0
    var line = 1
    var column = 1

    /// CRLF line ends read as LF (a pasted or Windows-saved script): Swift's `"\r\n"` is one
    /// `Character`, which would otherwise end no line.
    public init(_ text: String) { chars = Array(TextFile.normalizingLineEnds(text)) }

    /// The characters in `range` as text, appended one by one: `String(chars[range])` goes through
    /// the standard library's generic initializer, whose dynamic casts scan every protocol
    /// conformance in the binary the first time (about 0.15 ms of a one-liner's start).
    func text(_ range: Range<Int>) -> String {
        var out = ""
        for character in chars[range] { out.append(character) }
        return out
    }

    /// Every token of the text, its lines numbered from `firstLine`.
    public static func tokenize(_ text: String, firstLine: Int = 1) throws(SyntaxError) -> [Token] {
        var lexer = Lexer(text)
        lexer.line = firstLine
        return try lexer.all()
    }

    mutating func all() throws(SyntaxError) -> [Token] {
        var tokens: [Token] = []
        while true {
            skipBlanks()
            guard let c = peek() else { break }
            let here = location
            switch c {
            case "#":
                while let n = peek(), n != "\n" { advance() }
            case "\n", ";":
                advance()
                tokens.append(.separator(here))
            case "|":
                advance()
                tokens.append(.pipe(here))
            case ">" where peek(1) == "|":
                // `>|` (replace the file) is one word, not `>` and a selection.
                advance()
                advance()
                tokens.append(.word(Word(parts: [.literal(">|")], location: here, source: ">|")))
            default:
                tokens.append(.word(try word()))
            }
        }
        return tokens
    }

    var location: SourceLocation { SourceLocation(line: line, column: column) }

    func peek(_ offset: Int = 0) -> Character? {
        index + offset < chars.count ? chars[index + offset] : nil
    }

    mutating func advance() {
        guard index < chars.count else { return }
        if chars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    /// Spaces, tabs, carriage returns, and backslash-newline continuations.
    mutating func skipBlanks() {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\r" {
                advance()
                continue
            }
            if c == "\\", peek(1) == "\n" {
                advance()
                advance()
                continue
            }
            if c == "\\", peek(1) == "\r", peek(2) == "\n" {
                advance()
                advance()
                advance()
                continue
            }
            break
        }
    }

    static func isWordEnd(_ c: Character) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\r" || c == ";" || c == "|"
    }

    static func isNameStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
    static func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    mutating func word() throws(SyntaxError) -> Word {
        let start = location
        let startIndex = index
        var parts: [WordPart] = []
        var literal = ""
        func flush() {
            if !literal.isEmpty {
                parts.append(.literal(literal))
                literal = ""
            }
        }
        // A JSON literal takes the whole word.
        if let c = peek(), c == "{" || c == "[" {
            let text = try jsonLiteral()
            return Word(parts: [.json(text)], location: start, source: text)
        }
        while let c = peek(), !Self.isWordEnd(c) {
            switch c {
            case "\"":
                flush()
                parts.append(.quoted(try doubleQuoted()))
            case "'":
                flush()
                parts.append(.singleQuoted(try singleQuoted()))
            case "$":
                if let ref = try variable() {
                    flush()
                    parts.append(ref)
                } else {
                    literal.append("$")
                    advance()
                }
            case "\\":
                if peek(1) == "\n" || peek(1) == nil {
                    // A continuation ends the word; skipBlanks consumes it.
                    if peek(1) == nil { advance() }
                    flush()
                    return Word(parts: parts, location: start, source: text(startIndex..<index))
                }
                advance()
                if let e = peek() {
                    literal.append(e)
                    advance()
                }
            case "#" where literal.isEmpty && parts.isEmpty:
                literal.append(c)
                advance()
            default:
                literal.append(c)
                advance()
            }
        }
        flush()
        return Word(parts: parts, location: start, source: text(startIndex..<index))
    }

    /// `$name`, `$name.a[0].b`, `${name.a}`, `$env.NAME`, `$_`. Returns nil for a lone `$`.
    mutating func variable() throws(SyntaxError) -> WordPart? {
        let start = location
        guard let next = peek(1) else { return nil }
        if next == "{" {
            advance()
            advance()
            var inner = ""
            while let c = peek(), c != "}" {
                if c == "\n" { break }
                inner.append(c)
                advance()
            }
            guard peek() == "}" else { throw SyntaxError("unclosed ${ … }: expected '}'", at: start) }
            advance()
            return try reference(inner, at: start)
        }
        guard Self.isNameStart(next) else { return nil }
        advance()
        var text = ""
        while let c = peek(), Self.isNameChar(c) {
            text.append(c)
            advance()
        }
        // The path: `.field` and `[…]` steps directly after the name.
        while let c = peek() {
            if c == ".", let n = peek(1), Self.isNameStart(n) || n == "\"" {
                text.append(c)
                advance()
                if peek() == "\"" {
                    text.append("\"")
                    advance()
                    while let q = peek(), q != "\"" {
                        text.append(q)
                        advance()
                    }
                    guard peek() == "\"" else { throw SyntaxError("unclosed quoted field name in a variable path", at: start) }
                    text.append("\"")
                    advance()
                } else {
                    while let k = peek(), Self.isNameChar(k) || k == "-" {
                        text.append(k)
                        advance()
                    }
                }
            } else if c == "[" {
                var j = 1
                var inner = ""
                while let k = peek(j), k != "]", k != "\n", j < 64 {
                    inner.append(k)
                    j += 1
                }
                guard peek(j) == "]", inner.isEmpty || Int(inner) != nil || inner.hasPrefix("\"") else { break }
                for _ in 0...j {
                    text.append(peek()!)
                    advance()
                }
            } else {
                break
            }
        }
        return try reference(text, at: start)
    }

    func reference(_ text: String, at location: SourceLocation) throws(SyntaxError) -> WordPart {
        let name = String(text.prefix(while: { Self.isNameChar($0) }))
        guard !name.isEmpty, Self.isNameStart(name.first!) else {
            throw SyntaxError("invalid variable reference '$\(text)': a name starts with a letter or _", at: location)
        }
        let rest = String(text.dropFirst(name.count))
        if name == "env" {
            guard rest.hasPrefix("."), rest.count > 1 else {
                throw SyntaxError("$env needs a variable name: $env.NAME", at: location)
            }
            return .environment(String(rest.dropFirst()))
        }
        do {
            return .variable(name: name, path: try JSONPath.parse(rest))
        } catch {
            throw SyntaxError("invalid path in '$\(text)': \(error.message)", at: location)
        }
    }

    mutating func doubleQuoted() throws(SyntaxError) -> [WordPart] {
        let start = location
        advance()
        var parts: [WordPart] = []
        var literal = ""
        while true {
            guard let c = peek() else {
                throw .endedInside("\"", "unclosed double quote: expected '\"'", at: start)
            }
            if c == "\"" {
                advance()
                break
            }
            if c == "\\" {
                advance()
                guard let e = peek() else { throw .endedInside("\"", "unclosed double quote: expected '\"'", at: start) }
                switch e {
                case "n": literal.append("\n")
                case "r": literal.append("\r")
                case "t": literal.append("\t")
                case "\\": literal.append("\\")
                case "\"": literal.append("\"")
                case "$": literal.append("$")
                case "\n": break
                default:
                    literal.append("\\")
                    literal.append(e)
                }
                advance()
                continue
            }
            if c == "$", let ref = try variable() {
                if !literal.isEmpty {
                    parts.append(.literal(literal))
                    literal = ""
                }
                parts.append(ref)
                continue
            }
            literal.append(c)
            advance()
        }
        if !literal.isEmpty || parts.isEmpty { parts.append(.literal(literal)) }
        return parts
    }

    mutating func singleQuoted() throws(SyntaxError) -> String {
        let start = location
        advance()
        var out = ""
        while true {
            guard let c = peek() else { throw .endedInside("'", "unclosed single quote: expected \"'\"", at: start) }
            advance()
            if c == "'" { return out }
            out.append(c)
        }
    }

    /// A balanced `{…}` or `[…]`, respecting JSON strings.
    mutating func jsonLiteral() throws(SyntaxError) -> String {
        let start = location
        var depth = 0
        var out = ""
        var inString = false
        while let c = peek() {
            out.append(c)
            advance()
            if inString {
                if c == "\\", let n = peek() {
                    out.append(n)
                    advance()
                } else if c == "\"" {
                    inString = false
                }
                continue
            }
            switch c {
            case "\"": inString = true
            case "{", "[": depth += 1
            case "}", "]":
                depth -= 1
                if depth == 0 {
                    // Anything glued after the literal (`{…}x`) is part of the same word.
                    while let n = peek(), !Self.isWordEnd(n) {
                        out.append(n)
                        advance()
                    }
                    return out
                }
            default: break
            }
        }
        throw .endedInside(
            inString ? "\"" : String(out.prefix(1)),
            inString ? "unclosed string inside a JSON literal" : "unclosed JSON literal: expected '\(out.first == "{" ? "}" : "]")'",
            at: start
        )
    }
}

extension SyntaxError {
    /// The text ended inside `open` (a quote, a JSON literal's bracket): more lines could close it.
    static func endedInside(_ open: String, _ message: String, at location: SourceLocation) -> SyntaxError {
        var error = SyntaxError(message, at: location)
        error.openAtEnd = open
        return error
    }
}
