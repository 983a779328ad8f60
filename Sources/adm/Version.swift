/// adm's version, shown by `--version` and in reproductions.
enum AdmVersion {
    static let string = "0.1.0"
}
