extension JSON {
    /// JSON text: compact by default, or indented by two spaces per level.
    public func serialized(pretty: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out, pretty: pretty, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Compact JSON as UTF-8 bytes (for HTTP bodies).
    public func bytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(into: &out, pretty: false, indent: 0)
        return out
    }

    /// Appends this value's JSON text to `out`.
    public func write(into out: inout [UInt8], pretty: Bool = false, indent: Int = 0) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): JSON.writeInteger(i, into: &out)
        case .double(let d): out.append(contentsOf: JSON.format(d).utf8)
        case .string(let s): JSON.writeString(s, into: &out)
        case .array(let items):
            JSON.writeContainer(items, open: "[", close: "]", into: &out, pretty: pretty, indent: indent) { item, out in
                item.write(into: &out, pretty: pretty, indent: indent + 1)
            }
        case .object(let members):
            JSON.writeContainer(members, open: "{", close: "}", into: &out, pretty: pretty, indent: indent) { member, out in
                JSON.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                member.value.write(into: &out, pretty: pretty, indent: indent + 1)
            }
        }
    }

    /// `open`, the elements as `element` writes them, separated by commas (pretty: one to a
    /// line, indented a level deeper), then `close`; `[]` or `{}` when there are none.
    @inline(__always)
    static func writeContainer<Element>(
        _ elements: [Element],
        open: Unicode.Scalar,
        close: Unicode.Scalar,
        into out: inout [UInt8],
        pretty: Bool,
        indent: Int,
        element: (Element, inout [UInt8]) -> Void
    ) {
        out.append(UInt8(ascii: open))
        if elements.isEmpty {
            out.append(UInt8(ascii: close))
            return
        }
        for n in elements.indices {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            if pretty { newline(&out, indent + 1) }
            element(elements[n], &out)
        }
        if pretty { newline(&out, indent) }
        out.append(UInt8(ascii: close))
    }

    /// Appends the decimal digits of `i` with no intermediate `String`.
    static func writeInteger(_ i: Int, into out: inout [UInt8]) {
        if i < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = i.magnitude
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        out[start...].reverse()
    }

    private static func newline(_ out: inout [UInt8], _ level: Int) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
    }

    /// A double as JSON accepts it: integral values without a fraction, never `nan` or `inf`.
    static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d.rounded() == d, abs(d) < 1e15 { return String(Int(d)) }
        return String(d)
    }

    /// Appends `s` as a quoted JSON string with the required escapes. Runs of bytes that need
    /// none (almost all of an id or a name) are copied whole from the string's UTF-8 buffer:
    /// this is on the sandbox's hot path, once per string of every response.
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var runStart = 0
            for i in bytes.indices {
                let b = bytes[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                appendEscape(b, into: &out)
                runStart = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ b: UInt8, into out: inout [UInt8]) {
        switch b {
        case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
        case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
        case 0x0A: out.append(contentsOf: "\\n".utf8)
        case 0x0D: out.append(contentsOf: "\\r".utf8)
        case 0x09: out.append(contentsOf: "\\t".utf8)
        default:
            let hex = String(b, radix: 16)
            out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
        }
    }
}
