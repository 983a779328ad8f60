/// A key's fingerprint: SipHash-2-4 of its value under a random 128-bit salt, 64 bits in hex.
///
/// A cassette records which key made each request by this, never the value or a plain hash of
/// it: without the salt nothing can be compared, and with it (it is in the cassette) a 64-bit
/// keyed digest of a key holding some 300 random bits narrows nothing down. Replaying with the
/// same salt tells keys apart.
public struct KeyFingerprint: Sendable, Hashable {
    /// The salt, as 32 hex digits (it travels in the cassette's first line).
    public let salt: String
    private let k0: UInt64
    private let k1: UInt64

    /// A fingerprint maker with a new random salt.
    public init() {
        var g = SystemRandomNumberGenerator()
        self.init(k0: g.next(), k1: g.next())
    }

    /// The fingerprint maker of a cassette's salt; nil when it is not 32 hex digits.
    public init?(salt: String) {
        guard salt.count == 32, let a = UInt64(salt.prefix(16), radix: 16), let b = UInt64(salt.suffix(16), radix: 16) else { return nil }
        self.init(k0: a, k1: b)
    }

    private init(k0: UInt64, k1: UInt64) {
        self.k0 = k0
        self.k1 = k1
        salt = String(k0, radix: 16).leftPadded(to: 16) + String(k1, radix: 16).leftPadded(to: 16)
    }

    /// The fingerprint of `secret` (`-` for a request made without a key).
    public func of(_ secret: Secret?) -> String {
        guard let secret else { return "-" }
        return String(Self.sipHash24(Array(secret.unredacted.utf8), k0: k0, k1: k1), radix: 16).leftPadded(to: 16)
    }

    /// SipHash-2-4 (Aumasson and Bernstein), the reference algorithm.
    package static func sipHash24(_ message: [UInt8], k0: UInt64, k1: UInt64) -> UInt64 {
        var v0: UInt64 = 0x736f_6d65_7073_6575 ^ k0
        var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ k1
        var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ k0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ k1
        func rotl(_ x: UInt64, _ b: UInt64) -> UInt64 { (x << b) | (x >> (64 - b)) }
        func round() {
            v0 &+= v1
            v1 = rotl(v1, 13)
            v1 ^= v0
            v0 = rotl(v0, 32)
            v2 &+= v3
            v3 = rotl(v3, 16)
            v3 ^= v2
            v0 &+= v3
            v3 = rotl(v3, 21)
            v3 ^= v0
            v2 &+= v1
            v1 = rotl(v1, 17)
            v1 ^= v2
            v2 = rotl(v2, 32)
        }
        let whole = message.count / 8 * 8
        var i = 0
        while i < whole {
            var m: UInt64 = 0
            for j in 0..<8 { m |= UInt64(message[i + j]) << (8 * UInt64(j)) }
            v3 ^= m
            round()
            round()
            v0 ^= m
            i += 8
        }
        var last = UInt64(message.count & 0xff) << 56
        for j in 0..<(message.count - whole) { last |= UInt64(message[whole + j]) << (8 * UInt64(j)) }
        v3 ^= last
        round()
        round()
        v0 ^= last
        v2 ^= 0xff
        for _ in 0..<4 { round() }
        return v0 ^ v1 ^ v2 ^ v3
    }
}
