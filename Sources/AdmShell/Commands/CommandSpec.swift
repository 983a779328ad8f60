import AdmAPI

/// What Tab offers for an argument or a flag's value.
enum Completion: Sendable {
    case none
    /// Live ids of a kind from the cache (`project`, `service_account`, `user`, `key`, …), and
    /// `none` where that is a choice.
    case ids(String, orNone: Bool = false)
    /// Live ids of a kind and the names (and emails) that resolve to them, quoted when they
    /// need it: for arguments that take a name as well as an id (`use project "Billing"`).
    case named(String, orNone: Bool = false)
    /// Session key names.
    case keyNames
    /// Fixed words.
    case choices([String])
    /// Command names.
    case commands
    /// Session key names and the commands that call the API (`scopes`).
    case keysOrCommands
    /// `GET`/`POST`/`DELETE`, operation ids, then catalog paths (`call`).
    case callTarget
}

/// A flag a command accepts.
struct FlagSpec: Sendable {
    let name: String
    let takesValue: Bool
    let help: String
    var completion: Completion = .none
    /// What its value must be (checked before the command runs).
    var kind: ValueKind = .text
    /// Flags it only works with (`--every` with `--follow`): given without them it would do
    /// nothing, so the statement is refused before it runs.
    var requires: [String] = []
    /// Flags it cannot go with (`--dry-run` and `--yes`): one would make the other do nothing.
    var excludes: [String] = []
    /// What its value is called in usage, when not by its kind or name (`--since DATE`).
    var valueName: String?

    init(_ name: String, value: Bool = false, _ help: String, completion: Completion = .none) {
        self.name = name
        self.takesValue = value
        self.help = help
        self.completion = completion
    }

    /// A flag whose value is of `kind` (a number in a range, a duration, a choice).
    init(_ name: String, _ kind: ValueKind, _ help: String, completion: Completion = .none) {
        self.init(name, value: true, help, completion: completion)
        self.kind = kind
    }

    /// This flag, working only with `flags`.
    func requiring(_ flags: String...) -> FlagSpec {
        var copy = self
        copy.requires = flags
        return copy
    }

    /// This flag, its value called `name` in usage.
    func named(_ name: String) -> FlagSpec {
        var copy = self
        copy.valueName = name
        return copy
    }

    /// This flag, refused beside `flags`.
    func excluding(_ flags: String...) -> FlagSpec {
        var copy = self
        copy.excludes = flags
        return copy
    }
}

/// A positional argument: its name in usage and error messages, and what completes it.
struct ArgumentSpec: Sendable {
    let name: String
    var optional = false
    /// Takes every remaining word (`retry-with KEY…`).
    var repeats = false
    var completion: Completion = .none
    /// What it must be (checked before the command runs).
    var kind: ValueKind = .text

    init(_ name: String, optional: Bool = false, repeats: Bool = false, completion: Completion = .none, kind: ValueKind = .text) {
        self.name = name
        self.optional = optional
        self.repeats = repeats
        self.completion = completion
        self.kind = kind
    }
}

/// How a command or subcommand runs.
typealias CommandAction = @Sendable (CommandContext, Invocation) async throws(ShellError) -> Outcome

/// A subcommand (`keys create NAME`): its arguments, the flags only it takes, and what it runs.
struct SubcommandSpec: Sendable {
    let name: String
    var aliases: [String] = []
    var arguments: [ArgumentSpec] = []
    /// Flags of this subcommand alone (`inventory people --departed`); the command's own flags
    /// go with every subcommand.
    var flags: [FlagSpec] = []
    /// The `k=v` fields shown in its usage (`[role=reader|owner]`).
    var fields: [String] = []
    let run: CommandAction

    init(
        _ name: String,
        aliases: [String] = [],
        _ arguments: [ArgumentSpec] = [],
        fields: [String] = [],
        flags: [FlagSpec] = [],
        run: @escaping CommandAction
    ) {
        self.name = name
        self.aliases = aliases
        self.arguments = arguments
        self.fields = fields
        self.flags = flags
        self.run = run
    }

    func answers(to word: String) -> Bool { word == name || aliases.contains(word) }
}

/// How `help` groups commands.
enum CommandGroup: String, Sendable, CaseIterable {
    case api = "Admin API"
    case organization = "Organization-wide"
    case reports = "Reports"
    case session = "Session"
    case diagnosis = "Diagnosis"
    case script = "Scripts and sharing"
    case sandbox = "Sandbox"
}

/// One shell command, declared once: its names, help, the operations it reaches, its flags,
/// its subcommands and their arguments, and what runs. The parser's checker, `help`, Tab
/// completion and "unknown subcommand … did you mean" all read this declaration.
struct CommandSpec: Sendable {
    let name: String
    var aliases: [String] = []
    let group: CommandGroup
    let summary: String
    /// The usage of a language form that arguments cannot describe (`let NAME = COMMAND`); nil
    /// for every other command, whose usage is made from its declaration (`UsageLine`).
    var grammar: String?
    /// The `k=v` fields shown in its usage (`name=NAME`, `[role=reader|owner]`).
    var fields: [String] = []
    var example = ""
    /// The operations it reaches (for `help` and `scopes COMMAND`).
    var endpoints: [Endpoint] = []
    var flags: [FlagSpec] = []
    /// The arguments when no subcommand is named.
    var arguments: [ArgumentSpec] = []
    var subcommands: [SubcommandSpec] = []
    var setsLastValue = true
    var recordsInTranscript = true
    /// Checks beyond flags and subcommands, before anything runs (`let`, `expect`, `use`).
    var checkSyntax: (@Sendable (Statement) throws(SyntaxError) -> Void)?
    /// What runs when no subcommand is named; nil when one must be.
    var run: CommandAction?

    /// The usage line, made from this declaration.
    var usage: String { UsageLine.of(self) }

    /// Whether `flag` is one of this command's (or its subcommands') and takes a value (`--limit 5`).
    func takesValue(_ flag: String) -> Bool { self.flag(flag)?.takesValue == true }
    /// Every flag name, the subcommands' included (completion, suggestions).
    var allFlags: [String] { (flags + subcommands.flatMap(\.flags)).map(\.name) }
    /// Whether `flag` goes with `subcommand` (or the command itself, when none is named).
    func accepts(flag: String, subcommand: SubcommandSpec? = nil) -> Bool {
        flags.contains { $0.name == flag } || (subcommand?.flags ?? []).contains { $0.name == flag }
    }
    /// The flag's declaration: the command's, or a subcommand's.
    func flag(_ name: String) -> FlagSpec? { flags.first { $0.name == name } ?? subcommands.lazy.flatMap(\.flags).first { $0.name == name } }
    /// The subcommands a flag belongs to (for "--departed goes with inventory people").
    func subcommands(taking flag: String) -> [SubcommandSpec] { subcommands.filter { $0.flags.contains { $0.name == flag } } }

    /// The subcommand a word names.
    func subcommand(_ word: String) -> SubcommandSpec? { subcommands.first { $0.answers(to: word) } }

    /// Names of the subcommands, for messages and completion.
    var subcommandNames: [String] { subcommands.map(\.name) }

    /// Whether a first word that names no subcommand is an error: the command has subcommands
    /// and nothing runs without one, or what runs takes no argument.
    var firstWordMustBeSubcommand: Bool { !subcommands.isEmpty && (run == nil || arguments.isEmpty) }

    /// The error for a first word that names no subcommand; the suggestion is the closest name,
    /// else the list of them (once: the message does not list them too).
    func unknownSubcommand(_ word: String) -> (message: String, suggestion: String) {
        let names = subcommandNames
        let suggestion =
            Suggest.closest(word, among: names).map { "did you mean \(name) \($0)?" } ?? "\(name) takes: \(names.joined(separator: ", "))"
        return ("\(name): unknown subcommand '\(word)'", suggestion)
    }
}

/// Flag sets shared by many commands.
enum Flags {
    static let output = [
        FlagSpec("--json", "print JSON"), FlagSpec("--raw", "print the exact response body"),
        FlagSpec("--quiet", "print nothing (the value still lands in $_)"),
        FlagSpec("--csv", "print CSV (RFC 4180: a header row, plain numbers, ISO 8601 times)"),
    ]
    static let key = [FlagSpec("--key", value: true, "use this session key for this call only", completion: .keyNames)]
    static let paging = [
        FlagSpec("--all", "follow every page (the largest the endpoint allows)"), FlagSpec("--limit", Ranges.pageSize, "items per page"),
        FlagSpec("--after", value: true, "start after this id").named("ID"),
    ]
    static let project = [
        FlagSpec("--project", value: true, "the project (default: the active one, `use project ID`)", completion: .named("project"))
    ]
    static let body = [FlagSpec("--body", value: true, "the JSON body, or @FILE to read it").named("JSON|@FILE")]
    static let concurrency = [FlagSpec("--concurrency", Ranges.concurrency, "calls in flight when an argument is a list (default 8)")]
    /// For jobs that change the organization: their plan run on a twin (`RehearseCommand`).
    static let rehearse = FlagSpec("--rehearse", "run the plan on a twin of the organization: each step's outcome, nothing changed")
        .excluding("--dry-run", "--yes")
    /// For commands that read the organization through this session's readings.
    static let fresh = FlagSpec("--fresh", "read again instead of answering from this session's recent readings")
    static let api = output + key + concurrency
}

/// Every command, by name and alias.
enum CommandTable {
    static let all: [CommandSpec] =
        APICommands.specs + OrganizationCommands.specs + ReportCommands.specs + SessionCommands.specs
        + ScriptCommands.specs + DiagnosisCommands.specs + SandboxCommands.specs + [CacheCommand.spec]

    /// The commands in groups, each built the first time a name is looked up in it: the
    /// language's own commands (`print`, `key`, `use`, `run` …) first, so a one-liner that only
    /// computes never builds the rest — the admin calls, jobs and reports, and the endpoint
    /// catalog behind them (about 0.3 ms of its start). Names are unique across the groups (a
    /// test holds them so). A group is searched in order, not hashed: a dictionary of names cost
    /// a one-liner's start more (its storage type made by name, hashing code paged in) than
    /// comparing a few dozen short names costs a statement.
    private static let core = SessionCommands.specs + ScriptCommands.specs
    private static let rest =
        APICommands.specs + OrganizationCommands.specs + ReportCommands.specs + DiagnosisCommands.specs + SandboxCommands.specs
        + [CacheCommand.spec]

    private static func find(_ name: String, in specs: [CommandSpec]) -> CommandSpec? {
        specs.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// The command `name` names. A word no command could be named (`1`, `[1, 2]`, `Hello`: names
    /// are lowercase letters, digits and dashes) is answered without building any group: `let n =
    /// 1` asks whether `1` is a command, and building the rest of the table for it cost a
    /// one-liner about 100 page faults.
    static func lookup(_ name: String) -> CommandSpec? {
        guard let first = name.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z"),
            name.utf8.allSatisfy({
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                    || $0 == UInt8(ascii: "-")
            })
        else { return nil }
        return find(name, in: core) ?? find(name, in: rest)
    }

    /// Names and aliases (for suggestions and completion).
    static var allNames: [String] { all.flatMap { [$0.name] + $0.aliases } }
}
