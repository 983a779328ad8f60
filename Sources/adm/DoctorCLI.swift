import AdmShell
import ArgumentParser

/// `adm doctor`: the shell's `doctor` from the command line (see `Doctor`).
struct DoctorCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check what adm uses: the key and whether the API takes it, its access, TLS, the clock, folders, the terminal.",
        discussion: "Exit status: 0 when all is well, 1 naming each problem, 3 when adm cannot start."
    )

    @ParentCommand var root: Adm

    @Flag(help: "The checks as JSON.")
    var json = false

    func run() async throws {
        let status = await Adm.start(root.options.launchOptions, execute: [json ? "doctor --json" : "doctor"])
        if status != 0 { throw ExitCode(status) }
    }
}
