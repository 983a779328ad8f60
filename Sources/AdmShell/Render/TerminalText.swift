/// Text made safe for a terminal. Anyone who can name a project, a service account or a role,
/// or whose email lands in an invite or an audit event, chooses bytes that adm prints; the
/// characters that could drive the terminal are shown escaped instead of sent: C0 controls
/// (`\e`, `\r`, …), DEL, C1 controls (U+0080–U+009F: `\u009b` is a one-byte CSI) and the
/// bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) that reverse what
/// follows them. kubectl escapes the same set since CVE-2021-25743 (kubernetes#112553).
///
/// The escapes are valid JSON escapes too (but `\e`), so `--json` output stays valid JSON.
public enum TerminalText {
    /// adm's own styles travel as these private-use characters until the last moment
    /// (`Console` turns them into colour codes, or drops them), so that text can be cleaned of
    /// every escape sequence without losing adm's own.
    static let markers: ClosedRange<UInt32> = 0xE000...0xE00F

    /// Cleans a whole text on its way out: everything that could drive the terminal escaped,
    /// line breaks and tabs kept (the layout is adm's), adm's style markers kept.
    public static func clean(_ text: String) -> String {
        escape(text) { scalar in
            switch scalar.value {
            case 0x0A, 0x09: return false
            case markers: return false
            default: return needsEscape(scalar)
            }
        }
    }

    /// Text from outside for one line of a layout (a table cell, a field, a prompt): line breaks,
    /// tabs and look-alikes of adm's style markers escaped as well.
    public static func inline(_ text: String) -> String {
        escape(text) { scalar in markers.contains(scalar.value) || needsEscape(scalar) }
    }

    /// Text from outside that may span lines (`print` of a string): like `clean`, but markers
    /// that did not come from adm are escaped.
    public static func block(_ text: String) -> String {
        escape(text) { scalar in
            if scalar.value == 0x0A || scalar.value == 0x09 { return false }
            return markers.contains(scalar.value) || needsEscape(scalar)
        }
    }

    /// Whether the scalar must not reach a terminal as it is.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    private static func escape(_ text: String, _ shouldEscape: (Unicode.Scalar) -> Bool) -> String {
        guard text.unicodeScalars.contains(where: shouldEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard shouldEscape(scalar) else {
                out.append(scalar)
                continue
            }
            let name: String
            switch scalar.value {
            case 0x1B: name = "\\e"
            case 0x0D: name = "\\r"
            case 0x0A: name = "\\n"
            case 0x09: name = "\\t"
            default: name = "\\u" + String(String(scalar.value, radix: 16).leftPadded(to: 4))
            }
            out.append(contentsOf: name.unicodeScalars)
        }
        return String(out)
    }
}
