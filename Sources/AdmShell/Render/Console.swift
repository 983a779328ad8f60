import AdmAPI

/// The one way adm's text reaches the terminal or a pipe. Every line passes three steps, in
/// this order: key values the session holds are scrubbed (a bug that tried to print one would
/// print its redacted form), characters from outside that could drive a terminal are shown
/// escaped (`TerminalText.clean`), and adm's style markers become colour codes or vanish.
///
/// The one exception is `exact`: a body as received (`--raw`) or a CSV export going to a pipe
/// or a file, byte for byte; on a terminal it is cleaned like everything else.
public final class Console {
    /// Where standard output goes now: the terminal or pipe, or for one statement a file
    /// (`> FILE`) or the pager's buffer (see `divert`).
    public private(set) var sink: OutputSink
    public var style: Style
    /// The session's key values, for scrubbing (read at each write: keys come and go).
    let secrets: () -> [Secret]
    /// Whether standard output and standard error are terminals.
    public private(set) var outputIsTerminal: Bool
    let errorIsTerminal: Bool
    /// The progress line on standard error, if one is shown (it is cleared before other text).
    private var progressShown = false
    /// Told of long work's progress as it goes (calls done, calls in all when known, the line a
    /// terminal would show), whether or not a terminal shows it: `adm mcp` sends it on as MCP
    /// progress notifications.
    public var progressObserver: ((_ done: Int, _ total: Int?, _ line: String) -> Void)?

    public init(sink: OutputSink, style: Style, outputIsTerminal: Bool, errorIsTerminal: Bool, secrets: @escaping () -> [Secret]) {
        self.sink = sink
        self.style = style
        self.outputIsTerminal = outputIsTerminal
        self.errorIsTerminal = errorIsTerminal
        self.secrets = secrets
    }

    /// A console on standard output and standard error before any session exists (launch
    /// errors quote flags, the environment and files: outside text like any other).
    public static func standard() -> Console {
        Console(
            sink: StandardOutput(),
            style: Style.detect(),
            outputIsTerminal: StandardOutput.isTerminal(1),
            errorIsTerminal: StandardOutput.isTerminal(2),
            secrets: { [] }
        )
    }

    /// The terminal's width: lines of text said to a terminal wrap at word boundaries to it.
    public var wrapWidth = 80

    /// The finished form of `text`.
    func finish(_ text: String, wrapping: Bool = false) -> String {
        let clean = TerminalText.clean(Redaction.scrub(text, secrets: secrets()))
        return style.resolve(wrapping ? Wrap.lines(clean, width: wrapWidth) : clean)
    }

    /// A line on standard output (wrapped at word boundaries on a terminal; whole in a pipe).
    public func say(_ text: String) {
        clearProgress()
        sink.write(finish(text, wrapping: outputIsTerminal) + "\n")
    }

    /// A line on standard error (wrapped as `say` wraps).
    public func warn(_ text: String) {
        clearProgress()
        sink.writeError(finish(text, wrapping: errorIsTerminal) + "\n")
    }

    /// Text on standard output as it is (no line break added).
    public func write(_ text: String) {
        clearProgress()
        sink.write(finish(text))
    }

    /// Text that must arrive byte for byte when it goes to a pipe or a file (a body as
    /// received, a CSV export); on a terminal it is cleaned as usual. Key values are scrubbed
    /// either way.
    public func exact(_ text: String) {
        clearProgress()
        let scrubbed = Redaction.scrub(text, secrets: secrets())
        sink.write(outputIsTerminal ? TerminalText.clean(scrubbed) : scrubbed)
    }

    /// Shows `line` as the progress of long work, redrawn in place on standard error. Nothing
    /// when standard error is not a terminal: scripts and CI logs stay clean.
    public func progress(_ line: String) {
        guard errorIsTerminal else { return }
        // One row, whatever the width is now: a line that wrapped would leave its first rows
        // behind when redrawn after a resize.
        let fitted = DisplayWidth.truncate(line, to: max(10, TerminalSize.columns(of: 2) - 1))
        sink.writeError("\r\u{1B}[K" + finish(fitted))
        progressShown = true
    }

    /// Reports long work's progress to the observer, and shows `line` on a terminal.
    func progress(done: Int, total: Int?, line: String) {
        progressObserver?(done, total, finish(line))
        progress(line)
    }

    /// Clears the terminal (nothing when standard output is not one).
    public func clearScreen() {
        guard outputIsTerminal else { return }
        clearProgress()
        sink.write("\u{1B}[H\u{1B}[2J")
    }

    /// What each `divert` replaced, innermost last (`endDiversion` puts it back).
    private var replaced: [(sink: OutputSink, outputIsTerminal: Bool, style: Style)] = []

    /// Whether standard output is diverted now (to a file or the pager's buffer).
    public var isDiverted: Bool { !replaced.isEmpty }

    /// Sends standard output to `target` until `endDiversion`: a statement's `> FILE`
    /// (`terminal` false: no colours, no wrapping, tables unfitted) or the pager's buffer
    /// (`terminal` true). Standard error and progress lines go on as before: `target` forwards
    /// them.
    public func divert(to target: OutputSink, terminal: Bool) {
        clearProgress()
        replaced.append((sink, outputIsTerminal, style))
        sink = target
        outputIsTerminal = terminal
        if !terminal { style.enabled = false }
    }

    /// Undoes the last `divert`.
    public func endDiversion() {
        guard let before = replaced.popLast() else { return }
        sink = before.sink
        outputIsTerminal = before.outputIsTerminal
        style = before.style
    }

    /// Takes the session's settings (a changed configuration); while output is diverted they
    /// apply once the diversion ends.
    func follow(style: Style, outputIsTerminal: Bool, wrapWidth: Int) {
        self.wrapWidth = wrapWidth
        if replaced.isEmpty {
            self.style = style
            self.outputIsTerminal = outputIsTerminal
        } else {
            replaced[0].style = style
            replaced[0].outputIsTerminal = outputIsTerminal
        }
    }

    /// Writes `raw` as it is (not scrubbed: the one place a new secret is shown on purpose) when
    /// standard output is the terminal, ahead of any output held for the pager; never into a
    /// file or a pipe, a statement's `> FILE` included. Returns whether it was shown.
    func showOnTerminalOnly(_ raw: String) -> Bool {
        guard outputIsTerminal else { return false }
        clearProgress()
        (sink as? PagedOutput)?.release()
        sink.write(raw)
        return true
    }

    /// Output held for the pager is shown now (a prompt is about to ask something).
    public func releaseHeldOutput() {
        (sink as? PagedOutput)?.release()
    }

    /// Removes the progress line, if one is shown.
    public func clearProgress() {
        guard progressShown else { return }
        progressShown = false
        sink.writeError("\r\u{1B}[K")
    }
}
