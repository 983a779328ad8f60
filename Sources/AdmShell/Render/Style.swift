import AdmAPI

/// Emphasis and colour. Styled text carries private-use markers (see `TerminalText.markers`)
/// that `Console` turns into escape codes when colour is on — only on a terminal, never with
/// NO_COLOR or TERM=dumb — and drops otherwise. So text can be cleaned of every escape
/// sequence from outside without losing adm's own.
public struct Style: Sendable {
    public var enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    /// On when stdout is a terminal, NO_COLOR is unset and TERM is not `dumb`.
    public static func detect() -> Style {
        let noColor = FileMode.environment("NO_COLOR").map { !$0.isEmpty } ?? false
        let dumb = FileMode.environment("TERM") == "dumb"
        return Style(enabled: StandardOutput.isTerminal(1) && !noColor && !dumb)
    }

    /// The markers and the SGR codes they stand for (the first one ends any style).
    static let codes: [(marker: Character, sgr: String)] = [
        ("\u{E000}", "0"), ("\u{E001}", "1"), ("\u{E002}", "2"), ("\u{E003}", "31"), ("\u{E004}", "32"), ("\u{E005}", "33"), ("\u{E006}", "36"),
    ]

    func wrap(_ index: Int, _ s: String) -> String { String(Self.codes[index].marker) + s + String(Self.codes[0].marker) }
    public func bold(_ s: String) -> String { wrap(1, s) }
    public func dim(_ s: String) -> String { wrap(2, s) }
    public func red(_ s: String) -> String { wrap(3, s) }
    public func green(_ s: String) -> String { wrap(4, s) }
    public func yellow(_ s: String) -> String { wrap(5, s) }
    public func cyan(_ s: String) -> String { wrap(6, s) }

    /// `text` with its markers as escape codes (colour on) or removed (colour off).
    public func resolve(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { TerminalText.markers.contains($0.value) }) else { return text }
        var out = ""
        for c in text {
            if let code = Self.codes.first(where: { $0.marker == c }) {
                if enabled { out += "\u{1B}[\(code.sgr)m" }
            } else if let scalar = c.unicodeScalars.first, c.unicodeScalars.count == 1, TerminalText.markers.contains(scalar.value) {
                continue
            } else {
                out.append(c)
            }
        }
        return out
    }
}
