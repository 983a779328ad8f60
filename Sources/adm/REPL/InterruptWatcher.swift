import AdmAPI
import AdmHTTP
import CInterrupt
@preconcurrency import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// While a command runs, Ctrl-C cancels it: a read source on the interrupt pipe cancels the
/// command's task (the request or the `--all` paging stops, the prompt comes back). At the
/// prompt the source is suspended and the line reader takes the interrupt instead.
///
/// Scripts and one-liners run under one too: the first Ctrl-C cancels the statement running,
/// which shows what finished and says it is partial; a second one, while the first is still
/// being honoured, ends the process at once, as Ctrl-C always did.
///
/// The REPL watches with a dispatch read source (suspended at the prompt). A one-liner or a
/// script whose thread is lent to it (`LentThreadExecutor`) watches in that thread's `poll`
/// instead, which starts no thread; there a Ctrl-C while no statement runs ends the process,
/// as it would with no watcher.
final class InterruptWatcher: Sendable {
    /// A dispatch read source, boxed: an optional existential would be made by name on every
    /// run, the lent thread's too (a one-liner's start-up).
    private final class Source: Sendable {
        let read: any DispatchSourceRead
        init(_ read: any DispatchSourceRead) { self.read = read }
        func resume() { read.resume() }
        func suspend() { read.suspend() }
        func cancel() { read.cancel() }
    }

    private let source: Source?
    /// The command running: what cancels it, and whether it was cancelled already. (A struct,
    /// not a tuple: an optional tuple of a closure is made by name on every run.)
    private struct Running {
        let cancel: @Sendable () -> Void
        var cancelled = false
    }

    private let current = Mutex<Running?>(nil)
    /// A dispatch source must not be released while suspended.
    private let suspended = Mutex(true)
    /// A prompt inside the command reads the interrupt itself (see `paused`): the handler, which
    /// may already be on its way when the source is suspended, leaves the byte to it.
    private let prompting = Atomic<Bool>(false)

    /// Watching with a dispatch read source.
    init() {
        let source = DispatchSource.makeReadSource(fileDescriptor: adm_interrupt_fd(), queue: .global())
        self.source = Source(source)
        source.setEventHandler { [weak self] in
            guard self?.prompting.load(ordering: .acquiring) != true else { return }
            guard adm_drain_interrupts() > 0 else { return }
            self?.interrupted()
        }
    }

    /// Watching in the `poll` of the thread lent to the work.
    init(on thread: LentThreadExecutor) {
        source = nil
        thread.watch(adm_interrupt_fd()) { [weak self] in
            guard adm_drain_interrupts() > 0 else { return }
            guard let self, self.interrupted() else {
                // No statement to stop: Ctrl-C ends the process, as with no watcher.
                signal(SIGINT, SIG_DFL)
                raise(SIGINT)
                return
            }
        }
    }

    /// Ctrl-C: cancels the command running (the second time, ends the process). Returns
    /// whether a command was running.
    @discardableResult
    private func interrupted() -> Bool {
        let command: Running? = current.withLock { running in
            guard let command = running else { return nil }
            if command.cancelled {
                // The second Ctrl-C: stop waiting for the first to be honoured.
                signal(SIGINT, SIG_DFL)
                raise(SIGINT)
            }
            running?.cancelled = true
            return command
        }
        guard let command else { return false }
        command.cancel()
        return true
    }

    /// Runs `command` as a task and watches for Ctrl-C while it runs. Interrupts from before
    /// (the prompt's) are drained first, so none sent once the command started is lost.
    func run(_ command: @escaping @Sendable () async -> Void) async {
        await watch(Task { await command() })
    }

    /// Runs `command` on the client's event loop (nothing blocks a thread in a script) while
    /// watching for Ctrl-C, and returns what it returned.
    func run<T: Sendable>(onEventLoop command: @escaping @Sendable () async -> T) async -> T {
        await watch(Task(executorPreference: EventLoopExecutor.client) { await command() })
    }

    private func watch<T: Sendable>(_ task: Task<T, Never>) async -> T {
        _ = adm_drain_interrupts()
        current.withLock { $0 = Running(cancel: { task.cancel() }) }
        suspended.withLock { s in
            source?.resume()
            s = false
        }
        let value = await task.value
        suspended.withLock { s in
            source?.suspend()
            s = true
        }
        current.withLock { $0 = nil }
        return value
    }

    /// Runs `body` (a prompt reading the terminal itself) with the watch paused, so a Ctrl-C
    /// typed at that prompt reaches the prompt rather than cancelling the command around it.
    func paused<T>(_ body: () -> T) -> T {
        prompting.store(true, ordering: .releasing)
        defer { prompting.store(false, ordering: .releasing) }
        let wasWatching = suspended.withLock { s in
            guard !s else { return false }
            source?.suspend()
            s = true
            return true
        }
        defer {
            if wasWatching {
                suspended.withLock { s in
                    source?.resume()
                    s = false
                }
            }
        }
        return body()
    }

    deinit {
        suspended.withLock { s in if s { source?.resume() } }
        source?.cancel()
    }
}
