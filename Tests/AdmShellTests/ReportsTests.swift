import AdmAPI
import AdmSandbox
import AdmTestSupport
import Testing

@testable import AdmShell

/// `costs` and `usage` through the command language against a seeded sandbox: groupings add up
/// to the ungrouped total, project names work where ids do, and mistakes are one-line errors.
/// (Their tables and CSV against the sandbox's own buckets: Scripts/tests/test_usage_reports.py.)
@Suite("Cost and usage reports")
struct ReportsTests {
    func seeded(_ s: TestSandbox) async throws -> Interpreter {
        let shell = s.shell()
        try await shell.run("sandbox seed org --seed 5 --quiet")
        return shell
    }

    func total(_ shell: Interpreter, _ line: String, _ measure: String = "amount") async throws -> JSON? {
        try await shell.run(line + " --json")
        return shell.session.last?["total"]?[measure]
    }

    @Test("every grouping of the same range adds up to the same total; a project's name filters like its id")
    func groupingsAddUp() async throws {
        try await withSandbox { s in
            let shell = try await seeded(s)
            // Whole past days, so the figures cannot move while the test runs.
            let range = "--since \(Self.day(-20)) --until \(Self.day(-1))"
            let byDay = try await total(shell, "costs \(range)")
            #expect((byDay?.doubleValue ?? 0) > 0)
            for by in ["project", "line_item", "api_key"] {
                #expect(try await total(shell, "costs \(range) --by \(by)") == byDay, "costs by \(by)")
            }
            let tokens = try await total(shell, "usage \(range)", "input_tokens")
            for by in ["model", "project", "api_key", "user", "batch"] {
                #expect(try await total(shell, "usage \(range) --by \(by)", "input_tokens") == tokens, "usage by \(by)")
            }
            // --project by name and by id.
            try await shell.run("costs \(range) --by project --json")
            let rows = shell.session.last?["rows"]?.arrayValue ?? []
            let top = try #require(rows.first)
            #expect(top["named"] == true)
            let name = try #require(top["name"]?.stringValue)
            let id = try #require(top["project_id"]?.stringValue)
            let byName = try await total(shell, "costs \(range) --project \"\(name)\"")
            #expect(byName == top["amount"])
            #expect(try await total(shell, "costs \(range) --project \(id)") == byName)
            // A day's rows: one per day, in order, none incomplete in the past.
            try await shell.run("costs \(range) --json")
            let days = shell.session.last?["rows"]?.arrayValue ?? []
            #expect(days.count == 20)
            #expect(days.allSatisfy { $0["complete"] == true })
            #expect(days.compactMap { $0["date"]?.stringValue } == days.compactMap { $0["date"]?.stringValue }.sorted())
        }
    }

    @Test(
        "mistakes in a report's options are one-line errors naming the option",
        arguments: [
            ("costs --by model", "1:12: error: --by: usage-costs groups by day, api_key, line_item, project, not 'model'"),
            ("costs --days 0", "1:14: error: --days: '0' is out of range: a whole number from 1 to 36,500"),
            ("costs --since 2026-13-01", "1:15: error: --since: '2026-13-01' is not a date (YYYY-MM-DD)"),
            ("costs --days 3 --since 2026-01-01", "1:7: error: --days and --since do not go together: give one"),
            ("costs --project Nowhere", "1:17: error: --project: no project is called 'Nowhere'"),
            ("usage speech --days 2", "1:1: error: usage: unknown kind 'speech' (" + UsageKinds.names.joined(separator: ", ") + ")"),
        ]
    )
    func mistakes(line: String, message: String) async throws {
        try await withSandbox { s in
            let shell = try await seeded(s)
            do throws(ShellError) {
                try await shell.run(line)
                Issue.record("ran: \(line)")
            } catch {
                let place = error.location.map { "\($0.line):\($0.column): error: " } ?? ""
                #expect((place + error.description).split(separator: "\n").first.map(String.init) == message)
                #expect(error.exitStatus == 2)
            }
        }
    }

    /// `YYYY-MM-DD` of today plus `offset` days (UTC).
    static func day(_ offset: Int) -> String { String(UnixTime.iso8601((UnixTime.now() / 86400 + offset) * 86400).prefix(10)) }
}
