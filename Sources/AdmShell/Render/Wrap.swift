/// Long lines of text broken at word boundaries to the terminal's width, each continuation
/// indented under the first line's text (a hanging indent: its leading spaces and a label such
/// as `error: ` or `missing  `, up to half the width). Lines that fit, table rows among them,
/// are left as they are; a word longer than the width is not cut. Style markers take no room.
enum Wrap {
    static func lines(_ text: String, width: Int) -> String {
        guard width >= 20, text.unicodeScalars.count > width else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { wrap(String($0), width: width) }.joined(separator: "\n")
    }

    static func wrap(_ line: String, width: Int) -> String {
        guard cells(line) > width else { return line }
        let lead = String(line.prefix { $0 == " " })
        let indent = String(repeating: " ", count: min(width / 2, hangingIndent(line)))
        var out: [String] = []
        var current = lead
        for word in line.dropFirst(lead.count).split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current == lead ? current + word : current + " " + word
            if cells(candidate) <= width || current == lead || current == indent {
                current = candidate
            } else {
                out.append(current)
                current = indent + word
            }
        }
        out.append(current)
        return out.joined(separator: "\n")
    }

    /// The widest label a continuation hangs under (cells).
    static let longestLabel = 24

    /// Where the text of the first line starts: its spaces, then a label — a styled word at the
    /// start (`error: `, `missing  `), or text ending in `: ` or two spaces early in the line.
    static func hangingIndent(_ line: String) -> Int {
        let scalars = Array(line.unicodeScalars)
        var i = 0
        while i < scalars.count, scalars[i] == " " { i += 1 }
        let lead = i
        // A styled label; a line styled whole (a dim note) is no label, and its continuations
        // do not hang under half the width.
        if i < scalars.count, TerminalText.markers.contains(scalars[i].value),
            let end = scalars[(i + 1)...].firstIndex(where: { TerminalText.markers.contains($0.value) })
        {
            var j = end + 1
            while j < scalars.count, scalars[j] == " " { j += 1 }
            let label = cells(String(String.UnicodeScalarView(scalars[lead..<j])))
            if label <= Self.longestLabel { return label + lead }
        }
        let text = String(String.UnicodeScalarView(scalars[lead...].filter { !TerminalText.markers.contains($0.value) }))
        for separator in [": ", "  "] {
            if let range = text.firstRange(of: separator), text.distance(from: text.startIndex, to: range.lowerBound) <= Self.longestLabel {
                var end = text.distance(from: text.startIndex, to: range.upperBound)
                for c in text.dropFirst(end) {
                    guard c == " " else { break }
                    end += 1
                }
                return lead + end
            }
        }
        return lead + 2
    }

    /// Display cells, style markers counted as none.
    static func cells(_ text: String) -> Int {
        DisplayWidth.of(String(String.UnicodeScalarView(text.unicodeScalars.filter { !TerminalText.markers.contains($0.value) })))
    }
}
