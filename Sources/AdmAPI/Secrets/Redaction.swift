/// Redacting key values and finding anything key-shaped in text before it is shown or saved.
public enum Redaction {
    /// `sk-admin-…abcd` for admin keys, `sk-proj-…abcd`, `sk-svcacct-…abcd`; `…abcd` otherwise.
    /// Values shorter than 12 characters show no characters at all.
    public static func redact(_ value: String) -> String {
        let kinds = ["sk-admin-", "sk-proj-", "sk-svcacct-", "sk-"]
        let prefix = kinds.first(where: { value.hasPrefix($0) }) ?? ""
        guard value.count >= 12 else { return prefix + "…" }
        return prefix + "…" + String(value.suffix(4))
    }

    /// Characters a key body is made of.
    static func isKeyChar(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
    }

    /// A place where text holds something shaped like a secret.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public let offset: Int
        public let kind: String
        public var description: String { "\(kind) at character \(offset)" }
    }

    /// Finds `sk-` followed by 20 or more key characters, and `Bearer ` followed by a token that
    /// is not a `$VARIABLE` reference. Redacted forms (`sk-admin-…abcd`) do not match.
    public static func keyShaped(in text: String) -> [Finding] {
        let bytes = Array(text.utf8)
        var findings: [Finding] = []
        var i = 0
        while i + 3 <= bytes.count {
            if bytes[i] == UInt8(ascii: "s"), bytes[i + 1] == UInt8(ascii: "k"), bytes[i + 2] == UInt8(ascii: "-"),
                i == 0 || !isKeyChar(bytes[i - 1])
            {
                var j = i + 3
                while j < bytes.count, isKeyChar(bytes[j]) { j += 1 }
                if j - (i + 3) >= 20 {
                    findings.append(Finding(offset: i, kind: "an API key (sk-…)"))
                    i = j
                    continue
                }
            }
            if bytes[i] == UInt8(ascii: "B") || bytes[i] == UInt8(ascii: "b"),
                i + 7 <= bytes.count,
                String(decoding: bytes[i..<i + 7], as: UTF8.self).lowercased() == "bearer "
            {
                var j = i + 7
                while j < bytes.count, bytes[j] == UInt8(ascii: " ") { j += 1 }
                let start = j
                while j < bytes.count, isKeyChar(bytes[j]) || bytes[j] == UInt8(ascii: ".") { j += 1 }
                if j - start >= 8 {
                    findings.append(Finding(offset: i, kind: "a bearer token"))
                    i = j
                    continue
                }
            }
            i += 1
        }
        return findings
    }

    /// Replaces every occurrence of each secret's value in `text` with its redacted form, in each
    /// form a library may print it: as it is, escaped as in JSON or a Swift debug description,
    /// and percent-encoded.
    public static func scrub(_ text: String, secrets: [Secret]) -> String {
        // Fast path: key values start with "sk-"; text without it cannot hold one of them.
        if secrets.allSatisfy({ $0.unredacted.hasPrefix("sk-") }), text.firstRange(of: "sk-") == nil { return text }
        var out = text
        for secret in secrets where !secret.unredacted.isEmpty {
            for form in forms(of: secret.unredacted) where out.contains(form) {
                out = out.replacing(form, with: secret.redacted)
            }
        }
        return out
    }

    /// The ways a value may be written out: itself, escaped, percent-encoded (the longest first,
    /// so a form is replaced before a shorter one inside it).
    static func forms(of value: String) -> [String] {
        let escaped = value.escaping(["\\": "\\\\", "\"": "\\\"", "\n": "\\n", "\r": "\\r", "\t": "\\t"])
        var percent = ""
        for byte in value.utf8 {
            if isKeyChar(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~") {
                percent.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                percent += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        var all: [String] = []
        for form in [escaped, percent, value] where !all.contains(form) { all.append(form) }
        return all.sorted { $0.count > $1.count }
    }

    /// Whether `text` contains the value of any secret, or any 12-character slice of one.
    ///
    /// Every 12-byte slice of every secret goes into one set, and the text's own 12-byte windows
    /// are looked up in it: one pass over the text, however many keys the session holds.
    public static func leaks(_ text: String, secrets: [Secret]) -> Bool {
        let window = 12
        var slices = Set<ArraySlice<UInt8>>()
        for secret in secrets {
            let v = Array(secret.unredacted.utf8)
            guard v.count >= window else { continue }
            for start in 0...(v.count - window) { slices.insert(v[start..<start + window]) }
        }
        let hay = Array(text.utf8)
        guard !slices.isEmpty, hay.count >= window else { return false }
        for start in 0...(hay.count - window) where slices.contains(hay[start..<start + window]) { return true }
        return false
    }

    /// `text` with everything shaped like a key (see `keyShaped`) replaced by its redacted
    /// form: the last guard of a channel no key value may cross, whoever's key it is.
    public static func maskKeyShaped(_ text: String) -> String {
        guard text.firstRange(of: "sk-") != nil || text.lowercased().firstRange(of: "bearer ") != nil else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        for finding in keyShaped(in: text) {
            out += bytes[i..<finding.offset]
            var j = finding.offset
            if bytes[j] == UInt8(ascii: "s") {
                while j < bytes.count, isKeyChar(bytes[j]) { j += 1 }
                out += Array(redact(String(decoding: bytes[finding.offset..<j], as: UTF8.self)).utf8)
            } else {
                j += 7
                while j < bytes.count, bytes[j] == UInt8(ascii: " ") { j += 1 }
                out += bytes[finding.offset..<j] + Array("…".utf8)
                while j < bytes.count, isKeyChar(bytes[j]) || bytes[j] == UInt8(ascii: ".") { j += 1 }
            }
            i = j
        }
        out += bytes[i...]
        return String(decoding: out, as: UTF8.self)
    }
}
