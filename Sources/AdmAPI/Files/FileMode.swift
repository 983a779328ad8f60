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
    public init(_ description: String) { self.description = description }
}

/// Creating files that may hold secrets (0600 from the first byte) and checking paths.
package enum FileMode {
    package static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Creates `path` empty with mode 0600, failing if it cannot.
    package static func createPrivate(_ path: String) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw FileError("could not create \(path): \(String(cString: strerror(errno)))") }
        fchmod(fd, 0o600)
        close(fd)
    }

    /// Sets mode 0600 on an existing file.
    package static func restrict(_ path: String) { chmod(path, 0o600) }

    /// Writes `text` to `path` atomically (a 0600 temporary file renamed over it), so a crash
    /// never leaves it half-written.
    package static func writePrivate(_ path: String, _ text: String) throws(FileError) {
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw FileError("could not write \(path): \(String(cString: strerror(errno)))") }
        fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 {
                close(fd)
                unlink(tmp)
                throw FileError("could not write \(path): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        fsync(fd)
        close(fd)
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw FileError("could not write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Creates a directory and its parents (mode 0700 for new ones).
    package static func makeDirectories(_ path: String) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if !exists(current) { mkdir(current, 0o700) }
        }
    }

    /// The permission bits of a file, or nil.
    package static func mode(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_mode) & 0o777
    }
}

extension FileMode {
    /// The whole file as text.
    package static func read(_ path: String) throws(FileError) -> String {
        String(decoding: try readBytes(path), as: UTF8.self)
    }

    /// The whole file as bytes.
    package static func readBytes(_ path: String) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError("could not read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw FileError("could not read \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }

    /// Appends a line to a 0600 file (created if missing).
    package static func appendPrivate(_ path: String, _ text: String) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard fd >= 0 else { throw FileError("could not write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    /// An environment variable.
    package static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
