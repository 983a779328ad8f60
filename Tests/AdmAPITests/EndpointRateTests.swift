import Testing

@testable import AdmAPI

/// A token bucket as the live API (and the sandbox) keeps one: `burst` at once, `perMinute` refill.
struct SimulatedBucket {
    let capacity: Double
    let perSecond: Double
    var tokens: Double
    var last = 0.0

    init(burst: Int, perMinute: Double) {
        capacity = Double(burst)
        perSecond = perMinute / 60
        tokens = capacity
    }

    /// Seconds until the next token (what a `Retry-After` would say).
    func wait(at time: Double) -> Double {
        let now = min(capacity, tokens + (time - last) * perSecond)
        return now >= 1 ? 0 : (1 - now) / perSecond
    }

    mutating func take(at time: Double) -> Bool {
        tokens = min(capacity, tokens + (time - last) * perSecond)
        last = time
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// Runs `calls` calls through the learner against a bucket in simulated time, `concurrency` of
/// them sent together until the first refusal (as a fan-out does), one at a time after it.
func simulate(calls: Int, burst: Int, perMinute: Double, concurrency: Int, latency: Double) -> (seconds: Double, refusals: Int) {
    var bucket = SimulatedBucket(burst: burst, perMinute: perMinute)
    var rate = EndpointRate()
    var now = 0.0
    var done = 0
    var refusals = 0
    while done < calls {
        let send = rate.nextSend(now: now)
        let batch = rate.isPaced ? 1 : min(concurrency, calls - done)
        var answers: [Bool] = []
        for _ in 0..<batch {
            rate.admit(now: send)
            answers.append(bucket.take(at: send + latency / 2))
        }
        now = send + latency
        for granted in answers {
            rate.record(sent: send, received: now, granted: granted)
            if FileMode.environment("ADM_RATE_TRACE") != nil {
                print(
                    "  \(Formatting.number(send, decimals: 2)) \(granted ? "ok " : "REF") rate=\(rate.rate.map { Formatting.number($0 * 60, decimals: 2) } ?? "-")/min bounds=\(Formatting.number(rate.bounds().low * 60, decimals: 2))..\(Formatting.number(min(rate.bounds().high, rate.upperBound) * 60, decimals: 2))"
                )
            }
            if granted { done += 1 } else { refusals += 1 }
        }
    }
    return (now, refusals)
}

@Suite("Learning an endpoint's rate limit from refusals alone")
struct EndpointRateTests {
    @Test(
        "the issue's jobs finish within 1.15× the floor (+2 s) with at most burst + 3 refusals",
        arguments: [
            (13, 7, 10.0, 8, 0.005), (13, 7, 8.0, 8, 0.005), (41, 5, 120.0, 8, 0.005), (200, 7, 8.0, 8, 0.005),
            (31, 7, 8.0, 8, 0.2), (11, 5, 120.0, 1, 0.005), (100, 5, 120.0, 8, 0.005), (60, 10, 10.0, 8, 0.2),
            (11, 7, 8.0, 1, 0.005), (11, 5, 120.0, 1, 0.2), (41, 7, 7.0, 8, 0.3),
        ]
    )
    func learns(calls: Int, burst: Int, perMinute: Double, concurrency: Int, latency: Double) {
        let (seconds, refusals) = simulate(calls: calls, burst: burst, perMinute: perMinute, concurrency: concurrency, latency: latency)
        let floor = Double(calls - burst) / (perMinute / 60)
        #expect(seconds <= 1.15 * floor + 2, "took \(seconds) s against a floor of \(floor) s")
        #expect(refusals <= burst + 3)
    }

    @Test(
        "a loop of one-liners, each reading what the last one learned, is refused at most 3 times in all (with Retry-After too)",
        arguments: [(7, 8.0, 0.005), (5, 120.0, 0.005), (7, 10.0, 0.005), (10, 10.0, 0.2)],
        [false, true]
    )
    func oneLiners(job: (burst: Int, perMinute: Double, latency: Double), retryAfter: Bool) {
        let (burst, perMinute, latency) = job
        let (seconds, refusals) = simulateOneLiners(count: 15, burst: burst, perMinute: perMinute, latency: latency, retryAfter: retryAfter)
        let floor = Double(15 - burst) / (perMinute / 60)
        #expect(refusals <= 3)
        #expect(seconds <= 1.15 * floor + 10, "took \(seconds) s against a floor of \(floor) s")
    }

    /// `calls` calls one after another against `bucket`, each when the model says: the model
    /// after them, and the time the last answer came.
    func sequential(calls: Int, _ bucket: SimulatedBucket) -> (EndpointRate, Double) {
        var bucket = bucket
        var rate = EndpointRate()
        var now = 0.0
        for _ in 0..<calls {
            let send = rate.nextSend(now: now)
            rate.admit(now: send)
            let granted = bucket.take(at: send)
            now = send + 0.005
            rate.record(sent: send, received: now, granted: granted)
        }
        return (rate, now)
    }

    @Test("a state saved by one process paces the next: a full bucket's burst goes at once, then the learned pace")
    func savedState() {
        let (rate, now) = sequential(calls: 20, SimulatedBucket(burst: 5, perMinute: 120))
        let restored = EndpointRate(saved: rate.saved)
        #expect(restored?.isPaced == true)
        #expect(restored.map { $0.nextSend(now: now + 60) } == now + 60, "after a quiet minute the bucket is full again")
        #expect(restored.map { $0.nextSend(now: now) } ?? 0 > now, "right after the last call the next one waits its turn")
    }

    @Test("a pace with no refusal for ten minutes is forgotten, in this process and the next")
    func relaxes() {
        let (rate, now) = sequential(calls: 12, SimulatedBucket(burst: 5, perMinute: 8))
        #expect(rate.isPaced && rate.refused > 0)
        #expect(!rate.isStale(now: now + 60), "a minute after a refusal the pace holds")
        #expect(rate.isStale(now: now + EndpointRate.forgetAfter + 1))
        let restored = EndpointRate(saved: rate.saved)
        #expect(restored?.isStale(now: now + EndpointRate.forgetAfter + 1) == true, "the last refusal's time is kept between processes")
    }

    @Test("a refill in batches (a fixed window) is spotted after a long wait, and the job still finishes")
    func window() {
        var rate = EndpointRate()
        var now = 0.0
        var used = 0
        var windowStart = 0.0
        var done = 0
        while done < 30, now < 3600 {
            let send = rate.nextSend(now: now)
            rate.admit(now: send)
            if send - windowStart >= 60 {
                windowStart = send - (send - windowStart).truncatingRemainder(dividingBy: 60)
                used = 0
            }
            let granted = used < 8
            if granted {
                used += 1
                done += 1
            }
            now = send + 0.005
            rate.record(sent: send, received: now, granted: granted)
        }
        #expect(done == 30)
        #expect(now < 1.3 * (22.0 / 8 * 60) + 60, "took \(now) s for 30 calls at 8 a minute")
    }
}

extension EndpointRateTests {
    @Test("report the simulated jobs", .disabled(if: FileMode.environment("ADM_RATE_REPORT") == nil))
    func report() {
        for (calls, burst, perMinute, concurrency, latency) in [
            (13, 7, 10.0, 8, 0.005), (13, 7, 8.0, 8, 0.005), (41, 5, 120.0, 8, 0.005), (200, 7, 8.0, 8, 0.005),
            (31, 7, 8.0, 8, 0.2), (11, 5, 120.0, 1, 0.005), (100, 5, 120.0, 8, 0.005), (60, 10, 10.0, 8, 0.2),
            (41, 7, 7.0, 8, 0.3), (20, 7, 8.0, 1, 0.005), (11, 7, 10.0, 1, 0.005), (11, 7, 8.0, 1, 0.005), (11, 5, 120.0, 1, 0.2),
        ] {
            let (seconds, refusals) = simulate(calls: calls, burst: burst, perMinute: perMinute, concurrency: concurrency, latency: latency)
            let floor = Double(calls - burst) / (perMinute / 60)
            print(
                "n=\(calls) B=\(burst) R=\(perMinute)/min c=\(concurrency) lat=\(latency): \(Formatting.number(seconds, decimals: 1)) s, floor \(Formatting.number(floor, decimals: 1)), ratio \(Formatting.number(seconds / floor, decimals: 2)), refusals \(refusals)"
            )
        }
        for (burst, perMinute, latency) in [(7, 8.0, 0.005), (7, 10.0, 0.005), (7, 7.0, 0.3), (5, 120.0, 0.005), (10, 10.0, 0.2)] {
            let (seconds, refusals) = simulateOneLiners(count: 15, burst: burst, perMinute: perMinute, latency: latency)
            let floor = Double(15 - burst) / (perMinute / 60)
            print(
                "15 one-liners B=\(burst) R=\(perMinute)/min lat=\(latency): \(Formatting.number(seconds, decimals: 1)) s, floor \(Formatting.number(floor, decimals: 1)), refusals \(refusals)"
            )
        }
    }
}

extension EndpointRateTests {
    @Test("trace one simulated job", .disabled(if: FileMode.environment("ADM_RATE_TRACE") == nil))
    func trace() {
        let spec = (FileMode.environment("ADM_RATE_TRACE") ?? "").split(separator: ",").compactMap { Double($0) }
        guard spec.count == 5 else { return }
        print(simulate(calls: Int(spec[0]), burst: Int(spec[1]), perMinute: spec[2], concurrency: Int(spec[3]), latency: spec[4]))
    }
}

/// A loop of one-liners in simulated time: each process reads the state the last one saved,
/// makes its one call (waiting out refusals), and saves what it learned; a process starts
/// `gap` seconds after the last one ended.
func simulateOneLiners(
    count: Int,
    burst: Int,
    perMinute: Double,
    latency: Double,
    gap: Double = 0.01,
    retryAfter: Bool = false
) -> (seconds: Double, refusals: Int) {
    var bucket = SimulatedBucket(burst: burst, perMinute: perMinute)
    var saved: JSON?
    var now = 0.0
    var refusals = 0
    for _ in 0..<count {
        var rate = saved.flatMap { EndpointRate(saved: $0) } ?? EndpointRate()
        while true {
            let send = rate.nextSend(now: now)
            rate.admit(now: send)
            let granted = bucket.take(at: send + latency / 2)
            let serverWait = !granted && retryAfter ? bucket.wait(at: send + latency / 2).rounded(.up) : nil
            now = send + latency
            rate.record(sent: send, received: now, granted: granted, serverWait: serverWait)
            if FileMode.environment("ADM_RATE_TRACE_LOOP") != nil {
                print(
                    "  \(Formatting.number(send, decimals: 2)) \(granted ? "ok " : "REF") rate=\(rate.rate.map { Formatting.number($0 * 60, decimals: 2) } ?? "-")/min"
                )
            }
            if granted { break }
            refusals += 1
        }
        saved = rate.saved
        now += gap
    }
    return (now, refusals)
}
