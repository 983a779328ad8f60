import AdmAPI
import AdmTestSupport
import Testing

@testable import AdmShell

@Suite("The language against the sandbox")
struct InterpreterTests {
    @Test("variables, selections and $_ hold JSON")
    func values() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("let ids = projects | .data[].id; let n = 3; let name = \"a b\"; let obj = {\"k\": [1, $n]}")
            #expect(shell.session.variables["ids"] == .array([.string(s.defaultProject)]))
            #expect(shell.session.variables["n"] == .int(3))
            #expect(shell.session.variables["name"] == .string("a b"))
            #expect(shell.session.variables["obj"] == .obj(["k": [1, 3]]))
            try await shell.run("projects")
            #expect(shell.session.last?["object"] == "list")
            try await shell.run("print $_.data[0].name")
            #expect(out.standard.hasSuffix("Default project\n"))
            try await shell.run("unset n")
            #expect(shell.session.variables["n"] == nil)
        }
    }

    @Test(
        "runtime mistakes are usage errors with a place",
        arguments: [
            ("print $nope", "undefined variable $nope"),
            ("print $_.x", "$_ is empty: no command has produced a value yet"),
            ("use key nobody", "no key named 'nobody'; keys: owner, reader, mgmt-read, mgmt-write, usage, project-key"),
            ("use key ownr", "no key named 'ownr' (did you mean owner?); keys: owner, reader, mgmt-read, mgmt-write, usage, project-key"),
            (
                "create-sa nmae=x",
                "create-project-service-account has no field 'nmae' (fields: name, create_service_account_only, expires_in_seconds); did you mean name?"
            ),
            ("create-sa name=x create_service_account_only=maybe", "create_service_account_only expects true or false, got 'maybe'"),
            ("call GET /organization/projects limit=many", "limit expects an integer, got 'many'"),
            ("call PATCH /organization/projects", "call: the Admin API uses only GET, POST and DELETE (updates are POST)"),
            (
                "call list-projectz",
                "call: 'list-projectz' is neither GET/POST/DELETE nor an operation id; did you mean list-projects? (help call lists them)"
            ),
            ("call GET /organization/projects/{project_id}/users/{user_id}", "retrieve-project-user needs user_id: give user_id=…"),
            ("call POST /organization/projects --body nope", "--body is not valid JSON: invalid literal, expected 'null' at line 1, column 1"),
            (
                "sa show",
                "sa: missing SERVICE_ACCOUNT_ID — usage: sa | sa show SERVICE_ACCOUNT_ID | sa delete SERVICE_ACCOUNT_ID | sa rename SERVICE_ACCOUNT_ID NAME | sa role SERVICE_ACCOUNT_ID member|owner [--all] [--limit N] [--after ID] [--project PROJECT]"
            ),
            (
                "usage tokens",
                "usage: unknown kind 'tokens' (completions, embeddings, moderations, images, audio_speeches, audio_transcriptions, vector_stores, code_interpreter_sessions, file_search_calls, web_search_calls, decisions)"
            ),
            ("audit --since yesterday", "--since: 'yesterday' is not a duration: a duration from 1s to 3650d (90s, 30m, 24h, 7d)"),
            (
                "key add x sk-admin-abc",
                "key add x: refusing a key typed on the command line (it would land in shell history and `ps`); use --env VAR or --file PATH, or start adm with --allow-literal-key"
            ),
            ("projects | .data[5]", "selection .data[5]: index [5] is out of range: .data has 1 element"),
            ("repro", "repro: no call has been made yet"),
            ("let c = 0; keys --project a --concurrency $c", "--concurrency: '0' is out of range: a whole number from 1 to 64"),
            ("let c = 65; keys --project a --concurrency $c", "--concurrency: '65' is out of range: a whole number from 1 to 64"),
            ("let s = 1e16; sleep $s", "sleep DURATION: '1e16' is out of range: a duration from 0s to 1d (500ms, 90s, 30m, 24h)"),
            ("let n = -1; history $n", "history N: '-1' is out of range: a whole number from 0 to 1,000,000"),
        ]
    )
    func runtimeErrors(line: String, message: String) async throws {
        try await withSandbox { s in
            let shell = s.shell()
            do throws(ShellError) {
                try await shell.run(line)
                Issue.record("ran: \(line)")
            } catch {
                #expect(error.description == message)
                #expect(error.exitStatus == 2)
            }
        }
    }

    @Test("a project's name goes where its id goes; an unknown or shared name is refused and changes nothing")
    func projectNames() async throws {
        try await withSandbox { s in
            let shell = s.shell()
            try await shell.run("project show \"Default project\" --quiet")
            #expect(shell.session.last?["id"]?.stringValue == s.defaultProject)
            try await shell.run("project create Twice --quiet; project create Twice --quiet; project create Elsewhere --quiet")
            try await shell.run("keys --project Elsewhere --quiet; create-sa name=bot --project Elsewhere --quiet")
            #expect(shell.session.lastResult?.call.path.contains("/projects/proj_") == true)
            try await shell.run("use project Elsewhere")
            let elsewhere = shell.session.activeProject
            #expect(elsewhere?.hasPrefix("proj_") == true)
            for (statement, message) in [
                ("project show Nowhere", "no project is named 'Nowhere'"), ("keys --project Twice", "2 projects are named 'Twice'"),
                ("use project Nowhere", "no project is named 'Nowhere'"),
            ] {
                do throws(ShellError) {
                    try await shell.run(statement)
                    Issue.record("\(statement) accepted")
                } catch {
                    #expect(error.description.contains(message), "\(statement): \(error.description)")
                }
            }
            #expect(shell.session.activeProject == elsewhere)
        }
    }

    @Test("expect checks the last call and values; a failure is exit status 1")
    func expectations() async throws {
        try await withSandbox { s in
            let shell = s.shell()
            try await shell.run(
                "use key mgmt-read; projects; expect ok; expect count 1; expect .data[0].status == active; expect .data[0].name contains Default"
            )
            do throws(ShellError) {
                try await shell.run("create-sa name=x")
                Issue.record("should have failed")
            } catch {
                guard case .api(let r) = error else {
                    Issue.record("\(error)")
                    return
                }
                #expect(r.status == 401)
            }
            try await shell.run("expect status 401; expect missing-scope api.management.write; expect error \"insufficient permissions\"")
            do throws(ShellError) {
                try await shell.run("expect status 200")
                Issue.record("should have failed")
            } catch {
                #expect(error.exitStatus == 1)
                #expect(error.description.hasPrefix("expect status 200: got 401 (You have insufficient permissions"))
            }
            #expect(shell.script.expectations.filter(\.passed).count == 7)
            #expect(shell.script.expectations.filter { !$0.passed }.count == 1)
        }
    }

    @Test("a list-valued path parameter fans out with bounded concurrency")
    func fanOut() async throws {
        try await withSandbox { s in
            _ = try await s.control(.post, "seed", .obj(["kind": "projects", "count": 11]))
            let shell = s.shell()
            try await shell.run("let ids = projects --all | .data[].id; keys --project $ids --concurrency 3 --quiet")
            let results = shell.session.last?["results"]?.arrayValue ?? []
            #expect(results.count == 12)
            #expect(results.allSatisfy { $0["status"] == 200 })
            #expect(results.map { $0["project_id"] } == shell.session.variables["ids"]?.arrayValue)
        }
    }

    @Test("a fan-out is shown by the renderer: one section per call and a count; --csv is a row per call; a selection picks from it")
    func fanOutDisplay() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("project create second --quiet; let ids = projects | .data[].id")
            try await shell.run("keys --project $ids")
            #expect(out.standard.components(separatedBy: "── project_id ").count == 3)
            #expect(out.standard.contains("2 calls, 0 failed"))
            let before = out.standard.count
            try await shell.run("keys --project $ids --csv")
            let csv = out.standard.dropFirst(before).split(separator: "\r\n")
            #expect(csv.first?.hasPrefix("project_id,status") == true)
            #expect(csv.count == 3)
            let selected = out.standard.count
            try await shell.run("keys --project $ids | .results[].status")
            #expect(out.standard.dropFirst(selected) == "200\n200\n")
        }
    }

    @Test("--all follows every page and keeps the items in $_")
    func allPages() async throws {
        try await withSandbox { s in
            _ = try await s.control(.post, "seed", .obj(["kind": "service-accounts", "count": 250, "project_id": .string(s.defaultProject)]))
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("sa --all --limit 100")
            #expect(shell.session.last?["count"] == 250)
            #expect(shell.session.last?["pages"] == 3)
            #expect(out.standard.contains("250 items in 3 pages"))
            // The list shown again, whole: the same line under it (one renderer writes both).
            let streamed = out.standard.count
            try await shell.run("print $_")
            #expect(out.standard.dropFirst(streamed).hasSuffix("250 items in 3 pages\n"))
            let before = out.standard.count
            try await shell.run("sa --all --limit 100 | .data[].id")
            let ids = out.standard.dropFirst(before).split(separator: "\n")
            #expect(ids.count == 250)
            #expect(ids.allSatisfy { $0.hasPrefix("svc_acct_") })
        }
    }

    @Test("records on shows every table one block per row (pages of --all go on as one list); records off brings tables back")
    func recordsMode() async throws {
        try await withSandbox { s in
            _ = try await s.control(.post, "seed", .obj(["kind": "projects", "count": 3]))
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("records on")
            let before = out.standard.count
            try await shell.run("projects --all --limit 2")
            let blocks = out.standard.dropFirst(before).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(blocks.filter { $0.hasPrefix("ID       proj_") }.count == 4, "\(blocks)")
            #expect(blocks.filter(\.isEmpty).count == 3 + 1, "blocks apart by one empty line (and the output's end): \(blocks)")
            #expect(blocks.contains("4 items in 2 pages"))
            try await shell.run("records off")
            let table = out.standard.count
            try await shell.run("projects")
            let lines = out.standard.dropFirst(table).split(separator: "\n")
            #expect(lines.count == 5 && lines[0].hasPrefix("ID ") && lines[0].contains("NAME"), "a table again: \(lines)")
        }
    }

    @Test("new secrets become session keys; $_ and the output hold only the redacted value")
    func newSecrets() async throws {
        try await withSandbox { s in
            let out = CapturedOutput()
            let shell = s.shell(output: out)
            try await shell.run("let sa = create-sa name=ci-bot")
            let key = try #require(shell.session.keys["ci-bot"])
            #expect(key.secret.kind == .serviceAccount)
            #expect(shell.session.variables["sa"]?["api_key"]?["value"] == .string(key.secret.redacted))
            try await shell.run("print $sa --json")
            #expect(!Redaction.leaks(out.standard + out.errors, secrets: [key.secret]))
        }
    }
}
