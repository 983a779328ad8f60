import AdmAPI

/// What a command produced. Its value becomes `$_` (and the right side of `let`, and what a
/// `| path` selection reads); `printed` says the command already showed it (a listing streamed
/// page by page, a comparison table), so the interpreter does not render it again; `calls` are
/// the API results it stands on, the last of which `expect status`, `$status` and `--raw`
/// read. A call that failed is thrown (`ShellError.api`) — but for bulk work that showed what
/// it could first (a fan-out with failed calls, pages read before a refusal): it keeps its value
/// and names the call that failed in `failure`, which the interpreter throws once `$_` is set.
struct Outcome {
    var value: JSON?
    var printed = false
    var calls: [CallResult] = []
    /// A call that failed after the value was made (thrown once the value is kept and shown).
    var failure: CallResult?

    init(value: JSON?, printed: Bool = false, calls: [CallResult] = []) {
        self.value = value
        self.printed = printed
        self.calls = calls
    }

    /// Nothing to show or keep (`use`, `let`, `key add`).
    static let none = Outcome(value: nil)

    /// A value for the interpreter to show.
    static func value(_ value: JSON?, calls: [CallResult] = []) -> Outcome { Outcome(value: value, calls: calls) }

    /// A value the command already showed.
    static func printed(_ value: JSON?, calls: [CallResult] = []) -> Outcome { Outcome(value: value, printed: true, calls: calls) }
}
