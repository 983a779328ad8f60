/// How many terminal cells text takes: East Asian wide and fullwidth characters and emoji
/// shown as emoji take 2, combining marks and format characters 0, adm's style markers 0,
/// everything else 1. Widths are per grapheme (`Character`), so truncation never cuts a
/// character in half.
enum DisplayWidth {
    /// The cells `text` takes.
    static func of(_ text: String) -> Int {
        var width = 0
        for c in text { width += of(c) }
        return width
    }

    /// The cells a character takes.
    static func of(_ c: Character) -> Int {
        if c.isASCII { return c == "\u{7F}" || (c.asciiValue ?? 32) < 32 ? 0 : 1 }
        let scalars = c.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if TerminalText.markers.contains(first.value) { return 0 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        if scalars.contains(where: { $0.value == 0xFE0F }) || first.properties.isEmojiPresentation { return 2 }
        return isWide(first.value) ? 2 : 1
    }

    /// `text` cut to at most `width` cells, with `…` where it was cut.
    static func truncate(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        guard width > 0 else { return "" }
        let chars = Array(text)
        var out = ""
        var used = 0
        var i = 0
        while i < chars.count {
            // An escape TerminalText wrote (`\e`, `\u202e`) stays whole or goes.
            let unit = escapeLength(chars, at: i)
            let piece = String(chars[i..<(i + unit)])
            let w = of(piece)
            if used + w > width - 1 { break }
            out += piece
            used += w
            i += unit
        }
        return out + "…"
    }

    /// How many characters from `i` belong together: 2 for `\e` `\r` `\n` `\t`, 6 for `\uXXXX`, else 1.
    static func escapeLength(_ chars: [Character], at i: Int) -> Int {
        guard chars[i] == "\\", i + 1 < chars.count else { return 1 }
        switch chars[i + 1] {
        case "e", "r", "n", "t": return 2
        case "u" where i + 5 < chars.count && chars[(i + 2)...(i + 5)].allSatisfy(\.isHexDigit): return 6
        default: return 1
        }
    }

    /// `text` as a column `width` cells wide that never runs into the next: padded, or, when it
    /// is wider, followed by two spaces.
    static func column(_ text: String, _ width: Int) -> String {
        of(text) + 2 > width ? text + "  " : pad(text, to: width)
    }

    /// `text` followed by spaces up to `width` cells.
    static func pad(_ text: String, to width: Int) -> String {
        let w = of(text)
        return w >= width ? text : text + String(repeating: " ", count: width - w)
    }

    /// East Asian Wide (W) and Fullwidth (F) ranges of Unicode 15 that are not emoji (the
    /// emoji ones are found by `isEmojiPresentation`).
    static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18AFF, 0x1B000...0x1B2FF,
        0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    static func isWide(_ value: UInt32) -> Bool {
        guard value >= 0x1100 else { return false }
        return wide.contains { $0.contains(value) }
    }
}
