/// Where adm keeps its files, by the XDG base-directory rules.
public enum AdmPaths {
    /// `$XDG_STATE_HOME/adm` or `~/.local/state/adm` (history, sandbox keys).
    public static var stateDirectory: String {
        if let x = FileMode.environment("XDG_STATE_HOME"), !x.isEmpty { return x + "/adm" }
        return home + "/.local/state/adm"
    }

    /// `$XDG_CONFIG_HOME/adm` or `~/.config/adm` (config.toml-like profiles).
    public static var configDirectory: String {
        if let x = FileMode.environment("XDG_CONFIG_HOME"), !x.isEmpty { return x + "/adm" }
        return home + "/.config/adm"
    }

    /// `$XDG_CACHE_HOME/adm` or `~/.cache/adm` (readings shared between processes, when asked for).
    public static var cacheDirectory: String {
        if let x = FileMode.environment("XDG_CACHE_HOME"), !x.isEmpty { return x + "/adm" }
        return home + "/.cache/adm"
    }

    public static var home: String { FileMode.environment("HOME") ?? "/tmp" }
}
