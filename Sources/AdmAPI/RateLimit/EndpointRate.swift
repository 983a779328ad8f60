/// What adm has learned about one endpoint's rate limit, from its answers alone.
///
/// The live admin endpoints grant about 7–10 requests a minute each and refuse beyond that
/// with a bare 429 (no `Retry-After`, no `x-ratelimit-*`), so the rate must be learned from
/// which requests were granted and which refused. The model is a token bucket (a burst, then a
/// steady refill) and the learning has three phases:
///
/// - **Free**: until the first refusal, calls go as fast as they are made.
/// - **Search**: after the first refusal the bucket is empty; probes go 2, 9, 14, 20, … s after
///   it (`searchLadder`) until one is granted: few probes, since each refused one counts against
///   the loop of one-liners too (≤ 3 refusals in 15). A grant at 2 s means a fast endpoint, and
///   what piled up meanwhile is **counted**: calls go back to back until one is refused, and the
///   grants over the time since the drain give the rate. A later grant seeds the rate at one
///   token per the wait, on the slow side.
/// - **Cruise**: calls go when a predicted token is there (the rate, capped at the burst seen).
///   While the rate is well under what the answers bound it by, each grant raises it by 20%; a
///   refusal lowers it by 12% and empties the model's bucket (the next call waits a whole
///   token); near a known upper bound it creeps up by 3% and settles 10% under it.
///
/// Bounds come from the event log and hold whatever the bucket's fill was: a refusal after a
/// grant (any event leaves ≥ 0 tokens) bounds the rate above, a grant long after a refusal
/// (< 1 token then) bounds it below. A refill that arrives in batches (a fixed window) is spotted
/// when, after a search longer than 16 s, calls sent back to back are granted too: from then on
/// calls go back to back while a batch lasts and wait one period (the search's length, widened
/// by 10% each time it proves short) for the next. These constants were tuned in a simulation
/// of the jobs and of a loop of one-liners (bursts 5–10, 7–120 per minute, latencies
/// 5–500 ms; EndpointRateTests): time within 1.15× the floor + 2 s, refusals ≤ burst + 3 in a
/// job and ≤ 3 across 15 one-liners.
///
/// Times are wall-clock seconds (`UnixTime.precise()`), so the state can be saved and read by
/// the next process.
struct EndpointRate: Sendable, Equatable {
    /// One answer: when its request left, when the answer came, and whether it was granted.
    struct Event: Sendable, Equatable {
        var sent: Double
        var received: Double
        var granted: Bool
    }

    /// The last answers (bounds are computed from these).
    private(set) var events: [Event] = []
    /// Refused at least once: calls are paced from now on.
    private(set) var limited = false
    /// Grants before the first refusal: a lower bound on the bucket's size.
    private(set) var burstSeen = 1
    /// The pace, in requests per second, once the search has found a token.
    private(set) var rate: Double?
    /// The tightest upper bound on the rate found so far (kept after its events scroll out).
    private(set) var upperBound = Double.infinity
    /// Tokens the model predicts at `tokensAt`.
    private(set) var tokens: Double = 0
    private(set) var tokensAt: Double = 0
    /// No call before this (a `Retry-After`, or a reset the server named).
    private(set) var notBefore: Double = 0
    /// Answers so far, for progress lines.
    private(set) var granted = 0
    private(set) var refused = 0
    /// A smoothed round trip, so probes are not shorter than the network.
    private(set) var latency: Double = 0.05

    private var grantsBeforeFirstRefusal = 0
    /// Calls sent and not yet answered.
    private(set) var inFlight = 0
    /// On first contact, the calls sent before any answer came: the next call waits until all
    /// of them are answered, so a fan-out learns whether the endpoint refuses before it sends
    /// a second wave into an empty bucket.
    private var firstWave: Int? = 0
    private var searchSteps = 0
    private var searchAnchor: Double?
    private var lastRefusalReceived = -Double.infinity
    private var lastGrantSent = -Double.infinity
    /// A refill in batches: the whole allowance comes back every `period` seconds.
    private struct Window: Sendable, Equatable {
        var period: Double
        /// When the current batch opened (its first grant was sent).
        var start: Double
        /// Still granting since it opened.
        var open: Bool
        var grants: Int
    }
    /// Set when, after a long search, calls sent back to back were granted too.
    private var window: Window?
    /// A count of what a short search let pile up: the first probe was granted, so the
    /// endpoint is fast; calls go back to back until one is refused, and the grants over the
    /// time since the drain give the rate.
    private struct Count: Sendable, Equatable {
        /// When the drain was seen (the first refusal: < 1 token then).
        var since: Double
        var grants: Int
    }
    private var count: Count?

    /// A count ends: its grants piled up between the drain and the last call sent, so that is the
    /// rate; the bucket is empty from `emptyAt`.
    private mutating func endCount(_ c: Count, lastSent: Double, emptyAt: Double) {
        count = nil
        rate = Double(c.grants) / max(0.05, lastSent - c.since)
        tokens = 0
        tokensAt = emptyAt
    }

    static let historyLength = 48
    /// The longest wait a server may impose at once (`Retry-After`, the rate headers): beyond
    /// it adm asks again, so a hostile or broken `Retry-After: 86400` costs five minutes, not a
    /// day, and is never kept longer than that between processes.
    public static let longestServerWait = 300.0
    /// When the probes of a search go, in seconds after the refusal that began it: doubling at
    /// first (fast endpoints answer in well under a second), finer where the live admin
    /// endpoints' refill lies (6–9 s: 7–10 a minute), then widening to several minutes.
    static let searchLadder: [Double] = [2, 9, 14, 20, 30, 45, 60, 90, 120, 180, 300]
    static let raise = 1.2
    static let lower = 1.12
    static let creep = 1.03
    static let settle = 1.10
    /// A search longer than this may be waiting for a batch: the next call tests it.
    static let batchSearch = 16.0

    init() {}

    static func == (a: EndpointRate, b: EndpointRate) -> Bool {
        a.events == b.events && a.limited == b.limited && a.rate == b.rate && a.tokens == b.tokens
            && a.upperBound == b.upperBound && a.notBefore == b.notBefore && a.burstSeen == b.burstSeen
    }

    /// Whether calls are being paced.
    var isPaced: Bool { limited }

    /// A pace with no refusal for this long (seconds) is forgotten: the live endpoints count a
    /// minute at a time, so ten quiet minutes mean the limit that taught it is gone or raised.
    static let forgetAfter = 600.0

    /// Whether the pace was learned from refusals that are all older than `forgetAfter`.
    func isStale(now: Double) -> Bool {
        limited && inFlight == 0 && lastRefusalReceived.isFinite && now - lastRefusalReceived > Self.forgetAfter
    }

    /// The earliest moment the next call may be sent (a moment to ask again when it depends on
    /// an answer still on its way).
    func nextSend(now: Double) -> Double {
        let floor = max(now, notBefore)
        let recheck = now + max(0.01, latency / 2)
        guard limited else {
            if let wave = firstWave, wave > 0, inFlight > 0, granted + refused > 0 { return recheck }
            return floor
        }
        guard let rate else {
            // Searching for the first token after a drain: one probe at a time, on the ladder.
            if inFlight > 0 { return recheck }
            let last = events.last?.received ?? now
            if notBefore > last { return floor }
            let anchor = searchAnchor ?? last
            return max(
                floor,
                anchor + Self.searchLadder[min(max(searchSteps - 1, 0), Self.searchLadder.count - 1)],
                last + max(0.05, latency)
            )
        }
        if count != nil { return inFlight > 0 ? recheck : floor }
        if let window {
            if inFlight > 0 { return recheck }
            return window.open ? floor : max(floor, window.start + window.period)
        }
        let available = predictedTokens(at: now, rate: rate)
        if available >= 1 { return floor }
        return max(floor, now + (1 - available) / rate)
    }

    /// Takes the predicted token of a call that goes now.
    mutating func admit(now: Double) {
        inFlight += 1
        if let wave = firstWave {
            if granted + refused == 0 { firstWave = wave + 1 } else if inFlight == 1 { firstWave = nil }
        }
        guard limited, let rate else { return }
        tokens = predictedTokens(at: now, rate: rate) - 1
        tokensAt = now
    }

    /// A call that went got no answer (a dropped connection, a cancellation): it no longer
    /// holds up calls that wait for answers.
    mutating func abandon() {
        inFlight = max(0, inFlight - 1)
    }

    /// Whether a background call may go now without taking a token a waiting call needs.
    func hasSpare(now: Double) -> Bool {
        guard limited else { return now >= notBefore }
        guard let rate, window == nil else { return false }
        return now >= notBefore && predictedTokens(at: now, rate: rate) >= 2
    }

    func predictedTokens(at now: Double, rate: Double) -> Double {
        min(Double(burstSeen), tokens + max(0, now - tokensAt) * rate)
    }

    /// Learns from one answer. `serverWait` is a wait the server named (`Retry-After`).
    mutating func record(sent: Double, received: Double, granted isGranted: Bool, serverWait: Double? = nil) {
        inFlight = max(0, inFlight - 1)
        events.append(Event(sent: sent, received: received, granted: isGranted))
        if events.count > Self.historyLength { events.removeFirst(events.count - Self.historyLength) }
        latency = 0.8 * latency + 0.2 * max(0, received - sent)
        if let serverWait, serverWait.isFinite, serverWait >= 0 {
            notBefore = max(notBefore, received + min(serverWait, Self.longestServerWait))
        }
        if !isGranted, !limited {
            limited = true
            burstSeen = max(1, grantsBeforeFirstRefusal)
        }
        var known = (low: 0.0, high: Double.infinity)
        if limited {
            let observed = bounds()
            // Keep the tightest upper bound; forget it once the rate was sustained above it.
            if observed.high < upperBound || observed.low > upperBound { upperBound = observed.high }
            known = (observed.low, min(observed.high, upperBound))
        }
        if isGranted { recordGrant(sent: sent, bounds: known) } else { recordRefusal(sent: sent, received: received, bounds: known) }
    }

    private mutating func recordRefusal(sent: Double, received: Double, bounds known: (low: Double, high: Double)) {
        refused += 1
        // Sent after the previous refusal came back: news, not an echo of the same drain.
        let sequential = sent > lastRefusalReceived
        lastRefusalReceived = received
        if let rate { bringTokens(to: received, rate: rate) }
        tokens = 0
        tokensAt = received
        if let c = count {
            // The pile is used up: it grew for `c.grants` tokens over the time since the drain.
            endCount(c, lastSent: sent, emptyAt: received)
            return
        }
        if var w = window {
            if w.open, w.grants <= 1 {
                // Only the probe was granted: a slow bucket, not a batch.
                window = nil
                return
            }
            if w.open {
                w.open = false
                rate = Double(w.grants) / w.period
            } else {
                // Probed before the next batch came: it comes a little later than thought.
                w.period *= 1.1
            }
            window = w
            return
        }
        guard let current = rate else {
            if sequential || searchSteps == 0 { searchSteps += 1 }
            if searchAnchor == nil { searchAnchor = sent }
            return
        }
        if sequential {
            rate = max(known.low, min(current, known.high) / Self.lower)
        }
    }

    private mutating func recordGrant(sent: Double, bounds known: (low: Double, high: Double)) {
        granted += 1
        lastGrantSent = max(lastGrantSent, sent)
        guard limited else {
            grantsBeforeFirstRefusal += 1
            return
        }
        // In flight with the refusal: it says nothing new.
        guard sent > lastRefusalReceived else { return }
        guard let current = rate else {
            // The first token came between the last refused probe and this one.
            let anchor = searchAnchor ?? sent
            let wait = max(0.01, sent - anchor)
            // Conservative: the token came at the latest when it was found.
            rate = 1 / wait
            tokens = 0
            tokensAt = sent
            // Granted at the first probe: a fast endpoint, unless the server named the wait
            // (`Retry-After`), which says when the one token came, not that more piled up.
            if searchSteps <= 1, notBefore <= anchor + Self.searchLadder[0] { count = Count(since: anchor, grants: 1) }
            searchSteps = 0
            searchAnchor = nil
            window = wait >= Self.batchSearch ? Window(period: wait, start: sent, open: true, grants: 1) : nil
            return
        }
        if var c = count {
            c.grants += 1
            count = c
            // A full bucket: the count says only that the rate is at least this.
            if c.grants >= burstSeen { endCount(c, lastSent: sent, emptyAt: sent) }
            return
        }
        if var w = window {
            if w.open {
                w.grants += 1
            } else {
                w = Window(period: max(1, sent - w.start), start: sent, open: true, grants: 1)
            }
            window = w
            rate = max(current, Double(w.grants) / w.period)
            return
        }
        if current * Self.raise * Self.settle < known.high {
            setRate(current * Self.raise, at: sent)
        } else if current * Self.settle < known.high {
            setRate(min(current * Self.creep, known.high / Self.settle), at: sent)
        }
    }

    private mutating func setRate(_ new: Double, at time: Double) {
        if let rate { bringTokens(to: time, rate: rate) }
        rate = new
    }

    private mutating func bringTokens(to time: Double, rate: Double) {
        guard time > tokensAt else { return }
        tokens = predictedTokens(at: time, rate: rate)
        tokensAt = time
    }

    /// Bounds on the rate (requests per second) that every answer in the log allows, whatever
    /// the bucket held. A server time lies between `sent` and `received`; the counts take the
    /// side that keeps each bound valid when requests overlap.
    func bounds() -> (low: Double, high: Double) {
        var low = 0.0
        var high = Double.infinity
        let log = events
        for a in log.indices {
            let first = log[a]
            for b in log.indices where b != a {
                let second = log[b]
                if !second.granted, second.sent > first.received {
                    // ≥ 0 tokens after `first`, < 1 at `second`: at most 1 + k tokens came in
                    // between, k the grants that may have been served in between (valid only
                    // while the bucket cannot have been full meanwhile).
                    let k = log.indices.filter { i in i != a && log[i].granted && log[i].received > first.sent && log[i].sent < second.received }
                        .count
                    if 1 + k <= burstSeen {
                        high = min(high, Double(1 + k) / (second.sent - first.received))
                    }
                }
                if !first.granted, second.granted, second.sent > first.received {
                    // < 1 token at `first`, ≥ 1 at `second` after k grants certainly served in between.
                    let k = log.indices.filter { i in log[i].granted && log[i].sent > first.received && log[i].received < second.sent }.count
                    low = max(low, Double(k) / (second.received - first.sent))
                }
            }
        }
        return (low, high)
    }
}

extension EndpointRate {
    /// The state worth keeping between processes: the pace, the model's tokens and the recent
    /// answers (so the next process knows how full the bucket is).
    var saved: JSON {
        .obj([
            "limited": .bool(limited), "burst": .int(burstSeen), "rate": rate.map(JSON.double) ?? .null,
            "upper": upperBound.isFinite ? .double(upperBound) : .null, "tokens": .double(tokens), "tokens_at": .double(tokensAt),
            "not_before": .double(notBefore), "latency": .double(latency),
            "events": .array(events.suffix(16).map { .array([.double($0.sent), .double($0.received), .bool($0.granted)]) }),
            "count": count.map { .obj(["since": .double($0.since), "grants": .int($0.grants)]) } ?? .null,
            "last_refusal": lastRefusalReceived.isFinite ? .double(lastRefusalReceived) : .null,
        ])
    }

    /// Restores a saved state; nil when it is not one.
    init?(saved json: JSON) {
        guard let limited = json["limited"]?.boolValue else { return nil }
        self.limited = limited
        burstSeen = max(1, json["burst"]?.intValue ?? 1)
        grantsBeforeFirstRefusal = burstSeen
        rate = json["rate"]?.doubleValue.flatMap { $0 > 0 ? $0 : nil }
        upperBound = json["upper"]?.doubleValue ?? .infinity
        tokens = json["tokens"]?.doubleValue ?? 0
        tokensAt = json["tokens_at"]?.doubleValue ?? 0
        // A saved wait is honoured at most `longestServerWait` from now (a file from a clock far
        // ahead, or edited, cannot hold adm back longer).
        notBefore = min(json["not_before"]?.doubleValue ?? 0, UnixTime.precise() + Self.longestServerWait)
        if !notBefore.isFinite { notBefore = 0 }
        latency = json["latency"]?.doubleValue ?? 0.05
        events = (json["events"]?.arrayValue ?? []).compactMap { e in
            guard let a = e.arrayValue, a.count == 3, let s = a[0].doubleValue, let r = a[1].doubleValue, let g = a[2].boolValue else { return nil }
            return Event(sent: s, received: r, granted: g)
        }
        if let since = json["count"]?["since"]?.doubleValue, let grants = json["count"]?["grants"]?.intValue {
            count = Count(since: since, grants: grants)
        }
        lastRefusalReceived =
            json["last_refusal"]?.doubleValue ?? events.last(where: { !$0.granted })?.received ?? -.infinity
        if limited, rate == nil { searchSteps = max(1, events.reversed().prefix { !$0.granted }.count) }
        if rate == nil, let anchor = events.first(where: { !$0.granted })?.sent { searchAnchor = anchor }
    }
}
