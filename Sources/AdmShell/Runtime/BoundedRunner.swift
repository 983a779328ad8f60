/// Runs `count` pieces of work with at most `concurrency` at once, results in input order. On
/// the caller's task it redraws `progress` every second and after each piece, and stops
/// starting new pieces once `stop` says so or the task is cancelled; what never ran (or was
/// cancelled in flight) is nil. Fan-outs, inventories and snapshots share it.
func runBounded<T: Sendable>(
    count: Int,
    concurrency: Int,
    progress: BulkProgress?,
    stop: (T) -> Bool = { _ in false },
    work: @escaping @Sendable (Int) async -> T
) async -> [T?] {
    var collected = [T?](repeating: nil, count: count)
    await withTaskGroup(of: BoundedEvent<T>.self) { group in
        var next = 0
        var inFlight = 0
        var stopped = false
        func start() {
            let index = next
            group.addTask { .finished(index, await work(index)) }
            next += 1
            inFlight += 1
        }
        func tick() {
            group.addTask {
                try? await Task.sleep(for: .seconds(1))
                return .tick
            }
        }
        while next < count && inFlight < max(1, concurrency) { start() }
        if progress != nil { tick() }
        while inFlight > 0, let event = await group.next() {
            switch event {
            case .tick:
                progress?.redraw()
                if inFlight > 0, !Task.isCancelled { tick() }
            case .finished(let index, let value):
                inFlight -= 1
                collected[index] = value
                progress?.advance()
                if stop(value) {
                    stopped = true
                    group.cancelAll()
                }
                if !Task.isCancelled, !stopped, next < count { start() }
            }
        }
        group.cancelAll()
    }
    progress?.finish()
    return collected
}

/// What `runBounded` waits for: a piece finished, or a second gone by.
enum BoundedEvent<T: Sendable>: Sendable {
    case finished(Int, T)
    case tick
}
