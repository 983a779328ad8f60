@testable import AdmAPI
import Testing

/// The pacer is given the time explicitly, so these tests measure nothing.
@Suite("Rate-limit pacer")
struct RateLimitPacerTests {
    let t0 = ContinuousClock.now

    func ms(_ n: Int) -> ContinuousClock.Instant { t0 + .milliseconds(n) }

    @Test("a key nobody limited goes at once")
    func freeKey() {
        #expect(RateLimitPacer().turn(for: "sk-a") == nil)
    }

    @Test("after a 429 the key waits the server's delay, then goes one call per spacing; other keys are free")
    func spacing() {
        let pacer = RateLimitPacer()
        pacer.limited("sk-a", wait: 0.2, sent: t0, now: t0)
        #expect(pacer.turn(for: "sk-a", now: ms(50)) == ms(200))
        #expect(pacer.turn(for: "sk-a", now: ms(200)) == nil)  // claimed
        #expect(pacer.turn(for: "sk-a", now: ms(201)) == ms(400))  // the next one waits a spacing
        #expect(pacer.turn(for: "sk-a", now: ms(400)) == nil)
        #expect(pacer.turn(for: "sk-b", now: ms(400)) == nil)
    }

    @Test("a long Retry-After holds the key that long but spaces later calls by at most a second")
    func longWait() {
        let pacer = RateLimitPacer()
        pacer.limited("sk-a", wait: 30, sent: t0, now: t0)
        #expect(pacer.turn(for: "sk-a", now: ms(1)) == ms(30_000))
        #expect(pacer.turn(for: "sk-a", now: ms(30_000)) == nil)
        #expect(pacer.turn(for: "sk-a", now: ms(30_001)) == ms(31_000))
    }

    @Test("refusals of calls already in flight widen the spacing once; a later one widens it again; successes narrow it")
    func onceARound() {
        let pacer = RateLimitPacer()
        for _ in 0..<8 { pacer.limited("sk-a", wait: 0.1, sent: t0, now: ms(1)) }
        #expect(pacer.turn(for: "sk-a", now: ms(101)) == nil)
        #expect(pacer.turn(for: "sk-a", now: ms(102)) == ms(201))  // spacing 100 ms
        pacer.limited("sk-a", wait: 0.1, sent: ms(150), now: ms(160))
        #expect(pacer.turn(for: "sk-a", now: ms(260)) == nil)
        #expect(pacer.turn(for: "sk-a", now: ms(261)) == ms(410))  // widened by half: 150 ms
        pacer.succeeded("sk-a")
        #expect(pacer.turn(for: "sk-a", now: ms(410)) == nil)
        #expect(pacer.turn(for: "sk-a", now: ms(411)) == ms(410) + .microseconds(142_500))  // 5% narrower
    }

    @Test("five seconds after the last wait the server asked for, the key is free again")
    func recovery() {
        let pacer = RateLimitPacer()
        pacer.limited("sk-a", wait: 0.1, sent: t0, now: t0)
        #expect(pacer.turn(for: "sk-a", now: ms(5_000)) == nil)
        #expect(pacer.turn(for: "sk-a", now: ms(5_001)) == ms(5_100))  // still paced
        #expect(pacer.turn(for: "sk-a", now: ms(5_200)) == nil)
        #expect(pacer.turn(for: "sk-a", now: ms(5_201)) == nil)  // free
    }
}
