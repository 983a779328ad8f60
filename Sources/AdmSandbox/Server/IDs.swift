import Synchronization

/// Identifiers and secrets in the shapes the real API uses (reference §3): `proj_` + 24
/// alphanumerics, `user-…`, `key_…`, `svc_acct_…`, ULID-like `group_01J…`, `req_` + hex, and
/// keys shaped like real ones (`sk-admin-` + 58 + `T3BlbkFJ` + 58).
enum IDs {
    static let alphanumerics = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    static let upper = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    static let hex = Array("0123456789abcdef")
    static let keyAlphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")

    /// `count` characters drawn from `alphabet` with the system generator. Each 64-bit draw
    /// yields several characters (as base-`alphabet.count` digits), so a 32-character id costs
    /// a few `getrandom` calls instead of 32; the modulo bias this leaves is below 2^-14.
    static func random(_ count: Int, from alphabet: [Character] = alphanumerics) -> String {
        if let seeded { return seeded.draw { random(count, from: alphabet, using: &$0) } }
        var g = SystemRandomNumberGenerator()
        return random(count, from: alphabet, using: &g)
    }

    /// While a seed builds an organization, every id and key value is drawn from its generator:
    /// the same seed gives the same organization.
    @TaskLocal static var seeded: SeededSource?

    /// `count` characters from `alphabet`, drawn from `g` (a seeded generator gives the same
    /// ids every time: `sandbox seed org --seed N`).
    static func random<G: RandomNumberGenerator>(_ count: Int, from alphabet: [Character] = alphanumerics, using g: inout G) -> String {
        let base = UInt64(alphabet.count)
        var perDraw = 0
        var capacity: UInt64 = 1
        while capacity <= UInt64.max / base / (1 << 14) {
            capacity *= base
            perDraw += 1
        }
        var result = ""
        result.reserveCapacity(count)
        var value: UInt64 = 0
        for i in 0..<count {
            if i % perDraw == 0 { value = g.next() }
            result.append(alphabet[Int(value % base)])
            value /= base
        }
        return result
    }

    static func organization() -> String { "org-" + random(24) }
    static func project() -> String { "proj_" + random(24) }
    static func user() -> String { "user-" + random(24) }
    static func key() -> String { "key_" + random(16) }
    static func serviceAccount() -> String { "svc_acct_" + random(24) }
    static func invite() -> String { "invite-" + random(24) }
    static func certificate() -> String { "cert_" + random(24) }
    static func group() -> String { "group_01J" + random(23, from: upper) }
    static func role() -> String { "role_01J" + random(23, from: upper) }
    static func alert() -> String { "alert_" + random(24) }
    static func checkpointPermission() -> String { "cp_" + random(24) }
    static func externalKey() -> String { "ekey_" + random(24) }
    static func externalStorage() -> String { "estor_" + random(24) }
    static func identityProvider() -> String { "wip_" + random(24) }
    static func federationRule() -> String { "wifr_" + random(24) }
    static func request() -> String {
        // Unique and random-looking, with no system call: every response carries one.
        let n = requestCounter.wrappingAdd(1, ordering: .relaxed).newValue
        var hex = "req_"
        hex.reserveCapacity(36)
        for word in [mix(requestSeed &+ n), mix(requestSeed ^ (n &* 0x9E37_79B9_7F4A_7C15))] {
            let digits = String(word, radix: 16)
            hex += String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex
    }

    private static let requestSeed = UInt64.random(in: .min ... .max)
    private static let requestCounter = Atomic<UInt64>(0)

    /// splitmix64's finaliser: a bijection that scatters consecutive counters.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func auditLog(at time: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return auditLog(at: time, using: &g)
    }

    static func auditLog<G: RandomNumberGenerator>(at time: Int, using g: inout G) -> String {
        let (y, m, d) = civilDate(time)
        return "audit_log-" + random(20, using: &g) + "_" + String(y) + (m < 10 ? "0" : "") + String(m) + (d < 10 ? "0" : "") + String(d)
    }

    /// `sk-admin-` + 58 + `T3BlbkFJ` + 58 characters, like a real admin key (133 in all).
    static func adminSecret() -> String { "sk-admin-" + random(58, from: keyAlphabet) + "T3BlbkFJ" + random(58, from: keyAlphabet) }
    static func projectSecret() -> String { "sk-proj-" + random(74, from: keyAlphabet) + "T3BlbkFJ" + random(74, from: keyAlphabet) }
    static func serviceAccountSecret() -> String { "sk-svcacct-" + random(74, from: keyAlphabet) + "T3BlbkFJ" + random(74, from: keyAlphabet) }

    /// The redacted value the API shows for a key: `sk-admin...def` style (first 8, `...`, last 3
    /// for admin keys as in the spec's example; `sk-...abcd` for project keys).
    static func redactedValue(_ secret: String) -> String {
        if secret.hasPrefix("sk-admin-") { return "sk-admin..." + secret.suffix(3) }
        return "sk-..." + secret.suffix(4)
    }

    /// Year, month, day (UTC) of a Unix time.
    static func civilDate(_ time: Int) -> (Int, Int, Int) {
        let z = time / 86400 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (y + (m <= 2 ? 1 : 0), m, d)
    }
}
