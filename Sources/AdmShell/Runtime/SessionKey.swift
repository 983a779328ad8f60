import AdmAPI

/// A key the session knows by name. Its value stays inside `Secret`; what is shown, stored in
/// history or put in a reproduction is the name, the redacted value and where it came from.
public struct SessionKey: Sendable, Hashable {
    /// Where a key's value came from, so a reproduction can say how to get it again.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        case environment(String)
        /// A file holding this one key (`key add NAME --file PATH`).
        case file(String)
        /// A keys file of `NAME=VALUE` lines (`--keys-file PATH`, `key load PATH`), under `name`.
        case keysFile(String, name: String)
        case sandbox
        case prompt
        case literal
        case created(String)
        case config(String)

        public var description: String {
            switch self {
            case .environment(let v): return "$\(v)"
            case .file(let p): return "file \(p)"
            case .keysFile(let p, _): return "keys file \(p)"
            case .sandbox: return "sandbox fixture"
            case .prompt: return "typed at the prompt"
            case .literal: return "command line (literal)"
            case .created(let what): return "created by \(what)"
            case .config(let profile): return "config profile \(profile)"
            }
        }
    }

    public var name: String
    public var secret: Secret
    public var source: Source

    public init(name: String, secret: Secret, source: Source) {
        self.name = name
        self.secret = secret
        self.source = source
    }
}
