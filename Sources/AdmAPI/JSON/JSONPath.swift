/// A path into a JSON value: `.data[0].id`, `.api_key.value`, `.data[].id` (every element).
///
/// Used for variable access (`$sa.api_key.id`), output selection (`projects | .data[].id`) and
/// `expect PATH == VALUE`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// One step of a path.
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
        /// `[]`: apply the rest of the path to every element and collect the results.
        case each
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    /// Why a path text could not be read, and at which character.
    public struct ParseError: Error, Sendable, Equatable {
        public let message: String
        public let offset: Int
    }

    /// Parses `.a.b[0]`, `a.b`, `["key with space"]`, `[]`, `[-1]`.
    public static func parse(_ text: String) throws(ParseError) -> JSONPath {
        let chars = Array(text)
        var i = 0
        var components: [Component] = []
        func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "-" || c == "$" }
        if i < chars.count, chars[i] != ".", chars[i] != "[" {
            // A leading bare name is allowed: `data[0]`.
            var name = ""
            while i < chars.count, isNameChar(chars[i]) {
                name.append(chars[i])
                i += 1
            }
            if name.isEmpty { throw ParseError(message: "expected a field name", offset: i) }
            components.append(.key(name))
        }
        while i < chars.count {
            let c = chars[i]
            if c == "." {
                i += 1
                var name = ""
                if i < chars.count, chars[i] == "\"" {
                    i += 1
                    while i < chars.count, chars[i] != "\"" {
                        name.append(chars[i])
                        i += 1
                    }
                    guard i < chars.count else { throw ParseError(message: "unclosed quoted field name", offset: i) }
                    i += 1
                } else {
                    while i < chars.count, isNameChar(chars[i]) {
                        name.append(chars[i])
                        i += 1
                    }
                }
                if name.isEmpty {
                    if i == chars.count && components.isEmpty { break }  // "." alone is the whole value
                    throw ParseError(message: "expected a field name after '.'", offset: i)
                }
                components.append(.key(name))
            } else if c == "[" {
                i += 1
                if i < chars.count, chars[i] == "]" {
                    components.append(.each)
                    i += 1
                    continue
                }
                if i < chars.count, chars[i] == "\"" {
                    i += 1
                    var name = ""
                    while i < chars.count, chars[i] != "\"" {
                        name.append(chars[i])
                        i += 1
                    }
                    guard i + 1 < chars.count, chars[i + 1] == "]" else {
                        throw ParseError(message: "expected '\"]' to close a quoted key", offset: i)
                    }
                    i += 2
                    components.append(.key(name))
                    continue
                }
                var digits = ""
                if i < chars.count, chars[i] == "-" {
                    digits.append("-")
                    i += 1
                }
                while i < chars.count, chars[i].isASCII, chars[i].isNumber {
                    digits.append(chars[i])
                    i += 1
                }
                guard let n = Int(digits) else { throw ParseError(message: "expected an index inside [ ]", offset: i) }
                guard i < chars.count, chars[i] == "]" else { throw ParseError(message: "expected ']'", offset: i) }
                i += 1
                components.append(.index(n))
            } else {
                throw ParseError(message: "unexpected '\(c)' in a path", offset: i)
            }
        }
        return JSONPath(components)
    }

    /// Why a path does not lead anywhere in a given value.
    public struct LookupError: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }

    /// The value the path leads to.
    public func evaluate(_ value: JSON) throws(LookupError) -> JSON {
        try Self.evaluate(components[...], in: value, walked: "")
    }

    /// The value the path leads to, or nil when a step is missing.
    public func lookup(_ value: JSON) -> JSON? { try? evaluate(value) }

    private static func evaluate(_ rest: ArraySlice<Component>, in value: JSON, walked: String) throws(LookupError) -> JSON {
        guard let first = rest.first else { return value }
        let tail = rest.dropFirst()
        switch first {
        case .key(let k):
            guard case .object = value else {
                throw LookupError(message: "\(walked.isEmpty ? "the value" : walked) is \(value.typeName), not an object, so it has no field '\(k)'")
            }
            guard let next = value[k] else {
                let known = value.keys.prefix(8).joined(separator: ", ")
                throw LookupError(message: "no field '\(k)' in \(walked.isEmpty ? "the value" : walked) (fields: \(known))")
            }
            return try evaluate(tail, in: next, walked: walked + "." + k)
        case .index(let n):
            guard case .array(let items) = value else {
                throw LookupError(message: "\(walked.isEmpty ? "the value" : walked) is \(value.typeName), not an array, so it has no [\(n)]")
            }
            guard let next = value[n] else {
                throw LookupError(
                    message:
                        "index [\(n)] is out of range: \(walked.isEmpty ? "the array" : walked) has \(items.count) element\(items.count == 1 ? "" : "s")"
                )
            }
            return try evaluate(tail, in: next, walked: walked + "[\(n)]")
        case .each:
            guard case .array(let items) = value else {
                throw LookupError(message: "\(walked.isEmpty ? "the value" : walked) is \(value.typeName), not an array, so [] cannot iterate it")
            }
            var out: [JSON] = []
            out.reserveCapacity(items.count)
            for (n, item) in items.enumerated() {
                out.append(try evaluate(tail, in: item, walked: walked + "[\(n)]"))
            }
            return .array(out)
        }
    }

    public var description: String {
        var s = ""
        for c in components {
            switch c {
            case .key(let k): s += "." + k
            case .index(let n): s += "[\(n)]"
            case .each: s += "[]"
            }
        }
        return s.isEmpty ? "." : s
    }
}
