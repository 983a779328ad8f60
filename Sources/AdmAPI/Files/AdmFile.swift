/// Every kind of file adm writes, in one table: what it is, how adm writes it, and how adm
/// recognises one it wrote. Before adm replaces or appends to a file that exists, it checks the
/// file is of the kind it means to write (or empty), and otherwise refuses, naming the file and
/// what it found: adm never truncates, appends to or replaces a file it did not write.
///
/// | kind | written by | how |
/// |---|---|---|
/// | keys file | `key export`, `rotate --save`, `adm sandbox --keys-file` | lines updated in place (no other key is lost) |
/// | cassette | `--record` | replaced at the start of a run, then appended |
/// | audit export | `audit export FILE` | appended |
/// | audit cursor | `audit export` (`FILE.cursor`) | replaced |
/// | job journal | `offboard`, `rotate` (`$XDG_STATE_HOME/adm/jobs/`) | replaced |
/// | snapshot | `snapshot FILE` | replaced |
/// | script | `save FILE.adm` | replaced |
/// | reproduction | `export curl|httpie|http N FILE` | replaced |
/// | twin reproduction | `repro --twin FILE` | replaced |
/// | report | `adm run --report junit|tap|json=PATH` | replaced |
/// | database | `--db FILE` (the sandbox's SQLite) | SQLite's own |
/// | history, rate-limit memory | the shell, the scheduler (state folder) | appended, replaced |
public enum AdmFile: String, CaseIterable, Sendable {
    case keysFile, cassette, auditExport, auditCursor, journal, snapshot, script, reproduction, twinReproduction, report, database, history
    case rateLimits

    /// What it is, in messages: `an adm keys file`.
    public var what: String {
        switch self {
        case .keysFile: return "keys file"
        case .cassette: return "cassette"
        case .auditExport: return "audit export"
        case .auditCursor: return "audit export cursor"
        case .journal: return "job journal"
        case .snapshot: return "snapshot"
        case .script: return "saved script"
        case .reproduction: return "reproduction"
        case .twinReproduction: return "twin reproduction"
        case .report: return "test report"
        case .database: return "sandbox database"
        case .history: return "history"
        case .rateLimits: return "rate-limit memory"
        }
    }

    /// Whether `head` (the file's first bytes, up to 64 KiB) is one adm wrote as this kind.
    public func recognizes(_ head: [UInt8]) -> Bool {
        let text = String(decoding: head, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        // A last line without its line end is partial (a head cut at 64 KiB, or a write adm was
        // killed in): line-based kinds are judged by their whole lines, and need one.
        let whole = head.last == UInt8(ascii: "\n") ? lines : Array(lines.dropLast())
        func firstJSON() -> JSON? { (try? JSON.parse(text)) ?? whole.first.flatMap { try? JSON.parse($0) } }
        /// A JSON document that names itself in its first member (a long one is cut at 64 KiB).
        func opens(with member: String, _ value: String? = nil) -> Bool {
            let start = String(text.prefix(400)).replacing(" ", with: "").replacing("\n", with: "")
            guard start.hasPrefix("{") else { return false }
            return start.contains("\"\(member)\":" + (value.map { "\"\($0)\"" } ?? ""))
        }
        switch self {
        case .keysFile:
            // Read back whole, partial last line included: adm keeps every line of a keys file.
            return !lines.isEmpty
                && lines.allSatisfy { line in
                    let l = line.trimmingCharacters(in: " \t\r")
                    return l.isEmpty || l.hasPrefix("#") || Self.isKeyLine(l)
                }
        case .cassette:
            return !whole.isEmpty
                && whole.enumerated().allSatisfy { n, line in
                    (try? JSON.parse(line)).map { ($0["request"] != nil && $0["response"] != nil) || (n == 0 && $0["cassette"] != nil) } ?? false
                }
        case .auditExport:
            return !whole.isEmpty
                && whole.allSatisfy { (try? JSON.parse($0)).map { $0["effective_at"] != nil && $0["type"] != nil } ?? false }
        case .auditCursor:
            return firstJSON().map { $0["last_effective_at"] != nil && $0["file"] != nil } ?? false
        case .journal:
            return opens(with: "object", "adm.job") || (firstJSON().map { $0["steps"] != nil && $0["job"] != nil } ?? false)
        case .snapshot:
            return opens(with: "object", "organization.snapshot")
        case .script:
            return lines.first.map { $0.hasPrefix("# saved by adm") || $0.hasPrefix("# least-privilege check written by") } ?? false
        case .reproduction:
            return lines.first.map { $0.hasPrefix("# adm ") || $0.hasPrefix("@baseUrl = ") } ?? false
        case .twinReproduction:
            return opens(with: "object", "adm.twin_reproduction")
        case .report:
            return text.hasPrefix("<?xml") && text.contains("<testsuites name=\"adm\"")
                || text.hasPrefix("TAP version 13\n# adm run report")
                || opens(with: "object", "adm.report")
        case .database:
            return head.starts(with: Array("SQLite format 3\u{0}".utf8))
        case .history, .rateLimits:
            // In adm's own state folder, named by adm: nothing else lives there.
            return true
        }
    }

    /// How much of a file is read to recognise it.
    static let headSize = 65536

    /// `NAME=VALUE` with a key name and a value of key characters.
    static func isKeyLine(_ line: String) -> Bool {
        guard let eq = line.firstIndex(of: "="), eq != line.startIndex else { return false }
        let name = line[..<eq].trimmingCharacters(in: " ")
        let value = line[line.index(after: eq)...].trimmingCharacters(in: " \"'")
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
            && !value.isEmpty && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
