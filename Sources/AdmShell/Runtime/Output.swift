import AdmAPI

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
}

/// Standard output and standard error, unbuffered, each write complete (short writes and
/// interrupted calls resumed).
public final class StandardOutput: OutputSink {
    public init() {}
    public func write(_ text: String) { Self.emit(1, text) }
    public func writeError(_ text: String) { Self.emit(2, text) }

    static func emit(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 {
                if errno == EINTR { continue }
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
