import AdmAPI
import AdmTestSupport
import Testing

@testable import AdmShell

/// Commands of pure logic — variables, keys, expectations, help, the language's own forms —
/// run with no server at all (`OfflineShell`): each test shows what the command does and that
/// nothing reached the network.
@Suite("Commands of pure logic, with no server")
struct OfflineCommandTests {
    @Test("let, print, vars and unset work on values alone; a path inside a JSON literal ends where its brackets close")
    func variables() async throws {
        let o = OfflineShell()
        try await o.run("let a = [10, 20]; let b = {\"k\": [1, 2]}; let both = [$a[0], $b.k[1]]; let nested = {\"x\": [$a[1]]}")
        #expect(o.shell.session.variables["both"] == .array([.int(10), .int(2)]))
        #expect(o.shell.session.variables["nested"] == .obj(["x": [20]]))
        #expect(try await o.run("print $both") == "10\n2\n")
        #expect(try await o.run("vars").contains("$both"))
        try await o.run("unset both")
        #expect(o.shell.session.variables["both"] == nil)
        #expect(o.server.requests.isEmpty)
    }

    @Test("key list shows names and redacted values; use key switches; key remove forgets; no value is printed")
    func keys() async throws {
        let o = OfflineShell()
        let list = try await o.run("key list")
        #expect(list.contains("owner") && list.contains("bot"))
        try await o.run("use key bot")
        #expect(o.shell.session.activeKey == "bot")
        #expect(o.shell.prompt.hasPrefix("adm bot"))
        try await o.run("key remove bot")
        #expect(o.shell.session.keys["bot"] == nil)
        let printed = o.output.standard + o.output.errors
        #expect(!printed.contains(String(repeating: "o", count: 40)) && !printed.contains(String(repeating: "b", count: 40)))
        #expect(o.server.requests.isEmpty)
    }

    @Test("expect compares values: a pass is recorded, a failure is an expectation error (exit 1)")
    func expectations() async throws {
        let o = OfflineShell()
        try await o.run("let n = 3; expect $n == 3")
        #expect(o.shell.script.expectations.last?.passed == true)
        do throws(ShellError) {
            try await o.run("expect $n > 5")
            Issue.record("a false expectation passed")
        } catch {
            #expect(error.exitStatus == 1)
        }
        #expect(o.shell.script.expectations.last?.passed == false)
        #expect(o.server.requests.isEmpty)
    }

    @Test("the language's own forms: exit ends with its status, pager turns paging off, history lists the transcript")
    func languageForms() async throws {
        let o = OfflineShell()
        #expect(try await o.run("print one; pager off").contains("pager off"))
        #expect(o.shell.configuration.pager == false)
        #expect(try await o.run("history").contains("print one"))
        try await o.run("exit 4")
        #expect(o.shell.requestedExit == 4)
        #expect(o.server.requests.isEmpty)
    }

    @Test("timing on follows each statement with how long it took, on standard error only; records on shows tables as blocks")
    func timingAndRecords() async throws {
        let o = OfflineShell()
        #expect(try await o.run("timing on").contains("timing on"))
        let errors = o.output.errors.count
        #expect(try await o.run("print 1; sleep 20ms") == "1\n")
        let times = o.output.errors.dropFirst(errors).split(separator: "\n").filter { $0.hasPrefix("time: ") }
        #expect(times.count == 2, "\(o.output.errors)")
        // At least the 20 ms slept (a loaded machine may wake it much later: "2,650 ms", "12 s").
        let slept = times.last.map { String($0.dropFirst(6)) } ?? ""
        let milliseconds = slept.hasSuffix(" ms") ? Int(slept.dropLast(3).filter { $0 != "," }) : slept.hasSuffix(" s") ? 10_000 : nil
        #expect((milliseconds ?? 0) >= 20, "\(times)")
        try await o.run("timing off")
        let after = o.output.errors.count
        try await o.run("print 2")
        #expect(o.output.errors.dropFirst(after).isEmpty)
        try await o.run("records on")
        #expect(try await o.run("print [{\"id\": \"a\", \"n\": 1}, {\"id\": \"b\", \"n\": 2}]") == "ID  a\nN   1\n\nID  b\nN   2\n")
        #expect(o.server.requests.isEmpty)
    }

    @Test("help is made from the declarations: usage, subcommands, the operations reached and their scopes")
    func help() async throws {
        let o = OfflineShell()
        let key = try await o.run("help key")
        #expect(key.contains("usage:") && key.contains("key add NAME"))
        #expect(try await o.run("help projects").contains("GET /organization/projects  needs api.management.read"))
        #expect(o.server.requests.isEmpty)
    }

    @Test("a command that calls the API reaches the transport once, and its failure names where and why")
    func callsGoThroughTheTransport() async throws {
        let o = OfflineShell()
        do throws(ShellError) {
            try await o.run("projects")
            Issue.record("a call with no server succeeded")
        } catch {
            #expect(error.description.contains("no-server.invalid"))
            #expect(error.exitStatus == 3)
        }
        #expect(o.server.requests == ["GET https://no-server.invalid/v1/organization/projects"])
    }

    @Test("a command whose body lacks a field the API requires says so without a call; call sends it as given")
    func requiredBodyFields() async throws {
        let o = OfflineShell()
        do throws(ShellError) {
            try await o.run("create-sa --project proj_x")
            Issue.record("create-sa with no name ran")
        } catch {
            #expect(error.description.contains("create-sa needs name: give name=…"), "\(error.description)")
            #expect(error.exitStatus == 2)
        }
        #expect(o.server.requests.isEmpty)
        _ = try? await o.run("call POST /organization/projects/proj_x/service_accounts")
        #expect(o.server.requests == ["POST https://no-server.invalid/v1/organization/projects/proj_x/service_accounts"])
    }
}
