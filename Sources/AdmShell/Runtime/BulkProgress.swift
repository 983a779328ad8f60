import AdmAPI

/// What long work says while it runs: before it starts, one line with its estimate when that
/// is over ten seconds at the pace the endpoint was seen to grant (`~4 min: 31 calls to GET
/// /organization/projects/{project_id}/api_keys at ~8/min; Ctrl-C stops`); while it runs, on a
/// terminal only, a line on standard error redrawn in place (done/total, refusals, pace, time
/// left); at the end, nothing left behind. When an endpoint's limit is found only mid-job (the
/// first contact), the estimate line comes then.
final class BulkProgress {
    let console: Console
    let scheduler: RateLimitScheduler
    let bucket: RateLimitScheduler.Bucket
    /// `31 calls to GET /…` or `pages of GET /…`.
    let what: String
    let total: Int?
    private(set) var done = 0
    private let refusedAtStart: Int
    private var announced = false

    /// Estimates over this are announced.
    static let announceAbove = 10.0

    init(console: Console, scheduler: RateLimitScheduler, bucket: RateLimitScheduler.Bucket, total: Int?) {
        self.console = console
        self.scheduler = scheduler
        self.bucket = bucket
        self.total = total
        self.what = total.map { "\($0) call\($0 == 1 ? "" : "s") to \(bucket.endpoint)" } ?? "pages of \(bucket.endpoint)"
        self.refusedAtStart = scheduler.outlook(bucket).refused
        announceIfLong()
    }

    /// Calls still to make (nil when unknown: a listing's pages).
    var remaining: Int? { total.map { max(0, $0 - done) } }

    /// One call finished.
    func advance() {
        done += 1
        announceIfLong()
        redraw()
    }

    /// Prints the estimate line once, when the work is known to take long.
    func announceIfLong() {
        guard !announced, let remaining, remaining > 0 else { return }
        let outlook = scheduler.outlook(bucket)
        guard let seconds = outlook.seconds(forCalls: remaining), seconds > Self.announceAbove, let pace = outlook.perMinute else { return }
        announced = true
        let count = done == 0 ? what : "\(remaining) more call\(remaining == 1 ? "" : "s") to \(bucket.endpoint)"
        console.warn(
            console.style.dim(
                "~\(Formatting.duration(seconds)): \(count) at ~\(Formatting.number(pace, decimals: 1))/min (the endpoint's rate limit); Ctrl-C stops, keeping what finished"
            )
        )
    }

    /// Redraws the progress line (a terminal only; `Console` decides).
    func redraw() {
        let outlook = scheduler.outlook(bucket)
        var parts = [total.map { "\(done)/\($0)" } ?? "\(done) page\(done == 1 ? "" : "s")"]
        let refused = outlook.refused - refusedAtStart
        if refused > 0 { parts.append("\(refused) refused (429)") }
        if let pace = outlook.perMinute, outlook.paced { parts.append("~\(Formatting.number(pace, decimals: 1))/min") }
        if let remaining, let seconds = outlook.seconds(forCalls: remaining), remaining > 0 { parts.append("~\(Formatting.duration(seconds)) left") }
        console.progress(console.style.dim(bucket.endpoint + "  " + parts.joined(separator: " · ")))
    }

    /// Removes the progress line.
    func finish() {
        console.clearProgress()
    }
}

/// Awaits `work` while `tick` runs every second (a progress line's redraw), on the caller's
/// task: the ticks and the result arrive through one task group, so the caller alone touches
/// its state.
func awaitTicking<T: Sendable>(tick: () -> Void, work: @escaping @Sendable () async -> T) async -> T {
    await withTaskGroup(of: TickEvent<T>.self, returning: T.self) { group in
        group.addTask { .done(await work()) }
        group.addTask {
            try? await Task.sleep(for: .seconds(1))
            return .tick
        }
        while let event = await group.next() {
            switch event {
            case .done(let value):
                group.cancelAll()
                return value
            case .tick:
                tick()
                group.addTask {
                    try? await Task.sleep(for: .seconds(1))
                    return .tick
                }
            }
        }
        fatalError("the work task always finishes")
    }
}

/// What `awaitTicking` waits for: the work's result, or a second gone by.
enum TickEvent<T: Sendable>: Sendable {
    case done(T)
    case tick
}
