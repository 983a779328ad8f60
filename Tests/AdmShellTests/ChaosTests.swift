import AdmAPI
import AdmSandbox
import AdmTestSupport
import Testing

@testable import AdmShell

/// A deterministic pseudo-random sequence (so a failure can be replayed).
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

@Suite("Chaos: faults injected, nothing lost, nothing duplicated")
struct ChaosTests {
    /// 1000 mixed creates, lists and deletes run by adm's interpreter while the sandbox drops
    /// connections (before and after applying), answers 500s and rate-limits. The client retries
    /// only what is safe to repeat; where a POST's fate is unknown the script looks (a list) and
    /// records what it finds. At the end the sandbox holds exactly the expected service accounts.
    @Test("1000 operations under faults")
    func chaos() async throws {
        var options = SandboxOptions().limited(RateLimitRule(perMinute: 400 * 60, burst: 400))
        options.faults = try Faults.parse("error-rate=0.08,reset-rate=0.06")
        try await withSandbox(options) { s in
            let shell = s.shell()
            shell.configuration.retry = RetryPolicy(maxRetries: 10, initialDelay: 0.002, maxDelay: 0.02)
            var rng = SplitMix(state: 20_261_123)
            var expected: [String: String] = [:]  // name → id
            var stats = (creates: 0, ambiguous: 0, deletes: 0, lists: 0, retried: 0)

            func listAll() async throws -> [JSON] {
                try await shell.run("sa --all --limit 100 --quiet")
                return shell.session.last?["data"]?.arrayValue ?? []
            }

            for i in 0..<1000 {
                let roll = rng.below(10)
                if roll < 5 || expected.isEmpty {
                    let name = "chaos-\(i)"
                    stats.creates += 1
                    do {
                        try await shell.run("create-sa name=\(name) create_service_account_only=true --quiet")
                        expected[name] = shell.session.last?["id"]?.stringValue
                    } catch {
                        // No answer, or a 500: it may or may not have been applied. Look.
                        stats.ambiguous += 1
                        if let found = try await listAll().first(where: { $0["name"]?.stringValue == name }) {
                            expected[name] = found["id"]?.stringValue
                        }
                    }
                } else if roll < 7 {
                    stats.lists += 1
                    let names = Set(try await listAll().compactMap { $0["name"]?.stringValue })
                    #expect(names == Set(expected.keys), "listing \(i) differs from what was acknowledged")
                } else {
                    stats.deletes += 1
                    let (name, id) = expected.sorted { $0.key < $1.key }[rng.below(expected.count)]
                    do {
                        try await shell.run("sa delete \(id) --quiet")
                        expected[name] = nil
                    } catch {
                        // A retried DELETE whose first attempt was applied gets 404: gone either way.
                        if case .api(let r)? = error as? ShellError, r.status == 404 {
                            expected[name] = nil
                            continue
                        }
                        let still = try await listAll().contains { $0["id"]?.stringValue == id }
                        if !still { expected[name] = nil }
                    }
                }
                stats.retried += shell.session.lastResult.map { $0.attempts - 1 } ?? 0
            }
            let final = try await listAll()
            let names = final.compactMap { $0["name"]?.stringValue }
            #expect(names.count == Set(names).count, "duplicated service accounts")
            #expect(Dictionary(uniqueKeysWithValues: final.map { ($0["name"]!.stringValue!, $0["id"]!.stringValue!) }) == expected)
            #expect(stats.ambiguous > 10, "the faults should have bitten: \(stats)")
            print(
                "chaos: \(stats.creates) creates (\(stats.ambiguous) ambiguous, reconciled), \(stats.deletes) deletes, \(stats.lists) lists; \(expected.count) accounts at the end"
            )
        }
    }
}
