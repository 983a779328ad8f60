import AdmAPI
import AdmTestSupport
import Testing

@testable import AdmShell

@Suite("Tab completion")
struct CompletionTests {
    func complete(_ line: String, _ shell: Interpreter) -> [String] {
        Completer.complete(line: line, cursor: line.count, shell: shell)
    }

    @Test("commands, subcommands, flags, keys and fields")
    func basics() async throws {
        try await withSandbox { s in
            let shell = s.shell()
            #expect(complete("crea", shell) == ["create-sa"])
            #expect(complete("use k", shell) == ["key"])
            #expect(complete("use key mgmt-", shell) == ["mgmt-read", "mgmt-write"])
            #expect(complete("projects --a", shell) == ["--after", "--all", "--archived"])
            #expect(complete("create-sa na", shell) == ["name="])
            #expect(
                complete("call GET /organization/us", shell) == [
                    "/organization/usage/audio_speeches", "/organization/usage/audio_transcriptions",
                    "/organization/usage/code_interpreter_sessions", "/organization/usage/completions",
                    "/organization/usage/decisions", "/organization/usage/embeddings",
                    "/organization/usage/file_search_calls", "/organization/usage/images",
                    "/organization/usage/moderations", "/organization/usage/vector_stores",
                    "/organization/usage/web_search_calls", "/organization/users",
                    "/organization/users/{user_id}", "/organization/users/{user_id}/roles",
                    "/organization/users/{user_id}/roles/{role_id}",
                ]
            )
            #expect(complete("call GET /organization/users li", shell) == ["limit="])
            #expect(complete("projects; sandbox known-issue st", shell) == ["stale-permissions"])
        }
    }

    @Test("variables and their fields, and live ids from the cache")
    func live() async throws {
        try await withSandbox { s in
            let shell = s.shell()
            try await shell.run("let sa = create-sa name=comp; projects --quiet")
            #expect(complete("print $s", shell) == ["$sa", "$status"])
            #expect(complete("print $sa.api_", shell) == ["$sa.api_key"])
            #expect(complete("print $sa.api_key.", shell).contains("$sa.api_key.id"))
            #expect(complete("use project proj_", shell) == [s.defaultProject])
            // Names complete beside ids where a name works, quoted when they need it.
            #expect(complete("project archive ", shell) == ["'Default project'", s.defaultProject])
            #expect(complete("project archive Def", shell) == ["'Default project'"])
        }
    }
}
