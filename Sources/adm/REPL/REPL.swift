import AdmAPI
import AdmShell
@preconcurrency import CEditLine
import CInterrupt

/// The interactive loop: libedit prompt showing the active key and project, history that
/// keeps no key value (0600), Tab completion from the session and a background id cache,
/// Ctrl-C to cancel a command or clear the line, Ctrl-D to leave, `\` to continue a line.
enum REPL {
    static func run(_ launched: Launcher.Launched) async -> Int32 {
        let shell = launched.shell
        let box = ShellBox(shell)
        _ = adm_install_interrupt_handler()
        // Whatever ends the shell (a signal from another terminal included), the terminal
        // comes back as it was: echo and line editing.
        _ = adm_restore_terminal_on_signals()
        // A resize or `fg` at the prompt redraws the line being edited.
        _ = adm_install_redraw_handler()
        defer { adm_restore_terminal() }
        let historyPath = AdmPaths.stateDirectory + "/history"
        FileMode.makeDirectories(AdmPaths.stateDirectory)
        if !FileMode.exists(historyPath) {
            // History is a convenience: without it the shell works, and says so once.
            do { try FileMode.createPrivate(historyPath) } catch {
                shell.warn(shell.configuration.style.yellow("warning: ") + "history will not be kept (\(error.description))")
            }
        }
        FileMode.restrict(historyPath)
        LineEditor.setUp(historyPath: historyPath) { line, point in
            Completer.complete(line: line, cursor: point, shell: box.shell)
        }
        shell.historyProvider = LineEditor.entries
        // Prompts inside a command read Ctrl-C themselves (it cancels the prompt, not the command).
        let watcher = InterruptWatcher()
        // What a prompt asks about is on the screen before it asks (not held for the pager).
        shell.promptForSecret = { prompt in
            shell.console.releaseHeldOutput()
            return watcher.paused { LineEditor.readSecret(prompt: prompt) }
        }
        shell.confirm = { question in
            shell.console.releaseHeldOutput()
            return watcher.paused {
                if case .line(let answer) = LineEditor.read(prompt: question) {
                    return ["y", "yes"].contains(answer.trimmingCharacters(in: " \t").lowercased())
                }
                return false
            }
        }
        banner(launched)
        shell.refreshCompletionCache(every: 0)
        loop: while true {
            var line: String
            switch LineEditor.read(prompt: promptText(shell)) {
            case .endOfInput:
                StandardOutput().write("\n")
                break loop
            case .interrupted:
                StandardOutput().write("\n")
                continue loop
            case .line(let l):
                line = l
            }
            // A line ending in `\` goes on: the lines are joined as a script's are (the lexer
            // reads backslash-newline as a space), run as one statement, kept as one line. So
            // does a line that ends inside a quote or a JSON literal (a body pasted over lines);
            // the prompt shows what is open (`..." `), as psql's does.
            while let open = line.hasSuffix("\\") ? "" : Parser.openAtEnd(line) {
                switch LineEditor.read(prompt: "..." + open + " ") {
                case .line(let more): line += "\n" + more
                case .interrupted:
                    StandardOutput().write("\n")
                    continue loop
                case .endOfInput: break loop
                }
            }
            if line.trimmingCharacters(in: " \t").isEmpty { continue }
            // `edit`: the previous line in the editor; what is saved runs as if typed here.
            if let request = ExternalEditor.request(line, history: LineEditor.entries) {
                guard case .text(let original) = request else {
                    if case .failed(let why) = request { shell.warn("edit: " + why) }
                    continue loop
                }
                switch ExternalEditor.edit(original, in: AdmPaths.stateDirectory) {
                case .text(let text):
                    _ = adm_drain_interrupts()
                    shell.say(shell.configuration.style.dim(TerminalText.block(text)))
                    line = text
                case .failed(let why):
                    _ = adm_drain_interrupts()
                    shell.warn("edit: " + why)
                    continue loop
                }
            }
            LineEditor.addHistory(shell.historyLine(line.replacing("\\\n", with: " ").replacing("\n", with: " ")))
            LineEditor.appendHistory(historyPath)
            let text = line
            // The terminal may have been resized since the last line: tables and charts follow it.
            shell.configuration.width = TerminalSize.columns()
            // Keys typed while the command runs wait for the next prompt, undrawn.
            var terminal = termios()
            let holding = adm_hold_typeahead(&terminal) == 0
            let callsBefore = shell.session.calls.count
            let held = shell.holdOutputForPager()
            await watcher.run { await box.shell.runInteractive(text) }
            if holding { _ = adm_release_typeahead(&terminal) }
            // Output longer than the screen goes through the pager, which reads the terminal.
            shell.showHeldOutput(held)
            _ = adm_drain_interrupts()
            if shell.shouldExit { break }
            // After a change adm made (a project created, a user removed) the names are read
            // again at once; otherwise at most every 30 s.
            let wrote = shell.session.calls.dropFirst(callsBefore).contains { $0.call.method != .get }
            shell.refreshCompletionCache(every: wrote ? 0 : 30)
        }
        LineEditor.trimHistory(historyPath)
        await shell.stopBackgroundWork()
        await shell.client.transport.shutdown()
        await launched.sandbox?.stop()
        return shell.requestedExit ?? 0
    }

    /// `adm owner@proj_abc> `, coloured only on a terminal without NO_COLOR (the prompt's text
    /// is already escaped where it came from outside).
    static func promptText(_ shell: Interpreter) -> String {
        let plain = shell.prompt
        guard shell.configuration.style.enabled else { return plain }
        let key = TerminalText.inline(shell.session.activeKey ?? "no-key")
        let rest = String(plain.dropFirst(4 + key.count))
        // \u{1} … \u{2} tell libedit the escape sequences take no room.
        return "adm \u{1}\u{1B}[36m\u{2}\(key)\u{1}\u{1B}[0m\u{2}\(rest)"
    }

    static func banner(_ launched: Launcher.Launched) {
        let shell = launched.shell
        let style = shell.configuration.style
        var lines = [
            style.bold("adm \(AdmVersion.string)") + style.dim(" — the OpenAI Admin API shell. help lists commands; Tab completes; Ctrl-D leaves.")
        ]
        if let twin = launched.twin, let sandbox = launched.sandbox {
            let taken = twin.snapshot["taken_at"]?.stringValue.map { " (snapshot \($0))" } ?? ""
            lines.append(
                style.dim(
                    "a twin of \(sandbox.organizationID)\(taken) at \(sandbox.baseURL): nothing here reaches the organization; keys: \(shell.session.keyOrder.joined(separator: ", "))"
                )
            )
            if !twin.statements.isEmpty {
                lines.append(
                    style.dim("it reproduces: ") + TerminalText.inline(twin.statements.joined(separator: "; "))
                        + (twin.answer.map { style.dim(" → ") + TerminalText.inline($0) } ?? "")
                )
            }
        } else if let sandbox = launched.sandbox {
            lines.append(
                style.dim(
                    "built-in sandbox at \(sandbox.baseURL); keys: \(shell.session.keyOrder.joined(separator: ", ")); try: use key mgmt-read; create-sa name=bot"
                )
            )
        } else {
            lines.append(
                style.dim(
                    "API \(shell.client.baseURL); keys: \(shell.session.keyOrder.joined(separator: ", ").isEmpty ? "none (key add NAME --env VAR)" : shell.session.keyOrder.joined(separator: ", "))"
                )
            )
        }
        for l in lines { shell.say(l) }
    }
}
