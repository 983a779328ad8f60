import AdmAPI

/// Standard output of one statement sent to a file (`> FILE`); standard error goes on to the
/// terminal or pipe it went to.
final class FileSink: OutputSink {
    let file: OutputFile
    let errors: OutputSink

    init(_ file: OutputFile, errors: OutputSink) {
        self.file = file
        self.errors = errors
    }

    func write(_ text: String) { file.write(text) }
    func writeError(_ text: String) { errors.writeError(text) }
    var writeFailure: String? { file.failure }
}

/// Standard output of one statement at the prompt, held until it ends so that output longer
/// than the screen can go through the pager (see `Pager`), as psql holds a result. Standard
/// error is not held. `release` shows what is held and stops holding: before a question is
/// asked, what it is about must be on the screen.
public final class PagedOutput: OutputSink {
    let target: OutputSink
    public private(set) var held = ""
    public private(set) var holding = true

    init(target: OutputSink) { self.target = target }

    public func write(_ text: String) {
        if holding { held += text } else { target.write(text) }
    }
    public func writeError(_ text: String) { target.writeError(text) }
    public var writeFailure: String? { target.writeFailure }

    /// Shows what is held, and holds nothing more.
    public func release() {
        guard holding else { return }
        holding = false
        if !held.isEmpty { target.write(held) }
        held = ""
    }

    /// Ends holding, handing over what is held (the caller shows it).
    func take() -> String {
        holding = false
        defer { held = "" }
        return held
    }
}
