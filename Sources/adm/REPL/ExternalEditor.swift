import AdmAPI
import AdmShell

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `edit` at the prompt (psql's `\e`): the previous line (or `edit N`, line N of `history`)
/// opened in `$VISUAL`, `$EDITOR` or `vi`, and what is saved runs as if typed. The text goes
/// through a 0600 file of adm's own in the state folder, removed once read back: a history line
/// holds no key value, and what is typed in the editor stays on this machine, readable by its
/// owner only, for as long as it is open.
enum ExternalEditor {
    /// A text — the one to open, or the one the editor left — or why there is none.
    enum Outcome {
        case text(String)
        case failed(String)
    }

    /// What `line` asks to edit when it is `edit` (the last history line) or `edit N` (line N as
    /// `history` numbers them); nil for any other line. The history is read only for an `edit`.
    static func request(_ line: String, history: () -> [String]) -> Outcome? {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.first == "edit" else { return nil }
        guard words.count <= 2 else { return .failed("expected 'edit' or 'edit N' (N as history numbers the lines)") }
        let lines = history()
        guard words.count == 2 else { return .text(lines.last ?? "") }
        guard let n = Int(words[1]), n >= 1, n <= lines.count else {
            let range = lines.isEmpty ? "the history is empty" : "history lists lines 1 to \(lines.count)"
            return .failed("no history line '\(TerminalText.inline(String(words[1].prefix(40))))' (\(range))")
        }
        return .text(lines[n - 1])
    }

    /// The editor, run by `/bin/sh -c` with the file as its argument (so `code -w` works).
    static func command() -> String {
        for name in ["VISUAL", "EDITOR"] {
            if let value = FileMode.environment(name), !value.trimmingCharacters(in: " \t").isEmpty { return value }
        }
        return "vi"
    }

    /// Opens `text` in the editor and waits for it to end.
    static func edit(_ text: String, in folder: String) -> Outcome {
        FileMode.makeDirectories(folder)
        let path = folder + "/edit-\(getpid()).adm"
        do { try FileMode.writePrivate(path, text.isEmpty ? "" : text + "\n", durable: false) } catch {
            return .failed(error.description)
        }
        defer { FileMode.remove(path) }
        let editor = command()
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(editor + " \"$1\""), strdup("sh"), strdup(path), nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        guard spawned == 0 else { return .failed("the editor '\(editor)' did not start: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let code = status >> 8 & 0xFF
        // `sh -c` answers 127 when the command is not found.
        if code == 127 { return .failed("the editor '\(editor)' was not found (set $VISUAL or $EDITOR)") }
        if status & 0x7F != 0 || code != 0 { return .failed("the editor '\(editor)' did not end cleanly (status \(code)): nothing was run") }
        do {
            let edited = try TextFile.read(path, kind: "edited text")
            let trimmed = edited.trimmingCharacters(in: " \t\r\n")
            return trimmed.isEmpty ? .failed("nothing to run (the text was left empty)") : .text(trimmed)
        } catch {
            return .failed(error.description)
        }
    }
}
