import Synchronization

/// Learned rate limits kept between processes, so one-liners in a shell loop start paced
/// instead of each finding the limit afresh.
///
/// One 0600 file per base URL and key under `DIRECTORY/rate-limits/`, named by a hash of both
/// (the key itself is never written): `{"version": 1, "endpoints": {"GET /organization/…":
/// state}}`. Writes are atomic renames without fsync: losing the last answer to a crash costs
/// one extra refusal, never a broken file.
public struct RateLimitMemory: Sendable {
    public let directory: String
    /// The first write that failed (said once by the shell: losing the memory costs the next
    /// process some refusals, nothing more).
    private let trouble = Troubles()

    /// Keeps files under `directory` (created 0700 when missing).
    public init(directory: String) {
        self.directory = directory
    }

    /// Why the memory could not be kept, the first time it could not; nil after that (or when
    /// all is well), so it is said once.
    public func takeFailure() -> String? { trouble.take() }

    /// `$XDG_STATE_HOME/adm/rate-limits`.
    public static var standard: RateLimitMemory { RateLimitMemory(directory: AdmPaths.stateDirectory + "/rate-limits") }

    /// The name of a base URL and key's state: 64 bits of FNV-1a over both (a 64-bit digest of a
    /// key holding well over 100 bits of randomness gives nothing of it away).
    public static func owner(baseURL: String, key: Secret?) -> String {
        if let last = lastOwner.withLock({ $0 }), last.baseURL == baseURL, last.key == key { return last.owner }
        let owner = hashOwner(baseURL: baseURL, key: key?.unredacted ?? "")
        lastOwner.withLock { $0 = (baseURL, key, owner) }
        return owner
    }

    /// The last owner named (every call asks; a session mostly uses one key).
    private static let lastOwner = Mutex<(baseURL: String, key: Secret?, owner: String)?>(nil)

    private static func hashOwner(baseURL: String, key: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "adm-rate-limit\u{0}\(baseURL)\u{0}".utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(String(hash, radix: 16).leftPadded(to: 16))
    }

    func path(_ owner: String) -> String { directory + "/" + owner + ".json" }

    /// The saved state of each endpoint (empty when nothing was saved or the file is unreadable).
    func load(owner: String) -> [String: JSON] {
        guard let text = try? FileMode.read(path(owner)), let json = try? JSON.parse(text),
            let endpoints = json["endpoints"]?.objectValue
        else { return [:] }
        return Dictionary(endpoints.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    func save(owner: String, endpoints: [String: JSON]) {
        FileMode.makeDirectories(directory)
        let sorted = endpoints.keys.sorted().map { JSON.Member($0, endpoints[$0]!) }
        let json: JSON = .obj(["version": 1, "endpoints": .object(sorted)])
        do { try FileMode.writePrivate(path(owner), json.serialized() + "\n", durable: false) } catch {
            trouble.note("adm could not keep what it learned of the rate limits (\(error.description)); the next run starts unpaced")
        }
    }
}

/// A failure to say once: the first one noted, taken when it is said.
final class Troubles: Sendable {
    private let state = Mutex<(first: String?, said: Bool)>((nil, false))

    func note(_ message: String) {
        state.withLock { s in if s.first == nil, !s.said { s.first = message } }
    }

    func take() -> String? {
        state.withLock { s in
            guard let message = s.first, !s.said else { return nil }
            s.said = true
            return message
        }
    }
}
