import AdmAPI

/// A statement's words sorted into positional arguments, `key=value` pairs and `--flags`.
struct Arguments {
    var positional: [Word] = []
    /// `key=value`: the key and the word holding just the value.
    var pairs: [(key: String, value: Word)] = []
    var flags: [String: Word?] = [:]
    var flagOrder: [String] = []

    /// Sorts `words`; `takesValue` says which flags take a value (`--limit 5` or `--limit=5`).
    init(_ words: ArraySlice<Word>, takesValue: (String) -> Bool) throws(ShellError) {
        var iterator = Array(words).makeIterator()
        var flagsDone = false
        while let w = iterator.next() {
            if !flagsDone, let text = w.literalText, text.hasPrefix("--"), text.count > 2 {
                let pieces = text.split(separator: "=", maxSplits: 1).map(String.init)
                let name = pieces[0]
                if takesValue(name) {
                    if pieces.count == 2 {
                        flags[name] = Word(parts: [.literal(pieces[1])], location: w.location, source: pieces[1])
                    } else {
                        guard let next = iterator.next() else {
                            throw .usage("\(name) needs a value", at: w.location)
                        }
                        flags[name] = next
                    }
                } else {
                    if pieces.count == 2 { throw .usage("\(name) takes no value", at: w.location) }
                    flags[name] = .some(nil)
                }
                flagOrder.append(name)
                continue
            }
            if !flagsDone, w.literalText == "--" {
                flagsDone = true
                continue
            }
            if let (key, value) = Self.pair(w) {
                pairs.append((key, value))
            } else {
                positional.append(w)
            }
        }
    }

    /// `name=value` split at the first `=` of its leading literal text.
    static func pair(_ w: Word) -> (String, Word)? {
        guard case .literal(let head)? = w.parts.first, let eq = head.firstIndex(of: "=") else { return nil }
        let key = String(head[..<eq])
        guard let first = key.first, first.isLetter || first == "_",
            key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "[" || $0 == "]" || $0 == "." })
        else { return nil }
        var parts = Array(w.parts.dropFirst())
        let rest = String(head[head.index(after: eq)...])
        if !rest.isEmpty { parts.insert(.literal(rest), at: 0) }
        let source = String(w.source.drop(while: { $0 != "=" }).dropFirst())
        return (key, Word(parts: parts.isEmpty ? [.literal("")] : parts, location: w.location, source: source))
    }

    func has(_ flag: String) -> Bool { flags[flag] != nil }

    func flagWord(_ flag: String) -> Word? { flags[flag] ?? nil }
}
