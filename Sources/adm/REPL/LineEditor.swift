import AdmShell
@preconcurrency import CEditLine
import CInterrupt
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What reading a line produced.
enum LineResult {
    case line(String)
    /// Ctrl-C at the prompt: the line is dropped.
    case interrupted
    /// Ctrl-D on an empty line.
    case endOfInput
}

/// The libedit line editor behind one small type: emacs keys by default (`bind -v` in
/// ~/.editrc for vi), history with Ctrl-R, Tab completion from a callback.
///
/// libedit calls back into capture-free C functions, so their state lives in global `let`s of
/// `Mutex`/`Atomic` types.
enum LineEditor {
    /// Computes completions for (line, cursor) → (replacement start, candidates).
    typealias Completer = @Sendable (String, Int) -> [String]

    static let completer = Mutex<Completer?>(nil)
    static let candidates = Mutex<[String]>([])
    static let interrupted = Atomic<Bool>(false)
    /// Where keystrokes are read from: the terminal of stdin opened again, non-blocking, so a
    /// Ctrl-C that makes the kernel discard pending input can never leave a read blocked.
    static let inputFD = Atomic<Int32>(0)
    /// No UTF-8 locale could be set: lines are read without editing (see `useUTF8CharacterType`).
    static let plain = Atomic<Bool>(false)

    /// `libedit (EditLine wrapper) 2.11`: the library's own name for itself, when it gives one.
    static var version: String? {
        guard let name = rl_library_version else { return nil }
        return "libedit (\(String(cString: name)))"
    }

    /// Sets libedit up; every `rl_*` variable is set before the first libedit call.
    static func setUp(historyPath: String, completer: @escaping Completer) {
        if let name = ttyname(0) {
            let fd = open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            if fd >= 0 { inputFD.store(fd, ordering: .relaxed) }
        }
        guard useUTF8CharacterType() else {
            plain.store(true, ordering: .relaxed)
            fputs("adm: no UTF-8 locale is installed; line editing, history and Tab completion are off\n", adm_stderr())
            return
        }
        self.completer.withLock { $0 = completer }
        rl_readline_name = UnsafePointer(strdup("adm"))
        rl_catch_signals = 0
        rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n\"'|;"))
        rl_completion_append_character = 0x20
        rl_getc_function = admGetc
        rl_attempted_completion_function = admComplete
        rl_initialize()
        // Ctrl-L clears the screen and redraws the line, as in bash and psql.
        _ = rl_parse_and_bind("bind ^L ed-clear-screen")
        stifle_history(2000)
        _ = read_history(historyPath)
    }

    /// Chooses the environment's character type, or C.UTF-8 when that is not UTF-8.
    ///
    /// libedit's readline emulation dereferences a null pointer at the first prompt when
    /// LC_CTYPE is single-byte (C or POSIX: LANG unset, as in many containers and `env -i`).
    /// adm reads and writes UTF-8 whatever the locale, so only the character type changes.
    static func useUTF8CharacterType() -> Bool {
        func isUTF8() -> Bool {
            guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
            let name = String(cString: codeset).lowercased()
            return name == "utf-8" || name == "utf8"
        }
        setlocale(LC_CTYPE, "")
        if isUTF8() { return true }
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, name) != nil && isUTF8() {
            return true
        }
        return false
    }

    static func read(prompt: String) -> LineResult {
        interrupted.store(false, ordering: .relaxed)
        _ = adm_drain_interrupts()
        if plain.load(ordering: .relaxed) { return readPlain(prompt: prompt) }
        guard let raw = readline(prompt) else {
            return interrupted.load(ordering: .relaxed) ? .interrupted : .endOfInput
        }
        defer { free(raw) }
        return .line(String(cString: raw))
    }

    /// A line without editing, for terminals where libedit cannot run.
    private static func readPlain(prompt: String) -> LineResult {
        let visible = prompt.replacing(/\x{1}[^\x{2}]*\x{2}/, with: "")
        fputs(visible, adm_stdout())
        fflush(adm_stdout())
        var bytes: [UInt8] = []
        while let byte = readInputByte() {
            if byte == 0x0A { return .line(String(decoding: bytes, as: UTF8.self)) }
            bytes.append(UInt8(truncatingIfNeeded: byte))
        }
        if interrupted.load(ordering: .relaxed) { return .interrupted }
        return bytes.isEmpty ? .endOfInput : .line(String(decoding: bytes, as: UTF8.self))
    }

    static func addHistory(_ line: String) {
        if !plain.load(ordering: .relaxed) { add_history(line) }
    }

    /// Adds the last line to the history file (mode 0600), under a lock so that shells open side
    /// by side each keep their lines: a shell appends, never rewrites what others wrote, and
    /// reads everyone's lines when it starts. A file without libedit's header gets one first.
    static func appendHistory(_ path: String) {
        if plain.load(ordering: .relaxed) { return }
        // History is a convenience: a line that cannot be kept loses nothing else (a history that
        // cannot be kept at all is said once, when the shell starts).
        withHistoryLock(path) {
            var st = stat()
            if stat(path, &st) != 0 || st.st_size == 0 {
                _ = write_history(path)
            } else {
                _ = append_history(1, path)
            }
        }
    }

    /// Keeps the history file to its last 2,000 lines (at the end of a session).
    static func trimHistory(_ path: String) {
        if plain.load(ordering: .relaxed) { return }
        withHistoryLock(path) { _ = history_truncate_file(path, 2000) }
    }

    private static func withHistoryLock(_ path: String, _ body: () -> Void) {
        let old = umask(0o077)
        defer { umask(old) }
        let fd = open(path + ".lock", O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { flock(fd, LOCK_EX) }
        body()
        chmod(path, 0o600)
        if fd >= 0 {
            flock(fd, LOCK_UN)
            close(fd)
        }
    }

    /// The history entries, oldest first.
    static func entries() -> [String] {
        if plain.load(ordering: .relaxed) { return [] }
        var out: [String] = []
        var i: Int32 = 0
        while i < history_length {
            if let e = history_get(history_base + i), let line = e.pointee.line { out.append(String(cString: line)) }
            i += 1
        }
        return out
    }

    /// Reads a secret with echo off.
    static func readSecret(prompt: String) -> String? {
        var saved = termios()
        guard adm_echo_off(&saved) == 0 else { return nil }
        defer {
            _ = adm_echo_restore(&saved)
            fputs("\n", adm_stderr())
        }
        // Waits on the terminal and the interrupt pipe together: Ctrl-C ends the prompt (nil:
        // nothing is added) instead of leaving it to take the next line typed. Interrupts from
        // before are dropped before the prompt shows, so none typed at it is lost.
        _ = adm_drain_interrupts()
        LineEditor.interrupted.store(false, ordering: .relaxed)
        fputs(prompt, adm_stderr())
        fflush(adm_stderr())
        var bytes: [UInt8] = []
        while let byte = readInputByte() {
            if byte == 0x0A || byte == 0x0D { return String(decoding: bytes, as: UTF8.self) }
            if byte == 0x03 { return nil }
            bytes.append(UInt8(truncatingIfNeeded: byte))
        }
        return nil
    }
}

/// One byte from the terminal, waiting on it and the interrupt pipe together; nil on end of
/// input, an error, or a Ctrl-C (which sets `LineEditor.interrupted`).
///
/// The read never blocks: a Ctrl-C makes the kernel discard typed input between `poll` and
/// `read`, and a blocking read would then wait forever (the signal lands on another thread).
private func readInputByte() -> Int32? {
    let input = LineEditor.inputFD.load(ordering: .relaxed)
    var fds = [
        pollfd(fd: input, events: Int16(POLLIN), revents: 0), pollfd(fd: adm_interrupt_fd(), events: Int16(POLLIN), revents: 0),
        pollfd(fd: adm_redraw_fd(), events: Int16(POLLIN), revents: 0),
    ]
    while true {
        let r = poll(&fds, 3, -1)
        if r < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if fds[2].revents & Int16(POLLIN) != 0 {
            // A resize or `fg` at the prompt: libedit learns the new size and redraws the line,
            // so what is drawn is what will run.
            let change = adm_drain_redraws()
            if change != 0 {
                rl_resize_terminal()
                rl_forced_update_display()
            }
            continue
        }
        if fds[1].revents & Int16(POLLIN) != 0 {
            _ = adm_drain_interrupts()
            LineEditor.interrupted.store(true, ordering: .relaxed)
            return nil
        }
        if fds[0].revents & Int16(POLLIN | POLLHUP) != 0 {
            var b: UInt8 = 0
            let n = Glibc.read(input, &b, 1)
            if n == 1 { return Int32(b) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            return nil
        }
    }
}

/// libedit's character reader: waits on the terminal and the interrupt pipe together, so
/// Ctrl-C works at the prompt whichever thread the signal lands on, and decodes UTF-8 into one
/// code point per call (what libedit's wide-character reader expects).
private func admGetc(_ stream: UnsafeMutablePointer<FILE>?) -> Int32 {
    guard let first = readInputByte() else { return -1 }
    if first == 0x03 {
        LineEditor.interrupted.store(true, ordering: .relaxed)
        return -1
    }
    let lead = UInt32(first)
    let extra: Int
    var scalar: UInt32
    switch lead {
    case 0..<0x80: return first
    case 0xC0..<0xE0:
        extra = 1
        scalar = lead & 0x1F
    case 0xE0..<0xF0:
        extra = 2
        scalar = lead & 0x0F
    case 0xF0..<0xF8:
        extra = 3
        scalar = lead & 0x07
    default: return 0xFFFD
    }
    for _ in 0..<extra {
        guard let next = readInputByte() else { return -1 }
        scalar = (scalar << 6) | (UInt32(next) & 0x3F)
    }
    return Int32(bitPattern: scalar)
}

/// Tab: asks the completer for candidates for the whole line; never falls back to file names.
private func admComplete(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    rl_attempted_completion_over = 1
    let line = rl_line_buffer.map { String(cString: $0) } ?? ""
    let point = Int(rl_point)
    let list = LineEditor.completer.withLock { $0 }?(line, point) ?? []
    LineEditor.candidates.withLock { $0 = list }
    guard !list.isEmpty else { return nil }
    return rl_completion_matches(text, admGenerate)
}

/// Hands libedit the candidates one by one (`strdup`ed: libedit frees them).
private func admGenerate(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    let prefix = text.map { String(cString: $0) } ?? ""
    let list = LineEditor.candidates.withLock { $0 }.filter { AdmShell.Completer.matches($0, typed: prefix) }
    let index = Int(state)
    guard index < list.count else { return nil }
    return strdup(list[index])
}
