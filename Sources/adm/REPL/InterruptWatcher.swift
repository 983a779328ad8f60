import CInterrupt
@preconcurrency import Dispatch
import Synchronization

/// While a command runs, Ctrl-C cancels it: a read source on the interrupt pipe cancels the
/// command's task (the request or the `--all` paging stops, the prompt comes back). At the
/// prompt the source is suspended and the line reader takes the interrupt instead.
final class InterruptWatcher: Sendable {
    private let source: any DispatchSourceRead
    private let current = Mutex<Task<Void, Never>?>(nil)
    /// A dispatch source must not be released while suspended.
    private let suspended = Mutex(true)

    init() {
        source = DispatchSource.makeReadSource(fileDescriptor: adm_interrupt_fd(), queue: .global())
        source.setEventHandler { [weak self] in
            if adm_drain_interrupts() > 0 { self?.current.withLock { $0?.cancel() } }
        }
    }

    /// Runs `command` as a task and watches for Ctrl-C while it runs. Interrupts from before
    /// (the prompt's) are drained first, so none sent once the command started is lost.
    func run(_ command: @escaping @Sendable () async -> Void) async {
        _ = adm_drain_interrupts()
        let task = Task { await command() }
        current.withLock { $0 = task }
        suspended.withLock { s in
            source.resume()
            s = false
        }
        await task.value
        suspended.withLock { s in
            source.suspend()
            s = true
        }
        current.withLock { $0 = nil }
    }

    deinit {
        suspended.withLock { s in if s { source.resume() } }
        source.cancel()
    }
}
