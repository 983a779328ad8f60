import AdmAPI

/// The config file (`$XDG_CONFIG_HOME/adm/config`): profiles of base URL, organization,
/// project and named keys. Keys reference an environment variable (`env:VAR`) or a file
/// (`file:PATH`); a literal value is accepted only when the config file is mode 0600.
///
/// ```
/// [default]
/// base_url = https://api.openai.com/v1
/// organization = org-abc
/// project = proj_abc
/// key = prod
/// max_wait = 30m
/// cache = 10m            # how long readings answer again; off: never
/// cache_file = on        # share readings with later runs ($XDG_CACHE_HOME/adm/readings)
/// keys.prod = env:OPENAI_ADMIN_KEY
/// keys.ci = file:~/.config/adm/ci.key
/// ```
public struct ConfigFile: Sendable {
    /// One `[section]`.
    public struct Profile: Sendable {
        public var name: String
        public var baseURL: String?
        public var organization: String?
        public var project: String?
        public var activeKey: String?
        /// How long a call may keep being refused by a rate limit (`max_wait = 30m`).
        public var maxWait: String?
        /// How long readings of the organization answer again (`cache = 10m`, `cache = off`).
        public var cache: String?
        /// Whether readings are shared with later runs through a file (`cache_file = on`).
        public var cacheFile: String?
        /// Key name → `env:VAR`, `file:PATH`, or a literal (0600 files only).
        public var keys: [(name: String, reference: String, line: Int)] = []
    }

    public var path: String
    public var profiles: [String: Profile]
    public var isPrivate: Bool

    /// `$XDG_CONFIG_HOME/adm/config`.
    public static var defaultPath: String { AdmPaths.configDirectory + "/config" }

    /// Reads the file; nil when it does not exist.
    public static func load(_ path: String = defaultPath) throws(ShellError) -> ConfigFile? {
        guard FileMode.exists(path) else { return nil }
        let text: String
        do { text = try TextFile.read(path, kind: "config file") } catch { throw .environment(error.description) }
        var profiles: [String: Profile] = [:]
        var current: String?
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line =
                raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map { $0.trimmingCharacters(in: " \t\r") } ?? ""
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw .environment("\(path):\(n + 1): expected [profile]") }
                var name = String(line.dropFirst().dropLast()).trimmingCharacters(in: " ")
                if name.hasPrefix("profile ") { name = String(name.dropFirst(8)).trimmingCharacters(in: " ") }
                current = name
                profiles[name] = profiles[name] ?? Profile(name: name)
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { throw .environment("\(path):\(n + 1): expected KEY = VALUE") }
            guard let section = current else { throw .environment("\(path):\(n + 1): a setting outside a [profile] section") }
            let key = line[..<eq].trimmingCharacters(in: " \t")
            let value = line[line.index(after: eq)...].trimmingCharacters(in: " \t\"")
            switch key {
            case "base_url": profiles[section]!.baseURL = value
            case "organization": profiles[section]!.organization = value
            case "project": profiles[section]!.project = value
            case "key": profiles[section]!.activeKey = value
            case "max_wait": profiles[section]!.maxWait = value
            case "cache": profiles[section]!.cache = value
            case "cache_file": profiles[section]!.cacheFile = value
            default:
                guard key.hasPrefix("keys."), key.count > 5 else {
                    throw .environment(
                        "\(path):\(n + 1): unknown setting '\(key)' (base_url, organization, project, key, max_wait, cache, cache_file, keys.NAME)"
                    )
                }
                profiles[section]!.keys.append((String(key.dropFirst(5)), value, n + 1))
            }
        }
        let mode = FileMode.mode(path) ?? 0o644
        return ConfigFile(path: path, profiles: profiles, isPrivate: mode & 0o077 == 0)
    }

    /// The session keys of a profile, resolved now.
    public func keys(of profile: Profile) throws(ShellError) -> [SessionKey] {
        try profile.keys.map { entry throws(ShellError) -> SessionKey in
            let r = entry.reference
            if r.hasPrefix("env:") {
                let variable = String(r.dropFirst(4))
                guard let v = FileMode.environment(variable), !v.isEmpty else {
                    throw .environment("\(path):\(entry.line): key \(entry.name) reads $\(variable), which is not set")
                }
                return SessionKey(name: entry.name, secret: try KeyCommand.readValue(v, from: "$" + variable), source: .environment(variable))
            }
            if r.hasPrefix("file:") {
                var p = String(r.dropFirst(5))
                if p.hasPrefix("~/") { p = AdmPaths.home + p.dropFirst(1) }
                return SessionKey(name: entry.name, secret: try KeyCommand.readKeyFile(p), source: .file(p))
            }
            guard isPrivate else {
                throw .environment(
                    "\(path):\(entry.line): key \(entry.name) is a literal value but \(path) is readable by others; chmod 600 it, or use env:VAR or file:PATH"
                )
            }
            return SessionKey(name: entry.name, secret: try KeyCommand.readValue(r, from: "\(path):\(entry.line)"), source: .config(profile.name))
        }
    }
}
