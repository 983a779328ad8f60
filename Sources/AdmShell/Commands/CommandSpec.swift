import AdmAPI

/// A flag a command accepts.
struct FlagSpec: Sendable {
    let name: String
    let takesValue: Bool
    let help: String
    init(_ name: String, value: Bool = false, _ help: String) {
        self.name = name
        self.takesValue = value
        self.help = help
    }
}

/// How `help` groups commands.
enum CommandGroup: String, Sendable, CaseIterable {
    case api = "Admin API"
    case session = "Session"
    case diagnosis = "Diagnosis"
    case script = "Scripts and sharing"
    case sandbox = "Sandbox"
}

/// One shell command, described as data: its names, help, the operations it reaches, its flags,
/// and the thin function that runs it. `help`, completion and the syntax checker read these.
struct CommandSpec: Sendable {
    let name: String
    var aliases: [String] = []
    let group: CommandGroup
    let summary: String
    let usage: String
    var example = ""
    /// Operation ids it reaches (for `help` and `scopes COMMAND`).
    var endpoints: [String] = []
    var flags: [FlagSpec] = []
    var subcommands: [String] = []
    var setsLastValue = true
    var recordsInTranscript = true
    var checkSyntax: (@Sendable (Statement) throws(SyntaxError) -> Void)?
    let run: @Sendable (Interpreter, Invocation) async throws(ShellError) -> JSON?

    var valuedFlags: Set<String> { Set(flags.filter(\.takesValue).map(\.name)) }
    var allFlags: [String] { flags.map(\.name) }
    func accepts(flag: String) -> Bool { flags.contains { $0.name == flag } }
}

/// Flag sets shared by many commands.
enum Flags {
    static let output = [FlagSpec("--json", "print JSON"), FlagSpec("--raw", "print the exact response body"),
                         FlagSpec("--quiet", "print nothing (the value still lands in $_)")]
    static let key = [FlagSpec("--key", value: true, "use this session key for this call only")]
    static let paging = [FlagSpec("--all", "follow every page"), FlagSpec("--limit", value: true, "items per page"),
                         FlagSpec("--after", value: true, "start after this id")]
    static let project = [FlagSpec("--project", value: true, "the project (default: the active one, `use project ID`)")]
    static let body = [FlagSpec("--body", value: true, "the JSON body, or @FILE to read it")]
    static let concurrency = [FlagSpec("--concurrency", value: true, "calls in flight when an argument is a list (default 8)")]
    static let api = output + key + concurrency
}

/// Every command, by name and alias.
enum CommandTable {
    static let all: [CommandSpec] = APICommands.specs + SessionCommands.specs + ScriptCommands.specs
        + DiagnosisCommands.specs + SandboxCommands.specs

    private static let byName: [String: CommandSpec] = {
        var out: [String: CommandSpec] = [:]
        for spec in all {
            out[spec.name] = spec
            for a in spec.aliases { out[a] = spec }
        }
        return out
    }()

    static func lookup(_ name: String) -> CommandSpec? { byName[name] }

    /// Names and aliases (for suggestions and completion).
    static var allNames: [String] { all.flatMap { [$0.name] + $0.aliases } }
}
