import AdmAPI
import AdmHTTP
import AdmTestSupport
import Foundation
import Testing

/// Issue "Hostile input", files: every kind of file adm writes (`AdmFile`) walked through the
/// cases that destroyed someone's file or lost a write: an existing file that is not adm's, a
/// folder that cannot take a file, a device (`/dev/full`), a disk that fills up (a file-size
/// limit: writes fail with EFBIG), and a second adm writing the same file at once.
@Suite("Files adm writes: never someone else's, never silently lost", .serialized)
struct OwnFilesTests {
    /// How each kind is written, as a launch of adm with `{}` for the path (a sandbox of its own).
    static let writers: [AdmFile: [String]] = [
        .keysFile: ["--sandbox", "-e", "key export owner {}"],
        .cassette: ["--sandbox", "--record", "{}", "-e", "projects --quiet"],
        .auditExport: ["--sandbox", "-e", "project create audited --quiet; audit export {}"],
        .auditCursor: ["--sandbox", "-e", "project create audited --quiet; audit export {}.export"],
        .journal: [],  // in the state folder, named by adm: see `journalCannotBeWritten`
        .snapshot: ["--sandbox", "-e", "snapshot {}"],
        .script: ["--sandbox", "-e", "projects --quiet; save {}"],
        .reproduction: ["--sandbox", "-e", "projects --quiet; export curl 1 {}"],
        .twinReproduction: ["--sandbox", "--rate-limit", "off", "-e", "projects --quiet; repro --twin {}"],
        .report: ["--sandbox", "run", "--report", "junit={}", "Scripts/examples/tour.adm"],
        .database: ["--sandbox", "--db", "{}", "-e", "projects --quiet"],
        .history: [],  // the REPL's, in the state folder: see the pseudo-terminal tests
        .rateLimits: [],  // the scheduler's, in the state folder: warned once, never fatal
    ]

    /// The launch for `kind` writing to `path` (the cursor is the export's `.cursor` beside it).
    static func arguments(_ kind: AdmFile, _ path: String) -> [String] {
        let target = kind == .auditCursor ? String(path.dropLast(".export.cursor".count)) : path
        return writers[kind, default: []].map { $0.replacing("{}", with: target) }
    }

    static let walked = AdmFile.allCases.filter { !(writers[$0] ?? []).isEmpty }

    @Test("every kind of file adm writes is in the walk (or named with the test that covers it)")
    func everyKindListed() {
        #expect(Set(Self.writers.keys) == Set(AdmFile.allCases))
        #expect(Self.walked.count == 10)
    }

    @Test("an existing file that is not adm's is refused, named, and left byte for byte", arguments: walked)
    func foreignFile(kind: AdmFile) async throws {
        let dir = temporaryDirectory()
        let path = dir + (kind == .auditCursor ? "/target.export.cursor" : "/target")
        let someones = Array("{\"mine\": 1}".utf8) + [0x0A, 0x41]  // 13 bytes, the last line without its end
        writeTestFile(path, someones, mode: 0o644)
        let r = try await Adm.run(Self.arguments(kind, path))
        #expect(r.status != 0, "\(kind): \(r.all)")
        #expect(r.stderr.contains("\(path) exists and is not an adm \(kind.what)"), "\(kind): \(r.stderr)")
        #expect(r.stderr.contains("adm does not replace or add to files it did not write"))
        #expect(Array(FileManager.default.contents(atPath: path) ?? Data()) == someones, "\(kind): the file changed")
    }

    @Test("a folder that cannot take a file is an error naming it; nothing is half-written", arguments: walked)
    func unwritableFolder(kind: AdmFile) async throws {
        let dir = temporaryDirectory()
        writeTestFile(dir + "/not-a-folder", "x")
        let path = dir + "/not-a-folder/" + (kind == .auditCursor ? "t.export.cursor" : "t")
        let r = try await Adm.run(Self.arguments(kind, path))
        #expect(r.status != 0 && r.status < 128, "\(kind): \(r.all)")
        #expect(r.stderr.contains(dir + "/not-a-folder"), "\(kind): \(r.stderr)")
        #expect((try? String(contentsOfFile: dir + "/not-a-folder", encoding: .utf8)) == "x")
    }

    @Test("a device (/dev/full) is never written to or replaced", arguments: walked.filter { $0 != .auditCursor })
    func device(kind: AdmFile) async throws {
        let r = try await Adm.run(Self.arguments(kind, "/dev/full"))
        #expect(r.status != 0 && r.status < 128, "\(kind): \(r.all)")
        #expect(r.stderr.contains("/dev/full is not a regular file"), "\(kind): \(r.stderr)")
        var st = stat()
        #expect(stat("/dev/full", &st) == 0 && st.st_mode & S_IFMT == S_IFCHR, "/dev/full is still the device")
    }

    @Test("a disk that fills up mid-write: an error and a non-zero exit, and adm's own earlier file intact", arguments: walked)
    func fullDisk(kind: AdmFile) async throws {
        let dir = temporaryDirectory()
        let path = dir + (kind == .auditCursor ? "/target.export.cursor" : "/target")
        // Every write to a file fails (EFBIG), as on a full disk; SIGXFSZ ignored so the write reports it.
        let r = try await Adm.run(Self.arguments(kind, path), fileSizeLimit: 0)
        #expect(r.status != 0 && r.status < 128, "\(kind) hid a failed write: \(r.all)")
        #expect(r.stderr.contains("File too large") || r.stderr.contains("could not"), "\(kind): \(r.stderr)")
    }

    @Test("two adm writing one file at once: the second is refused with the first one's pid", arguments: walked)
    func concurrentWriter(kind: AdmFile) async throws {
        let dir = temporaryDirectory()
        let path = dir + (kind == .auditCursor ? "/target.export" : "/target")
        // The test process holds the file's lock, as another adm writing it would.
        let lock = try FileLock.acquire(path, writing: kind)
        defer { lock.release() }
        let r = try await Adm.run(Self.arguments(kind, kind == .auditCursor ? path + ".cursor" : path))
        #expect(r.status != 0 && r.status < 128, "\(kind): \(r.all)")
        #expect(r.stderr.contains("is being written by another adm (pid \(getpid()))"), "\(kind): \(r.stderr)")
    }

    @Test("a job whose journal cannot be written refuses to start, before any change (the audit log gains nothing)")
    func journalCannotBeWritten() async throws {
        let dir = temporaryDirectory()
        let server = try await Adm.Server.start(arguments: ["--rate-limit", "off"], keysFile: dir + "/keys")
        defer { server.stop() }
        let base = ["--base-url", server.baseURL, "--keys-file", dir + "/keys", "--key", "owner"]
        let seeded = try await Adm.run(base + ["-e", "sandbox seed org --quiet; audit --all --quiet | .data | count"])
        let events = { () async throws -> Int in
            let r = try await Adm.run(base + ["-e", "audit --all --json --quiet; print $_.count"])
            return Int(r.stdout.split(separator: "\n").last ?? "") ?? -1
        }
        _ = seeded
        let before = try await events()
        let state = temporaryDirectory()
        writeTestFile(state + "/adm", "a file where the state folder should be")
        let r = try await Adm.run(base + ["-e", "offboard dev.ivanova@example.com --yes"], environment: ["XDG_STATE_HOME": state])
        #expect(r.status == 3, "\(r.all)")
        #expect(r.stderr.contains("offboard dev.ivanova@example.com: could not write"), "\(r.stderr)")
        #expect(!r.stdout.contains("— report"), "no step ran: \(r.stdout)")
        #expect(try await events() == before, "the organization's audit log has no new event")
    }

    @Test("adm doctor names a state folder that cannot be made or is not a folder; one not made yet under a writable folder is fine")
    func doctorOnStateFolders() async throws {
        let state = temporaryDirectory()
        let fine = try await Adm.run(["--sandbox", "doctor"], environment: ["XDG_STATE_HOME": state])
        #expect(fine.status == 0, "\(fine.all)")
        #expect(fine.stdout.contains("state folder   \(state)/adm (not made yet"), "\(fine.stdout)")
        writeTestFile(state + "/adm", "a file where the state folder should be")
        let file = try await Adm.run(["--sandbox", "doctor"], environment: ["XDG_STATE_HOME": state])
        #expect(file.status != 0)
        #expect(file.stdout.contains("problem  state folder   \(state)/adm is not a folder"), "\(file.stdout)")
        let under = try await Adm.run(["--sandbox", "doctor"], environment: ["XDG_STATE_HOME": state + "/adm/deeper"])
        #expect(under.status != 0)
        #expect(under.stdout.contains("cannot be made (\(state)/adm is not a folder)"), "\(under.stdout)")
    }

    @Test("an adm keys file given to key export gains a line: the keys already in it stay")
    func keysFileKeepsOtherKeys() async throws {
        let dir = temporaryDirectory()
        let path = dir + "/keys"
        writeTestFile(path, "# mine\nother=sk-admin-\(String(repeating: "k", count: 40))\n")
        let r = try await Adm.run(["--sandbox", "-e", "key export owner \(path)"])
        #expect(r.status == 0, "\(r.all)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("# mine\nother=sk-admin-kkkk"))
        #expect(text.contains("\nowner=sk-admin-"))
    }
}
