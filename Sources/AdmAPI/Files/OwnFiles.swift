import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing the files `AdmFile` lists. Every write checks first that the target is missing,
/// empty, or a regular file adm recognises as the kind it is writing; holds a lock that names
/// the writing process while it writes (a second adm writing the same file is refused with the
/// first one's PID); and reports any failure — a missing folder, no permission, a full disk —
/// as an error, never silently.
public enum OwnFiles {
    /// Refuses to write `path` as `kind` unless it is missing, empty, or adm's own.
    public static func check(_ path: String, as kind: AdmFile) throws(FileError) {
        var st = stat()
        guard stat(FileMode.place(path, writing: false), &st) == 0 else {
            if errno == ENOENT { return }
            throw FileError("could not check \(path) before writing it: \(String(cString: strerror(errno)))")
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            let type = st.st_mode & S_IFMT == S_IFDIR ? "a folder" : "not a regular file (a device, a pipe or a socket)"
            throw FileError("\(path) is \(type); adm writes its \(kind.what) only to a file of its own")
        }
        guard st.st_size > 0 else { return }
        let head: [UInt8]
        do { head = try FileMode.readBytes(path, limit: AdmFile.headSize) } catch {
            throw FileError("could not read \(path) to check it is an adm \(kind.what): \(error.description)")
        }
        guard kind.recognizes(head) else {
            throw FileError(
                "\(path) exists and is not an adm \(kind.what) (\(describe(head))); adm does not replace or add to files it did not write: choose another name or move it away"
            )
        }
    }

    /// What a foreign file looks like, for the refusal (never its content: it may be secret).
    static func describe(_ head: [UInt8]) -> String {
        if TextFile.binaryOffset(head) != nil { return "binary data" }
        let lines = head.split(separator: UInt8(ascii: "\n")).count
        return
            "\(head.count >= AdmFile.headSize ? "over \(AdmFile.headSize / 1024) KiB" : "\(head.count) bytes") of text, \(lines) line\(lines == 1 ? "" : "s") not in adm's form"
    }

    /// Replaces `path` with `text` (0600, atomically: a temporary file renamed over it) after
    /// `check`, under the file's lock. `durable` waits for the disk before the rename.
    public static func replace(_ path: String, with text: String, as kind: AdmFile, durable: Bool = true) throws(FileError) {
        let lock = try FileLock.acquire(path, writing: kind)
        defer { lock.release() }
        try check(path, as: kind)
        try FileMode.writePrivate(path, text, durable: durable)
    }

    /// Appends `text` to `path` (created 0600 when missing) after `check`, under the file's lock.
    public static func append(_ path: String, _ text: String, as kind: AdmFile, durable: Bool = true) throws(FileError) {
        let lock = try FileLock.acquire(path, writing: kind)
        defer { lock.release() }
        try check(path, as: kind)
        try FileMode.appendPrivate(path, text, durable: durable)
    }

    /// Puts `keys` into the keys file at `path` (0600): a line `NAME=VALUE` per key, replacing a
    /// line of the same name and keeping every other line, so no key already in the file is lost.
    public static func storeKeys(_ keys: [(name: String, secret: Secret)], in path: String) throws(FileError) {
        let lock = try FileLock.acquire(path, writing: .keysFile)
        defer { lock.release() }
        try check(path, as: .keysFile)
        var lines: [String] = []
        if FileMode.exists(path) {
            let text = try TextFile.read(path, kind: "keys file")
            lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while lines.last == "" { lines.removeLast() }
        }
        for (name, secret) in keys {
            let line = "\(name)=\(secret.unredacted)"
            if let i = lines.firstIndex(where: { $0.split(separator: "=", maxSplits: 1).first.map { $0.trimmingCharacters(in: " ") } == name }) {
                lines[i] = line
            } else {
                lines.append(line)
            }
        }
        try FileMode.writePrivate(path, lines.joined(separator: "\n") + "\n")
    }
}

/// An exclusive lock on writing one path, between adm processes: `flock` on a lock file beside
/// it (`.NAME.adm-lock`, holding the holder's PID for the refusal). A lock whose holder died is
/// free again (the kernel drops `flock`s with the process), and the lock file goes when the
/// lock is released.
public final class FileLock: Sendable {
    let lockPath: String
    let descriptor: Int32
    private let released = Atomic<Bool>(false)

    private init(lockPath: String, descriptor: Int32) {
        self.lockPath = lockPath
        self.descriptor = descriptor
    }

    /// The lock file of `path`.
    static func lockPath(for path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let name = parts.removeLast()
        return (parts.isEmpty ? "" : parts.joined(separator: "/") + "/") + "." + name + ".adm-lock"
    }

    /// Takes the lock on writing `path`, or says which process holds it.
    public static func acquire(_ path: String, writing kind: AdmFile) throws(FileError) -> FileLock {
        let lockPath = lockPath(for: FileMode.place(path, writing: true, keepingContent: false))
        for _ in 0..<8 {
            let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                let folder = String(path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/"))
                if errno == ENOENT, !folder.isEmpty { throw FileError("could not write \(path): the folder \(folder) does not exist") }
                throw FileError("could not write \(path): \(reason)")
            }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                let holder = (try? FileMode.read(lockPath))?.trimmingCharacters(in: " \n") ?? ""
                close(fd)
                throw FileError(
                    "\(path) is being written by another adm\(holder.isEmpty ? "" : " (pid \(holder))"); wait for it to finish, or write to another file"
                )
            }
            // The file may have been removed by a holder releasing it between our open and
            // flock: then we locked a name nobody else sees; take a fresh one.
            var mine = stat()
            var named = stat()
            guard fstat(fd, &mine) == 0, stat(lockPath, &named) == 0, mine.st_ino == named.st_ino else {
                close(fd)
                continue
            }
            let pid = "\(getpid())\n"
            _ = ftruncate(fd, 0)
            _ = pid.withCString { write(fd, $0, strlen($0)) }
            return FileLock(lockPath: lockPath, descriptor: fd)
        }
        throw FileError("could not lock \(path) for writing (its lock file keeps changing)")
    }

    /// Releases the lock (and removes the lock file).
    public func release() {
        guard !released.exchange(true, ordering: .relaxed) else { return }
        unlink(lockPath)
        close(descriptor)
    }

    deinit { release() }
}
