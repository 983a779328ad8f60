import AdmAPI

/// What long work says while it runs: before it starts, one line with its estimate when that
/// is over ten seconds at the pace the endpoint was seen to grant (`~4 min: 31 calls to GET
/// /organization/projects/{project_id}/api_keys at ~8/min; Ctrl-C stops`); while it runs, on a
/// terminal only, a line on standard error redrawn in place (done/total, refusals, pace, time
/// left); at the end, nothing left behind. When an endpoint's limit is found only mid-job (the
/// first contact), the estimate line comes then.
final class BulkProgress {
    let status: StatusOutput
    let scheduler: RateLimitScheduler
    /// The endpoints the work calls (each paced on its own; the slowest sets the time left).
    let buckets: [RateLimitScheduler.Bucket]
    /// `GET /…` for one endpoint, `5 endpoints` for more.
    let label: String
    let total: Int?
    private(set) var done = 0
    private let refusedAtStart: Int
    private var announced = false
    /// Runs on the job's task before each redraw (prints the `-v` lines of calls made meanwhile).
    var beforeRedraw: (() -> Void)?

    /// Estimates over this are announced.
    static let announceAbove = 10.0

    convenience init(status: StatusOutput, scheduler: RateLimitScheduler, bucket: RateLimitScheduler.Bucket, total: Int?) {
        self.init(status: status, scheduler: scheduler, buckets: [bucket], total: total)
    }

    init(status: StatusOutput, scheduler: RateLimitScheduler, buckets: [RateLimitScheduler.Bucket], total: Int?) {
        self.status = status
        self.scheduler = scheduler
        self.buckets = buckets
        self.total = total
        self.label = buckets.count == 1 ? buckets[0].endpoint : "\(buckets.count) endpoints"
        self.refusedAtStart = buckets.map { scheduler.outlook($0).refused }.reduce(0, +)
        announceIfLong()
    }

    /// The time the slowest endpoint needs for its share of `calls`, and its pace.
    func estimate(calls: Int) -> (seconds: Double, perMinute: Double)? {
        let share = Int(saturating: (Double(calls) / Double(max(1, buckets.count))).rounded(.up))
        return buckets.compactMap { b -> (Double, Double)? in
            let outlook = scheduler.outlook(b)
            guard let seconds = outlook.seconds(forCalls: share), let pace = outlook.perMinute else { return nil }
            return (seconds, pace)
        }.max { $0.0 < $1.0 }
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
        guard !announced, let remaining, remaining > 0, let (seconds, pace) = estimate(calls: remaining), seconds > Self.announceAbove else { return }
        announced = true
        let count = "\(remaining)\(done == 0 ? "" : " more") call\(remaining == 1 ? "" : "s") to \(label)"
        status.warn(
            status.style.dim(
                "~\(Formatting.duration(seconds)): \(count) at ~\(Formatting.number(pace, decimals: 1))/min (the endpoint's rate limit); Ctrl-C stops, keeping what finished"
            )
        )
    }

    /// Redraws the progress line (a terminal only; `Console` decides).
    func redraw() {
        beforeRedraw?()
        var parts = [total.map { "\(done)/\($0)" } ?? "\(done) page\(done == 1 ? "" : "s")"]
        let refused = buckets.map { scheduler.outlook($0).refused }.reduce(0, +) - refusedAtStart
        if refused > 0 { parts.append("\(refused) refused (429)") }
        if let remaining, remaining > 0, let (seconds, pace) = estimate(calls: remaining) {
            parts.append("~\(Formatting.number(pace, decimals: 1))/min")
            parts.append("~\(Formatting.duration(seconds)) left")
        } else if buckets.count == 1, let pace = scheduler.outlook(buckets[0]).perMinute {
            parts.append("~\(Formatting.number(pace, decimals: 1))/min")
        }
        status.progress(done: done, total: total, line: status.style.dim(label + "  " + parts.joined(separator: " · ")))
    }

    /// Removes the progress line.
    func finish() {
        status.clearProgress()
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
