import Synchronization

/// Paces the calls made with one key once the server has said the key is busy.
///
/// A 429 that names a wait (`retry-after-ms`, `Retry-After`) says when the next request may go.
/// From then on, calls with that key go one at a time, `spacing` apart: a call asks for its
/// turn, sleeps until the next free moment and asks again, so a change of spacing applies at
/// once to every call that is waiting. The spacing is found as TCP finds a window: a 429 widens
/// it by half (at least to the wait named) — once per round, so the refusals of calls that were
/// already in flight count once — and each success narrows it by 5%. Eight workers of a fan-out
/// thus stop colliding and the key runs near the rate the server allows. Five seconds after the
/// last wait the server asked for, the key is free again. Keys are told apart by value and never shown.
public final class RateLimitPacer: Sendable {
    private struct State {
        var nextTurn: ContinuousClock.Instant
        var spacing: Duration
        /// When the wait the server last asked for ends (recovery counts from there).
        var holdEnds: ContinuousClock.Instant
        /// When the spacing last widened: refusals of calls sent before then are old news.
        var widened: ContinuousClock.Instant
    }

    private let states = Mutex<[String: State]>([:])
    private static let recovery: Duration = .seconds(5)
    private static let maxSpacing: Duration = .seconds(1)

    public init() {}

    /// Claims a turn for a call with `key`: nil means go now; otherwise sleep until the instant
    /// returned and ask again.
    public func turn(for key: String, now: ContinuousClock.Instant = .now) -> ContinuousClock.Instant? {
        states.withLock { states in
            guard var state = states[key] else { return nil }
            guard now >= state.nextTurn else { return state.nextTurn }
            if now - state.holdEnds > Self.recovery {
                states[key] = nil
            } else {
                state.nextTurn = now + state.spacing
                states[key] = state
            }
            return nil
        }
    }

    /// A call with `key` went through.
    public func succeeded(_ key: String) {
        states.withLock { states in
            guard var state = states[key] else { return }
            state.spacing = state.spacing * 19 / 20
            states[key] = state
        }
    }

    /// The server refused a call with `key`, sent at `sent`, and asked for `wait` seconds.
    public func limited(_ key: String, wait: Double, sent: ContinuousClock.Instant, now: ContinuousClock.Instant = .now) {
        let delay = Duration.milliseconds(Int((max(0, wait) * 1000).rounded(.up)))
        states.withLock { states in
            var state = states[key] ?? State(nextTurn: now, spacing: .zero, holdEnds: now, widened: sent - .nanoseconds(1))
            state.holdEnds = max(state.holdEnds, now + delay)
            if sent > state.widened {
                state.spacing = min(Self.maxSpacing, max(state.spacing * 3 / 2, delay))
                state.widened = now
            }
            state.nextTurn = max(state.nextTurn, now + delay)
            states[key] = state
        }
    }
}
