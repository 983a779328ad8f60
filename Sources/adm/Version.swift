/// adm's version, shown by `--version` and in reproductions.
enum AdmVersion {
    static let string = "0.1.0"

    /// What `adm --version` prints: the version, and the commit a release was built from.
    static var full: String { AdmCommit.commit.map { "\(string) (\($0))" } ?? string }
}
