import AdmAPI
import AdmSandbox
import AdmTestSupport
import Testing

@testable import AdmShell

/// Text from the API never drives the terminal: a project named with escape sequences, an OSC 52
/// clipboard write, a one-byte CSI, a carriage return and a right-to-left override goes through
/// every rendering escaped, and exact through `--json`. Names in wide scripts keep their
/// columns aligned, counted in display cells. (The same, on a real pseudo-terminal:
/// Scripts/tests/test_terminal_safety.py.)
@Suite("Terminal safety")
struct TerminalSafetyTests {
    static let evil = "evil\u{1B}[31mRED\u{1B}]52;c;ZWNobyBwd25lZA==\u{07}\u{1B}[2J\u{9B}1m\u{202E}dcba\rX\u{2066}"

    /// Whether `text` holds something that drives a terminal: C0 controls but newline and tab,
    /// DEL, C1, bidirectional overrides and isolates.
    static func drivesTheTerminal(_ text: String) -> Bool {
        text.unicodeScalars.contains { s in
            switch s.value {
            case 0x0A, 0x09: return false
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
            default: return false
            }
        }
    }

    func project(_ s: TestSandbox, named name: String) async throws -> String {
        let r = try await s.call(.createProject, key: "owner", body: .obj(["name": .string(name)]))
        return try #require(r.json?["id"]?.stringValue)
    }

    @Test("an evil project name is escaped in tables, key/value views, print, audit rows, errors and reproductions")
    func evilName() async throws {
        try await withSandbox { s in
            let id = try await project(s, named: Self.evil)
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("projects; project show \(id); let p = project show \(id) --quiet; print $p.name; print $p; audit --limit 3")
            do throws(ShellError) {
                try await shell.run("call GET /organization/projects/${p.name}")
                Issue.record("the call should fail")
            } catch {
                shell.report(error)
            }
            try await shell.run("repro")
            let screen = out.standard + out.errors
            #expect(!Self.drivesTheTerminal(screen), "\(screen.debugDescription)")
            #expect(screen.contains(#"evil\e[31mRED\e]52;c;ZWNobyBwd25lZA==\u0007\e[2J\u009b1m\u202edcba\rX\u2066"#))
            #expect(screen.contains("No project found with id 'evil\\e[31m"))
            // Wherever a cell is cut short, an escape is whole or gone, never half.
            #expect(!screen.contains("\\u2…") && !screen.contains("\\…"))
        }
    }

    @Test("--json keeps the exact name (JSON escapes do the work) and stays free of raw control characters")
    func json() async throws {
        try await withSandbox { s in
            let id = try await project(s, named: Self.evil)
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("project show \(id) --json")
            #expect(!Self.drivesTheTerminal(out.standard))
            #expect(try JSON.parse(out.standard)["name"]?.stringValue == Self.evil)
        }
    }

    @Test("wide, combining and emoji names keep the columns after them aligned, counted in display cells")
    func wideNames() async throws {
        try await withSandbox { s in
            let names = ["研究開発チーム", "Cafe\u{301} Ops", "🚀 Launch", "ｆｕｌｌｗｉｄｔｈ", String(repeating: "長", count: 45)]
            for name in names { _ = try await project(s, named: name) }
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("projects")
            let lines = out.standard.split(separator: "\n").map(String.init)
            // The STATUS column starts at the same cell on every line.
            let starts = lines.map { line -> Int? in
                guard let r = line.range(of: "STATUS") ?? line.range(of: "active") else { return nil }
                return DisplayWidth.of(String(line[..<r.lowerBound]))
            }
            #expect(starts.count == names.count + 2)
            #expect(Set(starts.compactMap { $0 }).count == 1, "\(lines)")
            #expect(starts.allSatisfy { $0 != nil })
            // The long name is cut on a character boundary, with an ellipsis, within its column.
            let long = try #require(lines.first { $0.contains("長長") })
            #expect(long.contains("長…"))
            #expect(!long.contains("\u{FFFD}"))
        }
    }

    @Test("on a terminal a table fits its width, the widest column giving way; in a pipe every cell is whole")
    func fittedToTheTerminal() async throws {
        try await withSandbox { s in
            let long = "Research and development of the next assistants"
            _ = try await project(s, named: long)
            for (terminal, width) in [(true, 60), (true, 100), (false, 60)] {
                let out = CapturedOutput()
                let shell = s.shell(output: out)
                shell.configuration.outputIsTerminal = terminal
                shell.configuration.width = width
                try await shell.run("projects")
                let lines = out.standard.split(separator: "\n").map(String.init)
                let widest = lines.map(DisplayWidth.of).max() ?? 0
                if terminal {
                    #expect(widest <= width, "\(lines)")
                    // Still a table: the columns after the name line up.
                    let starts = Set(
                        lines.compactMap { line in
                            (line.range(of: "STATUS") ?? line.range(of: "active")).map { DisplayWidth.of(String(line[..<$0.lowerBound])) }
                        }
                    )
                    #expect(starts.count == 1, "\(lines)")
                } else {
                    #expect(widest > width)
                    #expect(out.standard.contains(long), "a pipe gets the whole name")
                }
            }
        }
    }

    @Test(
        "a long message on a terminal wraps at words under its label; a line styled whole hangs under its own text, not half the width; nested JSON cut to the line"
    )
    func wrappedMessages() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            shell.configuration.outputIsTerminal = true
            shell.configuration.width = 100
            try await shell.run("sandbox seed org")
            let lines = out.standard.split(separator: "\n").map(String.init)
            #expect(lines.count > 1, "\(lines)")
            #expect(lines.allSatisfy { DisplayWidth.of($0) <= 100 }, "\(lines)")
            // "seeded an organization: " is the label the rest hangs under.
            let label = DisplayWidth.of("seeded an organization: ")
            for line in lines.dropFirst() {
                #expect(line.prefix(label).allSatisfy { $0 == " " } && line.dropFirst(label).first != " ", "\(lines)")
            }
            // A nested object in a record view is cut to the line, not broken mid-word by the edge.
            let before = out.standard.count
            try await shell.run("create-sa name=wide")
            let record = out.standard.dropFirst(before).split(separator: "\n").map(String.init)
            let nested = try #require(record.first { $0.hasPrefix("api_key") }, "\(record)")
            #expect(DisplayWidth.of(nested) <= 100 && nested.hasSuffix("…"), "\(record)")
        }
    }

    @Test("a table cut to a narrow terminal keeps what tells rows apart: times keep their date, redacted keys their tail")
    func usefulCuts() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("sandbox seed org --quiet")
            try await shell.run("keys --quiet")
            let keys = try #require(shell.session.last?["data"]?.arrayValue)
            shell.configuration.outputIsTerminal = true
            shell.configuration.width = 80
            let before = out.standard.count
            try await shell.run("keys")
            let rows = out.standard.dropFirst(before).split(separator: "\n").map(String.init).dropFirst()
            #expect(rows.count == keys.count)
            for (row, key) in zip(rows, keys) {
                #expect(DisplayWidth.of(row) <= 80, "\(row)")
                let redacted = key["redacted_value"]?.stringValue ?? ""
                #expect(row.contains("…" + redacted.suffix(3)) || row.contains(redacted), "the key's tail: \(row)")
                let created = UnixTime.iso8601(key["created_at"]?.intValue ?? 0).prefix(10)
                #expect(row.contains(created + " "), "the date whole: \(row)")
                #expect(row.firstMatch(of: /\d{4}-\d{2}-\d?…/) == nil, "no date cut: \(row)")
            }
            // Wider, a table of many columns gives up the times' hour and minute before names.
            shell.configuration.width = 120
            let wide = out.standard.count
            try await shell.run("inventory keys")
            let inventory = out.standard.dropFirst(wide).split(separator: "\n").map(String.init)
            #expect(inventory.first { $0.contains("mgmt-write ") } != nil, "\(inventory.prefix(6))")
            #expect(inventory.allSatisfy { $0.firstMatch(of: /\d{2}:\d{2}/) == nil && DisplayWidth.of($0) <= 120 }, "\(inventory.prefix(6))")
        }
    }
}
