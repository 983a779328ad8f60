import AdmAPI

/// Why a statement failed. Each case maps to an exit status for scripts (see `exitStatus`).
public enum ShellError: Error, Sendable, CustomStringConvertible {
    /// The statement is written wrongly (bad argument, undefined variable): exit 2.
    case usage(String, at: SourceLocation?)
    /// The API answered with an error nobody expected: exit 1.
    case api(CallResult)
    /// An `expect` did not hold: exit 1.
    case expectation(String, at: SourceLocation?)
    /// A check found what it looks for (`diff`: the organization drifted): exit 1. Like a
    /// refused call, an `expect` right after it may judge it instead.
    case differs(String)
    /// No usable response (connection, timeout, TLS): exit 3.
    case transport(CallFailure)
    /// Something outside the script is wrong (no key, unreadable file): exit 3.
    case environment(String)
    /// Ctrl-C; `partial` is what finished before it (it becomes `$_`).
    case cancelled(partial: JSON? = nil)
    /// The result was shown, but part of what was asked could not be read (a rate limit past
    /// --max-wait, a part the key may not read): exit 4. What is missing was said on stderr,
    /// and `--json` marks it (`incomplete`).
    case incomplete(String)

    public var description: String {
        switch self {
        case .usage(let m, _): return m
        case .api(let r): return "\(r.call.method.rawValue) \(r.call.pathAndQuery) → \(r.error?.description ?? "HTTP \(r.status)")"
        case .expectation(let m, _): return m
        case .differs(let m): return m
        case .transport(let f): return f.description
        case .environment(let m): return m
        case .cancelled: return "cancelled"
        case .incomplete(let m): return m
        }
    }

    /// 1 an expectation failed (or a call failed), 2 the script is malformed, 3 a usage or
    /// connection error, 4 a result shown incomplete, 130 interrupted (Ctrl-C).
    public var exitStatus: Int32 {
        switch self {
        case .api, .expectation, .differs: return 1
        case .usage: return 2
        case .transport, .environment: return 3
        case .incomplete: return 4
        case .cancelled: return 130
        }
    }

    public var location: SourceLocation? {
        switch self {
        case .usage(_, let l), .expectation(_, let l): return l
        default: return nil
        }
    }
}
