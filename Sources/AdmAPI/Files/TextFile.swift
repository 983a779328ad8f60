/// Reading files that must be text (scripts, key files, the config file, cassettes, bodies):
/// a file that is not UTF-8, or holds a NUL byte, is refused by name, line and byte offset, and
/// none of its content is echoed (it could be anything, and it could drive the terminal).
///
/// Text is read as people have it: a UTF-8 byte-order mark is dropped and CRLF line ends (a file
/// saved on Windows) read as LF, so every reader sees lines, never a `\r` at their end.
public enum TextFile {
    /// The file's text. `kind` names what it should have been (`script`, `keys file`).
    public static func read(_ path: String, kind: String = "file") throws(FileError) -> String {
        try decode(try FileMode.readBytes(path), name: path, kind: kind)
    }

    /// Standard input's text (a piped script), refused like a file's.
    public static func readStandardInput(kind: String) throws(FileError) -> String {
        try decode(try FileMode.readStandardInput(), name: "<stdin>", kind: kind)
    }

    static func decode(_ bytes: [UInt8], name: String, kind: String) throws(FileError) -> String {
        if let offset = binaryOffset(bytes) {
            let line = bytes[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw FileError("\(name): not a text \(kind) (binary data at byte \(offset), line \(line))", notText: true)
        }
        let body = bytes.starts(with: byteOrderMark) ? bytes[3...] : bytes[...]
        return normalizingLineEnds(String(decoding: body, as: UTF8.self))
    }

    /// The UTF-8 byte-order mark some editors put first.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// `text` with CRLF (and a lone CR) line ends as LF. Swift reads `"\r\n"` as one
    /// `Character`, so this works on Unicode scalars.
    public static func normalizingLineEnds(_ text: String) -> String {
        guard text.utf8.contains(0x0D) else { return text }
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n", previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// Where `bytes` stop being text: a NUL, or the first byte of an invalid UTF-8 sequence.
    public static func binaryOffset(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0 { return i }
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i
            }
            guard i + length <= bytes.count else { return i }
            for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            // Overlong and out-of-range forms.
            if b == 0xE0, bytes[i + 1] < 0xA0 { return i }
            if b == 0xED, bytes[i + 1] > 0x9F { return i }
            if b == 0xF0, bytes[i + 1] < 0x90 { return i }
            if b == 0xF4, bytes[i + 1] > 0x8F { return i }
            i += length
        }
        return nil
    }
}
