#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import AdmAPI

/// Where the shell writes. Every line passes through `scrub` first, so a known key value can
/// never reach the screen or a file even if a bug tried to print one.
public protocol OutputSink: AnyObject {
    func write(_ text: String)
    func writeError(_ text: String)
}

/// Standard output and standard error, unbuffered line by line.
public final class StandardOutput: OutputSink {
    public init() {}
    public func write(_ text: String) { Self.emit(1, text) }
    public func writeError(_ text: String) { Self.emit(2, text) }

    static func emit(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
        _ = bytes.count
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

/// Colours and emphasis, only on a terminal and never with NO_COLOR.
public struct Style: Sendable {
    public var enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    /// On when stdout is a terminal, NO_COLOR is unset and TERM is not `dumb`.
    public static func detect() -> Style {
        let noColor = FileMode.environment("NO_COLOR").map { !$0.isEmpty } ?? false
        let dumb = FileMode.environment("TERM") == "dumb"
        return Style(enabled: StandardOutput.isTerminal(1) && !noColor && !dumb)
    }

    func wrap(_ code: String, _ s: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    public func bold(_ s: String) -> String { wrap("1", s) }
    public func dim(_ s: String) -> String { wrap("2", s) }
    public func red(_ s: String) -> String { wrap("31", s) }
    public func green(_ s: String) -> String { wrap("32", s) }
    public func yellow(_ s: String) -> String { wrap("33", s) }
    public func cyan(_ s: String) -> String { wrap("36", s) }
}
