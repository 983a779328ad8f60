import AdmAPI
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the shell's text finally goes. Everything reaches it through `Console`, which has
/// already scrubbed key values, escaped what came from outside and resolved styles.
public protocol OutputSink: AnyObject {
    func write(_ text: String)
    func writeError(_ text: String)
    /// Why standard output could not be written, once it could not (nil while all is well).
    var writeFailure: String? { get }
}

extension OutputSink {
    public var writeFailure: String? { nil }
}

/// Standard output and standard error, unbuffered, each write complete (short writes and
/// interrupted calls resumed).
///
/// Writing can fail. A closed pipe (`adm … | head -1`) ends adm quietly, as other Unix tools
/// end (by SIGPIPE); any other failure (a full disk behind `> file`) is kept in `writeFailure`,
/// which stops a script with an error and a non-zero exit instead of going on unheard.
public final class StandardOutput: OutputSink {
    private let failure = Mutex<String?>(nil)

    public init() {}
    public func write(_ text: String) { emit(1, text) }
    public func writeError(_ text: String) { emit(2, text) }
    public var writeFailure: String? { failure.withLock { $0 } }

    func emit(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 {
                if n < 0, errno == EINTR { continue }
                if n < 0, errno == EPIPE {
                    // The reader is gone: end as `yes | head` does.
                    signal(SIGPIPE, SIG_DFL)
                    raise(SIGPIPE)
                }
                let reason = n < 0 ? String(cString: strerror(errno)) : "nothing was written"
                failure.withLock { $0 = $0 ?? "could not write \(fd == 1 ? "the output" : "to standard error"): \(reason)" }
                return
            }
            offset += n
        }
        bytes.removeAll()
    }

    /// Whether file descriptor `fd` is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}

/// Output kept in memory (tests, `retry-with` comparisons).
public final class CapturedOutput: OutputSink {
    public private(set) var standard = ""
    public private(set) var errors = ""
    public init() {}
    public func write(_ text: String) { standard += text }
    public func writeError(_ text: String) { errors += text }
}
