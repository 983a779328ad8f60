import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where files go while a script is rehearsed: nowhere the script says. Inside
/// `Scratch.$folder.withValue(…)` every file adm writes (a snapshot, `rotate --save`, a job's
/// journal, an export) lands under that folder at the same absolute path, and reads see what
/// the rehearsal wrote before the real file, so a rehearsal behaves as the run would and leaves
/// the disk as it found it. Every file operation of `FileMode`, `OwnFiles` and `FileLock` goes
/// through `FileMode.place`.
public enum Scratch {
    /// The folder writes go to (nil: writes go where they say). Read it through `current`.
    @TaskLocal public static var folder: String?

    /// Rehearsals under way in this process. While there are none no task has a scratch
    /// folder, and `current` answers without reading the task-local (whose first read makes its
    /// generic metadata by name: a cost every one-liner paid looking for its config file).
    private static let rehearsing = Atomic<Int>(0)

    /// The folder writes go to now (nil: where they say).
    public static var current: String? { rehearsing.load(ordering: .acquiring) > 0 ? folder : nil }

    /// Runs `body` with every write of its tasks going to `scratch`.
    public static func redirecting<R>(to scratch: String, _ body: () async throws -> R) async rethrows -> R {
        rehearsing.add(1, ordering: .acquiringAndReleasing)
        defer { rehearsing.subtract(1, ordering: .acquiringAndReleasing) }
        return try await $folder.withValue(scratch, operation: body)
    }

    /// A new private folder for one rehearsal (0700, under the system's temporary folder).
    public static func make() throws(FileError) -> String {
        let base = (FileMode.environment("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp") + "/adm-rehearsal-XXXXXX"
        var template = Array(base.utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) }
        guard made != nil else { throw FileError("could not make a scratch folder for the rehearsal: \(String(cString: strerror(errno)))") }
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The files written under `folder`, as the paths the script named.
    public static func written(in folder: String) -> [String] {
        var out: [String] = []
        func walk(_ dir: String) {
            for name in listUnplaced(dir) {
                let path = dir + "/" + name
                var st = stat()
                guard lstat(path, &st) == 0 else { continue }
                if st.st_mode & S_IFMT == S_IFDIR {
                    walk(path)
                } else if !name.hasSuffix(".adm-lock") {
                    out.append(String(path.dropFirst(folder.count)))
                }
            }
        }
        walk(folder)
        return out.sorted()
    }

    /// Removes the folder and everything in it.
    public static func remove(_ folder: String) {
        chmod(folder, 0o700)  // a folder made unwritable to mirror a real one
        for name in listUnplaced(folder) {
            let path = folder + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            if st.st_mode & S_IFMT == S_IFDIR { remove(path) } else { unlink(path) }
        }
        rmdir(folder)
    }

    private static func listUnplaced(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

extension FileMode {
    /// Where `path` really is (see `Scratch`): itself outside a rehearsal; in one, its place under
    /// the scratch folder — for writing always (its folders made, and with `keepingContent` the
    /// real file's content copied there first, so an append adds to it), for reading only once
    /// the rehearsal wrote it.
    package static func place(_ path: String, writing: Bool, keepingContent: Bool = true) -> String {
        guard let folder = Scratch.current else { return path }
        let absolute = path.hasPrefix("/") ? path : currentDirectory() + "/" + path
        let mapped = folder + absolute
        if writing {
            // The folders that exist for real exist in the scratch folder too (a real one that
            // cannot be written cannot be here either); one that does not exist does not, so
            // a write into it fails as the real write would.
            let parent = String(absolute.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/"))
            var real = ""
            for part in parent.split(separator: "/") {
                real += "/" + part
                let copy = folder + real
                guard access(copy, F_OK) != 0 else { continue }
                var st = stat()
                guard stat(real, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else { break }
                mkdir(copy, access(real, W_OK) == 0 ? 0o700 : 0o500)
            }
            // What the real file holds is where the rehearsal's write starts (an unreadable one:
            // empty, as the real write would find no way to add to it either).
            var file = stat()
            if keepingContent, access(mapped, F_OK) != 0, stat(absolute, &file) == 0, file.st_mode & S_IFMT == S_IFREG, access(absolute, R_OK) == 0 {
                let bytes = readUnplaced(absolute)
                let fd = open(mapped, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
                if fd >= 0 {
                    // A copy that fails leaves the scratch file shorter than the real one: only what a
                    // rehearsal shows of an append changes, nothing real is lost.
                    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    close(fd)
                }
            }
            return mapped
        }
        return access(mapped, F_OK) == 0 ? mapped : path
    }

    private static func readUnplaced(_ path: String) -> [UInt8] {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return [] }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    private static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
