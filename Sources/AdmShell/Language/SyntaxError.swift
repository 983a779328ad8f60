/// A malformed line or script: where (file:line:col), why, and what to do about it. Renders
/// with the offending line and a caret under the column.
public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation
    public var file: String?
    /// The text of the offending line, for the caret display.
    public var lineText: String?
    /// A hint such as `did you mean create-sa?`.
    public var suggestion: String?
    /// What the text ended inside — `"`, `'`, or the `{` or `[` of a JSON literal — when more
    /// lines could complete it (the REPL reads them at a `..." ` prompt, as psql does).
    public var openAtEnd: String?

    public init(_ message: String, at location: SourceLocation, suggestion: String? = nil) {
        self.message = message
        self.location = location
        self.suggestion = suggestion
    }

    /// `file:line:col: error: message`.
    public var headline: String {
        let place = (file.map { "\($0):" } ?? "") + "\(location.line):\(location.column)"
        return "\(place): error: \(message)"
    }

    /// The same for a line typed at the prompt: no `1:1:` (the place is the line just typed),
    /// the caret under the column when it is not the first, and the suggestion.
    public var atPrompt: String {
        var out = "error: \(message)"
        if location.column > 1, let lineText, location.line == 1 {
            out += "\n  " + lineText + "\n  " + String(repeating: " ", count: max(0, location.column - 1)) + "^"
        } else if location.line > 1 {
            out = "line \(location.line): " + out
        }
        if let suggestion { out += "\n" + suggestion }
        return out
    }

    /// The headline, the line, a caret under the column, and the suggestion.
    public var description: String {
        var out = headline
        if let lineText {
            let gutter = String(location.line)
            out += "\n " + gutter + " | " + lineText
            let pad = String(repeating: " ", count: max(0, location.column - 1))
            out += "\n " + String(repeating: " ", count: gutter.count) + " | " + pad + "^"
        }
        if let suggestion { out += "\n" + suggestion }
        return out
    }
}
