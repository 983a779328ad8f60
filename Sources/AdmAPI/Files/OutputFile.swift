import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The file a statement's output goes to: `> FILE` makes a new one (a file that exists with
/// content is refused: adm never replaces a file unasked), `>> FILE` appends, `>| FILE`
/// replaces, as a shell with `noclobber` does. What reaches it has passed the console (no key
/// value, no colour); it is created with the usual mode (0666 less the umask).
///
/// Not one of `AdmFile`'s kinds: adm writes what the user sent, where the user said, and
/// writes nothing else there.
public final class OutputFile {
    /// How a redirection opens its file.
    public enum Mode: String, Sendable {
        /// `>`: a new file, or an empty one.
        case create = ">"
        /// `>>`: appended to (made when missing).
        case append = ">>"
        /// `>|`: replaced.
        case replace = ">|"
    }

    public let path: String
    private let descriptor: FileDescriptor
    /// The first write that failed, in words (a full disk); later writes are skipped.
    public private(set) var failure: String?

    /// Opens `path` as `mode` says, or says why not.
    public init(_ path: String, mode: Mode) throws(FileError) {
        self.path = path
        let place = FileMode.place(path, writing: true, keepingContent: mode == .append)
        if mode == .create, let size = FileMode.size(path), size > 0 {
            throw FileError("\(path) exists (\(Formatting.thousands(size)) bytes): '>>' appends to it, '>|' replaces it")
        }
        var options: FileDescriptor.OpenOptions = [.create]
        options.insert(mode == .append ? .append : .truncate)
        do {
            descriptor = try FileDescriptor.open(
                FilePath(place),
                .writeOnly,
                options: options,
                permissions: [.ownerReadWrite, .groupRead, .otherRead]
            )
        } catch {
            let reason = (error as? Errno).map { String(cString: strerror($0.rawValue)) } ?? "\(error)"
            throw FileError("could not open \(path): \(reason)")
        }
    }

    /// Writes `text` whole, or keeps why it could not.
    public func write(_ text: String) {
        guard failure == nil else { return }
        do {
            _ = try descriptor.writeAll(text.utf8)
        } catch {
            let reason = (error as? Errno).map { String(cString: strerror($0.rawValue)) } ?? "\(error)"
            failure = "could not write \(path): \(reason)"
        }
    }

    /// Closes the file; a failure to close (an NFS flush) is a failed write.
    public func close() {
        do { try descriptor.close() } catch {
            failure = failure ?? "could not write \(path): \(error)"
        }
    }
}
