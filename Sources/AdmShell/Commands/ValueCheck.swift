import AdmAPI

/// Checks the values a statement gives against the kinds its command declares: each flag's
/// value, and each positional argument (after the subcommand, when one is named). The parser
/// runs it over literal words, so a script with `--limit 1e16` is refused before anything runs;
/// the interpreter runs it again when the statement runs, over words whose value comes from a
/// variable.
enum ValueCheck {
    /// A word to check, and where its declaration is.
    struct Item {
        let word: Word
        let kind: ValueKind
        /// `--limit`, `sleep DURATION`.
        let what: String
    }

    /// The words of `words` (a statement's arguments) that have a checked kind.
    static func items(_ words: [Word], spec: CommandSpec) -> [Item] {
        var items: [Item] = []
        var positional: [Word] = []
        var index = 0
        var flagsDone = false
        while index < words.count {
            let word = words[index]
            index += 1
            if !flagsDone, let text = word.literalText, text.hasPrefix("--"), text.count > 2 {
                let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                guard let flag = spec.flag(parts[0]), flag.takesValue else { continue }
                let value: Word?
                if parts.count == 2 {
                    value = Word(parts: [.literal(parts[1])], location: word.location, source: parts[1])
                } else {
                    value = index < words.count ? words[index] : nil
                    index += 1
                }
                if let value, flag.kind.isChecked { items.append(Item(word: value, kind: flag.kind, what: flag.name)) }
                continue
            }
            if !flagsDone, word.literalText == "--" {
                flagsDone = true
                continue
            }
            if Arguments.pair(word) == nil { positional.append(word) }
        }
        var declared = spec.arguments
        var name = spec.name
        if let first = positional.first?.literalText, let sub = spec.subcommand(first) {
            declared = sub.arguments
            name += " " + sub.name
            positional.removeFirst()
        }
        for (i, word) in positional.enumerated() {
            guard let argument = i < declared.count ? declared[i] : declared.last.flatMap({ $0.repeats ? $0 : nil }) else { break }
            if argument.kind.isChecked { items.append(Item(word: word, kind: argument.kind, what: "\(name) \(argument.name)")) }
        }
        return items
    }

    /// Checks the literal words of a statement (the parser's pass).
    static func checkLiterals(_ s: Statement, spec: CommandSpec) throws(SyntaxError) {
        for item in items(Array(s.arguments), spec: spec) {
            guard let text = item.word.literalText else { continue }
            if case .failure(let error) = item.kind.check(text, what: item.what) { throw SyntaxError(error.description, at: item.word.location) }
        }
    }
}

extension Invocation {
    /// The checked value of flag `name`, when given.
    func checkedFlag(_ name: String) throws(ShellError) -> ValueKind.Value? {
        guard let word = args.flagWord(name) else { return nil }
        let kind = spec.flag(name)?.kind ?? .text
        return try check(word, kind: kind, what: name)
    }

    /// A whole-number flag, checked against its declared range.
    func integer(_ name: String) throws(ShellError) -> Int? {
        guard case .integer(let n)? = try checkedFlag(name) else { return nil }
        return n
    }

    /// A duration flag in seconds, checked against its declared range.
    func seconds(_ name: String) throws(ShellError) -> Double? {
        guard case .seconds(let s)? = try checkedFlag(name) else { return nil }
        return s
    }

    /// Positional argument `index` as a checked value (its declared kind), when given.
    func checkedArgument(_ index: Int) throws(ShellError) -> ValueKind.Value? {
        guard let word = optionalArgument(index) else { return nil }
        let declared = declaredArguments
        let argument = index < declared.count ? declared[index] : declared.last
        return try check(word, kind: argument?.kind ?? .text, what: "\(spec.name) \(argument?.name ?? "argument")")
    }

    private func check(_ word: Word, kind: ValueKind, what: String) throws(ShellError) -> ValueKind.Value {
        let text = try resolve(word)
        switch kind.check(text, what: what) {
        case .success(let value): return value
        case .failure(let error): throw .usage(error.description, at: word.location)
        }
    }
}
