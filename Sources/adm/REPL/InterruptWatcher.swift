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

    /// Watches for Ctrl-C while `task` runs.
    func run(_ task: Task<Void, Never>) async {
        _ = adm_drain_interrupts()
        current.withLock { $0 = task }
        suspended.withLock { s in source.resume(); s = false }
        await task.value
        suspended.withLock { s in source.suspend(); s = true }
        current.withLock { $0 = nil }
    }

    deinit {
        suspended.withLock { s in if s { source.resume() } }
        source.cancel()
    }
}
