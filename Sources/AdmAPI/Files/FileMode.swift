import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that could not be read or written, with the reason from the system.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// The file was read but is not text (`TextFile`): a mistake in what was given, not in
    /// the machine.
    public var notText = false
    public init(_ description: String, notText: Bool = false) {
        self.description = description
        self.notText = notText
    }
}

/// Creating files that may hold secrets (0600 from the first byte) and checking paths. Writes go
/// through swift-system's `FileDescriptor`, which retries interrupted calls and finishes short
/// writes.
package enum FileMode {
    package static func exists(_ path: String) -> Bool { access(place(path, writing: false), F_OK) == 0 }

    static let privatePermissions: FilePermissions = [.ownerReadWrite]

    /// Creates `path` empty with mode 0600, failing if it cannot.
    package static func createPrivate(_ path: String) throws(FileError) {
        do {
            try openPrivate(place(path, writing: true), [.create, .truncate]).close()
        } catch {
            throw failure("create", path, error)
        }
    }

    /// Whether this process may write `path`.
    package static func isWritable(_ path: String) -> Bool { access(place(path, writing: false), W_OK) == 0 }

    /// The names in a folder (none when it cannot be read).
    package static func listDirectory(_ path: String) -> [String] {
        guard let dir = opendir(place(path, writing: false)) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a file (nothing when it is not there).
    package static func remove(_ path: String) { unlink(place(path, writing: true, keepingContent: false)) }

    /// Sets mode 0600 on an existing file.
    package static func restrict(_ path: String) { chmod(place(path, writing: true), 0o600) }

    /// Writes `text` to `path` atomically (a 0600 temporary file renamed over it), so a crash
    /// never leaves it half-written. `durable` also waits for the disk (fsync) before the rename.
    package static func writePrivate(_ path: String, _ text: String, durable: Bool = true) throws(FileError) {
        let target = place(path, writing: true)
        let tmp = target + ".tmp-\(getpid())"
        do {
            try write(text, to: openPrivate(tmp, [.create, .truncate]), durable: durable)
        } catch {
            unlink(tmp)
            throw failure("write", path, error)
        }
        guard rename(tmp, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw FileError("could not write \(path): \(reason)")
        }
    }

    /// Appends `text` to a 0600 file (created if missing) in one `write` of `O_APPEND`, so
    /// concurrent appenders never interleave inside it; the rest of a short write follows.
    /// `durable` waits for the disk (a failed fsync is a failed write).
    package static func appendPrivate(_ path: String, _ text: String, durable: Bool = false) throws(FileError) {
        do {
            try write(text, to: openPrivate(place(path, writing: true), [.create, .append]), durable: durable)
        } catch {
            throw failure("write", path, error)
        }
    }

    /// Opens a placed path for writing with mode 0600 (set again: a file that was there keeps its
    /// mode otherwise).
    private static func openPrivate(_ placed: String, _ options: FileDescriptor.OpenOptions) throws -> FileDescriptor {
        let fd = try FileDescriptor.open(FilePath(placed), .writeOnly, options: options, permissions: privatePermissions)
        fchmod(fd.rawValue, 0o600)
        return fd
    }

    /// Writes all of `text` and closes `fd`; `durable` waits for the disk (a failed fsync is a
    /// failed write).
    private static func write(_ text: String, to fd: FileDescriptor, durable: Bool) throws {
        try fd.closeAfter {
            _ = try fd.writeAll(text.utf8)
            if durable, fsync(fd.rawValue) != 0 { throw Errno(rawValue: errno) }
        }
    }

    /// Creates a directory and its parents (mode 0700 for new ones).
    package static func makeDirectories(_ path: String) {
        makeDirectoriesUnplaced(place(path, writing: true))
    }

    private static func makeDirectoriesUnplaced(_ path: String) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if !exists(current) { mkdir(current, 0o700) }
        }
    }

    /// Whether `path` is a folder (following links).
    package static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(place(path, writing: false), &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The permission bits of a file, or nil.
    package static func mode(_ path: String) -> Int? {
        var st = stat()
        guard stat(place(path, writing: false), &st) == 0 else { return nil }
        return Int(st.st_mode) & 0o777
    }

    /// The whole file as text.
    package static func read(_ path: String) throws(FileError) -> String {
        String(decoding: try readBytes(path), as: UTF8.self)
    }

    /// The file's bytes from `offset` (0: all of them), at most `limit` of them.
    package static func readBytes(_ path: String, from offset: Int = 0, limit: Int = .max) throws(FileError) -> [UInt8] {
        do {
            let fd = try FileDescriptor.open(FilePath(place(path, writing: false)), .readOnly)
            return try fd.closeAfter {
                if offset > 0 { _ = try fd.seek(offset: Int64(offset), from: .start) }
                return try readToEnd(fd, limit: limit)
            }
        } catch {
            throw failure("read", path, error)
        }
    }

    /// Everything on standard input (a script piped to adm).
    package static func readStandardInput() throws(FileError) -> [UInt8] {
        do { return try readToEnd(.standardInput) } catch { throw failure("read", "standard input", error) }
    }

    private static func readToEnd(_ fd: FileDescriptor, limit: Int = .max) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while out.count < limit {
            let n = try buffer.withUnsafeMutableBytes { try fd.read(into: $0) }
            if n == 0 { return out }
            out.append(contentsOf: buffer[0..<min(n, limit - out.count)])
        }
        return out
    }

    /// The file's size in bytes, or nil.
    package static func size(_ path: String) -> Int? {
        var st = stat()
        guard stat(place(path, writing: false), &st) == 0 else { return nil }
        return Int(st.st_size)
    }

    /// Cuts a file to `length` bytes.
    package static func truncate(_ path: String, to length: Int) throws(FileError) {
        guard Glibc.truncate(place(path, writing: true), off_t(length)) == 0 else {
            throw FileError("could not truncate \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// An environment variable.
    package static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    private static func failure(_ verb: String, _ path: String, _ error: any Error) -> FileError {
        let reason = (error as? Errno).map { String(cString: strerror($0.rawValue)) } ?? "\(error)"
        return FileError("could not \(verb) \(path): \(reason)")
    }
}
