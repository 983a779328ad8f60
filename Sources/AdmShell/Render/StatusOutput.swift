import AdmAPI

/// The console without standard output: standard error, the progress line, and the one
/// terminal-only line a new secret is shown on. The call service (`CallRunner`) and long work
/// (`BulkProgress`) say how their work goes through it and return their data; what a statement
/// shows on standard output is the interpreter's and the renderer's to write.
struct StatusOutput {
    private let console: Console

    init(_ console: Console) { self.console = console }

    var style: Style { console.style }

    /// A line on standard error.
    func warn(_ text: String) { console.warn(text) }

    /// A progress line, redrawn in place on a terminal's standard error (nothing elsewhere).
    func progress(_ line: String) { console.progress(line) }

    /// Long work's progress: to the observer (the MCP server's notifications), and on a terminal.
    func progress(done: Int, total: Int?, line: String) { console.progress(done: done, total: total, line: line) }

    /// Removes the progress line, if one is shown.
    func clearProgress() { console.clearProgress() }

    /// Shows a new secret once, on the terminal only (see `Console.showOnTerminalOnly`).
    func showOnTerminalOnly(_ raw: String) -> Bool { console.showOnTerminalOnly(raw) }
}
