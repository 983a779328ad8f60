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

extension Secret {
    /// Why a value read as a key cannot be one. Never holds the value.
    public struct Unusable: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// A key value as it comes from a file, the environment, the config file or a prompt: the
    /// spaces, tabs and line ends around it dropped (by Unicode scalars: a Windows file's
    /// `"\r\n"` is one `Character`), and refused when it is empty or holds anything an HTTP
    /// header cannot carry (a space, a control character, a non-ASCII character) inside it.
    /// Every source of keys reads through here, so no value the transport sends can break its
    /// header and have a library print the header back.
    ///
    /// - Parameter origin: where the value came from, for the error (`ci.key`, `$OPENAI_ADMIN_KEY`).
    public static func reading(_ raw: String, from origin: String) throws(Unusable) -> Secret {
        let value = raw.trimmingCharacters(in: " \t\r\n\u{0B}\u{0C}")
        guard !value.isEmpty else { throw Unusable(description: "\(origin): the key is empty") }
        // What adm shows in place of a key (`sk-admin-…abcd`, or `sk-...abcd` as the API
        // redacts) never becomes one: a line recalled from history must not replace a key.
        if value.contains("…") || value.contains("...") {
            throw Unusable(description: "\(origin): this is a redacted key as adm or the API shows it, not a key; nothing was changed")
        }
        if let offset = value.unicodeScalars.firstIndex(where: { !isHeaderSafe($0) }) {
            let position = value.unicodeScalars.distance(from: value.unicodeScalars.startIndex, to: offset) + 1
            throw Unusable(
                description:
                    "\(origin): not a key: character \(position) is a space, a control or a non-ASCII character (a key is one word of visible ASCII)"
            )
        }
        return Secret(value)
    }

    /// Visible ASCII: what a bearer token may hold.
    static func isHeaderSafe(_ scalar: Unicode.Scalar) -> Bool { scalar.value > 0x20 && scalar.value < 0x7F }

    /// Whether the value can travel in an Authorization header as it is.
    public var isHeaderSafe: Bool { !value.isEmpty && value.unicodeScalars.allSatisfy(Self.isHeaderSafe) }
}
