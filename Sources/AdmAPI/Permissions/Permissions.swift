/// A permission category of an admin key, as the admin-key form names them (reference §6.1).
public enum PermissionCategory: String, Sendable, CaseIterable, Hashable {
    case organizationAdministration
    case usage
    case auditLogs
    case fineTuningCheckpoints

    /// The name the platform's admin-key form shows.
    public var displayName: String {
        switch self {
        case .organizationAdministration: return "Organization Administration"
        case .usage: return "Usage API"
        case .auditLogs: return "Audit Logs"
        case .fineTuningCheckpoints: return "Fine-tuning Checkpoints"
        }
    }

    /// A short name for flags and profiles: `management`, `usage`, `audit`, `fine-tuning`.
    public var shortName: String {
        switch self {
        case .organizationAdministration: return "management"
        case .usage: return "usage"
        case .auditLogs: return "audit"
        case .fineTuningCheckpoints: return "fine-tuning"
        }
    }

    public init?(shortName: String) {
        let s = shortName.lowercased()
        if let match = Self.allCases.first(where: {
            $0.shortName == s || $0.rawValue.lowercased() == s
                || $0.displayName.lowercased().replacing(" ", with: "-") == s
        }) {
            self = match
        } else if s == "org" || s == "admin" || s == "organization" {
            self = .organizationAdministration
        } else {
            return nil
        }
    }

    /// The levels the form offers for this category.
    public var levels: [AccessLevel] {
        switch self {
        case .organizationAdministration, .fineTuningCheckpoints: return [.none, .read, .write]
        case .usage, .auditLogs: return [.none, .read]
        }
    }

    /// The scope string for reading. `api.management.read` is documented and `api.usage.read`
    /// confirmed; the Audit Logs and Fine-tuning strings were never seen publicly, so these names
    /// are our inference (see `isScopeNameInferred`).
    public var readScope: String {
        switch self {
        case .organizationAdministration: return "api.management.read"
        case .usage: return "api.usage.read"
        case .auditLogs: return "api.audit_logs.read"
        case .fineTuningCheckpoints: return "api.fine_tuning.checkpoints.read"
        }
    }

    /// The scope string for writing, for categories that can be written.
    public var writeScope: String? {
        switch self {
        case .organizationAdministration: return "api.management.write"
        case .fineTuningCheckpoints: return "api.fine_tuning.checkpoints.write"
        case .usage, .auditLogs: return nil
        }
    }

    /// Whether the scope strings of this category are our guess rather than observed.
    public var isScopeNameInferred: Bool { self == .auditLogs || self == .fineTuningCheckpoints }

    /// The category a scope string belongs to.
    public static func of(scope: String) -> PermissionCategory? {
        allCases.first { $0.readScope == scope || $0.writeScope == scope }
    }
}

/// None, Read or Write, per category.
public enum AccessLevel: String, Sendable, CaseIterable, Comparable, Hashable {
    case none, read, write

    public static func < (a: AccessLevel, b: AccessLevel) -> Bool {
        let order: [AccessLevel] = [.none, .read, .write]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// The permissions of an admin key, as chosen in the admin-key form: All, Read only, or
/// Restricted with a level per category.
public enum PermissionProfile: Sendable, Hashable, CustomStringConvertible {
    case all
    case readOnly
    case restricted([PermissionCategory: AccessLevel])

    /// The level this profile grants in one category.
    public func level(_ category: PermissionCategory) -> AccessLevel {
        switch self {
        case .all: return category.levels.last!
        case .readOnly: return .read
        case .restricted(let levels): return min(levels[category] ?? .none, category.levels.last!)
        }
    }

    /// The scopes the profile grants. Write implies read, as the form does
    /// ("Organization Administration: Write" selects 2 permissions).
    public var scopes: Set<String> {
        var out = Set<String>()
        for category in PermissionCategory.allCases {
            let level = level(category)
            if level >= .read { out.insert(category.readScope) }
            if level >= .write, let w = category.writeScope { out.insert(w) }
        }
        return out
    }

    /// `all`, `read-only`, or `restricted:management=write,usage=read`.
    public var description: String {
        switch self {
        case .all: return "all"
        case .readOnly: return "read-only"
        case .restricted(let levels): return "restricted:" + Self.granted(levels) { "\($0.shortName)=\($1.rawValue)" }.joined(separator: ",")
        }
    }

    /// The categories a restricted profile grants anything in, in the form's order, each as
    /// `describe` puts it.
    private static func granted(_ levels: [PermissionCategory: AccessLevel], _ describe: (PermissionCategory, AccessLevel) -> String) -> [String] {
        PermissionCategory.allCases.compactMap { c in levels[c].flatMap { $0 == AccessLevel.none ? nil : describe(c, $0) } }
    }

    /// As the admin-key form would describe it: `All`, `Read only`, `Restricted (Usage API: Read)`.
    public var displayName: String {
        switch self {
        case .all: return "All"
        case .readOnly: return "Read only"
        case .restricted(let levels):
            let parts = Self.granted(levels) { "\($0.displayName): \($1.rawValue.prefix(1).uppercased() + $1.rawValue.dropFirst())" }
            return "Restricted (" + (parts.isEmpty ? "nothing" : parts.joined(separator: ", ")) + ")"
        }
    }

    /// Why a profile text could not be read.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Parses `all`, `read-only` (or `readonly`, `read`), `restricted:management=write,usage=read`
    /// (also `management=write,usage=read` alone).
    public static func parse(_ text: String) throws(ParseError) -> PermissionProfile {
        let t = text.lowercased()
        switch t {
        case "all": return .all
        case "read-only", "readonly", "read_only", "read": return .readOnly
        case "restricted", "none": return .restricted([:])
        default: break
        }
        var body = t
        if body.hasPrefix("restricted:") { body.removeFirst("restricted:".count) }
        var levels: [PermissionCategory: AccessLevel] = [:]
        for part in body.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, let category = PermissionCategory(shortName: kv[0]) else {
                throw ParseError(
                    description:
                        "unknown permission '\(part)': expected CATEGORY=LEVEL with CATEGORY one of \(PermissionCategory.allCases.map(\.shortName).joined(separator: ", "))"
                )
            }
            guard let level = AccessLevel(rawValue: kv[1]), category.levels.contains(level) else {
                throw ParseError(
                    description: "\(category.displayName) can be \(category.levels.map(\.rawValue).joined(separator: "/")), not '\(kv[1])'"
                )
            }
            levels[category] = level
        }
        return .restricted(levels)
    }
}
