import AdmAPI

/// Word evaluation: what a word of a statement stands for.
extension Interpreter {
    /// A word's value: a variable's JSON as it is, a JSON literal parsed, quoted text as a
    /// string, other text typed (`5` → 5, `true` → true) when `typed`.
    func value(of word: Word, typed: Bool = false) throws(ShellError) -> JSON {
        if word.parts.count == 1 {
            switch word.parts[0] {
            case .variable(let name, let path): return try lookup(name, path, at: word.location)
            case .environment(let name): return try environment(name, at: word.location)
            case .json(let text):
                let filled = try interpolateJSON(text, at: word.location)
                do { return try JSON.parse(filled) } catch {
                    throw .usage("invalid JSON literal: \(error)", at: word.location)
                }
            case .quoted(let parts): return .string(try text(of: parts, at: word.location))
            case .singleQuoted(let s): return .string(s)
            case .literal(let s): return typed ? Self.typedLiteral(s) : .string(s)
            }
        }
        return .string(try text(of: word.parts, at: word.location))
    }

    /// A JSON literal with `$name.path` references (outside its strings) replaced by their
    /// values as JSON: `{"project_ids": [$p]}`.
    func interpolateJSON(_ text: String, at location: SourceLocation) throws(ShellError) -> String {
        guard text.contains("$") else { return text }
        let chars = Array(text)
        var out = ""
        var i = 0
        var inString = false
        while i < chars.count {
            let c = chars[i]
            if inString {
                out.append(c)
                if c == "\\", i + 1 < chars.count {
                    out.append(chars[i + 1])
                    i += 2
                    continue
                }
                if c == "\"" { inString = false }
                i += 1
                continue
            }
            if c == "\"" {
                inString = true
                out.append(c)
                i += 1
                continue
            }
            if c == "$", i + 1 < chars.count, chars[i + 1].isLetter || chars[i + 1] == "_" {
                var j = i + 1
                var ref = ""
                // A `]` belongs to the path only while one of its `[` is open: in `[$a[0], $b[1]]`
                // the last one closes the literal's array.
                var open = 0
                while j < chars.count,
                    chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "." || chars[j] == "[" || chars[j] == "]"
                        || chars[j] == "-"
                {
                    if chars[j] == "]" {
                        guard open > 0 else { break }
                        open -= 1
                    }
                    if chars[j] == "[" { open += 1 }
                    ref.append(chars[j])
                    j += 1
                }
                while ref.hasSuffix(".") {
                    ref.removeLast()
                    j -= 1
                }
                let name = String(ref.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" }))
                let path: JSONPath
                do { path = try JSONPath.parse(String(ref.dropFirst(name.count))) } catch {
                    throw .usage("invalid path in '$\(ref)' inside a JSON literal: \(error.message)", at: location)
                }
                out += (name == "env" ? try environment(String(ref.dropFirst(4)), at: location) : try lookup(name, path, at: location)).serialized()
                i = j
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    /// A word as text (variables stringified: strings as they are, other values as JSON).
    func text(of word: Word) throws(ShellError) -> String {
        try text(of: word.parts, at: word.location)
    }

    func text(of parts: [WordPart], at location: SourceLocation) throws(ShellError) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s), .singleQuoted(let s), .json(let s): out += s
            case .quoted(let inner): out += try text(of: inner, at: location)
            case .variable(let name, let path): out += Self.stringify(try lookup(name, path, at: location))
            case .environment(let name): out += Self.stringify(try environment(name, at: location))
            }
        }
        return out
    }

    static func stringify(_ v: JSON) -> String {
        if case .string(let s) = v { return s }
        return v.serialized()
    }

    /// `5` → 5, `2.5` → 2.5, `true`/`false`/`null`, anything else a string.
    static func typedLiteral(_ s: String) -> JSON {
        switch s {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            if let i = Int(s) { return .int(i) }
            if let d = Double(s), s.contains(".") { return .double(d) }
            return .string(s)
        }
    }

    func lookup(_ name: String, _ path: JSONPath, at location: SourceLocation) throws(ShellError) -> JSON {
        let base: JSON
        switch name {
        case "_":
            guard let last = session.last else { throw .usage("$_ is empty: no command has produced a value yet", at: location) }
            base = last
        case "status":
            base = session.lastResult.map { .int($0.status) } ?? .null
        case "project":
            base = session.activeProject.map(JSON.string) ?? .null
        case "key":
            base = session.activeKey.map(JSON.string) ?? .null
        default:
            guard let v = session.variables[name] else {
                let known = session.variables.keys.sorted()
                throw .usage(
                    "undefined variable $\(name)" + (known.isEmpty ? "" : " (defined: \(known.map { "$" + $0 }.joined(separator: ", ")))"),
                    at: location
                )
            }
            base = v
        }
        do {
            return try path.evaluate(base)
        } catch {
            throw .usage("$\(name)\(path.components.isEmpty ? "" : path.description): \(error.message)", at: location)
        }
    }

    func environment(_ name: String, at location: SourceLocation) throws(ShellError) -> JSON {
        guard let v = FileMode.environment(name) else {
            throw .usage("environment variable \(name) is not set", at: location)
        }
        if Redaction.keyShaped(in: v).count > 0 || v.hasPrefix("sk-") {
            throw .usage("$env.\(name) holds a key; add it with `key add NAME --env \(name)` so its value stays hidden", at: location)
        }
        return .string(v)
    }
}
