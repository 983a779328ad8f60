/// A command's usage line, made from its declaration as swift-argument-parser's
/// `UsageGenerator` makes one, so it cannot drift from what the parser accepts: one form per
/// subcommand (`project create NAME`), the form without one when the command runs without one
/// (`project [ID]`), then the command's own flags. The flags every API command shares (output,
/// `--key`, `--concurrency`) are left to `help COMMAND`'s flag list.
///
/// An argument whose values are a few fixed words shows them (`owner|reader`); a flag's value
/// shows its choices (`--by day|project`), `N` for a number, `DURATION`, `FILE`, or its own name
/// (`--project PROJECT`). `k=v` fields a form takes are declared beside its arguments
/// (`CommandSpec.fields`, `SubcommandSpec.fields`). The language's own forms (`let`, `expect`,
/// `call`) declare their grammar instead.
enum UsageLine {
    /// The flags shown only in `help COMMAND`'s list: every API command has them.
    static let shared = Set((Flags.output + Flags.key + Flags.concurrency).map(\.name))

    static func of(_ spec: CommandSpec) -> String {
        if let grammar = spec.grammar { return grammar }
        var forms: [String] = []
        if spec.run != nil || spec.subcommands.isEmpty {
            forms.append(form([spec.name], spec.arguments, spec.fields, []))
        }
        for sub in spec.subcommands {
            forms.append(form([spec.name, sub.name], sub.arguments, sub.fields, sub.flags))
        }
        let flags = spec.flags.filter { !shared.contains($0.name) }.map(flag)
        return ([forms.joined(separator: " | ")] + flags).joined(separator: " ")
    }

    static func form(_ words: [String], _ arguments: [ArgumentSpec], _ fields: [String], _ flags: [FlagSpec]) -> String {
        (words + arguments.map(argument) + fields + flags.filter { !shared.contains($0.name) }.map(flag)).joined(separator: " ")
    }

    static func argument(_ a: ArgumentSpec) -> String {
        var text = a.name
        if case .choices(let words) = a.completion, fixedWords(words) { text = words.joined(separator: "|") }
        if a.repeats { text += " ..." }
        return a.optional ? "[\(text)]" : text
    }

    static func flag(_ f: FlagSpec) -> String {
        guard f.takesValue else { return "[\(f.name)]" }
        return "[\(f.name) \(valueName(f))]"
    }

    /// What a flag's value is called in usage.
    static func valueName(_ f: FlagSpec) -> String {
        if let name = f.valueName { return name }
        switch f.kind {
        case .integer: return "N"
        case .duration: return "DURATION"
        case .file: return "FILE"
        case .choice(let words): return words.joined(separator: "|")
        case .text:
            if case .choices(let words) = f.completion, fixedWords(words) { return words.joined(separator: "|") }
            return String(f.name.dropFirst(2)).uppercased().replacing("-", with: "_")
        }
    }

    /// Choices that are the only values (`owner`, `reader`), not examples (`5m`, `8/min`).
    static func fixedWords(_ words: [String]) -> Bool {
        !words.isEmpty && words.count <= 6 && words.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "-" || $0 == "_" } }
    }
}
