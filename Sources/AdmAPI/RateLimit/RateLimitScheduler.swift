import Synchronization

/// Paces every call of a client per endpoint, learning each endpoint's limit from its answers.
///
/// A bucket is one key on one endpoint (method and path template) of one base URL, as the live
/// API counts them. Different endpoints proceed in parallel; calls on one endpoint queue in the
/// order they asked and go when `EndpointRate` predicts a token. What is learned is kept on disk
/// (`RateLimitMemory`) so the next process starts paced. Background calls (the completion
/// cache) never queue: they go only when a token is spare and no call waits for one.
public final class RateLimitScheduler: Sendable {
    /// One key on one endpoint of one API.
    public struct Bucket: Hashable, Sendable {
        /// A hash of the base URL and the key (never the key itself).
        public let owner: String
        /// `GET /organization/projects/{project_id}/api_keys`.
        public let endpoint: String

        public init(owner: String, endpoint: String) {
            self.owner = owner
            self.endpoint = endpoint
        }

        /// The bucket of `call` sent with `key` to `baseURL`.
        public init(baseURL: String, key: Secret?, call: Call) {
            owner = RateLimitMemory.owner(baseURL: baseURL, key: key)
            endpoint = call.endpoint?.signature ?? "\(call.method.rawValue) \(call.path)"
        }
    }

    /// What is known about a bucket, for estimates and progress lines.
    public struct Outlook: Sendable, Equatable {
        /// Whether the endpoint has refused: its calls are paced.
        public var paced: Bool
        /// The pace in requests per minute, once learned.
        public var perMinute: Double?
        /// Calls that can go at once now.
        public var available: Double
        /// Answers since the process started.
        public var granted: Int
        public var refused: Int
        /// Seconds until the next call may go (0 when it may go now).
        public var nextTurn: Double = 0

        /// Seconds `calls` more calls will take at this pace (nil when nothing is known).
        public func seconds(forCalls calls: Int) -> Double? {
            guard paced, let perMinute, perMinute > 0 else { return nil }
            return max(0, Double(calls) - available.rounded(.down)) / (perMinute / 60)
        }
    }

    private struct Lane {
        var rate = EndpointRate()
        /// Tickets waiting for a turn, oldest first.
        var waiting: [Int] = []
        /// Tickets behind the first, parked until they are first.
        var parked: [Int: CheckedContinuation<Void, Never>] = [:]

        /// The first ticket's continuation, when it is parked (to resume outside the lock).
        mutating func unparkFirst() -> CheckedContinuation<Void, Never>? {
            guard let first = waiting.first else { return nil }
            return parked.removeValue(forKey: first)
        }
    }

    private struct State {
        var lanes: [Bucket: Lane] = [:]
        var loadedOwners: Set<String> = []
        var nextTicket = 0
        /// When each owner's memory was last written, and owners with news not written yet.
        var savedAt: [String: Double] = [:]
        var unsaved: Set<String> = []
    }

    /// The memory file is written at most this often (seconds); `flush` writes what is left.
    static let saveInterval = 1.0

    private let state = Mutex(State())
    /// Where learned limits are kept between processes (nil: this process only).
    public let memory: RateLimitMemory?

    public init(memory: RateLimitMemory? = nil) {
        self.memory = memory
    }

    /// Why a call did not get its turn.
    public enum Denial: Error, Sendable, Equatable {
        /// The task was cancelled (Ctrl-C) while it waited.
        case cancelled
        /// The turn would come after `deadline` (`--max-wait`): at `turn`, a Unix time.
        case pastDeadline(turn: Double)
    }

    /// Waits for a turn to send a call to `bucket`. Throws `.cancelled` when the task is
    /// cancelled while waiting, and `.pastDeadline` at once when the turn is predicted after
    /// `deadline` (a Unix time): a call never sleeps past `--max-wait` only to give up then.
    ///
    /// Calls queue in order. The first in line sleeps until the model predicts a token (waking
    /// at least every second, as an answer may change the pace); the others are parked and
    /// resumed the moment they become first, so a queue drains as fast as tokens allow.
    public func admit(_ bucket: Bucket, deadline: Double? = nil) async throws(Denial) {
        enum Step {
            case go
            case sleep(Double)
            case park
        }
        var ticket: Int?
        defer {
            if let ticket {
                let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
                    s.lanes[bucket]?.waiting.removeAll { $0 == ticket }
                    s.lanes[bucket]?.parked.removeValue(forKey: ticket)
                    return s.lanes[bucket]?.unparkFirst()
                }
                next?.resume()
            }
        }
        while true {
            if Task.isCancelled { throw .cancelled }
            var resume: CheckedContinuation<Void, Never>?
            let step: Step = state.withLock { s in
                load(bucket.owner, into: &s)
                let now = UnixTime.precise()
                relaxIfStale(bucket, in: &s, now: now)
                var lane = s.lanes[bucket, default: Lane()]
                defer { s.lanes[bucket] = lane }
                if ticket == nil {
                    // Nothing queued and the endpoint is free: go at once (the common case).
                    if lane.waiting.isEmpty, lane.rate.nextSend(now: now) <= now {
                        lane.rate.admit(now: now)
                        return .go
                    }
                    s.nextTicket += 1
                    ticket = s.nextTicket
                    lane.waiting.append(s.nextTicket)
                }
                guard lane.waiting.first == ticket else { return .park }
                let next = lane.rate.nextSend(now: now)
                guard next <= now else { return .sleep(next - now) }
                lane.rate.admit(now: now)
                lane.waiting.removeFirst()
                ticket = nil
                // The next in line may go at once too (a free endpoint, a full bucket).
                resume = lane.unparkFirst()
                return .go
            }
            resume?.resume()
            switch step {
            case .go:
                return
            case .sleep(let seconds):
                let now = UnixTime.precise()
                if let deadline, now + seconds > deadline { throw .pastDeadline(turn: now + seconds) }
                let wait = min(max(seconds, 0.001), 1)
                do { try await Task.sleep(for: .seconds(clamped: wait)) } catch { throw .cancelled }
            case .park:
                await park(ticket!, in: bucket)
            }
        }
    }

    /// Parks `ticket` until it is first in line (or its task is cancelled).
    private func park(_ ticket: Int, in bucket: Bucket) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    // First already, or cancelled before parking (the handler found nothing to resume).
                    guard s.lanes[bucket]?.waiting.first != ticket, !Task.isCancelled else { return true }
                    s.lanes[bucket]?.parked[ticket] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { s in s.lanes[bucket]?.parked.removeValue(forKey: ticket) }?.resume()
        }
    }

    /// Whether a background call may go now (it takes a spare token, or none is needed).
    public func admitBackground(_ bucket: Bucket) -> Bool {
        state.withLock { s in
            load(bucket.owner, into: &s)
            let now = UnixTime.precise()
            var lane = s.lanes[bucket, default: Lane()]
            guard lane.waiting.isEmpty, lane.rate.hasSpare(now: now) else { return false }
            lane.rate.admit(now: now)
            s.lanes[bucket] = lane
            return true
        }
    }

    /// A call that went got no answer (it failed on the way, or was cancelled).
    public func abandon(_ bucket: Bucket) {
        state.withLock { s in s.lanes[bucket]?.rate.abandon() }
    }

    /// Learns from an answer: `refused` for a 429; `serverWait` when it named one.
    /// What is learned is written to the memory outside the lock and off the calling thread
    /// (`DiskWork`), at most once a second per key (a fan-out answers many times a second);
    /// `flush` writes the rest at the end and waits for every write.
    public func record(_ bucket: Bucket, sent: Double, received: Double, refused: Bool, serverWait: Double? = nil) {
        let saved: (String, [String: JSON])? = state.withLock { s in
            var lane = s.lanes[bucket, default: Lane()]
            lane.rate.record(sent: sent, received: received, granted: !refused, serverWait: serverWait)
            s.lanes[bucket] = lane
            guard lane.rate.isPaced, memory != nil else { return nil }
            let now = UnixTime.precise()
            guard now - (s.savedAt[bucket.owner] ?? 0) >= Self.saveInterval else {
                s.unsaved.insert(bucket.owner)
                return nil
            }
            s.savedAt[bucket.owner] = now
            s.unsaved.remove(bucket.owner)
            return (bucket.owner, Self.pacedEndpoints(of: bucket.owner, in: s))
        }
        // Off the event loop: the disk queue keeps the writes in order.
        if let (owner, endpoints) = saved, let memory { DiskWork.later { memory.save(owner: owner, endpoints: endpoints) } }
    }

    /// Writes what was learned and not written yet (at the end of a run).
    public func flush() {
        let pending: [(String, [String: JSON])] = state.withLock { s in
            defer { s.unsaved.removeAll() }
            return s.unsaved.map { ($0, Self.pacedEndpoints(of: $0, in: s)) }
        }
        guard let memory else { return }
        DiskWork.now { for (owner, endpoints) in pending { memory.save(owner: owner, endpoints: endpoints) } }
    }

    private static func pacedEndpoints(of owner: String, in s: State) -> [String: JSON] {
        var endpoints: [String: JSON] = [:]
        for (b, l) in s.lanes where b.owner == owner && l.rate.isPaced { endpoints[b.endpoint] = l.rate.saved }
        return endpoints
    }

    /// What is known about `bucket` now.
    public func outlook(_ bucket: Bucket) -> Outlook {
        state.withLock { s in
            load(bucket.owner, into: &s)
            let now = UnixTime.precise()
            relaxIfStale(bucket, in: &s, now: now)
            let rate = s.lanes[bucket]?.rate ?? EndpointRate()
            let perSecond = rate.rate
            return Outlook(
                paced: rate.isPaced,
                perMinute: perSecond.map { $0 * 60 },
                available: perSecond.map { rate.predictedTokens(at: now, rate: $0) } ?? 0,
                granted: rate.granted,
                refused: rate.refused,
                nextTurn: max(0, rate.nextSend(now: now) - now)
            )
        }
    }

    /// Pacing learned from refusals is dropped once the endpoint has refused nothing for
    /// `EndpointRate.forgetAfter` (a limit raised, a quiet hour): the next calls go free and
    /// learn again if they must.
    private func relaxIfStale(_ bucket: Bucket, in s: inout State, now: Double) {
        guard let lane = s.lanes[bucket], lane.rate.isStale(now: now), lane.waiting.isEmpty else { return }
        s.lanes[bucket]?.rate = EndpointRate()
        s.unsaved.insert(bucket.owner)
    }

    /// Forgets every pace learned, here and in the memory file (the server's limit changed:
    /// `sandbox rate-limit`). Calls go free until they are refused again.
    public func forgetAll() {
        let owners: [String] = state.withLock { s in
            for bucket in Array(s.lanes.keys) where s.lanes[bucket]?.waiting.isEmpty == true {
                s.lanes[bucket]?.rate = EndpointRate()
            }
            s.unsaved.formUnion(s.loadedOwners)
            return Array(s.loadedOwners)
        }
        if !owners.isEmpty { flush() }
    }

    /// Reads what an earlier process learned for `owner`, once.
    private func load(_ owner: String, into s: inout State) {
        guard !s.loadedOwners.contains(owner) else { return }
        s.loadedOwners.insert(owner)
        guard let memory else { return }
        for (endpoint, json) in memory.load(owner: owner) {
            guard let rate = EndpointRate(saved: json) else { continue }
            s.lanes[Bucket(owner: owner, endpoint: endpoint), default: Lane()].rate = rate
        }
    }
}
