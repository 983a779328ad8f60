/// A key value. Its only printable form is the redacted one (`sk-admin-…abcd`), so history,
/// transcripts, reproductions, logs and error messages cannot leak it by accident: the
/// unredacted text is reachable only through `unredacted`, which is `package`-visible and used by
/// the transport (the Authorization header), the sandbox (which mints keys) and the keys file.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret itself. Callers: the HTTP transport, the sandbox, the 0600 keys file.
    package var unredacted: String { value }

    /// `sk-admin-…abcd`: the kind prefix and the last four characters.
    public var redacted: String { Redaction.redact(value) }

    public var description: String { redacted }
    public var debugDescription: String { "Secret(\(redacted))" }
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted]) }

    /// The key's kind, read from its prefix.
    public var kind: KeyKind { KeyKind(value: value) }
}

/// What kind of OpenAI key a value is, from its prefix (reference §1).
public enum KeyKind: String, Sendable, CaseIterable {
    case admin, project, serviceAccount, legacyUser, unknown

    /// Each kind's prefix, the most specific first (`sk-` last: every key starts with it).
    static let prefixes: [(prefix: String, kind: KeyKind)] = [
        ("sk-admin-", .admin), ("sk-proj-", .project), ("sk-svcacct-", .serviceAccount), ("sk-", .legacyUser),
    ]

    public init(value: String) {
        self = Self.prefixes.first { value.hasPrefix($0.prefix) }?.kind ?? .unknown
    }

    public var displayName: String {
        switch self {
        case .admin: return "admin key"
        case .project: return "project key"
        case .serviceAccount: return "service-account key"
        case .legacyUser: return "user key"
        case .unknown: return "key of unknown kind"
        }
    }
}
