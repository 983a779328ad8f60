import AdmAPI
import AdmSandbox
import AdmTestSupport
import Testing

@Suite("Sandbox persistence and concurrency")
struct SandboxPersistenceTests {
    @Test("with --db the organization survives a restart, fixture keys included")
    func restart() async throws {
        let dir = temporaryDirectory()
        var options = SandboxOptions.unlimited
        options.databasePath = dir + "/org.db"
        let (projectID, ownerKey) = try await withSandbox(options) { s in
            let p = try await s.call(.createProject, key: "owner", body: .obj(["name": "kept"]))
            return (p.json!["id"]!.stringValue!, s.key("owner"))
        }
        #expect(FileMode.mode(dir + "/org.db") == 0o600)
        try await withSandbox(options) { s in
            #expect(s.key("owner") == ownerKey)
            let r = try await s.call(.retrieveProject, key: "owner", path: ["project_id": projectID])
            #expect(r.json?["name"] == "kept")
            let integrity = try await s.control(.get, "integrity")
            #expect(integrity["integrity"] == "ok")
        }
    }

    @Test("a port in use is refused in plain words, by the socket's errno (not the error's text)")
    func portInUse() async throws {
        try await withSandbox { first in
            var options = SandboxOptions.unlimited
            options.port = first.server.port
            do {
                let second = try await SandboxServer.start(options)
                await second.stop()
                Issue.record("a second sandbox listened on port \(first.server.port)")
            } catch {
                #expect("\(error)".contains("could not listen on 127.0.0.1:\(first.server.port): address already in use"), "\(error)")
            }
        }
    }

    @Test("50 concurrent clients doing mixed writes lose no update and list consistently")
    func concurrentClients() async throws {
        try await withSandbox { s in
            let p = s.defaultProject
            let created: [String] = try await withThrowingTaskGroup(of: [String].self) { group in
                for client in 0..<50 {
                    group.addTask {
                        var ids: [String] = []
                        for n in 0..<4 {
                            let r = try await s.call(
                                .createProjectServiceAccount,
                                key: "owner",
                                path: ["project_id": p],
                                body: .obj(["name": .string("c\(client)-\(n)")])
                            )
                            ids.append(r.json!["id"]!.stringValue!)
                        }
                        // Delete one of ours, rename another.
                        _ = try await s.call(.deleteProjectServiceAccount, key: "owner", path: ["project_id": p, "service_account_id": ids[0]])
                        _ = try await s.call(
                            .updateProjectServiceAccount,
                            key: "owner",
                            path: ["project_id": p, "service_account_id": ids[1]],
                            body: .obj(["name": .string("renamed-\(client)")])
                        )
                        return Array(ids.dropFirst())
                    }
                }
                var all: [String] = []
                for try await ids in group { all += ids }
                return all
            }
            #expect(created.count == 150)
            var listed: [JSON] = []
            var after: String?
            repeat {
                let r = try await s.call(
                    .listProjectServiceAccounts,
                    key: "owner",
                    path: ["project_id": p],
                    query: [QueryItem("limit", "100")] + (after.map { [QueryItem("after", $0)] } ?? [])
                )
                listed += r.json!["data"]!.arrayValue!
                after = r.json!["has_more"] == true ? r.json!["last_id"]?.stringValue : nil
            } while after != nil
            #expect(Set(listed.compactMap { $0["id"]?.stringValue }) == Set(created))
            #expect(listed.filter { $0["name"]?.stringValue?.hasPrefix("renamed-") == true }.count == 50)
            var keys: [JSON] = []
            after = nil
            repeat {
                let r = try await s.call(
                    .listProjectApiKeys,
                    key: "owner",
                    path: ["project_id": p],
                    query: [QueryItem("limit", "100")] + (after.map { [QueryItem("after", $0)] } ?? [])
                )
                keys += r.json!["data"]!.arrayValue!
                after = r.json!["has_more"] == true ? r.json!["last_id"]?.stringValue : nil
            } while after != nil
            // Each surviving account has its key; the deleted accounts' keys are gone.
            #expect(keys.filter { $0["owner"]?["type"] == "service_account" }.count == 150)
        }
    }
}
