/// Readings shared between processes: one file per base URL, key and organization under
/// `$XDG_CACHE_HOME/adm/readings/` (0600, in a 0700 folder), so one-liners run one after
/// another (`adm -e 'inventory keys'`, then `adm -e 'offboard X --dry-run'`) read nothing twice.
/// Off unless the config file asks for it (`cache_file = on`).
///
/// The file holds what the listings answered (ids, names, emails, redacted key values); never
/// a key's value: the owner in its name is a 64-bit digest of the base URL and key, and the
/// listings adm keeps are reads, whose answers carry no secret. A write any process sends
/// removes the file, as it drops the process's own readings.
public struct ReadingsFile: Sendable {
    public let directory: String
    /// The organization the session sends (`OpenAI-Organization`), part of the file's name.
    public let organization: String?
    private let trouble = Troubles()

    public init(directory: String = AdmPaths.cacheDirectory + "/readings", organization: String?) {
        self.directory = directory
        self.organization = organization
    }

    /// Why the file could not be kept, the first time (said once; losing it costs reads, nothing more).
    public func takeFailure() -> String? { trouble.take() }

    /// `org-abc-` (or `default-`): every file of this organization starts so.
    var prefix: String {
        let org = (organization ?? "default").filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return (org.isEmpty ? "default" : org) + "-"
    }

    func path(owner: String) -> String { directory + "/" + prefix + owner + ".json" }

    /// The readings kept for `owner` (empty when there is no file, or it is not adm's).
    func load(owner: String) -> [String: Readings.Entry] {
        let file = path(owner: owner)
        guard FileMode.mode(file).map({ $0 & 0o077 == 0 }) == true,
            let text = try? FileMode.read(file),  // unreadable: nothing shared, the reads happen
            let json = try? JSON.parse(text), json["version"]?.intValue == 1,
            let entries = json["readings"]?.objectValue
        else { return [:] }
        var out: [String: Readings.Entry] = [:]
        for member in entries {
            guard let items = member.value["items"]?.arrayValue, let at = member.value["at"]?.doubleValue else { continue }
            out[member.key] = Readings.Entry(items: items, organization: member.value["organization"]?.stringValue, at: at)
        }
        return out
    }

    /// Writes `owner`'s readings (atomically; a failure is said once and the session goes on).
    func save(owner: String, _ entries: [String: Readings.Entry]) {
        FileMode.makeDirectories(directory)
        let members = entries.keys.sorted().map { request -> JSON.Member in
            let e = entries[request]!
            return JSON.Member(
                request,
                .obj(["at": .double(e.at), "organization": e.organization.map(JSON.string) ?? .null, "items": .array(e.items)])
            )
        }
        let json: JSON = .obj(["version": 1, "readings": .object(members)])
        do { try FileMode.writePrivate(path(owner: owner), json.serialized() + "\n", durable: false) } catch {
            trouble.note("adm could not share its readings with later runs (\(error.description)); they will read again")
        }
    }

    /// Removes the organization's files, every key's (a write was sent: what any of them held
    /// may be untrue).
    func removeAll() {
        for name in FileMode.listDirectory(directory) where name.hasPrefix(prefix) && name.hasSuffix(".json") {
            FileMode.remove(directory + "/" + name)
        }
    }
}
