import AdmAPI
import AdmTestSupport
import Foundation
import Testing

/// Issue "Hostile input" through the `adm` binary: the rows of its table that need a process
/// (exit statuses, the config file, signals), and the walk of every numeric launch option.
@Suite("Hostile input, end to end", .serialized)
struct HostileInputEndToEndTests {
    @Test("--sandbox stands alone: a [default] profile whose key reads an unset variable does not stop it, and a real key is never loaded")
    func sandboxIgnoresTheConfig() async throws {
        let config = temporaryDirectory()
        FileMode.makeDirectories(config + "/adm")
        writeTestFile(config + "/adm/config", "[default]\nkey = prod\nkeys.prod = env:ADM_TEST_REAL_KEY\n")
        let unset = try await Adm.run(["--sandbox", "-e", "key list"], environment: ["XDG_CONFIG_HOME": config])
        #expect(unset.status == 0, "\(unset.all)")
        let real = "sk-admin-" + String(repeating: "R", count: 48)
        let set = try await Adm.run(
            ["--sandbox", "-e", "key list; projects --quiet"],
            environment: ["XDG_CONFIG_HOME": config, "ADM_TEST_REAL_KEY": real, "OPENAI_ADMIN_KEY": real]
        )
        #expect(set.status == 0, "\(set.all)")
        #expect(!set.stdout.contains("prod") && !set.stdout.contains("default"), "only the sandbox's fixture keys: \(set.stdout)")
        #expect(!set.all.contains(real))
        // Named with --profile, the profile applies (and its unset variable is the error it is).
        let named = try await Adm.run(["--sandbox", "--profile", "default", "-e", "key list"], environment: ["XDG_CONFIG_HOME": config])
        #expect(named.status == 3)
        #expect(named.stderr.contains("key prod reads $ADM_TEST_REAL_KEY, which is not set"))
    }

    @Test("a script saved with CRLF line ends and a byte-order mark runs line by line under adm run")
    func crlfScript() async throws {
        let dir = temporaryDirectory()
        writeTestFile(
            dir + "/crlf.adm",
            [0xEF, 0xBB, 0xBF] + Array("sandbox rate-limit off\r\nprojects --quiet\r\nexpect status 200\r\nprint done\r\n".utf8)
        )
        let r = try await Adm.run(["--sandbox", "run", dir + "/crlf.adm"])
        #expect(r.status == 0, "\(r.all)")
        #expect(r.stdout.hasSuffix("done\n"))
    }

    @Test("a listing the rate limit cut short past --max-wait: the CSV shows what was read, stderr says what is missing, --json marks it, exit 4")
    func partialInventory() async throws {
        let base = ["--sandbox", "--rate-limit", "2/min,burst=2", "--max-wait", "1s"]
        let csv = try await Adm.run(base + ["-e", "sandbox seed org --quiet; inventory keys --csv"])
        #expect(csv.status == 4, "\(csv.all)")
        #expect(csv.stdout.hasPrefix("kind,"), "the CSV of what was read: \(csv.stdout.prefix(200))")
        #expect(csv.stderr.contains("incomplete: the keys of "), "\(csv.stderr)")
        #expect(csv.stderr.contains("the keys of 18 of 20 projects could not be read") || csv.stderr.contains("could not be read"), "\(csv.stderr)")
        let json = try await Adm.run(base + ["-e", "sandbox seed org --quiet; inventory keys --json"])
        #expect(json.status == 4)
        let document = try JSON.parse(json.stdout)
        let gaps = document["incomplete"]?.arrayValue ?? []
        #expect(!gaps.isEmpty && gaps.allSatisfy { $0["reason"]?.stringValue?.contains("--max-wait") == true }, "\(json.stdout.suffix(400))")
    }

    /// A one-liner under the sandbox's live rate limit, sent Ctrl-C once it announces its
    /// estimate: how it ended, and what it printed.
    func interrupted(_ statements: String) async throws -> (status: Int32, signalled: Bool, stdout: String, stderr: String) {
        let state = temporaryDirectory()
        let job = Process()
        job.executableURL = URL(fileURLWithPath: Adm.path)
        job.arguments = ["--sandbox", "-e", statements]
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = state
        environment["NO_COLOR"] = "1"
        job.environment = environment
        let out = Pipe()
        let err = Pipe()
        job.standardOutput = out
        job.standardError = err
        try job.run()
        // Under the live limit the 20 projects' listings take minutes: stop it once it says so.
        let errors = Lines(err.fileHandleForReading)
        let announced = await errors.wait(for: "Ctrl-C stops", seconds: 60)
        #expect(announced, "the estimate line came: \(errors.text)")
        kill(job.processIdentifier, SIGINT)
        let stdout = try await Adm.offPool {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            job.waitUntilExit()
            return data
        }
        return (job.terminationStatus, job.terminationReason != .exit, String(decoding: stdout, as: UTF8.self), errors.rest())
    }

    @Test("Ctrl-C during a one-liner's inventory: what finished is printed and said to be partial, exit 130")
    func interruptedOneLiner() async throws {
        let r = try await interrupted("sandbox seed org --quiet; inventory keys --csv")
        #expect(!r.signalled && r.status == 130, "\(r.status): \(r.stderr)")
        #expect(r.stdout.hasPrefix("kind,"), "what finished is printed")
        #expect(r.stderr.contains("incomplete: the keys of") && r.stderr.contains("not read (interrupted)"), "\(r.stderr)")
    }

    @Test("Ctrl-C while a job reads the organization: it says nothing was changed, exit 130")
    func interruptedJobBeforeChanges() async throws {
        let r = try await interrupted("sandbox seed org --quiet; offboard hiro.larsen@example.com --yes")
        #expect(!r.signalled && r.status == 130, "\(r.status): \(r.stderr)")
        #expect(r.stderr.contains("offboard: stopped before any change; nothing was changed"), "\(r.stderr)")
        #expect(!r.stdout.contains("— report"), "no step ran: \(r.stdout)")
    }

    @Test(
        "every numeric launch option at 0, -1, the largest integer, 1e308 and nan: a result or a one-line error, never a signal",
        arguments: ["--timeout", "--retries", "--concurrency", "--max-wait"]
    )
    func launchNumbers(option: String) async throws {
        for value in ["0", "-1", "9223372036854775807", "9223372036854775808", "1e308", "nan", "inf", "1e16"] {
            let r = try await Adm.run(["--sandbox", "\(option)=\(value)", "-e", "print ok"])
            #expect(r.status < 128, "\(option) \(value) ended by a signal: \(r.all)")
            #expect(r.status == 0 || (r.status == 3 && r.stderr.split(separator: "\n").count == 1), "\(option) \(value): \(r.all)")
        }
    }
}

extension HostileInputEndToEndTests {
    /// Launch flags at random: every option adm declares, with hostile values, in random order
    /// and number. The seed is printed.
    @Test("300 random launches: every one ends by itself, with a status, never a signal")
    func launchFuzz() async throws {
        let options = [
            "--sandbox", "--verbose", "--no-color", "--allow-literal-key", "--base-url", "--keys-file", "--profile", "--key", "--project",
            "--cacert", "--record", "--replay", "--db", "--faults", "--known-issue", "--timeout", "--retries", "--concurrency",
            "--rate-limit", "--max-wait",
        ]
        let flags: Set<String> = ["--sandbox", "--verbose", "--no-color", "--allow-literal-key"]
        let values = [
            "0", "-1", "9223372036854775808", "1e308", "nan", "", "x", "http://127.0.0.1:1/v1", "ftp://x", "/dev/full", "/nonexistent/x",
            "latency=1e308", "error-rate=nan", "2/min,burst=0", "off", "stale-permissions", "名前", "\u{1B}[2J", "owner",
        ]
        var g = SeededRandom(seed: 4242)
        let dir = temporaryDirectory()
        var statuses: [Int32: Int] = [:]
        for n in 0..<300 {
            var args: [String] = []
            for _ in 0..<(1 + g.below(4)) {
                let option = options[g.below(options.count)]
                if flags.contains(option) {
                    args.append(option)
                } else {
                    var value = values[g.below(values.count)]
                    // What would write a file writes it in the scratch folder.
                    if ["--record", "--db"].contains(option), value.hasPrefix("/") == false { value = dir + "/\(n)-" + value }
                    args += g.below(2) == 0 ? [option, value] : [option + "=" + value]
                }
            }
            let r = try await Adm.run(args + ["-e", "print ok"])
            #expect(r.status < 128, "seed 4242, launch \(n): \(args) ended by signal \(r.status - 128): \(r.stderr.prefix(300))")
            statuses[r.status, default: 0] += 1
        }
        print("launch fuzz (seed 4242): 300 launches, exit statuses \(statuses.sorted { $0.key < $1.key })")
    }
}

/// Lines read from a pipe as they come, so a test can wait for one.
final class Lines: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private var buffer = ""

    init(_ handle: FileHandle) {
        self.handle = handle
        handle.readabilityHandler = { [weak self] h in
            let data = h.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.buffer += String(decoding: data, as: UTF8.self) }
        }
    }

    var text: String { lock.withLock { buffer } }

    /// Waits until `needle` has been read (true), or `seconds` pass (false).
    func wait(for needle: String, seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if text.contains(needle) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Everything read, once the writer closed its end.
    func rest() -> String {
        handle.readabilityHandler = nil
        let tail = handle.readDataToEndOfFile()
        return lock.withLock { buffer + String(decoding: tail, as: UTF8.self) }
    }
}
