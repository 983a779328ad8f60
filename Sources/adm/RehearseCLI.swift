import AdmShell
import ArgumentParser

/// `adm rehearse SCRIPT …`: the shell's `rehearse` from the command line (see `RehearseCommand`).
struct RehearseCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rehearse",
        abstract: "Run a script on a twin of the organization first: each write's outcome, failed expectations, the differences.",
        discussion: """
            Nothing that changes the organization is sent to it: the twin is built from a snapshot (read now, or --snapshot FILE), \
            and each key the script uses stands in with the permissions probing observed. --apply --yes then runs the script on \
            the organization and compares what changed with the rehearsal. Exit status: the script's (0 passed, 1 an expectation \
            failed, …); with --apply, 1 when the organization changed otherwise than rehearsed.
            """
    )

    @ParentCommand var root: Adm

    @Argument(help: ArgumentHelp("The .adm script.", valueName: "script"))
    var script: String

    @Option(help: ArgumentHelp("Build the twin from this snapshot instead of reading the organization now.", valueName: "file"))
    var snapshot: String?

    @Flag(help: "Then run the script on the organization and compare with the rehearsal (needs --yes).")
    var apply = false

    @Flag(help: "Apply without asking.")
    var yes = false

    @Flag(help: "The plan as JSON.")
    var json = false

    func run() async throws {
        var words = ["rehearse", Words.quoted(script)]
        if let snapshot { words += ["--snapshot", Words.quoted(snapshot)] }
        if apply { words.append("--apply") }
        if yes { words.append("--yes") }
        if json { words.append("--json") }
        let status = await Adm.start(root.options.launchOptions, execute: [words.joined(separator: " ")])
        if status != 0 { throw ExitCode(status) }
    }
}
