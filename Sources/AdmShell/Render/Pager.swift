import AdmAPI
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Long output at the prompt goes through a pager, as psql and gh do: `$ADM_PAGER`, else
/// `$PAGER`, else `less -FRX` (with `LESS=FRX` when `LESS` is unset, so colours show and a
/// short page does not clear the screen). `pager off` in the shell or `--no-pager` turn it
/// off; an empty `ADM_PAGER` too.
public enum Pager {
    /// The command that pages, or nil when paging is off by the environment.
    public static func command() -> String? {
        if let own = FileMode.environment("ADM_PAGER") { return own.trimmingCharacters(in: " ").isEmpty ? nil : own }
        if let pager = FileMode.environment("PAGER"), !pager.trimmingCharacters(in: " ").isEmpty { return pager }
        return "less -FRX"
    }

    /// Whether `text` takes more rows than the screen has (keeping one for the next prompt),
    /// long lines counted as the terminal wraps them.
    static func isLonger(_ text: String, rows: Int, columns: Int) -> Bool {
        var used = 0
        let width = max(columns, 1)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let cells = DisplayWidth.of(withoutEscapes(line))
            // Rows the line takes, without adding to `cells` (a hostile COLUMNS may be Int.max).
            used += max(1, cells / width + (cells % width == 0 ? 0 : 1))
            if used >= rows { return true }
        }
        return false
    }

    /// `line` without its colour codes (they take no cells).
    static func withoutEscapes(_ line: Substring) -> String {
        guard line.contains("\u{1B}") else { return String(line) }
        var out = ""
        var inEscape = false
        for c in line {
            if inEscape {
                if c.isLetter { inEscape = false }
            } else if c == "\u{1B}" {
                inEscape = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// Shows `text` through `command` (run by `/bin/sh -c`), waiting until the pager ends.
    /// Returns why it could not, when it could not start or could not be given the text (the
    /// caller then prints the text and says why); a pager quit early is not a failure.
    static func show(_ text: String, through command: String) -> String? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return "no pipe for the pager: \(String(cString: strerror(errno)))" }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        var environment = Self.environment()
        defer { for p in environment { free(p) } }
        environment.append(nil)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environment)
        close(readEnd)
        guard spawned == 0 else {
            close(writeEnd)
            return "the pager '\(command)' did not start: \(String(cString: strerror(spawned)))"
        }
        let pipe = FileDescriptor(rawValue: writeEnd)
        var failure: String?
        do {
            _ = try pipe.writeAll(text.utf8)
        } catch let error as Errno where error == .brokenPipe {
            // The pager ended before reading everything (q at the first page): the rest is not
            // wanted, so this refusal is no failure.
        } catch {
            failure = "the pager '\(command)' could not be given the text: \(error)"
        }
        // Closing the pipe's write end is what tells the pager the text is complete; a failure
        // to close a pipe leaves nothing unsaid (the text was written or its failure is kept).
        try? pipe.close()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // `sh -c` answers 127 when the command is not found: nothing was shown.
        if status >> 8 & 0xFF == 127 { return "the pager '\(command)' was not found" }
        return failure
    }

    /// This process's environment for the pager, with `LESS=FRX` when `LESS` is unset.
    private static func environment() -> [UnsafeMutablePointer<CChar>?] {
        var out: [UnsafeMutablePointer<CChar>?] = []
        var hasLess = false
        var p = environ
        while let entry = p.pointee {
            if strncmp(entry, "LESS=", 5) == 0 { hasLess = true }
            out.append(strdup(entry))
            p += 1
        }
        if !hasLess { out.append(strdup("LESS=FRX")) }
        return out
    }
}
