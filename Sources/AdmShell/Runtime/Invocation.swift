import AdmAPI

/// How a statement's value is shown.
enum OutputMode: Sendable {
    /// Tables and aligned fields (human output).
    case auto
    /// Pretty JSON.
    case json
    /// The body as received.
    case raw
    /// CSV (where a command has a table).
    case csv
    /// Nothing (the value still lands in `$_`).
    case quiet

    /// The flag that asks for each mode, in precedence order (`--raw` wins over `--json`).
    static let flags: [(flag: String, mode: OutputMode)] = [("--raw", .raw), ("--json", .json), ("--csv", .csv), ("--quiet", .quiet)]
}

/// One statement being run: its words sorted into arguments, the command and subcommand it
/// names, and how its value is shown. Built by the interpreter; commands read their arguments
/// through it, so a missing one is reported the same way everywhere.
final class Invocation {
    let statement: Statement
    let spec: CommandSpec
    let subcommand: SubcommandSpec?
    /// The arguments after the command (and its subcommand, when one is named).
    let args: Arguments
    let output: OutputMode
    /// A word's text, its variables read (the interpreter's `text(of:)`).
    let resolve: (Word) throws(ShellError) -> String

    init(
        statement: Statement,
        spec: CommandSpec,
        subcommand: SubcommandSpec?,
        args: Arguments,
        output: OutputMode,
        resolve: @escaping (Word) throws(ShellError) -> String = { w throws(ShellError) in w.literalText ?? w.source }
    ) {
        self.statement = statement
        self.spec = spec
        self.subcommand = subcommand
        self.args = args
        self.output = output
        self.resolve = resolve
    }

    var location: SourceLocation { statement.location }

    /// Whether the command shows its value as tables and fields itself (not JSON, raw, CSV or
    /// nothing; and not when a `| path` selection picks a part of it for the interpreter to show).
    var showsTables: Bool { output == .auto && statement.selection == nil }

    /// The declared arguments of what runs.
    var declaredArguments: [ArgumentSpec] { subcommand?.arguments ?? spec.arguments }

    /// Positional argument `index`, or the usage error naming it.
    func argument(_ index: Int) throws(ShellError) -> Word {
        guard index < args.positional.count else {
            let declared = declaredArguments
            let what = index < declared.count ? declared[index].name : "argument \(index + 1)"
            throw .usage("\(spec.name): missing \(what) — usage: \(spec.usage)", at: location)
        }
        return args.positional[index]
    }

    /// Positional argument `index` when given.
    func optionalArgument(_ index: Int) -> Word? {
        index < args.positional.count ? args.positional[index] : nil
    }
}
