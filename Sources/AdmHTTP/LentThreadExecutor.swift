import CInterrupt
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A task executor on a thread that lends itself: `run` blocks the calling thread and runs
/// every job enqueued here on it until the work it was given is done.
///
/// A one-liner's work starts before anything has asked for the client's event loop, and
/// `EventLoopExecutor` sends such jobs to Swift's global executor: a worker thread started
/// for a `print 1` (and a second as jobs overlap). Lent the process's main thread instead —
/// which has nothing else to do once the command line is read — a one-liner that makes no
/// request runs on one thread, and one that does moves to the event loop with its first
/// request, as before. The thread also watches one file descriptor (the Ctrl-C self-pipe) in
/// the same `poll`, so watching for Ctrl-C starts no thread either.
///
/// Nothing here may block: a job that waits for another job on this thread would wait for
/// ever (jobs that block run on `DiskWork`'s queue, as everywhere under `EventLoopExecutor`).
public final class LentThreadExecutor: TaskExecutor, @unchecked Sendable {
    /// The jobs to run, and whether the lent thread is (about to be) asleep in `poll`: only
    /// then does a new job write to the wake-up pipe (a job enqueued by a job on this thread,
    /// the common case, costs no system call).
    private struct Queue {
        var jobs: [UnownedJob] = []
        var parked = false
    }

    private let queue = Mutex(Queue())
    /// Written when a job arrives or the watch changes while the lent thread is parked; the
    /// lent thread polls its read end.
    private let wake: (read: Int32, write: Int32)
    /// A descriptor to watch beside the jobs, and what runs when it is readable (it must read
    /// what made it so, or it is called again at once). A struct, not a tuple: an optional tuple
    /// of a closure is made by name when first used, on every run.
    private struct Watch {
        let fd: Int32
        let handler: @Sendable () -> Void
    }

    private let watched = Mutex<Watch?>(nil)

    /// The executor lending the current process's main thread, while `run` runs.
    public static var current: LentThreadExecutor? { lent.withLock { $0 } }
    private static let lent = Mutex<LentThreadExecutor?>(nil)

    public init() {
        var fds: (Int32, Int32) = (-1, -1)
        let made = withUnsafeMutableBytes(of: &fds) { adm_make_pipe($0.baseAddress!.assumingMemoryBound(to: Int32.self)) }
        wake = made == 0 ? fds : (-1, -1)
    }

    deinit {
        close(wake.read)
        close(wake.write)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let parked = queue.withLock {
            $0.jobs.append(job)
            return $0.parked
        }
        if parked { poke() }
    }

    /// Calls `handler` on the lent thread whenever `fd` is readable.
    public func watch(_ fd: Int32, _ handler: @escaping @Sendable () -> Void) {
        watched.withLock { $0 = Watch(fd: fd, handler: handler) }
        if queue.withLock({ $0.parked }) { poke() }
    }

    private func poke() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    /// Runs `work` to its end with this thread running its jobs (and `EventLoopExecutor`'s,
    /// until the event loop is made), and returns what it returned. A job that ends the process
    /// (`exit`) ends it here too.
    public func run<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let result = Mutex<T?>(nil)
        // Signals reach the process through this thread (others block them: NIO's loops,
        // dispatch's workers), whatever mask the parent left it (a test runner's blocks SIGINT),
        // as on a thread parked in dispatch_main.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        Self.lent.withLock { $0 = self }
        EventLoopExecutor.client.sendEarlyJobs(to: self)
        defer {
            EventLoopExecutor.client.sendEarlyJobs(to: nil)
            Self.lent.withLock { $0 = nil }
        }
        Task(executorPreference: self) {
            let value = await work()
            result.withLock { $0 = value }
            if self.queue.withLock({ $0.parked }) { self.poke() }
        }
        while true {
            while let job = queue.withLock({ $0.jobs.isEmpty ? nil : $0.jobs.removeFirst() }) {
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
            if let value = result.withLock({ $0 }) { return value }
            // Parked from here: a job or result from now on pokes the pipe, so one that came
            // between the check above and this line is seen below and one after it wakes `poll`.
            let idle = queue.withLock {
                $0.parked = $0.jobs.isEmpty
                return $0.parked
            }
            if idle, result.withLock({ $0 == nil }) { waitForWork() }
            queue.withLock { $0.parked = false }
        }
    }

    /// Sleeps until a job arrives or the watched descriptor is readable (then runs its handler).
    private func waitForWork() {
        let watch = watched.withLock { $0 }
        var fds = (
            pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
            pollfd(fd: watch?.fd ?? -1, events: Int16(POLLIN), revents: 0)
        )
        // Without its wake-up pipe (no descriptor left when it was made) the thread looks for
        // work every millisecond instead of waiting to be told: slower, never stuck.
        let timeout: Int32 = wake.read >= 0 ? -1 : 1
        let ready = withUnsafeMutableBytes(of: &fds) {
            poll($0.baseAddress!.assumingMemoryBound(to: pollfd.self), watch == nil ? 1 : 2, timeout)
        }
        guard ready > 0 else { return }
        if fds.0.revents != 0 {
            var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            while withUnsafeMutableBytes(of: &buffer, { read(wake.read, $0.baseAddress, $0.count) }) > 0 {}
        }
        if let watch, fds.1.revents != 0 { watch.handler() }
    }
}
