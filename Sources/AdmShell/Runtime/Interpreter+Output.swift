import AdmAPI

/// Where a statement's output goes besides the terminal: a file (`> FILE`) or, at the prompt,
/// the pager.
extension Interpreter {
    /// Output held while a line typed at the prompt runs (see `holdOutputForPager`).
    public struct HeldOutput {
        let output: PagedOutput
    }

    /// Starts holding standard output for the pager, when paging is on and output is a
    /// terminal; `showHeldOutput` shows it once the line has run.
    public func holdOutputForPager() -> HeldOutput? {
        guard configuration.pager, console.outputIsTerminal, Pager.command() != nil else { return nil }
        let output = PagedOutput(target: console.sink)
        console.divert(to: output, terminal: true)
        return HeldOutput(output: output)
    }

    /// Shows what was held: through the pager when it is longer than the screen, else as it is.
    public func showHeldOutput(_ held: HeldOutput?) {
        guard let held else { return }
        console.endDiversion()
        let text = held.output.take()
        guard !text.isEmpty else { return }
        if let command = Pager.command(), Pager.isLonger(text, rows: TerminalSize.rows(), columns: configuration.width) {
            guard let trouble = Pager.show(text, through: command) else { return }
            console.sink.write(text)
            warn(style.yellow("warning: ") + trouble + " (ADM_PAGER names another; pager off stops paging)")
            return
        }
        console.sink.write(text)
    }

    /// `pager` answers: on or off, and what pages.
    var pagerDescription: String {
        guard configuration.pager else { return "pager off: long output scrolls" }
        guard let command = Pager.command() else { return "pager off: ADM_PAGER is empty" }
        return "pager on: output longer than the screen goes through '\(command)'"
    }

    /// Runs `statement` with its standard output in the file its `> FILE` names; a file that
    /// cannot be opened or written is an error naming it.
    func executeRedirected(_ statement: Statement, to redirection: Redirection) async throws(ShellError) {
        let path = try text(of: redirection.target)
        let file: OutputFile
        do {
            file = try OutputFile(path, mode: redirection.mode)
        } catch {
            throw .usage(error.description, at: redirection.target.location)
        }
        console.divert(to: FileSink(file, errors: console.sink), terminal: false)
        do {
            _ = try await perform(statement, showing: true)
        } catch {
            console.endDiversion()
            file.close()
            throw error
        }
        console.endDiversion()
        file.close()
        if let failure = file.failure { throw .usage(failure, at: redirection.target.location) }
    }
}
