import AdmAPI
import AdmSandbox
import AdmShell
import ArgumentParser

/// The `adm` command: with no arguments an interactive shell; `-e 'LINE; LINE'` a one-liner;
/// statements on a non-terminal stdin a script; `adm run FILE.adm` scripts; `adm sandbox` the
/// emulator as a server.
@main
struct Adm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adm",
        abstract: "An interactive, scriptable shell for the OpenAI Admin API.",
        discussion: """
        Start with `adm --sandbox` to try everything against the built-in emulator (no account, no network).
        The admin key comes from OPENAI_ADMIN_KEY (as the official SDKs do), --keys-file, or `key add`.
        Exit status of scripts: 0 passed, 1 an expectation failed, 2 malformed, 3 usage or connection error.
        """,
        version: AdmVersion.string,
        subcommands: [RunCommand.self, SandboxCommand.self])

    @OptionGroup var options: GlobalOptions

    @Option(name: [.customShort("e"), .customLong("execute")], help: ArgumentHelp("Run these statements (separated by ;) and exit.", valueName: "statements"))
    var execute: String?

    func run() async throws {
        let interactive = execute == nil && StandardOutput.isTerminal(0)
        let launched: Launcher.Launched
        do {
            launched = try await Launcher.launch(options, interactive: interactive)
        } catch {
            StandardOutput().writeError("adm: error: \(error)\n")
            throw ExitCode(3)
        }
        let status: Int32
        if let execute {
            status = await Scripts.runText(launched, text: execute, file: "-e")
        } else if interactive {
            status = await REPL.run(launched)
        } else {
            var text = ""
            while let line = readLine(strippingNewline: false) { text += line }
            status = await Scripts.runText(launched, text: text, file: "<stdin>")
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// Running statements non-interactively and finishing cleanly.
enum Scripts {
    static func runText(_ launched: Launcher.Launched, text: String, file: String) async -> Int32 {
        let outcome = await ScriptRunner.run(launched.shell, text: text, file: file)
        await finish(launched)
        return outcome.exitStatus
    }

    static func finish(_ launched: Launcher.Launched) async {
        await launched.shell.client.transport.shutdown()
        await launched.sandbox?.stop()
    }
}
