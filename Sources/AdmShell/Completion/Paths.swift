#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File names for arguments declared as files (`save ch<Tab>`, `key add x --file <Tab>`): the
/// entries of the folder the word names so far, folders with a `/`, hidden ones only when the
/// word's last part starts with `.`; `~/` is the home folder, and stays `~/` in the word.
enum Paths {
    /// At most this many entries of one folder are offered.
    static let most = 500

    static func completions(of word: String) -> [String] {
        let slash = word.lastIndex(of: "/")
        let folderPart = slash.map { String(word[...$0]) } ?? ""
        let namePart = slash.map { String(word[word.index(after: $0)...]) } ?? word
        var folder = folderPart.isEmpty ? "." : folderPart
        if folder.hasPrefix("~/"), let home = getenv("HOME").map({ String(cString: $0) }) { folder = home + folder.dropFirst() }
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        var out: [String] = []
        while out.count < most, let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." || (name.hasPrefix(".") && !namePart.hasPrefix(".")) || !name.hasPrefix(namePart) { continue }
            var st = stat()
            let isFolder = stat(folder + "/" + name, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
            out.append(folderPart + name + (isFolder ? "/" : ""))
        }
        return out
    }
}
