/// Reading files that must be text (scripts, key files, the config file, cassettes, bodies):
/// a file that is not UTF-8, or holds a NUL byte, is refused by name and byte offset, and none
/// of its content is echoed (it could be anything, and it could drive the terminal).
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
            throw FileError("\(name): not a text \(kind) (binary data at byte \(offset))", notText: true)
        }
        return String(decoding: bytes, as: UTF8.self)
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
