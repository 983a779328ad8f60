import Synchronization

/// A seeded generator shared by the code a seed runs (`IDs.seeded`).
final class SeededSource: Sendable {
    private let generator: Mutex<SeededGenerator>

    init(seed: UInt64) { generator = Mutex(SeededGenerator(seed: seed ^ 0x5EED_F1C7_0000_0000)) }

    func draw<T>(_ body: (inout SeededGenerator) -> T) -> T { generator.withLock { body(&$0) } }
}

/// SplitMix64: a small, fast generator whose sequence a seed fixes, for data that must come out
/// the same every time (a seeded organization, usage and cost figures).
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The finaliser alone: a bijection that scatters nearby inputs.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A stable 64-bit hash of text (FNV-1a, then mixed): the same on every run and platform.
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return mix(h &+ 0x9E37_79B9_7F4A_7C15)
    }

    /// A number in `range` from the next draw.
    mutating func pick(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// Whether the next draw falls under `probability`.
    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }

    /// An element of `items`.
    mutating func element<T>(_ items: [T]) -> T { items[pick(0...(items.count - 1))] }
}
