/// The commit a release was built from: `Scripts/release` sets it for its build, and the file
/// as committed says nil (a build from source shows the version alone).
enum AdmCommit {
    static let commit: String? = nil
}
