import AdmAPI
import AdmTestSupport
import Testing

/// Each fixture key against a read and a write of every category, status and error text
/// checked against the profiles the admin-key form defines.
@Suite("Sandbox permission model")
struct SandboxPermissionTests {
    static let e1 =
        "You have insufficient permissions for this operation. Missing scopes: %@. Check that you have the correct role in your organization, and if you're using a restricted API key, that it has the necessary scopes."

    /// key → categories it may read, and may write.
    static let expected: [String: (read: Set<PermissionCategory>, write: Set<PermissionCategory>)] = [
        "owner": (Set(PermissionCategory.allCases), [.organizationAdministration, .fineTuningCheckpoints]),
        "reader": (Set(PermissionCategory.allCases), []),
        "mgmt-read": ([.organizationAdministration], []),
        "mgmt-write": ([.organizationAdministration], [.organizationAdministration]),
        "usage": ([.usage], []),
    ]

    static func read(_ c: PermissionCategory, _ s: TestSandbox) -> (Endpoint, [String: String], [QueryItem]) {
        switch c {
        case .organizationAdministration: return (.listProjects, [:], [])
        case .usage: return (.usageCompletions, [:], [QueryItem("start_time", "1700000000"), QueryItem("limit", "1")])
        case .auditLogs: return (.listAuditLogs, [:], [])
        case .fineTuningCheckpoints: return (.listFineTuningCheckpointPermissions, ["fine_tuned_model_checkpoint": "ft:gpt-4o:org:x:1"], [])
        }
    }

    static func write(_ c: PermissionCategory, _ s: TestSandbox) -> (Endpoint, [String: String], JSON)? {
        switch c {
        case .organizationAdministration: return (.createProject, [:], .obj(["name": "matrix"]))
        case .fineTuningCheckpoints:
            return (
                .createFineTuningCheckpointPermission, ["fine_tuned_model_checkpoint": "ft:gpt-4o:org:x:1"],
                .obj(["project_ids": [.string(s.defaultProject)]])
            )
        default: return nil
        }
    }

    @Test("every fixture key reads and writes exactly what its profile allows", arguments: ["owner", "reader", "mgmt-read", "mgmt-write", "usage"])
    func matrix(key: String) async throws {
        try await withSandbox { s in
            let want = Self.expected[key]!
            for c in PermissionCategory.allCases {
                let (id, path, query) = Self.read(c, s)
                let r = try await s.call(id, key: key, path: path, query: query)
                if want.read.contains(c) {
                    #expect(r.status == 200, "\(key) should read \(c)")
                } else {
                    #expect(r.status == 401, "\(key) should not read \(c)")
                    #expect(r.error?.message == Self.e1.replacing("%@", with: c.readScope))
                    #expect(r.error?.type == "invalid_request_error")
                    #expect(r.error?.code == nil && r.error?.param == nil)
                }
                if let (wid, wpath, body) = Self.write(c, s) {
                    let w = try await s.call(wid, key: key, path: wpath, body: body)
                    if want.write.contains(c) {
                        #expect(w.status == 200, "\(key) should write \(c)")
                    } else {
                        #expect(w.status == 401, "\(key) should not write \(c)")
                        #expect(w.error?.missingScopes == [c.writeScope!])
                    }
                }
            }
        }
    }

    @Test("an unknown key gets invalid_api_key with the key masked; no key gets the no-key message")
    func unknownKey() async throws {
        try await withSandbox { s in
            let r = try await s.transport.send(
                WireRequest(method: .get, url: s.server.baseURL + "/organization/projects"),
                credential: Secret("sk-admin-fake"),
                timeout: .seconds(10)
            )
            let e = APIError.decode(r)
            #expect(r.status == 401)
            #expect(
                e?.message == "Incorrect API key provided: sk-admin*fake. You can find your API key at https://platform.openai.com/account/api-keys."
            )
            #expect(e?.code == "invalid_api_key")
            let none = try await s.raw(.get, "/organization/projects")
            #expect(none.status == 401)
            #expect(APIError.decode(none)?.message.hasPrefix("You didn't provide an API key.") == true)
        }
    }

    @Test("project and service-account keys on admin endpoints fail as reported")
    func projectKeys() async throws {
        try await withSandbox { s in
            let r = try await s.call(.listProjects, key: "project-key")
            #expect(r.status == 401)
            #expect(r.error?.missingScopes == ["api.management.read"])
            let u = try await s.call(.usageCosts, key: "project-key", query: [QueryItem("start_time", "1700000000")])
            #expect(u.error?.missingScopes == ["api.usage.read"])
            let sa = try await s.call(
                .createProjectServiceAccount,
                key: "owner",
                path: ["project_id": s.defaultProject],
                body: .obj(["name": "k"])
            )
            let value = sa.minted.first?.secret.unredacted ?? ""
            let client = s.client
            let viaSA = try await client.send(
                Call(Endpoint.createProject, pathParameters: [:], body: .obj(["name": "x"])),
                key: Secret(value)
            )
            #expect(viaSA.status == 401)
            #expect(viaSA.error?.missingScopes == ["api.management.read"])
        }
    }

    @Test("stale-permissions: a key created restricted keeps failing after being widened; a new All key works")
    func stalePermissions() async throws {
        try await withSandbox { s in
            _ = try await s.control(.post, "known-issues", .obj(["name": "stale-permissions", "enabled": true]))
            let created = try await s.control(.post, "keys", .obj(["name": "nov20", "profile": "restricted:management=read"]))
            let old = Secret(created["value"]!.stringValue!)
            _ = try await s.control(.post, "keys/nov20", .obj(["profile": "all"]))
            let create = Call(Endpoint.createProject, pathParameters: [:], body: .obj(["name": "x"]))
            let r = try await s.client.send(create, key: old)
            #expect(r.status == 401)
            #expect(r.error?.shape == .string)
            #expect(r.error?.missingScopes == ["api.management.write"])
            let fresh = Secret(try await s.control(.post, "keys", .obj(["name": "fresh", "profile": "all"]))["value"]!.stringValue!)
            #expect(try await s.client.send(create, key: fresh).status == 200)
            // A key created with All, restricted, then widened again is not affected.
            _ = try await s.control(.post, "keys/fresh", .obj(["profile": "read-only"]))
            #expect(try await s.client.send(create, key: fresh).status == 401)
            _ = try await s.control(.post, "keys/fresh", .obj(["profile": "all"]))
            #expect(try await s.client.send(create, key: fresh).status == 200)
            // Without the mode, widening takes effect at once.
            _ = try await s.control(.post, "known-issues", .obj(["name": "stale-permissions", "enabled": false]))
            #expect(try await s.client.send(create, key: old).status == 200)
        }
    }
}
