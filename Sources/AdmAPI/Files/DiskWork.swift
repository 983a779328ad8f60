import Dispatch

/// Disk work that waits for the disk (a journal synced before the next request, a secrets
/// file) done on a thread of its own, so the event loop that scripts and the HTTP client share
/// is never blocked by `fsync`. One serial queue: writes keep their order. A rehearsal's
/// scratch folder (`Scratch.current`, task-local) goes with the work.
public enum DiskWork {
    private static let queue = DispatchQueue(label: "adm.disk-work")

    /// Runs `body` on the disk queue and waits (without blocking this thread) for what it
    /// returned or threw.
    public static func perform<T: Sendable>(_ body: @escaping @Sendable () throws(FileError) -> T) async throws(FileError) -> T {
        let folder = Scratch.current
        let result: Result<T, FileError> = await withCheckedContinuation { continuation in
            queue.async {
                let outcome = within(folder) { () -> Result<T, FileError> in
                    do throws(FileError) { return .success(try body()) } catch { return .failure(error) }
                }
                continuation.resume(returning: outcome)
            }
        }
        return try result.get()
    }

    /// Runs `body` on the disk queue without waiting for it (what the rate-limit scheduler has
    /// learned); `now` runs after everything queued before it.
    public static func later(_ body: @escaping @Sendable () -> Void) {
        let folder = Scratch.current
        queue.async { within(folder, body) }
    }

    /// Runs `body` on the disk queue after everything queued before it, and waits for it (the
    /// last writes at the end of a run).
    public static func now(_ body: @Sendable () -> Void) {
        let folder = Scratch.current
        queue.sync { within(folder, body) }
    }

    /// Runs `body` with the scratch folder of the task that queued it (none: as it is).
    private static func within<T>(_ folder: String?, _ body: () -> T) -> T {
        guard let folder else { return body() }
        return Scratch.$folder.withValue(folder) { body() }
    }
}
