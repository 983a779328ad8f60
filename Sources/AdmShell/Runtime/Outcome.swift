import AdmAPI

/// What a command produced. Its value becomes `$_` (and the right side of `let`, and what a
/// `| path` selection reads); `printed` says the command already showed it (a listing streamed
/// page by page, a comparison table), so the interpreter does not render it again; `calls` are
/// the API results it stands on, the last of which `expect status`, `$status` and `--raw`
/// read. A call that failed is thrown (`ShellError.api`) — but work that showed what it could
/// first (a fan-out with failed calls, pages read before a refusal, a diff that found drift)
/// keeps its value and names its failure in `failure`, which the interpreter throws once `$_`
/// is set.
struct Outcome {
    var value: JSON?
    var printed = false
    var calls: [CallResult] = []
    /// What failed after the value was made (thrown once the value is kept and shown).
    var failure: ShellError?
    /// What the value is missing (one line each: `the keys of Search: 429 …`), said on stderr
    /// after it is shown, whatever the output mode; the statement then ends with exit 4 (or with
    /// `failure`, when it has one: Ctrl-C).
    var gaps: [String] = []
    /// The gaps in one line, for the statement's error (`the keys of 3 of 20 projects`).
    var gapSummary: String?

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
