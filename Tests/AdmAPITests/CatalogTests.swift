import AdmAPI
import Testing

@Suite("Endpoint catalog")
struct CatalogTests {
    @Test("holds the spec's 122 operations and the SDK's 24 more, each once")
    func counts() {
        #expect(EndpointCatalog.all.count == 146)
        #expect(EndpointCatalog.all.filter { $0.source == .spec }.count == 122)
        #expect(EndpointCatalog.all.filter { $0.source == .sdk }.count == 24)
        #expect(Set(EndpointCatalog.all.map(\.id)).count == 146)
        #expect(Set(EndpointCatalog.all.map(\.signature)).count == 146)
        #expect(EndpointCatalog.all.filter { !$0.sdkMethod.isEmpty }.count == 143)
    }

    @Test("every operation needs a scope of its category; the documented ones are the admin-key operations")
    func scopes() {
        for e in EndpointCatalog.all {
            #expect(PermissionCategory.of(scope: e.scope) == e.category)
            if e.method != .get, e.category == .organizationAdministration { #expect(e.scope == "api.management.write") }
        }
        #expect(Endpoint.listProjects.scope == "api.management.read")
        #expect(Endpoint.listProjects.scopeEvidence == .confirmed)
        #expect(Endpoint.usageCosts.scope == "api.usage.read")
        #expect(
            EndpointCatalog.all.filter { $0.scopeEvidence == .documented }.map(\.id).sorted()
                == ["admin-api-keys-create", "admin-api-keys-delete", "admin-api-keys-get", "admin-api-keys-list"]
        )
    }

    @Test("matches concrete paths, literal segments before parameters")
    func match() {
        let m = EndpointCatalog.match(method: .post, path: "/organization/certificates/activate")
        #expect(m?.endpoint.id == "activateOrganizationCertificates")
        let sa = EndpointCatalog.match(method: .get, path: "/organization/projects/proj_1/service_accounts/svc_2?limit=1")
        #expect(sa?.endpoint.id == "retrieve-project-service-account")
        #expect(sa?.parameters == ["project_id": "proj_1", "service_account_id": "svc_2"])
        #expect(EndpointCatalog.match(method: .get, path: "/organization/credit_grants") == nil)
        #expect(EndpointCatalog.methods(forPath: "/organization/projects") == [.get, .post])
    }

    @Test("paging styles follow the official SDK's pagers")
    func paging() {
        #expect(Endpoint.adminApiKeysList.paging == .cursorByID)
        #expect(Endpoint.listProjects.paging == .cursor)
        #expect(Endpoint.listGroups.paging == .nextCursor)
        #expect(Endpoint.usageCompletions.paging == .usagePage)
        #expect(Endpoint.retrieveProject.paging == Paging.none)
    }

    @Test("calls fill path templates and encode queries as the SDK does")
    func calls() {
        let e = Endpoint.listAuditLogs
        let call = Call(
            e,
            pathParameters: [:],
            query: QueryItem.items(name: "event_types[]", value: ["a.b", "c d"])
                + QueryItem.items(name: "effective_at", value: .obj(["gte": 5]))
        )
        #expect(call.pathAndQuery == "/organization/audit_logs?event_types[]=a.b&event_types[]=c%20d&effective_at[gte]=5")
        let sa = Call(
            Endpoint.retrieveProjectServiceAccount,
            pathParameters: ["project_id": "p/1", "service_account_id": "s"]
        )
        #expect(sa.path == "/organization/projects/p%2F1/service_accounts/s")
        #expect(QueryItem.parse("a=1&b%5B%5D=x%20y&c") == [QueryItem("a", "1"), QueryItem("b[]", "x y"), QueryItem("c", "")])
    }
}
