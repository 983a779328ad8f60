import AdmAPI
import AdmHTTP
import AdmSandbox
import AdmShell
import ArgumentParser
import CInterrupt

#if canImport(Glibc)
import Glibc
#endif

/// The `adm` command: with no arguments an interactive shell; `-e 'LINE; LINE'` a one-liner;
/// statements on a non-terminal stdin a script; `adm run FILE.adm` scripts; `adm sandbox` the
/// emulator as a server.
struct Adm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adm",
        abstract: "An interactive, scriptable shell for the OpenAI Admin API.",
        discussion: """
            Start with `adm --sandbox` to try everything against the built-in emulator (no account, no network).
            The admin key comes from OPENAI_ADMIN_KEY (as the official SDKs do), --keys-file, or `key add`.
            Exit status of scripts: 0 passed, 1 an expectation failed, 2 malformed, 3 usage or connection error.
            """,
        version: AdmVersion.full,
        subcommands: [RunCommand.self, SandboxCommand.self, RehearseCLI.self, MCPCommand.self, DoctorCLI.self]
    )

    @OptionGroup var options: GlobalOptions

    @Option(
        name: [.customShort("e"), .customLong("execute")],
        help: ArgumentHelp("Run these statements (separated by ;) and exit; each further -e runs after the one before.", valueName: "statements")
    )
    var execute: [String] = []

    func run() async throws {
        let status = await Self.start(options.launchOptions, execute: execute.isEmpty ? nil : execute)
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs the shell, a one-liner (the statements of each `-e`, in order: each complete on its
    /// own, an error naming its `-e` by line) or a script from stdin; returns the exit status.
    static func start(_ options: LaunchOptions, execute: [String]?) async -> Int32 {
        let interactive = execute == nil && StandardOutput.isTerminal(0)
        if interactive { return await session(options, execute: nil, interactive: true) }
        // Nothing blocks a thread in a one-liner or a script: run on the client's event loop.
        return await withTaskExecutorPreference(EventLoopExecutor.client) {
            await session(options, execute: execute, interactive: false)
        }
    }

    private static func session(_ options: LaunchOptions, execute: [String]?, interactive: Bool) async -> Int32 {
        let launched: Launcher.Launched
        do {
            launched = try await Launcher.launch(options, interactive: interactive)
        } catch {
            Console.standard().warn("adm: error: \(error)")
            return 3
        }
        if let execute {
            await Scripts.runText(launched, pieces: execute, file: "-e")
        } else if interactive {
            return await REPL.run(launched)
        } else {
            let text: String
            do { text = try TextFile.readStandardInput(kind: "script") } catch {
                Console.standard().warn("adm: error: \(error)")
                await Scripts.close(launched)
                return error.notText ? 2 : 3
            }
            await Scripts.runText(launched, pieces: [text], file: "<stdin>")
        }
    }
}

/// Running statements non-interactively and finishing cleanly.
enum Scripts {
    /// Runs statements and ends the process with their exit status.
    static func runText(_ launched: Launcher.Launched, pieces: [String], file: String) async -> Never {
        // A one-liner's output on a terminal pages as the shell's does (`adm -e 'help call'`),
        // as git's and gh's do; in a pipe it is never held, nor a script's (it prints as it goes).
        let held = file == "-e" ? launched.shell.holdOutputForPager() : nil
        let outcome = await run(launched, pieces: pieces, file: file, keepGoing: false)
        launched.shell.showHeldOutput(held)
        await finish(launched)
        exit(outcome.exitStatus)
    }

    /// Runs a script so that Ctrl-C stops the statement running — what it finished is shown
    /// and said to be partial, and the script ends with 130 — instead of killing the process
    /// with nothing said (a second Ctrl-C still does).
    static func run(_ launched: Launcher.Launched, pieces: [String], file: String, keepGoing: Bool) async -> ScriptOutcome {
        _ = adm_install_interrupt_handler()
        let watcher = LentThreadExecutor.current.map(InterruptWatcher.init(on:)) ?? InterruptWatcher()
        let box = ShellBox(launched.shell)
        return await watcher.run(onEventLoop: { await ScriptRunner.run(box.shell, pieces: pieces, file: file, keepGoing: keepGoing) })
    }

    /// Ends a non-interactive run, just before the process exits. Everything acknowledged is
    /// already durable (the sandbox commits each write before answering; cassettes and reports
    /// are written as they go), so connections and threads are left to the exit: a graceful
    /// shutdown would only add milliseconds to every one-liner. The sandbox's database is
    /// closed when there is one.
    static func finish(_ launched: Launcher.Launched) async {
        launched.shell.client.scheduler.flush()
        if let sandbox = launched.sandbox, sandbox.hasDatabase { await sandbox.stop() }
    }

    /// Releases a session that is not the last one of the process (several `run` files).
    static func close(_ launched: Launcher.Launched) async {
        await launched.shell.stopBackgroundWork()
        await launched.shell.client.transport.shutdown()
        await launched.sandbox?.stop()
    }
}
