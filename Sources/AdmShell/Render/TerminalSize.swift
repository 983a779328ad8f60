import AdmAPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How wide the terminal is: `COLUMNS` when set, else what the terminal says, else 80.
public enum TerminalSize {
    public static func columns(of fd: Int32 = 1) -> Int {
        if let text = FileMode.environment("COLUMNS"), let n = Int(text), n > 0 { return n }
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    /// How tall the terminal is: `LINES` when set, else what the terminal says, else 24.
    public static func rows() -> Int {
        if let text = FileMode.environment("LINES"), let n = Int(text), n > 0 { return n }
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
        return 24
    }
}
